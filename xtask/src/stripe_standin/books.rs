//! What the stand-in holds — customers, sessions, subscriptions, invoices, the failure switches
//! and the events held back — and the moves that change it, each returning the events Stripe
//! sends for it, in Stripe's order. Nothing here touches the network or the clock (`now` is an
//! argument), so the tests drive it directly.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::keys::Idempotent;
use super::objects::{
    CheckoutSession, Customer, Invoice, Metadata, PortalSession, Status, Subscription,
};
use super::webhooks::{Event, Switches, previous_attributes};

/// Ids no one can guess from the ones they saw: a hash of a secret seed and a counter.
struct Ids {
    seed: String,
    count: u64,
}

impl Ids {
    fn next(&mut self, prefix: &str) -> String {
        self.count += 1;
        let digest = Sha256::new()
            .chain_update(&self.seed)
            .chain_update(self.count.to_le_bytes())
            .finalize();
        let tail: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        format!("{prefix}{tail}")
    }
}

/// Why a checkout was not paid.
#[derive(Debug, PartialEq, Eq)]
pub enum PayRefusal {
    Unknown,
    Complete,
    Expired,
    Declined,
}

/// The card Stripe's test mode always declines.
pub const DECLINED_CARD: &str = "4000000000000002";

pub struct Books {
    /// The stand-in's address, for the pages' URLs.
    pub base_url: String,
    ids: Ids,
    /// The last event's `created`: events are strictly ordered by it.
    last_event_s: i64,
    pub customers: BTreeMap<String, Customer>,
    pub checkouts: BTreeMap<String, CheckoutSession>,
    pub portals: BTreeMap<String, PortalSession>,
    pub subscriptions: BTreeMap<String, Subscription>,
    pub invoices: BTreeMap<String, Invoice>,
    pub switches: Switches,
    /// Events the `late` switch held back, in the order they go.
    pub held: Vec<Event>,
    /// Replies to idempotent API calls.
    pub remembered: Idempotent,
}

impl Books {
    pub fn new(seed: String) -> Self {
        Self {
            base_url: String::new(),
            ids: Ids { seed, count: 0 },
            last_event_s: 0,
            customers: BTreeMap::new(),
            checkouts: BTreeMap::new(),
            portals: BTreeMap::new(),
            subscriptions: BTreeMap::new(),
            invoices: BTreeMap::new(),
            switches: Switches::default(),
            held: vec![],
            remembered: Idempotent::new(),
        }
    }

    pub fn id(&mut self, prefix: &str) -> String {
        self.ids.next(prefix)
    }

    /// An event about `object` now — a second later than the last one when that was now too.
    fn event(
        &mut self,
        kind: &'static str,
        object: serde_json::Value,
        previous: Option<serde_json::Value>,
        now: i64,
    ) -> Event {
        let created = now.max(self.last_event_s + 1);
        self.last_event_s = created;
        let id = self.id("evt_");
        Event::new(id, kind, created, object, previous)
    }

    pub fn add_customer(
        &mut self,
        email: Option<String>,
        name: Option<String>,
        metadata: Metadata,
        now: i64,
    ) -> &Customer {
        let id = self.id("cus_");
        self.customers.entry(id.clone()).or_insert(Customer {
            id,
            created: now,
            email,
            name,
            metadata,
        })
    }

    /// A paid invoice for `subscription`'s current period.
    fn paid_invoice(
        &mut self,
        subscription: &str,
        billing_reason: &'static str,
        now: i64,
    ) -> String {
        let id = self.id("in_");
        if let Some(sub) = self.subscriptions.get_mut(subscription) {
            let billed_from = if billing_reason == "subscription_create" {
                now
            } else {
                sub.current_period_start - sub.price.period_s()
            };
            sub.latest_invoice = Some(id.clone());
            self.invoices.insert(
                id.clone(),
                Invoice {
                    id: id.clone(),
                    customer: sub.customer.clone(),
                    subscription: sub.id.clone(),
                    subscription_item: sub.item_id.clone(),
                    subscription_metadata: sub.metadata.clone(),
                    paid: true,
                    amount: sub.price.unit_amount,
                    created: now,
                    period_start: billed_from,
                    period_end: now,
                    line_period: (sub.current_period_start, sub.current_period_end),
                    attempt_count: 1,
                    billing_reason,
                },
            );
        }
        id
    }

    fn invoice_json(&self, id: &str) -> serde_json::Value {
        self.invoices.get(id).map(Invoice::json).unwrap_or_default()
    }

    fn subscription_json(&self, id: &str) -> serde_json::Value {
        self.subscriptions
            .get(id)
            .map(Subscription::json)
            .unwrap_or_default()
    }

    /// Pays checkout `id` with `card`: a subscription, its first invoice, the session complete.
    /// Answers where the browser goes next and the events to send.
    pub fn pay(
        &mut self,
        id: &str,
        card: &str,
        now: i64,
    ) -> Result<(String, Vec<Event>), PayRefusal> {
        let checkout = self.checkouts.get(id).ok_or(PayRefusal::Unknown)?;
        if checkout.subscription.is_some() {
            return Err(PayRefusal::Complete);
        }
        if now > checkout.expires_at {
            return Err(PayRefusal::Expired);
        }
        let digits: String = card
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits == DECLINED_CARD {
            return Err(PayRefusal::Declined);
        }
        let (customer, price, metadata) = (
            checkout.customer.clone(),
            checkout.price,
            checkout.subscription_metadata.clone(),
        );
        let (sub_id, item_id) = (self.id("sub_"), self.id("si_"));
        self.subscriptions.insert(
            sub_id.clone(),
            Subscription {
                id: sub_id.clone(),
                item_id,
                customer,
                price,
                status: Status::Active,
                cancel_at_period_end: false,
                canceled_at: None,
                ended_at: None,
                current_period_start: now,
                current_period_end: now + price.period_s(),
                created: now,
                metadata,
                latest_invoice: None,
            },
        );
        let invoice = self.paid_invoice(&sub_id, "subscription_create", now);
        let Some(checkout) = self.checkouts.get_mut(id) else {
            return Err(PayRefusal::Unknown);
        };
        checkout.subscription = Some(sub_id.clone());
        let redirect = checkout.success_url.replace("{CHECKOUT_SESSION_ID}", id);
        let session = checkout.json(&self.base_url);
        let events = vec![
            self.event(
                "customer.subscription.created",
                self.subscription_json(&sub_id),
                None,
                now,
            ),
            self.event("invoice.paid", self.invoice_json(&invoice), None, now),
            self.event("checkout.session.completed", session, None, now),
        ];
        Ok((redirect, events))
    }

    /// Changes live subscription `id` by `change`; the `customer.subscription.updated` event, or
    /// `None` when there is no such live subscription.
    fn update(
        &mut self,
        id: &str,
        now: i64,
        change: impl FnOnce(&mut Subscription),
    ) -> Option<Event> {
        let sub = self.subscriptions.get_mut(id).filter(|s| s.is_live())?;
        let before = sub.json();
        change(sub);
        let after = sub.json();
        let previous = previous_attributes(&before, &after);
        Some(self.event("customer.subscription.updated", after, Some(previous), now))
    }

    /// The portal's cancel (`true`) or renew (`false`): at the period's end, or not after all.
    pub fn cancel_at_period_end(&mut self, id: &str, cancel: bool, now: i64) -> Option<Event> {
        self.update(id, now, |sub| {
            sub.cancel_at_period_end = cancel;
            sub.canceled_at = cancel.then_some(now);
        })
    }

    /// Ends live subscription `id` now (`DELETE /v1/subscriptions/{id}`).
    pub fn cancel_now(&mut self, id: &str, now: i64) -> Option<(serde_json::Value, Event)> {
        let sub = self.subscriptions.get_mut(id).filter(|s| s.is_live())?;
        sub.status = Status::Canceled;
        sub.canceled_at = Some(now);
        sub.ended_at = Some(now);
        let object = sub.json();
        let event = self.event("customer.subscription.deleted", object.clone(), None, now);
        Some((object, event))
    }

    /// Brings each live subscription of `customer` (of everyone when `None`) to the end of its
    /// period, now: its period is moved to end now, then it ends (when cancelling at the
    /// period's end) or renews with a paid invoice.
    pub fn advance(&mut self, customer: Option<&str>, now: i64) -> Vec<Event> {
        let due: Vec<String> = self
            .subscriptions
            .values()
            .filter(|s| s.is_live() && customer.is_none_or(|c| s.customer == c))
            .map(|s| s.id.clone())
            .collect();
        let mut events = vec![];
        for id in due {
            let Some(sub) = self.subscriptions.get_mut(&id) else {
                continue;
            };
            let length = sub.price.period_s();
            sub.current_period_start = now - length;
            sub.current_period_end = now;
            if sub.cancel_at_period_end {
                sub.status = Status::Canceled;
                sub.ended_at = Some(now);
                let object = sub.json();
                events.push(self.event("customer.subscription.deleted", object, None, now));
                continue;
            }
            let before = sub.json();
            sub.status = Status::Active;
            sub.current_period_start = now;
            sub.current_period_end = now + length;
            let invoice = self.paid_invoice(&id, "subscription_cycle", now);
            events.push(self.event("invoice.paid", self.invoice_json(&invoice), None, now));
            let after = self.subscription_json(&id);
            let previous = previous_attributes(&before, &after);
            events.push(self.event("customer.subscription.updated", after, Some(previous), now));
        }
        events
    }

    /// A renewal payment of live subscription `id` fails: an open invoice, the subscription
    /// past due.
    pub fn fail_payment(&mut self, id: &str, now: i64) -> Option<Vec<Event>> {
        let sub = self.subscriptions.get(id).filter(|s| s.is_live())?;
        let invoice = Invoice {
            id: self.ids.next("in_"),
            customer: sub.customer.clone(),
            subscription: sub.id.clone(),
            subscription_item: sub.item_id.clone(),
            subscription_metadata: sub.metadata.clone(),
            paid: false,
            amount: sub.price.unit_amount,
            created: now,
            period_start: sub.current_period_start,
            period_end: now,
            line_period: (
                sub.current_period_end,
                sub.current_period_end + sub.price.period_s(),
            ),
            attempt_count: 1,
            billing_reason: "subscription_cycle",
        };
        let invoice_id = invoice.id.clone();
        let failed = self.event("invoice.payment_failed", invoice.json(), None, now);
        self.invoices.insert(invoice_id.clone(), invoice);
        let updated = self.update(id, now, |sub| {
            sub.status = Status::PastDue;
            sub.latest_invoice = Some(invoice_id);
        })?;
        Some(vec![failed, updated])
    }
}
