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
