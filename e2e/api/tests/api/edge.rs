//! What every response carries and what every client is held to: security headers and rate limits.

use ptp_shared::ErrorCode;

use crate::support::{
    DATABASE, Fetch, client, control_url, error_body, header, next_visitor_ip, url,
};

/// A plain client (no default address): the tests below name the address themselves.
fn visitor() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

#[tokio::test]
async fn the_101st_request_in_a_minute_from_one_address_is_the_only_429_and_others_are_unaffected()
{
    if control_url().is_none() {
        eprintln!(
            "choosing the client's address needs the local stack; Cloudflare sets it when deployed"
        );
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
