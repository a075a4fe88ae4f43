//! Sessions end to end on the in-memory database: start → answer → time up → finish, practice
//! grading and its review cards, forward-only navigation, and the guarded transactions when a
//! finish and an answer race.

use serde_json::{Value, json};

use crate::testing::bank::{self, key, wrong};
use crate::testing::flow::{Caller, Stack};

const MINUTE_MS: u64 = 60_000;

fn start(stack: &Stack, learner: &Caller, body: Value) -> Value {
    let started = stack.post(learner, "/api/v1/sessions", body);
    assert_eq!(started.status, 201, "{}", started.json);
    started.json
}

/// The question ids of a session view, in order.
fn questions(session: &Value) -> Vec<String> {
    session["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["question"]["id"].as_str().unwrap().to_string())
        .collect()
}

fn answer(
    stack: &Stack,
    learner: &Caller,
    session: &str,
    question: &str,
    choices: Vec<String>,
) -> crate::testing::flow::Reply {
    stack.post(
        learner,
        &format!("/api/v1/sessions/{session}/answers"),
        json!({"question": question, "answer": choices, "elapsed_ms": 30_000}),
    )
}

fn id(session: &Value) -> String {
    session["id"].as_str().unwrap().to_string()
}

#[test]
fn a_mock_past_its_deadline_refuses_the_answer_and_finishes_as_of_the_deadline() {
    let stack = Stack::new();
    let learner = stack.guest();
    let session = start(&stack, &learner, json!({"exam": "TINY-1", "mode": "mock"}));
    let qs = questions(&session);
    assert_eq!(qs.len(), 4);
    assert!(
        session["items"][0]["question"]["solution"].is_null(),
        "no key before the end"
    );
    let sid = id(&session);

    let first = answer(&stack, &learner, &sid, &qs[0], key(&qs[0]));
    assert_eq!(first.status, 200, "{}", first.json);
    assert_eq!(first.json["outcome"], "recorded");
    assert_eq!(first.json["answered"], 1);
    assert!(
        first.json.get("correct").is_none(),
        "a mock keeps its verdict"
    );
    assert_eq!(
        answer(&stack, &learner, &sid, &qs[1], wrong(&qs[1])).status,
        200
    );

    stack.platform.advance(20 * MINUTE_MS + 1_000);
    let late = answer(&stack, &learner, &sid, &qs[2], key(&qs[2]));
    assert_eq!(late.status, 409);
    assert_eq!(late.code(), Some("conflict"));

    let finished = stack.get(&learner, &format!("/api/v1/sessions/{sid}"));
    assert_eq!(finished.status, 200);
    assert_eq!(finished.json["finished_at"], session["deadline_at"]);
    let result = &finished.json["result"];
    assert_eq!(result["answered"], 2);
    assert_eq!(result["correct"], 1);
    assert_eq!(result["total"], 4);
    // One full credit of four questions: 0.25 raw, 100 + 0.25 / 0.7 × 600 = 314 scaled.
    assert_eq!(result["raw"], 0.25);
    assert_eq!(result["scaled"], 314);
    assert_eq!(result["passed"], false);
    assert_eq!(
        stack.db.count(&format!(
            "SELECT count(*) FROM responses WHERE session_id = '{sid}'"
        )),
        2,
        "the late answer was not kept"
    );
    // The review shows the key once the mock is over.
    let review = stack.get(&learner, &format!("/api/v1/sessions/{sid}/review"));
    assert_eq!(review.status, 200);
    assert_eq!(
        review.json["items"][0]["question"]["solution"]["key"],
        json!(key(&qs[0]))
    );
}

#[test]
fn a_shorter_mock_is_drawn_by_weight_and_timed_at_the_real_pace() {
    let stack = Stack::new();
    let learner = stack.guest();
    let session = start(
        &stack,
        &learner,
        json!({"exam": "TINY-1", "mode": "mock", "count": 2}),
    );
    let mut domains: Vec<String> = questions(&session)
        .iter()
        .map(|q| bank::find(q).domain.to_string())
        .collect();
    domains.sort();
    assert_eq!(domains, ["1", "2"], "60/40 of two questions is one of each");
    // The real exam: 4 questions in 20 minutes; 2 questions get 10.
    let started = crate::time::parse(session["started_at"].as_str().unwrap()).unwrap();
    let deadline = crate::time::parse(session["deadline_at"].as_str().unwrap()).unwrap();
    assert_eq!(deadline - started, 10 * MINUTE_MS);
}

#[test]
fn practice_grades_at_once_schedules_a_review_and_refuses_a_second_answer() {
    let stack = Stack::new();
    let learner = stack.guest();
    let session = start(
        &stack,
        &learner,
        json!({"exam": "TINY-1", "mode": "practice", "count": 3}),
    );
    let qs = questions(&session);
    assert_eq!(qs.len(), 3);
    let sid = id(&session);

    let right = answer(&stack, &learner, &sid, &qs[0], key(&qs[0]));
    assert_eq!(right.status, 200, "{}", right.json);
    assert_eq!(right.json["outcome"], "graded");
    assert_eq!(right.json["correct"], true);
    assert_eq!(right.json["credit"], 1.0);
    assert_eq!(right.json["solution"]["key"], json!(key(&qs[0])));

    let missed = answer(&stack, &learner, &sid, &qs[1], wrong(&qs[1]));
    assert_eq!(missed.json["correct"], false);

    let again = answer(&stack, &learner, &sid, &qs[0], wrong(&qs[0]));
    assert_eq!(again.status, 409);
    let user = learner.user_id();
    assert_eq!(
        stack.db.count(&format!(
            "SELECT count(*) FROM review_cards WHERE user_id = '{user}'"
        )),
        2,
        "one card per graded question"
    );
    assert_eq!(
        stack.db.scalar(&format!(
            "SELECT correct FROM responses WHERE session_id = '{sid}' AND question_id = '{}'",
            qs[0]
        )),
        Some("1".into()),
        "the refused second answer changed nothing"
    );

    let unfit = answer(&stack, &learner, &sid, &qs[2], vec!["z".into()]);
    assert_eq!(unfit.status, 400);
    let outsider = answer(&stack, &learner, &sid, "fwd-1-001", key("fwd-1-001"));
    assert_eq!(outsider.status, 400, "a question of another session");
}

#[test]
fn a_forward_only_mock_closes_a_question_once_the_learner_moves_on() {
    let stack = Stack::new();
    let learner = stack.guest();
    let session = start(&stack, &learner, json!({"exam": "FWD-1", "mode": "mock"}));
    let qs = questions(&session);
    assert_eq!(qs.len(), 3);
    assert_eq!(session["navigation"], "forward_only");
    let sid = id(&session);

    assert_eq!(
        answer(&stack, &learner, &sid, &qs[1], key(&qs[1])).status,
        200
    );
    let back = answer(&stack, &learner, &sid, &qs[0], key(&qs[0]));
    assert_eq!(back.status, 409);
    let same = answer(&stack, &learner, &sid, &qs[1], wrong(&qs[1]));
    assert_eq!(same.status, 200, "the current question may still change");
    assert_eq!(
        stack.db.scalar(&format!(
            "SELECT furthest FROM study_sessions WHERE id = '{sid}'"
        )),
        Some("1".into())
    );
}

#[test]
fn a_finish_that_an_answer_overtakes_scores_again_with_that_answer() {
    let stack = Stack::new();
    let learner = stack.guest();
    let session = start(&stack, &learner, json!({"exam": "TINY-1", "mode": "mock"}));
    let qs = questions(&session);
    let sid = id(&session);
    assert_eq!(
        answer(&stack, &learner, &sid, &qs[0], key(&qs[0])).status,
        200
    );

    // Between the finish's read and its write, another tab's correct answer lands.
    let other = &qs[1];
    let item = bank::find(other);
    stack.db.interleave(
        "UPDATE study_sessions SET finished_at",
        &[
            &format!("UPDATE study_sessions SET revision = revision + 1 WHERE id = '{sid}'"),
            &format!(
                "INSERT INTO responses (session_id, question_id, user_id, exam_code, domain_code, \
                 answer, credit, correct, elapsed_ms, answered_at) VALUES ('{sid}', '{other}', \
                 '{}', 'TINY-1', '{}', '{}', 1.0, 1, 1000, '2026-11-25T12:00:01.000Z')",
                learner.user_id(),
                item.domain,
                serde_json::to_string(item.key).unwrap()
            ),
        ],
    );
    let finished = stack.post(
        &learner,
        &format!("/api/v1/sessions/{sid}/finish"),
        json!({}),
    );
    assert_eq!(finished.status, 200, "{}", finished.json);
    assert_eq!(finished.json["result"]["answered"], 2);
    assert_eq!(finished.json["result"]["correct"], 2);
    assert_eq!(
        stack.db.scalar(&format!(
            "SELECT raw_score FROM study_sessions WHERE id = '{sid}'"
        )),
        Some("0.5".into()),
        "the stored score counts the answer that overtook the first attempt"
    );
}

#[test]
fn an_answer_that_a_finish_overtakes_is_refused_and_not_kept() {
    let stack = Stack::new();
    let learner = stack.guest();
    let session = start(&stack, &learner, json!({"exam": "TINY-1", "mode": "mock"}));
    let qs = questions(&session);
    let sid = id(&session);
    stack.db.interleave(
        "INSERT INTO responses",
        &[&format!(
            "UPDATE study_sessions SET finished_at = '2026-11-25T12:00:00.500Z', raw_score = 0, \
             scaled_score = 100, passed = 0 WHERE id = '{sid}'"
        )],
    );
    let late = answer(&stack, &learner, &sid, &qs[0], key(&qs[0]));
    assert_eq!(late.status, 409, "{}", late.json);
    assert_eq!(
        stack.db.count(&format!(
            "SELECT count(*) FROM responses WHERE session_id = '{sid}'"
        )),
        0
    );
    assert_eq!(
        stack.db.scalar(&format!(
            "SELECT revision FROM study_sessions WHERE id = '{sid}'"
        )),
        Some("0".into()),
        "the refused answer moved nothing"
    );
}

#[test]
fn ids_no_row_could_have_name_nothing_and_change_nothing() {
    let stack = Stack::new();
    let learner = stack.guest();
    let session = start(
        &stack,
        &learner,
        json!({"exam": "TINY-1", "mode": "practice", "count": 2}),
    );
    let sid = id(&session);
    let qs = questions(&session);
    let absurd = "x".repeat(65);

    let no_session = answer(&stack, &learner, &absurd, &qs[0], key(&qs[0]));
    assert_eq!(no_session.status, 404, "{}", no_session.json);
    assert_eq!(no_session.json["error"]["code"], "not_found");
    let unknown = stack.get(&learner, "/api/v1/sessions/no%20such%20id");
    assert_eq!(unknown.status, 404, "{}", unknown.json);

    let no_question = answer(&stack, &learner, &sid, "../../etc", vec!["a".into()]);
    assert_eq!(no_question.status, 400, "{}", no_question.json);
    assert_eq!(no_question.json["error"]["details"]["field"], "question");
    let flag = stack.call(
        Some(&learner),
        "PUT",
        &format!("/api/v1/sessions/{sid}/flags/{absurd}"),
        Some(json!({"flagged": true})),
    );
    assert_eq!(flag.status, 404, "{}", flag.json);
    assert_eq!(
        stack.db.count(&format!(
            "SELECT count(*) FROM responses WHERE session_id = '{sid}'"
        )),
        0,
        "nothing was recorded"
    );
}
