//! The Worker's log: one JSON line per request, by route template, and never a secret.

use ptp_shared::CreatedApiKey;
use serde_json::{Value, json};

use crate::support::{
    Browser, DATABASE, Fetch, SignIn, client, header, jwt_secret, local_control,
    local_sign_in_available, unique_email, url, worker_log, worker_log_text,
};

#[tokio::test]
async fn requests_are_logged_as_json_lines_without_tokens_cookies_or_keys() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("reading the Worker's log needs the local stack") else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let mut member = Browser::anonymous();
    member.sign_in(&unique_email("logs")).await;
    let cookie = member.cookie.clone().expect("signed in");
    let created: CreatedApiKey = member
        .post_json(
            "/api/v1/me/api-keys",
            json!({"name": "Logged", "scopes": ["catalog:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let with_key = client()
        .get(url("/api/v1/exams/SY0-701/questions?limit=1"))
        .bearer_auth(&created.secret)
        .fetch()
        .await;
    assert_eq!(with_key.status(), 200);
    let request_id = header(&with_key, "x-request-id");
    assert!(!request_id.is_empty());

    let raw = worker_log_text(&control).await;
    let mut secrets = vec![cookie.as_str(), created.secret.as_str()];
    let jwt = jwt_secret();
    if let Some(jwt) = &jwt {
        secrets.push(jwt);
    }
    for secret in secrets {
        assert!(
            !raw.contains(secret),
            "a secret reached the log: …{}",
            &secret[secret.len().saturating_sub(4)..]
        );
    }
    let line: Value = worker_log(&control)
        .await
        .into_iter()
        .find(|json| json["request_id"] == request_id.as_str())
        .unwrap_or_else(|| panic!("no JSON line for request {request_id}"));
    assert_eq!(line["level"], "info");
    assert_eq!(line["route"], "/api/v1/exams/{code}/questions");
    assert_eq!(line["method"], "GET");
    assert_eq!(line["status"], 200);
    assert_eq!(line["environment"], "development");
    assert!(line["duration_ms"].is_u64() && line["db_calls"].as_u64() >= Some(1));
}

#[tokio::test]
async fn the_sign_in_urls_code_state_and_login_hint_never_reach_the_log() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("reading the Worker's log needs the local stack") else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let email = unique_email("hinted");
    let started = SignIn::begin(Some(&email), "/").await;
    let (code, state) = (started.param("code"), started.param("state"));
    assert!(!code.is_empty() && !state.is_empty());
    let signed_in = Browser::anonymous()
        .finish_sign_in(&started, Some(&started.binding))
        .await;
    assert_eq!(signed_in.status(), 302);
    let raw = worker_log_text(&control).await;
    for (name, value) in [("code", &code), ("state", &state), ("login_hint", &email)] {
        assert!(!raw.contains(value.as_str()), "the {name} reached the log");
    }
    assert!(
        raw.contains("/api/v1/auth/google/callback"),
        "the callback was logged, by its route"
    );
}
