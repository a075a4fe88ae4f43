//! Extractors that say what a handler accepts:
//! [`Session`] (a browser, guest or member), [`Member`], [`Admin`], and [`Scoped`] (a browser, or
//! an API key holding the scope `S`). Each resolves the caller once and answers 401/403 with the
//! error body when it does not fit.

use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use ptp_shared::{Role, Scope, UserKind};

use crate::auth::api_keys;
use crate::auth::session::{self, Claims};
use crate::error::{ApiError, AuthFailure};
use crate::ports::Platform;
use crate::store::api_keys::{KeyLookup, authenticate};
use crate::store::users::{self, UserRecord};

#[derive(Debug, Clone)]
pub enum Credential {
    Session { claims: Claims },
    ApiKey { key_id: String, scopes: Vec<Scope> },
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub kind: UserKind,
    pub credential: Credential,
    /// Already loaded when an API key authenticated the request (same round trip).
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

/// Set-Cookie headers the extractors want on the response (a refreshed session token). The
/// `/api/v1` middleware puts one in every request and copies its contents to the response.
#[derive(Clone, Default)]
pub struct CookieJar(Arc<Mutex<Vec<HeaderValue>>>);

impl CookieJar {
    pub fn push(&self, cookie: HeaderValue) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(cookie);
    }

    pub fn take(&self) -> Vec<HeaderValue> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Who sent the request, if anyone said.
pub async fn identify<P: Platform>(
    parts: &Parts,
    platform: &P,
) -> Result<Option<Caller>, ApiError> {
    if let Some(bearer) = api_keys::bearer(&parts.headers) {
        let secret = bearer.map_err(ApiError::unauthorized)?;
        let auth = platform.settings().auth.clone()?;
        let hash = api_keys::hash(&auth.api_key_secret, secret);
        return match authenticate(platform.database()?, &hash).await? {
            KeyLookup::Active {
                key_id,
                scopes,
                user,
            } => Ok(Some(Caller {
                user_id: user.id.clone(),
                kind: user.kind,
                credential: Credential::ApiKey { key_id, scopes },
                user: Some(*user),
            })),
            KeyLookup::Revoked => Err(ApiError::unauthorized(AuthFailure::Revoked)),
            KeyLookup::Unknown => Err(ApiError::unauthorized(AuthFailure::Invalid)),
        };
    }
    let Some(token) = session::read_cookie(&parts.headers) else {
        return Ok(None);
    };
    let refused = |failure| ApiError::Unauthorized {
        failure,
        clear_cookie: true,
    };
    let auth = platform.settings().auth.clone()?;
    let now = platform.now_secs();
    let claims = session::verify(&auth.jwt_secret, token, now).map_err(refused)?;
    let record = session::load(platform.sessions(), &claims.sid)
        .await?
        .ok_or_else(|| refused(AuthFailure::Revoked))?;
    if record.user_id != claims.sub || record.expires_at <= now {
        return Err(refused(AuthFailure::Revoked));
    }
    if claims.needs_refresh(now) {
        session::extend(platform.sessions(), &claims.sid, &record, now).await?;
        if claims.kind == UserKind::Guest {
            // The weekly cleanup removes guests not seen for 30 days; this one just was.
            // Best effort: a missed mark only matters after a month of them.
            if let Err(err) = users::touch(platform.database()?, &claims.sub).await {
                crate::error::log_error(&format!("marking a guest as seen failed: {err}"));
            }
        }
        let refreshed = Claims::new(&claims.sub, &claims.sid, claims.kind, now);
        let token = session::sign(&auth.jwt_secret, &refreshed);
        if let Some(jar) = parts.extensions.get::<CookieJar>() {
            jar.push(session::cookie(&token, refreshed.kind));
        }
    }
    Ok(Some(Caller {
        user_id: claims.sub.clone(),
        kind: claims.kind,
        credential: Credential::Session { claims },
        user: None,
    }))
}

async fn required<P: Platform>(parts: &Parts, platform: &P) -> Result<Caller, ApiError> {
    identify(parts, platform)
        .await?
        .ok_or(ApiError::unauthorized(AuthFailure::Missing))
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

impl<P: Platform> FromRequestParts<P> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, platform: &P) -> Result<Self, ApiError> {
        browser_only(required(parts, platform).await?).map(Session)
    }
}

/// A browser session of a member (signed in with Google).
pub struct Member(pub Caller);

impl<P: Platform> FromRequestParts<P> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, platform: &P) -> Result<Self, ApiError> {
        let caller = browser_only(required(parts, platform).await?)?;
        match caller.kind {
            UserKind::Member => Ok(Member(caller)),
            UserKind::Guest => Err(ApiError::Forbidden("Sign in with Google first.".into())),
        }
    }
}

/// A member whose role is admin, read fresh from the database (a revoked grant counts at once).
pub struct Admin(pub UserRecord);

impl<P: Platform> FromRequestParts<P> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, platform: &P) -> Result<Self, ApiError> {
        let Member(caller) = Member::from_request_parts(parts, platform).await?;
        let user = caller.user(platform).await?;
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

impl<S: RequiredScope, P: Platform> FromRequestParts<P> for MaybeScoped<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, platform: &P) -> Result<Self, ApiError> {
        let caller = identify(parts, platform).await?;
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

impl<S: RequiredScope, P: Platform> FromRequestParts<P> for Scoped<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, platform: &P) -> Result<Self, ApiError> {
        let caller = required(parts, platform).await?;
        if let Credential::ApiKey { scopes, .. } = &caller.credential
            && !scopes.contains(&S::SCOPE)
        {
            return Err(ApiError::MissingScope(S::SCOPE));
        }
        Ok(Scoped(caller, PhantomData))
    }
}
