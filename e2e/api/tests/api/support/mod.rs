use std::sync::OnceLock;
use std::time::Duration;

use ptp_shared::ErrorBody;
use tokio::sync::RwLock;

mod browser;

pub use browser::{
    Browser, SIGN_IN_COOKIE, SignIn, local_sign_in_available, session_cookie, signed_in_admin,
};

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

/// The local stack's load-test token (`x-load-test`); absent elsewhere.
pub fn load_test_token() -> Option<String> {
    std::env::var("PTP_LOAD_TEST_TOKEN").ok()
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
