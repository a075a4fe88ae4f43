//! The session handlers against a scripted database: what they refuse, and that a refusal
//! writes nothing.

use ptp_shared::{ErrorCode, UserKind};

use crate::testing::hrana::{guest_row, int, pipeline, rows, text, tiny_domains, tiny_exam};
use crate::testing::{
    FakePlatform, SITE, ScriptedTransport, block_on, read_error, request, session_cookie,
};

/// What `draws::candidates` reads for a small exam: two domains weighted 60/40 whose bank
/// holds three questions of the first and one of the second.
fn small_bank() -> String {
    let exam = tiny_exam(4);
    let domains = tiny_domains(&[("1", "One", 60, 3), ("2", "Two", 40, 1)]);
    let candidates = rows(
        &["id", "domain_code", "mocked"],
        [("q1", "1"), ("q2", "1"), ("q3", "1"), ("q4", "2")]
            .iter()
            .map(|(id, domain)| vec![text(id), text(domain), int(0)])
            .collect(),
    );
    pipeline(vec![exam, domains, candidates])
}

/// The database of these tests: the small bank, and the guest every request comes from.
fn database() -> ScriptedTransport {
    ScriptedTransport::replying(200, &small_bank())
        .when("FROM users WHERE id", &guest_row("guest-1"))
}

/// Requests that were not the edge reading the caller's row.
fn handler_requests(database: &ScriptedTransport) -> usize {
    database
        .requests()
        .iter()
        .filter(|r| {
            !r.body
                .as_deref()
                .unwrap_or("")
                .contains("FROM users WHERE id")
        })
        .count()
}

fn guest_cookie(platform: &FakePlatform) -> String {
    session_cookie(
        platform,
        "guest-1",
        (UserKind::Guest, ptp_shared::Role::Learner),
        0,
    )
}

fn start(platform: &FakePlatform, body: &str) -> axum::response::Response {
    let cookie = guest_cookie(platform);
    block_on(request(
        platform.clone(),
        "POST",
        "/api/v1/sessions",
        &[
            ("cookie", &cookie),
            ("origin", SITE),
            ("content-type", "application/json"),
        ],
        body,
    ))
}

#[test]
fn a_mock_the_bank_cannot_fill_is_refused_with_the_shortfall_and_nothing_is_written() {
    let database = database();
    let platform = FakePlatform::healthy().with_database(database.clone());
    let response = start(&platform, r#"{"exam": "TINY-1", "mode": "mock"}"#);
    assert_eq!(response.status(), 409);
    let error = read_error(response).error;
    assert_eq!(error.code, ErrorCode::Conflict);
    assert!(
        error.message.contains("6 question(s) short"),
        "{}",
        error.message
    );
    let details = error.details.expect("the shortfall in details");
    assert_eq!(details["shortfall"], 6);
    assert_eq!(details["domains"][0]["domain"], "1");
    assert_eq!(details["domains"][0]["needed"], 6);
    assert_eq!(details["domains"][0]["available"], 3);
    assert_eq!(details["domains"][1]["needed"], 4);
    assert_eq!(details["domains"][1]["available"], 1);
    assert_eq!(handler_requests(&database), 1, "one read, and no write");
}

#[test]
fn a_shorter_mock_still_short_in_a_domain_is_refused() {
    // Five questions at 60/40 need three and two: still one short in domain 2.
    let database = database();
    let platform = FakePlatform::healthy().with_database(database.clone());
    let five = start(
        &platform,
        r#"{"exam": "TINY-1", "mode": "mock", "count": 5}"#,
    );
    assert_eq!(five.status(), 409);
    assert_eq!(read_error(five).error.details.unwrap()["shortfall"], 1);
    assert_eq!(handler_requests(&database), 1, "one read, and no write");
}

#[test]
fn bad_requests_are_refused_before_any_write() {
    let database = database();
    let platform = FakePlatform::healthy().with_database(database.clone());
    for (body, field) in [
        (
            r#"{"exam": "TINY-1", "mode": "mock", "count": 11}"#,
            "count",
        ),
        (r#"{"exam": "TINY-1", "mode": "mock", "count": 0}"#, "count"),
        (
            r#"{"exam": "TINY-1", "mode": "practice", "count": 51}"#,
            "count",
        ),
        (
            r#"{"exam": "TINY-1", "mode": "practice", "domains": []}"#,
            "domains",
        ),
        (
            r#"{"exam": "TINY-1", "mode": "practice", "domains": ["9"]}"#,
            "domains",
        ),
        (
            r#"{"exam": "TINY-1", "mode": "mock", "filter": "due"}"#,
            "mode",
        ),
    ] {
        let before = handler_requests(&database);
        let response = start(&platform, body);
        assert_eq!(response.status(), 400, "{body}");
        let error = read_error(response).error;
        assert_eq!(error.code, ErrorCode::InvalidInput, "{body}");
        assert_eq!(error.details.unwrap()["field"], field, "{body}");
        assert!(
            handler_requests(&database) - before <= 1,
            "{body}: at most the read"
        );
    }
}
