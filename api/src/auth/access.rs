//! Extractors that say what a handler accepts:
//! [`Session`] (a browser, guest or member), [`Member`], [`Admin`], and [`Scoped`] (a browser, or
//! an API key holding the scope `S`). Each resolves the caller once and answers 401/403 with the
//! error body when it does not fit.

use ptp_domain::{KeyId, UserId};
use std::collections::BTreeMap;
use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use ptp_shared::{Role, Scope, UserKind};

use crate::auth::identity::{Identity, identify};
use crate::auth::session::Claims;
use crate::error::{ApiError, AuthFailure};
use crate::ports::Platform;
use crate::store::users::{self, UserRecord};

#[derive(Debug, Clone)]
pub enum Credential {
    Session { claims: Claims },
    ApiKey { key_id: KeyId, scopes: Vec<Scope> },
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub kind: UserKind,
    pub credential: Credential,
    /// Loaded when the caller was identified.
    pub user: Option<UserRecord>,
}

impl Caller {
    /// The caller's user row, loading it if authentication did not.
    pub async fn user<P: Platform>(&self, platform: &P) -> Result<UserRecord, ApiError> {
        if let Some(user) = &self.user {
            return Ok(user.clone());
        }
        users::get(platform.database()?, &self.user_id)
            .await?
            // The account was deleted while a session was still open.
            .ok_or(ApiError::Unauthorized {
                failure: AuthFailure::Revoked,
                clear_cookie: true,
            })
    }

    pub fn session_claims(&self) -> Option<&Claims> {
        match &self.credential {
            Credential::Session { claims } => Some(claims),
            Credential::ApiKey { .. } => None,
        }
    }
}

/// What an operation allows API keys, read from its OpenAPI `security`: the scopes of its
/// `api_key` requirement, or `None` when keys may not call it at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPolicy(pub Option<Vec<Scope>>);

impl KeyPolicy {
    pub fn of(security: &[BTreeMap<String, Vec<String>>]) -> Self {
        let scopes = security.iter().find_map(|requirement| {
            requirement.get("api_key").map(|names| {
                names
                    .iter()
                    .filter_map(|name| {
                        Scope::ALL
                            .into_iter()
                            .find(|scope| scope.as_str() == name.as_str())
                    })
                    .collect()
            })
        });
        Self(scopes)
    }

    /// Refuses an API key that may not call the operation, or lacks one of its scopes.
    pub fn check(&self, identity: Option<&Identity>) -> Result<(), ApiError> {
        let Some(Caller {
            credential: Credential::ApiKey { scopes, .. },
            ..
        }) = identity.and_then(Identity::caller)
        else {
            return Ok(());
        };
        match &self.0 {
            None => Err(ApiError::Forbidden(
                "API keys cannot do this; it needs a signed-in browser session.".into(),
            )),
            Some(needed) => match needed.iter().find(|scope| !scopes.contains(scope)) {
                Some(missing) => Err(ApiError::MissingScope(*missing)),
                None => Ok(()),
            },
        }
    }
}

fn required(parts: &Parts) -> Result<Caller, ApiError> {
    identify(parts)?.ok_or(ApiError::unauthorized(AuthFailure::Missing))
}

fn browser_only(caller: Caller) -> Result<Caller, ApiError> {
    match caller.credential {
        Credential::Session { .. } => Ok(caller),
        Credential::ApiKey { .. } => Err(ApiError::Forbidden(
            "This needs a signed-in browser session; API keys cannot do it.".into(),
        )),
    }
}

/// A browser session: a member or a guest. API keys are refused.
pub struct Session(pub Caller);

impl<St: Sync> FromRequestParts<St> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Self, ApiError> {
        browser_only(required(parts)?).map(Session)
    }
}

/// A browser session of a member (signed in with Google).
pub struct Member(pub Caller);

impl<St: Sync> FromRequestParts<St> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Self, ApiError> {
        let caller = browser_only(required(parts)?)?;
        match caller.kind {
            UserKind::Member => Ok(Member(caller)),
            UserKind::Guest => Err(ApiError::Forbidden("Sign in with Google first.".into())),
        }
    }
}

/// A member whose role is admin, as their row read fresh for this request says (a revoked grant
/// counts at once).
pub struct Admin(pub UserRecord);

impl<St: Sync> FromRequestParts<St> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, ApiError> {
        let Member(caller) = Member::from_request_parts(parts, state).await?;
        // Identifying the caller read their row in this very request.
        let user = caller.user.ok_or_else(|| {
            ApiError::Internal("an identified member came without their user row".into())
        })?;
        match user.role {
            Role::Admin => Ok(Admin(user)),
            Role::Learner => Err(ApiError::Forbidden(
                "Only administrators may do this.".into(),
            )),
        }
    }
}

/// Names the scope a route needs from API keys.
pub trait RequiredScope: Send + Sync + 'static {
    const SCOPE: Scope;
}

pub struct ProfileRead;
impl RequiredScope for ProfileRead {
    const SCOPE: Scope = Scope::ProfileRead;
}

pub struct CatalogRead;
impl RequiredScope for CatalogRead {
    const SCOPE: Scope = Scope::CatalogRead;
}

pub struct ProgressRead;
impl RequiredScope for ProgressRead {
    const SCOPE: Scope = Scope::ProgressRead;
}

pub struct SessionsWrite;
impl RequiredScope for SessionsWrite {
    const SCOPE: Scope = Scope::SessionsWrite;
}

/// Anyone; when credentials are sent they must be valid, and an API key must hold `S`'s scope.
pub struct MaybeScoped<S>(pub Option<Caller>, pub PhantomData<S>);

impl<S: RequiredScope, St: Sync> FromRequestParts<St> for MaybeScoped<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Self, ApiError> {
        let caller = identify(parts)?;
        if let Some(Caller {
            credential: Credential::ApiKey { scopes, .. },
            ..
        }) = &caller
            && !scopes.contains(&S::SCOPE)
        {
            return Err(ApiError::MissingScope(S::SCOPE));
        }
        Ok(MaybeScoped(caller, PhantomData))
    }
}

/// A browser session, or an API key holding `S`'s scope.
pub struct Scoped<S>(pub Caller, pub PhantomData<S>);

impl<S: RequiredScope, St: Sync> FromRequestParts<St> for Scoped<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Self, ApiError> {
        let caller = required(parts)?;
        if let Credential::ApiKey { scopes, .. } = &caller.credential
            && !scopes.contains(&S::SCOPE)
        {
            return Err(ApiError::MissingScope(S::SCOPE));
        }
        Ok(Scoped(caller, PhantomData))
    }
}
