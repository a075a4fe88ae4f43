//! Sessions and their refusals: tampered, expired and revoked tokens, signing out, cross-site
//! writes, and guests merged on sign-in.

use base64::Engine;
use ptp_shared::{ErrorCode, UserKind};
use reqwest::Method;

use crate::support::{
    Browser, DATABASE, Fetch, client, error_body, header, jwt_secret, local_sign_in_available,
    session_cookie, unique_email, url,
};

/// A session token signed with `key` (the stack's own when it is the local one).
fn token(key: &[u8], claims: serde_json::Value, algorithm: jsonwebtoken::Algorithm) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(algorithm),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
    .unwrap()
}

async fn status_with_cookie(cookie: &str) -> (u16, bool) {
    let response = Browser {
        cookie: Some(cookie.to_string()),
    }
    .request(Method::POST, "/api/v1/auth/sign-out")
    .fetch()
    .await;
    let cleared = session_cookie(&response).is_some_and(|value| value.is_empty());
    let status = response.status().as_u16();
    if status == 401 {
        assert_eq!(
            error_body(response).await.error.code,
            ErrorCode::Unauthorized
        );
    }
    (status, cleared)
}

#[tokio::test]
async fn tampered_expired_unsigned_wrong_key_and_revoked_sessions_get_401() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let mut browser = Browser::anonymous();
    let me = browser.sign_in(&unique_email("tokens")).await;
    let good = browser.cookie.clone().unwrap();
    let (head, rest) = good.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = |exp: u64| serde_json::json!({"sub": me.id, "sid": "x", "kind": "member", "iat": now - 10, "exp": exp});

    let b64 = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    let forged_payload = b64(&claims(now + 3600).to_string());
    let tampered = format!("{head}.{forged_payload}.{signature}");
    let none = format!(
        "{}.{}.",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(&claims(now + 3600).to_string())
    );
    let wrong_key = token(
        b"not-the-server-key-not-the-server-key",
        claims(now + 3600),
        jsonwebtoken::Algorithm::HS256,
    );
    for (what, cookie) in [
        ("tampered", tampered),
        ("alg none", none),
        ("wrong key", wrong_key),
        ("garbage", "abc".into()),
    ] {
        assert_eq!(
            status_with_cookie(&cookie).await,
            (401, true),
            "{what}: refused, and the cookie cleared"
        );
    }
    if let Some(secret) = jwt_secret() {
        let expired = token(
            secret.as_bytes(),
            claims(now - 1),
            jsonwebtoken::Algorithm::HS256,
        );
        assert_eq!(status_with_cookie(&expired).await, (401, true), "expired");
        let other_alg = token(
            secret.as_bytes(),
            claims(now + 3600),
            jsonwebtoken::Algorithm::HS512,
        );
        assert_eq!(
            status_with_cookie(&other_alg).await,
            (401, true),
            "HS512 with the right key"
        );
    } else {
        assert!(
            std::env::var("PTP_REQUIRE_LOCAL").is_err(),
            "PTP_JWT_SECRET is missing on the local stack"
        );
    }

    // Signing out revokes at once: the same, still unexpired, token is refused next time.
    assert_eq!(status_with_cookie(&good).await.0, 204);
    assert_eq!(status_with_cookie(&good).await.0, 401);
    assert!(browser.me().await.is_none());
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_member() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let email = unique_email("everywhere");
    let (mut laptop, mut phone, mut other) = (
        Browser::anonymous(),
        Browser::anonymous(),
        Browser::anonymous(),
    );
    laptop.sign_in(&email).await;
    phone.sign_in(&email).await;
    other.sign_in(&unique_email("bystander")).await;
    let response = laptop
        .request(Method::POST, "/api/v1/auth/sign-out-everywhere")
        .fetch()
        .await;
    assert_eq!(response.status(), 204);
    assert!(laptop.me().await.is_none());
    assert!(
        phone.me().await.is_none(),
        "the other device is signed out on its very next request"
    );
    assert!(other.me().await.is_some(), "other people are not");
}

#[tokio::test]
async fn cookie_writes_from_another_site_are_refused_and_change_nothing() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let mut browser = Browser::anonymous();
    browser.sign_in(&unique_email("csrf")).await;
    let cookie = format!("__Host-ptp_session={}", browser.cookie.clone().unwrap());
    let attempts = [
        vec![("origin", "https://evil.example")],
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ],
        vec![("sec-fetch-site", "same-site")],
        vec![],
    ];
    for headers in attempts {
        let mut request = client()
            .post(url("/api/v1/auth/sign-out"))
            .header("cookie", &cookie);
        for (name, value) in &headers {
            request = request.header(*name, *value);
        }
        let response = request.fetch().await;
        assert_eq!(response.status(), 403, "{headers:?}");
        assert_eq!(error_body(response).await.error.code, ErrorCode::Forbidden);
    }
    assert!(
        browser.me().await.is_some(),
        "still signed in: nothing changed"
    );
}

#[tokio::test]
async fn a_guest_practises_without_an_account_and_is_merged_on_sign_in() {
    let _db = DATABASE.read().await;
    let created = Browser::anonymous()
        .post_json("/api/v1/auth/guest", serde_json::json!({}))
        .await;
    assert_eq!(created.status(), 201);
    let guest = Browser {
        cookie: session_cookie(&created),
    };
    let me: ptp_shared::Me = created.json().await.unwrap();
    assert_eq!(me.kind, UserKind::Guest);
    assert!(me.email.is_none());
    let again = guest
        .post_json("/api/v1/auth/guest", serde_json::json!({}))
        .await;
    assert_eq!(again.status(), 200, "one guest per browser");
    assert_eq!(again.json::<ptp_shared::Me>().await.unwrap().id, me.id);
    let keys = guest.get("/api/v1/me/api-keys").await;
    assert_eq!(keys.status(), 403, "guests cannot hold API keys");

    if !local_sign_in_available().await {
        return;
    }
    let response = guest
        .sign_in_response(&unique_email("converted"), "/")
        .await;
    assert_eq!(response.status(), 302);
    let member = Browser {
        cookie: session_cookie(&response),
    };
    let now = member.me().await.unwrap();
    assert_eq!(now.kind, UserKind::Member);
    assert_ne!(now.id, me.id);
    assert!(
        guest.me().await.is_none(),
        "the guest session ended with the merge"
    );
}

#[tokio::test]
async fn visitors_are_nobody_and_stale_cookies_are_cleared() {
    let visitor = Browser::anonymous().get("/api/v1/auth/session").await;
    assert_eq!(visitor.status(), 200);
    assert_eq!(
        visitor
            .json::<ptp_shared::SessionInfo>()
            .await
            .unwrap()
            .user,
        None
    );
    let stale = Browser {
        cookie: Some("not.a.token".into()),
    }
    .get("/api/v1/auth/session")
    .await;
    assert_eq!(stale.status(), 200);
    assert_eq!(
        session_cookie(&stale).as_deref(),
        Some(""),
        "the broken cookie is cleared"
    );
    let me = Browser::anonymous().get("/api/v1/me").await;
    assert_eq!(me.status(), 401);
    assert!(header(&me, "www-authenticate").starts_with("Bearer"));
}
