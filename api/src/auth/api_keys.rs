//! API keys for third parties: `ptp_` + 192 random bits, shown once, stored only as an HMAC under
//! `API_KEY_SECRET` (a database leak alone does not reveal usable keys).

use axum::http::{HeaderMap, header};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;
use crate::error::AuthFailure;
use crate::ids::random_token;

pub const PREFIX: &str = "ptp_";
/// Characters after the prefix: 24 bytes base64url.
const SECRET_CHARS: usize = 32;
/// How much of the secret the key list shows.
const HINT_CHARS: usize = PREFIX.len() + 6;

pub struct NewKey {
    pub secret: String,
    pub hint: String,
}

pub fn generate() -> NewKey {
    let secret = format!("{PREFIX}{}", random_token(24));
    let hint = format!("{}…", &secret[..HINT_CHARS]);
    NewKey { secret, hint }
}

pub fn hash(key: &Secret, secret: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.expose().as_bytes()).expect("HMAC takes any key length");
    mac.update(secret.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `Some(Ok(secret))` for `Authorization: Bearer ptp_…`, `Some(Err)` for any other
/// `Authorization`, `None` when there is none.
pub fn bearer(headers: &HeaderMap) -> Option<Result<&str, AuthFailure>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let parsed = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|secret| {
            secret.strip_prefix(PREFIX).is_some_and(|rest| {
                rest.len() == SECRET_CHARS
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
        });
    Some(parsed.ok_or(AuthFailure::Invalid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn keys_have_at_least_128_bits_and_a_short_hint() {
        let key = generate();
        assert!(key.secret.starts_with("ptp_"));
        assert_eq!(key.secret.len(), 4 + 32); // 24 bytes = 192 bits
        assert!(key.hint.starts_with(&key.secret[..10]) && key.hint.ends_with('…'));
        assert_ne!(generate().secret, key.secret);
    }

    #[test]
    fn the_stored_hash_depends_on_the_server_key() {
        let a = Secret::parse("API_KEY_SECRET", &"a".repeat(32)).unwrap();
        let b = Secret::parse("API_KEY_SECRET", &"b".repeat(32)).unwrap();
        let secret = generate().secret;
        assert_eq!(hash(&a, &secret), hash(&a, &secret));
        assert_ne!(hash(&a, &secret), hash(&b, &secret));
        assert_eq!(hash(&a, &secret).len(), 64);
    }

    #[test]
    fn only_well_formed_bearer_keys_are_read() {
        let mut headers = HeaderMap::new();
        assert!(bearer(&headers).is_none());
        let secret = generate().secret;
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {secret}")).unwrap(),
        );
        assert_eq!(bearer(&headers), Some(Ok(secret.as_str())));
        for bad in [
            "Basic dXNlcjpwdw==",
            "Bearer ",
            "Bearer ptp_short",
            "Bearer eyJhbGciOi.x.y",
            "ptp_abc",
        ] {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(bad));
            assert_eq!(bearer(&headers), Some(Err(AuthFailure::Invalid)), "{bad}");
        }
    }
}
