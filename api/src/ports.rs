//! What the app needs from the runtime. The Worker implements these on its bindings
//! (`crate::platform`); tests implement them in memory (`crate::testing`).

use std::future::Future;
use std::time::Duration;

use axum::body::Body;
use ptp_domain::rate_limit::{Decision, Limit};

use crate::config::{ConfigError, Settings};
use crate::db::Database;
use crate::http::HttpClient;
use crate::observe::{CostRecord, Level, RequestRecord};
use crate::tasks::Task;
use crate::timing::Timings;

/// Everything a request handler may touch, cheap to clone (one per request in the Worker).
pub trait Platform: Clone + Send + Sync + 'static {
    type Http: HttpClient;
    type Assets: AssetStore;
    type Kv: KeyValue;
    type Cache: ResponseCache;

    fn settings(&self) -> &Settings;
    /// The database, or why it is not configured.
    fn database(&self) -> Result<&Database<Self::Http>, ConfigError>;
    /// Outbound HTTP (the identity provider; later OpenRouter and Stripe).
    fn http(&self) -> &Self::Http;
    fn assets(&self) -> &Self::Assets;
    /// KV `SESSION_STORE`: sessions and sign-in state.
    fn sessions(&self) -> &Self::Kv;
    /// KV `CACHE_STORE`: cache bookkeeping (the catalogue's version).
    fn cache_store(&self) -> &Self::Kv;
    /// This location's HTTP cache (the Workers Cache API).
    fn response_cache(&self) -> &Self::Cache;
    /// What this request has spent on the database, KV and the cache.
    fn timings(&self) -> &Timings;
    /// Writes one log line (JSON) at `level`.
    fn log(&self, level: Level, line: &str);
    /// An error outside any request's own line (a failed cache write, a failed counter): one
    /// log line of its own, through [`Platform::log`] like every other.
    fn log_error(&self, message: &str) {
        let line = crate::observe::line(Level::Error, message, serde_json::Map::new());
        self.log(Level::Error, &line);
    }
    /// One Analytics Engine data point for a finished request.
    fn record_request(&self, record: &RequestRecord);
    /// One Analytics Engine data point for a day the cost job closed.
    fn record_cost(&self, record: &CostRecord);
    /// Puts a task on TASK_QUEUE.
    fn enqueue(&self, task: &Task) -> impl Future<Output = Result<(), String>> + Send;
    /// Proves the task queue binding is present (sending would cost a message per probe).
    fn probe_queue(&self) -> impl Future<Output = Result<(), String>> + Send;
    /// Counts one request by `client` (e.g. `ip:…`, `user:…`) against `limit`, exactly across
    /// every instance of the Worker; what the request gets and what remains.
    fn rate_limit(
        &self,
        client: &str,
        limit: Limit,
    ) -> impl Future<Output = Result<Decision, String>> + Send;
    /// Milliseconds since the Unix epoch. In Workers the clock advances only across I/O, which
    /// is exactly what latency measurements need.
    fn now_millis(&self) -> u64;

    fn now_secs(&self) -> u64 {
        self.now_millis() / 1000
    }
}

/// A KV namespace: eventually consistent across locations, read-your-writes within one.
pub trait KeyValue: Send + Sync {
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<String>, KvError>> + Send;
    /// Stores `value` until `ttl` passes (KV's minimum is 60 s).
    fn put(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<(), KvError>> + Send;
    fn delete(&self, key: &str) -> impl Future<Output = Result<(), KvError>> + Send;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("KV failed: {0}")]
pub struct KvError(pub String);

/// Metadata of a stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetMeta {
    /// As recorded at upload time; the app falls back to `application/octet-stream`.
    pub content_type: Option<String>,
    /// The strong validator, unquoted (the app adds the quotes HTTP wants).
    pub etag: String,
    pub size: u64,
}

pub enum AssetLookup {
    Missing,
    /// The client's `If-None-Match` still matches: no body was read.
    NotModified(AssetMeta),
    /// Metadata only, for `HEAD`.
    Head(AssetMeta),
    Found(AssetMeta, Body),
}

/// The bucket holding the SPA's build output and `static/`, keyed by path without a leading `/`.
pub trait AssetStore: Send + Sync {
    /// Looks `key` up. With `if_none_match`, a matching ETag yields [`AssetLookup::NotModified`]
    /// without transferring the body; with `head`, no body is transferred either.
    fn lookup(
        &self,
        key: &str,
        if_none_match: Option<&str>,
        head: bool,
    ) -> impl Future<Output = Result<AssetLookup, String>> + Send;
}

/// A response as the cache keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The Workers Cache API: responses kept in this location, keyed by URL, expiring by their own
/// `Cache-Control`.
pub trait ResponseCache: Send + Sync {
    fn get(&self, key: &str)
    -> impl Future<Output = Result<Option<CachedResponse>, String>> + Send;
    fn put(
        &self,
        key: &str,
        response: &CachedResponse,
    ) -> impl Future<Output = Result<(), String>> + Send;
}
