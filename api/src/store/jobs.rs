//! What the background jobs read and write: which tasks have run, the daily rollup, the weekly
//! cleanup. Each function is one round trip.

use ptp_shared::DailyMetric;

use super::StoreError;
use crate::db::{Database, DbError, int, rows, stmt, text};
use crate::http::HttpClient;

/// Whether the task `id` has already done its work. (A buried one has not: firing its cron
/// again, e.g. with `xtask cron --at`, runs it.)
pub async fn finished(db: &Database<impl HttpClient>, id: &str) -> Result<bool, StoreError> {
    let result = db
        .execute(stmt(
            "SELECT 1 FROM task_runs WHERE id = ? AND outcome = 'done'",
            [text(id)],
        ))
        .await?;
    Ok(rows(&result).next().is_some())
}

/// Records how task `id` ended (`done`, or `dead` after its last retry).
pub async fn record(
    db: &Database<impl HttpClient>,
    id: &str,
    kind: &str,
    outcome: &str,
    detail: &str,
) -> Result<(), StoreError> {
    db.execute(stmt(
        "INSERT INTO task_runs (id, kind, outcome, detail) VALUES (?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, detail = excluded.detail, \
         finished_at = excluded.finished_at",
        [text(id), text(kind), text(outcome), text(detail)],
    ))
    .await?;
    Ok(())
}

/// Rolls `day` (`YYYY-MM-DD`, UTC) up into `daily_aggregates`, one row per exam. Rows are
/// replaced, so running a day again gives the same rows.
pub async fn roll_up(
    db: &Database<impl HttpClient>,
    day: &str,
    next_day: &str,
) -> Result<(), StoreError> {
    // Timestamps are RFC 3339 UTC text, so a day is the range [day, next day).
    let answered = "r.exam_code = e.code AND r.answered_at >= ?1 AND r.answered_at < ?2";
    let mocks =
        "s.exam_code = e.code AND s.mode = 'mock' AND s.finished_at >= ?1 AND s.finished_at < ?2";
    let sql = format!(
        "INSERT INTO daily_aggregates (day, exam_code, answers, active_learners, mocks_taken, mocks_passed) \
         SELECT ?1, e.code, \
           (SELECT count(*) FROM responses r WHERE {answered}), \
           (SELECT count(DISTINCT r.user_id) FROM responses r WHERE {answered}), \
           (SELECT count(*) FROM study_sessions s WHERE {mocks}), \
           (SELECT count(*) FROM study_sessions s WHERE {mocks} AND s.passed = 1) \
         FROM exams e WHERE true \
         ON CONFLICT (day, exam_code) DO UPDATE SET answers = excluded.answers, \
           active_learners = excluded.active_learners, mocks_taken = excluded.mocks_taken, \
           mocks_passed = excluded.mocks_passed"
    );
    db.execute(stmt(&sql, [text(day), text(next_day)])).await?;
    Ok(())
}

/// Every exam's code, retired ones included (their questions' statistics still count).
pub async fn exam_codes(db: &Database<impl HttpClient>) -> Result<Vec<String>, StoreError> {
    let result = db
        .execute(stmt("SELECT code FROM exams ORDER BY code", []))
        .await?;
    Ok(rows(&result)
        .map(|row| row.text("code"))
        .collect::<Result<Vec<_>, _>>()?)
}

/// The rolled-up days from `from` (inclusive), newest first.
pub async fn daily(
    db: &Database<impl HttpClient>,
    from: &str,
) -> Result<Vec<DailyMetric>, StoreError> {
    let result = db
        .execute(stmt(
            "SELECT day, exam_code, answers, active_learners, mocks_taken, mocks_passed \
             FROM daily_aggregates WHERE day >= ? ORDER BY day DESC, exam_code",
            [text(from)],
        ))
        .await?;
    let count = |value: i64| u32::try_from(value).unwrap_or(0);
    rows(&result)
        .map(|row| {
            let mocks_taken = count(row.int("mocks_taken")?);
            let mocks_passed = count(row.int("mocks_passed")?);
            Ok(DailyMetric {
                day: row.text("day")?,
                exam: row.text("exam_code")?,
                answers: count(row.int("answers")?),
                active_learners: count(row.int("active_learners")?),
                mocks_taken,
                mocks_passed,
                pass_rate: (mocks_taken > 0)
                    .then(|| f64::from(mocks_passed) / f64::from(mocks_taken)),
            })
        })
        .collect::<Result<_, DbError>>()
        .map_err(Into::into)
}

/// The first `?2` guests idle since `?1`, longest idle first: not seen, no answer and no session
/// started since then.
const IDLE_GUESTS: &str = "SELECT u.id FROM users u WHERE u.kind = 'guest' AND u.last_seen_at < ?1 \
     AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.user_id = u.id AND r.answered_at >= ?1) \
     AND NOT EXISTS (SELECT 1 FROM study_sessions s WHERE s.user_id = u.id AND s.started_at >= ?1) \
     ORDER BY u.last_seen_at, u.id LIMIT ?2";

/// Removes up to `batch` guests idle since `before` with everything they did, in one transaction
/// (a bounded one: the write lock is held briefly). Returns how many went. Deleting an idle
/// guest's rows cannot make another guest look idle or change the order, so every statement
/// sees the same batch. (Their KV sessions expire on their own: a guest session lives 30 days
/// past its last use.)
pub async fn remove_idle_guests(
    db: &Database<impl HttpClient>,
    before: &str,
    batch: u32,
) -> Result<u64, StoreError> {
    let statements = super::users::erasure(IDLE_GUESTS);
    let results = db
        .transaction(
            statements
                .iter()
                .map(|sql| stmt(sql, [text(before), int(i64::from(batch))]))
                .collect(),
        )
        .await?;
    Ok(results.last().map_or(0, |users| users.affected_row_count))
}

/// Forgets task records, and the ids of Stripe events, older than `before` (Stripe redelivers
/// an event for three days at most, so a replay after that cannot arrive).
pub async fn forget_task_runs(
    db: &Database<impl HttpClient>,
    before: &str,
) -> Result<(), StoreError> {
    db.transaction(vec![
        stmt(
            "DELETE FROM task_runs WHERE finished_at < ?",
            [text(before)],
        ),
        stmt(
            "DELETE FROM stripe_events WHERE received_at < ?",
            [text(before)],
        ),
    ])
    .await?;
    Ok(())
}
