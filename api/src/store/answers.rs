//! Answering a question: what judging an answer needs (one round trip that reads the answered
//! question only, not the whole session), and recording it (one guarded transaction).

use ptp_domain::{QuestionId, SessionId, UserId};
use std::collections::BTreeSet;

use ptp_domain::exam::Navigation;
use ptp_domain::schedule::Card;
use ptp_domain::session::Mode;

use super::StoreError;
use super::billing::{Standing, standing_from, standing_statements};
use super::cards::{card_from, card_upsert};
use super::catalog::{DRAWN_EDITION, ExamRecord, QUESTION_COLUMNS, QuestionRecord, exam_from};
use super::sealed::in_running_mock;
use super::sessions::{ItemRecord, SessionRecord, session_exam_statements, session_from, u32_of};
use crate::db::{Database, DbError, int, rows, stmt, text};
use crate::http::HttpClient;
use crate::time;

/// A session as far as answering one of its questions is concerned.
pub struct AnswerContext {
    pub session: SessionRecord,
    pub exam: ExamRecord,
    /// The question answered, if it is part of the session.
    pub item: Option<ItemRecord>,
    /// The questions answered so far.
    pub answered: BTreeSet<QuestionId>,
    /// How many questions the session has.
    pub total: u32,
    /// The learner's review card for the question, if any.
    pub card: Option<Card>,
    /// The question is also in a mock of the learner still running (see `in_running_mock`).
    pub in_running_mock: bool,
    /// The caller's plan and allowances (read in the same round trip: this is the hot path).
    pub standing: Standing,
}

/// Loads what answering `question` in `session_id` at `now_ms` by `caller` needs; `None` when
/// there is no such session.
pub async fn context(
    db: &Database<impl HttpClient>,
    session_id: &SessionId,
    question: &QuestionId,
    caller: &UserId,
    now_ms: u64,
) -> Result<Option<AnswerContext>, StoreError> {
    let session = stmt(
        "SELECT s.id, s.user_id, s.exam_code, s.mode, s.filter, s.navigation, s.minutes, s.started_at, \
         s.deadline_at, s.furthest, s.finished_at, s.revision, \
         (SELECT count(*) FROM session_questions sq WHERE sq.session_id = s.id) AS total \
         FROM study_sessions s WHERE s.id = ?",
        [text(session_id)],
    );
    let [exam, domains] = session_exam_statements(session_id);
    let item = stmt(
        &format!(
            "SELECT sq.position, sq.flagged, {QUESTION_COLUMNS} FROM session_questions sq \
             {DRAWN_EDITION} WHERE sq.session_id = ? AND sq.question_id = ?"
        ),
        [text(session_id), text(question)],
    );
    let answered = stmt(
        "SELECT question_id FROM responses WHERE session_id = ?",
        [text(session_id)],
    );
    let card = stmt(
        "SELECT c.question_id, c.stability, c.difficulty, c.due_at, c.last_review_at, c.reps, c.lapses \
         FROM review_cards c JOIN study_sessions s ON s.user_id = c.user_id \
         WHERE s.id = ? AND c.question_id = ?",
        [text(session_id), text(question)],
    );
    let running = stmt(
        &format!(
            "SELECT {} AS running FROM study_sessions s WHERE s.id = ? AND s.mode = 'practice'",
            in_running_mock("?", "s.user_id")
        ),
        [
            text(question),
            text(time::rfc3339(now_ms)),
            text(session_id),
        ],
    );
    let mut statements = vec![session, exam, domains, item, answered, card, running];
    statements.extend(standing_statements(caller, now_ms));
    let results = db.execute_all(statements).await?;
    let Some(row) = rows(&results[0]).next() else {
        return Ok(None);
    };
    let session = session_from(&row)?;
    let total = u32_of(row.int("total")?, "total")?;
    let exam = exam_from(&results[1], &results[2])?
        .ok_or_else(|| DbError::Protocol("session of an unknown exam".into()))?;
    let item = rows(&results[3])
        .next()
        .map(|row| ItemRecord::from_row(&row))
        .transpose()?;
    let answered = rows(&results[4])
        .map(|row| row.text("question_id").map(QuestionId::trusted))
        .collect::<Result<_, DbError>>()?;
    let card = rows(&results[5])
        .next()
        .map(|row| card_from(&row).map(|(_, card)| card))
        .transpose()?;
    let in_running_mock = rows(&results[6])
        .next()
        .map(|row| row.int("running"))
        .transpose()?
        == Some(1);
    let standing = standing_from(&results[7..])?;
    Ok(Some(AnswerContext {
        session,
        exam,
        item,
        answered,
        total,
        card,
        in_running_mock,
        standing,
    }))
}

/// SQL true while the session (first parameter) is open and before its deadline (second, now).
const OPEN: &str = "EXISTS (SELECT 1 FROM study_sessions WHERE id = ? AND finished_at IS NULL AND (deadline_at IS NULL OR deadline_at > ?))";

pub struct NewAnswer<'a> {
    pub question: &'a QuestionRecord,
    /// The question's position in the session.
    pub position: u32,
    pub answer: &'a [String],
    pub credit: f64,
    pub correct: bool,
    pub elapsed_ms: u64,
    pub now_ms: u64,
    /// Practice: the question's card after this answer.
    pub card: Option<Card>,
    /// Practice on a plan that limits it: the day's allowance and when the day began (RFC
    /// 3339), re-checked inside the transaction so parallel answers cannot pass it together.
    pub practice_allowance: Option<(u32, String)>,
}

/// Records an answer in one transaction, only while the session is open and before its deadline,
/// (practice) only once, and (forward-only mocks) never behind the furthest position answered:
/// the database re-checks what the caller checked, so a racing finish, a double submit or a
/// parallel answer further on cannot slip through. The session's revision and cursor change
/// under the same guard and first; `furthest` only ever grows. `Ok(false)`: refused by those
/// checks.
pub async fn record(
    db: &Database<impl HttpClient>,
    session: &SessionRecord,
    new: &NewAnswer<'_>,
) -> Result<bool, StoreError> {
    let now = time::rfc3339(new.now_ms);
    let mut guard = OPEN.to_string();
    let mut guard_params = vec![text(&session.id), text(&now)];
    if session.mode == Mode::Practice {
        guard.push_str(
            " AND NOT EXISTS (SELECT 1 FROM responses WHERE session_id = ? AND question_id = ?)",
        );
        guard_params.extend([text(&session.id), text(&new.question.id)]);
    }
    if let Some((limit, since)) = &new.practice_allowance {
        guard.push_str(
            " AND (SELECT count(*) FROM responses r JOIN study_sessions s ON s.id = r.session_id \
             WHERE r.user_id = ? AND r.answered_at >= ? AND s.mode = 'practice') < ?",
        );
        guard_params.extend([text(&session.user_id), text(since), int(i64::from(*limit))]);
    }
    let forward_only = session.mode == Mode::Mock && session.navigation == Navigation::ForwardOnly;
    if forward_only {
        guard
            .push_str(" AND coalesce((SELECT furthest FROM study_sessions WHERE id = ?), -1) <= ?");
        guard_params.extend([text(&session.id), int(i64::from(new.position))]);
    }
    let mut params = vec![text(&session.id)];
    params.extend(guard_params.clone());
    let mut statements = vec![stmt(
        &format!(
            "UPDATE study_sessions SET revision = revision + 1{} WHERE id = ? AND {guard}",
            if forward_only {
                ", furthest = max(coalesce(furthest, -1), ?)"
            } else {
                ""
            }
        ),
        if forward_only {
            let mut with_position = vec![int(i64::from(new.position))];
            with_position.extend(params);
            with_position
        } else {
            params
        },
    )];
    if let Some(card) = &new.card {
        statements.push(card_upsert(
            &session.user_id,
            &session.exam,
            &new.question.id,
            card,
            &guard,
            guard_params.clone(),
        ));
    }
    let mut params = vec![
        text(&session.id),
        text(&new.question.id),
        text(&session.user_id),
        text(&session.exam),
        text(&new.question.domain),
        text(serde_json::to_string(new.answer).expect("strings serialize")),
        crate::db::Value::Float { value: new.credit },
        int(i64::from(new.correct)),
        int(i64::try_from(new.elapsed_ms).unwrap_or(i64::MAX)),
        text(&now),
    ];
    params.extend(guard_params);
    statements.push(stmt(
        &format!(
            "INSERT INTO responses (session_id, question_id, user_id, exam_code, domain_code, answer, credit, correct, elapsed_ms, answered_at) \
             SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE {guard} ON CONFLICT (session_id, question_id) DO UPDATE SET \
             answer = excluded.answer, credit = excluded.credit, correct = excluded.correct, \
             elapsed_ms = excluded.elapsed_ms, answered_at = excluded.answered_at"
        ),
        params,
    ));
    let results = db.transaction(statements).await?;
    Ok(results
        .last()
        .is_some_and(|result| result.affected_row_count == 1))
}
