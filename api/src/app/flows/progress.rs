//! Progress, readiness, due reviews, the admin's lists and the jobs, on the in-memory database:
//! what a learner's answers add up to, what a running mock keeps sealed, and the daily rollup
//! and weekly cleanup doing their work once.

use ptp_domain::DAY_MS;
use serde_json::{Value, json};

use crate::jobs::{self, Ran};
use crate::ports::Platform;
use crate::tasks::{Task, Work};
use crate::testing::bank::{key, wrong};
use crate::testing::block_on;
use crate::testing::flow::{Caller, Stack};

/// A practice session of `count` questions of TINY-1, the first `right` answered correctly and
/// the rest wrongly.
fn practise(stack: &Stack, learner: &Caller, count: usize, right: usize) -> Vec<String> {
    let started = stack.post(
        learner,
        "/api/v1/sessions",
        json!({"exam": "TINY-1", "mode": "practice", "count": count}),
    );
    assert_eq!(started.status, 201, "{}", started.json);
    let session = started.json["id"].as_str().unwrap().to_string();
    let ids: Vec<String> = started.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["question"]["id"].as_str().unwrap().to_string())
        .collect();
    for (i, question) in ids.iter().enumerate() {
        let answer = if i < right {
            key(question)
        } else {
            wrong(question)
        };
        let reply = stack.post(
            learner,
            &format!("/api/v1/sessions/{session}/answers"),
            json!({"question": question, "answer": answer, "elapsed_ms": 40_000}),
        );
        assert_eq!(reply.status, 200, "{}", reply.json);
    }
    ids
}

#[test]
fn progress_counts_every_answer_and_readiness_covers_each_domain() {
    let stack = Stack::new();
    let learner = stack.guest();
    practise(&stack, &learner, 5, 3);
    let progress = stack.get(&learner, "/api/v1/me/progress");
    assert_eq!(progress.status, 200, "{}", progress.json);
    assert_eq!(progress.json["answered"], 5);
    assert_eq!(progress.json["correct"], 3);
    assert_eq!(progress.json["streak_days"], 1);
    assert_eq!(progress.json["daily"][0]["answered"], 5);
    let domain_total: u64 = progress.json["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["answered"].as_u64().unwrap())
        .sum();
    assert_eq!(domain_total, 5);

    let readiness = stack.get(&learner, "/api/v1/me/readiness/TINY-1");
    assert_eq!(readiness.status, 200, "{}", readiness.json);
    assert_eq!(readiness.json["passing_score"], 700);
    let domains: Vec<&Value> = readiness.json["domains"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(domains.len(), 2);
    let answers: u64 = domains.iter().map(|d| d["answers"].as_u64().unwrap()).sum();
    assert_eq!(answers, 5);
    let probability = readiness.json["probability"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&probability));
    assert_eq!(
        stack.get(&learner, "/api/v1/me/readiness/NOPE-1").status,
        404
    );
}

#[test]
fn missed_questions_fall_due_and_a_running_mock_keeps_its_questions_out_of_progress() {
    let stack = Stack::new();
    let learner = stack.guest();
    practise(&stack, &learner, 2, 0);
    let none_yet = stack.get(&learner, "/api/v1/me/reviews/due");
    assert_eq!(none_yet.json["total"], 0);
    assert!(none_yet.json["next_due_at"].is_string());
    stack.platform.advance(2 * DAY_MS);
    let due = stack.get(&learner, "/api/v1/me/reviews/due");
    assert_eq!(due.json["total"], 2, "{}", due.json);
    assert_eq!(due.json["exams"][0]["exam"], "TINY-1");

    let mock = stack.post(
        &learner,
        "/api/v1/sessions",
        json!({"exam": "TINY-1", "mode": "mock"}),
    );
    assert_eq!(mock.status, 201);
    let sid = mock.json["id"].as_str().unwrap();
    let question = mock.json["items"][0]["question"]["id"].as_str().unwrap();
    let recorded = stack.post(
        &learner,
        &format!("/api/v1/sessions/{sid}/answers"),
        json!({"question": question, "answer": key(question), "elapsed_ms": 5_000}),
    );
    assert_eq!(recorded.status, 200);
    let during = stack.get(&learner, "/api/v1/me/progress");
    assert_eq!(
        during.json["answered"], 2,
        "the running mock's answer is sealed"
    );
    let finished = stack.post(
        &learner,
        &format!("/api/v1/sessions/{sid}/finish"),
        json!({}),
    );
    assert_eq!(finished.status, 200);
    assert_eq!(
        stack.get(&learner, "/api/v1/me/progress").json["answered"],
        3
    );
}

#[test]
fn the_admin_lists_users_and_the_daily_rollup_counts_a_day_once() {
    let stack = Stack::new();
    let learner = stack.guest();
    practise(&stack, &learner, 3, 2);
    let admin = stack.member("root@example.com", true);
    let users = stack.get(&admin, "/api/v1/admin/users?limit=1");
    assert_eq!(users.status, 200, "{}", users.json);
    assert_eq!(users.json["users"].as_array().unwrap().len(), 1);
    assert_eq!(stack.get(&learner, "/api/v1/admin/users").status, 403);

    let day = crate::time::day(stack.platform.now_millis());
    let task = Task {
        id: format!("rollup:{day}"),
        work: Work::RollupDay { day: day.clone() },
    };
    assert_eq!(
        block_on(jobs::run(&stack.platform, &task)).unwrap(),
        Ran::Done
    );
    assert_eq!(
        block_on(jobs::run(&stack.platform, &task)).unwrap(),
        Ran::AlreadyDone
    );
    let metrics = stack.get(&admin, "/api/v1/admin/metrics/daily?days=7");
    assert_eq!(metrics.status, 200, "{}", metrics.json);
    let today = metrics.json["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["day"] == day.as_str() && d["exam"] == "TINY-1")
        .cloned()
        .unwrap_or_else(|| panic!("{day} in {}", metrics.json));
    assert_eq!(today["answers"], 3);
    assert_eq!(today["active_learners"], 1);
    assert_eq!(today["mocks_taken"], 0);
}

#[test]
fn the_weekly_cleanup_removes_idle_guests_with_everything_they_had() {
    let stack = Stack::new();
    let idle = stack.guest();
    practise(&stack, &idle, 2, 1);
    // Seen long ago, but answering lately: not idle.
    let answering = stack.guest_from("198.51.100.8");
    practise(&stack, &answering, 1, 1);
    let old = "'2026-09-01T00:00:00.000Z'";
    stack.db.run(&format!(
        "UPDATE users SET last_seen_at = {old} WHERE kind = 'guest';
         UPDATE responses SET answered_at = {old} WHERE user_id = '{idle}';
         UPDATE study_sessions SET started_at = {old} WHERE user_id = '{idle}';",
        idle = idle.user_id()
    ));
    let task = Task {
        id: "cleanup:2026-W48".into(),
        work: Work::CleanUp {
            before: "2026-10-26T12:00:00.000Z".into(),
        },
    };
    assert_eq!(
        block_on(jobs::run(&stack.platform, &task)).unwrap(),
        Ran::Done
    );
    let owned = |user: &Caller, table: &str, column: &str| {
        stack.db.count(&format!(
            "SELECT count(*) FROM {table} WHERE {column} = '{}'",
            user.user_id()
        ))
    };
    for (table, column) in [
        ("users", "id"),
        ("study_sessions", "user_id"),
        ("responses", "user_id"),
    ] {
        assert_eq!(owned(&idle, table, column), 0, "{table}");
    }
    assert_eq!(owned(&answering, "users", "id"), 1);
    assert_eq!(owned(&answering, "responses", "user_id"), 1);
    assert_eq!(stack.get(&idle, "/api/v1/me").status, 401);
}
