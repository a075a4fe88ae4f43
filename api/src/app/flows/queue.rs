//! The report queue as admins work it: filtered by exam and reason, a report opened with what
//! its reporter saw and chose, closed as a duplicate, and the outcome on the reporter's account.

use serde_json::json;

use crate::testing::bank::wrong;
use crate::testing::flow::{Caller, Stack};

fn file(stack: &Stack, learner: &Caller, question: &str, reason: &str) -> String {
    // A second apart, so "oldest first" has an order to show.
    stack.platform.advance(1_000);
    let filed = stack.post(
        learner,
        &format!("/api/v1/questions/{question}/reports"),
        json!({"reason": reason, "details": "Looks off"}),
    );
    assert_eq!(filed.status, 201, "{}", filed.json);
    filed.json["id"].as_str().unwrap().to_string()
}

fn ids(reply: &crate::testing::flow::Reply) -> Vec<String> {
    reply.json["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_queue_filters_by_exam_and_reason_and_a_report_shows_the_reporters_answer() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let learner = stack.guest();
    let session = stack.post(
        &learner,
        "/api/v1/sessions",
        json!({"exam": "FWD-1", "mode": "practice", "count": 4}),
    );
    assert_eq!(session.status, 201, "{}", session.json);
    let sid = session.json["id"].as_str().unwrap();
    let chosen = wrong("fwd-1-002");
    let answered = stack.post(
        &learner,
        &format!("/api/v1/sessions/{sid}/answers"),
        json!({"question": "fwd-1-002", "answer": chosen, "elapsed_ms": 9_000}),
    );
    assert_eq!(answered.status, 200, "{}", answered.json);
    let typo = file(&stack, &learner, "tiny-1-001", "typo");
    let key = file(&stack, &learner, "fwd-1-002", "wrong_key");

    let tiny = stack.get(&admin, "/api/v1/admin/reports?exam=TINY-1");
    assert_eq!(ids(&tiny), [typo.as_str()]);
    let by_reason = stack.get(&admin, "/api/v1/admin/reports?reason=wrong_key");
    assert_eq!(ids(&by_reason), [key.as_str()]);
    let both = stack.get(&admin, "/api/v1/admin/reports");
    assert_eq!(ids(&both), [typo.as_str(), key.as_str()], "oldest first");
    assert_eq!(
        stack
            .get(&admin, "/api/v1/admin/reports?reason=rude")
            .status,
        400
    );

    let opened = stack.get(&admin, &format!("/api/v1/admin/reports/{key}"));
    assert_eq!(opened.status, 200, "{}", opened.json);
    assert_eq!(opened.json["answer"], json!(chosen));
    assert_eq!(opened.json["reported"]["version"], 1);
    assert_eq!(opened.json["question"]["id"], "fwd-1-002");
    assert_eq!(opened.json["question"]["status"], "published");
    let unanswered = stack.get(&admin, &format!("/api/v1/admin/reports/{typo}"));
    assert_eq!(unanswered.json["answer"], serde_json::Value::Null);
    assert_eq!(stack.get(&admin, "/api/v1/admin/reports/nope").status, 404);
}

#[test]
fn a_duplicate_closes_against_an_earlier_report_and_the_reporter_sees_each_outcome() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let first = stack.guest();
    let second = stack.guest();
    let original = file(&stack, &first, "tiny-1-001", "unclear");
    let repeat = file(&stack, &second, "tiny-1-001", "unclear");
    let elsewhere = file(&stack, &second, "tiny-1-002", "typo");

    let wrong_question = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{repeat}/resolve"),
        json!({"resolution": "duplicate", "note": "Same", "duplicate_of": elsewhere}),
    );
    assert_eq!(wrong_question.status, 400, "{}", wrong_question.json);
    assert_eq!(
        wrong_question.json["error"]["details"]["field"],
        "duplicate_of"
    );
    let itself = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{repeat}/resolve"),
        json!({"resolution": "duplicate", "note": "Same", "duplicate_of": repeat}),
    );
    assert_eq!(itself.status, 400);
    let closed = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{repeat}/resolve"),
        json!({"resolution": "duplicate", "note": "Reported already; we are on it", "duplicate_of": original}),
    );
    assert_eq!(closed.status, 200, "{}", closed.json);
    assert_eq!(closed.json["status"], "dismissed");
    assert_eq!(closed.json["duplicate_of"], original.as_str());
    let rejected = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{elsewhere}/resolve"),
        json!({"resolution": "dismiss", "note": "The spelling is the vendor's"}),
    );
    assert_eq!(rejected.status, 200);

    let mine = stack.get(&second, "/api/v1/me/reports");
    assert_eq!(mine.status, 200, "{}", mine.json);
    let reports = mine.json["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2, "only the caller's own");
    assert_eq!(reports[0]["id"], elsewhere.as_str(), "newest first");
    assert_eq!(
        reports[0]["resolution_note"],
        "The spelling is the vendor's"
    );
    assert_eq!(reports[1]["duplicate_of"], original.as_str());
    assert!(reports[1]["resolved_at"].is_string());
    let log = stack.get(
        &admin,
        &format!("/api/v1/admin/audit?target=report:{repeat}"),
    );
    assert_eq!(log.json["entries"][0]["action"], "report_duplicate");
    assert_eq!(
        log.json["entries"][0]["diff"]["duplicate_of"],
        original.as_str()
    );
    let theirs = stack.get(&first, "/api/v1/me/reports");
    assert_eq!(theirs.json["reports"][0]["status"], "open");
}
