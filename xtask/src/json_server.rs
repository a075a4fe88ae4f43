//! The small HTTP servers of ours that stand in for outside APIs (usage, LangSmith, X): each
//! answers every request with a status and a JSON body from its handler, on a free port of
//! 127.0.0.1, on a thread of its own, until dropped.

use std::io::Read;
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use serde_json::Value;

/// Bodies read at most this far.
const MAX_BODY: u64 = 1 << 20;

/// A request as a handler sees it.
pub struct Incoming<'a> {
    pub method: &'a tiny_http::Method,
    /// Path and query, as sent.
    pub url: &'a str,
    pub body: &'a str,
    headers: &'a [tiny_http::Header],
}

impl<'a> Incoming<'a> {
    pub fn header(&self, name: &'static str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str())
    }

    /// The token of `Authorization: Bearer …`.
    pub fn bearer(&self) -> Option<&'a str> {
        self.header("authorization")?.strip_prefix("Bearer ")
    }
}

pub struct JsonServer {
    pub url: String,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl JsonServer {
    /// Serves `handle` (named `what` in errors) until dropped.
    pub fn start(
        what: &str,
        handle: impl Fn(&Incoming<'_>) -> (u16, Value) + Send + 'static,
    ) -> Result<Self> {
        let server = Arc::new(
            tiny_http::Server::http("127.0.0.1:0").map_err(|err| anyhow::anyhow!("{err}"))?,
        );
        let port = server
            .server_addr()
            .to_ip()
            .with_context(|| format!("the {what} has an IP address"))?
            .port();
        let serving = server.clone();
        let thread = std::thread::spawn(move || {
            for mut request in serving.incoming_requests() {
                let mut body = String::new();
                let (status, answer) =
                    match request.as_reader().take(MAX_BODY).read_to_string(&mut body) {
                        Err(_) => (400, serde_json::json!({"error": "unreadable body"})),
                        Ok(_) => handle(&Incoming {
                            method: request.method(),
                            url: request.url(),
                            body: &body,
                            headers: request.headers(),
                        }),
                    };
                let response = tiny_http::Response::from_string(answer.to_string())
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
            server,
            thread: Some(thread),
        })
    }
}

impl Drop for JsonServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
