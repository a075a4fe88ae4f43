//! `ai_calls` (what each model attempt cost), `mistake_explanations` (explanations kept per
//! question version and wrong answer) and `mistake_explanation_uses` (the daily allowance).

use ptp_domain::tutor::Explanation;
use ptp_domain::{QuestionId, SessionId, UserId};

use super::StoreError;
use super::catalog::{DRAWN_EDITION, QUESTION_COLUMNS, QuestionRecord};
use super::sealed::in_running_mock;
use crate::db::{Database, DbError, int, real, rows, stmt, text};
use crate::http::HttpClient;
use crate::time;

/// How an attempt ended, as `ai_calls.outcome` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Malformed,
    Refused,
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Malformed => "malformed",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

pub struct CallRecord<'a> {
    pub purpose: &'static str,
    pub model: &'a str,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cost_usd: f64,
    pub outcome: Outcome,
    pub called_at_ms: u64,
}

pub async fn record_call(
    db: &Database<impl HttpClient>,
    call: &CallRecord<'_>,
) -> Result<(), StoreError> {
    let tokens = |n: u64| int(i64::try_from(n).unwrap_or(i64::MAX));
    db.execute(stmt(
        "INSERT INTO ai_calls (called_at, purpose, model, prompt_tokens, completion_tokens, \
         cost_usd, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            text(time::rfc3339(call.called_at_ms)),
            text(call.purpose),
            text(call.model),
            tokens(call.prompt_tokens),
            tokens(call.completion_tokens),
            real(call.cost_usd),
            text(call.outcome.as_str()),
        ],
    ))
    .await?;
    Ok(())
}

/// One wrong answer of a learner's session, with all the explanation needs to decide.
pub struct Mistake {
    pub user_id: UserId,
    /// The session is a mock not yet finished (nothing is explained while it runs).
    pub open_mock: bool,
    /// The question is in a mock of the learner's that is still running.
    pub in_running_mock: bool,
    pub question: QuestionRecord,
    /// The recorded answer (choice ids as stored) and whether it earned full credit; `None`
    /// while unanswered.
    pub answer: Option<(Vec<String>, bool)>,
    /// The explanation kept for this version and answer, with its model.
    pub kept: Option<(Explanation, String)>,
    /// Explanations given to the learner today, and whether this one is among them.
    pub used_today: u32,
    pub already_today: bool,
}

/// The session's question `question` with the learner's answer and what is kept and counted
/// for it, in one round trip; `None` when the session or the question in it does not exist.
pub async fn mistake(
    db: &Database<impl HttpClient>,
    session_id: &SessionId,
    question: &QuestionId,
    now_ms: u64,
) -> Result<Option<Mistake>, StoreError> {
    let now = time::rfc3339(now_ms);
    let day = time::day(now_ms);
    let item = stmt(
        &format!(
            "SELECT s.user_id, s.mode = 'mock' AND s.finished_at IS NULL AND s.deadline_at > ? AS open_mock, \
             {running} AS running, r.answer, r.correct, {QUESTION_COLUMNS} \
             FROM study_sessions s JOIN session_questions sq ON sq.session_id = s.id {DRAWN_EDITION} \
             LEFT JOIN responses r ON r.session_id = s.id AND r.question_id = sq.question_id \
             WHERE s.id = ? AND sq.question_id = ?",
            running = in_running_mock("sq.question_id", "s.user_id")
        ),
        [text(&now), text(&now), text(session_id), text(question)],
    );
    let kept = stmt(
        "SELECT x.body, x.model FROM mistake_explanations x \
         JOIN session_questions sq ON sq.question_id = x.question_id AND sq.question_version = x.question_version \
         JOIN responses r ON r.session_id = sq.session_id AND r.question_id = sq.question_id AND r.answer = x.answer \
         WHERE sq.session_id = ? AND sq.question_id = ?",
        [text(session_id), text(question)],
    );
    let used = stmt(
        "SELECT count(*) AS used, coalesce(sum(u.question_id = ? AND u.answer = r.answer AND \
         u.question_version = sq.question_version), 0) AS again \
         FROM study_sessions s JOIN mistake_explanation_uses u ON u.user_id = s.user_id AND u.day = ? \
         LEFT JOIN session_questions sq ON sq.session_id = s.id AND sq.question_id = ? \
         LEFT JOIN responses r ON r.session_id = s.id AND r.question_id = ? \
         WHERE s.id = ?",
        [
            text(question),
            text(&day),
            text(question),
            text(question),
            text(session_id),
        ],
    );
    let results = db.execute_all(vec![item, kept, used]).await?;
    let Some(row) = rows(&results[0]).next() else {
        return Ok(None);
    };
    let answer = match row.opt_text("answer")? {
        Some(json) => Some((
            serde_json::from_str::<Vec<String>>(&json)
                .map_err(|err| DbError::Protocol(format!("answer: {err}")))?,
            row.int("correct")? == 1,
        )),
        None => None,
    };
    let kept = rows(&results[1])
        .next()
        .map(|row| Ok::<_, DbError>((Explanation::stored(row.text("body")?), row.text("model")?)))
        .transpose()?;
    let (used_today, already_today) = match rows(&results[2]).next() {
        Some(row) => (
            u32::try_from(row.int("used")?).unwrap_or(u32::MAX),
            row.int("again")? > 0,
        ),
        None => (0, false),
    };
    Ok(Some(Mistake {
        user_id: UserId::trusted(row.text("user_id")?),
        open_mock: row.int("open_mock")? == 1,
        in_running_mock: row.int("running")? == 1,
        question: QuestionRecord::from_row(&row)?,
        answer,
        kept,
        used_today,
        already_today,
    }))
}

/// An explanation given to a learner: kept for the next learner (unless it already was) and
/// counted against the day's allowance, unless that is spent (checked inside the insert, so
/// racing requests cannot both pass). False when the allowance refused it.
pub struct Given<'a> {
    pub user_id: &'a UserId,
    pub question: &'a QuestionRecord,
    /// As `responses.answer` stores it.
    pub answer_json: &'a str,
    pub explanation: &'a Explanation,
    pub model: &'a str,
    pub cached: bool,
    pub limit: u32,
    pub now_ms: u64,
}

pub async fn give(db: &Database<impl HttpClient>, given: &Given<'_>) -> Result<bool, StoreError> {
    let now = time::rfc3339(given.now_ms);
    let day = time::day(given.now_ms);
    let version = int(i64::from(given.question.version));
    let keep = stmt(
        "INSERT OR IGNORE INTO mistake_explanations (question_id, question_version, answer, body, \
         model, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            text(&given.question.id),
            version.clone(),
            text(given.answer_json),
            text(given.explanation.as_str()),
            text(given.model),
            text(&now),
        ],
    );
    let count = stmt(
        "INSERT INTO mistake_explanation_uses (user_id, day, question_id, question_version, answer, \
         cached, used_at) SELECT ?, ?, ?, ?, ?, ?, ? \
         WHERE (SELECT count(*) FROM mistake_explanation_uses WHERE user_id = ? AND day = ?) < ? \
         ON CONFLICT DO NOTHING",
        [
            text(given.user_id),
            text(&day),
            text(&given.question.id),
            version.clone(),
            text(given.answer_json),
            int(i64::from(given.cached)),
            text(&now),
            text(given.user_id),
            text(&day),
            int(i64::from(given.limit)),
        ],
    );
    let counted = stmt(
        "SELECT count(*) AS n FROM mistake_explanation_uses WHERE user_id = ? AND day = ? \
         AND question_id = ? AND question_version = ? AND answer = ?",
        [
            text(given.user_id),
            text(&day),
            text(&given.question.id),
            version,
            text(given.answer_json),
        ],
    );
    let results = db.transaction(vec![keep, count, counted]).await?;
    let counted = results
        .last()
        .and_then(|result| rows(result).next())
        .map(|row| row.int("n"))
        .transpose()?;
    Ok(counted == Some(1))
}
