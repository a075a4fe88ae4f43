//! Import and export on the local stack (Worker, sqld): the shipped bank of an exam exported and
//! checked back unchanged, a file with a refused question that changes nothing when applied,
//! and an oversize file refused before it is read. Nothing here is applied to learners' bank.

use serde_json::{Value, json};

use crate::support::{DATABASE, Fetch, local_control, local_sign_in_available, signed_in_admin};

fn report(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or_else(|err| panic!("{err}: {json}"))
}

#[tokio::test]
async fn the_published_bank_exports_and_checks_back_unchanged_and_a_refused_file_changes_nothing() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("import needs an admin, granted by the control server")
    else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let admin = signed_in_admin(&control, "bank-admin").await;
    let exported = admin
        .get("/api/v1/admin/export?exam=SY0-701&status=published")
        .await;
    assert_eq!(exported.status(), 200);
    assert_eq!(
        exported.headers()["content-disposition"],
        "attachment; filename=\"sy0-701-questions.toml\""
    );
    let toml = exported.text().await.unwrap();
    let checked = admin
        .request(
            reqwest::Method::POST,
            "/api/v1/admin/import?exam=SY0-701&format=toml&dry_run=true",
        )
        .header("content-type", "application/toml")
        .body(toml)
        .fetch()
        .await;
    assert_eq!(checked.status(), 200);
    let checked = report(&checked.text().await.unwrap());
    assert_eq!(checked["refused"], json!([]), "{checked}");
    assert_eq!(checked["changed"], json!([]), "{checked}");
    assert_eq!(checked["created"], json!([]));
    let unchanged = checked["unchanged"].as_array().unwrap().len();
    assert!(unchanged >= 60, "{unchanged} published SY0-701 questions");
    assert_eq!(checked["questions"], unchanged);

    let new_id = format!("sy0-701-1.0-import{}", std::process::id());
    let question = |id: &str, choices: [&str; 4]| {
        json!({
            "id": id, "domain": "1.0", "kind": "single",
            "stem": format!("Which control category does a security guard at a door belong to? ({id})"),
            "choices": choices.iter().enumerate().map(|(i, text)| json!({"id": char::from(b'a' + i as u8).to_string(), "text": text})).collect::<Vec<_>>(),
            "key": ["b"],
            "explanation": "**A** is technical. **B** is physical. **C** is managerial. **D** is a type, not a category.",
            "references": ["CompTIA Security+ SY0-701 Objective 1.1"],
        })
    };
    let file = json!({"questions": [
        question(&new_id, ["Technical", "Physical", "Managerial", "Deterrent"]),
        question(&format!("{new_id}b"), ["Technical", "Physical", "physical", "Deterrent"]),
    ]});
    let apply = admin
        .post_json(
            "/api/v1/admin/import?exam=SY0-701&format=json&dry_run=false",
            file,
        )
        .await;
    assert_eq!(apply.status(), 400);
    let refused = report(&apply.text().await.unwrap());
    let details = &refused["error"]["details"]["report"];
    assert_eq!(details["created"], json!([new_id]));
    assert_eq!(
        details["refused"][0]["problems"][0]["reason"],
        "B and C are the same choice"
    );
    let absent = admin
        .get(&format!("/api/v1/admin/questions/{new_id}"))
        .await;
    assert_eq!(absent.status(), 404, "a refused file wrote nothing");

    let huge = format!("# {}", "x".repeat(5 * 1024 * 1024));
    let oversize = admin
        .request(
            reqwest::Method::POST,
            "/api/v1/admin/import?exam=SY0-701&format=toml",
        )
        .header("content-type", "application/toml")
        .body(huge)
        .fetch()
        .await;
    assert_eq!(oversize.status(), 413);
}
