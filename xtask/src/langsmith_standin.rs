//! The local stand-in for LangSmith's run ingestion (`POST /runs`, authenticated by `x-api-key`
//! as LangSmith's is): it keeps every run it accepts, and `GET /_runs` lists them, so a test can
//! see the trace of a model call. The Worker finds it through `LANGCHAIN_ENDPOINT`.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use serde_json::{Value, json};

/// LangSmith refuses runs without these.
const REQUIRED: &[&str] = &["id", "name", "run_type", "start_time", "inputs"];

pub struct LangSmithStandIn {
    pub url: String,
    pub key: String,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

struct State {
    key: String,
    runs: Mutex<Vec<Value>>,
}

fn handle(state: &State, request: &mut tiny_http::Request) -> (u16, Value) {
    let mut body = String::new();
    if request
        .as_reader()
        .take(1 << 20)
        .read_to_string(&mut body)
        .is_err()
    {
        return (400, json!({"detail": "unreadable body"}));
    }
    let key = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("x-api-key"))
        .map(|h| h.value.as_str().to_string());
    match (request.method(), request.url()) {
        (tiny_http::Method::Post, "/runs") => {
            if key.as_deref() != Some(state.key.as_str()) {
                return (401, json!({"detail": "Invalid token"}));
            }
            let Ok(run) = serde_json::from_str::<Value>(&body) else {
                return (422, json!({"detail": "the body is not JSON"}));
            };
            if let Some(missing) = REQUIRED.iter().find(|field| run[**field].is_null()) {
                return (422, json!({"detail": format!("{missing} is required")}));
            }
            if let Ok(mut runs) = state.runs.lock() {
                runs.push(run);
            }
            (202, json!({"message": "Run created"}))
        }
        (tiny_http::Method::Get, "/_runs") => {
            let runs = state.runs.lock().map(|r| r.clone()).unwrap_or_default();
            (200, json!({ "runs": runs }))
        }
        _ => (404, json!({"detail": "Not Found"})),
    }
}

impl LangSmithStandIn {
    pub fn start() -> Result<Self> {
        let server = Arc::new(
            tiny_http::Server::http("127.0.0.1:0").map_err(|err| anyhow::anyhow!("{err}"))?,
        );
        let port = server
            .server_addr()
            .to_ip()
            .context("the LangSmith stand-in has an IP address")?
            .port();
        let state = Arc::new(State {
            key: format!("lsv2_pt_{}", crate::random::hex(16)?),
            runs: Mutex::default(),
        });
        let (serving, shared) = (server.clone(), state.clone());
        let thread = std::thread::spawn(move || {
            for mut request in serving.incoming_requests() {
                let (status, body) = handle(&shared, &mut request);
                let response = tiny_http::Response::from_string(body.to_string())
                    .with_status_code(status)
                    .with_header(
                        "content-type: application/json"
                            .parse::<tiny_http::Header>()
                            .expect("a valid header"),
                    );
                let _ = request.respond(response);
            }
        });
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
            key: state.key.clone(),
            server,
            thread: Some(thread),
        })
    }

    /// The Worker's settings for this stand-in (`runtime.vars` lines).
    pub fn settings(&self) -> String {
        format!(
            "LANGCHAIN_API_KEY={}\nLANGCHAIN_ENDPOINT={}\nLANGCHAIN_PROJECT=pingtopass-local\n",
            self.key, self.url
        )
    }
}

impl Drop for LangSmithStandIn {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
