//! What the learner has done: totals, streak days, accuracy by day and domain, attempts, due
//! reviews, and the evidence readiness rests on. Each function is one round trip.

use ptp_domain::DAY_MS;
use ptp_domain::UserId;
use ptp_domain::readiness::{DomainEvidence, RECENT, TimedCredit};
use ptp_shared::{
    Attempt, DailyAccuracy, DomainProgress, DueExam, ExportedAnswer, ExportedCard, Mode,
};

use super::StoreError;
use crate::db::{Database, DbError, int, rows, stmt, text};
use crate::http::HttpClient;
use crate::store::catalog::{ExamRecord, exam_from, exam_statements, named};
use crate::store::sealed::SETTLED_RESPONSE;
use crate::time;

pub struct ProgressData {
    pub answered: u32,
    pub correct: u32,
    /// Distinct UTC days with answers, newest first.
    pub days: Vec<String>,
    pub daily: Vec<DailyAccuracy>,
    pub domains: Vec<DomainProgress>,
    pub attempts: Vec<Attempt>,
    pub due: u32,
}

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

pub async fn progress(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    now_ms: u64,
) -> Result<ProgressData, StoreError> {
    let now = time::rfc3339(now_ms);
    let week_ago = time::rfc3339(now_ms.saturating_sub(7 * DAY_MS));
    let fortnight_ago = time::rfc3339(now_ms.saturating_sub(14 * DAY_MS));
    let month_ago = time::rfc3339(now_ms.saturating_sub(30 * DAY_MS));
    let statements = vec![
        stmt(
            &format!(
                "SELECT count(*) AS answered, coalesce(sum(correct), 0) AS correct FROM responses r WHERE r.user_id = ? AND {SETTLED_RESPONSE}"
            ),
            [text(user_id), text(&now)],
        ),
        stmt(
            "SELECT DISTINCT substr(answered_at, 1, 10) AS day FROM responses WHERE user_id = ? ORDER BY day DESC LIMIT 1000",
            [text(user_id)],
        ),
        stmt(
            &format!(
                "SELECT substr(answered_at, 1, 10) AS day, count(*) AS answered, avg(credit) AS accuracy FROM responses r \
             WHERE r.user_id = ? AND r.answered_at >= ? AND {SETTLED_RESPONSE} GROUP BY day ORDER BY day"
            ),
            [text(user_id), text(&month_ago), text(&now)],
        ),
        stmt(
            &format!(
                "SELECT r.exam_code, r.domain_code, d.name, count(*) AS answered, avg(r.credit) AS accuracy, \
             avg(CASE WHEN r.answered_at >= ? THEN r.credit END) AS recent, \
             avg(CASE WHEN r.answered_at >= ? AND r.answered_at < ? THEN r.credit END) AS previous \
             FROM responses r JOIN exam_domains d ON d.exam_code = r.exam_code AND d.code = r.domain_code \
             WHERE r.user_id = ? AND {SETTLED_RESPONSE} GROUP BY r.exam_code, r.domain_code ORDER BY r.exam_code, d.position"
            ),
            [
                text(&week_ago),
                text(&fortnight_ago),
                text(&week_ago),
                text(user_id),
                text(&now),
            ],
        ),
        attempts_statement(user_id, 20),
        stmt(
            "SELECT count(*) AS due FROM review_cards WHERE user_id = ? AND due_at <= ?",
            [text(user_id), text(&now)],
        ),
    ];
    let results = db.execute_all(statements).await?;
    let totals = rows(&results[0])
        .next()
        .ok_or_else(|| DbError::Protocol("no totals".into()))?;
    let days = rows(&results[1])
        .map(|row| row.text("day"))
        .collect::<Result<_, _>>()?;
    let daily = rows(&results[2])
        .map(|row| {
            Ok(DailyAccuracy {
                day: row.text("day")?,
                answered: count(row.int("answered")?),
                accuracy: row.value_f64("accuracy")?.unwrap_or_default(),
            })
        })
        .collect::<Result<_, DbError>>()?;
    let domains = rows(&results[3])
        .map(|row| {
            let trend = match (row.value_f64("recent")?, row.value_f64("previous")?) {
                (Some(recent), Some(previous)) => Some(recent - previous),
                _ => None,
            };
            Ok(DomainProgress {
                exam: row.text("exam_code")?,
                domain: row.text("domain_code")?,
                name: row.text("name")?,
                answered: count(row.int("answered")?),
                accuracy: row.value_f64("accuracy")?.unwrap_or_default(),
                trend,
            })
        })
        .collect::<Result<_, DbError>>()?;
    let attempts = rows(&results[4])
        .map(|row| attempt_from(&row))
        .collect::<Result<_, DbError>>()?;
    let due = rows(&results[5])
        .next()
        .map(|row| row.int("due"))
        .transpose()?
        .map_or(0, count);
    Ok(ProgressData {
        answered: count(totals.int("answered")?),
        correct: count(totals.int("correct")?),
        days,
        daily,
        domains,
        attempts,
        due,
    })
}

fn attempts_statement(user_id: &UserId, limit: u32) -> crate::db::Stmt {
    stmt(
        "SELECT s.id, s.exam_code, s.mode, s.started_at, s.finished_at, s.raw_score, s.scaled_score, s.passed, \
         (SELECT count(*) FROM session_questions q WHERE q.session_id = s.id) AS questions, \
         (SELECT count(*) FROM responses r WHERE r.session_id = s.id) AS answered \
         FROM study_sessions s WHERE s.user_id = ? ORDER BY s.started_at DESC LIMIT ?",
        [text(user_id), int(i64::from(limit))],
    )
}

fn attempt_from(row: &crate::db::Row) -> Result<Attempt, DbError> {
    Ok(Attempt {
        session: row.text("id")?,
        exam: row.text("exam_code")?,
        mode: named(row, "mode", Mode::parse)?,
        started_at: row.text("started_at")?,
        finished_at: row.opt_text("finished_at")?,
        questions: count(row.int("questions")?),
        answered: count(row.int("answered")?),
        raw: row.value_f64("raw_score")?,
        scaled: row.opt_int("scaled_score")?.map(count),
        passed: row.opt_int("passed")?.map(|p| p == 1),
    })
}

/// Everything the learner did, for the account export: sessions, answers, review cards.
/// Everything the learner has done, for the export; answers of a mock still running at `now_ms`
/// appear once it is over.
pub async fn history(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    now_ms: u64,
) -> Result<(Vec<Attempt>, Vec<ExportedAnswer>, Vec<ExportedCard>), StoreError> {
    let results = db
        .execute_all(vec![
            attempts_statement(user_id, u32::MAX),
            stmt(
                &format!("SELECT session_id, question_id, answer, credit, correct, elapsed_ms, answered_at FROM responses r \
                 WHERE r.user_id = ? AND {SETTLED_RESPONSE} ORDER BY answered_at"),
                [text(user_id), text(time::rfc3339(now_ms))],
            ),
            stmt(
                "SELECT question_id, due_at, stability, difficulty, reps, lapses FROM review_cards WHERE user_id = ? ORDER BY due_at",
                [text(user_id)],
            ),
        ])
        .await?;
    let attempts = rows(&results[0])
        .map(|row| attempt_from(&row))
        .collect::<Result<_, DbError>>()?;
    let answers = rows(&results[1])
        .map(|row| {
            Ok(ExportedAnswer {
                session: row.text("session_id")?,
                question: row.text("question_id")?,
                answer: serde_json::from_str(&row.text("answer")?)
                    .map_err(|err| DbError::Protocol(err.to_string()))?,
                credit: row.value_f64("credit")?.unwrap_or_default(),
                correct: row.int("correct")? == 1,
                elapsed_ms: u64::try_from(row.int("elapsed_ms")?).unwrap_or_default(),
                answered_at: row.text("answered_at")?,
            })
        })
        .collect::<Result<_, DbError>>()?;
    let cards = rows(&results[2])
        .map(|row| {
            Ok(ExportedCard {
                question: row.text("question_id")?,
                due_at: row.text("due_at")?,
                stability: row.value_f64("stability")?.unwrap_or_default(),
                difficulty: row.value_f64("difficulty")?.unwrap_or_default(),
                reps: count(row.int("reps")?),
                lapses: count(row.int("lapses")?),
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok((attempts, answers, cards))
}

/// The exam and, per domain, the learner's most recent credits (oldest first).
pub async fn readiness_evidence(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    exam: &str,
    now_ms: u64,
) -> Result<Option<(ExamRecord, Vec<DomainEvidence>)>, StoreError> {
    let [exam_stmt, domains_stmt] = exam_statements(exam);
    let recent = stmt(
        &format!(
            "SELECT domain_code, credit FROM (SELECT domain_code, credit, answered_at, ROW_NUMBER() OVER \
         (PARTITION BY domain_code ORDER BY answered_at DESC) AS rank FROM responses r \
         WHERE r.user_id = ? AND r.exam_code = ? AND {SETTLED_RESPONSE}) \
         WHERE rank <= ? ORDER BY domain_code, answered_at"
        ),
        [
            text(user_id),
            text(exam),
            text(time::rfc3339(now_ms)),
            int(RECENT as i64),
        ],
    );
    let results = db
        .execute_all(vec![exam_stmt, domains_stmt, recent])
        .await?;
    let Some(record) = exam_from(&results[0], &results[1])? else {
        return Ok(None);
    };
    let mut evidence: Vec<DomainEvidence> = record
        .domains
        .iter()
        .map(|d| DomainEvidence {
            domain: d.code.clone(),
            weight: d.weight,
            credits: vec![],
        })
        .collect();
    for row in rows(&results[2]) {
        let domain = row.text("domain_code")?;
        if let Some(entry) = evidence.iter_mut().find(|e| e.domain == domain) {
            entry
                .credits
                .push(row.value_f64("credit")?.unwrap_or_default());
        }
    }
    Ok(Some((record, evidence)))
}

/// Most answers a readiness history reads: far more than 90 days of [`RECENT`] per domain need.
const TIMELINE_MAX: i64 = 5_000;

/// The exam and the learner's settled credits in it, oldest first (the newest
/// [`TIMELINE_MAX`]), for the readiness history; `None` for an unknown exam.
pub async fn readiness_timeline(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    exam: &str,
    now_ms: u64,
) -> Result<Option<(ExamRecord, Vec<TimedCredit>)>, StoreError> {
    let [exam_stmt, domains_stmt] = exam_statements(exam);
    let answers = stmt(
        &format!(
            "SELECT domain_code, credit, answered_at FROM (SELECT domain_code, credit, answered_at \
             FROM responses r WHERE r.user_id = ? AND r.exam_code = ? AND {SETTLED_RESPONSE} \
             ORDER BY answered_at DESC LIMIT ?) ORDER BY answered_at"
        ),
        [
            text(user_id),
            text(exam),
            text(time::rfc3339(now_ms)),
            int(TIMELINE_MAX),
        ],
    );
    let results = db
        .execute_all(vec![exam_stmt, domains_stmt, answers])
        .await?;
    let Some(record) = exam_from(&results[0], &results[1])? else {
        return Ok(None);
    };
    let credits = rows(&results[2])
        .map(|row| {
            let at = row.text("answered_at")?;
            Ok(TimedCredit {
                domain: row.text("domain_code")?,
                credit: row.value_f64("credit")?.unwrap_or_default(),
                at_ms: time::parse(&at)
                    .ok_or_else(|| StoreError::Corrupt(format!("answered_at {at}")))?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Some((record, credits)))
}

pub async fn due(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    now_ms: u64,
) -> Result<(Vec<DueExam>, Option<String>), StoreError> {
    let now = time::rfc3339(now_ms);
    let results = db
        .execute_all(vec![
            stmt(
                "SELECT exam_code, count(*) AS due FROM review_cards WHERE user_id = ? AND due_at <= ? GROUP BY exam_code ORDER BY exam_code",
                [text(user_id), text(&now)],
            ),
            stmt("SELECT min(due_at) AS next FROM review_cards WHERE user_id = ? AND due_at > ?", [text(user_id), text(&now)]),
        ])
        .await?;
    let exams = rows(&results[0])
        .map(|row| {
            Ok(DueExam {
                exam: row.text("exam_code")?,
                due: count(row.int("due")?),
            })
        })
        .collect::<Result<_, DbError>>()?;
    let next = rows(&results[1])
        .next()
        .map(|row| row.opt_text("next"))
        .transpose()?
        .flatten();
    Ok((exams, next))
}
