//! Admins' sessions are shorter than learners': two hours idle, twelve after signing in with
//! Google (also when the role came during a longer session), so every admin operation rests on
//! a recent sign-in.

use crate::testing::flow::{Caller, Reply, Stack};

const MINUTE_MS: u64 = 60_000;
const HOUR_MS: u64 = 60 * MINUTE_MS;

/// The caller with the cookie `reply` reissued, if it reissued one.
fn follow(caller: &Caller, reply: &Reply) -> Caller {
    let reissued = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-ptp_session=") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    match (caller, reissued) {
        (Caller::Cookie { user_id, .. }, Some(cookie)) => Caller::Cookie {
            user_id: user_id.clone(),
            cookie,
        },
        _ => caller.clone(),
    }
}

fn max_age(reply: &Reply) -> Option<String> {
    let cookie = reply.headers.get("set-cookie")?.to_str().ok()?;
    cookie
        .split("; ")
        .find_map(|part| part.strip_prefix("Max-Age="))
        .map(str::to_string)
}

const CONSOLE: &str = "/api/v1/admin/questions?limit=1";

#[test]
fn an_unattended_admin_session_closes_after_two_hours_a_learners_does_not() {
    let stack = Stack::new();
    let admin = stack.member("admin@example.com", true);
    let learner = stack.member("learner@example.com", false);
    stack.platform.advance(11 * MINUTE_MS);
    let refreshed = stack.get(&admin, CONSOLE);
    assert_eq!(refreshed.status, 200);
    assert_eq!(max_age(&refreshed).as_deref(), Some("7200"));
    let theirs = stack.get(&learner, "/api/v1/me");
    assert_eq!(max_age(&theirs).as_deref(), Some("43200"));

    stack.platform.advance(2 * HOUR_MS);
    assert_eq!(stack.get(&follow(&admin, &refreshed), CONSOLE).status, 401);
    assert_eq!(
        stack.get(&follow(&learner, &theirs), "/api/v1/me").status,
        200
    );
}

#[test]
fn an_admin_signs_in_again_twelve_hours_after_signing_in_however_active() {
    let stack = Stack::new();
    let mut admin = stack.member("admin@example.com", true);
    let mut learner = stack.member("learner@example.com", false);
    for _ in 0..7 {
        stack.platform.advance(90 * MINUTE_MS);
        let reply = stack.get(&admin, CONSOLE);
        assert_eq!(reply.status, 200, "{}", reply.json);
        admin = follow(&admin, &reply);
        learner = follow(&learner, &stack.get(&learner, "/api/v1/me"));
    }
    // 10.5 hours in; 12 hours and a minute after signing in, the admin's session is over.
    stack.platform.advance(91 * MINUTE_MS);
    let refused = stack.get(&admin, CONSOLE);
    assert_eq!(refused.status, 401, "{}", refused.json);
    assert_eq!(refused.code(), Some("unauthorized"));
    assert_eq!(
        max_age(&refused).as_deref(),
        Some("0"),
        "the cookie is dropped"
    );
    assert_eq!(stack.get(&learner, "/api/v1/me").status, 200);

    // Made an admin 12 hours into a session: the console waits for a fresh sign-in.
    stack
        .db
        .run("UPDATE users SET role = 'admin' WHERE email = 'learner@example.com'");
    assert_eq!(stack.get(&learner, CONSOLE).status, 401);
    let fresh = stack.sign_in(learner.user_id(), ptp_shared::UserKind::Member);
    assert_eq!(stack.get(&fresh, CONSOLE).status, 200);
}
