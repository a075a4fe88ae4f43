//! The local stand-in for Stripe, small and faithful to its wire format, since Stripe has no
//! local mock. It serves what the Worker calls (`/v1`: customers, Checkout and Billing Portal
//! sessions, subscriptions read and cancelled — `api.rs`), the pages a browser sees instead of
//! Stripe's (`/checkout/{id}`, `/portal/{id}` — `pages.rs`), and sends the webhook events of each
//! change to the Worker, signed as Stripe signs them (`webhooks.rs`). The test run steers it
//! through `/_stripe` (`controls.rs`): duplicate, reordered or late deliveries, a period's end, a
//! failed renewal, the deliveries made. The Worker finds it through `STRIPE_API_URL`.
//!
//! Requests are answered concurrently: a payment waits on the webhook deliveries, and the Worker
//! may call the API back while handling one.

mod api;
mod books;
mod controls;
mod forms;
mod keys;
mod objects;
mod pages;
mod refusals;
#[cfg(test)]
mod tests;
mod webhooks;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use anyhow::Result;
use serde_json::json;

use crate::json_server::{Answering, Incoming, JsonServer, Reply};
use books::Books;
use webhooks::{Delivery, Event, Sender};

/// A request as the stand-in reads it.
pub struct Call<'a> {
    pub method: &'a tiny_http::Method,
    pub path: &'a str,
    pub query: &'a str,
    pub body: &'a str,
    pub authorization: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

/// What a request comes to; the events go out after the books are unlocked, since their
/// receiver may call the stand-in back.
pub enum Outcome {
    Reply(Reply),
    /// Send these events (as the switches say), then answer.
    Send(Vec<Event>, Reply),
    /// Send these events and answer what became of each.
    Report(Vec<Event>),
    /// Deliver the held events, in order, and answer what became of each.
    DeliverHeld,
}

pub struct StandIn {
    secret_key: String,
    webhook_secret: String,
    sender: Sender,
    books: Mutex<Books>,
    deliveries: Mutex<VecDeque<Delivery>>,
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl StandIn {
    fn new(
        webhook_url: &str,
        seed: String,
        secret_key: String,
        webhook_secret: String,
    ) -> Result<Self> {
        Ok(Self {
            sender: Sender::new(webhook_url, &webhook_secret)?,
            secret_key,
            webhook_secret,
            books: Mutex::new(Books::new(seed)),
            deliveries: Mutex::default(),
        })
    }

    /// A panic while they were held leaves them as they were: still the best account there is.
    fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn deliveries(&self) -> MutexGuard<'_, VecDeque<Delivery>> {
        self.deliveries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// What `call` comes to at `now`, the books changed; nothing is sent yet.
    fn route(&self, call: &Call<'_>, now: i64) -> Outcome {
        if call.path.starts_with("/v1/") {
            return api::handle(&self.secret_key, &mut self.books(), call, now);
        }
        if let Some(outcome) = controls::handle(self, call, now) {
            return outcome;
        }
        if let Some(outcome) = pages::handle(&mut self.books(), call, now) {
            return outcome;
        }
        let refusal = refusals::Refusal::unrecognized(call.method.as_str(), call.path);
        Outcome::Reply(Reply::json(refusal.status, &refusal.body))
    }

    /// Delivers `events` one after another, recording each.
    fn deliver(&self, events: &[Event]) -> Vec<Delivery> {
        events
            .iter()
            .map(|event| {
                let delivery = self.sender.deliver(event, unix_now());
                let mut kept = self.deliveries();
                kept.push_back(delivery.clone());
                while kept.len() > webhooks::KEPT {
                    kept.pop_front();
                }
                delivery
            })
            .collect()
    }

    /// Sends one action's events as the switches say: the deliveries made, the events held.
    fn send(&self, events: Vec<Event>) -> (Vec<Delivery>, Vec<Event>) {
        let plan = {
            let mut books = self.books();
            let plan = webhooks::plan(events, books.switches);
            books.held.extend(plan.held.iter().cloned());
            plan
        };
        (self.deliver(&plan.now), plan.held)
    }

    fn answer(&self, call: &Call<'_>) -> Reply {
        let report = |sent: Vec<Delivery>, held: Vec<Event>| {
            let sent: Vec<_> = sent
                .iter()
                .map(|d| json!({"id": d.id, "type": d.kind, "created": d.created, "status": d.status, "error": d.error}))
                .collect();
            let held: Vec<_> = held
                .iter()
                .map(|e| json!({"id": e.id, "type": e.kind, "created": e.created}))
                .collect();
            Reply::json(200, &json!({ "events": sent, "held": held }))
        };
        match self.route(call, unix_now()) {
            Outcome::Reply(reply) => reply,
            Outcome::Send(events, reply) => {
                self.send(events);
                reply
            }
            Outcome::Report(events) => {
                let (sent, held) = self.send(events);
                report(sent, held)
            }
            Outcome::DeliverHeld => {
                let held = std::mem::take(&mut self.books().held);
                report(self.deliver(&held), vec![])
            }
        }
    }
}

pub struct StripeStandIn {
    /// Its API's base (`…/v1/…` under it), no trailing slash.
    pub url: String,
    pub secret_key: String,
    /// What the Worker checks the events' signatures with.
    pub webhook_secret: String,
    /// Serves until the stand-in is dropped.
    _server: JsonServer,
}

impl StripeStandIn {
    /// Sends its events to `webhook_url` (`{worker}/api/v1/stripe/webhook`).
    pub fn start(webhook_url: &str) -> Result<Self> {
        let secret_key = format!("sk_test_{}", crate::random::hex(16)?);
        let webhook_secret = format!("whsec_{}", crate::random::hex(16)?);
        let standin = Arc::new(StandIn::new(
            webhook_url,
            crate::random::hex(16)?,
            secret_key.clone(),
            webhook_secret.clone(),
        )?);
        let shared = standin.clone();
        let server = JsonServer::serve(
            "Stripe stand-in",
            Answering::Concurrently,
            move |request: &Incoming<'_>| {
                let (path, query) = request.url.split_once('?').unwrap_or((request.url, ""));
                shared.answer(&Call {
                    method: request.method,
                    path,
                    query,
                    body: request.body,
                    authorization: request.header("authorization"),
                    idempotency_key: request.header("idempotency-key"),
                })
            },
        )?;
        standin.books().base_url = server.url.clone();
        Ok(Self {
            url: server.url.clone(),
            secret_key,
            webhook_secret,
            _server: server,
        })
    }

    /// The Worker's settings for this stand-in (`runtime.vars` lines).
    pub fn settings(&self) -> String {
        let [monthly, annual] = &objects::PRICES;
        format!(
            "PAYMENTS=on\nSTRIPE_API_URL={}\nSTRIPE_SECRET_KEY={}\nSTRIPE_WEBHOOK_SECRET={}\n\
             STRIPE_PRICE_PRO_MONTHLY={}\nSTRIPE_PRICE_PRO_ANNUAL={}\n\
             PRO_MONTHLY_AMOUNT={}\nPRO_ANNUAL_AMOUNT={}\nPRICE_CURRENCY={}\n",
            self.url.trim_end_matches('/'),
            self.secret_key,
            self.webhook_secret,
            monthly.id,
            annual.id,
            monthly.unit_amount,
            annual.unit_amount,
            objects::CURRENCY,
        )
    }
}
