//! Sign-in on a host Google cannot know (a pull request's preview): the start sends Google to
//! the relay with the host in the state; the relay passes the answer on to that host only.

use std::collections::BTreeMap;

use crate::testing::{FakePlatform, ScriptedTransport, block_on, get};

const RELAY: &str = "https://staging.ptp.test/api/v1/auth/google/relay";

fn location(response: &axum::response::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

#[test]
fn a_preview_sends_google_to_the_relay_with_its_host_in_the_state() {
    let discovery = serde_json::json!({
        "issuer": "https://idp.test",
        "authorization_endpoint": "https://idp.test/authorize",
        "token_endpoint": "https://idp.test/token",
        "jwks_uri": "https://idp.test/jwks",
    });
    let preview = FakePlatform::healthy()
        .with_settings(&[("GOOGLE_REDIRECT_VIA", RELAY)])
        .with_http(ScriptedTransport::replying(404, "").at_url(
            "/.well-known/openid-configuration",
            200,
            &discovery.to_string(),
        ));
    let response = block_on(get(preview, "/api/v1/auth/google/start?return_to=/exams"));
    assert_eq!(response.status(), 302);
    let url = url::Url::parse(&location(&response)).unwrap();
    let params: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(params["redirect_uri"], RELAY);
    assert!(
        params["state"].starts_with("ptp.test~"),
        "{}",
        params["state"]
    );
}

#[test]
fn the_relay_passes_googles_answer_on_to_the_host_the_state_names_and_nowhere_else() {
    let relay = FakePlatform::healthy().with_settings(&[("GOOGLE_RELAY_FOR", "preview.ptp.test")]);
    let query = "state=pr-7.preview.ptp.test~Zm9v&code=4%2F0Ab&scope=email+openid";
    let response = block_on(get(
        relay.clone(),
        &format!("/api/v1/auth/google/relay?{query}"),
    ));
    assert_eq!(response.status(), 302);
    assert_eq!(
        location(&response),
        format!("https://pr-7.preview.ptp.test/api/v1/auth/google/callback?{query}")
    );
    for refused in [
        "state=evil.test~Zm9v&code=x",
        "state=pr-7.preview.ptp.test.evil.test~Zm9v&code=x",
        "code=x",
    ] {
        let response = block_on(get(
            relay.clone(),
            &format!("/api/v1/auth/google/relay?{refused}"),
        ));
        assert_eq!(response.status(), 400, "{refused}");
    }
    let long = format!("state=pr-7.preview.ptp.test~Zm9v&code={}", "x".repeat(5000));
    let response = block_on(get(
        relay.clone(),
        &format!("/api/v1/auth/google/relay?{long}"),
    ));
    assert_eq!(response.status(), 400);

    let not_a_relay = FakePlatform::healthy();
    let response = block_on(get(
        not_a_relay,
        &format!("/api/v1/auth/google/relay?{query}"),
    ));
    assert_eq!(response.status(), 404);
}
