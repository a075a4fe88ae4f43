//! The account: profile, export, deletion, and the admin-only routes.

use ptp_shared::{AccountExport, ErrorCode, Me, Role, UserList};
use reqwest::Method;
use serde_json::json;

use crate::support::{
    Browser, DATABASE, Fetch, Reply, client, error_body, header, local_control,
    local_sign_in_available, unique_email, url,
};

async fn member(label: &str) -> Option<(Browser, Me)> {
    if !local_sign_in_available().await {
        return None;
    }
    let mut browser = Browser::anonymous();
    let me = browser.sign_in(&unique_email(label)).await;
    Some((browser, me))
}

async fn patch(browser: &Browser, body: serde_json::Value) -> Reply {
    browser
        .request(Method::PATCH, "/api/v1/me")
        .json(&body)
        .fetch()
        .await
}

#[tokio::test]
async fn the_profile_is_updated_field_by_field_and_validated() {
    let _db = DATABASE.read().await;
    let Some((browser, me)) = member("profile").await else {
        return;
    };
    assert_eq!(me.daily_goal, 20);
    let response = patch(
        &browser,
        json!({"display_name": "  Ada  ", "target_exam": "sy0-701", "daily_goal": 40}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let updated: Me = response.json().await.unwrap();
    assert_eq!(updated.display_name.as_deref(), Some("Ada"));
    assert_eq!(updated.target_exam.as_deref(), Some("SY0-701"));
    assert_eq!(updated.daily_goal, 40);

    let partial: Me = patch(&browser, json!({"daily_goal": 15}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (partial.display_name.as_deref(), partial.daily_goal),
        (Some("Ada"), 15),
        "absent fields stay"
    );
    let cleared: Me = patch(&browser, json!({"display_name": ""}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cleared.display_name, None);

    for (body, field) in [
        (json!({"daily_goal": 0}), "daily_goal"),
        (json!({"daily_goal": 501}), "daily_goal"),
        (json!({"display_name": "x".repeat(61)}), "display_name"),
        (json!({"target_exam": "not an exam!"}), "exam"),
    ] {
        let response = patch(&browser, body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        let error = error_body(response).await.error;
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert_eq!(error.details.unwrap()["field"], field);
    }
    let unknown = patch(&browser, json!({"role": "admin"})).await;
    assert_eq!(
        unknown.status(),
        400,
        "unknown fields are refused, not ignored"
    );
    assert_eq!(
        error_body(unknown).await.error.code,
        ErrorCode::MalformedJson
    );
    let now = browser.me().await.unwrap();
    assert_eq!(
        (now.role, now.daily_goal),
        (Role::Learner, 15),
        "refused requests changed nothing"
    );
}

#[tokio::test]
async fn the_export_holds_everything_as_a_download() {
    let _db = DATABASE.read().await;
    let Some((browser, me)) = member("export").await else {
        return;
    };
    browser
        .post_json(
            "/api/v1/me/api-keys",
            json!({"name": "Exported", "scopes": ["profile:read"]}),
        )
        .await;
    let response = browser.get("/api/v1/me/export").await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-disposition").starts_with("attachment"));
    let export: AccountExport = response.json().await.unwrap();
    assert_eq!(export.user.id, me.id);
    assert_eq!(export.api_keys.len(), 1);
    assert!(
        !serde_json::to_string(&export)
            .unwrap()
            .contains("secret_hash")
    );
}

#[tokio::test]
async fn deleting_needs_the_email_typed_again_and_removes_everything() {
    let _db = DATABASE.read().await;
    let Some((browser, me)) = member("delete").await else {
        return;
    };
    let key: ptp_shared::CreatedApiKey = browser
        .post_json(
            "/api/v1/me/api-keys",
            json!({"name": "Doomed", "scopes": ["profile:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let wrong = browser
        .request(Method::DELETE, "/api/v1/me")
        .json(&json!({"confirm_email": "someone@else.example"}))
        .fetch()
        .await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(
        error_body(wrong).await.error.details.unwrap()["field"],
        "confirm_email"
    );
    assert!(browser.me().await.is_some(), "nothing deleted");

    let email = me.email.unwrap().to_uppercase();
    let done = browser
        .request(Method::DELETE, "/api/v1/me")
        .json(&json!({"confirm_email": email}))
        .fetch()
        .await;
    assert_eq!(done.status(), 204);
    assert!(browser.me().await.is_none(), "the session ended");
    let with_key = client()
        .get(url("/api/v1/me"))
        .bearer_auth(&key.secret)
        .fetch()
        .await;
    assert_eq!(with_key.status(), 401, "the account's keys are gone too");
}

#[tokio::test]
async fn admin_routes_refuse_learners_and_serve_admins() {
    let _db = DATABASE.read().await;
    let anonymous = client().get(url("/api/v1/admin/users")).fetch().await;
    assert_eq!(anonymous.status(), 401);
    let Some((browser, me)) = member("admin").await else {
        return;
    };
    let learner = browser.get("/api/v1/admin/users").await;
    assert_eq!(learner.status(), 403);
    assert_eq!(error_body(learner).await.error.code, ErrorCode::Forbidden);

    let Some(control) = local_control("needs the local stack's control server") else {
        return;
    };
    let email = me.email.clone().unwrap();
    let granted = client()
        .post(format!("{control}/admin/grant?email={email}"))
        .fetch()
        .await;
    assert_eq!(
        granted.status(),
        200,
        "{}",
        granted.text().await.unwrap_or_default()
    );
    let page = browser.get("/api/v1/admin/users?limit=5").await;
    assert_eq!(page.status(), 200, "the grant counts from the next request");
    let list: UserList = page.json().await.unwrap();
    assert!(list.users.len() <= 5);
    assert_eq!(browser.me().await.unwrap().role, Role::Admin);
    let bad = browser.get("/api/v1/admin/users?limit=0").await;
    assert_eq!(bad.status(), 400);
    let key: ptp_shared::CreatedApiKey = browser
        .post_json(
            "/api/v1/me/api-keys",
            json!({"name": "Admin key", "scopes": ["profile:read"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let keyed = client()
        .get(url("/api/v1/admin/users"))
        .bearer_auth(&key.secret)
        .fetch()
        .await;
    assert_eq!(
        keyed.status(),
        403,
        "admin work needs the admin's own browser session"
    );
}
