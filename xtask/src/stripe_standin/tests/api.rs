//! The API's checks and shapes: keys, idempotency, Checkout Sessions, cancelling.

use serde_json::Value;
use tiny_http::Method;

use super::*;

#[test]
fn the_api_key_is_checked_as_stripe_checks_it() {
    let standin = standin();
    let missing = send(
        &standin,
        Method::Post,
        "/v1/customers",
        "",
        &[("authorization", "")],
    );
    assert_eq!(missing.status, 401);
    assert!(
        missing.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("You did not provide an API key")
    );
    let wrong = send(
        &standin,
        Method::Post,
        "/v1/customers",
        "",
        &[(
            "authorization",
            "Bearer sk_test_ffffffffffffffffffffffffffff1234",
        )],
    );
    assert_eq!(wrong.status, 401);
    let message = wrong.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.starts_with("Invalid API Key provided: sk_test_*") && message.ends_with("1234"),
        "{message}"
    );
    assert_eq!(wrong.json()["error"]["type"], "invalid_request_error");
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{KEY}:")
        )
    );
    assert_eq!(
        send(
            &standin,
            Method::Post,
            "/v1/customers",
            "",
            &[("authorization", &basic)]
        )
        .status,
        200
    );
}

#[test]
fn an_idempotency_key_answers_the_same_customer_and_creates_no_second() {
    let standin = standin();
    let key = [("idempotency-key", "customer-u_1")];
    let first = send(
        &standin,
        Method::Post,
        "/v1/customers",
        "email=a%40example.com&metadata[user_id]=u_1",
        &key,
    );
    let again = send(
        &standin,
        Method::Post,
        "/v1/customers",
        "email=a%40example.com&metadata[user_id]=u_1",
        &key,
    );
    assert_eq!(first.status, 200);
    assert_eq!(first.json(), again.json());
    assert_eq!(first.json()["object"], "customer");
    assert_eq!(first.json()["metadata"]["user_id"], "u_1");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(standin.books().customers.len(), 1);
    let changed = send(
        &standin,
        Method::Post,
        "/v1/customers",
        "email=b%40example.com",
        &key,
    );
    assert_eq!(
        (changed.status, changed.json()["error"]["type"].as_str()),
        (400, Some("idempotency_error"))
    );
    send(
        &standin,
        Method::Post,
        "/v1/customers",
        "email=a%40example.com",
        &[],
    );
    assert_eq!(standin.books().customers.len(), 2, "no key: a new customer");
}

#[test]
fn a_checkout_session_is_checked_and_shaped_as_stripes() {
    let standin = standin();
    let (customer, id) = open_checkout(&standin);
    let session = send(
        &standin,
        Method::Get,
        &format!("/v1/checkout/sessions/{id}"),
        "",
        &[],
    )
    .json();
    assert!(id.starts_with("cs_test_"));
    assert_eq!(session["url"], format!("http://stripe.test/checkout/{id}"));
    assert_eq!(session["object"], "checkout.session");
    assert_eq!(session["customer"], customer.as_str());
    assert_eq!(
        (
            session["status"].as_str(),
            session["payment_status"].as_str()
        ),
        (Some("open"), Some("unpaid"))
    );
    assert_eq!(session["subscription"], Value::Null);
    let bad = |form: &str| {
        send(&standin, Method::Post, "/v1/checkout/sessions", form, &[]).json()["error"].clone()
    };
    let base = format!(
        "mode=subscription&customer={customer}&line_items[0][quantity]=1&success_url=http://a/&cancel_url=http://a/"
    );
    assert_eq!(
        bad(&format!("{base}&line_items[0][price]=price_gold"))["code"],
        "resource_missing"
    );
    assert_eq!(
        bad(&base.replace(&customer, "cus_nobody"))["param"],
        "customer"
    );
    assert_eq!(
        bad(&format!(
            "{base}&line_items[0][price]=price_pro_monthly&colour=red"
        ))["param"],
        "colour"
    );
    let relative = base.replace("success_url=http://a/", "success_url=/billing");
    assert_eq!(
        bad(&format!(
            "{relative}&line_items[0][price]=price_pro_monthly"
        ))["param"],
        "success_url"
    );
    let missing = send(&standin, Method::Get, "/v1/subscriptions/sub_nope", "", &[]);
    assert_eq!(
        (missing.status, missing.json()["error"]["code"].as_str()),
        (404, Some("resource_missing"))
    );
}

#[test]
fn deleting_a_subscription_cancels_it_now_once() {
    let standin = standin();
    let (_, checkout) = open_checkout(&standin);
    let (_, sub) = pay(&standin, &checkout);
    let key = [("idempotency-key", "cancel-x")];
    let deleted = send(
        &standin,
        Method::Delete,
        &format!("/v1/subscriptions/{sub}"),
        "",
        &key,
    );
    assert_eq!(deleted.kinds(), ["customer.subscription.deleted"]);
    let object = deleted.json();
    assert_eq!(object["status"], "canceled");
    assert!(object["canceled_at"].is_i64() && object["ended_at"].is_i64());
    let replayed = send(
        &standin,
        Method::Delete,
        &format!("/v1/subscriptions/{sub}"),
        "",
        &key,
    );
    assert_eq!((replayed.status, replayed.events.len()), (200, 0));
    let again = send(
        &standin,
        Method::Delete,
        &format!("/v1/subscriptions/{sub}"),
        "",
        &[],
    );
    assert_eq!(
        again.status, 404,
        "Stripe: a canceled subscription is no longer there to cancel"
    );
}
