use std::time::{Duration, Instant};

use ptp_shared::HealthResponse;

use crate::support::{DATABASE, Fetch, client, local_control, url};

async fn switch(control: &str, action: &str) {
    let response = client()
        .post(format!("{control}/database/{action}"))
        .fetch()
        .await;
    assert_eq!(
        response.status(),
        200,
        "database {action}: {}",
        response.text().await.unwrap_or_default()
    );
}

async fn health() -> (u16, HealthResponse, Duration) {
    let started = Instant::now();
    let response = client().get(url("/api/health")).fetch().await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap(), started.elapsed())
}

#[tokio::test]
async fn health_reports_503_while_the_database_is_down_and_recovers() {
    let Some(control) =
        local_control("needs the local stack's database switch; not applicable to a deployed URL")
    else {
        return;
    };
    let _exclusive = DATABASE.write().await;

    switch(&control, "stop").await;
    let (status, body, took) = health().await;
    // Restart before asserting, so a failure here does not take the rest of the suite down too.
    switch(&control, "start").await;
    assert_eq!(status, 503, "{body:?}");
    assert!(!body.healthy);
    assert!(!body.checks.database.ok);
    assert!(
        body.checks
            .database
            .error
            .as_deref()
            .is_some_and(|e| e.contains("unavailable")),
        "{body:?}"
    );
    assert!(body.checks.kv.ok, "only the database is down");
    assert!(
        took < Duration::from_secs(6),
        "a dead database must not hang the request ({took:?})"
    );

    let (status, body, _) = health().await;
    assert_eq!(status, 200, "after restart: {body:?}");
    assert!(body.healthy);
}
