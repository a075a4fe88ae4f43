//! Hrana pipeline replies, for scripting what the database answers.

use serde_json::{Value, json};

/// A column value as Hrana encodes it.
pub fn text(value: &str) -> Value {
    json!({"type": "text", "value": value})
}

pub fn int(value: i64) -> Value {
    json!({"type": "integer", "value": value.to_string()})
}

pub fn float(value: f64) -> Value {
    json!({"type": "float", "value": value})
}

pub fn null() -> Value {
    json!({"type": "null"})
}

/// What `users::get` reads for a guest `id` in session epoch 0.
pub fn guest_row(id: &str) -> String {
    guest_row_in_epoch(id, 0)
}

/// What `users::get` reads for a guest `id` whose sessions are in `epoch`.
pub fn guest_row_in_epoch(id: &str, epoch: i64) -> String {
    let columns = [
        "id",
        "kind",
        "role",
        "email",
        "google_name",
        "display_name",
        "avatar_url",
        "target_exam",
        "daily_goal",
        "created_at",
        "last_seen_at",
        "session_epoch",
    ];
    let values = vec![
        text(id),
        text("guest"),
        text("learner"),
        null(),
        null(),
        null(),
        null(),
        null(),
        int(20),
        text("2026-11-01T00:00:00.000Z"),
        text("2026-11-01T00:00:00.000Z"),
        int(epoch),
    ];
    pipeline(vec![rows(&columns, vec![values])])
}

/// One statement's result: named columns and rows of values.
pub fn rows(columns: &[&str], rows: Vec<Vec<Value>>) -> Value {
    let cols: Vec<Value> = columns
        .iter()
        .map(|name| json!({"name": name, "decltype": null}))
        .collect();
    json!({"type": "ok", "response": {"type": "execute", "result": {
        "cols": cols, "rows": rows, "affected_row_count": 0,
        "last_insert_rowid": null, "replication_index": null}}})
}

/// The whole reply to a pipeline of these statements (and its closing request).
pub fn pipeline(results: Vec<Value>) -> String {
    let mut results = results;
    results.push(json!({"type": "ok", "response": {"type": "close"}}));
    json!({"baton": null, "base_url": null, "results": results}).to_string()
}

/// What the catalogue reads for a small exam, TINY-1 (10 questions, 20 minutes, scale
/// 100–900, pass 700, review allowed), whose published bank holds `bank` questions.
pub fn tiny_exam(bank: i64) -> Value {
    rows(
        &[
            "code",
            "vendor",
            "name",
            "version",
            "question_count",
            "minutes",
            "score_min",
            "score_max",
            "passing_score",
            "raw_cut",
            "navigation",
            "mock_kinds",
            "bank_size",
        ],
        vec![vec![
            text("TINY-1"),
            text("Test"),
            text("Tiny exam"),
            text("v1"),
            int(10),
            int(20),
            int(100),
            int(900),
            int(700),
            float(0.75),
            text("review_allowed"),
            text(r#"["single","multi","ordering"]"#),
            int(bank),
        ]],
    )
}

/// The domains of [`tiny_exam`] as the store reads them: `(code, name, weight, bank_size)`.
pub fn tiny_domains(domains: &[(&str, &str, i64, i64)]) -> Value {
    rows(
        &["exam_code", "code", "name", "weight", "bank_size"],
        domains
            .iter()
            .map(|(code, name, weight, bank)| {
                vec![
                    text("TINY-1"),
                    text(code),
                    text(name),
                    int(*weight),
                    int(*bank),
                ]
            })
            .collect(),
    )
}
