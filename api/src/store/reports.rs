//! `question_reports`: learners flag problems; admins resolve them, editing the question (which
//! bumps its version) or dismissing the report.

use ptp_domain::rate_limit::REPORTS;
use ptp_domain::{QuestionId, ReportId, UserId};
use ptp_shared::{ReportReason, ReportStatus, ReportView};

use super::audit::{self, Action};
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
        resolved_at: row.opt_text("resolved_at")?,
        duplicate_of: row.opt_text("duplicate_of")?,
    })
}

const COLUMNS: &str = "id, question_id, question_version, reason, details, status, created_at, \
     resolution_note, resolved_at, duplicate_of";

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

/// Which reports the queue shows.
pub struct Queue<'a> {
    pub status: ReportStatus,
    pub exam: Option<&'a str>,
    pub reason: Option<ReportReason>,
}

/// One page of the queue, oldest first, after the report `after` (the last of the previous
/// page); `limit + 1` rows are read to know whether another page follows.
pub async fn list(
    db: &Database<impl HttpClient>,
    queue: &Queue<'_>,
    after: Option<&str>,
    limit: u32,
) -> Result<(Vec<ReportView>, bool), StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM question_reports WHERE status = ?");
    let mut params = vec![text(queue.status.as_str())];
    if let Some(exam) = queue.exam {
        sql.push_str(" AND question_id IN (SELECT id FROM questions WHERE exam_code = ?)");
        params.push(text(exam));
    }
    if let Some(reason) = queue.reason {
        sql.push_str(" AND reason = ?");
        params.push(text(reason.as_str()));
    }
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

/// The newest `limit` reports `user_id` filed, with what became of them.
pub async fn mine(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    limit: u32,
) -> Result<Vec<ReportView>, StoreError> {
    let result = db
        .execute(stmt(
            &format!(
                "SELECT {COLUMNS} FROM question_reports WHERE user_id = ? \
                 ORDER BY created_at DESC, id DESC LIMIT ?"
            ),
            [text(user_id), int(i64::from(limit))],
        ))
        .await?;
    Ok(rows(&result)
        .map(|row| view(&row))
        .collect::<Result<Vec<_>, _>>()?)
}

/// The reporter's last answer to the reported question before they reported it.
pub async fn reporter_answer(
    db: &Database<impl HttpClient>,
    id: &ReportId,
) -> Result<Option<Vec<String>>, StoreError> {
    let result = db
        .execute(stmt(
            "SELECT r.answer FROM question_reports p JOIN responses r ON r.user_id = p.user_id \
             AND r.question_id = p.question_id WHERE p.id = ? AND r.answered_at <= p.created_at \
             ORDER BY r.answered_at DESC LIMIT 1",
            [text(id)],
        ))
        .await?;
    rows(&result)
        .next()
        .map(|row| {
            serde_json::from_str(&row.text("answer")?)
                .map_err(|err| StoreError::Corrupt(format!("answer: {err}")))
        })
        .transpose()
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

/// How an admin closes a report.
pub struct Closing<'a> {
    pub status: ReportStatus,
    pub note: &'a str,
    pub admin_id: &'a UserId,
    /// The corrected question and the version it corrects, when the report is resolved by an
    /// edit.
    pub change: Option<(&'a Content, u32)>,
    /// With a duplicate: the report it repeats.
    pub duplicate_of: Option<&'a str>,
    /// What the audit log records of it.
    pub diff: &'a serde_json::Value,
}

/// Closes an open report, and with a change rewrites its question as a new version, with its
/// audit entry, in one transaction. `Ok(false)`: the report was not open any more, or its
/// question is no longer the version the change was made to (another admin changed it).
pub async fn close(
    db: &Database<impl HttpClient>,
    report: &ReportView,
    closing: &Closing<'_>,
    now_ms: u64,
) -> Result<bool, StoreError> {
    let Closing {
        status,
        note,
        admin_id,
        change,
        duplicate_of,
        diff,
    } = *closing;
    let now = time::rfc3339(now_ms);
    // The audit entry and the report's closing go first, both only while the report is open
    // and (for an edit) its question still the version read; the question is rewritten last,
    // only if this transaction closed the report.
    let mut condition =
        "EXISTS (SELECT 1 FROM question_reports WHERE id = ? AND status = 'open')".to_string();
    let mut params = vec![text(&report.id)];
    if let Some((_, base)) = change {
        condition.push_str(" AND (SELECT version FROM questions WHERE id = ?) = ?");
        params.extend([text(&report.question), int(i64::from(base))]);
    }
    let action = match (status, duplicate_of) {
        (ReportStatus::Resolved, _) => Action::ReportResolve,
        (_, Some(_)) => Action::ReportDuplicate,
        _ => Action::ReportDismiss,
    };
    let mut statements: Vec<Stmt> = vec![audit::entry(
        admin_id.as_str(),
        action,
        &format!("report:{}", report.id),
        diff,
        &condition,
        params.clone(),
    )];
    let mut closing_params = vec![
        text(status.as_str()),
        opt_text(Some(note)),
        text(admin_id),
        text(&now),
        opt_text(duplicate_of),
        text(&report.id),
    ];
    closing_params.extend(params);
    statements.push(stmt(
        &format!(
            "UPDATE question_reports SET status = ?, resolution_note = ?, resolved_by = ?, resolved_at = ?, \
             duplicate_of = ? WHERE id = ? AND {condition}"
        ),
        closing_params,
    ));
    if let Some((change, base)) = change {
        let json = |list: &Vec<String>| serde_json::to_string(list).expect("strings serialize");
        let html = change.render();
        statements.push(stmt(
            "UPDATE questions SET stem = ?, choices = ?, answer_key = ?, explanation = ?, refs = ?, \
             stem_html = ?, choices_html = ?, explanation_html = ?, refs_html = ?, \
             version = version + 1, updated_by = ?, updated_at = ? WHERE id = ? AND version = ? \
             AND EXISTS (SELECT 1 FROM question_reports WHERE id = ? AND status = 'resolved' \
             AND resolved_by = ? AND resolved_at = ?)",
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
                int(i64::from(base)),
                text(&report.id),
                text(admin_id),
                text(&now),
            ],
        ));
    }
    let results = db.transaction(statements).await?;
    Ok(results
        .get(1)
        .is_some_and(|result| result.affected_row_count == 1))
}
