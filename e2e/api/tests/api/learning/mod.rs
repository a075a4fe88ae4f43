//! The learning core over HTTP: catalogue, key secrecy, practice, mocks and the server's clock,
//! partial credit, reports, progress, and every refusal on the way.

mod catalogue;
mod history;
mod mock;
mod practice;
mod reports;
mod rotation;

use ptp_shared::{AnswerOutcome, ExamDetail, QuestionKind, QuestionView, SessionView};
use serde_json::{Value, json};

use crate::support::{Browser, Reply, session_cookie};

/// A new guest: a browser of its own, with nothing answered yet.
pub async fn guest() -> Browser {
    let created = Browser::anonymous()
        .post_json("/api/v1/auth/guest", json!({}))
        .await;
    assert_eq!(created.status(), 201, "guest session");
    Browser {
        cookie: session_cookie(&created),
    }
}

pub async fn exam(code: &str) -> ExamDetail {
    let response = Browser::anonymous()
        .get(&format!("/api/v1/exams/{code}"))
        .await;
    assert_eq!(response.status(), 200, "GET exam {code}");
    response.json().await.unwrap()
}

/// Starts a session that must start.
pub async fn start(browser: &Browser, body: Value) -> SessionView {
    let response = browser.post_json("/api/v1/sessions", body.clone()).await;
    assert_eq!(
        response.status(),
        201,
        "{body}: {}",
        response.text().await.unwrap_or_default()
    );
    response.json().await.unwrap()
}

/// Every published question of one domain, in a practice session, up to the 50 a session may
/// draw: the domains the tests need whole (SY0-701 1.0, SAA-C03 4, 200-301 4.0) hold fewer.
pub async fn whole_domain(browser: &Browser, exam: &str, domain: &str) -> SessionView {
    start(
        browser,
        json!({"exam": exam, "mode": "practice", "count": 50, "domains": [domain]}),
    )
    .await
}

pub async fn answer(browser: &Browser, session: &str, question: &str, ids: &[&str]) -> Reply {
    browser
        .post_json(
            &format!("/api/v1/sessions/{session}/answers"),
            json!({"question": question, "answer": ids, "elapsed_ms": 12_000}),
        )
        .await
}

/// An answer that must be graded (practice): returns (correct, credit, key).
pub async fn graded(
    browser: &Browser,
    session: &str,
    question: &str,
    ids: &[&str],
) -> (bool, f64, Vec<String>) {
    let response = answer(browser, session, question, ids).await;
    assert_eq!(response.status(), 200, "answering {question}");
    match response.json::<AnswerOutcome>().await.unwrap() {
        AnswerOutcome::Graded {
            correct,
            credit,
            solution,
        } => (correct, credit, solution.key),
        other => panic!("practice answers are graded, got {other:?}"),
    }
}

pub async fn view(browser: &Browser, session: &str) -> SessionView {
    let response = browser.get(&format!("/api/v1/sessions/{session}")).await;
    assert_eq!(response.status(), 200, "GET session");
    response.json().await.unwrap()
}

/// A well-formed answer to `question` (not necessarily right): its first choice, its first
/// `picks` choices, or every choice in the order shown.
pub fn some_answer(question: &QuestionView) -> Vec<&str> {
    let ids = question.choices.iter().map(|c| c.id.as_str());
    match question.kind {
        QuestionKind::Single => ids.take(1).collect(),
        QuestionKind::Multi => ids.take(question.picks as usize).collect(),
        QuestionKind::Ordering => ids.collect(),
    }
}

pub fn millis(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|err| panic!("not an RFC 3339 time ({err}): {rfc3339}"))
        .timestamp_millis()
}
