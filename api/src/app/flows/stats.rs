//! Item statistics from real answers: the daily rollup analyses first attempts per version, and
//! the console reads the table it leaves (never computed on a page view).

use serde_json::{Value, json};

use crate::jobs::{self, Ran};
use crate::ports::Platform;
use crate::tasks::{Task, Work};
use crate::testing::bank::{key, wrong};
use crate::testing::block_on;
use crate::testing::flow::{Caller, Stack};

/// Runs the daily rollup of the platform clock's day.
fn run_rollup(stack: &Stack) {
    let day = crate::time::day(stack.platform.now_millis());
    let task = Task {
        id: format!("rollup:{day}"),
        work: Work::RollupDay { day },
    };
    assert_eq!(
        block_on(jobs::run(&stack.platform, &task)).unwrap(),
        Ran::Done
    );
}

/// A practice session of all of TINY-1 for `learner`; its id.
fn practice(stack: &Stack, learner: &Caller) -> String {
    let started = stack.post(
        learner,
        "/api/v1/sessions",
        json!({"exam": "TINY-1", "mode": "practice", "count": 10}),
    );
    assert_eq!(started.status, 201, "{}", started.json);
    started.json["id"].as_str().unwrap().to_string()
}

fn answer(
    stack: &Stack,
    learner: &Caller,
    session: &str,
    question: &str,
    choices: Vec<String>,
    ms: u64,
) {
    let reply = stack.post(
        learner,
        &format!("/api/v1/sessions/{session}/answers"),
        json!({"question": question, "answer": choices, "elapsed_ms": ms}),
    );
    assert_eq!(reply.status, 200, "{}", reply.json);
}

fn item<'a>(table: &'a Value, question: &str, version: u64) -> &'a Value {
    table["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{table}"))
        .iter()
        .find(|row| row["question"] == question && row["version"] == version)
        .unwrap_or_else(|| panic!("{question} v{version} in {table}"))
}

const OTHERS: [&str; 3] = ["tiny-1-002", "tiny-1-003", "tiny-1-005"];

#[test]
fn the_rollup_analyses_first_attempts_per_version_with_known_values() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    // Four learners: on tiny-1-001 two right (a), one picks b, one c; on three other questions
    // they score 3, 2, 1 and 0 — so their rest scores are 1, 2/3, 1/3 and 0.
    let plan: [(&str, u32, u64); 4] = [
        ("a", 3, 10_000),
        ("a", 2, 20_000),
        ("b", 1, 30_000),
        ("c", 0, 40_000),
    ];
    let mut first = None;
    for (picked, others_right, ms) in plan {
        let learner = stack.guest();
        let session = practice(&stack, &learner);
        answer(
            &stack,
            &learner,
            &session,
            "tiny-1-001",
            vec![picked.into()],
            ms,
        );
        for (at, other) in OTHERS.iter().enumerate() {
            let choice = if (at as u32) < others_right {
                key(other)
            } else {
                wrong(other)
            };
            answer(&stack, &learner, &session, other, choice, 5_000);
        }
        first.get_or_insert(learner);
    }
    // A second attempt is not a first attempt: the strong learner getting it wrong later
    // changes nothing.
    let again = first.unwrap();
    stack.platform.advance(60_000);
    let later = practice(&stack, &again);
    answer(
        &stack,
        &again,
        &later,
        "tiny-1-001",
        wrong("tiny-1-001"),
        90_000,
    );

    let before = stack.get(&admin, "/api/v1/admin/stats?exam=TINY-1");
    assert_eq!(
        before.json["items"],
        json!([]),
        "nothing until the rollup runs"
    );
    run_rollup(&stack);
    let table = stack.get(
        &admin,
        "/api/v1/admin/stats?exam=TINY-1&sort=discrimination&order=desc",
    );
    assert_eq!(table.status, 200, "{}", table.json);
    let x = item(&table.json, "tiny-1-001", 1);
    assert_eq!(x["responses"], 4);
    assert_eq!(x["facility"], 0.5);
    // M1 = 5/6, M0 = 1/6, s = 0.37268, √(.5 × .5) = .5: r = 0.89443.
    let r = x["discrimination"].as_f64().unwrap();
    assert!((r - 0.894_43).abs() < 1e-4, "{r}");
    assert_eq!(x["choice_shares"], json!([0.5, 0.25, 0.25, 0.0]));
    assert_eq!(x["median_ms"], 25_000);
    assert_eq!(x["flags"], json!([]), "four answers are too few to flag");
    assert_eq!(x["current"], true);
    assert_eq!(
        table.json["items"][0]["question"], "tiny-1-001",
        "sorted by discrimination"
    );

    // A new version starts its own statistics; the old one's stay readable.
    let current = stack.get(&admin, "/api/v1/admin/questions/tiny-1-001");
    let mut content = current.json["content"].clone();
    content["stem"] = json!("Which one of these is meant?");
    let saved = stack.put(
        &admin,
        "/api/v1/admin/questions/tiny-1-001",
        json!({"base_version": 1, "domain": "1", "content": content}),
    );
    assert_eq!(saved.status, 200, "{}", saved.json);
    let newcomer = stack.guest();
    let session = practice(&stack, &newcomer);
    answer(
        &stack,
        &newcomer,
        &session,
        "tiny-1-001",
        key("tiny-1-001"),
        7_000,
    );
    stack.platform.advance(ptp_domain::DAY_MS);
    run_rollup(&stack);
    // A day later the admin has signed in again (admin sessions last 12 hours).
    let admin = stack.sign_in(admin.user_id(), ptp_shared::UserKind::Member);
    let current_only = stack.get(&admin, "/api/v1/admin/stats?exam=TINY-1&sort=responses");
    let v2 = item(&current_only.json, "tiny-1-001", 2);
    assert_eq!(
        (v2["responses"].clone(), v2["facility"].clone()),
        (json!(1), json!(1.0))
    );
    assert!(
        current_only.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["current"] == true)
    );
    let all = stack.get(&admin, "/api/v1/admin/stats?exam=TINY-1&all_versions=true");
    assert_eq!(item(&all.json, "tiny-1-001", 1)["responses"], 4);
    assert_eq!(item(&all.json, "tiny-1-001", 1)["current"], false);
}

#[test]
fn the_console_lists_a_questions_flags_and_refuses_a_bad_sort() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    stack.db.run(
        "INSERT INTO item_stats (question_id, version, exam_code, responses, facility, discrimination, \
         choice_shares, median_ms, flags, computed_at) VALUES ('tiny-1-002', 1, 'TINY-1', 40, 0.95, -0.1, \
         '[0.0, 0.95, 0.05, 0.0]', 4000, '[\"too_easy\",\"negative_discrimination\",\"unused_distractor:a\"]', \
         '2026-12-01T00:00:00.000Z')",
    );
    let list = stack.get(&admin, "/api/v1/admin/questions?exam=TINY-1&limit=3");
    let flagged = list.json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "tiny-1-002")
        .unwrap();
    assert_eq!(
        flagged["flags"],
        json!(["too_easy", "negative_discrimination", "unused_distractor:a"])
    );
    assert_eq!(list.json["questions"][0]["flags"], json!([]));
    for bad in [
        "exam=TINY-1&sort=rank",
        "exam=TINY-1&order=up",
        "exam=TINY-1&limit=0",
        "exam=",
        "",
    ] {
        let reply = stack.get(&admin, &format!("/api/v1/admin/stats?{bad}"));
        assert_eq!(reply.status, 400, "{bad}: {}", reply.json);
    }
}
