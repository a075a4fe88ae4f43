//! The local stand-in for LangSmith's run ingestion (`POST /runs`, authenticated by `x-api-key`
//! as LangSmith's is): it keeps every run it accepts, and `GET /_runs` lists them, so a test can
//! see the trace of a model call. The Worker finds it through `LANGCHAIN_ENDPOINT`.

use std::sync::{Arc, Mutex};

use anyhow::Result;
use serde_json::{Value, json};

use crate::json_server::{Incoming, JsonServer};

/// LangSmith refuses runs without these.
const REQUIRED: &[&str] = &["id", "name", "run_type", "start_time", "inputs"];

pub struct LangSmithStandIn {
    pub url: String,
    pub key: String,
    /// Serves until the stand-in is dropped.
    _server: JsonServer,
}

struct State {
    key: String,
    runs: Mutex<Vec<Value>>,
}

fn handle(state: &State, request: &Incoming<'_>) -> (u16, Value) {
    match (request.method, request.url) {
        (tiny_http::Method::Post, "/runs") => {
            if request.header("x-api-key") != Some(state.key.as_str()) {
                return (401, json!({"detail": "Invalid token"}));
            }
            let Ok(run) = serde_json::from_str::<Value>(request.body) else {
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
        let state = Arc::new(State {
            key: format!("lsv2_pt_{}", crate::random::hex(16)?),
            runs: Mutex::default(),
        });
        let shared = state.clone();
        let server = JsonServer::start("LangSmith stand-in", move |request| {
            handle(&shared, request)
        })?;
        Ok(Self {
            url: server.url.clone(),
            key: state.key.clone(),
            _server: server,
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
