//! Practice and mock sessions: the questions drawn, the answers given, the results, and the review
//! cards answers move. Loading a session is one round trip; each change is one transaction.

use ptp_domain::{QuestionId, SessionId, UserId};
use std::collections::{BTreeMap, BTreeSet};

use ptp_domain::exam::Navigation;
use ptp_domain::rate_limit::OPEN_SESSIONS;
use ptp_domain::schedule::Card;
use ptp_domain::session::{Mode, SessionScore, SessionState};
use ptp_shared::Filter;

use super::catalog::named;
use super::{Refusal, StoreError};
use crate::db::{Database, DbError, Row, Stmt, int, opt_text, rows, stmt, text};
use crate::http::HttpClient;
use crate::ids::new_id;
use crate::store::cards::{card_from, card_upsert};
use crate::store::catalog::{
    DRAWN_EDITION, ExamRecord, QUESTION_COLUMNS, QuestionRecord, exam_from, exam_statements,
};
use crate::store::sealed::in_running_mock;
use crate::time;

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: SessionId,
    pub user_id: UserId,
    pub exam: String,
    pub mode: Mode,
    pub filter: Filter,
    pub navigation: Navigation,
    pub minutes: Option<u32>,
    pub started_ms: u64,
    pub deadline_ms: Option<u64>,
    pub furthest: Option<u32>,
    pub finished_ms: Option<u64>,
    /// Bumped by every recorded answer (see migration 0005).
    pub revision: u32,
}

impl SessionRecord {
    pub fn state(&self) -> SessionState {
        SessionState {
            mode: self.mode,
            navigation: self.navigation,
            deadline_ms: self.deadline_ms,
            finished: self.finished_ms.is_some(),
            furthest: self.furthest,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ItemRecord {
    pub position: u32,
    pub question: QuestionRecord,
    pub flagged: bool,
}

impl ItemRecord {
    /// A `session_questions` row joined with its question's columns.
    pub(super) fn from_row(row: &Row) -> Result<Self, DbError> {
        Ok(Self {
            position: u32_of(row.int("position")?, "position")?,
            question: QuestionRecord::from_row(row)?,
            flagged: row.int("flagged")? == 1,
        })
    }
}

#[derive(Debug, Clone)]
pub struct ResponseRecord {
    pub answer: Vec<String>,
    pub credit: f64,
    pub correct: bool,
    pub elapsed_ms: u64,
}

/// A session with everything needed to show, answer or finish it.
#[derive(Debug, Clone)]
pub struct SessionData {
    pub session: SessionRecord,
    pub exam: ExamRecord,
    pub items: Vec<ItemRecord>,
    /// By question id.
    pub responses: BTreeMap<QuestionId, ResponseRecord>,
    /// The learner's review cards for this session's questions, by question id.
    pub cards: BTreeMap<QuestionId, Card>,
    /// This session's questions that are also in another mock of the learner still running:
    /// their solutions and credit are not shown here until that mock is over.
    pub withheld: BTreeSet<QuestionId>,
}

impl SessionData {
    pub fn item(&self, question: &QuestionId) -> Option<&ItemRecord> {
        self.items.iter().find(|item| &item.question.id == question)
    }
}

pub(super) fn u32_of(value: i64, column: &str) -> Result<u32, DbError> {
    u32::try_from(value).map_err(|_| DbError::Protocol(format!("{column} out of range")))
}

pub(super) fn millis(row: &Row, column: &str) -> Result<Option<u64>, DbError> {
    row.opt_text(column)?
        .map(|text| {
            time::parse(&text)
                .ok_or_else(|| DbError::Protocol(format!("{column} is not a timestamp")))
        })
        .transpose()
}

pub(super) fn session_from(row: &Row) -> Result<SessionRecord, DbError> {
    Ok(SessionRecord {
        id: SessionId::trusted(row.text("id")?),
        user_id: UserId::trusted(row.text("user_id")?),
        exam: row.text("exam_code")?,
        mode: named(row, "mode", Mode::parse)?,
        filter: named(row, "filter", Filter::parse)?,
        navigation: named(row, "navigation", Navigation::parse)?,
        minutes: row
            .opt_int("minutes")?
            .map(|m| u32_of(m, "minutes"))
            .transpose()?,
        started_ms: millis(row, "started_at")?
            .ok_or_else(|| DbError::Protocol("started_at is NULL".into()))?,
        deadline_ms: millis(row, "deadline_at")?,
        furthest: row
            .opt_int("furthest")?
            .map(|f| u32_of(f, "furthest"))
            .transpose()?,
        finished_ms: millis(row, "finished_at")?,
        revision: u32_of(row.int("revision")?, "revision")?,
    })
}

pub struct NewSession<'a> {
    pub user_id: &'a UserId,
    pub exam: &'a str,
    pub mode: Mode,
    pub filter: Filter,
    pub navigation: Navigation,
    pub minutes: Option<u32>,
    pub now_ms: u64,
}

/// Stores a session and its drawn questions (in order, at their current version); returns its id.
/// Refused (`Refusal::OpenSessions`) when the learner already has [`OPEN_SESSIONS`]'s limit of
/// unfinished sessions started in its period: checked inside the insert, so racing starts
/// cannot both pass.
pub async fn create(
    db: &Database<impl HttpClient>,
    new: &NewSession<'_>,
    question_ids: &[QuestionId],
) -> Result<SessionId, StoreError> {
    let id = SessionId::trusted(new_id());
    let since = time::rfc3339(new.now_ms.saturating_sub(OPEN_SESSIONS.period_ms));
    let open = "SELECT count(*) FROM study_sessions WHERE user_id = ? AND finished_at IS NULL AND started_at > ?";
    let deadline = new
        .minutes
        .map(|minutes| time::rfc3339(new.now_ms + u64::from(minutes) * 60_000));
    let insert_session = stmt(
        &format!(
            "INSERT INTO study_sessions (id, user_id, exam_code, mode, filter, navigation, minutes, started_at, deadline_at) \
             SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ({open}) < ?"
        ),
        [
            text(&id),
            text(new.user_id),
            text(new.exam),
            text(new.mode.as_str()),
            text(new.filter.as_str()),
            text(new.navigation.as_str()),
            new.minutes
                .map_or(crate::db::Value::Null, |m| int(i64::from(m))),
            text(time::rfc3339(new.now_ms)),
            opt_text(deadline.as_deref()),
            text(new.user_id),
            text(&since),
            int(i64::from(OPEN_SESSIONS.limit)),
        ],
    );
    let ids: Vec<&str> = question_ids.iter().map(QuestionId::as_str).collect();
    let ids_json = serde_json::to_string(&ids).expect("strings serialize");
    let insert_items = stmt(
        "INSERT INTO session_questions (session_id, position, question_id, question_version, domain_code) \
         SELECT ?, CAST(j.key AS INTEGER), q.id, q.version, q.domain_code FROM json_each(?) j JOIN questions q ON q.id = j.value \
         WHERE EXISTS (SELECT 1 FROM study_sessions WHERE id = ?)",
        [text(&id), text(ids_json), text(&id)],
    );
    let results = db.transaction(vec![insert_session, insert_items]).await?;
    if results[0].affected_row_count == 0 {
        let oldest = db
            .execute(stmt(
                &open.replacen("count(*)", "min(started_at) AS oldest", 1),
                [text(new.user_id), text(&since)],
            ))
            .await?;
        let oldest_ms = rows(&oldest)
            .next()
            .and_then(|row| millis(&row, "oldest").ok().flatten())
            .unwrap_or(new.now_ms);
        return Err(StoreError::Refused(Refusal::OpenSessions {
            retry_after_secs: OPEN_SESSIONS.retry_after_secs(oldest_ms, new.now_ms),
        }));
    }
    if results[1].affected_row_count as usize != question_ids.len() {
        return Err(DbError::Protocol("not every drawn question was stored".into()).into());
    }
    Ok(id)
}

/// Everything about a session as of `now_ms`, in one round trip; `None` when it does not exist.
pub async fn load(
    db: &Database<impl HttpClient>,
    session_id: &SessionId,
    now_ms: u64,
) -> Result<Option<SessionData>, StoreError> {
    let session = stmt(
        "SELECT id, user_id, exam_code, mode, filter, navigation, minutes, started_at, deadline_at, furthest, finished_at, revision \
         FROM study_sessions WHERE id = ?",
        [text(session_id)],
    );
    let [exam, domains] = session_exam_statements(session_id);
    let items = stmt(
        &format!(
            "SELECT sq.position, sq.flagged, {QUESTION_COLUMNS} FROM session_questions sq \
             {DRAWN_EDITION} WHERE sq.session_id = ? ORDER BY sq.position"
        ),
        [text(session_id)],
    );
    let responses = stmt(
        "SELECT question_id, answer, credit, correct, elapsed_ms FROM responses WHERE session_id = ?",
        [text(session_id)],
    );
    let cards = stmt(
        "SELECT c.question_id, c.stability, c.difficulty, c.due_at, c.last_review_at, c.reps, c.lapses \
         FROM review_cards c JOIN session_questions sq ON sq.question_id = c.question_id \
         JOIN study_sessions s ON s.id = sq.session_id AND s.user_id = c.user_id WHERE sq.session_id = ?",
        [text(session_id)],
    );
    let withheld = stmt(
        &format!(
            "SELECT sq.question_id FROM session_questions sq JOIN study_sessions s ON s.id = sq.session_id \
             WHERE sq.session_id = ? AND {}",
            in_running_mock("sq.question_id", "s.user_id")
        ),
        [text(session_id), text(time::rfc3339(now_ms))],
    );
    let results = db
        .execute_all(vec![
            session, exam, domains, items, responses, cards, withheld,
        ])
        .await?;
    let Some(session) = rows(&results[0])
        .next()
        .map(|row| session_from(&row))
        .transpose()?
    else {
        return Ok(None);
    };
    let exam = exam_from(&results[1], &results[2])?
        .ok_or_else(|| DbError::Protocol("session of an unknown exam".into()))?;
    let items = rows(&results[3])
        .map(|row| ItemRecord::from_row(&row))
        .collect::<Result<_, DbError>>()?;
    let responses = rows(&results[4])
        .map(|row| {
            let answer: Vec<String> = serde_json::from_str(&row.text("answer")?)
                .map_err(|err| DbError::Protocol(err.to_string()))?;
            Ok((
                QuestionId::trusted(row.text("question_id")?),
                ResponseRecord {
                    answer,
                    credit: row.value_f64("credit")?.unwrap_or_default(),
                    correct: row.int("correct")? == 1,
                    elapsed_ms: u64::try_from(row.int("elapsed_ms")?).unwrap_or_default(),
                },
            ))
        })
        .collect::<Result<_, DbError>>()?;
    let cards = rows(&results[5])
        .map(|row| card_from(&row))
        .collect::<Result<_, DbError>>()?;
    let withheld = rows(&results[6])
        .map(|row| row.text("question_id").map(QuestionId::trusted))
        .collect::<Result<_, DbError>>()?;
    Ok(Some(SessionData {
        session,
        exam,
        items,
        responses,
        cards,
        withheld,
    }))
}

/// The statements loading the exam of session `session_id` and its domains. The exam statements
/// bind the exam code as their only parameter; they are pointed at a subquery instead, so one
/// pipeline loads a session and its exam without knowing the code first.
pub(super) fn session_exam_statements(session_id: &SessionId) -> [Stmt; 2] {
    exam_statements("").map(|mut statement| {
        if let Some(sql) = statement.sql.as_mut() {
            *sql = sql.replacen(
                "= ?",
                "= (SELECT exam_code FROM study_sessions WHERE id = ?)",
                1,
            );
        }
        statement.args = vec![text(session_id)];
        statement
    })
}

/// Marks a session finished with its score and moves the cards of a mock's answered questions,
/// in one transaction; only the finish that wins does either. `Ok(false)`: already finished, or
/// an answer was recorded since `data` was loaded (its revision moved), so the score is stale.
pub async fn finish(
    db: &Database<impl HttpClient>,
    data: &SessionData,
    score: &SessionScore,
    now_ms: u64,
    cards: &[(QuestionId, Card)],
) -> Result<bool, StoreError> {
    let session = &data.session;
    let unfinished = "EXISTS (SELECT 1 FROM study_sessions WHERE id = ? AND finished_at IS NULL AND revision = ?)";
    let revision = int(i64::from(session.revision));
    let mut statements: Vec<Stmt> = cards
        .iter()
        .map(|(question, card)| {
            card_upsert(
                &session.user_id,
                &session.exam,
                question,
                card,
                unfinished,
                vec![text(&session.id), revision.clone()],
            )
        })
        .collect();
    let passed = match session.mode {
        Mode::Mock => int(i64::from(score.passed)),
        Mode::Practice => crate::db::Value::Null,
    };
    statements.push(stmt(
        "UPDATE study_sessions SET finished_at = ?, raw_score = ?, scaled_score = ?, passed = ? \
         WHERE id = ? AND finished_at IS NULL AND revision = ?",
        [
            text(time::rfc3339(now_ms)),
            crate::db::Value::Float { value: score.raw },
            int(i64::from(score.scaled)),
            passed,
            text(&session.id),
            revision,
        ],
    ));
    let results = db.transaction(statements).await?;
    Ok(results
        .last()
        .is_some_and(|result| result.affected_row_count == 1))
}

/// Flags or unflags a question of an open session. `Ok(false)`: no such question in the session.
pub async fn set_flag(
    db: &Database<impl HttpClient>,
    session_id: &SessionId,
    question: &QuestionId,
    flagged: bool,
) -> Result<bool, StoreError> {
    let result = db
        .execute(stmt(
            "UPDATE session_questions SET flagged = ? WHERE session_id = ? AND question_id = ?",
            [int(i64::from(flagged)), text(session_id), text(question)],
        ))
        .await?;
    Ok(result.affected_row_count == 1)
}
