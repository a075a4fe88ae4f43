//! What a browser and the test controls do: pay, decline, the portal, a period's end, a failed
//! renewal, held events, signing.

use serde_json::{Value, json};
use tiny_http::Method;

use super::*;
use crate::stripe_standin::webhooks::signature;

#[test]
fn a_declined_card_creates_nothing_and_sends_nothing() {
    let standin = standin();
    let (_, checkout) = open_checkout(&standin);
    let declined = send(
        &standin,
        Method::Post,
        &format!("/checkout/{checkout}"),
        "card=4000+0000+0000+0002",
        &[],
    );
    assert_eq!(declined.status, 402);
    assert!(declined.body.contains("Your card was declined."));
    assert!(declined.events.is_empty());
    let books = standin.books();
    assert!(books.subscriptions.is_empty() && books.invoices.is_empty());
    assert!(books.checkouts[&checkout].subscription.is_none());
}

#[test]
fn paying_subscribes_sends_three_events_in_order_and_goes_to_the_success_url() {
    let standin = standin();
    let page = send(&standin, Method::Get, "/checkout/cs_test_none", "", &[]);
    assert_eq!(page.status, 404);
    let (customer, checkout) = open_checkout(&standin);
    let page = send(
        &standin,
        Method::Get,
        &format!("/checkout/{checkout}"),
        "",
        &[],
    );
    for text in [
        "<title>Pay PingToPass</title>",
        "PingToPass Pro — $15.00 per month",
        "Card number",
        "4242 4242 4242 4242",
        ">Pay</button>",
        ">Cancel</a>",
    ] {
        assert!(page.body.contains(text), "{text} in {}", page.body);
    }
    let (paid, sub) = pay(&standin, &checkout);
    assert_eq!(paid.status, 303);
    assert_eq!(
        paid.header("location"),
        Some(format!("http://127.0.0.1:8787/billing?session={checkout}").as_str())
    );
    assert_eq!(
        paid.kinds(),
        [
            "customer.subscription.created",
            "invoice.paid",
            "checkout.session.completed"
        ]
    );
    assert!(paid.events.windows(2).all(|w| w[0].created < w[1].created));
    let bodies: Vec<Value> = paid
        .events
        .iter()
        .map(|e| serde_json::from_str(&e.body).unwrap())
        .collect();
    let subscription = &bodies[0]["data"]["object"];
    assert_eq!(
        (
            subscription["status"].as_str(),
            subscription["customer"].as_str()
        ),
        (Some("active"), Some(customer.as_str()))
    );
    assert_eq!(subscription["metadata"]["user_id"], "u_1");
    let item = &subscription["items"]["data"][0];
    assert_eq!(item["price"]["id"], "price_pro_monthly");
    assert_eq!(
        item["current_period_end"],
        subscription["current_period_end"]
    );
    assert_eq!(
        subscription["current_period_end"].as_i64().unwrap()
            - subscription["current_period_start"].as_i64().unwrap(),
        30 * 86_400
    );
    let invoice = &bodies[1]["data"]["object"];
    assert_eq!(
        (invoice["status"].as_str(), invoice["amount_paid"].as_u64()),
        (Some("paid"), Some(1500))
    );
    assert_eq!(
        invoice["parent"]["subscription_details"]["subscription"],
        sub.as_str()
    );
    let session = &bodies[2]["data"]["object"];
    assert_eq!(
        (
            session["status"].as_str(),
            session["payment_status"].as_str()
        ),
        (Some("complete"), Some("paid"))
    );
    assert_eq!(session["subscription"], sub.as_str());
    let again = send(
        &standin,
        Method::Post,
        &format!("/checkout/{checkout}"),
        "card=4242424242424242",
        &[],
    );
    assert_eq!((again.status, again.events.len()), (409, 0));
}

#[test]
fn the_portal_cancels_at_the_period_end_and_renews() {
    let standin = standin();
    let (customer, checkout) = open_checkout(&standin);
    let (_, sub) = pay(&standin, &checkout);
    let form = format!("customer={customer}&return_url=http%3A%2F%2F127.0.0.1%3A8787%2Faccount");
    let portal = send(
        &standin,
        Method::Post,
        "/v1/billing_portal/sessions",
        &form,
        &[],
    )
    .json();
    let id = portal["id"].as_str().unwrap();
    assert_eq!(portal["url"], format!("http://stripe.test/portal/{id}"));
    let page = send(&standin, Method::Get, &format!("/portal/{id}"), "", &[]).body;
    for text in [
        "Manage your PingToPass billing",
        "Renews on",
        ">Cancel plan</button>",
        ">Return to PingToPass</a>",
    ] {
        assert!(page.contains(text), "{text} in {page}");
    }
    let cancelled = send(
        &standin,
        Method::Post,
        &format!("/portal/{id}/cancel?sub={sub}"),
        "",
        &[],
    );
    assert_eq!(
        (cancelled.status, cancelled.header("location")),
        (
            303,
            Some(format!("http://stripe.test/portal/{id}").as_str())
        )
    );
    assert_eq!(cancelled.kinds(), ["customer.subscription.updated"]);
    let event: Value = serde_json::from_str(&cancelled.events[0].body).unwrap();
    assert_eq!(event["data"]["object"]["cancel_at_period_end"], true);
    assert_eq!(
        event["data"]["previous_attributes"]["cancel_at_period_end"],
        false
    );
    let page = send(&standin, Method::Get, &format!("/portal/{id}"), "", &[]).body;
    assert!(
        page.contains("Ends on") && page.contains(">Renew plan</button>"),
        "{page}"
    );
    let renewed = send(
        &standin,
        Method::Post,
        &format!("/portal/{id}/renew?sub={sub}"),
        "",
        &[],
    );
    assert_eq!(renewed.kinds(), ["customer.subscription.updated"]);
    assert!(!standin.books().subscriptions[&sub].cancel_at_period_end);
}

#[test]
fn time_moves_to_the_period_end_payments_fail_and_cancelling_ends_it() {
    let standin = standin();
    let (customer, checkout) = open_checkout(&standin);
    let (_, sub) = pay(&standin, &checkout);
    let advance = json!({ "customer": customer }).to_string();
    let renewed = send(&standin, Method::Post, "/_stripe/advance", &advance, &[]);
    assert_eq!(
        renewed.kinds(),
        ["invoice.paid", "customer.subscription.updated"]
    );
    let failed = send(
        &standin,
        Method::Post,
        "/_stripe/fail_payment",
        &json!({ "subscription": sub }).to_string(),
        &[],
    );
    assert_eq!(
        failed.kinds(),
        ["invoice.payment_failed", "customer.subscription.updated"]
    );
    let invoice: Value = serde_json::from_str(&failed.events[0].body).unwrap();
    assert_eq!(
        (
            invoice["data"]["object"]["status"].as_str(),
            invoice["data"]["object"]["attempt_count"].as_u64()
        ),
        (Some("open"), Some(1))
    );
    assert_eq!(
        standin.books().subscriptions[&sub].status.as_str(),
        "past_due"
    );
    standin
        .books()
        .subscriptions
        .get_mut(&sub)
        .unwrap()
        .cancel_at_period_end = true;
    let ended = send(&standin, Method::Post, "/_stripe/advance", "", &[]);
    assert_eq!(ended.kinds(), ["customer.subscription.deleted"]);
    assert_eq!(
        standin.books().subscriptions[&sub].status.as_str(),
        "canceled"
    );
    assert!(
        send(&standin, Method::Post, "/_stripe/advance", "", &[])
            .events
            .is_empty()
    );
    let unknown = send(
        &standin,
        Method::Post,
        "/_stripe/advance",
        r#"{"customer":"cus_nobody"}"#,
        &[],
    );
    assert_eq!(unknown.status, 404);
}

#[test]
fn the_late_switch_holds_events_until_asked() {
    let standin = standin();
    let on = send(
        &standin,
        Method::Post,
        "/_stripe/switches",
        r#"{"late":true}"#,
        &[],
    );
    assert_eq!(
        on.json(),
        json!({"duplicate": false, "out_of_order": false, "late": true})
    );
    let (_, checkout) = open_checkout(&standin);
    let (paid, _) = pay(&standin, &checkout);
    let (sent, held) = standin.send(paid.events);
    assert!(sent.is_empty());
    assert_eq!(held.len(), 3);
    assert_eq!(standin.books().held.len(), 3);
    assert!(standin.deliveries().is_empty(), "nothing went out");
    assert!(
        send(
            &standin,
            Method::Post,
            "/_stripe/switches",
            r#"{"lat":true}"#,
            &[]
        )
        .status
            == 400
    );
}

#[test]
fn the_sign_control_signs_with_the_webhook_secret() {
    let standin = standin();
    let signed = send(
        &standin,
        Method::Post,
        "/_stripe/sign",
        r#"{"payload":"{}","timestamp":1}"#,
        &[],
    );
    assert_eq!(signed.json()["header"], signature(SECRET, 1, "{}"));
}
