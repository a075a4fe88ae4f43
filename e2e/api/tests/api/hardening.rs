//! Each reproduction of the hardening issue, from outside: keys of an open mock stay on the
//! server, credentials that are not valid buy nothing, lists have bounds, health answers a busy
//! address, "sign out everywhere" ends every session, and `furthest` never moves back.

use ptp_shared::{ErrorCode, QuestionList, SessionView};
use serde_json::json;

use crate::learning::{answer, guest, some_answer, start, view};
use crate::support::{
    Browser, DATABASE, Fetch, client, control_url, error_body, header, local_control,
    local_sign_in_available, next_visitor_ip, unique_email, url,
};

/// The listing of `domain`'s questions as `browser` sees it.
async fn listing(browser: &Browser, exam: &str, domain: &str) -> QuestionList {
    let response = browser
        .get(&format!(
            "/api/v1/exams/{exam}/questions?domain={domain}&limit=100"
        ))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn no_key_leaves_the_server_for_a_question_of_an_open_mock() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let mock = start(
        &learner,
        json!({"exam": "SY0-701", "mode": "mock", "count": 3}),
    )
    .await;
    let item = &mock.items[0];
    let (id, domain) = (&item.question.id, &item.question.domain);
    let recorded = answer(&learner, &mock.id, id, &some_answer(&item.question)).await;
    assert_eq!(recorded.status(), 200);

    let listed = listing(&learner, "SY0-701", domain).await;
    let shown = listed
        .questions
        .iter()
        .find(|q| &q.id == id)
        .expect("the answered question is listed");
    assert!(shown.solution.is_none(), "no key while the mock runs");
    let text = serde_json::to_string(&listed).unwrap();
    for other in &mock.items {
        assert!(
            listed
                .questions
                .iter()
                .filter(|q| q.id == other.question.id)
                .all(|q| q.solution.is_none()),
            "{text}"
        );
    }
    let current = view(&learner, &mock.id).await;
    assert!(current.items.iter().all(|i| i.question.solution.is_none()));
    assert!(current.items.iter().all(|i| i.credit.is_none()));

    // Practice cannot draw it (its key would show at once).
    let practice: SessionView = start(
        &learner,
        json!({"exam": "SY0-701", "mode": "practice", "count": 50, "domains": [domain]}),
    )
    .await;
    assert!(
        practice.items.iter().all(|i| &i.question.id != id),
        "a question of the running mock is not drawn for practice"
    );

    let finished = learner
        .post_json(&format!("/api/v1/sessions/{}/finish", mock.id), json!({}))
        .await;
    assert_eq!(finished.status(), 200);
    let after = listing(&learner, "SY0-701", domain).await;
    assert!(
        after
            .questions
            .iter()
            .find(|q| &q.id == id)
            .is_some_and(|q| q.solution.is_some()),
        "once the mock is over, the answered question shows its key"
    );
}

#[tokio::test]
async fn an_invented_key_is_refused_on_cached_reads_and_gets_the_anonymous_budget() {
    let _db = DATABASE.read().await;
    // Warm the catalogue cache anonymously first.
    assert_eq!(
        client()
            .get(url("/api/v1/exams/SY0-701"))
            .fetch()
            .await
            .status(),
        200
    );
    let invented = client()
        .get(url("/api/v1/exams/SY0-701"))
        .bearer_auth("ptp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .fetch()
        .await;
    assert_eq!(invented.status(), 401);
    if control_url().is_some() {
        assert_eq!(header(&invented, "ratelimit-limit"), "100");
    }
    assert_eq!(
        error_body(invented).await.error.code,
        ErrorCode::Unauthorized
    );
}

#[tokio::test]
async fn a_key_without_the_routes_scope_is_403_even_on_a_cached_read() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let mut member = Browser::anonymous();
    member.sign_in(&unique_email("scopeless")).await;
    let created = member
        .post_json(
            "/api/v1/me/api-keys",
            json!({"name": "profile only", "scopes": ["profile:read"]}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let secret = created
        .json::<ptp_shared::CreatedApiKey>()
        .await
        .unwrap()
        .secret;
    assert_eq!(
        client().get(url("/api/v1/exams")).fetch().await.status(),
        200
    );
    let refused = client()
        .get(url("/api/v1/exams"))
        .bearer_auth(&secret)
        .fetch()
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(error_body(refused).await.error.code, ErrorCode::Forbidden);

    // Revoking every key at once: the key dies on the next request.
    let revoked = member.delete("/api/v1/me/api-keys").await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        revoked
            .json::<ptp_shared::KeysRevoked>()
            .await
            .unwrap()
            .revoked,
        1
    );
    let dead = client()
        .get(url("/api/v1/me"))
        .bearer_auth(&secret)
        .fetch()
        .await;
    assert_eq!(dead.status(), 401);
}

#[tokio::test]
async fn forty_thousand_domains_are_a_400_naming_the_field() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let domains: Vec<String> = (0..40_000).map(|n| format!("{n}.0")).collect();
    let response = learner
        .post_json(
            "/api/v1/sessions",
            json!({"exam": "SY0-701", "mode": "practice", "domains": domains}),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body = error_body(response).await;
    assert_eq!(body.error.code, ErrorCode::InvalidInput);
    assert_eq!(body.error.details.unwrap()["field"], "domains");
}

#[tokio::test]
async fn health_answers_an_address_that_spent_its_budget() {
    if local_control("choosing the client's address needs the local stack").is_none() {
        return;
    }
    let _db = DATABASE.read().await;
    let busy = next_visitor_ip();
    let http = reqwest::Client::new();
    let mut last = 0;
    for _ in 0..101 {
        last = http
            .get(url("/api/v1/exams"))
            .header("cf-connecting-ip", &busy)
            .fetch()
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429, "the address is spent");
    let health = http
        .get(url("/api/health"))
        .header("cf-connecting-ip", &busy)
        .fetch()
        .await;
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn signing_out_everywhere_ends_sixty_sessions_of_one_member() {
    let _db = DATABASE.read().await;
    if !local_sign_in_available().await {
        return;
    }
    let email = unique_email("sixty");
    let mut browsers = vec![];
    for _ in 0..60 {
        let mut browser = Browser::anonymous();
        browser.sign_in(&email).await;
        browsers.push(browser);
    }
    let ended = browsers[0]
        .post_json("/api/v1/auth/sign-out-everywhere", json!({}))
        .await;
    assert_eq!(ended.status(), 204);
    for (n, browser) in browsers.iter().enumerate() {
        let me = browser.get("/api/v1/me").await;
        assert_eq!(me.status(), 401, "session {n}");
    }
}

#[tokio::test]
async fn furthest_never_moves_back_under_parallel_answers() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    // CCNA is forward-only.
    let mock = start(
        &learner,
        json!({"exam": "200-301", "mode": "mock", "count": 6}),
    )
    .await;
    let sends = mock.items.iter().map(|item| {
        let learner = learner.clone();
        let (session, question, ids) = (
            mock.id.clone(),
            item.question.id.clone(),
            some_answer(&item.question)
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>(),
        );
        let position = item.position;
        tokio::spawn(async move {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let status = answer(&learner, &session, &question, &ids).await.status();
            (position, status.as_u16())
        })
    });
    let mut accepted = vec![];
    for send in sends.collect::<Vec<_>>() {
        let (position, status) = send.await.unwrap();
        assert!(matches!(status, 200 | 409), "position {position}: {status}");
        if status == 200 {
            accepted.push(position);
        }
    }
    let furthest = view(&learner, &mock.id).await.furthest;
    assert_eq!(furthest, accepted.iter().copied().max(), "{accepted:?}");
}
