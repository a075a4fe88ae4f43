//! Turso / libSQL over the Hrana HTTP protocol (`POST /v3/pipeline`), with the protocol types of
//! the `libsql-hrana` crate. The `libsql` client cannot run in this Worker (see ARCHITECTURE.md),
//! and it would spend two round trips per query; here every call is exactly one round trip that
//! carries all of its statements and ends with `close`, so sqld never keeps an idle stream open.

use std::time::Duration;

pub use libsql_hrana::proto::{Batch, BatchResult, Stmt, StmtResult, Value};
use libsql_hrana::proto::{
    BatchStreamReq, CloseStreamReq, ExecuteStreamReq, PipelineReqBody, PipelineRespBody,
    StreamRequest, StreamResponse, StreamResult,
};

use crate::config::DatabaseConfig;
use crate::http::{HttpClient, OutboundRequest, TransportError};
use crate::timing::{Part, Timings};

mod values;
pub use values::{Row, int, opt_text, real, rows, stmt, text};

/// Why a database call failed; mapped once to an HTTP status in [`crate::error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// Unreachable, timed out, overloaded or answering 5xx: retry later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The server refused our token: a deployment problem, not the caller's.
    #[error("database refused the credentials (HTTP {0})")]
    Unauthorized(u16),
    /// A statement failed (constraint, syntax…); `code` is SQLite's, e.g. `SQLITE_CONSTRAINT`.
    #[error("statement failed: {code}: {message}")]
    Statement { code: String, message: String },
    /// The server answered something this client does not understand.
    #[error("unexpected database reply: {0}")]
    Protocol(String),
}

impl From<TransportError> for DbError {
    fn from(err: TransportError) -> Self {
        DbError::Unavailable(err.to_string())
    }
}

/// How long, counted in pauses, a transaction keeps being sent again while the database says it
/// is busy (another writer holds it). Contention between answering learners clears well within
/// it; past it the database is overloaded and the request is a 503.
pub const BUSY_BUDGET: Duration = Duration::from_secs(6);

/// The pause before try `attempt + 1`: between half and all of min(40 ms · 2^(attempt-1), 1 s),
/// picked by `random`, so writers that collided do not all come back together ("equal jitter":
/// every pause still grows, which bounds the tries within [`BUSY_BUDGET`]).
fn busy_pause(attempt: u32, random: u32) -> Duration {
    let ceiling = (40u64 << attempt.saturating_sub(1).min(5)).min(1_000);
    Duration::from_millis(ceiling / 2 + u64::from(random) % (ceiling / 2 + 1))
}

fn jitter() -> u32 {
    let mut bytes = [0u8; 4];
    // Without randomness the pause is its ceiling: slower to clear, never wrong.
    getrandom::getrandom(&mut bytes).map_or(u32::MAX, |()| u32::from_le_bytes(bytes))
}

/// SQLite's "try again" codes (`SQLITE_BUSY`, `SQLITE_BUSY_SNAPSHOT`, `SQLITE_LOCKED`…): another
/// writer held the database; nothing of the statement happened.
fn is_busy(code: &str) -> bool {
    code.starts_with("SQLITE_BUSY") || code.starts_with("SQLITE_LOCKED")
}

pub struct Database<T> {
    http: T,
    endpoint: String,
    authorization: String,
    timeout: Duration,
    /// Where to record each round trip's duration, and the clock to measure it with.
    observer: Option<(Timings, fn() -> u64)>,
}

impl<T: HttpClient> Database<T> {
    pub fn new(http: T, config: &DatabaseConfig) -> Self {
        Self {
            http,
            endpoint: config.url.pipeline_endpoint(),
            authorization: format!("Bearer {}", config.token.expose()),
            timeout: config.timeout,
            observer: None,
        }
    }

    /// Records every round trip's duration in `timings`, measured with `clock` (milliseconds).
    pub fn observed(mut self, timings: Timings, clock: fn() -> u64) -> Self {
        self.observer = Some((timings, clock));
        self
    }

    /// Runs independent statements in one round trip and returns their results in order. Each
    /// runs in autocommit mode; use [`Database::transaction`] when they must succeed together.
    pub async fn execute_all(&self, stmts: Vec<Stmt>) -> Result<Vec<StmtResult>, DbError> {
        let count = stmts.len();
        let requests = stmts
            .into_iter()
            .map(|stmt| StreamRequest::Execute(ExecuteStreamReq { stmt }))
            .collect();
        let responses = self.pipeline(requests).await?;
        let results: Vec<StmtResult> = responses
            .into_iter()
            .filter_map(|response| match response {
                StreamResponse::Execute(resp) => Some(resp.result),
                _ => None,
            })
            .collect();
        if results.len() != count {
            return Err(DbError::Protocol("missing execute results".into()));
        }
        Ok(results)
    }

    pub async fn execute(&self, stmt: Stmt) -> Result<StmtResult, DbError> {
        let mut results = self.execute_all(vec![stmt]).await?;
        results
            .pop()
            .ok_or_else(|| DbError::Protocol("missing execute result".into()))
    }

    /// Runs statements atomically in one round trip: a batch of `BEGIN`, each statement on the
    /// condition that the previous one succeeded, `COMMIT`, and `ROLLBACK` if anything failed.
    /// Returns the statements' own results (without the bracketing ones).
    ///
    /// The `BEGIN` stays deferred: `BEGIN IMMEDIATE` from 20 concurrent clients left sqld 0.24
    /// holding its write lock for good (every later write timed out, measured on this stack).
    ///
    /// Should the database say it is busy (another writer held it), the whole batch — rolled back, so nothing of it
    /// happened — is sent again after a jittered, growing pause ([`busy_pause`]) while the
    /// pauses stay within [`BUSY_BUDGET`]; then it is reported as unavailable (503), not a bug.
    pub async fn transaction(&self, stmts: Vec<Stmt>) -> Result<Vec<StmtResult>, DbError> {
        let mut attempt = 1;
        let mut paused = Duration::ZERO;
        loop {
            match self.transaction_once(stmts.clone()).await {
                Err(DbError::Statement { code, message }) if is_busy(&code) => {
                    let pause = busy_pause(attempt, jitter());
                    if paused + pause > BUSY_BUDGET {
                        return Err(DbError::Unavailable(format!(
                            "still busy after {attempt} attempts and {} ms of pauses: {code}: {message}",
                            paused.as_millis()
                        )));
                    }
                    paused += pause;
                    attempt += 1;
                    self.http.pause(pause).await;
                }
                outcome => return outcome,
            }
        }
    }

    async fn transaction_once(&self, stmts: Vec<Stmt>) -> Result<Vec<StmtResult>, DbError> {
        let count = stmts.len();
        let batch = Batch::transactional(stmts);
        let responses = self
            .pipeline(vec![StreamRequest::Batch(BatchStreamReq { batch })])
            .await?;
        let Some(StreamResponse::Batch(resp)) = responses.into_iter().next() else {
            return Err(DbError::Protocol("missing batch result".into()));
        };
        let BatchResult {
            step_results,
            step_errors,
            ..
        } = resp.result;
        // Steps: BEGIN, the statements, COMMIT, ROLLBACK. The first error is the cause.
        if let Some(error) = step_errors.iter().flatten().next() {
            return Err(DbError::Statement {
                code: error.code.clone(),
                message: error.message.clone(),
            });
        }
        let results: Vec<StmtResult> = step_results
            .into_iter()
            .skip(1)
            .take(count)
            .flatten()
            .collect();
        if results.len() != count {
            return Err(DbError::Protocol(
                "transaction did not run every statement".into(),
            ));
        }
        Ok(results)
    }

    /// Cheapest proof that the database answers queries with our credentials.
    /// A liveness probe: `SELECT 1` with at most [`crate::http::DEFAULT_TIMEOUT`] to answer —
    /// it holds no lock, so giving up early is safe, and health checks must not hang.
    pub async fn ping(&self) -> Result<(), DbError> {
        let requests = vec![StreamRequest::Execute(ExecuteStreamReq {
            stmt: Stmt::new("SELECT 1", true),
        })];
        let timeout = self.timeout.min(crate::http::DEFAULT_TIMEOUT);
        self.pipeline_within(requests, timeout).await.map(drop)
    }

    /// One round trip: the given requests followed by `close`, so the stream ends with the call.
    async fn pipeline(&self, requests: Vec<StreamRequest>) -> Result<Vec<StreamResponse>, DbError> {
        self.pipeline_within(requests, self.timeout).await
    }

    async fn pipeline_within(
        &self,
        mut requests: Vec<StreamRequest>,
        timeout: Duration,
    ) -> Result<Vec<StreamResponse>, DbError> {
        let expected = requests.len();
        requests.push(StreamRequest::Close(CloseStreamReq {}));
        let body = serde_json::to_string(&PipelineReqBody {
            baton: None,
            requests,
        })
        .map_err(|err| DbError::Protocol(err.to_string()))?;
        let request = OutboundRequest::post_json(&self.endpoint, body)
            .header("authorization", &self.authorization)
            .timeout(timeout);
        let started = self.observer.as_ref().map(|(_, clock)| clock());
        let reply = self.http.send(request).await;
        if let (Some((timings, clock)), Some(started)) = (&self.observer, started) {
            timings.add(Part::Db, clock().saturating_sub(started));
        }
        let reply = reply?;
        match reply.status {
            200 => {}
            401 | 403 => return Err(DbError::Unauthorized(reply.status)),
            429 | 500..=599 => {
                return Err(DbError::Unavailable(format!(
                    "HTTP {}: {}",
                    reply.status,
                    snippet(&reply.body)
                )));
            }
            status => {
                return Err(DbError::Protocol(format!(
                    "HTTP {status}: {}",
                    snippet(&reply.body)
                )));
            }
        }
        let parsed: PipelineRespBody = serde_json::from_str(&reply.body)
            .map_err(|err| DbError::Protocol(format!("{err}: {}", snippet(&reply.body))))?;
        if parsed.results.len() != expected + 1 {
            return Err(DbError::Protocol(format!(
                "expected {} results, got {}",
                expected + 1,
                parsed.results.len()
            )));
        }
        parsed
            .results
            .into_iter()
            .take(expected)
            .map(|result| match result {
                StreamResult::Ok { response } => Ok(response),
                StreamResult::Error { error } if is_busy(&error.code) => Err(DbError::Unavailable(
                    format!("{}: {}", error.code, error.message),
                )),
                StreamResult::Error { error } => Err(DbError::Statement {
                    code: error.code,
                    message: error.message,
                }),
                StreamResult::None => Err(DbError::Protocol("empty stream result".into())),
            })
            .collect()
    }
}

fn snippet(body: &str) -> &str {
    let end = body.char_indices().nth(200).map_or(body.len(), |(i, _)| i);
    &body[..end]
}

#[cfg(test)]
mod tests;
