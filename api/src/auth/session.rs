//! Browser sessions: an HS256 JWT in an `HttpOnly; Secure; SameSite=Lax` cookie, backed by a
//! record in KV so that signing out takes effect on the very next request, and carrying the user's
//! session epoch so that signing out everywhere does too, however many sessions there are.
//! Tokens slide: one older than [`REFRESH_AFTER`] is reissued with a fresh expiry.

use ptp_domain::UserId;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ptp_shared::{Role, UserKind};
use serde::{Deserialize, Serialize};

use crate::auth::cookies;
use crate::config::Secret;
use crate::error::{ApiError, AuthFailure};
use crate::ids::random_token;
use crate::ports::KeyValue;

pub const COOKIE_NAME: &str = "__Host-ptp_session";
/// A member's token lives half a day past its last use; sign-in with Google is one click.
pub const MEMBER_TOKEN_TTL: u64 = 12 * 3600;
/// A guest holds nothing secret but their history, which a short expiry would lose.
pub const GUEST_TOKEN_TTL: u64 = 30 * 24 * 3600;
/// Reissue the token once it is this old.
pub const REFRESH_AFTER: u64 = 10 * 60;
/// A member signs in again at least this often, however active.
pub const MEMBER_SESSION_MAX: u64 = 30 * 24 * 3600;
/// An admin's token lives two hours past its last use: the console can change what every
/// learner sees, so an unattended one closes sooner.
pub const ADMIN_TOKEN_TTL: u64 = 2 * 3600;
/// An admin signs in again at least this often: every admin operation rests on a sign-in with
/// Google less than 12 hours old (also when the role came during a longer session).
pub const ADMIN_SESSION_MAX: u64 = 12 * 3600;

/// How long a token of a `kind` user with `role` lives past its last use.
pub fn token_ttl(kind: UserKind, role: Role) -> u64 {
    match (kind, role) {
        (UserKind::Member, Role::Admin) => ADMIN_TOKEN_TTL,
        (UserKind::Member, Role::Learner) => MEMBER_TOKEN_TTL,
        (UserKind::Guest, _) => GUEST_TOKEN_TTL,
    }
}

/// Whether a session signed in at `signed_in_at` is too old for a user with `role` at `now`.
pub fn outlived(role: Role, signed_in_at: u64, now: u64) -> bool {
    role == Role::Admin && now.saturating_sub(signed_in_at) > ADMIN_SESSION_MAX
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The session id: the KV record that must still exist.
    pub sid: String,
    pub kind: UserKind,
    pub iat: u64,
    pub exp: u64,
    /// The user's session epoch at sign-in (see `users::end_all_sessions`).
    #[serde(default)]
    pub epoch: u32,
}

impl Claims {
    /// A token issued at `now`, living `ttl` seconds.
    pub fn new(user_id: &UserId, sid: &str, kind: UserKind, now: u64, ttl: u64) -> Self {
        Self {
            sub: user_id.to_string(),
            sid: sid.to_string(),
            kind,
            iat: now,
            exp: now + ttl,
            epoch: 0,
        }
    }

    pub fn with_epoch(self, epoch: u32) -> Self {
        Self { epoch, ..self }
    }

    /// The same session, reissued at `now` to live `ttl` seconds.
    pub fn renewed(&self, now: u64, ttl: u64) -> Self {
        Self {
            iat: now,
            exp: now + ttl,
            ..self.clone()
        }
    }

    pub fn needs_refresh(&self, now: u64) -> bool {
        now.saturating_sub(self.iat) >= REFRESH_AFTER
    }
}

pub fn sign(secret: &Secret, claims: &Claims) -> String {
    crate::auth::jwt::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.expose().as_bytes()),
    )
    .expect("HS256 signing of plain claims cannot fail")
}

/// Verifies signature and algorithm (HS256 only: `none`, RS256 and friends are refused) and
/// checks expiry against `now`, the platform clock.
pub fn verify(secret: &Secret, token: &str, now: u64) -> Result<Claims, AuthFailure> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.algorithms = vec![Algorithm::HS256];
    // Expiry is checked below against the platform clock, which tests control.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let key = DecodingKey::from_secret(secret.expose().as_bytes());
    let claims = crate::auth::jwt::decode::<Claims>(token, &key, &validation)
        .map_err(|_| AuthFailure::Invalid)?
        .claims;
    if claims.exp <= now {
        return Err(AuthFailure::Expired);
    }
    if claims.iat > now + 60 {
        return Err(AuthFailure::Invalid);
    }
    Ok(claims)
}

/// The cookie carrying `token`, kept by the browser as long as the token lives (`ttl`).
pub fn cookie(token: &str, ttl: u64) -> HeaderValue {
    cookies::set(COOKIE_NAME, token, ttl)
}

/// Tells the browser to forget the session cookie.
pub fn clearing_cookie() -> HeaderValue {
    cookies::clear(COOKIE_NAME)
}

/// The session token from the `Cookie` header(s), if any.
pub fn read_cookie(headers: &HeaderMap) -> Option<&str> {
    cookies::read(headers, COOKIE_NAME)
}

/// What KV keeps per session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub user_id: String,
    pub kind: UserKind,
    pub created_at: u64,
    /// Members: fixed at sign-in. Guests: pushed forward with each token refresh.
    pub expires_at: u64,
}

fn session_key(sid: &str) -> String {
    format!("session:{sid}")
}

fn ttl_until(expires_at: u64, now: u64) -> Duration {
    // KV refuses TTLs under 60 s.
    Duration::from_secs(expires_at.saturating_sub(now).max(60))
}

/// A new session of the user (`kind`, `role`), issued in their `epoch`: its KV record and a
/// signed token.
pub async fn start(
    kv: &impl KeyValue,
    secret: &Secret,
    user_id: &UserId,
    (kind, role): (UserKind, Role),
    epoch: u32,
    now: u64,
) -> Result<String, ApiError> {
    let sid = random_token(16);
    let lifetime = match (kind, role) {
        (UserKind::Member, Role::Admin) => ADMIN_SESSION_MAX,
        (UserKind::Member, Role::Learner) => MEMBER_SESSION_MAX,
        (UserKind::Guest, _) => GUEST_TOKEN_TTL,
    };
    let record = SessionRecord {
        user_id: user_id.to_string(),
        kind,
        created_at: now,
        expires_at: now + lifetime,
    };
    let json = serde_json::to_string(&record).expect("plain struct");
    kv.put(&session_key(&sid), &json, ttl_until(record.expires_at, now))
        .await?;
    Ok(sign(
        secret,
        &Claims::new(user_id, &sid, kind, now, token_ttl(kind, role)).with_epoch(epoch),
    ))
}

pub async fn load(kv: &impl KeyValue, sid: &str) -> Result<Option<SessionRecord>, ApiError> {
    Ok(kv
        .get(&session_key(sid))
        .await?
        .and_then(|text| serde_json::from_str(&text).ok()))
}

/// Pushes a guest session's end forward (members keep their fixed end).
pub async fn extend(
    kv: &impl KeyValue,
    sid: &str,
    record: &SessionRecord,
    now: u64,
) -> Result<(), ApiError> {
    if record.kind == UserKind::Guest {
        let extended = SessionRecord {
            expires_at: now + GUEST_TOKEN_TTL,
            ..record.clone()
        };
        let json = serde_json::to_string(&extended).expect("plain struct");
        kv.put(
            &session_key(sid),
            &json,
            ttl_until(extended.expires_at, now),
        )
        .await?;
    }
    Ok(())
}

pub async fn end(kv: &impl KeyValue, sid: &str) -> Result<(), ApiError> {
    Ok(kv.delete(&session_key(sid)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn secret(text: &str) -> Secret {
        Secret::parse("JWT_SECRET", text).unwrap()
    }

    const NOW: u64 = 1_795_608_000;

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let key = secret(&"k".repeat(32));
        let claims = Claims::new(
            &UserId::trusted("user-1"),
            "sid-1",
            UserKind::Member,
            NOW,
            MEMBER_TOKEN_TTL,
        );
        let token = sign(&key, &claims);
        assert_eq!(verify(&key, &token, NOW + 60).unwrap(), claims);
        assert_eq!(
            verify(&key, &token, NOW + MEMBER_TOKEN_TTL),
            Err(AuthFailure::Expired)
        );
    }

    #[test]
    fn tampered_wrong_key_and_foreign_algorithm_tokens_are_refused() {
        let key = secret(&"k".repeat(32));
        let token = sign(
            &key,
            &Claims::new(
                &UserId::trusted("user-1"),
                "sid-1",
                UserKind::Member,
                NOW,
                MEMBER_TOKEN_TTL,
            ),
        );
        assert_eq!(
            verify(&secret(&"x".repeat(32)), &token, NOW),
            Err(AuthFailure::Invalid),
            "wrong key"
        );

        let (head, rest) = token.split_once('.').unwrap();
        let (payload, signature) = rest.split_once('.').unwrap();
        let forged = serde_json::json!({"sub": "admin", "sid": "sid-1", "kind": "member", "iat": NOW, "exp": NOW + 60});
        let forged_payload = URL_SAFE_NO_PAD.encode(forged.to_string());
        assert_eq!(
            verify(&key, &format!("{head}.{forged_payload}.{signature}"), NOW),
            Err(AuthFailure::Invalid),
            "tampered"
        );

        let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(
            verify(&key, &format!("{none_header}.{payload}."), NOW),
            Err(AuthFailure::Invalid),
            "alg none"
        );
        let hs512 = crate::auth::jwt::encode(
            &Header::new(Algorithm::HS512),
            &Claims::new(
                &UserId::trusted("user-1"),
                "sid-1",
                UserKind::Member,
                NOW,
                MEMBER_TOKEN_TTL,
            ),
            &EncodingKey::from_secret(key.expose().as_bytes()),
        )
        .unwrap();
        assert_eq!(
            verify(&key, &hs512, NOW),
            Err(AuthFailure::Invalid),
            "algorithm not pinned"
        );
        assert_eq!(verify(&key, "not.a.jwt", NOW), Err(AuthFailure::Invalid));
    }

    #[test]
    fn tokens_are_refreshed_after_ten_minutes() {
        let claims = Claims::new(
            &UserId::trusted("u"),
            "s",
            UserKind::Guest,
            NOW,
            GUEST_TOKEN_TTL,
        );
        assert!(!claims.needs_refresh(NOW + 599));
        assert!(claims.needs_refresh(NOW + 600));
        assert_eq!(claims.exp, NOW + GUEST_TOKEN_TTL);
    }

    #[test]
    fn the_cookie_is_http_only_secure_and_same_site_lax() {
        let value = cookie("abc", MEMBER_TOKEN_TTL);
        let text = value.to_str().unwrap();
        for part in [
            "__Host-ptp_session=abc",
            "HttpOnly",
            "Secure",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=43200",
        ] {
            assert!(text.contains(part), "{text} lacks {part}");
        }
        assert!(clearing_cookie().to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; __Host-ptp_session=tok.en.sig; other=1"),
        );
        assert_eq!(read_cookie(&headers), Some("tok.en.sig"));
        headers.clear();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("__Host-ptp_session="),
        );
        assert_eq!(read_cookie(&headers), None);
    }
}
