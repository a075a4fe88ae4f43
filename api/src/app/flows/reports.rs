//! The catalogue and the report queue on the in-memory database: cached public reads, a report
//! filed, resolved by an admin with a correction (version bumped, cache purged), and refusals.

use serde_json::json;

use crate::testing::flow::Stack;

fn header<'a>(reply: &'a crate::testing::flow::Reply, name: &str) -> &'a str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[test]
fn the_catalogue_lists_what_is_published_without_keys_and_serves_repeats_from_the_cache() {
    let stack = Stack::new();
    stack
        .db
        .run("UPDATE questions SET status = 'draft' WHERE id = 'tiny-2-004'");
    let exams = stack.call(None, "GET", "/api/v1/exams", None);
    assert_eq!(exams.status, 200);
    let tiny = exams.json["exams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|exam| exam["code"] == "TINY-1")
        .expect("TINY-1 is listed");
    assert_eq!(tiny["bank_size"], 9, "a draft is not in the bank");

    let detail = stack.call(None, "GET", "/api/v1/exams/TINY-1", None);
    assert_eq!(detail.json["domains"][0]["bank_size"], 6);
    assert_eq!(detail.json["domains"][1]["bank_size"], 3);

    let path = "/api/v1/exams/TINY-1/questions?limit=20";
    let first = stack.call(None, "GET", path, None);
    assert_eq!(first.status, 200);
    assert_eq!(header(&first, "x-cache"), "MISS");
    let listed = first.json["questions"].as_array().unwrap();
    assert_eq!(listed.len(), 9);
    assert!(
        listed.iter().all(|q| q["solution"].is_null()),
        "never the key"
    );
    let first_question = &listed[0];
    assert_eq!(first_question["id"], "tiny-1-001");
    assert_eq!(
        (
            &first_question["stem_html"],
            &first_question["choices"][0]["html"]
        ),
        (
            &json!("<p>What does tiny-1-001 ask?</p>\n"),
            &json!("Choice 1 of tiny-1-001")
        ),
        "a row stored without its rendering (from before migration 0007) is rendered as read"
    );
    let again = stack.call(None, "GET", path, None);
    assert_eq!(header(&again, "x-cache"), "HIT");

    assert_eq!(
        stack.call(None, "GET", "/api/v1/exams/NOPE-1", None).status,
        404
    );
}

#[test]
fn a_resolved_report_corrects_the_question_bumps_its_version_and_purges_the_cache() {
    let stack = Stack::new();
    let learner = stack.guest();
    let filed = stack.post(
        &learner,
        "/api/v1/questions/tiny-1-001/reports",
        json!({"reason": "unclear", "details": "  Which one is meant?  "}),
    );
    assert_eq!(filed.status, 201, "{}", filed.json);
    assert_eq!(filed.json["details"], "Which one is meant?");
    assert_eq!(filed.json["question_version"], 1);
    let report = filed.json["id"].as_str().unwrap().to_string();

    let path = "/api/v1/exams/TINY-1/questions?limit=20";
    assert_eq!(
        header(&stack.call(None, "GET", path, None), "x-cache"),
        "MISS"
    );
    assert_eq!(
        header(&stack.call(None, "GET", path, None), "x-cache"),
        "HIT"
    );

    assert_eq!(
        stack.get(&learner, "/api/v1/admin/reports").status,
        403,
        "the queue is for admins"
    );
    let admin = stack.member("admin@example.com", true);
    let queue = stack.get(&admin, "/api/v1/admin/reports");
    assert_eq!(queue.status, 200);
    assert_eq!(queue.json["reports"][0]["id"], report.as_str());

    let unfit = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{report}/resolve"),
        json!({"resolution": "resolve", "note": "Key", "edit": {"key": ["a", "b"]}}),
    );
    assert_eq!(unfit.status, 400, "a single-answer question keeps one key");
    let unexplained = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{report}/resolve"),
        json!({"resolution": "resolve", "note": "Shorter", "edit": {"explanation": "It is A."}}),
    );
    assert_eq!(
        unexplained.status, 400,
        "an edit is held to the loader's rules: every choice explained"
    );
    assert_eq!(unexplained.json["error"]["details"]["field"], "explanation");
    assert_eq!(
        stack
            .db
            .scalar("SELECT version FROM questions WHERE id = 'tiny-1-001'"),
        Some("1".into()),
        "a refused edit changes nothing"
    );
    let resolved = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{report}/resolve"),
        json!({"resolution": "resolve", "note": "Reworded", "edit": {"stem": "Which *protocol* is meant <here>?"}}),
    );
    assert_eq!(resolved.status, 200, "{}", resolved.json);
    assert_eq!(resolved.json["status"], "resolved");
    assert_eq!(resolved.json["resolution_note"], "Reworded");
    assert_eq!(
        stack
            .db
            .scalar("SELECT version || ' ' || stem FROM questions WHERE id = 'tiny-1-001'"),
        Some("2 Which *protocol* is meant <here>?".into())
    );
    assert_eq!(
        stack
            .db
            .scalar("SELECT stem_html FROM questions WHERE id = 'tiny-1-001'"),
        Some("<p>Which <em>protocol</em> is meant &lt;here&gt;?</p>\n".into()),
        "the correction is stored rendered, its raw HTML escaped"
    );

    let fresh = stack.call(None, "GET", path, None);
    assert_eq!(
        header(&fresh, "x-cache"),
        "MISS",
        "the edit purged the cache"
    );
    let reworded = fresh.json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "tiny-1-001")
        .unwrap()
        .clone();
    assert_eq!(reworded["stem"], "Which *protocol* is meant <here>?");
    assert_eq!(
        reworded["stem_html"],
        "<p>Which <em>protocol</em> is meant &lt;here&gt;?</p>\n"
    );
    assert_eq!(reworded["version"], 2);

    let twice = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{report}/resolve"),
        json!({"resolution": "dismiss", "note": "Again"}),
    );
    assert_eq!(twice.status, 409);
    assert_eq!(
        stack
            .post(
                &learner,
                "/api/v1/questions/no-such-question/reports",
                json!({"reason": "typo"}),
            )
            .status,
        404
    );
}

#[test]
fn a_stored_key_that_fits_no_choice_is_an_error_never_served() {
    let stack = Stack::new();
    // The schema's CHECKs keep unknown names out of every enum column; a key is JSON they cannot see.
    stack
        .db
        .run("UPDATE questions SET answer_key = '[\"z\"]', version = version + 1 WHERE id = 'tiny-1-001'");
    let listed = stack.call(None, "GET", "/api/v1/exams/TINY-1/questions?limit=20", None);
    assert_eq!(listed.status, 500, "{}", listed.json);
    assert_eq!(listed.json["error"]["code"], "internal");
}
