//! "Why was my answer wrong?" on the in-memory database with a scripted model: explained once,
//! kept for the next learner with the same mistake, metered per learner per day, refused while a
//! mock runs, and a model that fails or talks nonsense never counts or gets kept.

use serde_json::{Value, json};

use crate::http::HttpReply;
use crate::testing::bank::{key, wrong};
use crate::testing::flow::{Caller, Reply, Stack};
use crate::testing::{START_MS, ScriptedTransport};

const TEXT: &str = "You picked an option the explanation rules out; the key is right because the official explanation says so.";

fn completion(content: &str) -> HttpReply {
    HttpReply::new(
        200,
        json!({
            "model": "openai/gpt-4.1-mini",
            "choices": [{"message": {"content": content}}],
            "usage": {"prompt_tokens": 500, "completion_tokens": 60, "cost": 0.0003}
        })
        .to_string(),
    )
}

/// A stack whose model answers `replies` in turn, allowing `per_day` explanations.
fn stack(replies: Vec<HttpReply>, per_day: &'static str) -> (Stack, ScriptedTransport) {
    let http = ScriptedTransport::replying(404, "").in_turn_at("/chat/completions", replies);
    let mut stack = Stack::new();
    let extra: &'static [(&str, &str)] =
        Box::leak(Box::new([("FREE_AI_EXPLANATIONS_PER_DAY", per_day)]));
    stack.platform = stack
        .platform
        .clone()
        .with_settings(extra)
        .with_http(http.clone());
    (stack, http)
}

/// A practice session of `learner` with its question ids.
fn practice(stack: &Stack, learner: &Caller) -> (String, Vec<String>) {
    let started = stack.post(
        learner,
        "/api/v1/sessions",
        json!({"exam": "TINY-1", "mode": "practice"}),
    );
    assert_eq!(started.status, 201, "{}", started.json);
    let ids = started.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["question"]["id"].as_str().unwrap().to_string())
        .collect();
    (started.json["id"].as_str().unwrap().to_string(), ids)
}

fn answer(stack: &Stack, learner: &Caller, session: &str, question: &str, choices: Vec<String>) {
    let reply = stack.post(
        learner,
        &format!("/api/v1/sessions/{session}/answers"),
        json!({"question": question, "answer": choices, "elapsed_ms": 20_000}),
    );
    assert_eq!(reply.status, 200, "{}", reply.json);
}

fn explain(stack: &Stack, learner: &Caller, session: &str, question: &str) -> Reply {
    stack.post(
        learner,
        &format!("/api/v1/sessions/{session}/explanations"),
        json!({ "question": question }),
    )
}

fn model_calls(http: &ScriptedTransport) -> usize {
    http.requests()
        .iter()
        .filter(|r| r.url.ends_with("/chat/completions"))
        .count()
}

#[test]
fn the_same_mistake_is_explained_once_and_then_served_from_what_was_kept() {
    let good = completion(&json!({ "explanation": TEXT }).to_string());
    let (stack, http) = stack(vec![good], "5");
    let (first, second) = (stack.guest(), stack.guest());
    let (s1, qs) = practice(&stack, &first);
    let q = &qs[0];
    answer(&stack, &first, &s1, q, wrong(q));

    let explained = explain(&stack, &first, &s1, q);
    assert_eq!(explained.status, 200, "{}", explained.json);
    assert_eq!(explained.json["text"], TEXT);
    assert_eq!(explained.json["cached"], false);
    assert_eq!(explained.json["answer"], json!(wrong(q)));
    assert_eq!(explained.json["allowance"]["used"], 1);
    assert_eq!(explained.json["allowance"]["remaining"], 4);
    assert_eq!(
        explained.json["allowance"]["renews_at"],
        "2026-11-26T00:00:00.000Z"
    );
    let prompt = http.requests()[0].body.clone().unwrap();
    assert!(prompt.contains("The learner answered"), "{prompt}");

    // Asking again for the same mistake the same day costs neither a call nor allowance.
    let again = explain(&stack, &first, &s1, q);
    assert_eq!(
        (again.status, again.json["cached"].clone()),
        (200, Value::Bool(true))
    );
    assert_eq!(again.json["allowance"]["used"], 1);

    let (s2, _) = practice(&stack, &second);
    answer(&stack, &second, &s2, q, wrong(q));
    let theirs = explain(&stack, &second, &s2, q);
    assert_eq!(theirs.status, 200, "{}", theirs.json);
    assert_eq!(theirs.json["cached"], true);
    assert_eq!(theirs.json["text"], TEXT);
    assert_eq!(model_calls(&http), 1, "one model call for two learners");
    assert_eq!(
        stack
            .db
            .count("SELECT count(*) FROM ai_calls WHERE outcome = 'ok'"),
        1
    );
}

#[test]
fn over_the_free_allowance_is_402_with_when_it_renews_and_tomorrow_it_is_back() {
    let good = completion(&json!({ "explanation": TEXT }).to_string());
    let (stack, http) = stack(vec![good], "1");
    let learner = stack.guest();
    let (sid, qs) = practice(&stack, &learner);
    answer(&stack, &learner, &sid, &qs[0], wrong(&qs[0]));
    answer(&stack, &learner, &sid, &qs[1], wrong(&qs[1]));
    assert_eq!(explain(&stack, &learner, &sid, &qs[0]).status, 200);

    let refused = explain(&stack, &learner, &sid, &qs[1]);
    assert_eq!(refused.status, 402, "{}", refused.json);
    assert_eq!(refused.code(), Some("payment_required"));
    let details = &refused.json["error"]["details"];
    assert_eq!(details["allowance"], "ai_explanations");
    assert_eq!(details["plan"], "free");
    assert_eq!(details["limit"], 1);
    assert_eq!(details["remaining"], 0);
    assert_eq!(details["renews_at"], "2026-11-26T00:00:00.000Z");
    assert_eq!(refused.headers["retry-after"], "43200");
    assert_eq!(model_calls(&http), 1, "a refusal calls no model");

    stack.platform.advance(43_200_000);
    let tomorrow = explain(&stack, &learner, &sid, &qs[1]);
    assert_eq!(tomorrow.status, 200, "{}", tomorrow.json);
    assert_eq!(tomorrow.json["allowance"]["used"], 1);
    assert_eq!(START_MS + 43_200_000, 1_795_651_200_000);
}

#[test]
fn nothing_is_explained_before_an_answer_for_a_right_one_or_while_a_mock_runs() {
    let (stack, http) = stack(vec![completion("{}")], "5");
    let learner = stack.guest();
    let (sid, qs) = practice(&stack, &learner);
    assert_eq!(
        explain(&stack, &learner, &sid, &qs[0]).status,
        409,
        "unanswered"
    );
    answer(&stack, &learner, &sid, &qs[0], key(&qs[0]));
    let right = explain(&stack, &learner, &sid, &qs[0]);
    assert_eq!(right.status, 409);
    assert!(
        right.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("right")
    );

    let mock = stack.post(
        &learner,
        "/api/v1/sessions",
        json!({"exam": "TINY-1", "mode": "mock"}),
    );
    assert_eq!(mock.status, 201);
    let mid = mock.json["id"].as_str().unwrap();
    let mq = mock.json["items"][0]["question"]["id"].as_str().unwrap();
    answer(&stack, &learner, mid, mq, wrong(mq));
    let open = explain(&stack, &learner, mid, mq);
    assert_eq!(open.status, 409);
    assert!(
        open.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("mock")
    );

    let stranger = stack.guest();
    assert_eq!(
        explain(&stack, &stranger, &sid, &qs[0]).status,
        404,
        "not theirs"
    );
    assert_eq!(explain(&stack, &learner, "nope", &qs[0]).status, 404);
    let bad = explain(&stack, &learner, &sid, "not an id!");
    assert_eq!((bad.status, bad.code()), (404, Some("not_found")));
    let extra = stack.post(
        &learner,
        &format!("/api/v1/sessions/{sid}/explanations"),
        json!({"question": qs[0], "plan": "pro"}),
    );
    assert_eq!(extra.status, 400, "unknown fields are refused");
    assert_eq!(model_calls(&http), 0);
}

#[test]
fn a_failing_or_nonsensical_model_is_a_clear_error_and_nothing_is_counted_or_kept() {
    let busy = HttpReply {
        status: 503,
        body: "{}".into(),
        retry_after: None,
    };
    let (stack, http) = stack(
        vec![
            completion("I think the answer is B."),
            busy.clone(),
            busy.clone(),
            busy,
            completion(&json!({ "explanation": TEXT }).to_string()),
        ],
        "5",
    );
    let learner = stack.guest();
    let (sid, qs) = practice(&stack, &learner);
    answer(&stack, &learner, &sid, &qs[0], wrong(&qs[0]));

    let nonsense = explain(&stack, &learner, &sid, &qs[0]);
    assert_eq!(nonsense.status, 502, "{}", nonsense.json);
    assert_eq!(nonsense.code(), Some("service_unavailable"));
    let down = explain(&stack, &learner, &sid, &qs[0]);
    assert_eq!(down.status, 503, "{}", down.json);
    assert_eq!(
        stack.db.count("SELECT count(*) FROM mistake_explanations"),
        0
    );
    assert_eq!(
        stack
            .db
            .count("SELECT count(*) FROM mistake_explanation_uses"),
        0
    );

    let later = explain(&stack, &learner, &sid, &qs[0]);
    assert_eq!(later.status, 200, "{}", later.json);
    assert_eq!(later.json["allowance"]["used"], 1);
    assert_eq!(model_calls(&http), 5);
    assert_eq!(
        stack
            .db
            .count("SELECT count(*) FROM ai_calls WHERE outcome = 'failed'"),
        3
    );
}
