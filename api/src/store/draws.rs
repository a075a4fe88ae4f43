//! What a new session may draw from.

use ptp_domain::draw::Candidate;
use ptp_domain::session::Mode;
use ptp_domain::{QuestionId, UserId};
use ptp_shared::Filter;

use super::StoreError;
use crate::db::{Database, DbError, rows, stmt, text};
use crate::http::HttpClient;
use crate::store::catalog::{ExamRecord, exam_from, exam_statements};
use crate::store::sealed::in_running_mock;
use crate::time;

/// The candidates a practice `filter` allows, with the exam, in one round trip.
pub async fn candidates(
    db: &Database<impl HttpClient>,
    exam: &str,
    user_id: &UserId,
    mode: Mode,
    filter: Filter,
    domains: Option<&[String]>,
    now_ms: u64,
) -> Result<Option<(ExamRecord, Vec<Candidate>)>, StoreError> {
    let mut sql = String::from("SELECT q.id, q.domain_code, ");
    let mut params = vec![];
    if mode == Mode::Mock {
        // How many of the learner's earlier mocks drew each question, so a new mock draws the
        // least seen first; and only the kinds of item the real exam has.
        sql.push_str(
            "COALESCE(m.times, 0) AS mocked FROM questions q LEFT JOIN \
             (SELECT sq.question_id, COUNT(*) AS times FROM study_sessions s \
              JOIN session_questions sq ON sq.session_id = s.id \
              WHERE s.user_id = ? AND s.mode = 'mock' GROUP BY sq.question_id) m ON m.question_id = q.id \
             WHERE q.exam_code = ? AND q.status = 'published' \
             AND q.kind IN (SELECT value FROM json_each((SELECT e.mock_kinds FROM exams e WHERE e.code = q.exam_code)))",
        );
        params.extend([text(user_id), text(exam)]);
    } else {
        sql.push_str(
            "0 AS mocked FROM questions q WHERE q.exam_code = ? AND q.status = 'published'",
        );
        params.push(text(exam));
    }
    if mode == Mode::Practice {
        // Practice shows keys at once: never a question of a mock still running.
        sql.push_str(&format!(" AND NOT {}", in_running_mock("q.id", "?")));
        params.extend([text(user_id), text(time::rfc3339(now_ms))]);
    }
    match filter {
        Filter::All => {}
        Filter::Unseen => {
            sql.push_str(" AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.question_id = q.id AND r.user_id = ?)");
            params.push(text(user_id));
        }
        Filter::Missed => {
            // The learner's most recent answer to the question earned less than full credit.
            sql.push_str(
                " AND (SELECT r.correct FROM responses r WHERE r.question_id = q.id AND r.user_id = ? \
                 ORDER BY r.answered_at DESC LIMIT 1) = 0",
            );
            params.push(text(user_id));
        }
        Filter::Due => {
            sql.push_str(" AND EXISTS (SELECT 1 FROM review_cards c WHERE c.question_id = q.id AND c.user_id = ? AND c.due_at <= ?)");
            params.push(text(user_id));
            params.push(text(time::rfc3339(now_ms)));
        }
    }
    if let Some(domains) = domains {
        sql.push_str(&format!(
            " AND q.domain_code IN ({})",
            vec!["?"; domains.len()].join(", ")
        ));
        params.extend(domains.iter().map(text));
    }
    let [exam_stmt, domains_stmt] = exam_statements(exam);
    let results = db
        .execute_all(vec![exam_stmt, domains_stmt, stmt(&sql, params)])
        .await?;
    let Some(record) = exam_from(&results[0], &results[1])? else {
        return Ok(None);
    };
    let candidates = rows(&results[2])
        .map(|row| {
            Ok(Candidate {
                id: QuestionId::trusted(row.text("id")?),
                domain: row.text("domain_code")?,
                mocked: u32::try_from(row.int("mocked")?).unwrap_or(u32::MAX),
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok(Some((record, candidates)))
}
