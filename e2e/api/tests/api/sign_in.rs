//! "Sign in with Google" through the local OpenID Connect provider: the cookie it sets, where it
//! returns to, and the callbacks it refuses (replayed, lured into another browser, declined).

use ptp_shared::{AccountExport, ErrorCode, UserKind};
use serde_json::json;

use crate::support::{
    Browser, DATABASE, Fetch, SIGN_IN_COOKIE, SignIn, client, error_body, header,
    local_sign_in_available, location, session_cookie, unique_email, url,
};

#[tokio::test]
async fn signing_in_sets_a_secure_http_only_session_and_returns_to_the_page() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let email = unique_email("ada");
    let response = Browser::anonymous()
        .sign_in_response(&email, "/exams?tab=mock")
        .await;
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/exams?tab=mock");
    let set_cookie = header(&response, "set-cookie");
    for part in [
        "__Host-ptp_session=",
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
    ] {
        assert!(set_cookie.contains(part), "{set_cookie} lacks {part}");
    }
    let browser = Browser {
        cookie: session_cookie(&response),
    };
    let me = browser.me().await.unwrap();
    assert_eq!(me.email.as_deref(), Some(email.as_str()));
    assert_eq!(me.kind, UserKind::Member);
    assert!(me.name.is_some() && me.avatar_url.is_some());
}

#[tokio::test]
async fn a_replayed_or_unknown_state_is_refused() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let started = SignIn::begin(None, "/").await;
    let browser = Browser::anonymous();
    assert_eq!(
        browser
            .finish_sign_in(&started, Some(&started.binding))
            .await
            .status(),
        302,
        "first use signs in"
    );
    let replay = browser
        .finish_sign_in(&started, Some(&started.binding))
        .await;
    assert_eq!(replay.status(), 400, "the same state a second time");
    assert_eq!(error_body(replay).await.error.code, ErrorCode::InvalidInput);

    let forged = client()
        .get(url(
            "/api/v1/auth/google/callback?code=x&state=never-issued",
        ))
        .fetch()
        .await;
    assert_eq!(forged.status(), 400);
    let missing = client()
        .get(url("/api/v1/auth/google/callback"))
        .fetch()
        .await;
    assert_eq!(missing.status(), 400);
}

/// Login CSRF: someone starts a sign-in as themselves, stops before the redirect and lures
/// another browser to the callback URL. That browser must not be signed in as them, and its
/// guest history must stay its own.
#[tokio::test]
async fn a_callback_lured_into_another_browser_signs_nobody_in_and_merges_nothing() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let attacker_email = unique_email("attacker");

    let mut victim = Browser::anonymous();
    let guest = victim.post_json("/api/v1/auth/guest", json!({})).await;
    assert_eq!(guest.status(), 201);
    victim.cookie = session_cookie(&guest);
    let victim_id = victim.me().await.expect("a guest").id;
    let practice = victim
        .post_json(
            "/api/v1/sessions",
            json!({"exam": "SY0-701", "mode": "practice", "count": 1}),
        )
        .await;
    assert_eq!(practice.status(), 201);

    // The victim's own browser holds a sign-in cookie of its own, or none at all.
    let own = SignIn::begin(None, "/").await;
    for binding in [None, Some(own.binding.as_str())] {
        // A fresh lure each time: a callback is used up by its first visit.
        let lure = SignIn::begin(Some(&attacker_email), "/").await;
        let refused = victim.finish_sign_in(&lure, binding).await;
        assert_eq!(refused.status(), 400, "binding {binding:?}");
        assert!(
            session_cookie(&refused).is_none_or(|value| value.is_empty()),
            "no session is set"
        );
        let body = error_body(refused).await;
        assert_eq!(body.error.code, ErrorCode::InvalidInput);
        assert!(body.error.message.contains("another browser"), "{body:?}");
    }
    let still = victim.me().await.expect("still the guest");
    assert_eq!(still.id, victim_id);
    assert_eq!(still.kind, UserKind::Guest);
    let export = |browser: Browser| async move {
        let response = browser.get("/api/v1/me/export").await;
        assert_eq!(response.status(), 200);
        response.json::<AccountExport>().await.unwrap()
    };
    assert_eq!(export(victim).await.sessions.len(), 1, "the guest keeps it");

    // The attacker's account got nothing: signing in as them shows no sessions at all.
    let mut attacker = Browser::anonymous();
    attacker.sign_in(&attacker_email).await;
    assert_eq!(export(attacker).await.sessions.len(), 0, "nothing merged");
}

#[tokio::test]
async fn declined_consent_and_unverified_emails_do_not_sign_in() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let started = SignIn::begin(None, "/").await;
    let declined = client()
        .get(url("/api/v1/auth/google/callback"))
        .query(&[
            ("state", started.param("state").as_str()),
            ("error", "access_denied"),
        ])
        .header("cookie", format!("{SIGN_IN_COOKIE}={}", started.binding))
        .fetch()
        .await;
    assert_eq!(declined.status(), 400);
    assert!(session_cookie(&declined).is_none());
    assert!(
        error_body(declined)
            .await
            .error
            .message
            .contains("access_denied")
    );

    let unverified = Browser::anonymous()
        .sign_in_response(&unique_email("unverified"), "/")
        .await;
    assert_eq!(unverified.status(), 400);
    assert!(
        error_body(unverified)
            .await
            .error
            .message
            .contains("verified email")
    );
}

#[tokio::test]
async fn return_to_must_be_a_path_on_this_site() {
    for bad in [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "account",
    ] {
        let response = client()
            .get(url("/api/v1/auth/google/start"))
            .query(&[("return_to", bad)])
            .fetch()
            .await;
        assert_eq!(response.status(), 400, "{bad}");
        let body = error_body(response).await;
        assert_eq!(body.error.code, ErrorCode::InvalidInput, "{bad}");
        assert_eq!(body.error.details.unwrap()["field"], "return_to");
    }
}
