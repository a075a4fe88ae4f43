//! `review_cards`: a learner's FSRS state per question, as rows and as guarded upserts.

use ptp_domain::schedule::Card;
use ptp_domain::{QuestionId, UserId};

use crate::db::{DbError, Row, Stmt, int, stmt, text};
use crate::store::sessions::{millis, u32_of};
use crate::time;

pub(crate) fn card_from(row: &Row) -> Result<(QuestionId, Card), DbError> {
    let number = |column: &str| {
        row.value_f64(column)?
            .ok_or_else(|| DbError::Protocol(format!("{column} is NULL")))
    };
    Ok((
        QuestionId::trusted(row.text("question_id")?),
        Card {
            stability: number("stability")? as f32,
            difficulty: number("difficulty")? as f32,
            due_ms: millis(row, "due_at")?.unwrap_or_default(),
            last_review_ms: millis(row, "last_review_at")?.unwrap_or_default(),
            reps: u32_of(row.int("reps")?, "reps")?,
            lapses: u32_of(row.int("lapses")?, "lapses")?,
        },
    ))
}

/// A review-card upsert that applies only when `guard` (SQL, with `guard_params`) holds.
pub(crate) fn card_upsert(
    user_id: &UserId,
    exam: &str,
    question: &QuestionId,
    card: &Card,
    guard: &str,
    guard_params: Vec<crate::db::Value>,
) -> Stmt {
    let mut params = vec![
        text(user_id),
        text(question),
        text(exam),
        crate::db::Value::Float {
            value: f64::from(card.stability),
        },
        crate::db::Value::Float {
            value: f64::from(card.difficulty),
        },
        text(time::rfc3339(card.due_ms)),
        text(time::rfc3339(card.last_review_ms)),
        int(i64::from(card.reps)),
        int(i64::from(card.lapses)),
    ];
    params.extend(guard_params);
    stmt(
        &format!(
            "INSERT INTO review_cards (user_id, question_id, exam_code, stability, difficulty, due_at, last_review_at, reps, lapses) \
             SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE {guard} ON CONFLICT (user_id, question_id) DO UPDATE SET \
             stability = excluded.stability, difficulty = excluded.difficulty, due_at = excluded.due_at, \
             last_review_at = excluded.last_review_at, reps = excluded.reps, lapses = excluded.lapses"
        ),
        params,
    )
}
