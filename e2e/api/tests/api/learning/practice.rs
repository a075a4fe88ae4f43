//! Practice: instant grading, final answers, partial credit, filters, and bad answers.

use ptp_shared::{DueReviews, ErrorCode, Progress, QuestionKind, QuestionView, Readiness};
use serde_json::json;

use super::{answer, exam, graded, guest, millis, some_answer, start, view, whole_domain};
use crate::support::{Browser, DATABASE, Fetch, error_body};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn practice_grades_each_answer_at_once_and_answers_are_final() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let domain = exam("SY0-701").await.domains[0].clone();
    let session = whole_domain(&learner, "SY0-701", &domain.code).await;
    assert_eq!(
        session.items.len() as u32,
        domain.bank_size,
        "the whole domain"
    );
    assert!(
        session
            .items
            .iter()
            .all(|i| i.question.domain == domain.code)
    );
    let mut ids: Vec<_> = session
        .items
        .iter()
        .map(|i| i.question.id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), session.items.len(), "no question twice");
    assert!(session.deadline_at.is_none(), "practice is untimed");

    let q = &session.items[0].question;
    let given = some_answer(q);
    let (correct, credit, key) = graded(&learner, &session.id, &q.id, &given).await;
    let mut sorted = given.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    if q.kind == QuestionKind::Multi {
        sorted.sort();
    }
    assert_eq!(
        correct,
        sorted == key,
        "correct exactly when the answer is the key"
    );
    assert_eq!(correct, credit == 1.0);

    let again = answer(
        &learner,
        &session.id,
        &q.id,
        &key.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(
        again.status(),
        409,
        "a practice answer is final once the key is shown"
    );
    assert_eq!(error_body(again).await.error.code, ErrorCode::Conflict);
    let item = view(&learner, &session.id).await.items.remove(0);
    assert_eq!(
        item.answer.as_deref(),
        Some(&sorted[..]),
        "the first answer stands"
    );
    assert_eq!(item.credit, Some(credit));
    assert!(
        item.question.solution.is_some(),
        "an answered practice question shows its key"
    );
}

/// Answers `question` in practice and returns its key.
async fn key_of(learner: &Browser, session: &str, question: &QuestionView) -> Vec<String> {
    graded(learner, session, &question.id, &some_answer(question))
        .await
        .2
}

#[tokio::test]
async fn multi_select_and_ordering_earn_partial_credit_by_the_documented_rule() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    // SY0-701 domain 1.0 holds multi-select and ordering items.
    let first = whole_domain(&learner, "SY0-701", "1.0").await;
    let of_kind = |kind| {
        first
            .items
            .iter()
            .find(|i| i.question.kind == kind)
            .unwrap_or_else(|| panic!("a {kind:?} question in 1.0"))
            .question
            .clone()
    };
    let (multi, ordering) = (
        of_kind(QuestionKind::Multi),
        of_kind(QuestionKind::Ordering),
    );
    let multi_key = key_of(&learner, &first.id, &multi).await;
    let order_key = key_of(&learner, &first.id, &ordering).await;

    let second = whole_domain(&learner, "SY0-701", "1.0").await;
    // Multi: one of the two right ids and one wrong earns half.
    let wrong = multi
        .choices
        .iter()
        .find(|c| !multi_key.contains(&c.id))
        .unwrap()
        .id
        .clone();
    let mut half: Vec<&str> = multi_key[..multi_key.len() - 1]
        .iter()
        .map(String::as_str)
        .collect();
    half.push(&wrong);
    let (correct, credit, _) = graded(&learner, &second.id, &multi.id, &half).await;
    let expected = (multi_key.len() - 1) as f64 / multi_key.len() as f64;
    assert!(!correct);
    assert!(
        (credit - expected).abs() < 1e-9,
        "multi credit {credit}, expected {expected}"
    );

    // Ordering: one adjacent swap leaves all pairs but one in order.
    let mut swapped: Vec<&str> = order_key.iter().map(String::as_str).collect();
    swapped.swap(0, 1);
    let (correct, credit, _) = graded(&learner, &second.id, &ordering.id, &swapped).await;
    let n = order_key.len() as f64;
    let expected = 1.0 - 1.0 / (n * (n - 1.0) / 2.0);
    assert!(!correct);
    assert!(
        (credit - expected).abs() < 1e-9,
        "ordering credit {credit}, expected {expected}"
    );

    // The reverse order earns nothing; the key earns everything.
    let third = whole_domain(&learner, "SY0-701", "1.0").await;
    let reversed: Vec<&str> = order_key.iter().rev().map(String::as_str).collect();
    assert_eq!(
        graded(&learner, &third.id, &ordering.id, &reversed).await.1,
        0.0
    );
    let exact: Vec<&str> = multi_key.iter().map(String::as_str).collect();
    assert!(graded(&learner, &third.id, &multi.id, &exact).await.0);
}

#[tokio::test]
async fn malformed_answers_are_refused_and_nothing_is_written() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let session = whole_domain(&learner, "SY0-701", "1.0").await;
    let single = session
        .items
        .iter()
        .find(|i| i.question.kind == QuestionKind::Single)
        .unwrap()
        .question
        .clone();
    let path = format!("/api/v1/sessions/{}/answers", session.id);
    for (body, field) in [
        (
            json!({"question": single.id, "answer": ["a", "b"], "elapsed_ms": 1}),
            "answer",
        ),
        (
            json!({"question": single.id, "answer": [], "elapsed_ms": 1}),
            "answer",
        ),
        (
            json!({"question": single.id, "answer": ["z"], "elapsed_ms": 1}),
            "answer",
        ),
        (
            json!({"question": single.id, "answer": ["a"], "elapsed_ms": 90_000_000u64}),
            "elapsed_ms",
        ),
        (
            json!({"question": "SY0-701-9.9-999", "answer": ["a"], "elapsed_ms": 1}),
            "question",
        ),
    ] {
        let response = learner.post_json(&path, body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        let error = error_body(response).await.error;
        assert_eq!(error.code, ErrorCode::InvalidInput, "{body}");
        assert_eq!(error.details.unwrap()["field"], field, "{body}");
    }
    for body in [
        json!({"question": single.id, "answer": "a", "elapsed_ms": 1}),
        json!({"question": single.id, "answer": ["a"], "elapsed_ms": -5}),
        json!({"question": single.id, "answer": ["a"], "elapsed_ms": 1, "correct": true}),
        json!({"answer": ["a"], "elapsed_ms": 1}),
    ] {
        let response = learner.post_json(&path, body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(
            error_body(response).await.error.code,
            ErrorCode::MalformedJson,
            "{body} does not fit the schema"
        );
    }
    let after = view(&learner, &session.id).await;
    assert!(
        after.items.iter().all(|i| i.answer.is_none()),
        "nothing recorded"
    );
    let progress: Progress = learner
        .get("/api/v1/me/progress")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(progress.answered, 0, "nothing counted");
    // The refused answers did not close the question either.
    let (_, _, _) = graded(&learner, &session.id, &single.id, &["a"]).await;
}

#[tokio::test]
async fn a_session_belongs_to_its_learner_alone() {
    let _db = DATABASE.read().await;
    let owner = guest().await;
    let session = whole_domain(&owner, "SY0-701", "5.0").await;
    let q = session.items[0].question.clone();
    let other = guest().await;
    let id = &session.id;
    for response in [
        other.get(&format!("/api/v1/sessions/{id}")).await,
        other.get(&format!("/api/v1/sessions/{id}/review")).await,
        answer(&other, id, &q.id, &some_answer(&q)).await,
        other
            .request(
                reqwest::Method::PUT,
                &format!("/api/v1/sessions/{id}/flags/{}", q.id),
            )
            .json(&json!({"flagged": true}))
            .fetch()
            .await,
        other
            .post_json(&format!("/api/v1/sessions/{id}/finish"), json!({}))
            .await,
        owner.get("/api/v1/sessions/no-such-session").await,
    ] {
        assert_eq!(
            response.status(),
            404,
            "another learner's session does not exist for them"
        );
        assert_eq!(error_body(response).await.error.code, ErrorCode::NotFound);
    }
    let anonymous = Browser::anonymous()
        .get(&format!("/api/v1/sessions/{id}"))
        .await;
    assert_eq!(anonymous.status(), 401);
    let untouched = view(&owner, id).await;
    assert!(untouched.finished_at.is_none());
    assert!(
        untouched
            .items
            .iter()
            .all(|i| i.answer.is_none() && !i.flagged)
    );
}

#[tokio::test]
async fn filters_draw_unseen_missed_and_due_questions() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let practice = |filter: &'static str| json!({"exam": "SY0-701", "mode": "practice", "count": 50, "domains": ["1.0"], "filter": filter});
    for filter in ["missed", "due"] {
        let response = learner
            .post_json("/api/v1/sessions", practice(filter))
            .await;
        assert_eq!(response.status(), 409, "a new learner has nothing {filter}");
        let error = error_body(response).await.error;
        assert_eq!(error.code, ErrorCode::Conflict);
        assert!(
            error.message.starts_with("Cannot start this practice"),
            "{}",
            error.message
        );
    }
    let session = whole_domain(&learner, "SY0-701", "1.0").await;
    let total = session.items.len();
    let mut missed = vec![];
    for item in session.items.iter().take(4) {
        let (correct, _, _) = graded(
            &learner,
            &session.id,
            &item.question.id,
            &some_answer(&item.question),
        )
        .await;
        if !correct {
            missed.push(item.question.id.clone());
        }
    }
    let unseen = start(&learner, practice("unseen")).await;
    assert_eq!(
        unseen.items.len(),
        total - 4,
        "unseen leaves out what was answered"
    );
    if !missed.is_empty() {
        let mut drawn: Vec<_> = start(&learner, practice("missed"))
            .await
            .items
            .into_iter()
            .map(|i| i.question.id)
            .collect();
        drawn.sort();
        missed.sort();
        assert_eq!(
            drawn, missed,
            "missed draws exactly the ones answered wrong"
        );
    }

    // Every answer scheduled a review card; none is due yet, a missed one within minutes.
    let due: DueReviews = learner
        .get("/api/v1/me/reviews/due")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(due.total, 0);
    let next = millis(&due.next_due_at.expect("cards are scheduled"));
    assert!(next > now_ms(), "not due yet");
    if !missed.is_empty() {
        assert!(
            next <= now_ms() + 11 * 60_000,
            "a missed question comes back within minutes"
        );
    }
}

#[tokio::test]
async fn progress_and_readiness_follow_the_answers() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let empty: Progress = learner
        .get("/api/v1/me/progress")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (empty.answered, empty.streak_days, empty.attempts.len()),
        (0, 0, 0)
    );
    let session = whole_domain(&learner, "SAA-C03", "1").await;
    let mut correct = 0;
    for item in session.items.iter().take(5) {
        correct += u32::from(
            graded(
                &learner,
                &session.id,
                &item.question.id,
                &some_answer(&item.question),
            )
            .await
            .0,
        );
    }
    let progress: Progress = learner
        .get("/api/v1/me/progress")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((progress.answered, progress.correct), (5, correct));
    assert_eq!(progress.streak_days, 1, "answered today");
    assert_eq!(progress.daily.len(), 1);
    assert_eq!(progress.daily[0].answered, 5);
    let domain = progress
        .domains
        .iter()
        .find(|d| d.exam == "SAA-C03" && d.domain == "1")
        .expect("the domain practised");
    assert_eq!(domain.answered, 5);
    assert_eq!(progress.attempts[0].session, session.id);
    assert_eq!(progress.attempts[0].answered, 5);

    let response = learner.get("/api/v1/me/readiness/SAA-C03").await;
    assert_eq!(response.status(), 200);
    let readiness: Readiness = response.json().await.unwrap();
    assert!(readiness.low <= readiness.probability && readiness.probability <= readiness.high);
    assert!((0.0..=1.0).contains(&readiness.low) && (0.0..=1.0).contains(&readiness.high));
    assert_eq!(readiness.passing_score, 720);
    assert!((100..=1000).contains(&readiness.expected_score));
    assert_eq!(readiness.domains.len(), 4);
    assert_eq!(readiness.domains[0].answers, 5);
    assert!(!readiness.model.is_empty(), "the model is explained");
    let unknown = learner.get("/api/v1/me/readiness/NOPE-000").await;
    assert_eq!(unknown.status(), 404);
    let anonymous = Browser::anonymous().get("/api/v1/me/progress").await;
    assert_eq!(anonymous.status(), 401);
}
