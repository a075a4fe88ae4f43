//! "Sign in with Google": the start (PKCE, state, nonce, and a cookie binding the sign-in to this
//! browser) and the callback (checks, code exchange, id_token, session, guest merge).

use std::time::Duration;

use axum::extract::RawQuery;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ptp_domain::{ReturnPath, ValidationError};
use ptp_shared::UserKind;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::auth::CurrentSession;
use crate::app::current::Current;
use crate::app::json::ApiQuery;
use crate::auth::{cookies, oidc, session};
use crate::config::{GoogleConfig, SiteOrigin};
use crate::error::ApiError;
use crate::ids::random_token;
use crate::ports::{KeyValue, Platform};
use crate::store::users;

pub const CALLBACK_PATH: &str = "/api/v1/auth/google/callback";
/// Longest query a relay passes on (Google's answer is a few hundred characters).
const MAX_RELAY_QUERY: usize = 4096;
/// How long a started sign-in may take to come back.
const SIGN_IN_TTL: Duration = Duration::from_secs(600);
/// Holds a random value whose hash the started sign-in keeps: only the browser that started a
/// sign-in can finish it, so a callback URL lured into another browser signs nobody in there.
const BINDING_COOKIE: &str = "__Host-ptp_signin";

/// What the Worker remembers between sending the browser to Google and its return.
#[derive(Serialize, Deserialize)]
struct PendingSignIn {
    nonce: String,
    pkce_verifier: String,
    return_to: String,
    /// SHA-256 (hex) of the binding cookie set on the browser that started it.
    browser: String,
}

fn binding_hash(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn pending_key(state: &str) -> String {
    format!("signin:{state}")
}

/// Where Google returns to: this site's callback, or the relay that passes it on here.
fn redirect_uri(google: &GoogleConfig, site: &SiteOrigin) -> String {
    google
        .redirect_via
        .clone()
        .unwrap_or_else(|| site.url(CALLBACK_PATH))
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, value);
    }
    response
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// Path on this site to land on after sign-in (default `/`): starts with one `/`, at most
    /// 512 characters, no spaces, backslashes or control characters.
    #[param(
        max_length = 512,
        pattern = r"^/([^/\\\s\x00-\x1f\x7f-\x9f][^\\\s\x00-\x1f\x7f-\x9f]*)?$"
    )]
    return_to: Option<String>,
    /// Email address to preselect at Google.
    login_hint: Option<String>,
}

/// Starts "Sign in with Google": redirects to the provider with PKCE, state and nonce, and binds
/// the sign-in to this browser with a short-lived cookie.
#[utoipa::path(
    get,
    path = "/api/v1/auth/google/start",
    operation_id = "get_auth_google_start",
    tag = "auth",
    params(StartQuery),
    responses(
        (status = 302, description = "Redirect to Google's consent page"),
        (status = 400, description = "`return_to` is not a path on this site", body = ptp_shared::ErrorBody),
        (status = 502, description = "Google's discovery document could not be read", body = ptp_shared::ErrorBody),
    ),
    security(()),
)]
pub async fn google_start<P: Platform>(
    Current(platform): Current<P>,
    ApiQuery(query): ApiQuery<StartQuery>,
) -> Result<Response, ApiError> {
    let return_to = match &query.return_to {
        Some(path) => ReturnPath::parse(path)?,
        None => ReturnPath::home(),
    };
    let login_hint = query.login_hint.as_deref().map(str::trim).filter(|hint| {
        !hint.is_empty() && hint.len() <= 254 && !hint.chars().any(char::is_control)
    });
    let google = platform.settings().google.clone()?;
    let site = platform.settings().site.clone()?;
    let provider = oidc::discover(platform.http(), &google.issuer, platform.now_millis()).await?;
    // Through a relay, the state says which host the answer goes on to.
    let relayed_host = google.redirect_via.is_some().then(|| site.host());
    let request = oidc::authorization_request(
        &provider,
        &google.client_id,
        &redirect_uri(&google, &site),
        login_hint,
        relayed_host,
    )?;
    let binding = random_token(16);
    let pending = PendingSignIn {
        nonce: request.nonce,
        pkce_verifier: request.pkce_verifier,
        return_to: return_to.as_str().to_string(),
        browser: binding_hash(&binding),
    };
    let json = serde_json::to_string(&pending).expect("plain struct");
    platform
        .sessions()
        .put(&pending_key(&request.state), &json, SIGN_IN_TTL)
        .await?;
    let mut response = redirect(&request.url);
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(BINDING_COOKIE, &binding, SIGN_IN_TTL.as_secs()),
    );
    Ok(response)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// The authorization code Google issued.
    code: Option<String>,
    /// The sign-in's state, as the start sent it (at most 128 characters).
    #[param(max_length = 128)]
    state: Option<String>,
    /// Set by Google when the learner declined or something failed there.
    error: Option<String>,
}

/// Google's redirect back: completes the sign-in.
///
/// Checks the state once, exchanges the code (with the PKCE verifier), verifies the id_token,
/// signs the learner in (merging this browser's guest history) and redirects to `return_to`.
#[utoipa::path(
    get,
    path = "/api/v1/auth/google/callback",
    operation_id = "get_auth_google_callback",
    tag = "auth",
    params(CallbackQuery),
    responses(
        (status = 302, description = "Signed in; redirect to `return_to` with the session cookie set"),
        (status = 400, description = "Unknown, expired or replayed state; a browser other than the one that started the sign-in; declined consent; a token that does not verify", body = ptp_shared::ErrorBody),
        (status = 409, description = "Another account already uses this email", body = ptp_shared::ErrorBody),
        (status = 502, description = "Google did not answer as expected", body = ptp_shared::ErrorBody),
    ),
    security(()),
)]
pub async fn google_callback<P: Platform>(
    Current(platform): Current<P>,
    headers: HeaderMap,
    CurrentSession { caller, .. }: CurrentSession,
    ApiQuery(query): ApiQuery<CallbackQuery>,
) -> Result<Response, ApiError> {
    let expired = || {
        ApiError::BadRequest(
            "This sign-in link has expired or was already used; sign in again.".into(),
        )
    };
    let state = query
        .state
        .as_deref()
        .filter(|s| !s.is_empty() && s.len() <= 128)
        .ok_or_else(expired)?;
    let kv = platform.sessions();
    let pending: PendingSignIn = kv
        .get(&pending_key(state))
        .await?
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or_else(expired)?;
    // Used once: a replayed callback finds nothing.
    kv.delete(&pending_key(state)).await?;
    let same_browser = cookies::read(&headers, BINDING_COOKIE)
        .is_some_and(|binding| binding_hash(binding) == pending.browser);
    if !same_browser {
        return Err(ApiError::BadRequest(
            "This sign-in was started in another browser (or its cookie is gone); sign in again here."
                .into(),
        ));
    }
    if let Some(error) = &query.error {
        return Err(ApiError::BadRequest(format!(
            "Google did not complete the sign-in ({error})."
        )));
    }
    let code = query
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(expired)?;

    let google = platform.settings().google.clone()?;
    let site = platform.settings().site.clone()?;
    let auth = platform.settings().auth.clone()?;
    let provider = oidc::discover(platform.http(), &google.issuer, platform.now_millis()).await?;
    let id_token = oidc::exchange_code(
        platform.http(),
        &provider,
        &google,
        code,
        &pending.pkce_verifier,
        &redirect_uri(&google, &site),
    )
    .await?;
    let identity = oidc::verify_id_token(
        platform.http(),
        &provider,
        &google.client_id,
        &id_token,
        &pending.nonce,
        platform.now_millis(),
    )
    .await?;

    let db = platform.database()?;
    let member = users::upsert_member(db, &identity).await?;
    let now = platform.now_secs();
    // A guest in this browser (as the edge identified it) becomes part of the account.
    if let Some(guest) = caller.filter(|caller| caller.kind == UserKind::Guest)
        && let Some(claims) = guest.session_claims()
    {
        users::merge_guest(db, &guest.user_id, &member.id).await?;
        session::end(kv, &claims.sid).await?;
    }
    let token = session::start(
        kv,
        &auth.jwt_secret,
        &member.id,
        (UserKind::Member, member.role),
        member.session_epoch,
        now,
    )
    .await?;
    let mut response = redirect(&pending.return_to);
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        session::cookie(&token, session::token_ttl(UserKind::Member, member.role)),
    );
    headers.append(header::SET_COOKIE, cookies::clear(BINDING_COOKIE));
    Ok(response)
}

/// Google's answer for a sign-in started on another host of `GOOGLE_RELAY_FOR`'s domain (a pull
/// request's preview, which Google cannot know as a redirect URI): passed on, untouched, to that
/// host's callback, which does every check. Only hosts of that one domain are relayed to.
#[utoipa::path(
    get,
    path = "/api/v1/auth/google/relay",
    operation_id = "get_auth_google_relay",
    tag = "auth",
    params(CallbackQuery),
    responses(
        (status = 302, description = "Redirect to the callback of the host the state names"),
        (status = 400, description = "No state naming a host of the relayed domain, or an overlong query", body = ptp_shared::ErrorBody),
        (status = 404, description = "This deployment relays no sign-ins", body = ptp_shared::ErrorBody),
    ),
    security(()),
)]
pub async fn google_relay<P: Platform>(
    Current(platform): Current<P>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let google = platform.settings().google.clone()?;
    let Some(domain) = google.relay_for else {
        return Err(ApiError::NotFound("A sign-in relay".into()));
    };
    let query = query.unwrap_or_default();
    if query.len() > MAX_RELAY_QUERY {
        return Err(ValidationError::new("query", "is too long").into());
    }
    let state = form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let host = relay_target(&state, &domain).ok_or_else(|| {
        ValidationError::new("state", "does not name a host this deployment relays to")
    })?;
    Ok(redirect(&format!("https://{host}{CALLBACK_PATH}?{query}")))
}

/// The host a relayed sign-in's `state` names, if it is one label under `domain`.
fn relay_target<'a>(state: &'a str, domain: &str) -> Option<&'a str> {
    let (host, random) = state.split_once(oidc::STATE_SEPARATOR)?;
    let label = host.strip_suffix(domain)?.strip_suffix('.')?;
    let valid = !random.is_empty()
        && (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then_some(host)
}

#[cfg(test)]
mod tests {
    use super::relay_target;

    #[test]
    fn only_one_label_under_the_relayed_domain_is_a_target() {
        let domain = "preview.pingtopass.com";
        assert_eq!(
            relay_target("pr-42.preview.pingtopass.com~abc", domain),
            Some("pr-42.preview.pingtopass.com")
        );
        for refused in [
            "preview.pingtopass.com~abc",
            "a.b.preview.pingtopass.com~abc",
            "evil.com~abc",
            "evilpreview.pingtopass.com~abc",
            "pr-42.preview.pingtopass.com.evil.com~abc",
            "PR-42.preview.pingtopass.com~abc",
            "pr-42.preview.pingtopass.com~",
            "pr-42.preview.pingtopass.com",
            "pr-42.preview.pingtopass.com:8443~abc",
        ] {
            assert_eq!(relay_target(refused, domain), None, "{refused}");
        }
    }
}
