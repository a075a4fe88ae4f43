//! A verified webhook event read into what it changes. Only the fields the entitlement needs
//! are read, each bounded; an event of a type we do not handle is `Ignored` (answered 200, as
//! Stripe asks), and one of a handled type without its fields is malformed (400).

use ptp_domain::billing::SubscriptionState;
use ptp_shared::BillingInterval;
use serde_json::Value;

use crate::config::stripe_id;

/// A Stripe event, as far as we act on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub kind: String,
    /// Stripe's `created` (unix seconds): orders events about one object.
    pub created: i64,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A checkout paid: the customer's subscription is read from Stripe and stored.
    CheckoutCompleted {
        customer: String,
        subscription: String,
    },
    /// `customer.subscription.created|updated|deleted`: the object is the whole new state.
    Subscription(SubscriptionState),
    /// An invoice of `subscription` was paid (`paid`) or its payment failed.
    Invoice {
        subscription: String,
        paid: bool,
    },
    Ignored,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the event is malformed: {0}")]
pub struct Malformed(pub String);

/// A Stripe id (`evt_…`, `cus_…`, `sub_…`, `price_…`) at `pointer`.
fn id_at(value: &Value, pointer: &str) -> Result<String, Malformed> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|id| stripe_id(id))
        .map(str::to_string)
        .ok_or_else(|| Malformed(format!("{pointer} is not a Stripe id")))
}

fn int_at(value: &Value, pointers: &[&str]) -> Result<i64, Malformed> {
    pointers
        .iter()
        .find_map(|p| value.pointer(p).and_then(Value::as_i64))
        .ok_or_else(|| Malformed(format!("{} is not a number", pointers[0])))
}

/// A subscription object (an event's, or `GET /v1/subscriptions/{id}`'s). The period moved onto
/// the items in API version 2025-03-31; both places are read.
pub fn subscription(object: &Value) -> Result<SubscriptionState, Malformed> {
    let status = object
        .get("status")
        .and_then(Value::as_str)
        .filter(|s| {
            (1..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        })
        .ok_or_else(|| Malformed("status is not a status".into()))?;
    let interval = match object
        .pointer("/items/data/0/price/recurring/interval")
        .and_then(Value::as_str)
    {
        Some("month") => BillingInterval::Monthly,
        Some("year") => BillingInterval::Annual,
        _ => return Err(Malformed("the price is not monthly or yearly".into())),
    };
    Ok(SubscriptionState {
        id: id_at(object, "/id")?,
        customer: id_at(object, "/customer")?,
        status: status.to_string(),
        interval,
        price_id: id_at(object, "/items/data/0/price/id")?,
        current_period_end: int_at(
            object,
            &["/items/data/0/current_period_end", "/current_period_end"],
        )?,
        cancel_at_period_end: object
            .get("cancel_at_period_end")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

/// Reads a verified event's body.
pub fn parse(body: &[u8]) -> Result<Event, Malformed> {
    let event: Value =
        serde_json::from_slice(body).map_err(|err| Malformed(format!("not JSON: {err}")))?;
    let kind = event
        .get("type")
        .and_then(Value::as_str)
        .filter(|t| (1..=100).contains(&t.len()))
        .ok_or_else(|| Malformed("type is missing".into()))?
        .to_string();
    let object = event
        .pointer("/data/object")
        .ok_or_else(|| Malformed("data.object is missing".into()))?;
    let change = match kind.as_str() {
        "checkout.session.completed" => {
            if object.get("mode").and_then(Value::as_str) == Some("subscription") {
                Change::CheckoutCompleted {
                    customer: id_at(object, "/customer")?,
                    subscription: id_at(object, "/subscription")?,
                }
            } else {
                Change::Ignored
            }
        }
        "customer.subscription.created"
        | "customer.subscription.updated"
        | "customer.subscription.deleted" => Change::Subscription(subscription(object)?),
        "invoice.paid" | "invoice.payment_failed" => {
            let subscription = id_at(object, "/parent/subscription_details/subscription")
                .or_else(|_| id_at(object, "/subscription"));
            match subscription {
                Ok(subscription) => Change::Invoice {
                    subscription,
                    paid: kind == "invoice.paid",
                },
                // A one-off invoice is no subscription's.
                Err(_) => Change::Ignored,
            }
        }
        _ => Change::Ignored,
    };
    Ok(Event {
        id: id_at(&event, "/id")?,
        created: int_at(&event, &["/created"])?,
        kind,
        change,
    })
}

#[cfg(test)]
mod tests;
