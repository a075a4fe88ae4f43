//! The hourly trends task on the in-memory database, with X and the model scripted.

use serde_json::{Value, json};

use crate::http::HttpReply;
use crate::jobs::{JobError, Ran, run};
use crate::tasks::{Task, Work};
use crate::testing::flow::Stack;
use crate::testing::{START_MS, ScriptedTransport, block_on};

const HOUR: &str = "2026-11-25T12";
const X: &[(&str, &str)] = &[
    ("X_BEARER_TOKEN", "x-token"),
    ("X_API_URL", "https://api.x.test"),
];

fn search_answer(prefix: &str, n: usize) -> String {
    let data: Vec<Value> = (0..n)
        .map(|i| json!({"id": format!("{prefix}{i}"), "text": format!("post {i} about the exam"), "author_id": "42"}))
        .collect();
    json!({"data": data, "includes": {"users": [{"id": "42", "username": "candidate"}]},
           "meta": {"result_count": n}})
    .to_string()
}

fn card(ids: &[&str]) -> HttpReply {
    let content = json!({
        "summary": "Candidates say the tiny exam is all about tiny things this week.",
        "topics": ["tiny things"], "tips": ["read slowly"], "changes": [],
        "post_ids": ids
    });
    HttpReply::new(
        200,
        json!({"model": "openai/gpt-4.1-mini", "choices": [{"message": {"content": content.to_string()}}],
               "usage": {"prompt_tokens": 900, "completion_tokens": 80, "cost": 0.0004}})
        .to_string(),
    )
}

/// X answers 6 posts for TINY-1 and 3 (too few) for FWD-1; the model answers `model` in turn.
fn stack(
    model: Vec<HttpReply>,
    settings: &'static [(&'static str, &'static str)],
) -> (Stack, ScriptedTransport) {
    let http = ScriptedTransport::replying(404, "{}")
        .in_turn_at("/chat/completions", model)
        .at_url("TINY-1", 200, &search_answer("1700", 6))
        .at_url("FWD-1", 200, &search_answer("1800", 3));
    let mut stack = Stack::new();
    stack.platform = stack
        .platform
        .clone()
        .with_settings(settings)
        .with_http(http.clone());
    (stack, http)
}

fn gather(stack: &Stack, hour: &str) -> Result<Ran, JobError> {
    let task = Task {
        id: format!("trends:{hour}"),
        work: Work::GatherTrends { hour: hour.into() },
    };
    block_on(run(&stack.platform, &task))
}

fn trends(stack: &Stack, exam: &str) -> Value {
    let reply = stack.get(&stack.guest(), &format!("/api/v1/exams/{exam}/trends"));
    assert_eq!(reply.status, 200, "{}", reply.json);
    reply.json
}

#[test]
fn an_hour_makes_a_card_from_the_posts_and_nothing_for_an_exam_with_too_few() {
    let (stack, http) = stack(vec![card(&["17000", "17003"])], X);
    assert_eq!(gather(&stack, HOUR).unwrap(), Ran::Done);
    let search = http
        .requests()
        .into_iter()
        .find(|r| r.url.contains("TINY-1"))
        .unwrap();
    assert!(
        search
            .url
            .starts_with("https://api.x.test/2/tweets/search/recent?query=")
    );
    assert!(
        search.url.contains("start_time=2026-11-24T12%3A00%3A00Z"),
        "{}",
        search.url
    );
    assert!(
        search
            .headers
            .contains(&("authorization", "Bearer x-token".into()))
    );

    let tiny = trends(&stack, "TINY-1");
    let card = &tiny["card"];
    assert_eq!(card["hour"], HOUR);
    assert_eq!(card["post_count"], 6);
    assert_eq!(card["topics"], json!(["tiny things"]));
    assert_eq!(
        card["posts"],
        json!([{"url": "https://x.com/candidate/status/17000"}, {"url": "https://x.com/candidate/status/17003"}])
    );
    assert!(
        trends(&stack, "FWD-1")["card"].is_null(),
        "3 posts make no card"
    );
    assert_eq!(
        stack
            .db
            .count("SELECT count(*) FROM ai_calls WHERE purpose = 'trends'"),
        1
    );

    // The same hour again (a second delivery, or the cron fired twice) does nothing.
    let sent = http.requests().len();
    assert_eq!(gather(&stack, HOUR).unwrap(), Ran::AlreadyDone);
    assert_eq!(http.requests().len(), sent);

    let unknown = stack.get(&stack.guest(), "/api/v1/exams/NOPE-1/trends");
    assert_eq!(unknown.status, 404);
}

#[test]
fn a_card_more_than_a_day_old_is_not_shown() {
    let (stack, _) = stack(vec![card(&["17000"])], X);
    assert_eq!(gather(&stack, HOUR).unwrap(), Ran::Done);
    stack.platform.advance(27 * 3_600_000);
    assert!(trends(&stack, "TINY-1")["card"].is_null());
}

#[test]
fn a_card_citing_posts_it_was_not_given_is_never_shown() {
    let (stack, _) = stack(vec![card(&["17000", "99999"])], X);
    assert_eq!(gather(&stack, HOUR).unwrap(), Ran::Done);
    assert!(trends(&stack, "TINY-1")["card"].is_null());
    assert_eq!(
        stack
            .db
            .scalar("SELECT outcome FROM exam_trends WHERE exam_code = 'TINY-1'"),
        Some("unusable".into())
    );
    let logs = stack.platform.logs.lock().unwrap();
    assert!(
        logs.iter()
            .any(|(_, l)| l.contains("no trend card for TINY-1"))
    );
}

#[test]
fn a_model_outage_is_retried_later_and_keeps_what_was_done() {
    let down = HttpReply::new(503, "{}");
    let (stack, _) = stack(vec![down.clone(), down.clone(), down, card(&["17001"])], X);
    let failed = gather(&stack, HOUR).unwrap_err();
    assert!(
        matches!(failed, JobError::Transient(ref m) if m.contains("TINY-1")),
        "{failed}"
    );
    assert_eq!(
        stack.db.count("SELECT count(*) FROM exam_trends"),
        1,
        "FWD-1 is done"
    );
    assert_eq!(gather(&stack, HOUR).unwrap(), Ran::Done);
    assert_eq!(
        trends(&stack, "TINY-1")["card"]["posts"][0]["url"],
        "https://x.com/candidate/status/17001"
    );
}

#[test]
fn x_refusing_or_busy_and_no_token_at_all() {
    let (stack, http) = stack(vec![], &[]);
    assert_eq!(gather(&stack, HOUR).unwrap(), Ran::Done);
    assert!(http.requests().is_empty(), "no token: nothing is asked");
    assert_eq!(
        stack.db.scalar("SELECT detail FROM task_runs"),
        Some("no X_BEARER_TOKEN is set: no trends gathered".into())
    );

    let busy = ScriptedTransport::replying(429, "{}");
    let mut stack = Stack::new();
    stack.platform = stack.platform.clone().with_settings(X).with_http(busy);
    assert!(matches!(gather(&stack, HOUR), Err(JobError::Transient(_))));
    let refused = ScriptedTransport::replying(401, "{}");
    stack.platform = stack.platform.clone().with_http(refused);
    assert!(matches!(gather(&stack, HOUR), Err(JobError::Permanent(_))));
    assert_eq!(START_MS, 1_795_608_000_000);
}
