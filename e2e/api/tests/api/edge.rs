//! What every response carries and what every client is held to: security headers and rate limits.

use ptp_shared::ErrorCode;

use crate::support::{
    DATABASE, Fetch, client, error_body, header, load_test_token, local_control, next_visitor_ip,
    skip, url,
};

/// A plain client (no default address): the tests below name the address themselves.
fn visitor() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

#[tokio::test]
async fn the_load_test_token_has_a_budget_of_its_own_and_a_wrong_one_is_no_token() {
    if local_control("choosing the client's address needs the local stack").is_none() {
        return;
    }
    let Some(token) = load_test_token() else {
        skip("the load-test token is the local stack's secret");
        return;
    };
    let _db = DATABASE.read().await;
    let one_machine = next_visitor_ip();
    let http = visitor();
    for n in 1..=150u32 {
        let response = http
            .get(url("/api/v1/exams"))
            .header("cf-connecting-ip", &one_machine)
            .header("x-load-test", &token)
            .fetch()
            .await;
        assert_eq!(response.status(), 200, "request {n} with the token");
        assert_eq!(header(&response, "ratelimit-limit"), "60000");
    }
    let wrong = http
        .get(url("/api/v1/exams"))
        .header("cf-connecting-ip", &one_machine)
        .header("x-load-test", format!("{token}x"))
        .fetch()
        .await;
    assert_eq!(wrong.status(), 200);
    assert_eq!(
        header(&wrong, "ratelimit-limit"),
        "100",
        "a wrong token counts against the address, whose 150 token requests did not"
    );
    assert_eq!(header(&wrong, "ratelimit-remaining"), "99");
}

#[tokio::test]
async fn the_101st_request_in_a_minute_from_one_address_is_the_only_429_and_others_are_unaffected()
{
    if local_control(
        "choosing the client's address needs the local stack; Cloudflare sets it when deployed",
    )
    .is_none()
    {
        return;
    }
    let _db = DATABASE.read().await;
    let (crowded, other) = (next_visitor_ip(), next_visitor_ip());
    let http = visitor();
    let get = |ip: &str| {
        http.get(url("/api/v1/exams"))
            .header("cf-connecting-ip", ip)
            .fetch()
    };
    let mut refused = vec![];
    for n in 1..=101u32 {
        let response = get(&crowded).await;
        match response.status().as_u16() {
            200 => {
                assert_eq!(header(&response, "ratelimit-limit"), "100");
                assert_eq!(
                    header(&response, "ratelimit-remaining"),
                    (100 - n).to_string()
                );
            }
            429 => refused.push((n, response)),
            other => panic!("request {n}: HTTP {other}"),
        }
    }
    assert_eq!(
        refused.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        [101],
        "exactly the 101st is refused"
    );
    let (_, response) = refused.pop().expect("one refusal");
    let retry_after: u64 = header(&response, "retry-after").parse().expect("seconds");
    assert!(
        (1..=60).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    assert_eq!(header(&response, "ratelimit-remaining"), "0");
    assert_eq!(
        header(&response, "ratelimit-reset"),
        retry_after.to_string()
    );
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(
        error_body(response).await.error.code,
        ErrorCode::RateLimited
    );

    let response = get(&other).await;
    assert_eq!(response.status(), 200, "another address has its own budget");
    assert_eq!(header(&response, "ratelimit-remaining"), "99");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let _db = DATABASE.read().await;
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/exams"),
        (reqwest::Method::GET, "/api/nope"),
        (reqwest::Method::POST, "/api/health"),
        (reqwest::Method::GET, "/"),
        (reqwest::Method::GET, "/favicon.ico"),
        (reqwest::Method::GET, "/exams/SY0-701"),
    ] {
        let response = client().request(method.clone(), url(path)).fetch().await;
        let name = format!("{method} {path} ({})", response.status());
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{name}"
        );
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{name}");
        assert_eq!(
            header(&response, "x-xss-protection"),
            "1; mode=block",
            "{name}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "strict-origin-when-cross-origin",
            "{name}"
        );
        assert_eq!(
            header(&response, "permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
            "{name}"
        );
        let csp = header(&response, "content-security-policy");
        let scripts = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src "))
            .unwrap_or_default();
        assert!(
            scripts.contains("'wasm-unsafe-eval'") && !scripts.contains("'unsafe-inline'"),
            "{name}: {csp}"
        );
        if url("/").starts_with("https://") {
            assert!(
                header(&response, "strict-transport-security").starts_with("max-age="),
                "{name}"
            );
        }
    }
}

/// A catalogue read no other test makes, so this test sees its own cache entry: the shared
/// question listing at a `limit` only this run uses. (Unrecognised query parameters do not
/// make new cache entries.)
fn fresh_catalogue_read() -> String {
    let n: u32 = next_visitor_ip()
        .rsplit('.')
        .next()
        .and_then(|octet| octet.parse().ok())
        .unwrap_or(0);
    format!("/api/questions?limit={}", 41 + n % 59)
}

#[tokio::test]
async fn a_catalogue_read_is_cached_with_an_etag_and_a_hit_costs_no_database_round_trip() {
    let _db = DATABASE.read().await;
    // Cache-busting parameters are not a way around the cache.
    let busted = client()
        .get(url("/api/v1/exams?cachebuster=1"))
        .fetch()
        .await;
    let again = client()
        .get(url("/api/v1/exams?cachebuster=2"))
        .fetch()
        .await;
    assert_eq!(header(&again, "x-cache"), "HIT");
    assert_eq!(header(&again, "etag"), header(&busted, "etag"));

    let path = fresh_catalogue_read();
    let miss = client().get(url(&path)).fetch().await;
    assert_eq!(miss.status(), 200);
    assert_eq!(header(&miss, "x-cache"), "MISS");
    assert_eq!(
        header(&miss, "cache-control"),
        "public, max-age=300, stale-while-revalidate=60"
    );
    let timing = header(&miss, "server-timing");
    assert!(
        !timing.contains("db;dur=0;desc=\"0 calls\""),
        "a miss reads the database: {timing}"
    );
    let etag = header(&miss, "etag");
    assert!(etag.starts_with('"') && etag.ends_with('"'), "ETag: {etag}");
    let body = miss.text().await.unwrap();

    let hit = client().get(url(&path)).fetch().await;
    assert_eq!(header(&hit, "x-cache"), "HIT");
    assert_eq!(header(&hit, "etag"), etag);
    let timing = header(&hit, "server-timing");
    assert!(
        timing.contains("db;dur=0;desc=\"0 calls\""),
        "a hit never touches the database: {timing}"
    );
    assert!(timing.contains("cache;dur="), "{timing}");
    assert_eq!(hit.text().await.unwrap(), body);

    let unchanged = client()
        .get(url(&path))
        .header("if-none-match", &etag)
        .fetch()
        .await;
    assert_eq!(unchanged.status(), 304);
    assert!(unchanged.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn every_documented_read_is_served_with_its_documented_caching_class() {
    let _db = DATABASE.read().await;
    let doc: serde_json::Value = client()
        .get(url("/api/v1/openapi.json"))
        .fetch()
        .await
        .json()
        .await
        .unwrap();
    let classes = [
        "public, max-age=31536000, immutable",
        "public, max-age=300, stale-while-revalidate=60",
        "private, no-cache, must-revalidate",
        "no-store",
    ];
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let class = operation["x-cache-control"].as_str().unwrap_or_default();
            assert!(classes.contains(&class), "{method} {path}: {class:?}");
            // What an anonymous visitor can read without naming anything: it must carry it.
            if method != "get" || path.contains('{') || path.contains("/auth/google/") {
                continue;
            }
            let response = client().get(url(path)).fetch().await;
            if response.status().is_success() {
                assert_eq!(header(&response, "cache-control"), class, "GET {path}");
                checked += 1;
            } else {
                assert_eq!(
                    header(&response, "cache-control"),
                    "no-store",
                    "GET {path} ({})",
                    response.status()
                );
            }
        }
    }
    assert!(checked >= 4, "only {checked} anonymous reads checked");
}

#[tokio::test]
async fn user_specific_reads_are_private_and_sessions_in_progress_are_not_stored() {
    let _db = DATABASE.read().await;
    let guest = crate::learning::guest().await;
    let me = guest.get("/api/v1/auth/session").await;
    assert_eq!(me.status(), 200);
    assert_eq!(
        header(&me, "cache-control"),
        "private, no-cache, must-revalidate"
    );
    let started = guest
        .post_json(
            "/api/v1/sessions",
            serde_json::json!({"exam": "SY0-701", "mode": "practice", "count": 2}),
        )
        .await;
    assert_eq!(started.status(), 201);
    assert_eq!(header(&started, "cache-control"), "no-store");
    let questions = guest.get("/api/v1/exams/SY0-701/questions?limit=2").await;
    assert_eq!(
        header(&questions, "cache-control"),
        "private, no-cache, must-revalidate",
        "a signed-in caller's listing can reveal their answers"
    );
    assert!(questions.headers().get("x-cache").is_none());
}
