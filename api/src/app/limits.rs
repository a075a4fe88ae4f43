//! Rate limits on `/api`: who a request counts against, and the `RateLimit-*` headers.
//!
//! An API key is counted per key, a session (member or guest) per user, anything else per IP
//! address (`CF-Connecting-IP`, which Cloudflare sets). Credentials are only checked for shape
//! and signature here; a forged key merely gets its own bucket and is refused by its handler.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use ptp_domain::rate_limit::{ClientKind, Decision};
use sha2::{Digest, Sha256};

use crate::auth::{api_keys, session};
use crate::config::Settings;
use crate::ports::Platform;

/// The bucket a request counts against.
pub fn client(settings: &Settings, headers: &HeaderMap, now_secs: u64) -> (ClientKind, String) {
    if let Some(Ok(secret)) = api_keys::bearer(headers) {
        let digest = Sha256::digest(secret.as_bytes());
        let id: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        return (ClientKind::ApiKey, format!("key:{id}"));
    }
    let user = session::read_cookie(headers).and_then(|token| {
        let auth = settings.auth.as_ref().ok()?;
        session::verify(&auth.jwt_secret, token, now_secs).ok()
    });
    if let Some(claims) = user {
        return (ClientKind::User, format!("user:{}", claims.sub));
    }
    let ip = headers
        .get("cf-connecting-ip")
        .and_then(|value| value.to_str().ok())
        .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok())
        .unwrap_or("unknown");
    (ClientKind::Anonymous, format!("ip:{ip}"))
}

/// Counts the request. `None` when the limiter itself failed: the request goes through (an
/// outage of the counter must not take the API down) and the failure is logged.
pub async fn check<P: Platform>(platform: &P, headers: &HeaderMap) -> Option<Decision> {
    let (kind, key) = client(platform.settings(), headers, platform.now_secs());
    match platform.rate_limit(&key, kind.limit()).await {
        Ok(decision) => Some(decision),
        Err(err) => {
            crate::error::log_error(&format!("rate limiter failed, request let through: {err}"));
            None
        }
    }
}

/// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds).
pub fn annotate(headers: &mut HeaderMap, decision: &Decision) {
    for (name, value) in [
        ("ratelimit-limit", u64::from(decision.limit)),
        ("ratelimit-remaining", u64::from(decision.remaining)),
        ("ratelimit-reset", decision.reset_secs),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FakePlatform, block_on, read_error, request};
    use ptp_shared::ErrorCode;

    fn from(ip: &str) -> [(&'static str, String); 1] {
        [("cf-connecting-ip", ip.to_string())]
    }

    #[test]
    fn the_101st_anonymous_request_in_a_minute_is_429_and_other_ips_are_unaffected() {
        let platform = FakePlatform::healthy();
        let get = |ip: &str| {
            let headers = from(ip);
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            block_on(request(
                platform.clone(),
                "GET",
                "/api/health",
                &headers,
                "",
            ))
        };
        for n in 1..=100u32 {
            let response = get("198.51.100.7");
            assert_eq!(response.status(), 200, "request {n}");
            assert_eq!(response.headers()["ratelimit-limit"], "100");
            assert_eq!(
                response.headers()["ratelimit-remaining"],
                (100 - n).to_string().as_str()
            );
        }
        let refused = get("198.51.100.7");
        assert_eq!(refused.status(), 429);
        assert_eq!(refused.headers()["retry-after"], "60");
        assert_eq!(refused.headers()["ratelimit-remaining"], "0");
        assert_eq!(refused.headers()["ratelimit-reset"], "60");
        assert_eq!(read_error(refused).error.code, ErrorCode::RateLimited);
        assert_eq!(
            get("198.51.100.8").status(),
            200,
            "another IP has its own budget"
        );
    }

    #[test]
    fn keys_sessions_and_addresses_count_separately() {
        let settings = crate::testing::test_settings();
        let mut headers = HeaderMap::new();
        headers.insert("cf-connecting-ip", HeaderValue::from_static("203.0.113.9"));
        assert_eq!(
            client(&settings, &headers, 0),
            (ClientKind::Anonymous, "ip:203.0.113.9".into())
        );
        headers.insert(
            "authorization",
            HeaderValue::from_static("Bearer ptp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        );
        let (kind, key) = client(&settings, &headers, 0);
        assert_eq!(kind, ClientKind::ApiKey);
        assert!(
            key.starts_with("key:") && !key.contains("AAAA"),
            "never the secret"
        );
        headers.remove("authorization");
        headers.insert("cf-connecting-ip", HeaderValue::from_static("not an ip"));
        assert_eq!(client(&settings, &headers, 0).1, "ip:unknown");
    }
}
