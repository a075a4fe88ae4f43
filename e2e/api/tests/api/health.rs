use ptp_shared::HealthResponse;

use crate::support::{DATABASE, Fetch, client, header, url};

#[tokio::test]
async fn health_is_200_with_every_check_passing_and_never_cached() {
    let _db = DATABASE.read().await;
    let response = client().get(url("/api/health")).fetch().await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let body: HealthResponse = response.json().await.unwrap();
    assert!(body.healthy, "{body:?}");
    for (name, check) in [
        ("database", &body.checks.database),
        ("kv", &body.checks.kv),
        ("cache", &body.checks.cache),
        ("queue", &body.checks.queue),
    ] {
        assert!(check.ok, "{name} failed: {check:?}");
        assert!(check.error.is_none());
    }
    assert!(body.checks.database.latency_ms < 5_000);
    assert!(!body.version.is_empty());
    assert!(
        body.timestamp.ends_with('Z') && body.timestamp.contains('T'),
        "RFC 3339 UTC: {}",
        body.timestamp
    );
}

#[tokio::test]
async fn head_on_health_answers_without_a_body() {
    let _db = DATABASE.read().await;
    let response = client().head(url("/api/health")).fetch().await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().is_empty());
}
