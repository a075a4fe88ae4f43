//! The small HTTP servers of ours that stand in for outside APIs (usage, LangSmith, X, Stripe):
//! each answers every request with what its handler returns — a status and a JSON body for
//! most, and for Stripe's payment pages also HTML and redirects — on a free port of 127.0.0.1,
//! on a thread of its own, until dropped. One loop serves them all.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use serde_json::Value;

/// Bodies read at most this far.
const MAX_BODY: u64 = 1 << 20;
/// Requests answered at once by a server answering [`Answering::Concurrently`]; one more is
/// told 503 at once rather than queued behind them.
const MAX_IN_FLIGHT: usize = 32;

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

/// What a handler answers: a status, a body of some type, and any further headers.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            content_type: "application/json",
            body: body.to_string(),
            headers: vec![],
        }
    }

    pub fn html(status: u16, body: String) -> Self {
        Self {
            status,
            content_type: "text/html; charset=utf-8",
            body,
            headers: vec![],
        }
    }

    /// `303 See Other`: after a form's POST the browser GETs `location`.
    pub fn see_other(location: &str) -> Self {
        Self {
            status: 303,
            content_type: "text/plain; charset=utf-8",
            body: String::new(),
            headers: vec![("location", location.to_string())],
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// How a server takes its requests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    /// One after another, on the server's thread.
    InTurn,
    /// Each on a thread of its own: for a handler that waits on a call whose receiver may call
    /// this server back meanwhile (a webhook whose receiver reads the API).
    Concurrently,
}

pub struct JsonServer {
    pub url: String,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl JsonServer {
    /// Serves `handle` (named `what` in errors), answering JSON, in turn, until dropped.
    pub fn start(
        what: &str,
        handle: impl Fn(&Incoming<'_>) -> (u16, Value) + Send + Sync + 'static,
    ) -> Result<Self> {
        Self::serve(what, Answering::InTurn, move |request| {
            let (status, body) = handle(request);
            Reply::json(status, &body)
        })
    }

    /// Serves `handle`, whose replies may be of any type, until dropped.
    pub fn serve(
        what: &str,
        answering: Answering,
        handle: impl Fn(&Incoming<'_>) -> Reply + Send + Sync + 'static,
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
        let handle = Arc::new(handle);
        let in_flight = Arc::new(AtomicUsize::new(0));
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                if answering == Answering::InTurn {
                    answer(request, &*handle);
                    continue;
                }
                if in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    respond(
                        request,
                        Reply::json(503, &serde_json::json!({"error": "busy"})),
                    );
                    continue;
                }
                let (handler, counter) = (handle.clone(), in_flight.clone());
                let spawned = std::thread::Builder::new().spawn(move || {
                    answer(request, &*handler);
                    counter.fetch_sub(1, Ordering::SeqCst);
                });
                if spawned.is_err() {
                    // The request went down with the closure: its connection is closed.
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                }
            }
        });
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
            server,
            thread: Some(thread),
        })
    }
}

fn answer(mut request: tiny_http::Request, handle: &impl Fn(&Incoming<'_>) -> Reply) {
    let mut body = String::new();
    let reply = match request.as_reader().take(MAX_BODY).read_to_string(&mut body) {
        Err(_) => Reply::json(400, &serde_json::json!({"error": "unreadable body"})),
        Ok(_) => handle(&Incoming {
            method: request.method(),
            url: request.url(),
            body: &body,
            headers: request.headers(),
        }),
    };
    respond(request, reply);
}

fn respond(request: tiny_http::Request, reply: Reply) {
    let content_type = ("content-type", reply.content_type.to_string());
    let headers: Option<Vec<tiny_http::Header>> = std::iter::once(&content_type)
        .chain(&reply.headers)
        .map(|(name, value)| tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok())
        .collect();
    let response = match headers {
        Some(headers) => headers.into_iter().fold(
            tiny_http::Response::from_string(reply.body).with_status_code(reply.status),
            |response, header| response.with_header(header),
        ),
        // A header value the handler built from its input cannot be sent.
        None => tiny_http::Response::from_string("a header of the reply is not valid")
            .with_status_code(500),
    };
    let _ = request.respond(response);
}

impl Drop for JsonServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
