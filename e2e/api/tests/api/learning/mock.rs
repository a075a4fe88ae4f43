//! Mock exams: recorded answers, changes, flags, results, review, the server's clock and the
//! forward-only rule.

use ptp_shared::{AnswerOutcome, ErrorCode, Mode, Navigation, SessionView};
use reqwest::Method;
use serde_json::json;

use super::{answer, guest, millis, some_answer, start, view};
use crate::support::{Browser, DATABASE, Fetch, Reply, client, error_body, local_control};

async fn flag(browser: &Browser, session: &str, question: &str, flagged: bool) -> Reply {
    browser
        .request(
            Method::PUT,
            &format!("/api/v1/sessions/{session}/flags/{question}"),
        )
        .json(&json!({"flagged": flagged}))
        .fetch()
        .await
}

async fn finish(browser: &Browser, session: &str) -> SessionView {
    let response = browser
        .post_json(&format!("/api/v1/sessions/{session}/finish"), json!({}))
        .await;
    assert_eq!(response.status(), 200, "finish");
    response.json().await.unwrap()
}

fn minutes(session: &SessionView) -> i64 {
    let deadline = session.deadline_at.as_deref().expect("mocks are timed");
    (millis(deadline) - millis(&session.started_at)) / 60_000
}

async fn recorded(browser: &Browser, session: &str, question: &str, ids: &[&str]) -> (u32, u32) {
    let response = answer(browser, session, question, ids).await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    match response.json::<AnswerOutcome>().await.unwrap() {
        AnswerOutcome::Recorded {
            answered, total, ..
        } => (answered, total),
        other => panic!("a mock answer is only recorded, got {other:?}"),
    }
}

#[tokio::test]
async fn a_mock_records_answers_lets_them_change_and_scores_at_the_end() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let mock = start(
        &learner,
        json!({"exam": "SY0-701", "mode": "mock", "count": 6}),
    )
    .await;
    assert_eq!((mock.mode, mock.items.len()), (Mode::Mock, 6));
    assert_eq!(
        minutes(&mock),
        6,
        "90 minutes for 90 questions: six for six"
    );
    assert!(mock.items.iter().all(|i| i.question.solution.is_none()));

    let (q0, q1) = (
        mock.items[0].question.clone(),
        mock.items[1].question.clone(),
    );
    let first = some_answer(&q0);
    assert_eq!(recorded(&learner, &mock.id, &q0.id, &first).await, (1, 6));
    // Change it: still one answered, and the latest answer is the one kept.
    let mut changed: Vec<&str> = q0
        .choices
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| !first.contains(id))
        .collect();
    changed.truncate(first.len());
    if changed.len() == first.len() {
        assert_eq!(recorded(&learner, &mock.id, &q0.id, &changed).await, (1, 6));
    } else {
        changed = first.clone();
    }
    assert_eq!(flag(&learner, &mock.id, &q1.id, true).await.status(), 204);
    let during = view(&learner, &mock.id).await;
    let mut expected: Vec<String> = changed.iter().map(|s| s.to_string()).collect();
    if q0.kind == ptp_shared::QuestionKind::Multi {
        expected.sort();
    }
    assert_eq!(during.items[0].answer.as_deref(), Some(&expected[..]));
    assert!(
        during.items[0].credit.is_none() && during.items[0].question.solution.is_none(),
        "no verdict before the end"
    );
    assert!(during.items[1].flagged);
    let early = learner
        .get(&format!("/api/v1/sessions/{}/review", mock.id))
        .await;
    assert_eq!(early.status(), 409, "no review before finishing");

    let done = finish(&learner, &mock.id).await;
    let result = done.result.clone().expect("a result");
    assert_eq!((result.total, result.answered), (6, 1));
    assert!((result.score_min..=result.score_max).contains(&result.scaled));
    assert_eq!(
        (result.score_min, result.score_max, result.passing_score),
        (100, 900, 750)
    );
    assert_eq!(result.passed, Some(result.scaled >= 750));
    let questions: u32 = result.domains.iter().map(|d| d.questions).sum();
    assert_eq!(questions, 6, "every question counted in its domain");
    let credit: f64 = result.domains.iter().map(|d| d.credit).sum();
    assert!(
        (credit / 6.0 - result.raw).abs() < 1e-9,
        "domains add up to the raw score"
    );
    assert_eq!(
        finish(&learner, &mock.id).await.result,
        Some(result),
        "finishing twice changes nothing"
    );

    let review: SessionView = learner
        .get(&format!("/api/v1/sessions/{}/review", mock.id))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        review
            .items
            .iter()
            .all(|i| i.question.solution.is_some() && i.credit.is_some())
    );
    assert_eq!(
        review.items[1].credit,
        Some(0.0),
        "unanswered earns nothing"
    );
    let late = answer(&learner, &mock.id, &q1.id, &some_answer(&q1)).await;
    assert_eq!(late.status(), 409, "a finished mock takes no answers");
    assert_eq!(flag(&learner, &mock.id, &q1.id, false).await.status(), 409);
}

#[tokio::test]
async fn mock_lengths_are_checked_and_custom_lengths_scale_the_time() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let full = start(&learner, json!({"exam": "SAA-C03", "mode": "mock"})).await;
    assert_eq!(
        (full.items.len(), minutes(&full)),
        (65, 130),
        "the real exam by default"
    );
    let mut weights = std::collections::BTreeMap::new();
    for item in &full.items {
        *weights.entry(item.question.domain.clone()).or_insert(0u32) += 1;
    }
    // 30/26/24/20 % of 65, each within one question.
    for (domain, share) in [("1", 19.5), ("2", 16.9), ("3", 15.6), ("4", 13.0)] {
        let drawn = f64::from(weights[domain]);
        assert!(
            (drawn - share).abs() <= 1.0,
            "domain {domain}: {drawn} vs {share}"
        );
    }
    // The Free plan starts one mock a week: the short one is another learner's.
    let short = start(
        &guest().await,
        json!({"exam": "SAA-C03", "mode": "mock", "count": 13}),
    )
    .await;
    assert_eq!(minutes(&short), 26, "130 minutes × 13/65");
    for (body, code) in [
        (
            json!({"exam": "SAA-C03", "mode": "mock", "count": 66}),
            ErrorCode::InvalidInput,
        ),
        (
            json!({"exam": "SAA-C03", "mode": "mock", "count": 0}),
            ErrorCode::InvalidInput,
        ),
        (
            json!({"exam": "SAA-C03", "mode": "mock", "domains": ["1"]}),
            ErrorCode::InvalidInput,
        ),
        (
            json!({"exam": "SAA-C03", "mode": "exam"}),
            ErrorCode::MalformedJson,
        ),
    ] {
        let response = learner.post_json("/api/v1/sessions", body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(error_body(response).await.error.code, code, "{body}");
    }
    let unknown = learner
        .post_json(
            "/api/v1/sessions",
            json!({"exam": "NOPE-000", "mode": "mock"}),
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn forward_only_exams_close_a_question_once_the_learner_moves_on() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let mock = start(
        &learner,
        json!({"exam": "200-301", "mode": "mock", "count": 4}),
    )
    .await;
    assert_eq!(mock.navigation, Navigation::ForwardOnly);
    let q: Vec<_> = mock.items.iter().map(|i| i.question.clone()).collect();
    recorded(&learner, &mock.id, &q[0].id, &some_answer(&q[0])).await;
    recorded(&learner, &mock.id, &q[0].id, &some_answer(&q[0])).await;
    // Skip the second question and answer the third: the first two are closed now.
    recorded(&learner, &mock.id, &q[2].id, &some_answer(&q[2])).await;
    for closed in [&q[0], &q[1]] {
        let response = answer(&learner, &mock.id, &closed.id, &some_answer(closed)).await;
        assert_eq!(response.status(), 409, "no going back");
        let error = error_body(response).await.error;
        assert_eq!(error.code, ErrorCode::Conflict);
        assert!(
            error.message.contains("does not allow going back"),
            "{}",
            error.message
        );
    }
    recorded(&learner, &mock.id, &q[2].id, &some_answer(&q[2])).await;
    let state = view(&learner, &mock.id).await;
    assert_eq!(state.furthest, Some(2));
    assert!(
        state.items[1].answer.is_none(),
        "the refused answer was not written"
    );
}

#[tokio::test]
async fn the_server_owns_the_clock() {
    let _db = DATABASE.read().await;
    let Some(control) =
        local_control("needs the local stack's control server to end a mock's time")
    else {
        return;
    };
    let learner = guest().await;
    let mock = start(
        &learner,
        json!({"exam": "SY0-701", "mode": "mock", "count": 3}),
    )
    .await;
    let (q0, q1) = (
        mock.items[0].question.clone(),
        mock.items[1].question.clone(),
    );
    recorded(&learner, &mock.id, &q0.id, &some_answer(&q0)).await;

    let expired = client()
        .post(format!("{control}/sessions/expire?id={}", mock.id))
        .fetch()
        .await;
    assert_eq!(
        expired.status(),
        200,
        "{}",
        expired.text().await.unwrap_or_default()
    );

    let late = answer(&learner, &mock.id, &q1.id, &some_answer(&q1)).await;
    assert_eq!(late.status(), 409, "time is up");
    assert_eq!(error_body(late).await.error.code, ErrorCode::Conflict);
    let after = view(&learner, &mock.id).await;
    assert_eq!(
        after.finished_at, after.deadline_at,
        "an expired mock finishes itself, at its deadline"
    );
    let result = after.result.expect("and is scored");
    assert_eq!(
        (result.answered, result.total),
        (1, 3),
        "with the answers given in time"
    );
    assert!(
        after.items[1].answer.is_none(),
        "the late answer was not written"
    );
}
