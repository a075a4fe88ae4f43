//! A real database for native tests: the Worker's Hrana pipelines (execute, batch with
//! conditions, close) run on an in-memory SQLite with `migrations/` applied, so the store's SQL
//! and its guarded transactions are exercised by `cargo test`, not scripted.

use std::sync::{Arc, Mutex};

use libsql_hrana::proto::{
    Batch, BatchCond, BatchResult, BatchStreamResp, CloseStreamResp, Col, Error, ExecuteStreamResp,
    PipelineReqBody, PipelineRespBody, Row, Stmt, StmtResult, StreamRequest, StreamResponse,
    StreamResult, Value,
};
use rusqlite::Connection;
use rusqlite::types::ValueRef;

use crate::http::{HttpClient, HttpReply, OutboundRequest, TransportError};

/// Statements run just before the first pipeline whose body contains the needle: another
/// writer landing between a handler's read and its write.
type Interloper = (String, Vec<String>);

#[derive(Clone)]
pub struct SqliteTransport {
    conn: Arc<Mutex<Connection>>,
    interlopers: Arc<Mutex<Vec<Interloper>>>,
}

impl SqliteTransport {
    /// An empty database with every migration applied, in order.
    pub fn migrated() -> Self {
        let conn = Connection::open_in_memory().expect("an in-memory SQLite");
        // Stricter than SQLite's default: a write the foreign keys refuse fails the test.
        conn.execute_batch("PRAGMA foreign_keys = ON")
            .expect("foreign keys on");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("migrations/")
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
            .collect();
        files.sort();
        for file in files {
            let sql = std::fs::read_to_string(&file).expect("a readable migration");
            conn.execute_batch(&sql)
                .unwrap_or_else(|err| panic!("{}: {err}", file.display()));
        }
        Self {
            conn: Arc::new(Mutex::new(conn)),
            interlopers: Arc::default(),
        }
    }

    /// Runs `sql` (one or more statements) directly: to arrange or inspect a test's data.
    pub fn run(&self, sql: &str) {
        self.conn
            .lock()
            .unwrap()
            .execute_batch(sql)
            .unwrap_or_else(|err| panic!("{sql}: {err}"));
    }

    /// Runs `sql` directly and says why the database refused it, if it did.
    pub fn try_run(&self, sql: &str) -> Result<(), String> {
        self.conn
            .lock()
            .unwrap()
            .execute_batch(sql)
            .map_err(|err| err.to_string())
    }

    /// The first column of the first row `sql` selects, as text (`NULL` as `None`).
    pub fn scalar(&self, sql: &str) -> Option<String> {
        let conn = self.conn.lock().unwrap();
        conn.query_row(sql, [], |row| {
            Ok(match row.get_ref(0)? {
                ValueRef::Null => None,
                ValueRef::Integer(i) => Some(i.to_string()),
                ValueRef::Real(f) => Some(f.to_string()),
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    Some(String::from_utf8_lossy(t).into_owned())
                }
            })
        })
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
    }

    /// How many rows `sql` (a `SELECT count(*) …`) counts.
    pub fn count(&self, sql: &str) -> i64 {
        self.scalar(sql)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{sql} counted nothing"))
    }

    /// Before the next pipeline whose body contains `needle`, runs `statements` as another
    /// client would — once.
    pub fn interleave(&self, needle: &str, statements: &[&str]) {
        self.interlopers.lock().unwrap().push((
            needle.to_string(),
            statements.iter().map(|s| s.to_string()).collect(),
        ));
    }

    fn pipeline(&self, body: &str) -> Result<String, String> {
        let request: PipelineReqBody =
            serde_json::from_str(body).map_err(|err| format!("not a Hrana pipeline: {err}"))?;
        let conn = self.conn.lock().unwrap();
        let results = request
            .requests
            .into_iter()
            .map(|request| match request {
                StreamRequest::Execute(req) => match execute(&conn, &req.stmt) {
                    Ok(result) => ok(StreamResponse::Execute(ExecuteStreamResp { result })),
                    Err(error) => StreamResult::Error { error },
                },
                StreamRequest::Batch(req) => ok(StreamResponse::Batch(BatchStreamResp {
                    result: batch(&conn, &req.batch),
                })),
                StreamRequest::Close(_) => {
                    // sqld rolls back what a closed stream left open.
                    if !conn.is_autocommit() {
                        let _ = conn.execute_batch("ROLLBACK");
                    }
                    ok(StreamResponse::Close(CloseStreamResp {}))
                }
                other => StreamResult::Error {
                    error: Error {
                        message: format!("unsupported request {other:?}"),
                        code: "HRANA_PROTO_ERROR".into(),
                    },
                },
            })
            .collect();
        serde_json::to_string(&PipelineRespBody {
            baton: None,
            base_url: None,
            results,
        })
        .map_err(|err| err.to_string())
    }
}

impl HttpClient for SqliteTransport {
    async fn send(&self, request: OutboundRequest) -> Result<HttpReply, TransportError> {
        let body = request.body.unwrap_or_default();
        let due = {
            let mut interlopers = self.interlopers.lock().unwrap();
            let at = interlopers
                .iter()
                .position(|(needle, _)| body.contains(needle.as_str()));
            at.map(|at| interlopers.remove(at).1)
        };
        for statement in due.unwrap_or_default() {
            self.run(&statement);
        }
        Ok(match self.pipeline(&body) {
            Ok(body) => HttpReply::new(200, body),
            Err(message) => {
                HttpReply::new(400, serde_json::json!({ "message": message }).to_string())
            }
        })
    }

    /// One connection, so nothing else can hold the lock while it waits: no need to.
    async fn pause(&self, _delay: std::time::Duration) {}
}

fn ok(response: StreamResponse) -> StreamResult {
    StreamResult::Ok { response }
}

/// Each step whose condition holds, in order; a failed step does not stop the batch.
fn batch(conn: &Connection, batch: &Batch) -> BatchResult {
    let mut result = BatchResult::default();
    for step in &batch.steps {
        let runs = step
            .condition
            .as_ref()
            .is_none_or(|cond| holds(cond, &result, conn));
        let (outcome, error) = if runs {
            match execute(conn, &step.stmt) {
                Ok(outcome) => (Some(outcome), None),
                Err(error) => (None, Some(error)),
            }
        } else {
            (None, None)
        };
        result.step_results.push(outcome);
        result.step_errors.push(error);
    }
    result
}

fn holds(cond: &BatchCond, so_far: &BatchResult, conn: &Connection) -> bool {
    let step = |step: &u32| *step as usize;
    match cond {
        BatchCond::None => true,
        BatchCond::Ok { step: s } => so_far
            .step_results
            .get(step(s))
            .is_some_and(Option::is_some),
        BatchCond::Error { step: s } => {
            so_far.step_errors.get(step(s)).is_some_and(Option::is_some)
        }
        BatchCond::Not { cond } => !holds(cond, so_far, conn),
        BatchCond::And(list) => list.conds.iter().all(|c| holds(c, so_far, conn)),
        BatchCond::Or(list) => list.conds.iter().any(|c| holds(c, so_far, conn)),
        BatchCond::IsAutocommit {} => conn.is_autocommit(),
    }
}

fn execute(conn: &Connection, stmt: &Stmt) -> Result<StmtResult, Error> {
    let sql = stmt.sql.as_deref().ok_or_else(|| Error {
        message: "a statement without SQL (stored SQL is not used)".into(),
        code: "HRANA_PROTO_ERROR".into(),
    })?;
    let mut prepared = conn.prepare(sql).map_err(sqlite_error)?;
    let args: Vec<rusqlite::types::Value> = stmt.args.iter().map(to_sqlite).collect();
    for (index, arg) in args.iter().enumerate() {
        prepared
            .raw_bind_parameter(index + 1, arg)
            .map_err(sqlite_error)?;
    }
    for named in &stmt.named_args {
        let index = prepared
            .parameter_index(&named.name)
            .map_err(sqlite_error)?
            .ok_or_else(|| Error {
                message: format!("no parameter {}", named.name),
                code: "SQLITE_RANGE".into(),
            })?;
        prepared
            .raw_bind_parameter(index, to_sqlite(&named.value))
            .map_err(sqlite_error)?;
    }
    let readonly = prepared.readonly();
    let cols: Vec<Col> = prepared
        .column_names()
        .map(|name| Col {
            name: Some(name.to_string()),
            decltype: None,
        })
        .collect();
    let width = cols.len();
    let mut rows = vec![];
    let mut raw = prepared.raw_query();
    while let Some(row) = raw.next().map_err(sqlite_error)? {
        let values = (0..width)
            .map(|i| row.get_ref(i).map(from_sqlite))
            .collect::<Result<Vec<_>, _>>()
            .map_err(sqlite_error)?;
        rows.push(Row { values });
    }
    drop(raw);
    Ok(StmtResult {
        cols,
        rows,
        affected_row_count: if readonly { 0 } else { conn.changes() },
        last_insert_rowid: (!readonly).then(|| conn.last_insert_rowid()),
        replication_index: None,
        rows_read: 0,
        rows_written: 0,
        query_duration_ms: 0.0,
    })
}

fn to_sqlite(value: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match value {
        Value::None | Value::Null => V::Null,
        Value::Integer { value } => V::Integer(*value),
        Value::Float { value } => V::Real(*value),
        Value::Text { value } => V::Text(value.to_string()),
        Value::Blob { value } => V::Blob(value.to_vec()),
    }
}

fn from_sqlite(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(value) => Value::Integer { value },
        ValueRef::Real(value) => Value::Float { value },
        ValueRef::Text(text) => Value::Text {
            value: String::from_utf8_lossy(text).into(),
        },
        ValueRef::Blob(bytes) => Value::Blob {
            value: bytes.to_vec().into(),
        },
    }
}

/// SQLite's error as sqld reports it: the primary result code's name (`SQLITE_CONSTRAINT`…).
fn sqlite_error(err: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    let code = match err.sqlite_error_code() {
        Some(C::ConstraintViolation) => "SQLITE_CONSTRAINT",
        Some(C::DatabaseBusy) => "SQLITE_BUSY",
        Some(C::DatabaseLocked) => "SQLITE_LOCKED",
        Some(C::TooBig) => "SQLITE_TOOBIG",
        Some(C::ParameterOutOfRange) => "SQLITE_RANGE",
        _ => "SQLITE_ERROR",
    };
    Error {
        message: err.to_string(),
        code: code.into(),
    }
}
