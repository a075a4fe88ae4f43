//! The account on the in-memory database: API keys from creation to revocation, the profile,
//! the export, signing out everywhere, deleting an account, and a guest's history merged into
//! the member who signs in.

use ptp_domain::UserId;
use serde_json::json;

use crate::ports::Platform;
use crate::store::users;
use crate::testing::bank::key;
use crate::testing::block_on;
use crate::testing::flow::{Caller, Stack};

fn practise_one(stack: &Stack, learner: &Caller) -> (String, String) {
    let started = stack.post(
        learner,
        "/api/v1/sessions",
        json!({"exam": "TINY-1", "mode": "practice", "count": 1}),
    );
    assert_eq!(started.status, 201, "{}", started.json);
    let session = started.json["id"].as_str().unwrap().to_string();
    let question = started.json["items"][0]["question"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let answered = stack.post(
        learner,
        &format!("/api/v1/sessions/{session}/answers"),
        json!({"question": question, "answer": key(&question), "elapsed_ms": 20_000}),
    );
    assert_eq!(answered.status, 200, "{}", answered.json);
    (session, question)
}

#[test]
fn an_api_key_works_within_its_scopes_until_it_is_revoked() {
    let stack = Stack::new();
    let member = stack.member("ada@example.com", false);
    let created = stack.post(
        &member,
        "/api/v1/me/api-keys",
        json!({"name": "CI", "scopes": ["progress:read"]}),
    );
    assert_eq!(created.status, 201, "{}", created.json);
    let secret = created.json["secret"].as_str().unwrap().to_string();
    let key_id = created.json["key"]["id"].as_str().unwrap().to_string();
    assert!(secret.starts_with("ptp_"));
    assert!(
        stack
            .db
            .scalar(&format!(
                "SELECT secret_hash FROM api_keys WHERE id = '{key_id}'"
            ))
            .is_some_and(|hash| !hash.contains(&secret)),
        "only a hash is stored"
    );

    let by_key = Caller::Key(secret.clone());
    assert_eq!(stack.get(&by_key, "/api/v1/me/progress").status, 200);
    let out_of_scope = stack.get(&by_key, "/api/v1/me");
    assert_eq!(out_of_scope.status, 403);
    let listed = stack.get(&member, "/api/v1/me/api-keys");
    assert_eq!(listed.json["keys"][0]["name"], "CI");
    assert!(
        listed.json["keys"][0]["last_used_at"].is_string(),
        "its use is recorded"
    );

    let revoked = stack.call(
        Some(&member),
        "DELETE",
        &format!("/api/v1/me/api-keys/{key_id}"),
        None,
    );
    assert_eq!(revoked.status, 204);
    let after = stack.get(&by_key, "/api/v1/me/progress");
    assert_eq!(after.status, 401);
    let again = stack.call(
        Some(&member),
        "DELETE",
        &format!("/api/v1/me/api-keys/{key_id}"),
        None,
    );
    assert_eq!(again.status, 404, "a revoked key is not revoked twice");
}

#[test]
fn revoking_every_key_at_once_leaves_none_working() {
    let stack = Stack::new();
    let member = stack.member("grace@example.com", false);
    let secrets: Vec<String> = ["one", "two"]
        .iter()
        .map(|name| {
            let created = stack.post(
                &member,
                "/api/v1/me/api-keys",
                json!({"name": name, "scopes": ["profile:read"]}),
            );
            assert_eq!(created.status, 201);
            created.json["secret"].as_str().unwrap().to_string()
        })
        .collect();
    let all = stack.call(Some(&member), "DELETE", "/api/v1/me/api-keys", None);
    assert_eq!(all.status, 200, "{}", all.json);
    assert_eq!(all.json["revoked"], 2);
    for secret in secrets {
        assert_eq!(stack.get(&Caller::Key(secret), "/api/v1/me").status, 401);
    }
}

#[test]
fn the_profile_changes_field_by_field_and_a_bad_goal_changes_nothing() {
    let stack = Stack::new();
    let member = stack.member("lin@example.com", false);
    let patched = stack.call(
        Some(&member),
        "PATCH",
        "/api/v1/me",
        Some(json!({"display_name": " Lin ", "target_exam": "tiny-1"})),
    );
    assert_eq!(patched.status, 200, "{}", patched.json);
    assert_eq!(patched.json["display_name"], "Lin");
    assert_eq!(patched.json["target_exam"], "TINY-1");
    assert_eq!(patched.json["daily_goal"], 20);
    let bad = stack.call(
        Some(&member),
        "PATCH",
        "/api/v1/me",
        Some(json!({"display_name": "Other", "daily_goal": 0})),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(stack.get(&member, "/api/v1/me").json["display_name"], "Lin");
}

#[test]
fn signing_out_everywhere_ends_every_session_of_the_user() {
    let stack = Stack::new();
    let phone = stack.member("kim@example.com", false);
    let laptop = stack.sign_in(phone.user_id(), ptp_shared::UserKind::Member);
    let out = stack.post(&phone, "/api/v1/auth/sign-out-everywhere", json!({}));
    assert_eq!(out.status, 204, "{}", out.json);
    assert_eq!(stack.get(&laptop, "/api/v1/me").status, 401);
    assert_eq!(stack.get(&phone, "/api/v1/me").status, 401);
}

#[test]
fn the_export_holds_the_history_and_deleting_the_account_erases_it() {
    let stack = Stack::new();
    let member = stack.member("sam@example.com", false);
    let (session, question) = practise_one(&stack, &member);
    let filed = stack.post(
        &member,
        &format!("/api/v1/questions/{question}/reports"),
        json!({"reason": "typo", "details": "A typo."}),
    );
    assert_eq!(filed.status, 201, "{}", filed.json);

    let export = stack.get(&member, "/api/v1/me/export");
    assert_eq!(export.status, 200);
    assert_eq!(export.json["sessions"][0]["session"], session.as_str());

    let wrong_email = stack.call(
        Some(&member),
        "DELETE",
        "/api/v1/me",
        Some(json!({"confirm_email": "someone@example.com"})),
    );
    assert_eq!(wrong_email.status, 400);
    let deleted = stack.call(
        Some(&member),
        "DELETE",
        "/api/v1/me",
        Some(json!({"confirm_email": "sam@example.com"})),
    );
    assert_eq!(deleted.status, 204, "{}", deleted.json);
    let user = member.user_id();
    for table in ["responses", "study_sessions", "review_cards", "api_keys"] {
        assert_eq!(
            stack.db.count(&format!(
                "SELECT count(*) FROM {table} WHERE user_id = '{user}'"
            )),
            0,
            "{table}"
        );
    }
    assert_eq!(
        stack
            .db
            .count("SELECT count(*) FROM question_reports WHERE user_id IS NULL"),
        1,
        "the report stays, without its author"
    );
    assert_eq!(stack.get(&member, "/api/v1/me").status, 401);
}

#[test]
fn a_guest_merged_into_a_member_keeps_every_session_and_the_members_own_cards() {
    let stack = Stack::new();
    let guest = stack.guest();
    let (session, question) = practise_one(&stack, &guest);
    let member = stack.member("eve@example.com", false);
    // The member has reviewed the same question already: their card is the one kept.
    stack.db.run(&format!(
        "INSERT INTO review_cards (user_id, question_id, exam_code, stability, difficulty, due_at, \
         last_review_at, reps, lapses) VALUES ('{}', '{question}', 'TINY-1', 9.0, 5.0, \
         '2026-12-24T00:00:00.000Z', '2026-11-20T00:00:00.000Z', 4, 0)",
        member.user_id()
    ));
    block_on(users::merge_guest(
        stack.platform.database().unwrap(),
        &UserId::trusted(guest.user_id()),
        &UserId::trusted(member.user_id()),
    ))
    .unwrap();

    let history = stack.get(&member, "/api/v1/me/export");
    assert_eq!(history.json["sessions"][0]["session"], session.as_str());
    assert_eq!(
        stack.db.scalar(&format!(
            "SELECT reps FROM review_cards WHERE user_id = '{}' AND question_id = '{question}'",
            member.user_id()
        )),
        Some("4".into())
    );
    assert_eq!(
        stack.db.count(&format!(
            "SELECT count(*) FROM users WHERE id = '{}'",
            guest.user_id()
        )),
        0,
        "the guest is gone"
    );
    assert_eq!(stack.get(&guest, "/api/v1/me").status, 401);
}
