//! Plans on the in-memory database with a scripted Stripe: a free learner refused past an
//! allowance with the 402 body, lifted only by a signed subscription event (never by anything
//! the client sends), checkout creating the customer once, 409 with the portal for a subscriber,
//! and an account deletion that cancels the subscription first.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::testing::flow::{Caller, Reply, Stack};
use crate::testing::{START_MS, ScriptedTransport, block_on, request};

pub const WEBHOOK_SECRET: &str = "whsec_flow_secret";
pub const NOW_S: i64 = (START_MS / 1000) as i64;
const DAY_S: i64 = 24 * 3600;

const PAYMENTS: &[(&str, &str)] = &[
    ("PAYMENTS", "on"),
    ("STRIPE_SECRET_KEY", "sk_test_flow"),
    ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
    ("STRIPE_API_URL", "https://stripe.test"),
    ("STRIPE_PRICE_PRO_MONTHLY", "price_month"),
    ("STRIPE_PRICE_PRO_ANNUAL", "price_year"),
    ("PRO_MONTHLY_AMOUNT", "1500"),
    ("PRO_ANNUAL_AMOUNT", "12000"),
    ("FREE_PRACTICE_ANSWERS_PER_DAY", "2"),
    ("FREE_MOCKS_PER_WEEK", "1"),
];

/// A stack selling Pro through a Stripe answering from `stripe`.
pub fn stack(stripe: ScriptedTransport) -> Stack {
    let mut stack = Stack::new();
    stack.platform = stack
        .platform
        .clone()
        .with_settings(PAYMENTS)
        .with_http(stripe);
    stack
}

pub fn stripe() -> ScriptedTransport {
    ScriptedTransport::replying(404, r#"{"error":{"message":"No such route"}}"#)
        .at_url(
            "/v1/customers",
            200,
            r#"{"id":"cus_1","object":"customer"}"#,
        )
        .at_url(
            "/v1/checkout/sessions",
            200,
            r#"{"id":"cs_1","url":"https://checkout.stripe.test/c/cs_1"}"#,
        )
        .at_url(
            "/v1/billing_portal/sessions",
            200,
            r#"{"id":"bps_1","url":"https://billing.stripe.test/p/bps_1"}"#,
        )
}

pub fn sign(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={t},v1={hex}")
}

/// Posts `body` to the webhook with `signature`, as Stripe does: no cookie, no Origin.
pub fn deliver(stack: &Stack, body: &str, signature: Option<&str>) -> Reply {
    let mut headers = vec![("content-type", "application/json; charset=utf-8")];
    if let Some(signature) = signature {
        headers.push(("stripe-signature", signature));
    }
    let response = block_on(request(
        stack.platform.clone(),
        "POST",
        "/api/v1/stripe/webhook",
        &headers,
        body,
    ));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = crate::testing::read_text(response);
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        json,
        text,
    }
}

pub fn subscription(status: &str, period_end: i64, cancelling: bool) -> Value {
    json!({
        "id": "sub_1", "object": "subscription", "customer": "cus_1", "status": status,
        "cancel_at_period_end": cancelling,
        "items": {"object": "list", "data": [{"id": "si_1", "current_period_end": period_end,
            "price": {"id": "price_month", "recurring": {"interval": "month"}}}]}
    })
}

pub fn event(id: &str, kind: &str, created: i64, object: Value) -> String {
    json!({"id": id, "object": "event", "type": kind, "created": created,
        "data": {"object": object}})
    .to_string()
}

/// Delivers a correctly signed event and answers its outcome.
pub fn signed(stack: &Stack, body: &str) -> String {
    let reply = deliver(stack, body, Some(&sign(WEBHOOK_SECRET, NOW_S, body)));
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["outcome"].as_str().unwrap().to_string()
}

/// Stripe says `cus_1` subscribed to Pro monthly just now (`evt_1`); answers the outcome.
pub fn subscribe(stack: &Stack) -> String {
    let created = event(
        "evt_1",
        "customer.subscription.created",
        NOW_S,
        subscription("active", NOW_S + 30 * DAY_S, false),
    );
    signed(stack, &created)
}

pub fn plan(stack: &Stack, caller: &Caller) -> String {
    let status = stack.get(caller, "/api/v1/billing");
    assert_eq!(status.status, 200, "{}", status.json);
    status.json["plan"].as_str().unwrap().to_string()
}

/// A member whose Stripe customer is `cus_1` (made by a checkout).
pub fn customer(stack: &Stack) -> Caller {
    let member = stack.member("ada@example.com", false);
    let started = stack.post(
        &member,
        "/api/v1/billing/checkout",
        json!({"interval": "monthly"}),
    );
    assert_eq!(started.status, 200, "{}", started.json);
    member
}

pub fn practice(stack: &Stack, learner: &Caller) -> (String, Vec<String>) {
    let started = stack.post(
        learner,
        "/api/v1/sessions",
        json!({"exam": "TINY-1", "mode": "practice"}),
    );
    assert_eq!(started.status, 201, "{}", started.json);
    let ids = started.json["items"].as_array().unwrap().iter();
    let ids = ids.map(|i| i["question"]["id"].as_str().unwrap().to_string());
    (
        started.json["id"].as_str().unwrap().to_string(),
        ids.collect(),
    )
}

pub fn answer(stack: &Stack, learner: &Caller, session: &str, question: &str) -> Reply {
    stack.post(
        learner,
        &format!("/api/v1/sessions/{session}/answers"),
        json!({"question": question, "answer": crate::testing::bank::key(question), "elapsed_ms": 9000}),
    )
}

#[test]
fn a_free_member_is_refused_past_the_allowance_until_stripe_says_pro() {
    let http = stripe();
    let stack = stack(http.clone());
    let member = customer(&stack);
    let sent = http.requests();
    let checkout = sent
        .iter()
        .find(|r| r.url.ends_with("/v1/checkout/sessions"))
        .unwrap();
    let form = checkout.body.as_deref().unwrap();
    for field in [
        "mode=subscription",
        "customer=cus_1",
        "price%5D=price_month",
        "client_reference_id=member-ada-example-com",
    ] {
        assert!(form.contains(field), "{field} in {form}");
    }
    assert!(
        checkout
            .headers
            .contains(&("authorization", "Bearer sk_test_flow".into()))
    );

    let (session, questions) = practice(&stack, &member);
    assert_eq!(answer(&stack, &member, &session, &questions[0]).status, 200);
    assert_eq!(answer(&stack, &member, &session, &questions[1]).status, 200);
    let refused = answer(&stack, &member, &session, &questions[2]);
    assert_eq!(refused.status, 402, "{}", refused.json);
    assert_eq!(refused.code(), Some("payment_required"));
    let details = &refused.json["error"]["details"];
    assert_eq!(details["allowance"], "practice_answers");
    assert_eq!(
        (details["limit"].as_u64(), details["remaining"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(details["renews_at"], "2026-11-26T00:00:00.000Z");
    assert_eq!(details["plan"], "free");
    assert_eq!(
        stack.db.count("SELECT count(*) FROM responses"),
        2,
        "nothing recorded"
    );

    // Nothing the client says makes it Pro.
    let claimed = stack.post(
        &member,
        "/api/v1/billing/checkout",
        json!({"interval": "monthly", "plan": "pro"}),
    );
    assert_eq!(claimed.status, 400);
    let patched = stack.call(
        Some(&member),
        "PATCH",
        "/api/v1/me",
        Some(json!({"plan": "pro"})),
    );
    assert_eq!(patched.status, 400);
    assert_eq!(plan(&stack, &member), "free");
    assert_eq!(answer(&stack, &member, &session, &questions[2]).status, 402);

    assert_eq!(subscribe(&stack), "applied");
    assert_eq!(plan(&stack, &member), "pro");
    assert_eq!(answer(&stack, &member, &session, &questions[2]).status, 200);
    let status = stack.get(&member, "/api/v1/billing").json;
    assert_eq!(
        status["subscription"]["current_period_end"],
        "2026-12-25T12:00:00.000Z"
    );
    let names: Vec<&str> = status["allowances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["ai_explanations"],
        "Pro meters only AI explanations"
    );

    let again = stack.post(
        &member,
        "/api/v1/billing/checkout",
        json!({"interval": "annual"}),
    );
    assert_eq!(again.status, 409, "{}", again.json);
    assert_eq!(
        again.json["error"]["details"]["portal_url"],
        "https://billing.stripe.test/p/bps_1"
    );
    let customers = http
        .requests()
        .iter()
        .filter(|r| r.url.ends_with("/v1/customers"))
        .count();
    assert_eq!(customers, 1, "the customer is made once");
}

#[test]
fn a_free_learner_starts_one_mock_a_week_and_guests_cannot_subscribe() {
    let stack = stack(stripe());
    let guest = stack.guest();
    let mock = json!({"exam": "TINY-1", "mode": "mock", "count": 2});
    assert_eq!(
        stack.post(&guest, "/api/v1/sessions", mock.clone()).status,
        201
    );
    let refused = stack.post(&guest, "/api/v1/sessions", mock);
    assert_eq!(refused.status, 402, "{}", refused.json);
    assert_eq!(refused.json["error"]["details"]["allowance"], "mocks");
    assert_eq!(
        refused.json["error"]["details"]["renews_at"],
        "2026-11-30T00:00:00.000Z"
    );
    let checkout = stack.post(
        &guest,
        "/api/v1/billing/checkout",
        json!({"interval": "monthly"}),
    );
    assert_eq!(checkout.status, 403);
    assert_eq!(stack.db.count("SELECT count(*) FROM billing_customers"), 0);
}

#[test]
fn deleting_an_account_cancels_its_subscription_at_stripe_first() {
    let failing = stripe().at_url("/v1/subscriptions/sub_1", 503, "{}");
    let stack = stack(failing);
    let member = customer(&stack);
    subscribe(&stack);
    let confirm = json!({"confirm_email": "ada@example.com"});
    let refused = stack.call(Some(&member), "DELETE", "/api/v1/me", Some(confirm.clone()));
    assert_eq!(refused.status, 503, "{}", refused.json);
    assert_eq!(
        stack
            .db
            .count("SELECT count(*) FROM users WHERE kind = 'member'"),
        1
    );

    let http = stripe().at_url(
        "/v1/subscriptions/sub_1",
        200,
        r#"{"id":"sub_1","status":"canceled"}"#,
    );
    let stack2 = self::stack(http.clone());
    let member = customer(&stack2);
    subscribe(&stack2);
    let export = stack2.get(&member, "/api/v1/me/export");
    assert_eq!(export.json["billing"]["plan"], "pro");
    let deleted = stack2.call(Some(&member), "DELETE", "/api/v1/me", Some(confirm));
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let cancel = http
        .requests()
        .into_iter()
        .find(|r| r.url.ends_with("/v1/subscriptions/sub_1"));
    assert_eq!(
        cancel.map(|r| r.method),
        Some(crate::http::HttpMethod::Delete)
    );
    assert_eq!(stack2.db.count("SELECT count(*) FROM subscriptions"), 0);
    assert_eq!(stack2.db.count("SELECT count(*) FROM billing_customers"), 0);
}

#[test]
fn readiness_history_comes_with_pro() {
    let stack = stack(stripe());
    let member = customer(&stack);
    let (session, questions) = practice(&stack, &member);
    assert_eq!(answer(&stack, &member, &session, &questions[0]).status, 200);
    let path = "/api/v1/me/readiness/TINY-1/history";
    let refused = stack.get(&member, path);
    assert_eq!(refused.status, 402, "{}", refused.json);
    assert_eq!(
        refused.json["error"]["details"]["feature"],
        "readiness_history"
    );
    assert_eq!(
        refused.json["error"]["message"],
        "Readiness history comes with Pro."
    );
    subscribe(&stack);
    let history = stack.get(&member, path);
    assert_eq!(history.status, 200, "{}", history.json);
    let days = history.json["days"].as_array().unwrap();
    assert_eq!(days.len(), 1, "one day with answers: today");
    assert_eq!(days[0]["day"], "2026-11-25");
    assert!(days[0]["probability"].as_f64().is_some());
}
