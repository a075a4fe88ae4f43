//! `exam_trends`: the hourly trend card of each exam (or why it has none).

use ptp_shared::TrendCard;

use super::StoreError;
use crate::db::{Database, DbError, int, opt_text, rows, stmt, text};
use crate::http::HttpClient;
use crate::time;

/// An exam as the trends job searches for it.
pub struct ExamName {
    pub code: String,
    pub name: String,
}

/// The exams, each with whether `hour` already has its row (then it is not gathered again).
pub async fn pending(
    db: &Database<impl HttpClient>,
    hour: &str,
) -> Result<Vec<(ExamName, bool)>, StoreError> {
    let result = db
        .execute(stmt(
            "SELECT e.code, e.name, EXISTS (SELECT 1 FROM exam_trends t WHERE t.exam_code = e.code \
             AND t.hour = ?) AS done FROM exams e ORDER BY e.code",
            [text(hour)],
        ))
        .await?;
    rows(&result)
        .map(|row| {
            Ok((
                ExamName {
                    code: row.text("code")?,
                    name: row.text("name")?,
                },
                row.int("done")? == 1,
            ))
        })
        .collect::<Result<_, DbError>>()
        .map_err(Into::into)
}

/// What the hour came to for one exam.
pub enum Outcome<'a> {
    Card { card: &'a TrendCard, model: &'a str },
    TooFewPosts,
    Unusable { reason: &'a str },
}

/// Records the hour of `exam`; a row already there stays as it is.
pub async fn record(
    db: &Database<impl HttpClient>,
    exam: &str,
    hour: &str,
    post_count: usize,
    outcome: &Outcome<'_>,
    now_ms: u64,
) -> Result<(), StoreError> {
    let (name, card, detail, model) = match outcome {
        Outcome::Card { card, model } => (
            "card",
            Some(serde_json::to_string(card).map_err(|e| DbError::Protocol(e.to_string()))?),
            String::new(),
            Some(*model),
        ),
        Outcome::TooFewPosts => ("too_few_posts", None, String::new(), None),
        Outcome::Unusable { reason } => ("unusable", None, reason.to_string(), None),
    };
    db.execute(stmt(
        "INSERT OR IGNORE INTO exam_trends (exam_code, hour, outcome, post_count, card, detail, \
         model, generated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            text(exam),
            text(hour),
            text(name),
            int(i64::try_from(post_count).unwrap_or(i64::MAX)),
            opt_text(card),
            text(detail),
            opt_text(model),
            text(time::rfc3339(now_ms)),
        ],
    ))
    .await?;
    Ok(())
}

/// The exam's newest hour since `since` (`YYYY-MM-DDTHH`), when it made a card: an hour with too
/// few posts after it means there is nothing current to show. `None` when there is no such exam.
pub async fn latest(
    db: &Database<impl HttpClient>,
    exam: &str,
    since: &str,
) -> Result<Option<Option<TrendCard>>, StoreError> {
    let result = db
        .execute(stmt(
            "SELECT e.code, t.outcome, t.card FROM exams e LEFT JOIN (SELECT outcome, card \
             FROM exam_trends WHERE exam_code = ? AND hour >= ? AND outcome != 'unusable' \
             ORDER BY hour DESC LIMIT 1) t ON 1 WHERE e.code = ?",
            [text(exam), text(since), text(exam)],
        ))
        .await?;
    let Some(row) = rows(&result).next() else {
        return Ok(None);
    };
    match row.opt_text("card")? {
        Some(json) if row.opt_text("outcome")?.as_deref() == Some("card") => {
            serde_json::from_str(&json)
                .map(|card| Some(Some(card)))
                .map_err(|err| StoreError::Corrupt(format!("stored trend card: {err}")))
        }
        _ => Ok(Some(None)),
    }
}
