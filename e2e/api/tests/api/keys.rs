//! API keys: created by members, shown once, limited to their scopes, revocable, CORS-open.

use ptp_shared::{ApiKeyList, CreatedApiKey, ErrorCode};
use reqwest::Method;
use serde_json::json;

use crate::support::{
    Browser, DATABASE, Fetch, Reply, client, error_body, header, local_sign_in_available,
    unique_email, url,
};

async fn member() -> Option<Browser> {
    if !local_sign_in_available().await {
        return None;
    }
    let mut browser = Browser::anonymous();
    browser.sign_in(&unique_email("keys")).await;
    Some(browser)
}

async fn create(browser: &Browser, name: &str, scopes: &[&str]) -> CreatedApiKey {
    let response = browser
        .post_json(
            "/api/v1/me/api-keys",
            json!({"name": name, "scopes": scopes}),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn with_key(secret: &str, path: &str) -> Reply {
    client().get(url(path)).bearer_auth(secret).fetch().await
}

#[tokio::test]
async fn a_key_is_shown_once_works_with_its_scope_and_dies_when_revoked() {
    let _db = DATABASE.read().await;
    let Some(browser) = member().await else {
        return;
    };
    let created = create(&browser, "Dashboard", &["profile:read", "catalog:read"]).await;
    assert!(
        created.secret.starts_with("ptp_") && created.secret.len() >= 4 + 22,
        "≥ 128 bits"
    );
    assert!(created.key.hint.starts_with(&created.secret[..8]));

    let listed: ApiKeyList = browser
        .get("/api/v1/me/api-keys")
        .await
        .json()
        .await
        .unwrap();
    let text = serde_json::to_string(&listed).unwrap();
    assert!(
        !text.contains(&created.secret),
        "the secret is never listed"
    );
    assert_eq!(listed.keys[0].name, "Dashboard");

    let me = with_key(&created.secret, "/api/v1/me").await;
    assert_eq!(me.status(), 200);
    assert_eq!(
        me.json::<ptp_shared::Me>().await.unwrap().id,
        browser.me().await.unwrap().id
    );
    let used: ApiKeyList = browser
        .get("/api/v1/me/api-keys")
        .await
        .json()
        .await
        .unwrap();
    assert!(used.keys[0].last_used_at.is_some());

    let revoke = browser
        .delete(&format!("/api/v1/me/api-keys/{}", created.key.id))
        .await;
    assert_eq!(revoke.status(), 204);
    let after = with_key(&created.secret, "/api/v1/me").await;
    assert_eq!(after.status(), 401, "revoked keys fail on the next request");
    assert_eq!(error_body(after).await.error.code, ErrorCode::Unauthorized);
    let again = browser
        .delete(&format!("/api/v1/me/api-keys/{}", created.key.id))
        .await;
    assert_eq!(again.status(), 404);
}

#[tokio::test]
async fn a_missing_scope_is_403_naming_it() {
    let _db = DATABASE.read().await;
    let Some(browser) = member().await else {
        return;
    };
    let created = create(&browser, "Catalogue only", &["catalog:read"]).await;
    let response = with_key(&created.secret, "/api/v1/me").await;
    assert_eq!(response.status(), 403);
    let body = error_body(response).await;
    assert_eq!(body.error.code, ErrorCode::Forbidden);
    assert_eq!(
        body.error.details.unwrap()["required_scope"],
        "profile:read"
    );
    assert!(body.error.message.contains("profile:read"));
}

#[tokio::test]
async fn keys_cannot_manage_keys_or_the_account() {
    let _db = DATABASE.read().await;
    let Some(browser) = member().await else {
        return;
    };
    let created = create(
        &browser,
        "Everything",
        &[
            "profile:read",
            "catalog:read",
            "progress:read",
            "sessions:write",
        ],
    )
    .await;
    for (method, path) in [
        (Method::GET, "/api/v1/me/api-keys"),
        (Method::POST, "/api/v1/me/api-keys"),
        (Method::GET, "/api/v1/me/export"),
    ] {
        let mut request = client()
            .request(method.clone(), url(path))
            .bearer_auth(&created.secret);
        if method == Method::POST {
            request = request.json(&json!({"name": "x", "scopes": ["profile:read"]}));
        }
        assert_eq!(request.fetch().await.status(), 403, "{method} {path}");
    }
}

#[tokio::test]
async fn malformed_unknown_and_foreign_credentials_are_401() {
    for authorization in [
        "Bearer ptp_short",
        "Basic dXNlcjpwYXNz",
        "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x",
        "ptp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let response = client()
            .get(url("/api/v1/me"))
            .header("authorization", authorization)
            .fetch()
            .await;
        assert_eq!(response.status(), 401, "{authorization}");
        assert_eq!(
            error_body(response).await.error.code,
            ErrorCode::Unauthorized
        );
    }
    let unknown = with_key("ptp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/api/v1/me").await;
    assert_eq!(unknown.status(), 401);
}

#[tokio::test]
async fn bad_key_requests_are_400_and_create_nothing() {
    let _db = DATABASE.read().await;
    let Some(browser) = member().await else {
        return;
    };
    for (body, field) in [
        (
            json!({"name": "  ", "scopes": ["profile:read"]}),
            Some("name"),
        ),
        (json!({"name": "x", "scopes": []}), Some("scopes")),
        (
            json!({"name": "x".repeat(61), "scopes": ["profile:read"]}),
            Some("name"),
        ),
        (json!({"name": "x", "scopes": ["admin:everything"]}), None),
        (json!({"name": "x"}), None),
    ] {
        let response = browser.post_json("/api/v1/me/api-keys", body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        let error = error_body(response).await.error;
        if let Some(field) = field {
            assert_eq!(error.details.unwrap()["field"], field, "{body}");
        }
    }
    let malformed = browser
        .request(Method::POST, "/api/v1/me/api-keys")
        .header("content-type", "application/json")
        .body("{\"name\":")
        .fetch()
        .await;
    assert_eq!(malformed.status(), 400);
    assert_eq!(
        error_body(malformed).await.error.code,
        ErrorCode::MalformedJson
    );
    let listed: ApiKeyList = browser
        .get("/api/v1/me/api-keys")
        .await
        .json()
        .await
        .unwrap();
    assert!(listed.keys.is_empty(), "nothing was written");
}

#[tokio::test]
async fn key_calls_are_open_to_any_origin_cookie_calls_are_not() {
    let _db = DATABASE.read().await;
    let preflight = client()
        .request(Method::OPTIONS, url("/api/v1/me"))
        .header("origin", "https://dashboard.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .fetch()
        .await;
    assert_eq!(preflight.status(), 204);
    assert_eq!(header(&preflight, "access-control-allow-origin"), "*");
    assert!(header(&preflight, "access-control-allow-headers").contains("authorization"));
    assert!(
        header(&preflight, "access-control-allow-credentials").is_empty(),
        "never with credentials"
    );

    let Some(browser) = member().await else {
        return;
    };
    let created = create(&browser, "Cross-origin", &["profile:read"]).await;
    let keyed = client()
        .get(url("/api/v1/me"))
        .bearer_auth(&created.secret)
        .header("origin", "https://dashboard.example")
        .fetch()
        .await;
    assert_eq!(keyed.status(), 200);
    assert_eq!(header(&keyed, "access-control-allow-origin"), "*");
    let cookie = browser
        .request(Method::GET, "/api/v1/me")
        .header("origin", "https://dashboard.example")
        .fetch()
        .await;
    assert!(
        header(&cookie, "access-control-allow-origin").is_empty(),
        "cookie sessions stay same-origin"
    );
}
