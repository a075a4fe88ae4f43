//! A browser for the tests: its cookies, signing in through the local Google stand-in, and
//! the checks that tell a local stack from a deployment.

use super::{Fetch, Reply, base_url, client, location, skip, unique_email, url};

pub const SESSION_COOKIE: &str = "__Host-ptp_session";
/// Binds a started sign-in to the browser that started it.
pub const SIGN_IN_COOKIE: &str = "__Host-ptp_signin";

/// The value a response sets for cookie `name` (empty when it clears it), if it sets one.
pub fn cookie_set(response: &Reply, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|cookie| {
            cookie
                .strip_prefix(&prefix)
                .map(|rest| rest.split(';').next().unwrap_or("").to_string())
        })
}

/// The session cookie's value a response sets (empty when it clears it), if it sets one.
pub fn session_cookie(response: &Reply) -> Option<String> {
    cookie_set(response, SESSION_COOKIE)
}

/// A sign-in started at the API and consented to at the local provider, not yet completed.
pub struct SignIn {
    /// The API callback URL the provider sent the browser back to (code and state included).
    pub callback: String,
    /// The sign-in cookie the start set on the browser that started it.
    pub binding: String,
}

impl SignIn {
    pub async fn begin(email: Option<&str>, return_to: &str) -> Self {
        let mut query = vec![("return_to", return_to)];
        if let Some(email) = email {
            query.push(("login_hint", email));
        }
        let start = client()
            .get(url("/api/v1/auth/google/start"))
            .query(&query)
            .fetch()
            .await;
        assert_eq!(start.status(), 302, "start");
        let binding = cookie_set(&start, SIGN_IN_COOKIE).expect("start binds the sign-in");
        let consent = client().get(location(&start)).fetch().await;
        assert_eq!(
            consent.status(),
            302,
            "the provider redirects straight back"
        );
        let callback = location(&consent);
        assert!(
            callback.starts_with(&url("/api/v1/auth/google/callback")),
            "{callback}"
        );
        Self { callback, binding }
    }

    /// The callback's query parameter `name`.
    pub fn param(&self, name: &str) -> String {
        url::Url::parse(&self.callback)
            .expect("a URL")
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    }
}

/// A browser, as far as the API can tell: the session cookie, and its own origin on writes.
#[derive(Clone)]
pub struct Browser {
    pub cookie: Option<String>,
}

impl Browser {
    pub fn anonymous() -> Self {
        Self { cookie: None }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = client().request(method.clone(), url(path));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", format!("{SESSION_COOKIE}={cookie}"));
        }
        if method != reqwest::Method::GET {
            request = request
                .header("origin", base_url())
                .header("sec-fetch-site", "same-origin");
        }
        request
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(reqwest::Method::GET, path).fetch().await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.request(reqwest::Method::DELETE, path).fetch().await
    }

    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> Reply {
        self.request(reqwest::Method::POST, path)
            .json(&body)
            .fetch()
            .await
    }

    pub async fn put_json(&self, path: &str, body: serde_json::Value) -> Reply {
        self.request(reqwest::Method::PUT, path)
            .json(&body)
            .fetch()
            .await
    }

    /// The whole "Sign in with Google" round trip against the local provider; returns the
    /// callback's response (a redirect to `return_to` with the cookie, or a refusal).
    pub async fn sign_in_response(&self, email: &str, return_to: &str) -> Reply {
        let started = SignIn::begin(Some(email), return_to).await;
        self.finish_sign_in(&started, Some(&started.binding)).await
    }

    /// Follows a started sign-in's callback from this browser, carrying `binding` as the
    /// sign-in cookie (the one the start set, someone else's, or none).
    pub async fn finish_sign_in(&self, started: &SignIn, binding: Option<&str>) -> Reply {
        let mut cookies = vec![];
        if let Some(binding) = binding {
            cookies.push(format!("{SIGN_IN_COOKIE}={binding}"));
        }
        if let Some(cookie) = &self.cookie {
            cookies.push(format!("{SESSION_COOKIE}={cookie}"));
        }
        let mut request = client().get(&started.callback);
        if !cookies.is_empty() {
            request = request.header("cookie", cookies.join("; "));
        }
        request.fetch().await
    }

    /// Signs in as `email` and keeps the member session.
    pub async fn sign_in(&mut self, email: &str) -> ptp_shared::Me {
        let response = self.sign_in_response(email, "/").await;
        assert_eq!(
            response.status(),
            302,
            "sign-in: {}",
            response.text().await.unwrap_or_default()
        );
        self.cookie = Some(session_cookie(&response).expect("sign-in sets the session cookie"));
        self.me().await.expect("signed in")
    }

    pub async fn me(&self) -> Option<ptp_shared::Me> {
        let response = self.get("/api/v1/auth/session").await;
        assert_eq!(response.status(), 200);
        response
            .json::<ptp_shared::SessionInfo>()
            .await
            .unwrap()
            .user
    }
}

/// Signing in needs the local Google stand-in; against a deployment these tests say so and stop,
/// unless `PTP_REQUIRE_LOCAL` demands them.
pub async fn local_sign_in_available() -> bool {
    let start = client().get(url("/api/v1/auth/google/start")).fetch().await;
    // Anything but a redirect is a failure, not a reason to skip (a 429 is not "deployed").
    assert_eq!(start.status(), 302, "GET /api/v1/auth/google/start");
    let local = location(&start).starts_with("http://127.0.0.1:");
    if !local {
        assert!(
            std::env::var("PTP_REQUIRE_LOCAL").is_err(),
            "the local sign-in provider is not answering"
        );
        skip("needs the local Google stand-in; not applicable to a deployed URL");
    }
    local
}

/// A member signed in as a fresh address (`label`) and made an administrator through the local
/// stack's control server.
pub async fn signed_in_admin(control: &str, label: &str) -> Browser {
    let mut admin = Browser::anonymous();
    let me = admin.sign_in(&unique_email(label)).await;
    let granted = client()
        .post(format!("{control}/admin/grant?email={}", me.email.unwrap()))
        .fetch()
        .await;
    assert_eq!(granted.status(), 200);
    admin
}
