//! Who sent a request: resolved once by the edge, before the rate limit, from an API key or a
//! session cookie, and read by the extractors in [`super::access`].

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use ptp_domain::UserId;
use ptp_shared::UserKind;

use crate::auth::access::{Caller, Credential};
use crate::auth::api_keys;
use crate::auth::session;
use crate::error::{ApiError, AuthFailure};
use crate::ports::Platform;
use crate::store::api_keys::{KeyLookup, authenticate, record_use};
use crate::store::users;

/// Who sent a request, found out once by the edge (`app::edge`) before the rate limit, and kept
/// in the request's extensions for the route's key policy and the extractors.
#[derive(Debug, Clone)]
pub enum Identity {
    /// No credentials were sent.
    Nobody,
    Caller(Box<Caller>),
    /// Credentials were sent and are not valid; `clear_cookie`: the session cookie was it.
    Refused {
        failure: AuthFailure,
        clear_cookie: bool,
    },
}

impl Identity {
    pub fn caller(&self) -> Option<&Caller> {
        match self {
            Identity::Caller(caller) => Some(caller.as_ref()),
            _ => None,
        }
    }

    fn result(&self) -> Result<Option<Caller>, ApiError> {
        match self {
            Identity::Nobody => Ok(None),
            Identity::Caller(caller) => Ok(Some(caller.as_ref().clone())),
            Identity::Refused {
                failure,
                clear_cookie,
            } => Err(ApiError::Unauthorized {
                failure: *failure,
                clear_cookie: *clear_cookie,
            }),
        }
    }
}

/// Resolves the credentials in `headers`: an API key (looked up, read only), or a session cookie
/// (token, its KV record, and the user's row: a deleted user or a session older than the user's
/// last "sign out everywhere" is refused). Also returns a reissued session cookie when one is due.
/// `Err` only when a store needed to decide is unavailable.
pub async fn resolve<P: Platform>(
    headers: &HeaderMap,
    platform: &P,
) -> Result<(Identity, Option<HeaderValue>), ApiError> {
    if let Some(bearer) = api_keys::bearer(headers) {
        let Ok(secret) = bearer else {
            return Ok((refused(AuthFailure::Invalid, false), None));
        };
        let auth = platform.settings().auth.clone()?;
        let hash = api_keys::hash(&auth.api_key_secret, secret);
        let db = platform.database()?;
        return Ok(match authenticate(db, &hash).await? {
            KeyLookup::Active {
                key_id,
                scopes,
                user,
                stale_use,
            } => {
                if stale_use && let Err(err) = record_use(db, &key_id).await {
                    // Best effort: the key list shows the last use to the minute at most.
                    platform.log_error(&format!("recording an API key's use failed: {err}"));
                }
                let caller = Caller {
                    user_id: user.id.clone(),
                    kind: user.kind,
                    credential: Credential::ApiKey { key_id, scopes },
                    user: Some(*user),
                };
                (Identity::Caller(Box::new(caller)), None)
            }
            KeyLookup::Revoked => (refused(AuthFailure::Revoked, false), None),
            KeyLookup::Unknown => (refused(AuthFailure::Invalid, false), None),
        });
    }
    let Some(token) = session::read_cookie(headers) else {
        return Ok((Identity::Nobody, None));
    };
    let auth = platform.settings().auth.clone()?;
    let now = platform.now_secs();
    let claims = match session::verify(&auth.jwt_secret, token, now) {
        Ok(claims) => claims,
        Err(failure) => return Ok((refused(failure, true), None)),
    };
    let record = session::load(platform.sessions(), &claims.sid).await?;
    let live = record
        .as_ref()
        .is_some_and(|record| record.user_id == claims.sub && record.expires_at > now);
    // The token is ours and signed: its subject is an id we issued.
    let user_id = UserId::trusted(claims.sub.clone());
    let user = match live {
        true => users::get(platform.database()?, &user_id).await?,
        false => None,
    };
    let (Some(record), Some(user)) = (record, user) else {
        return Ok((refused(AuthFailure::Revoked, true), None));
    };
    if user.session_epoch != claims.epoch {
        return Ok((refused(AuthFailure::Revoked, true), None));
    }
    if session::outlived(user.role, record.created_at, now) {
        return Ok((refused(AuthFailure::Expired, true), None));
    }
    let mut refreshed_cookie = None;
    if claims.needs_refresh(now) {
        session::extend(platform.sessions(), &claims.sid, &record, now).await?;
        if claims.kind == UserKind::Guest {
            // The weekly cleanup removes guests not seen for 30 days; this one just was.
            // Best effort: a missed mark only matters after a month of them.
            if let Err(err) = users::touch(platform.database()?, &user_id).await {
                platform.log_error(&format!("marking a guest as seen failed: {err}"));
            }
        }
        let ttl = session::token_ttl(claims.kind, user.role);
        let refreshed = claims.renewed(now, ttl);
        let token = session::sign(&auth.jwt_secret, &refreshed);
        refreshed_cookie = Some(session::cookie(&token, ttl));
    }
    let caller = Caller {
        user_id,
        kind: claims.kind,
        credential: Credential::Session { claims },
        user: Some(user),
    };
    Ok((Identity::Caller(Box::new(caller)), refreshed_cookie))
}

fn refused(failure: AuthFailure, clear_cookie: bool) -> Identity {
    Identity::Refused {
        failure,
        clear_cookie,
    }
}

/// Who sent the request, if anyone said: what the edge found out.
pub fn identify(parts: &Parts) -> Result<Option<Caller>, ApiError> {
    match parts.extensions.get::<Identity>() {
        Some(identity) => identity.result(),
        None => Err(ApiError::Internal(
            "an identity extractor ran on a route the edge did not identify".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use ptp_shared::{SessionInfo, UserKind};

    use crate::testing::hrana::guest_row_in_epoch;
    use crate::testing::{
        FakePlatform, ScriptedTransport, block_on, read_json, request, session_cookie,
    };

    /// Who `/auth/session` says a guest's epoch-0 token is, when the user row holds
    /// `user_epoch`; and whether the cookie was cleared.
    fn session_of_an_epoch_0_token(user_epoch: i64) -> (Option<String>, bool) {
        let database = ScriptedTransport::replying(200, "{}").when(
            "FROM users WHERE id",
            &guest_row_in_epoch("guest-1", user_epoch),
        );
        let platform = FakePlatform::healthy().with_database(database);
        let cookie = session_cookie(
            &platform,
            "guest-1",
            (UserKind::Guest, ptp_shared::Role::Learner),
            0,
        );
        let response = block_on(request(
            platform,
            "GET",
            "/api/v1/auth/session",
            &[("cookie", &cookie)],
            "",
        ));
        assert_eq!(response.status(), 200);
        let cleared = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|value| value.to_str().unwrap_or("").contains("Max-Age=0"));
        let info: SessionInfo = read_json(response);
        (info.user.map(|user| user.id), cleared)
    }

    #[test]
    fn a_token_from_before_sign_out_everywhere_is_refused_however_many_there_are() {
        assert_eq!(
            session_of_an_epoch_0_token(0),
            (Some("guest-1".to_string()), false),
            "same epoch: still signed in"
        );
        assert_eq!(
            session_of_an_epoch_0_token(1),
            (None, true),
            "the user's epoch moved on: nobody, and the cookie is cleared"
        );
    }
}
