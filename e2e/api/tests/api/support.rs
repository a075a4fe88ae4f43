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

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// The body of a `GET` that must succeed.
pub async fn text_of(path: &str) -> String {
    let response = client().get(url(path)).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "GET {path}: {}",
        response.status()
    );
    response.text().await.unwrap()
}

pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("ASCII header").to_string())
        .unwrap_or_default()
}

/// Asserts the documented error envelope and returns it.
pub async fn error_body(response: reqwest::Response) -> ErrorBody {
    assert!(
        header(&response, "content-type").starts_with("application/json"),
        "error bodies are JSON"
    );
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("not the error envelope ({err}): {text}"))
}
