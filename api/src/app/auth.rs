//! Who this browser is, guest sessions, signing out (signing in with Google: `sign_in`).

use axum::Json;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ptp_domain::rate_limit::NEW_GUESTS;
use ptp_shared::{Me, SessionInfo, UserKind};

use crate::app::current::Current;
use crate::app::{responses, views};
use crate::auth::access::{Member, Session};
use crate::auth::identity::identify;
use crate::auth::session;
use crate::error::{ApiError, AuthFailure};
use crate::ports::Platform;
use crate::store::users;

/// Who this browser is, ignoring a stale or broken cookie (`stale` says one was sent).
pub struct CurrentSession {
    pub(super) caller: Option<crate::auth::access::Caller>,
    pub(super) stale: bool,
}

impl<St: Sync> axum::extract::FromRequestParts<St> for CurrentSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Self, ApiError> {
        match identify(parts) {
            Ok(caller) => Ok(Self {
                caller,
                stale: false,
            }),
            Err(ApiError::Unauthorized { .. }) => Ok(Self {
                caller: None,
                stale: true,
            }),
            Err(other) => Err(other),
        }
    }
}

/// Who this browser is: the member or guest, or nobody. Never 401, so the app can ask on start.
#[utoipa::path(
    get,
    path = "/api/v1/auth/session",
    operation_id = "get_auth_session",
    tag = "auth",
    responses(
        (status = 200, description = "The session's user, or none", body = SessionInfo),
        (status = 503, description = "Sessions or the database are unavailable", body = ptp_shared::ErrorBody),
    ),
    security(()),
)]
pub async fn current_session<P: Platform>(
    Current(platform): Current<P>,
    CurrentSession { caller, stale }: CurrentSession,
) -> Result<Response, ApiError> {
    let user = match caller {
        Some(caller) => Some(views::me(&caller.user(&platform).await?)),
        None => None,
    };
    let mut response = Json(SessionInfo { user }).into_response();
    let headers = response.headers_mut();
    if stale {
        headers.append(header::SET_COOKIE, session::clearing_cookie());
    }
    Ok(response)
}

/// Starts a guest session for this browser, or returns the session it already has.
#[utoipa::path(
    post,
    path = "/api/v1/auth/guest",
    operation_id = "post_auth_guest",
    tag = "auth",
    responses(
        (status = 200, description = "This browser already has a session", body = Me),
        (status = 201, description = "A new guest; the session cookie is set", body = Me),
        (status = 403, description = "Cross-site request", body = ptp_shared::ErrorBody),
        (status = 429, description = "This address started too many guest sessions this hour", body = ptp_shared::ErrorBody),
    ),
    security(()),
)]
pub async fn start_guest<P: Platform>(
    Current(platform): Current<P>,
    headers: HeaderMap,
    CurrentSession { caller, .. }: CurrentSession,
) -> Result<Response, ApiError> {
    if let Some(caller) = caller {
        let user = caller.user(&platform).await?;
        return Ok((StatusCode::OK, Json(views::me(&user))).into_response());
    }
    let address = crate::app::limits::address(&headers);
    match platform
        .rate_limit(&format!("guests:{address}"), NEW_GUESTS.as_limit())
        .await
    {
        Ok(decision) if !decision.allowed => {
            return Err(ApiError::QuotaExceeded {
                quota: NEW_GUESTS,
                retry_after_secs: decision.reset_secs,
            });
        }
        Ok(_) => {}
        // Like the rate limit: an outage of the counter does not stop sign-ups.
        Err(err) => platform.log_error(&format!("guest quota not counted: {err}")),
    }
    let auth = platform.settings().auth.clone()?;
    let guest = users::create_guest(platform.database()?).await?;
    let token = session::start(
        platform.sessions(),
        &auth.jwt_secret,
        &guest.id,
        (UserKind::Guest, guest.role),
        guest.session_epoch,
        platform.now_secs(),
    )
    .await?;
    let mut response = (StatusCode::CREATED, Json(views::me(&guest))).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(&token, session::token_ttl(UserKind::Guest, guest.role)),
    );
    Ok(response)
}

fn signed_out() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session::clearing_cookie());
    response
}

/// Ends this browser's session.
#[utoipa::path(
    post,
    path = "/api/v1/auth/sign-out",
    operation_id = "post_auth_sign_out",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out; the cookie is cleared"),
        responses::NoValidSession,
        (status = 403, description = "Cross-site request, or an API key", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn sign_out<P: Platform>(
    Current(platform): Current<P>,
    Session(caller): Session,
) -> Result<Response, ApiError> {
    let claims = caller
        .session_claims()
        .ok_or(ApiError::unauthorized(AuthFailure::Missing))?;
    session::end(platform.sessions(), &claims.sid).await?;
    Ok(signed_out())
}

/// Ends every session of this member, on every device, this one included.
#[utoipa::path(
    post,
    path = "/api/v1/auth/sign-out-everywhere",
    operation_id = "post_auth_sign_out_everywhere",
    tag = "auth",
    responses(
        (status = 204, description = "Every session ended; the cookie is cleared"),
        responses::NoValidSession,
        responses::MembersOnly,
    ),
    security(("session" = [])),
)]
pub async fn sign_out_everywhere<P: Platform>(
    Current(platform): Current<P>,
    Member(caller): Member,
) -> Result<Response, ApiError> {
    users::end_all_sessions(platform.database()?, &caller.user_id).await?;
    Ok(signed_out())
}
