//! Outbound HTTP as the app sees it: the database, the identity provider, OpenRouter and Stripe
//! are all reached through [`HttpClient`], which the Worker implements on `fetch` and tests
//! implement with scripted replies.

use std::future::Future;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundRequest {
    pub method: HttpMethod,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
    /// The whole exchange, body included, must finish within this.
    pub timeout: Duration,
}

/// Every outbound call is bounded; nothing may hang a request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

impl OutboundRequest {
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: HttpMethod::Get,
            url: url.into(),
            headers: vec![],
            body: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn post_json(url: impl Into<String>, body: String) -> Self {
        Self {
            method: HttpMethod::Post,
            url: url.into(),
            headers: vec![("content-type", "application/json".into())],
            body: Some(body),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// `application/x-www-form-urlencoded`, as OAuth token endpoints want.
    pub fn post_form(url: impl Into<String>, fields: &[(&str, &str)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        Self {
            method: HttpMethod::Post,
            url: url.into(),
            headers: vec![("content-type", "application/x-www-form-urlencoded".into())],
            body: Some(body),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    pub status: u16,
    pub body: String,
    /// The `Retry-After` header as sent (seconds or an HTTP date), for callers that back off.
    pub retry_after: Option<String>,
}

impl HttpReply {
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            retry_after: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("network error: {0}")]
    Network(String),
}

pub trait HttpClient: Clone + Send + Sync + 'static {
    fn send(
        &self,
        request: OutboundRequest,
    ) -> impl Future<Output = Result<HttpReply, TransportError>> + Send;

    /// Waits `delay` before a request is sent again (a database that said it was busy): the
    /// client keeps outbound time, as it does for timeouts.
    fn pause(&self, delay: Duration) -> impl Future<Output = ()> + Send;
}
