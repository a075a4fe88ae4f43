//! The stand-in's behaviour: most through [`StandIn::route`], which changes the books and plans
//! events without sending any; one whole payment over loopback HTTP, with a receiver that checks
//! each signature and calls the API back while the delivery waits, as the Worker does.

mod api;
mod flows;
mod http;

use serde_json::{Value, json};
use tiny_http::Method;

use super::webhooks::Event;
use super::{Call, Outcome, StandIn};
use crate::json_server::Reply;

const KEY: &str = "sk_test_0123456789abcdef0123456789abcdef";
const SECRET: &str = "whsec_test_secret";

fn standin() -> StandIn {
    let standin = StandIn::new(
        "http://127.0.0.1:9/api/v1/stripe/webhook",
        "seed".into(),
        KEY.into(),
        SECRET.into(),
    )
    .unwrap();
    standin.books().base_url = "http://stripe.test".into();
    standin
}

struct Answer {
    status: u16,
    body: String,
    headers: Vec<(&'static str, String)>,
    events: Vec<Event>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    fn kinds(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.kind).collect()
    }
}

fn send(
    standin: &StandIn,
    method: Method,
    url: &str,
    body: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let authorization = format!("Bearer {KEY}");
    let header = |name: &str| extra.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let call = Call {
        method: &method,
        path,
        query,
        body,
        authorization: header("authorization").or(Some(authorization.as_str())),
        idempotency_key: header("idempotency-key"),
    };
    let (reply, events) = match standin.route(&call, 1_750_000_000) {
        Outcome::Reply(reply) => (reply, vec![]),
        Outcome::Send(events, reply) => (reply, events),
        Outcome::Report(events) => (Reply::json(200, &json!({})), events),
        Outcome::DeliverHeld => (Reply::json(200, &json!({})), vec![]),
    };
    Answer {
        status: reply.status,
        body: reply.body,
        headers: reply.headers,
        events,
    }
}

/// A customer and an open checkout of the monthly plan: (customer, checkout) ids.
fn open_checkout(standin: &StandIn) -> (String, String) {
    let customer = send(
        standin,
        Method::Post,
        "/v1/customers",
        "email=ada%40example.com&metadata[user_id]=u_1",
        &[],
    )
    .json();
    let customer = customer["id"].as_str().unwrap().to_string();
    let form = format!(
        "mode=subscription&customer={customer}&line_items[0][price]=price_pro_monthly&line_items[0][quantity]=1\
         &client_reference_id=u_1&metadata[user_id]=u_1&subscription_data[metadata][user_id]=u_1\
         &success_url=http%3A%2F%2F127.0.0.1%3A8787%2Fbilling%3Fsession%3D%7BCHECKOUT_SESSION_ID%7D\
         &cancel_url=http%3A%2F%2F127.0.0.1%3A8787%2Fpricing"
    );
    let checkout = send(standin, Method::Post, "/v1/checkout/sessions", &form, &[]);
    assert_eq!(checkout.status, 200, "{}", checkout.body);
    (
        customer,
        checkout.json()["id"].as_str().unwrap().to_string(),
    )
}

/// Pays `checkout` with the good card: the new subscription's id.
fn pay(standin: &StandIn, checkout: &str) -> (Answer, String) {
    let paid = send(
        standin,
        Method::Post,
        &format!("/checkout/{checkout}"),
        "card=4242+4242+4242+4242",
        &[],
    );
    let sub = standin.books().checkouts[checkout]
        .subscription
        .clone()
        .unwrap();
    (paid, sub)
}
