//! An exam's whole bank read for export and import, and an import written in one transaction:
//! all of it, or (the bank changed since it was read) none of it.

use ptp_domain::UserId;
use ptp_domain::bank::Checked;
use serde_json::json;

use super::StoreError;
use super::audit::{self, Action};
use super::authoring::{Authored, Filter, STAGE, Source, insert_draft, new_version};
use super::catalog::QUESTION_COLUMNS;
use crate::db::{Database, int, rows, stmt, text};
use crate::http::HttpClient;
use crate::time;

/// The questions `filter` picks, in every status, by id; at most `limit`.
pub async fn of_exam(
    db: &Database<impl HttpClient>,
    filter: &Filter<'_>,
    limit: usize,
) -> Result<Vec<Authored>, StoreError> {
    let mut sql = format!(
        "SELECT * FROM (SELECT {QUESTION_COLUMNS}, {STAGE} AS stage, q.source, q.updated_by, \
         q.updated_at, 0 AS open_reports FROM questions q) WHERE 1"
    );
    let mut params = vec![];
    filter.narrow(&mut sql, &mut params);
    sql.push_str(" ORDER BY id LIMIT ?");
    params.push(int(limit as i64));
    let result = db.execute(stmt(&sql, params)).await?;
    Ok(rows(&result)
        .map(|row| Authored::from_row(&row))
        .collect::<Result<_, _>>()?)
}

/// What an import writes, as planned against the bank read at `read`.
pub struct Import<'a> {
    pub exam: &'a str,
    pub actor: &'a UserId,
    pub now_ms: u64,
    /// Unique to this import: its audit entry is found by it.
    pub token: &'a str,
    /// Every question of the exam as read, with its version: the plan holds while they are
    /// exactly these.
    pub read: Vec<(String, u32)>,
    /// New questions: drafts put in review.
    pub create: Vec<&'a Checked>,
    /// New versions of questions at these versions.
    pub change: Vec<(&'a Checked, u32)>,
    /// Recorded in the audit entry.
    pub diff: serde_json::Value,
}

/// Writes the import and its audit entry; `Ok(false)`: the exam's bank is no longer what the
/// plan was made from, and nothing was written.
pub async fn import(
    db: &Database<impl HttpClient>,
    import: &Import<'_>,
) -> Result<bool, StoreError> {
    let read: Vec<_> = import.read.iter().map(|(id, v)| json!([id, v])).collect();
    let new_ids: Vec<&str> = import.create.iter().map(|q| q.id.as_str()).collect();
    // The bank as planned: exactly the questions read, at their versions, none of the new ids.
    let unchanged = "(SELECT count(*) FROM questions WHERE exam_code = ?) = ? \
         AND (SELECT count(*) FROM questions q JOIN json_each(?) j \
         ON q.id = json_extract(j.value, '$[0]') AND q.version = json_extract(j.value, '$[1]')) = ? \
         AND NOT EXISTS (SELECT 1 FROM questions q JOIN json_each(?) j ON q.id = j.value)";
    let count = int(import.read.len() as i64);
    let unchanged_params = vec![
        text(import.exam),
        count.clone(),
        text(json!(read).to_string()),
        count,
        text(json!(new_ids).to_string()),
    ];
    let mut diff = import.diff.clone();
    diff["import"] = json!(import.token);
    let mut statements = vec![audit::entry(
        import.actor.as_str(),
        Action::Import,
        &format!("exam:{}", import.exam),
        &diff,
        unchanged,
        unchanged_params,
    )];
    // Every write stands on the entry above: it was written only if the bank was as planned,
    // and nothing else writes the log inside this transaction.
    let ours =
        "(SELECT json_extract(diff, '$.import') FROM audit_log ORDER BY id DESC LIMIT 1) = ?";
    let now = time::rfc3339(import.now_ms);
    let actor = import.actor.as_str();
    for question in &import.create {
        statements.push(insert_draft(
            (question.id.as_str(), import.exam, &question.domain),
            &question.content,
            Source::Authored,
            (actor, &now),
            (ours, vec![text(import.token)]),
        ));
        statements.push(stmt(
            &format!(
                "INSERT INTO question_reviews (question_id, submitted_by, submitted_at) \
                 SELECT ?, ?, ? WHERE {ours}"
            ),
            [
                text(&question.id),
                text(actor),
                text(&now),
                text(import.token),
            ],
        ));
    }
    for (question, base) in &import.change {
        statements.push(new_version(
            (question.id.as_str(), *base, &question.domain),
            &question.content,
            (actor, &now),
            (ours, vec![text(import.token)]),
        ));
    }
    let results = db.transaction(statements).await?;
    Ok(results
        .first()
        .is_some_and(|entry| entry.affected_row_count == 1))
}
