//! The bank's history: the versions the triggers keep (`question_versions`) and the append-only
//! log of admin actions (`audit_log`). Each function is one round trip; [`entry`] is a statement
//! for the caller's own transaction, so an action and its record commit together.

use ptp_domain::QuestionId;
use ptp_domain::lifecycle::Move;
use ptp_shared::{AuditEntry, QuestionVersion};

use super::StoreError;
use crate::db::{Database, DbError, Row, Stmt, int, rows, stmt, text};
use crate::http::HttpClient;

/// What an admin did, as the log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    QuestionCreate,
    /// A new version: an edit, or an old version restored.
    QuestionEdit,
    /// A move between statuses.
    Move(Move),
    ReportResolve,
    ReportDismiss,
    ReportDuplicate,
    /// A question file applied to an exam's bank.
    Import,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::QuestionCreate => "question_create",
            Action::QuestionEdit => "question_edit",
            Action::Move(step) => step.action(),
            Action::ReportResolve => "report_resolve",
            Action::ReportDismiss => "report_dismiss",
            Action::ReportDuplicate => "report_duplicate",
            Action::Import => "import",
        }
    }
}

/// The statement recording `action` by `actor` on `target`, written only while `condition`
/// (SQL over `?` parameters `condition_params`) holds — the same condition as the action's
/// own write, so a refused action leaves no record.
pub fn entry(
    actor: &str,
    action: Action,
    target: &str,
    diff: &serde_json::Value,
    condition: &str,
    condition_params: Vec<crate::db::Value>,
) -> Stmt {
    let mut params = vec![
        text(actor),
        text(action.as_str()),
        text(target),
        text(diff.to_string()),
    ];
    params.extend(condition_params);
    stmt(
        &format!(
            "INSERT INTO audit_log (actor, action, target, diff) SELECT ?, ?, ?, ? WHERE {condition}"
        ),
        params,
    )
}

fn json_list(row: &Row<'_>, column: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(&row.text(column)?)
        .map_err(|err| StoreError::Corrupt(format!("{column}: {err}")))
}

const VERSION_COLUMNS: &str = "version, domain_code, kind, stem, choices, answer_key, explanation, \
     refs, changed_by, changed_at FROM question_versions WHERE question_id = ?";

fn version_from(row: &Row<'_>) -> Result<QuestionVersion, StoreError> {
    Ok(QuestionVersion {
        version: u32::try_from(row.int("version")?)
            .map_err(|_| StoreError::Corrupt("version out of range".into()))?,
        domain: row.text("domain_code")?,
        kind: row.text("kind")?,
        stem: row.text("stem")?,
        choices: json_list(row, "choices")?,
        key: json_list(row, "answer_key")?,
        explanation: row.text("explanation")?,
        references: json_list(row, "refs")?,
        changed_by: row.text("changed_by")?,
        changed_at: row.text("changed_at")?,
    })
}

/// The newest `limit` versions of `question`, newest first.
pub async fn versions(
    db: &Database<impl HttpClient>,
    question: &QuestionId,
    limit: u32,
) -> Result<Vec<QuestionVersion>, StoreError> {
    let result = db
        .execute(stmt(
            &format!("SELECT {VERSION_COLUMNS} ORDER BY version DESC LIMIT ?"),
            [text(question), int(i64::from(limit))],
        ))
        .await?;
    rows(&result).map(|row| version_from(&row)).collect()
}

/// One version of `question`, as it was.
pub async fn version(
    db: &Database<impl HttpClient>,
    question: &QuestionId,
    version: u32,
) -> Result<Option<QuestionVersion>, StoreError> {
    let result = db
        .execute(stmt(
            &format!("SELECT {VERSION_COLUMNS} AND version = ?"),
            [text(question), int(i64::from(version))],
        ))
        .await?;
    rows(&result)
        .next()
        .map(|row| version_from(&row))
        .transpose()
}

/// One page of the log, newest first: entries older than `before` (an entry's id) when given;
/// `limit + 1` rows are read to know whether an older page follows.
pub async fn page(
    db: &Database<impl HttpClient>,
    before: Option<u64>,
    target: Option<&str>,
    limit: u32,
) -> Result<(Vec<AuditEntry>, bool), StoreError> {
    let before = before.map_or(i64::MAX, |id| i64::try_from(id).unwrap_or(i64::MAX));
    let result = db
        .execute(stmt(
            "SELECT id, at, actor, action AS verb, target, diff FROM audit_log \
             WHERE id < ? AND (? IS NULL OR target = ?) ORDER BY id DESC LIMIT ?",
            [
                int(before),
                crate::db::opt_text(target),
                crate::db::opt_text(target),
                int(i64::from(limit) + 1),
            ],
        ))
        .await?;
    let mut entries = rows(&result)
        .map(|row| {
            Ok(AuditEntry {
                id: u64::try_from(row.int("id")?)
                    .map_err(|_| DbError::Protocol("negative audit id".into()))?,
                at: row.text("at")?,
                actor: row.text("actor")?,
                // `action` is an SQL keyword: sqld's reply did not name that column as written (rusqlite
                // did), so it is read by an alias.
                action: row.text("verb")?,
                target: row.text("target")?,
                diff: serde_json::from_str(&row.text("diff")?)
                    .map_err(|err| StoreError::Corrupt(format!("diff: {err}")))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    Ok((entries, more))
}
