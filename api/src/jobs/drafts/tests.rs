//! Drafting on the in-memory database with a scripted model: one batch meets every check's
//! outcome, a provider outage ends the request as dead with its reason, and the queue's second
//! delivery writes nothing.

use serde_json::{Value, json};

use crate::http::HttpReply;
use crate::jobs::{JobError, Ran, run};
use crate::tasks::{Task, Work};
use crate::testing::flow::{Caller, Stack};
use crate::testing::{ScriptedTransport, block_on};

fn reply(content: &str) -> HttpReply {
    HttpReply::new(
        200,
        json!({"model": "openai/gpt-4.1-mini", "choices": [{"message": {"content": content}}],
               "usage": {"prompt_tokens": 1000, "completion_tokens": 500, "cost": 0.002}})
        .to_string(),
    )
}

fn draft(stem: &str, choices: &[&str], key: &[&str]) -> Value {
    let explanation: String = (0..choices.len())
        .map(|i| {
            format!(
                "**{}** is why choice {} is or is not right. ",
                (b'A' + i as u8) as char,
                i + 1
            )
        })
        .collect();
    json!({"kind": "single", "stem": stem, "choices": choices, "key": key,
           "explanation": explanation.trim(), "references": ["https://docs.example.com/ref"]})
}

fn blind(ids: &[&str]) -> HttpReply {
    reply(&json!({ "answer": ids }).to_string())
}

fn batch() -> HttpReply {
    let good = draft(
        "A web server must accept encrypted browser traffic. Which port does it listen on by default?",
        &["TCP 22", "TCP 443", "TCP 25", "TCP 53"],
        &["b"],
    );
    let two_keys = draft(
        "Which protocol transfers mail between servers?",
        &["SMTP", "SNMP", "SSH", "SFTP"],
        &["a", "c"],
    );
    let duplicate = draft(
        "What does tiny-1-001 ask?",
        &[
            "Choice 1 of tiny-1-001",
            "Choice 2 of tiny-1-001",
            "Choice 3 of tiny-1-001",
            "Choice 4 of tiny-1-001",
        ],
        &["a"],
    );
    let ambiguous = draft(
        "An analyst sees many failed logins from one address across many accounts. What is this?",
        &[
            "Password spraying",
            "Brute force",
            "Credential stuffing",
            "Phishing",
        ],
        &["b"],
    );
    reply(&json!({"questions": [good, two_keys, duplicate, ambiguous.clone()]}).to_string())
}

fn admin_stack(model: Vec<HttpReply>) -> (Stack, Caller, ScriptedTransport) {
    let http = ScriptedTransport::replying(404, "{}").in_turn_at("/chat/completions", model);
    let mut stack = Stack::new();
    stack.platform = stack.platform.clone().with_http(http.clone());
    let admin = stack.member("editor@example.com", true);
    (stack, admin, http)
}

/// Asks for `count` drafts and returns the request id (its task is on the fake queue).
fn ask(stack: &Stack, admin: &Caller, count: u32) -> String {
    let asked = stack.post(
        admin,
        "/api/v1/admin/drafts",
        json!({"exam": "TINY-1", "domain": "1", "objective": "1.1 Tiny things", "count": count}),
    );
    assert_eq!(asked.status, 202, "{}", asked.json);
    assert_eq!(asked.json["status"], "queued");
    asked.json["id"].as_str().unwrap().to_string()
}

fn work(stack: &Stack, id: &str) -> Result<Ran, JobError> {
    let task = Task {
        id: format!("drafts:{id}"),
        work: Work::DraftQuestions { request: id.into() },
    };
    assert!(
        stack.platform.queued.lock().unwrap().contains(&task),
        "queued"
    );
    block_on(run(&stack.platform, &task))
}

#[test]
fn one_batch_goes_to_review_is_refused_flagged_and_failed_as_its_checks_say() {
    let (stack, admin, http) = admin_stack(vec![
        batch(),
        blind(&["b"]),
        blind(&["a"]),
        blind(&["a"]),
        reply(&json!({"questions": [draft(
            "An analyst sees many failed logins from one address across many accounts. What is this?",
            &["Password spraying", "Brute force", "Credential stuffing", "Phishing"],
            &["b"],
        )]}).to_string()),
        blind(&["a"]),
    ]);
    let id = ask(&stack, &admin, 4);
    assert_eq!(work(&stack, &id).unwrap(), Ran::Done);

    let listed = stack.get(&admin, "/api/v1/admin/drafts");
    assert_eq!(listed.status, 200, "{}", listed.json);
    let request = &listed.json["requests"][0];
    assert_eq!(request["status"], "done");
    assert_eq!(listed.json["allowance"]["used"], 4);
    let drafts = request["drafts"].as_array().unwrap();
    let outcomes: Vec<&str> = drafts
        .iter()
        .map(|d| d["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["in_review", "refused", "in_review", "failed"]);
    assert!(
        drafts[1]["report"]["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("key: a single-answer question has exactly one key"),
        "{}",
        drafts[1]
    );
    assert_eq!(drafts[2]["report"]["nearest"]["id"], "tiny-1-001");
    assert_eq!(drafts[2]["report"]["nearest"]["similarity"], 1.0);
    assert_eq!(drafts[3]["report"]["repaired"], true);
    assert_eq!(drafts[3]["report"]["blind_answers"], json!([["a"], ["a"]]));
    assert_eq!(drafts[3]["report"]["key"], json!(["b"]));
    assert_eq!(drafts[0]["model"], "openai/gpt-4.1-mini");

    // The blind answers came from the second model first.
    let blind_call = http.requests()[1].body.clone().unwrap();
    assert!(
        blind_call.contains("\"model\":\"google/gemini-2.5-flash\""),
        "{blind_call}"
    );
    assert!(
        !blind_call.contains("is why choice"),
        "the blind call never sees the explanation"
    );

    // The one that passed waits in review as an AI question; publishing it is the console's.
    let question = drafts[0]["question"].as_str().unwrap();
    let q = stack.get(&admin, &format!("/api/v1/admin/questions/{question}"));
    assert_eq!(q.status, 200, "{}", q.json);
    assert_eq!(q.json["status"], "in_review");
    assert_eq!(
        stack.db.scalar(&format!(
            "SELECT source FROM questions WHERE id = '{question}'"
        )),
        Some("ai".into())
    );
    let published = stack.post(
        &admin,
        &format!("/api/v1/admin/questions/{question}/status"),
        json!({"status": "published", "base_version": 1}),
    );
    assert_eq!(published.status, 200, "{}", published.json);
    assert_eq!(published.json["status"], "published");

    // The queue delivering the task again changes nothing.
    let calls = http.requests().len();
    assert_eq!(work(&stack, &id).unwrap(), Ran::AlreadyDone);
    assert_eq!(http.requests().len(), calls);
}

#[test]
fn an_outage_is_retried_then_the_request_dies_with_its_reason_and_nothing_is_drafted() {
    let down = HttpReply::new(
        500,
        r#"{"error": {"code": 500, "message": "upstream down"}}"#,
    );
    let (stack, admin, _) = admin_stack(vec![down]);
    let id = ask(&stack, &admin, 2);
    for attempt in 1..=2 {
        let err = work(&stack, &id).unwrap_err();
        assert!(
            matches!(err, JobError::Transient(ref m) if m.starts_with(&format!("attempt {attempt} of 3"))),
            "{err}"
        );
    }
    let err = work(&stack, &id).unwrap_err();
    assert!(matches!(err, JobError::Permanent(_)), "{err}");
    let listed = stack.get(&admin, "/api/v1/admin/drafts");
    let request = &listed.json["requests"][0];
    assert_eq!(request["status"], "dead");
    assert_eq!(request["attempts"], 3);
    assert!(
        request["detail"]
            .as_str()
            .unwrap()
            .contains("upstream down"),
        "{request}"
    );
    assert_eq!(stack.db.count("SELECT count(*) FROM question_drafts"), 0);
}

#[test]
fn bad_requests_and_the_daily_allowance_are_refused_with_the_error_body() {
    let (stack, admin, _) = admin_stack(vec![]);
    for (body, field) in [
        (
            json!({"exam": "TINY-1", "domain": "1", "count": 0}),
            "count",
        ),
        (
            json!({"exam": "TINY-1", "domain": "1", "count": 11}),
            "count",
        ),
        (
            json!({"exam": "TINY-1", "domain": "9", "count": 1}),
            "domain",
        ),
        (
            json!({"exam": "TINY-1", "domain": "1", "count": 1, "objective": "x".repeat(201)}),
            "objective",
        ),
    ] {
        let refused = stack.post(&admin, "/api/v1/admin/drafts", body);
        assert_eq!(refused.status, 400, "{}", refused.json);
        assert_eq!(refused.json["error"]["details"]["field"], field);
    }
    let learner = stack.guest();
    assert_eq!(
        stack
            .post(
                &learner,
                "/api/v1/admin/drafts",
                json!({"exam": "TINY-1", "domain": "1", "count": 1})
            )
            .status,
        403
    );
    ask(&stack, &admin, 10);
    ask(&stack, &admin, 10);
    ask(&stack, &admin, 10);
    ask(&stack, &admin, 10);
    let over = stack.post(
        &admin,
        "/api/v1/admin/drafts",
        json!({"exam": "TINY-1", "domain": "1", "count": 1}),
    );
    assert_eq!(over.status, 429, "{}", over.json);
    assert_eq!(over.json["error"]["details"]["allowance"], "ai_drafts");
    assert_eq!(over.json["error"]["details"]["remaining"], 0);
    assert_eq!(stack.platform.queued.lock().unwrap().len(), 4);
}
