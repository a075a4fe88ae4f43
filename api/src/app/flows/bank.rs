//! Import and export on the in-memory database: a dry run that writes nothing, a refused file
//! that changes nothing, an apply in one transaction, an export that imports back unchanged,
//! and files refused for their size or shape.

use serde_json::{Value, json};

use crate::testing::flow::{Caller, Reply, Stack};

fn question(id: &str, stem: &str, choices: [&str; 4]) -> Value {
    json!({
        "id": id,
        "domain": "2",
        "kind": "single",
        "stem": stem,
        "choices": choices.iter().enumerate().map(|(i, text)| {
            json!({"id": char::from(b'a' + i as u8).to_string(), "text": text})
        }).collect::<Vec<_>>(),
        "key": ["b"],
        "explanation": "**A** is clear text. **B** encrypts. **C** is clear text. **D** is clear text.",
        "references": ["RFC 4253"],
    })
}

fn good() -> [Value; 2] {
    [
        question(
            "tiny-1-2-ssh",
            "Which protocol encrypts remote shells?",
            ["Telnet", "SSH", "rlogin", "rsh"],
        ),
        question(
            "tiny-1-2-sftp",
            "Which protocol encrypts file transfers?",
            ["FTP", "SFTP", "TFTP", "RCP"],
        ),
    ]
}

fn import(stack: &Stack, admin: &Caller, query: &str, format: &str, body: &str) -> Reply {
    let media = if format == "json" {
        "application/json"
    } else {
        "application/toml"
    };
    stack.send(
        Some(admin),
        "POST",
        &format!("/api/v1/admin/import?exam=TINY-1&format={format}&{query}"),
        Some((media, body)),
    )
}

fn file(questions: &[Value]) -> String {
    json!({ "questions": questions }).to_string()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect()
}

fn bank_size(stack: &Stack) -> i64 {
    stack
        .db
        .count("SELECT count(*) FROM questions WHERE exam_code = 'TINY-1'")
}

#[test]
fn a_dry_run_reports_and_a_refused_file_changes_nothing() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let [ssh, sftp] = good();
    let twin = question(
        "tiny-1-2-twin",
        "Which protocol encrypts mail?",
        ["SMTP", "SMTPS", "smtps", "POP3"],
    );
    let body = file(&[ssh, sftp, twin]);
    let before = bank_size(&stack);

    let dry = import(&stack, &admin, "dry_run=true", "json", &body);
    assert_eq!(dry.status, 200, "{}", dry.json);
    assert_eq!(ids(&dry.json["created"]), ["tiny-1-2-ssh", "tiny-1-2-sftp"]);
    assert_eq!(
        dry.json["refused"],
        json!([{"position": 3, "id": "tiny-1-2-twin", "problems": [
            {"field": "choices", "reason": "B and C are the same choice"}
        ]}])
    );
    assert_eq!(dry.json["applied"], false);

    let refused = import(&stack, &admin, "dry_run=false", "json", &body);
    assert_eq!(refused.status, 400, "{}", refused.json);
    assert_eq!(refused.json["error"]["code"], "invalid_input");
    assert_eq!(
        refused.json["error"]["details"]["report"]["refused"][0]["id"],
        "tiny-1-2-twin"
    );
    assert_eq!(bank_size(&stack), before, "nothing was written");
    assert_eq!(stack.db.count("SELECT count(*) FROM audit_log"), 0);
}

#[test]
fn an_apply_writes_in_review_and_an_export_imports_back_unchanged() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let applied = import(&stack, &admin, "dry_run=false", "json", &file(&good()));
    assert_eq!(applied.status, 200, "{}", applied.json);
    assert_eq!(applied.json["applied"], true);
    let read = stack.get(&admin, "/api/v1/admin/questions/tiny-1-2-ssh");
    assert_eq!(read.json["status"], "in_review");
    assert_eq!(read.json["version"], 1);
    assert_eq!(
        stack
            .db
            .scalar("SELECT action || ' ' || target FROM audit_log")
            .as_deref(),
        Some("import exam:TINY-1")
    );

    let exported = stack.get(&admin, "/api/v1/admin/export?exam=TINY-1&status=in_review");
    assert_eq!(exported.status, 200);
    assert_eq!(exported.headers["content-type"], "application/toml");
    assert_eq!(
        exported.headers["content-disposition"],
        "attachment; filename=\"tiny-1-questions.toml\""
    );
    assert!(exported.text.contains("[[questions]]"), "{}", exported.text);
    let again = import(&stack, &admin, "dry_run=false", "toml", &exported.text);
    assert_eq!(again.status, 200, "{}", again.json);
    assert_eq!(
        ids(&again.json["unchanged"]),
        ["tiny-1-2-sftp", "tiny-1-2-ssh"]
    );
    assert_eq!(again.json["created"], json!([]));
    assert_eq!(again.json["changed"], json!([]));
    assert_eq!(
        stack.db.count("SELECT count(*) FROM audit_log"),
        1,
        "nothing to write, nothing logged"
    );

    let json = stack.get(
        &admin,
        "/api/v1/admin/export?exam=TINY-1&status=in_review&format=json",
    );
    assert_eq!(json.headers["content-type"], "application/json");
    assert_eq!(json.json["questions"].as_array().unwrap().len(), 2);

    let mut edited = good();
    edited[0]["stem"] = json!("Which protocol encrypts remote shells today?");
    let dry = import(&stack, &admin, "", "json", &file(&edited));
    assert_eq!(
        dry.json["changed"],
        json!([{"id": "tiny-1-2-ssh", "base_version": 1, "fields": ["stem"]}])
    );
    assert_eq!(dry.json["dry_run"], true, "a dry run unless told otherwise");
    let apply = import(&stack, &admin, "dry_run=false", "json", &file(&edited));
    assert_eq!(apply.status, 200, "{}", apply.json);
    let read = stack.get(&admin, "/api/v1/admin/questions/tiny-1-2-ssh");
    assert_eq!(read.json["version"], 2);
    assert_eq!(
        read.json["content"]["stem"],
        "Which protocol encrypts remote shells today?"
    );
}

#[test]
fn files_too_large_or_malformed_are_refused_before_anything_is_read() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let huge = format!("# {}", "x".repeat(5 * 1024 * 1024));
    let oversize = import(&stack, &admin, "dry_run=false", "toml", &huge);
    assert_eq!(oversize.status, 413, "{}", oversize.json);
    assert_eq!(oversize.json["error"]["code"], "payload_too_large");

    let broken = import(
        &stack,
        &admin,
        "dry_run=false",
        "toml",
        "[[questions]\nid = 1",
    );
    assert_eq!(broken.status, 400);
    assert_eq!(broken.json["error"]["details"]["field"], "file");
    let unknown = import(
        &stack,
        &admin,
        "",
        "json",
        r#"{"questions": [], "answers": []}"#,
    );
    assert_eq!(unknown.status, 400);
    let exam = stack.send(
        Some(&admin),
        "POST",
        "/api/v1/admin/import?exam=NOPE-1",
        Some(("application/toml", "questions = []")),
    );
    assert_eq!(exam.status, 404);
    assert_eq!(stack.db.count("SELECT count(*) FROM audit_log"), 0);
}

#[test]
fn learners_may_neither_import_nor_export() {
    let stack = Stack::new();
    let learner = stack.member("learner@example.com", false);
    assert_eq!(
        stack
            .get(&learner, "/api/v1/admin/export?exam=TINY-1")
            .status,
        403
    );
    let body = file(&good());
    let import = import(&stack, &learner, "dry_run=false", "json", &body);
    assert_eq!(import.status, 403);
    assert_eq!(bank_size(&stack), 10);
}
