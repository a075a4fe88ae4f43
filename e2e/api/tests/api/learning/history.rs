//! A guest's history follows them when they sign in, and their export holds it.

use ptp_shared::{AccountExport, Mode, Progress};
use serde_json::json;

use super::{graded, guest, some_answer, start, whole_domain};
use crate::support::{DATABASE, local_sign_in_available, session_cookie, unique_email};

#[tokio::test]
async fn a_guests_practice_and_mocks_follow_them_into_their_account() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let mut learner = guest().await;
    let practice = whole_domain(&learner, "200-301", "4.0").await;
    let q = &practice.items[0].question;
    graded(&learner, &practice.id, &q.id, &some_answer(q)).await;
    let mock = start(
        &learner,
        json!({"exam": "200-301", "mode": "mock", "count": 2}),
    )
    .await;
    let finished = learner
        .post_json(&format!("/api/v1/sessions/{}/finish", mock.id), json!({}))
        .await;
    assert_eq!(finished.status(), 200);

    let signed_in = learner
        .sign_in_response(&unique_email("converted-learner"), "/progress")
        .await;
    assert_eq!(signed_in.status(), 302);
    learner.cookie = session_cookie(&signed_in);
    let progress: Progress = learner
        .get("/api/v1/me/progress")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        progress.answered, 1,
        "the guest's answer counts for the member"
    );
    let sessions: Vec<_> = progress
        .attempts
        .iter()
        .map(|a| (a.session.clone(), a.mode))
        .collect();
    assert!(sessions.contains(&(practice.id.clone(), Mode::Practice)));
    assert!(sessions.contains(&(mock.id.clone(), Mode::Mock)));
    let review = learner
        .get(&format!("/api/v1/sessions/{}/review", mock.id))
        .await;
    assert_eq!(
        review.status(),
        200,
        "the finished mock is theirs to review"
    );

    let export: AccountExport = learner.get("/api/v1/me/export").await.json().await.unwrap();
    assert_eq!(export.sessions.len(), 2);
    assert_eq!(export.answers.len(), 1);
    assert_eq!(export.answers[0].question, q.id);
    assert_eq!(
        export.review_cards.len(),
        1,
        "the answered question has a review card"
    );
}
