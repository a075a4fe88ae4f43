//! Rate limits on `/api`: which budgets a request counts against, and the `RateLimit-*` headers.
//!
//! Every request counts against its address (`CF-Connecting-IP`, which Cloudflare sets; IPv6 by
//! /64, what one subscriber holds): 100 a minute without credentials, 1200 with them. A request
//! with a verified session also counts against its user, one with an API key against that key.
//! Keys are only checked for shape here (their lookup costs a database read), so an invented key
//! gets a bucket of its own but never more than its address's.

use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use futures_util::future::join_all;
use ptp_domain::rate_limit::{ClientKind, Decision};
use sha2::{Digest, Sha256};

use crate::auth::{api_keys, session};
use crate::config::Settings;
use crate::ports::Platform;

/// The address as limits see it: IPv4 whole, IPv6 by its /64 prefix.
fn address(headers: &HeaderMap) -> String {
    let parsed = headers
        .get("cf-connecting-ip")
        .and_then(|value| value.to_str().ok())
        .and_then(|ip| ip.parse::<IpAddr>().ok());
    match parsed {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
        None => "unknown".to_string(),
    }
}

/// The budgets a request counts against, the address's first.
pub fn buckets(
    settings: &Settings,
    headers: &HeaderMap,
    now_secs: u64,
) -> Vec<(ClientKind, String)> {
    let ip = address(headers);
    if let Some(Ok(secret)) = api_keys::bearer(headers) {
        let digest = Sha256::digest(secret.as_bytes());
        let id: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        return vec![
            (ClientKind::Address, format!("ip+:{ip}")),
            (ClientKind::ApiKey, format!("key:{id}")),
        ];
    }
    let user = session::read_cookie(headers).and_then(|token| {
        let auth = settings.auth.as_ref().ok()?;
        session::verify(&auth.jwt_secret, token, now_secs).ok()
    });
    match user {
        Some(claims) => vec![
            (ClientKind::Address, format!("ip+:{ip}")),
            (ClientKind::User, format!("user:{}", claims.sub)),
        ],
        None => vec![(ClientKind::Anonymous, format!("ip:{ip}"))],
    }
}

/// Counts the request against each of its budgets. The answer is the tightest: a refusal if any
/// budget is spent, otherwise the one with the fewest requests left. `None` when the limiter
/// itself failed: the request goes through (an outage of the counter must not take the API
/// down) and the failure is logged.
pub async fn check<P: Platform>(platform: &P, headers: &HeaderMap) -> Option<Decision> {
    let buckets = buckets(platform.settings(), headers, platform.now_secs());
    let outcomes = join_all(
        buckets
            .iter()
            .map(|(kind, key)| platform.rate_limit(key, kind.limit())),
    )
    .await;
    let mut decisions = vec![];
    for outcome in outcomes {
        match outcome {
            Ok(decision) => decisions.push(decision),
            Err(err) => {
                crate::error::log_error(&format!("rate limiter failed, not counted: {err}"));
            }
        }
    }
    decisions
        .into_iter()
        .min_by_key(|d| (d.allowed, d.remaining, std::cmp::Reverse(d.reset_secs)))
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
    use ptp_shared::{ErrorCode, UserKind};

    fn get(platform: &FakePlatform, headers: &[(&str, &str)]) -> axum::response::Response {
        block_on(request(platform.clone(), "GET", "/api/health", headers, ""))
    }

    fn remaining(response: &axum::response::Response) -> u32 {
        response.headers()["ratelimit-remaining"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    #[test]
    fn the_101st_anonymous_request_in_a_minute_is_429_and_other_ips_are_unaffected() {
        let platform = FakePlatform::healthy();
        let from = |ip| [("cf-connecting-ip", ip)];
        for n in 1..=100u32 {
            let response = get(&platform, &from("198.51.100.7"));
            assert_eq!(response.status(), 200, "request {n}");
            assert_eq!(response.headers()["ratelimit-limit"], "100");
            assert_eq!(remaining(&response), 100 - n);
        }
        let refused = get(&platform, &from("198.51.100.7"));
        assert_eq!(refused.status(), 429);
        assert_eq!(refused.headers()["retry-after"], "60");
        assert_eq!(refused.headers()["ratelimit-remaining"], "0");
        assert_eq!(refused.headers()["ratelimit-reset"], "60");
        assert_eq!(refused.headers()["cache-control"], "no-store");
        assert_eq!(read_error(refused).error.code, ErrorCode::RateLimited);
        assert_eq!(
            get(&platform, &from("198.51.100.8")).status(),
            200,
            "another IP"
        );
    }

    #[test]
    fn invented_api_keys_share_their_address_budget() {
        let platform = FakePlatform::healthy();
        for n in 0..1200u32 {
            let key = format!("Bearer ptp_{:0>32}", n);
            let response = get(
                &platform,
                &[("cf-connecting-ip", "203.0.113.9"), ("authorization", &key)],
            );
            assert_ne!(response.status(), 429, "key {n}");
        }
        let another = "Bearer ptp_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ";
        let refused = get(
            &platform,
            &[
                ("cf-connecting-ip", "203.0.113.9"),
                ("authorization", another),
            ],
        );
        assert_eq!(
            refused.status(),
            429,
            "a fresh key does not buy a fresh budget"
        );
    }

    #[test]
    fn a_verified_session_counts_against_its_user_and_a_forged_one_as_anonymous() {
        let platform = FakePlatform::healthy();
        let settings = crate::testing::test_settings();
        let secret = &settings.auth.as_ref().unwrap().jwt_secret;
        let now = platform.now_secs();
        let claims = session::Claims::new("user-7", "sid-1", UserKind::Guest, now);
        let cookie = format!("ptp_session={}", session::sign(secret, &claims));
        let mut headers = HeaderMap::new();
        headers.insert("cf-connecting-ip", "2001:db8:1:2:3::9".parse().unwrap());
        headers.insert("cookie", cookie.parse().unwrap());
        assert_eq!(
            buckets(&settings, &headers, now),
            [
                (ClientKind::Address, "ip+:2001:db8:1:2::/64".to_string()),
                (ClientKind::User, "user:user-7".to_string()),
            ]
        );
        headers.insert("cookie", "ptp_session=forged.token.value".parse().unwrap());
        assert_eq!(
            buckets(&settings, &headers, now),
            [(ClientKind::Anonymous, "ip:2001:db8:1:2::/64".to_string())]
        );
        headers.insert("cf-connecting-ip", "not an ip".parse().unwrap());
        assert_eq!(buckets(&settings, &headers, now)[0].1, "ip:unknown");
    }
}
