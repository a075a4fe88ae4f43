//! AI drafting through the real queue against the OpenRouter stand-in (fakellm, whose rules
//! pick an outcome by the objective asked for): one batch ends in review, refused for two keys,
//! flagged as a duplicate of the bank and failed on a blind answer; an admin publishes the one
//! that passed; a provider that stays busy or down ends its request as dead with the reason, and
//! an unusable answer ends it as failed — never as questions.

use std::time::{Duration, Instant};

use ptp_shared::{AdminQuestion, DraftRequestList, DraftRequestView};
use serde_json::json;

use crate::support::{Browser, DATABASE, local_control, local_sign_in_available, signed_in_admin};

async fn ask(admin: &Browser, objective: &str, count: u32) -> String {
    let asked = admin
        .post_json(
            "/api/v1/admin/drafts",
            json!({"exam": "SY0-701", "domain": "2.0", "objective": objective, "count": count}),
        )
        .await;
    assert_eq!(asked.status(), 202, "asking for {objective}");
    let view: DraftRequestView = asked.json().await.unwrap();
    assert_eq!(view.status, "queued");
    view.id
}

/// Waits (up to `within`) for the request to leave the queue.
async fn finished(admin: &Browser, id: &str, within: Duration) -> DraftRequestView {
    let deadline = Instant::now() + within;
    loop {
        let list: DraftRequestList = admin
            .get("/api/v1/admin/drafts")
            .await
            .json()
            .await
            .unwrap();
        let request = list
            .requests
            .into_iter()
            .find(|r| r.id == id)
            .expect("the request is listed");
        if request.status != "queued" {
            return request;
        }
        assert!(
            Instant::now() < deadline,
            "request {id} still queued: {request:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn a_batch_meets_every_check_and_the_draft_that_passed_is_published_after_review() {
    let read = DATABASE.read().await;
    let Some(control) = local_control("drafts against the local OpenRouter stand-in") else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let admin = signed_in_admin(&control, "drafting-admin").await;
    let id = ask(&admin, "QA batch: four outcomes", 4).await;
    let done = finished(&admin, &id, Duration::from_secs(60)).await;
    assert_eq!(done.status, "done", "{done:?}");
    let outcomes: Vec<&str> = done.drafts.iter().map(|d| d.outcome.as_str()).collect();
    assert_eq!(outcomes, ["in_review", "refused", "in_review", "failed"]);
    let [passed, two_keys, duplicate, disagreed] = &done.drafts[..] else {
        unreachable!()
    };
    assert!(two_keys.question.is_none());
    assert_eq!(
        two_keys.report.problems,
        ["key: a single-answer question has exactly one key"]
    );
    let nearest = duplicate.report.nearest.as_ref().expect("flagged");
    assert_eq!(
        (nearest.id.as_str(), nearest.similarity),
        ("sy0-701-2.0-001", 1.0)
    );
    assert!(disagreed.question.is_none());
    assert!(disagreed.report.repaired);
    assert_eq!(disagreed.report.key, ["b"]);
    assert_eq!(
        disagreed.report.blind_answers,
        [vec!["a".to_string()], vec!["a".to_string()]]
    );
    assert!(passed.report.problems.is_empty() && passed.report.nearest.is_none());
    assert!(!passed.model.is_empty());

    let question = passed.question.clone().expect("in review");
    let path = format!("/api/v1/admin/questions/{question}");
    let in_review: AdminQuestion = admin.get(&path).await.json().await.unwrap();
    assert_eq!(in_review.source, "ai");
    assert_eq!(in_review.status.as_str(), "in_review");
    // Nobody can draw it yet: publishing changes the bank, so no other test may be drawing.
    drop(read);
    let _bank = DATABASE.write().await;
    let published = admin
        .post_json(
            &format!("{path}/status"),
            json!({"status": "published", "base_version": in_review.version}),
        )
        .await;
    assert_eq!(published.status(), 200);
    let published: AdminQuestion = published.json().await.unwrap();
    assert_eq!(published.status.as_str(), "published");
}

#[tokio::test]
async fn a_provider_that_stays_down_or_answers_nonsense_ends_the_request_never_in_questions() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("drafts against the local OpenRouter stand-in") else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let admin = signed_in_admin(&control, "drafting-faults").await;
    let outage = ask(&admin, "QA outage", 2).await;
    let busy = ask(&admin, "QA busy", 2).await;
    let malformed = ask(&admin, "QA malformed", 2).await;

    let failed = finished(&admin, &malformed, Duration::from_secs(30)).await;
    assert_eq!(failed.status, "failed");
    assert!(
        failed.detail.contains("not the JSON asked for"),
        "{}",
        failed.detail
    );
    // Three runs of the task, the queue's retry delays between them, then the dead letters.
    for (id, reason) in [
        (outage, "Upstream provider error"),
        (busy, "Rate limit exceeded"),
    ] {
        let dead = finished(&admin, &id, Duration::from_secs(90)).await;
        assert_eq!(dead.status, "dead", "{dead:?}");
        assert_eq!(dead.attempts, 3);
        assert!(dead.detail.contains(reason), "{}", dead.detail);
        assert!(dead.drafts.is_empty());
    }
}
