//! Rate limits on `/api`: which budgets a request counts against, and the `RateLimit-*` headers.
//!
//! Every request counts against its address (`CF-Connecting-IP`, which Cloudflare sets; IPv6 by
//! /64, what one subscriber holds): 100 a minute without verified credentials, 1200 with a valid
//! API key or a member's session. A session also counts against its user, a key against itself.
//! On a preview or staging deployment, the load suite's token (`x-load-test`, the environment's
//! `LOAD_TEST_TOKEN`) counts against a budget of its own instead.

use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use futures_util::future::join_all;
use ptp_domain::rate_limit::{ClientKind, Decision};
use ptp_shared::UserKind;

use sha2::{Digest, Sha256};

use crate::auth::access::Credential;
use crate::auth::identity::Identity;
use crate::config::Secret;
use crate::ports::Platform;

/// The header the load suite sends its token in.
const LOAD_TEST_HEADER: &str = "x-load-test";

/// Whether the request carries the load-test token. Digests are compared, so how long the
/// comparison takes says nothing about the token.
fn is_load_test(headers: &HeaderMap, token: Option<&Secret>) -> bool {
    let (Some(token), Some(sent)) = (token, headers.get(LOAD_TEST_HEADER)) else {
        return false;
    };
    Sha256::digest(sent.as_bytes()) == Sha256::digest(token.expose().as_bytes())
}

/// The address as limits see it: IPv4 whole, IPv6 by its /64 prefix.
pub(crate) fn address(headers: &HeaderMap) -> String {
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

/// The budgets a request counts against, the address's first. Only credentials the edge has
/// verified lift the address's budget: a valid API key or a member's session. A guest (free to
/// mint), an invented or revoked key, or a broken cookie count as anonymous.
pub fn buckets(
    headers: &HeaderMap,
    identity: &Identity,
    load_test: Option<&Secret>,
) -> Vec<(ClientKind, String)> {
    if is_load_test(headers, load_test) {
        return vec![(ClientKind::LoadTest, "load-test".into())];
    }
    let ip = address(headers);
    let anonymous = (ClientKind::Anonymous, format!("ip:{ip}"));
    let Some(caller) = identity.caller() else {
        return vec![anonymous];
    };
    match (&caller.credential, caller.kind) {
        (Credential::ApiKey { key_id, .. }, _) => vec![
            (ClientKind::Address, format!("ip+:{ip}")),
            (ClientKind::ApiKey, format!("key:{key_id}")),
        ],
        (Credential::Session { .. }, UserKind::Member) => vec![
            (ClientKind::Address, format!("ip+:{ip}")),
            (ClientKind::User, format!("user:{}", caller.user_id)),
        ],
        (Credential::Session { .. }, UserKind::Guest) => vec![
            anonymous,
            (ClientKind::User, format!("user:{}", caller.user_id)),
        ],
    }
}

/// Counts the request against each of its budgets. The answer is the tightest: a refusal if any
/// budget is spent, otherwise the one with the fewest requests left. `None` when the limiter
/// itself failed: the request goes through (an outage of the counter must not take the API
/// down) and the failure is logged.
pub async fn check<P: Platform>(
    platform: &P,
    headers: &HeaderMap,
    identity: &Identity,
) -> Option<Decision> {
    let load_test = platform
        .settings()
        .load_test
        .as_ref()
        .ok()
        .and_then(Option::as_ref);
    let buckets = buckets(headers, identity, load_test);
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
                platform.log_error(&format!("rate limiter failed, not counted: {err}"));
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
    use crate::auth::access::Caller;
    use crate::auth::session::Claims;
    use crate::error::AuthFailure;
    use crate::testing::hrana::{pipeline, rows};
    use crate::testing::{FakePlatform, ScriptedTransport, block_on, read_error, request};
    use ptp_domain::{KeyId, UserId};
    use ptp_shared::ErrorCode;

    fn get(
        platform: &FakePlatform,
        path: &str,
        headers: &[(&str, &str)],
    ) -> axum::response::Response {
        block_on(request(platform.clone(), "GET", path, headers, ""))
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
            let response = get(&platform, "/api/nope", &from("198.51.100.7"));
            assert_eq!(response.status(), 404, "request {n}");
            assert_eq!(response.headers()["ratelimit-limit"], "100");
            assert_eq!(remaining(&response), 100 - n);
        }
        let refused = get(&platform, "/api/nope", &from("198.51.100.7"));
        assert_eq!(refused.status(), 429);
        assert_eq!(refused.headers()["retry-after"], "60");
        assert_eq!(refused.headers()["ratelimit-remaining"], "0");
        assert_eq!(refused.headers()["ratelimit-reset"], "60");
        assert_eq!(refused.headers()["cache-control"], "no-store");
        assert_eq!(read_error(refused).error.code, ErrorCode::RateLimited);
        assert_eq!(
            get(&platform, "/api/nope", &from("198.51.100.8")).status(),
            404,
            "another IP"
        );
        assert_eq!(
            get(&platform, "/api/health", &from("198.51.100.7")).status(),
            200,
            "the health check answers a busy address"
        );
    }

    #[test]
    fn invented_api_keys_are_refused_counted_as_anonymous_and_write_nothing() {
        let nothing = pipeline(vec![rows(&["key_id"], vec![])]);
        let database = ScriptedTransport::replying(200, &nothing);
        let platform = FakePlatform::healthy().with_database(database.clone());
        for n in 0..100u32 {
            let key = format!("Bearer ptp_{n:0>32}");
            let response = get(
                &platform,
                "/api/v1/exams",
                &[("cf-connecting-ip", "203.0.113.9"), ("authorization", &key)],
            );
            assert_eq!(response.status(), 401, "key {n}");
            assert_eq!(response.headers()["ratelimit-limit"], "100", "key {n}");
            assert_eq!(read_error(response).error.code, ErrorCode::Unauthorized);
        }
        let refused = get(
            &platform,
            "/api/v1/exams",
            &[
                ("cf-connecting-ip", "203.0.113.9"),
                (
                    "authorization",
                    "Bearer ptp_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
                ),
            ],
        );
        assert_eq!(refused.status(), 429, "a fresh key buys no fresh budget");
        let writes = database
            .requests()
            .iter()
            .filter(|r| {
                let body = r.body.as_deref().unwrap_or("").to_ascii_uppercase();
                ["UPDATE", "INSERT", "DELETE"]
                    .iter()
                    .any(|verb| body.contains(verb))
            })
            .count();
        assert_eq!(writes, 0, "looking keys up only reads");
    }

    #[test]
    fn the_load_test_token_counts_against_its_own_budget_and_nothing_else_does() {
        let token = Secret::parse("LOAD_TEST_TOKEN", &"t".repeat(40)).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("cf-connecting-ip", "198.51.100.4".parse().unwrap());
        let anonymous = [(ClientKind::Anonymous, "ip:198.51.100.4".to_string())];
        assert_eq!(
            buckets(&headers, &Identity::Nobody, Some(&token)),
            anonymous
        );
        headers.insert(LOAD_TEST_HEADER, "t".repeat(39).parse().unwrap());
        assert_eq!(
            buckets(&headers, &Identity::Nobody, Some(&token)),
            anonymous,
            "a wrong token is no token"
        );
        headers.insert(LOAD_TEST_HEADER, "t".repeat(40).parse().unwrap());
        assert_eq!(
            buckets(&headers, &Identity::Nobody, Some(&token)),
            [(ClientKind::LoadTest, "load-test".to_string())]
        );
        assert_eq!(
            buckets(&headers, &Identity::Nobody, None),
            anonymous,
            "where no token is configured (production), the header means nothing"
        );
        assert_eq!(ClientKind::LoadTest.limit().requests, 60_000);
    }

    fn caller(kind: UserKind, credential: Credential) -> Identity {
        Identity::Caller(Box::new(Caller {
            user_id: UserId::trusted("user-7"),
            kind,
            credential,
            user: None,
        }))
    }

    #[test]
    fn only_verified_keys_and_members_lift_the_address_budget() {
        let mut headers = HeaderMap::new();
        headers.insert("cf-connecting-ip", "2001:db8:1:2:3::9".parse().unwrap());
        let session = |kind| Credential::Session {
            claims: Claims::new(&UserId::trusted("user-7"), "sid-1", kind, 0, 3600),
        };
        assert_eq!(
            buckets(
                &headers,
                &caller(UserKind::Member, session(UserKind::Member)),
                None
            ),
            [
                (ClientKind::Address, "ip+:2001:db8:1:2::/64".to_string()),
                (ClientKind::User, "user:user-7".to_string()),
            ]
        );
        assert_eq!(
            buckets(
                &headers,
                &caller(UserKind::Guest, session(UserKind::Guest)),
                None
            ),
            [
                (ClientKind::Anonymous, "ip:2001:db8:1:2::/64".to_string()),
                (ClientKind::User, "user:user-7".to_string()),
            ],
            "a guest is free to mint: it keeps the anonymous budget"
        );
        let key = Credential::ApiKey {
            key_id: KeyId::trusted("k1"),
            scopes: vec![],
        };
        assert_eq!(
            buckets(&headers, &caller(UserKind::Member, key), None),
            [
                (ClientKind::Address, "ip+:2001:db8:1:2::/64".to_string()),
                (ClientKind::ApiKey, "key:k1".to_string()),
            ]
        );
        let refused = Identity::Refused {
            failure: AuthFailure::Invalid,
            clear_cookie: true,
        };
        assert_eq!(
            buckets(&headers, &refused, None),
            [(ClientKind::Anonymous, "ip:2001:db8:1:2::/64".to_string())]
        );
        headers.insert("cf-connecting-ip", "not an ip".parse().unwrap());
        assert_eq!(
            buckets(&headers, &Identity::Nobody, None)[0].1,
            "ip:unknown"
        );
    }
}
