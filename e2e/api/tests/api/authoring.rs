//! The console's authoring on the local stack (Worker, sqld): a draft written and refused for a
//! rule, the status rules, two admins saving the same version, and a learner refused every admin
//! operation the contract lists. Drafts only: nothing here reaches the learners other tests
//! count on.

use ptp_shared::{AdminQuestion, ErrorBody};
use serde_json::{Value, json};

use crate::support::{
    Browser, DATABASE, client, local_control, local_sign_in_available, signed_in_admin, url,
};

fn content(first_choice: &str) -> Value {
    json!({
        "kind": "single",
        "stem": "Which port does SMTP submission with STARTTLS use by default?",
        "choices": [first_choice, "587", "110", "143"],
        "key": ["b"],
        "explanation": "**A** is not it. **B** is submission (RFC 6409). **C** is POP3. **D** is IMAP.",
        "references": ["RFC 6409, section 3.1"],
    })
}

#[tokio::test]
async fn a_draft_is_refused_for_a_rule_then_saved_and_a_stale_save_is_refused() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("authoring needs an admin, granted by the control server")
    else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let first = signed_in_admin(&control, "author-one").await;
    let second = signed_in_admin(&control, "author-two").await;

    let twice = first
        .post_json(
            "/api/v1/admin/questions",
            json!({"exam": "SY0-701", "domain": "3.0", "content": content("587")}),
        )
        .await;
    assert_eq!(twice.status(), 400);
    let body: ErrorBody = twice.json().await.unwrap();
    let details = body.error.details.unwrap();
    assert_eq!(details["field"], "choices");
    assert_eq!(details["reason"], "A and B are the same choice");

    let created = first
        .post_json(
            "/api/v1/admin/questions",
            json!({"exam": "SY0-701", "domain": "3.0", "content": content("25")}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let draft: AdminQuestion = created.json().await.unwrap();
    let path = format!("/api/v1/admin/questions/{}", draft.id);

    let early = first
        .post_json(
            &format!("{path}/status"),
            json!({"status": "published", "base_version": 1}),
        )
        .await;
    assert_eq!(
        early.status(),
        409,
        "a draft is reviewed before it is published"
    );

    let mut edit = content("25");
    edit["stem"] = json!("By default, which port does SMTP message submission use?");
    let saved = first
        .put_json(
            &path,
            json!({"base_version": 1, "domain": "3.0", "content": edit}),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let late = second
        .put_json(
            &path,
            json!({"base_version": 1, "domain": "3.0", "content": content("26")}),
        )
        .await;
    assert_eq!(late.status(), 409);
    let body: ErrorBody = late.json().await.unwrap();
    let details = body.error.details.unwrap();
    assert_eq!(details["current_version"], 2);
    assert_eq!(details["current"]["content"]["stem"], edit["stem"]);

    let history = second.get(&format!("{path}/versions")).await;
    let history: ptp_shared::QuestionHistory = history.json().await.unwrap();
    assert_eq!(
        history
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [2, 1],
        "the stale save wrote nothing"
    );
}

#[tokio::test]
async fn a_learner_is_refused_every_admin_operation_in_the_contract() {
    let _db = DATABASE.read().await;
    if local_control("a learner needs the local sign-in").is_none()
        || !local_sign_in_available().await
    {
        return;
    }
    let mut learner = Browser::anonymous();
    learner
        .sign_in(&crate::support::unique_email("not-an-admin"))
        .await;
    let document: Value = client()
        .get(url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut refused = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/admin/") {
            continue;
        }
        let concrete = path
            .replace("{id}", "sy0-701-1.0-001")
            .replace("{version}", "1");
        for method in operations.as_object().unwrap().keys() {
            let reply = match method.as_str() {
                "get" => learner.get(&concrete).await,
                "post" => learner.post_json(&concrete, json!({})).await,
                "put" => learner.put_json(&concrete, json!({})).await,
                other => panic!("no admin operation uses {other}"),
            };
            assert_eq!(reply.status(), 403, "{method} {path}");
            refused += 1;
        }
    }
    assert!(refused >= 14, "{refused} admin operations");
}
