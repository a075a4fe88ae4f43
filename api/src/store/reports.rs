//! `question_reports`: learners flag problems; admins resolve them, editing the question (which
//! bumps its version) or dismissing the report.

use ptp_domain::rate_limit::REPORTS;
use ptp_domain::{QuestionId, ReportId, UserId};
use ptp_shared::{ReportReason, ReportStatus, ReportView};

use super::{Refusal, StoreError};
use crate::db::{Database, DbError, Row, Stmt, int, opt_text, rows, stmt, text};
use crate::http::HttpClient;
use crate::ids::new_id;
use crate::store::catalog::named;
use crate::time;
use ptp_domain::content::Content;

fn view(row: &Row) -> Result<ReportView, DbError> {
    Ok(ReportView {
        id: row.text("id")?,
        question: row.text("question_id")?,
        question_version: u32::try_from(row.int("question_version")?)
            .map_err(|_| DbError::Protocol("question_version out of range".into()))?,
        reason: named(row, "reason", ReportReason::parse)?,
        details: row.text("details")?,
        status: named(row, "status", ReportStatus::parse)?,
        created_at: row.text("created_at")?,
        resolution_note: row.opt_text("resolution_note")?,
    })
}

const COLUMNS: &str =
    "id, question_id, question_version, reason, details, status, created_at, resolution_note";

/// What filing a report came to.
pub enum Filed {
    Report(ReportView),
    /// No published question has this id.
    NoSuchQuestion,
    /// The learner filed [`REPORTS`]'s limit already; the oldest of those, in ms.
    OverQuota {
        oldest_ms: u64,
    },
}

/// Files a report against the question's current version, unless the learner is over
/// [`REPORTS`] (checked inside the insert, so racing reports cannot both pass).
pub async fn create(
    db: &Database<impl HttpClient>,
    question: &QuestionId,
    user_id: &UserId,
    reason: ReportReason,
    details: &str,
    now_ms: u64,
) -> Result<Filed, StoreError> {
    let since = time::rfc3339(now_ms.saturating_sub(REPORTS.period_ms));
    let mine = "FROM question_reports WHERE user_id = ? AND created_at > ?";
    let sql = format!(
        "INSERT INTO question_reports (id, question_id, question_version, user_id, reason, details, created_at) \
         SELECT ?, q.id, q.version, ?, ?, ?, ? FROM questions q WHERE q.id = ? AND q.status = 'published' \
         AND (SELECT count(*) {mine}) < ? RETURNING {COLUMNS}"
    );
    let insert = stmt(
        &sql,
        [
            text(new_id()),
            text(user_id),
            text(reason.as_str()),
            text(details),
            text(time::rfc3339(now_ms)),
            text(question),
            text(user_id),
            text(&since),
            int(i64::from(REPORTS.limit)),
        ],
    );
    let counted = stmt(
        &format!("SELECT count(*) AS filed, min(created_at) AS oldest {mine}"),
        [text(user_id), text(&since)],
    );
    let results = db.execute_all(vec![insert, counted]).await?;
    if let Some(row) = rows(&results[0]).next() {
        return Ok(Filed::Report(view(&row)?));
    }
    let Some(row) = rows(&results[1]).next() else {
        return Ok(Filed::NoSuchQuestion);
    };
    if row.int("filed")? < i64::from(REPORTS.limit) {
        return Ok(Filed::NoSuchQuestion);
    }
    let oldest_ms = row
        .opt_text("oldest")?
        .and_then(|text| time::parse(&text))
        .unwrap_or(now_ms);
    Ok(Filed::OverQuota { oldest_ms })
}

/// One page of reports in `status`, oldest first, after the report `after` (the last of the
/// previous page); `limit + 1` rows are read to know whether another page follows.
pub async fn list(
    db: &Database<impl HttpClient>,
    status: ReportStatus,
    after: Option<&str>,
    limit: u32,
) -> Result<(Vec<ReportView>, bool), StoreError> {
    let status = status.as_str();
    let mut sql = format!("SELECT {COLUMNS} FROM question_reports WHERE status = ?");
    let mut params = vec![text(status)];
    let mut statements = vec![];
    if let Some(after) = after {
        sql.push_str(
            " AND (created_at, id) > (SELECT created_at, id FROM question_reports WHERE id = ?)",
        );
        params.push(text(after));
        statements.push(stmt(
            "SELECT 1 AS known FROM question_reports WHERE id = ?",
            [text(after)],
        ));
    }
    sql.push_str(" ORDER BY created_at, id LIMIT ?");
    params.push(int(i64::from(limit) + 1));
    statements.push(stmt(&sql, params));
    let results = db.execute_all(statements).await?;
    if after.is_some() && rows(&results[0]).next().is_none() {
        return Err(StoreError::Refused(Refusal::UnknownCursor));
    }
    let mut found = rows(results.last().expect("the page"))
        .map(|row| view(&row))
        .collect::<Result<Vec<_>, _>>()?;
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    Ok((found, more))
}

pub async fn get(
    db: &Database<impl HttpClient>,
    id: &ReportId,
) -> Result<Option<ReportView>, StoreError> {
    let result = db
        .execute(stmt(
            &format!("SELECT {COLUMNS} FROM question_reports WHERE id = ?"),
            [text(id)],
        ))
        .await?;
    Ok(rows(&result).next().map(|row| view(&row)).transpose()?)
}

/// Closes an open report, and with `change` rewrites its question as a new version, in one
/// transaction. `Ok(false)`: the report was not open (any more).
pub async fn close(
    db: &Database<impl HttpClient>,
    report: &ReportView,
    status: ReportStatus,
    note: &str,
    admin_id: &UserId,
    change: Option<&Content>,
    now_ms: u64,
) -> Result<bool, StoreError> {
    let now = time::rfc3339(now_ms);
    let still_open = "EXISTS (SELECT 1 FROM question_reports WHERE id = ? AND status = 'open')";
    let mut statements: Vec<Stmt> = vec![];
    if let Some(change) = change {
        let json = |list: &Vec<String>| serde_json::to_string(list).expect("strings serialize");
        let html = change.render();
        statements.push(stmt(
            &format!(
                "UPDATE questions SET stem = ?, choices = ?, answer_key = ?, explanation = ?, refs = ?, \
                 stem_html = ?, choices_html = ?, explanation_html = ?, refs_html = ?, \
                 version = version + 1, updated_by = ?, updated_at = ? WHERE id = ? AND {still_open}"
            ),
            [
                text(&change.stem),
                text(json(&change.choices)),
                text(json(&change.key)),
                text(&change.explanation),
                text(json(&change.references)),
                text(&html.stem),
                text(json(&html.choices)),
                text(&html.explanation),
                text(json(&html.references)),
                text(admin_id),
                text(&now),
                text(&report.question),
                text(&report.id),
            ],
        ));
    }
    let status = status.as_str();
    statements.push(stmt(
        "UPDATE question_reports SET status = ?, resolution_note = ?, resolved_by = ?, resolved_at = ? WHERE id = ? AND status = 'open'",
        [text(status), opt_text(Some(note)), text(admin_id), text(&now), text(&report.id)],
    ));
    let results = db.transaction(statements).await?;
    Ok(results
        .last()
        .is_some_and(|result| result.affected_row_count == 1))
}
