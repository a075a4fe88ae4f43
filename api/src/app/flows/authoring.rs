//! The console's authoring on the in-memory database: a question written, refused for a rule,
//! fixed, reviewed and published to learners; two admins saving the same version; the status
//! rules; sessions keeping the version they drew; an old version restored.

use serde_json::{Value, json};

use crate::testing::flow::{Caller, Reply, Stack};

fn content(choices: &[&str]) -> Value {
    json!({
        "kind": "multi",
        "stem": "Which **two** protocols encrypt traffic?",
        "choices": choices,
        "key": ["b", "c"],
        "explanation": "**A** is clear text. **B** and **C** encrypt. **D** is clear text.",
        "references": ["RFC 8446"],
    })
}

const GOOD: [&str; 4] = ["Telnet", "SSH", "TLS", "FTP"];

fn created(stack: &Stack, admin: &Caller) -> String {
    let reply = stack.post(
        admin,
        "/api/v1/admin/questions",
        json!({"exam": "TINY-1", "domain": "2", "content": content(&GOOD)}),
    );
    assert_eq!(reply.status, 201, "{}", reply.json);
    reply.json["id"].as_str().unwrap().to_string()
}

fn status(stack: &Stack, admin: &Caller, id: &str, to: &str, base: u64) -> Reply {
    stack.post(
        admin,
        &format!("/api/v1/admin/questions/{id}/status"),
        json!({"status": to, "base_version": base}),
    )
}

fn published(stack: &Stack, admin: &Caller) -> String {
    let id = created(stack, admin);
    assert_eq!(status(stack, admin, &id, "in_review", 1).status, 200);
    assert_eq!(status(stack, admin, &id, "published", 1).status, 200);
    id
}

fn listed_to_learners(stack: &Stack, id: &str) -> bool {
    let listing = stack.call(None, "GET", "/api/v1/exams/TINY-1/questions?limit=50", None);
    assert_eq!(listing.status, 200);
    listing.json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["id"] == id)
}

#[test]
fn a_question_refused_for_a_rule_is_fixed_reviewed_and_published_to_learners() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let refused = stack.post(
        &admin,
        "/api/v1/admin/questions",
        json!({"exam": "TINY-1", "domain": "2", "content": content(&["Telnet", "SSH", "ssh ", "FTP"])}),
    );
    assert_eq!(refused.status, 400, "{}", refused.json);
    let details = &refused.json["error"]["details"];
    assert_eq!(details["field"], "choices");
    assert_eq!(
        details["problems"],
        json!([{"field": "choices", "reason": "B and C are the same choice"}])
    );
    assert_eq!(stack.db.count("SELECT count(*) FROM audit_log"), 0);
    let unknown = stack.post(
        &admin,
        "/api/v1/admin/questions",
        json!({"exam": "TINY-1", "domain": "9", "content": content(&GOOD)}),
    );
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.json["error"]["details"]["field"], "domain");

    let id = created(&stack, &admin);
    assert!(id.starts_with("tiny-1-2-"), "{id}");
    let draft = stack.get(&admin, &format!("/api/v1/admin/questions/{id}"));
    assert_eq!(draft.json["status"], "draft");
    assert_eq!(draft.json["version"], 1);
    assert_eq!(draft.json["next"], json!(["in_review"]));
    assert_eq!(
        draft.json["view"]["stem_html"],
        "<p>Which <strong>two</strong> protocols encrypt traffic?</p>\n"
    );
    assert_eq!(draft.json["view"]["picks"], 2);
    assert!(
        !listed_to_learners(&stack, &id),
        "a draft reaches no learner"
    );

    let early = status(&stack, &admin, &id, "published", 1);
    assert_eq!(early.status, 409, "{}", early.json);
    assert_eq!(
        early.json["error"]["details"]["allowed"],
        json!(["in_review"])
    );
    let review = status(&stack, &admin, &id, "in_review", 1);
    assert_eq!(review.json["status"], "in_review");
    assert!(!listed_to_learners(&stack, &id), "nor one in review");
    let live = status(&stack, &admin, &id, "published", 1);
    assert_eq!(live.status, 200, "{}", live.json);
    assert_eq!(live.json["next"], json!(["retired"]));
    assert!(listed_to_learners(&stack, &id));

    let log = stack.get(&admin, &format!("/api/v1/admin/audit?target=question:{id}"));
    let actions: Vec<&str> = log.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["question_publish", "question_submit", "question_create"]
    );
    assert_eq!(
        log.json["entries"][2]["diff"]["choices"],
        json!([null, GOOD])
    );
    assert_eq!(
        log.json["entries"][0]["diff"]["status"],
        json!(["in_review", "published"])
    );
}

#[test]
fn the_second_of_two_saves_from_one_version_is_refused_with_the_newer_one() {
    let stack = Stack::new();
    let first = stack.member("first@example.com", true);
    let second = stack.member("second@example.com", true);
    let id = published(&stack, &first);
    let path = format!("/api/v1/admin/questions/{id}");
    let mut mine = content(&GOOD);
    mine["stem"] = json!("Which **two** of these protocols encrypt what they carry?");
    let saved = stack.put(
        &first,
        &path,
        json!({"base_version": 1, "domain": "2", "content": mine}),
    );
    assert_eq!(saved.status, 200, "{}", saved.json);
    assert_eq!(saved.json["version"], 2);
    assert_eq!(
        saved.json["status"], "published",
        "an edit keeps its status"
    );

    let mut theirs = content(&GOOD);
    theirs["explanation"] = json!("**A** no. **B** yes. **C** yes. **D** no.");
    let late = stack.put(
        &second,
        &path,
        json!({"base_version": 1, "domain": "2", "content": theirs}),
    );
    assert_eq!(late.status, 409, "{}", late.json);
    let details = &late.json["error"]["details"];
    assert_eq!(details["current_version"], 2);
    assert_eq!(details["current"]["content"]["stem"], mine["stem"]);
    assert_eq!(
        stack.db.count(&format!(
            "SELECT count(*) FROM question_versions WHERE question_id = '{id}'"
        )),
        2,
        "nothing of the late save was written"
    );
    let stale_publish = status(&stack, &second, &id, "retired", 1);
    assert_eq!(stale_publish.status, 409, "a move names the version it saw");

    let unchanged = stack.put(
        &second,
        &path,
        json!({"base_version": 2, "domain": "2", "content": mine}),
    );
    assert_eq!(unchanged.status, 400, "{}", unchanged.json);
}

#[test]
fn a_session_keeps_the_version_it_drew_through_an_edit_and_a_retirement() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let id = published(&stack, &admin);
    let learner = stack.guest();
    let started = stack.post(
        &learner,
        "/api/v1/sessions",
        json!({"exam": "TINY-1", "mode": "practice", "count": 20, "domains": ["2"]}),
    );
    assert_eq!(started.status, 201, "{}", started.json);
    let session = started.json["id"].as_str().unwrap().to_string();
    assert!(
        started.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["question"]["id"] == id.as_str()),
        "the new question is drawn"
    );

    let mut edited = content(&GOOD);
    edited["stem"] = json!("Which **two** protocols keep traffic confidential?");
    edited["choices"] = json!(["Telnet", "SSH", "TLS", "HTTP"]);
    let saved = stack.put(
        &admin,
        &format!("/api/v1/admin/questions/{id}"),
        json!({"base_version": 1, "domain": "2", "content": edited}),
    );
    assert_eq!(saved.status, 200, "{}", saved.json);
    assert_eq!(status(&stack, &admin, &id, "retired", 2).status, 200);
    assert!(!listed_to_learners(&stack, &id), "retired");

    let answered = stack.post(
        &learner,
        &format!("/api/v1/sessions/{session}/answers"),
        json!({"question": id, "answer": ["b", "c"], "elapsed_ms": 20_000}),
    );
    assert_eq!(answered.status, 200, "{}", answered.json);
    assert_eq!(answered.json["correct"], true);
    let view = stack.get(&learner, &format!("/api/v1/sessions/{session}"));
    let item = view.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["question"]["id"] == id.as_str())
        .unwrap();
    assert_eq!(item["question"]["version"], 1);
    assert_eq!(
        item["question"]["stem"],
        "Which **two** protocols encrypt traffic?"
    );
    assert_eq!(item["question"]["choices"][3]["text"], "FTP");
}

#[test]
fn an_old_version_is_restored_as_the_newest_and_logged_as_such() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let id = created(&stack, &admin);
    let mut edited = content(&GOOD);
    edited["stem"] = json!("Which **two** protocols are encrypted?");
    let path = format!("/api/v1/admin/questions/{id}");
    let saved = stack.put(
        &admin,
        &path,
        json!({"base_version": 1, "domain": "1", "content": edited}),
    );
    assert_eq!(saved.json["domain"], "1");
    let restored = stack.post(
        &admin,
        &format!("{path}/versions/1/restore"),
        json!({"base_version": 2}),
    );
    assert_eq!(restored.status, 200, "{}", restored.json);
    assert_eq!(restored.json["version"], 3);
    assert_eq!(restored.json["domain"], "2");
    assert_eq!(
        restored.json["content"]["stem"],
        "Which **two** protocols encrypt traffic?"
    );
    let missing = stack.post(
        &admin,
        &format!("{path}/versions/9/restore"),
        json!({"base_version": 3}),
    );
    assert_eq!(missing.status, 404);
    let log = stack.get(
        &admin,
        &format!("/api/v1/admin/audit?target=question:{id}&limit=1"),
    );
    let entry = &log.json["entries"][0];
    assert_eq!(entry["action"], "question_edit");
    assert_eq!(entry["diff"]["restored_from"], 1);
    assert_eq!(entry["diff"]["version"], json!([2, 3]));
    assert_eq!(entry["diff"]["domain"], json!(["1", "2"]));
}

#[test]
fn a_learner_is_refused_every_admin_operation() {
    let stack = Stack::new();
    let learner = stack.member("learner@example.com", false);
    let document = serde_json::to_value(crate::app::openapi::document()).unwrap();
    let mut checked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/admin/") {
            continue;
        }
        let concrete = path.replace("{id}", "tiny-1-001").replace("{version}", "1");
        for method in operations.as_object().unwrap().keys() {
            let method = method.to_ascii_uppercase();
            let body = (method != "GET").then(|| json!({}));
            let reply = stack.call(Some(&learner), &method, &concrete, body);
            assert_eq!(reply.status, 403, "{method} {path}: {}", reply.json);
            checked += 1;
        }
    }
    assert!(checked >= 14, "{checked} admin operations");
    assert_eq!(stack.db.count("SELECT count(*) FROM audit_log"), 0);
}
