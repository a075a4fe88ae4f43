//! Whole payments over loopback HTTP: the receiver checks each signature and reads the
//! subscription back while its delivery waits, as the Worker may; the late and duplicate
//! switches hold and repeat real deliveries.

use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Value, json};

use crate::json_server::{Incoming, JsonServer};
use crate::stripe_standin::StripeStandIn;
use crate::stripe_standin::webhooks::signature;

/// What the receiver saw of each delivery: its signature header, its body, and the status
/// of its call back to the API.
type Received = Arc<Mutex<Vec<(String, String, Option<u16>)>>>;

/// A client that follows no redirect and takes no proxy: all of this is on 127.0.0.1.
fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// A receiver standing in for the Worker's webhook, and the stand-in sending to it.
struct Rig {
    received: Received,
    stripe: StripeStandIn,
    http: reqwest::blocking::Client,
    /// Declared last: it serves until the stand-in is gone.
    _receiver: JsonServer,
}

impl Rig {
    fn start() -> Self {
        let received: Received = Arc::default();
        let stripe_at: Arc<OnceLock<(String, String)>> = Arc::default();
        let (log, at) = (received.clone(), stripe_at.clone());
        let receiver = JsonServer::start("webhook receiver", move |request: &Incoming<'_>| {
            let signed = request.header("stripe-signature").unwrap_or_default();
            // As the Worker may: read the subscription back while Stripe waits for the answer.
            let event: Value = serde_json::from_str(request.body).unwrap_or_default();
            let callback = at.get().and_then(|(url, key)| {
                let sub = event["data"]["object"]["id"]
                    .as_str()
                    .filter(|id| id.starts_with("sub_"))?;
                let answer = client()
                    .get(format!("{url}/v1/subscriptions/{sub}"))
                    .bearer_auth(key)
                    .send()
                    .ok()?;
                Some(answer.status().as_u16())
            });
            let body = request.body.to_string();
            log.lock()
                .unwrap()
                .push((signed.to_string(), body, callback));
            (200, json!({"received": true}))
        })
        .unwrap();
        let stripe =
            StripeStandIn::start(&format!("{}/api/v1/stripe/webhook", receiver.url)).unwrap();
        stripe_at
            .set((stripe.url.clone(), stripe.secret_key.clone()))
            .unwrap();
        let http = client();
        Self {
            received,
            stripe,
            http,
            _receiver: receiver,
        }
    }

    fn post(&self, path: &str, body: &str) -> reqwest::blocking::Response {
        self.http
            .post(format!("{}{path}", self.stripe.url))
            .bearer_auth(&self.stripe.secret_key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_string())
            .send()
            .unwrap()
    }

    /// A customer's checkout of the annual plan, paid with the good card: the browser's answer.
    fn pay(&self) -> reqwest::blocking::Response {
        let customer: Value = self
            .post("/v1/customers", "email=ada%40example.com")
            .json()
            .unwrap();
        let customer = customer["id"].as_str().unwrap();
        let checkout: Value = self
            .post(
                "/v1/checkout/sessions",
                &format!(
                    "mode=subscription&customer={customer}&line_items[0][price]=price_pro_annual\
                     &line_items[0][quantity]=1&success_url=http%3A%2F%2Fa%2Fok&cancel_url=http%3A%2F%2Fa%2Fno"
                ),
            )
            .json()
            .unwrap();
        let page = checkout["url"].as_str().unwrap();
        let path = page.strip_prefix(&self.stripe.url).unwrap();
        self.post(path, "card=4242+4242+4242+4242")
    }

    fn kinds_received(&self) -> Vec<String> {
        let received = self.received.lock().unwrap();
        received
            .iter()
            .map(|(_, body, _)| {
                let event: Value = serde_json::from_str(body).unwrap();
                event["type"].as_str().unwrap().to_string()
            })
            .collect()
    }
}

#[test]
fn a_payment_over_http_delivers_signed_events_while_the_receiver_calls_back() {
    let rig = Rig::start();
    let stripe = &rig.stripe;
    let hex32 = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    assert!(hex32(stripe.secret_key.strip_prefix("sk_test_").unwrap()));
    assert!(hex32(stripe.webhook_secret.strip_prefix("whsec_").unwrap()));
    assert_eq!(
        stripe.settings(),
        format!(
            "PAYMENTS=on\nSTRIPE_API_URL={}\nSTRIPE_SECRET_KEY={}\nSTRIPE_WEBHOOK_SECRET={}\n\
             STRIPE_PRICE_PRO_MONTHLY=price_pro_monthly\nSTRIPE_PRICE_PRO_ANNUAL=price_pro_annual\n\
             PRO_MONTHLY_AMOUNT=1500\nPRO_ANNUAL_AMOUNT=12000\nPRICE_CURRENCY=usd\n",
            stripe.url, stripe.secret_key, stripe.webhook_secret
        )
    );
    assert!(!stripe.url.ends_with('/'));
    let paid = rig.pay();
    assert_eq!(paid.status().as_u16(), 303);
    assert_eq!(paid.headers()["location"], "http://a/ok");
    let expected = [
        "customer.subscription.created",
        "invoice.paid",
        "checkout.session.completed",
    ];
    assert_eq!(rig.kinds_received(), expected);
    let received = rig.received.lock().unwrap().clone();
    assert_eq!(
        received[0].2,
        Some(200),
        "the callback was answered while its delivery waited"
    );
    for (header, body, _) in &received {
        let t: i64 = header
            .strip_prefix("t=")
            .and_then(|rest| rest.split(',').next())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(header, &signature(&rig.stripe.webhook_secret, t, body));
    }
    let events: Value = rig
        .http
        .get(format!("{}/_stripe/events", rig.stripe.url))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let data = events["data"].as_array().unwrap();
    let kinds: Vec<&str> = data.iter().map(|d| d["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, expected);
    for (delivery, (header, body, _)) in data.iter().zip(&received) {
        assert_eq!(delivery["status"], 200);
        assert_eq!(
            (delivery["signature"].as_str(), delivery["body"].as_str()),
            (Some(header.as_str()), Some(body.as_str()))
        );
    }
}

#[test]
fn late_duplicates_wait_for_deliver_late_then_arrive_twice_in_order() {
    let rig = Rig::start();
    let switches = rig
        .http
        .post(format!("{}/_stripe/switches", rig.stripe.url))
        .body(r#"{"duplicate":true,"late":true}"#)
        .send()
        .unwrap();
    assert_eq!(switches.status().as_u16(), 200);
    assert_eq!(rig.pay().status().as_u16(), 303);
    assert!(rig.kinds_received().is_empty(), "held, not delivered");
    let late: Value = rig
        .http
        .post(format!("{}/_stripe/deliver_late", rig.stripe.url))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let statuses: Vec<&Value> = late["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["status"])
        .collect();
    assert_eq!(statuses.len(), 6);
    assert!(statuses.iter().all(|s| **s == 200), "{late}");
    assert_eq!(
        rig.kinds_received(),
        [
            "customer.subscription.created",
            "customer.subscription.created",
            "invoice.paid",
            "invoice.paid",
            "checkout.session.completed",
            "checkout.session.completed",
        ]
    );
    let received = rig.received.lock().unwrap();
    assert_eq!(received[0].1, received[1].1, "a duplicate is the same body");
}
