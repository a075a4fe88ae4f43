//! The Stripe stand-in and a member's billing as the billing tests drive them: paying on its
//! checkout page, reading its deliveries, and signing webhook bodies independently of our code.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::{Browser, client, local_control, unique_email};

pub(super) struct Stripe {
    pub(super) url: String,
    pub(super) secret: String,
}

/// The stand-in, where the test run started one.
pub(super) fn stripe() -> Option<Stripe> {
    local_control("pays through the local Stripe stand-in")?;
    Some(Stripe {
        url: std::env::var("PTP_STRIPE_URL").expect("the test run names the Stripe stand-in"),
        secret: std::env::var("PTP_STRIPE_WEBHOOK_SECRET").expect("and its webhook secret"),
    })
}

impl Stripe {
    pub(super) async fn control(&self, path: &str, body: Value) -> Value {
        let reply = client()
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .expect("the Stripe stand-in answers");
        assert!(reply.status().is_success(), "{path}: {}", reply.status());
        reply.json().await.unwrap()
    }

    pub(super) async fn events(&self) -> Vec<Value> {
        let reply = client()
            .get(format!("{}/_stripe/events", self.url))
            .send()
            .await
            .expect("the Stripe stand-in answers");
        let events: Value = reply.json().await.unwrap();
        events["data"].as_array().cloned().unwrap_or_default()
    }

    /// Pays the checkout at `url` (the stand-in's page) with `card`; answers the status and
    /// where it sent the browser.
    pub(super) async fn pay(&self, url: &str, card: &str) -> (u16, String) {
        let page = client().get(url).send().await.expect("the checkout page");
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Pay"));
        let paid = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(url)
            .form(&[("card", card)])
            .send()
            .await
            .expect("paying");
        let to = paid
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        (paid.status().as_u16(), to)
    }
}

/// A member who has paid on the stand-in's checkout and is Pro; `None` where there is no
/// stand-in (the test is then skipped, as the caller reports).
pub(crate) async fn pro_member(label: &str) -> Option<Browser> {
    let stripe = stripe()?;
    let member = member(label).await;
    let url = checkout_url(&member, "monthly").await;
    let (status, _) = stripe.pay(&url, "4242 4242 4242 4242").await;
    assert_eq!(status, 303, "paid");
    assert_eq!(billing(&member).await["plan"], "pro");
    Some(member)
}

pub(super) async fn member(label: &str) -> Browser {
    member_and_id(label).await.0
}

pub(super) async fn member_and_id(label: &str) -> (Browser, String) {
    let mut member = Browser::anonymous();
    let me = member.sign_in(&unique_email(label)).await;
    (member, me.id)
}

pub(super) async fn billing(member: &Browser) -> Value {
    let status = member.get("/api/v1/billing").await;
    assert_eq!(status.status(), 200);
    status.json().await.unwrap()
}

pub(super) async fn checkout_url(member: &Browser, interval: &str) -> String {
    let started = member
        .post_json("/api/v1/billing/checkout", json!({ "interval": interval }))
        .await;
    assert_eq!(started.status(), 200, "checkout");
    let redirect: Value = started.json().await.unwrap();
    redirect["url"].as_str().unwrap().to_string()
}

pub(super) async fn webhook(body: &str, signature: &str) -> (u16, Value) {
    let reply = client()
        .post(crate::support::url("/api/v1/stripe/webhook"))
        .header("content-type", "application/json; charset=utf-8")
        .header("stripe-signature", signature)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = reply.status().as_u16();
    (status, reply.json().await.unwrap_or(Value::Null))
}

pub(super) fn hmac_header(secret: &str, t: i64, body: &str) -> String {
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
