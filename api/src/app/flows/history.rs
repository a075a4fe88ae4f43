//! The bank's history: every version a question had, and the audit log of what admins did.

use serde_json::json;

use crate::testing::flow::Stack;

fn report(stack: &Stack, question: &str) -> String {
    let learner = stack.guest();
    let filed = stack.post(
        &learner,
        &format!("/api/v1/questions/{question}/reports"),
        json!({"reason": "unclear", "details": "Which one is meant?"}),
    );
    assert_eq!(filed.status, 201, "{}", filed.json);
    filed.json["id"].as_str().unwrap().to_string()
}

#[test]
fn a_correction_keeps_the_old_version_readable_and_is_logged_with_its_diff() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let before = stack.get(&admin, "/api/v1/admin/questions/tiny-1-001/versions");
    assert_eq!(before.status, 200, "{}", before.json);
    let original = before.json["versions"][0]["stem"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(before.json["versions"].as_array().unwrap().len(), 1);

    let resolved = report(&stack, "tiny-1-001");
    let refused = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{resolved}/resolve"),
        json!({"resolution": "resolve", "note": "Key", "edit": {"key": ["a", "b"]}}),
    );
    assert_eq!(refused.status, 400);
    assert_eq!(
        stack.db.count("SELECT count(*) FROM audit_log"),
        0,
        "a refused edit leaves no record"
    );
    let done = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{resolved}/resolve"),
        json!({"resolution": "resolve", "note": "Reworded", "edit": {"stem": "Which protocol is meant?"}}),
    );
    assert_eq!(done.status, 200, "{}", done.json);

    let history = stack.get(&admin, "/api/v1/admin/questions/tiny-1-001/versions");
    let versions = history.json["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[0]["stem"], "Which protocol is meant?");
    assert_eq!(versions[0]["changed_by"], admin.user_id());
    assert_eq!(versions[1]["version"], 1);
    assert_eq!(
        versions[1]["stem"],
        original.as_str(),
        "the answered text stays"
    );

    let dismissed = report(&stack, "tiny-1-002");
    let closed = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{dismissed}/resolve"),
        json!({"resolution": "dismiss", "note": "Clear as written"}),
    );
    assert_eq!(closed.status, 200, "{}", closed.json);

    let log = stack.get(&admin, "/api/v1/admin/audit?limit=1");
    assert_eq!(log.status, 200, "{}", log.json);
    let newest = &log.json["entries"][0];
    assert_eq!(newest["action"], "report_dismiss");
    assert_eq!(newest["target"], format!("report:{dismissed}"));
    assert_eq!(newest["diff"]["status"], json!(["open", "dismissed"]));
    let older = stack.get(
        &admin,
        &format!(
            "/api/v1/admin/audit?limit=1&before={}",
            log.json["next_before"]
        ),
    );
    let entry = &older.json["entries"][0];
    assert_eq!(entry["action"], "report_resolve");
    assert_eq!(entry["actor"], admin.user_id());
    assert_eq!(entry["diff"]["question"], "tiny-1-001");
    assert_eq!(
        entry["diff"]["stem"],
        json!([original, "Which protocol is meant?"])
    );
    assert_eq!(entry["diff"]["note"], "Reworded");
    assert!(entry["diff"].get("key").is_none(), "only what changed");
    assert_eq!(older.json["next_before"], serde_json::Value::Null);
    let about = stack.get(
        &admin,
        &format!("/api/v1/admin/audit?target=report:{resolved}"),
    );
    assert_eq!(about.json["entries"].as_array().unwrap().len(), 1);
}

#[test]
fn the_log_cannot_be_changed_and_learners_read_none_of_the_history() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let dismissed = report(&stack, "tiny-1-001");
    stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{dismissed}/resolve"),
        json!({"resolution": "dismiss", "note": "Fine"}),
    );
    assert!(
        stack
            .db
            .try_run("UPDATE audit_log SET actor = 'someone else'")
            .unwrap_err()
            .contains("append-only")
    );
    assert!(stack.db.try_run("DELETE FROM audit_log").is_err());
    assert_eq!(stack.db.count("SELECT count(*) FROM audit_log"), 1);

    let learner = stack.guest();
    for path in [
        "/api/v1/admin/audit",
        "/api/v1/admin/questions/tiny-1-001/versions",
    ] {
        assert_eq!(stack.get(&learner, path).status, 403, "{path}");
    }
    for bad in ["limit=0", "limit=201", "before=0", "target="] {
        let reply = stack.get(&admin, &format!("/api/v1/admin/audit?{bad}"));
        assert_eq!(reply.status, 400, "{bad}");
    }
    assert_eq!(
        stack
            .get(&admin, "/api/v1/admin/questions/no-such-question/versions")
            .status,
        404
    );
}

#[test]
fn a_correction_made_to_a_version_another_admin_replaced_meanwhile_is_refused_whole() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let reported = report(&stack, "tiny-1-001");
    // Between this admin reading the question and writing the correction, another one saves a
    // new version of it.
    stack.db.interleave(
        "UPDATE question_reports",
        &[
            "UPDATE questions SET stem = 'Changed meanwhile', version = version + 1, \
           updated_by = 'other-admin' WHERE id = 'tiny-1-001'",
        ],
    );
    let late = stack.post(
        &admin,
        &format!("/api/v1/admin/reports/{reported}/resolve"),
        json!({"resolution": "resolve", "note": "Reworded", "edit": {"stem": "Mine"}}),
    );
    assert_eq!(late.status, 409, "{}", late.json);
    assert_eq!(
        stack
            .db
            .scalar("SELECT version || ' ' || stem FROM questions WHERE id = 'tiny-1-001'"),
        Some("2 Changed meanwhile".into()),
        "the other admin's version stands"
    );
    assert_eq!(stack.db.count("SELECT count(*) FROM audit_log"), 0);
    assert_eq!(
        stack.db.scalar(&format!(
            "SELECT status FROM question_reports WHERE id = '{reported}'"
        )),
        Some("open".into())
    );
}
