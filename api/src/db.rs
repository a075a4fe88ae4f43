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

/// A statement with positional (`?`) parameters, expecting rows back.
pub fn stmt(sql: &str, params: impl IntoIterator<Item = Value>) -> Stmt {
    let mut stmt = Stmt::new(sql, true);
    for value in params {
        stmt.bind(value);
    }
    stmt
}

pub fn text(value: impl AsRef<str>) -> Value {
    Value::Text {
        value: value.as_ref().into(),
    }
}

pub fn opt_text(value: Option<impl AsRef<str>>) -> Value {
    value.map_or(Value::Null, text)
}

pub fn int(value: i64) -> Value {
    Value::Integer { value }
}

/// One result row, read by column name.
pub struct Row<'a> {
    cols: &'a [libsql_hrana::proto::Col],
    values: &'a [Value],
}

/// The rows of a result, in order.
pub fn rows(result: &StmtResult) -> impl Iterator<Item = Row<'_>> {
    result.rows.iter().map(|row| Row {
        cols: &result.cols,
        values: &row.values,
    })
}

impl Row<'_> {
    fn value(&self, column: &str) -> Result<&Value, DbError> {
        self.cols
            .iter()
            .position(|col| col.name.as_deref() == Some(column))
            .and_then(|index| self.values.get(index))
            .ok_or_else(|| DbError::Protocol(format!("no column {column} in the result")))
    }

    pub fn opt_text(&self, column: &str) -> Result<Option<String>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Text { value } => Ok(Some(value.to_string())),
            other => Err(DbError::Protocol(format!(
                "{column} is not text: {other:?}"
            ))),
        }
    }

    pub fn text(&self, column: &str) -> Result<String, DbError> {
        self.opt_text(column)?
            .ok_or_else(|| DbError::Protocol(format!("{column} is NULL")))
    }

    pub fn opt_int(&self, column: &str) -> Result<Option<i64>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Integer { value } => Ok(Some(*value)),
            other => Err(DbError::Protocol(format!(
                "{column} is not an integer: {other:?}"
            ))),
        }
    }

    /// A REAL column (integers are widened: SQLite may store 1.0 as 1).
    pub fn value_f64(&self, column: &str) -> Result<Option<f64>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Float { value } => Ok(Some(*value)),
            Value::Integer { value } => Ok(Some(*value as f64)),
            other => Err(DbError::Protocol(format!(
                "{column} is not a number: {other:?}"
            ))),
        }
    }

    pub fn int(&self, column: &str) -> Result<i64, DbError> {
        self.opt_int(column)?
            .ok_or_else(|| DbError::Protocol(format!("{column} is NULL")))
    }
}

fn snippet(body: &str) -> &str {
    let end = body.char_indices().nth(200).map_or(body.len(), |(i, _)| i);
    &body[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ScriptedTransport, block_on, test_db_config};
    use serde_json::{Value as Json, json};

    fn execute_ok(value: &str) -> Json {
        json!({"type": "ok", "response": {"type": "execute", "result": {
            "cols": [{"name": "1", "decltype": null}],
            "rows": [[{"type": "integer", "value": value}]],
            "affected_row_count": 0, "last_insert_rowid": null, "replication_index": null}}})
    }

    fn close_ok() -> Json {
        json!({"type": "ok", "response": {"type": "close"}})
    }

    #[test]
    fn sends_every_statement_in_one_pipeline_that_ends_with_close() {
        let body = json!({"baton": null, "base_url": null, "results": [execute_ok("1"), execute_ok("2"), close_ok()]});
        let transport = ScriptedTransport::replying(200, &body.to_string());
        let db = Database::new(transport.clone(), &test_db_config());
        let results = block_on(db.execute_all(vec![
            Stmt::new("SELECT 1", true),
            Stmt::new("SELECT 2", true),
        ]))
        .unwrap();
        assert_eq!(results.len(), 2);

        let sent = transport.requests();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].url, "http://127.0.0.1:9/v3/pipeline");
        assert!(
            sent[0]
                .headers
                .contains(&("authorization", "Bearer test-token".to_string()))
        );
        let request: Json = serde_json::from_str(sent[0].body.as_deref().unwrap()).unwrap();
        let types: Vec<&str> = request["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["execute", "execute", "close"]);
        assert_eq!(request["requests"][0]["stmt"]["sql"], "SELECT 1");
    }

    #[test]
    fn a_failed_statement_reports_sqlites_code() {
        let body = json!({"results": [
            {"type": "error", "error": {"message": "UNIQUE constraint failed: users.email", "code": "SQLITE_CONSTRAINT"}},
            close_ok()]});
        let db = Database::new(
            ScriptedTransport::replying(200, &body.to_string()),
            &test_db_config(),
        );
        let err = block_on(db.execute(Stmt::new("INSERT …", false))).unwrap_err();
        assert_eq!(
            err,
            DbError::Statement {
                code: "SQLITE_CONSTRAINT".into(),
                message: "UNIQUE constraint failed: users.email".into()
            }
        );
    }

    #[test]
    fn transport_failures_and_server_errors_mean_unavailable() {
        let timeout = ScriptedTransport::failing(TransportError::Timeout(Duration::from_secs(5)));
        let err = block_on(Database::new(timeout, &test_db_config()).ping()).unwrap_err();
        assert!(
            matches!(err, DbError::Unavailable(ref m) if m.contains("timed out")),
            "{err:?}"
        );

        let busy = ScriptedTransport::replying(503, "Timed out while opening database connection");
        let err = block_on(Database::new(busy, &test_db_config()).ping()).unwrap_err();
        assert!(
            matches!(err, DbError::Unavailable(ref m) if m.contains("503")),
            "{err:?}"
        );

        let refused = ScriptedTransport::replying(401, "Unauthorized");
        let err = block_on(Database::new(refused, &test_db_config()).ping()).unwrap_err();
        assert_eq!(err, DbError::Unauthorized(401));

        let garbage = ScriptedTransport::replying(200, "<html>");
        let err = block_on(Database::new(garbage, &test_db_config()).ping()).unwrap_err();
        assert!(matches!(err, DbError::Protocol(_)), "{err:?}");
    }

    #[test]
    fn busy_pauses_grow_jittered_up_to_a_second() {
        assert_eq!(busy_pause(1, 0), Duration::from_millis(20));
        assert_eq!(busy_pause(1, 20), Duration::from_millis(40));
        assert_eq!(busy_pause(3, 0), Duration::from_millis(80));
        assert_eq!(busy_pause(3, 80), Duration::from_millis(160));
        assert_eq!(busy_pause(6, 0), Duration::from_millis(500));
        assert_eq!(busy_pause(40, 500), Duration::from_millis(1_000));
        for attempt in 1..50 {
            for random in [0, 1, 7, 999, u32::MAX] {
                let pause = busy_pause(attempt, random);
                let ceiling = busy_pause(attempt, 0) * 2;
                assert!(
                    pause >= ceiling / 2 && pause <= ceiling,
                    "{attempt} {random}"
                );
            }
        }
    }

    #[test]
    fn a_busy_database_gets_the_transaction_again_then_counts_as_unavailable() {
        let busy = json!({"type": "ok", "response": {"type": "batch", "result": {
            "step_results": [null, null, null, null],
            "step_errors": [{"message": "database is locked", "code": "SQLITE_BUSY"}, null, null, null]}}});
        let transport =
            ScriptedTransport::replying(200, &json!({"results": [busy, close_ok()]}).to_string());
        let db = Database::new(transport.clone(), &test_db_config());
        let err = block_on(db.transaction(vec![Stmt::new("INSERT a", false)])).unwrap_err();
        assert!(
            matches!(err, DbError::Unavailable(ref m) if m.contains("SQLITE_BUSY")),
            "{err:?}"
        );
        let pauses = transport.pauses();
        assert_eq!(
            transport.requests().len(),
            pauses.len() + 1,
            "a pause before every resend"
        );
        assert!(pauses.windows(2).all(|pair| pair[0] <= pair[1] * 2));
        let total: Duration = pauses.iter().sum();
        assert!(total <= BUSY_BUDGET, "{total:?}");
        assert!(
            total + busy_pause(pauses.len() as u32 + 1, 0) > BUSY_BUDGET / 2,
            "it kept trying for most of the budget: {pauses:?}"
        );

        let locked = json!({"results": [
            {"type": "error", "error": {"message": "database is locked", "code": "SQLITE_BUSY"}},
            close_ok()]});
        let db = Database::new(
            ScriptedTransport::replying(200, &locked.to_string()),
            &test_db_config(),
        );
        let err = block_on(db.execute(Stmt::new("UPDATE …", false))).unwrap_err();
        assert!(
            matches!(err, DbError::Unavailable(_)),
            "a busy autocommit write is not a bug"
        );
    }

    #[test]
    fn a_transaction_is_one_conditional_batch_and_reports_the_first_error() {
        let step = |ok: bool| {
            if ok {
                json!({"cols": [], "rows": [], "affected_row_count": 1, "last_insert_rowid": null})
            } else {
                json!(null)
            }
        };
        let batch = json!({"type": "ok", "response": {"type": "batch", "result": {
            "step_results": [step(true), step(true), step(false), step(false), step(true)],
            "step_errors": [null, null, {"message": "CHECK constraint failed", "code": "SQLITE_CONSTRAINT_CHECK"}, null, null]}}});
        let transport =
            ScriptedTransport::replying(200, &json!({"results": [batch, close_ok()]}).to_string());
        let db = Database::new(transport.clone(), &test_db_config());
        let err = block_on(db.transaction(vec![
            Stmt::new("INSERT a", false),
            Stmt::new("INSERT b", false),
        ]))
        .unwrap_err();
        assert!(
            matches!(err, DbError::Statement { ref code, .. } if code == "SQLITE_CONSTRAINT_CHECK")
        );

        let request: Json =
            serde_json::from_str(transport.requests()[0].body.as_deref().unwrap()).unwrap();
        let steps = request["requests"][0]["batch"]["steps"].as_array().unwrap();
        let sqls: Vec<&str> = steps
            .iter()
            .map(|s| s["stmt"]["sql"].as_str().unwrap())
            .collect();
        assert_eq!(
            sqls,
            [
                "BEGIN TRANSACTION",
                "INSERT a",
                "INSERT b",
                "COMMIT",
                "ROLLBACK"
            ]
        );
        assert_eq!(request["requests"][1]["type"], "close");
    }
}
