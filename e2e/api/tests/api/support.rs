use std::sync::OnceLock;
use std::time::Duration;

use ptp_shared::ErrorBody;
use tokio::sync::RwLock;

/// Tests that need the database up hold this for reading; the fault tests that stop it hold it
/// for writing, so they never overlap.
pub static DATABASE: RwLock<()> = RwLock::const_new(());

pub fn base_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        std::env::var("PTP_BASE_URL")
            .expect("PTP_BASE_URL must name a running stack; run these through `cargo xtask test` or `cargo xtask e2e --url …`")
            .trim_end_matches('/')
            .to_string()
    })
}

pub fn url(path: &str) -> String {
    format!("{}{path}", base_url())
}

/// The local stack's database switch, if this run has one.
pub fn control_url() -> Option<String> {
    let url = std::env::var("PTP_CONTROL_URL").ok();
    if url.is_none() && std::env::var("PTP_REQUIRE_LOCAL").is_ok() {
        panic!("PTP_REQUIRE_LOCAL is set but PTP_CONTROL_URL is not");
    }
    url
}

/// The local stack's control server; without one, the running test is recorded as skipped
/// because it `needs` it (its caller returns).
pub fn local_control(needs: &str) -> Option<String> {
    let url = control_url();
    if url.is_none() {
        skip(needs);
    }
    url
}

/// Records the running test as skipped, and why: a line in the file `PTP_E2E_SKIPS` names
/// (libtest knows only passed and failed; xtask reads the file and counts these as skipped).
pub fn skip(why: &str) {
    use std::io::Write;
    let test = std::thread::current()
        .name()
        .unwrap_or("an unnamed test")
        .to_string();
    eprintln!("skipped: {why}");
    let Ok(path) = std::env::var("PTP_E2E_SKIPS") else {
        return;
    };
    // The whole line in one append (`writeln!` would issue several writes, which concurrent
    // tests interleave).
    let line = format!("{test}\t{}\n", why.replace(['\t', '\n'], " "));
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()))
        .unwrap_or_else(|err| panic!("writing {path}: {err}"));
}

/// A client of its own. On the local stack each one is also a visitor of its own: `wrangler dev`
/// passes `CF-Connecting-IP` through (Cloudflare sets it in production), so tests never share
/// one address's budget of 100 requests a minute; the rate-limit tests choose their addresses.
pub fn client() -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .redirect(reqwest::redirect::Policy::none());
    if control_url().is_some() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "cf-connecting-ip",
            next_visitor_ip()
                .parse()
                .expect("an address is a header value"),
        );
        builder = builder.default_headers(headers);
    }
    builder.build().expect("a client")
}

/// 10.0.0.1, 10.0.0.2, … — a new private address per call.
pub fn next_visitor_ip() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::net::Ipv4Addr::from(0x0a00_0000 | (n & 0x00ff_ffff)).to_string()
}

/// The body of a `GET` that must succeed.
pub async fn text_of(path: &str) -> String {
    let response = client().get(url(path)).fetch().await;
    assert!(
        response.status().is_success(),
        "GET {path}: {}",
        response.status()
    );
    response.text().await.unwrap()
}

/// A response read in full.
pub struct Reply {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

pub trait Fetch {
    /// Sends the request once and reads the whole response. Nothing is sent again: a request the
    /// local runtime drops fails the test.
    async fn fetch(self) -> Reply;
}

impl Fetch for reqwest::RequestBuilder {
    async fn fetch(self) -> Reply {
        Reply::read(self.send().await.unwrap()).await
    }
}

impl Reply {
    async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap().to_vec();
        Self {
            status,
            headers,
            body,
        }
    }

    pub fn status(&self) -> reqwest::StatusCode {
        self.status
    }

    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    pub async fn text(self) -> Result<String, std::string::FromUtf8Error> {
        String::from_utf8(self.body)
    }

    pub async fn bytes(self) -> Result<Vec<u8>, std::convert::Infallible> {
        Ok(self.body)
    }
}

pub fn header(response: &Reply, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("ASCII header").to_string())
        .unwrap_or_default()
}

/// Asserts the documented error envelope and returns it.
pub async fn error_body(response: Reply) -> ErrorBody {
    assert!(
        header(&response, "content-type").starts_with("application/json"),
        "error bodies are JSON"
    );
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("not the error envelope ({err}): {text}"))
}

/// The local stack's session signing key, so tests can mint expired tokens; absent elsewhere.
pub fn jwt_secret() -> Option<String> {
    std::env::var("PTP_JWT_SECRET").ok()
}

/// A fresh address per call: tests never share an account, even across runs.
pub fn unique_email(label: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{label}.{nanos}.{n}@example.com")
}

pub fn location(response: &Reply) -> String {
    header(response, "location")
}

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

/// The JSON lines the Worker has logged so far (the local stack's control server reads its log).
/// wrangler colours warnings and errors, so each line's JSON is what lies between its braces.
pub async fn worker_log(control: &str) -> Vec<serde_json::Value> {
    worker_log_text(control)
        .await
        .lines()
        .filter_map(|line| {
            let (start, end) = (line.find('{')?, line.rfind('}')?);
            (start < end).then(|| &line[start..=end])
        })
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
}

/// Everything the Worker has written to its log so far, as written.
pub async fn worker_log_text(control: &str) -> String {
    client()
        .get(format!("{control}/worker/log"))
        .fetch()
        .await
        .text()
        .await
        .unwrap()
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
