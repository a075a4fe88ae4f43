//! Stripe's objects as the stand-in keeps them, each with its JSON in the shape Stripe's API
//! (version 2025-03-31.basil) gives it. The subscription's period is on the subscription and on
//! its item (where the current API moved it), and an invoice names its subscription both at the
//! top (older versions) and under `parent` (the current one), so a parser of either shape reads
//! them.

use std::collections::BTreeMap;

use serde_json::{Value, json};

pub type Metadata = BTreeMap<String, String>;

pub const CURRENCY: &str = "usd";
const DAY_S: i64 = 24 * 3600;

/// A recurring price of PingToPass Pro.
pub struct Price {
    pub id: &'static str,
    /// In cents.
    pub unit_amount: u32,
    pub interval: &'static str,
    /// The length of one period here (Stripe counts calendar months; a test needs a fixed one).
    pub days: i64,
}

pub const PRICES: [Price; 2] = [
    Price {
        id: "price_pro_monthly",
        unit_amount: 1500,
        interval: "month",
        days: 30,
    },
    Price {
        id: "price_pro_annual",
        unit_amount: 12000,
        interval: "year",
        days: 365,
    },
];

impl Price {
    pub fn find(id: &str) -> Option<&'static Price> {
        PRICES.iter().find(|price| price.id == id)
    }

    pub fn period_s(&self) -> i64 {
        self.days * DAY_S
    }

    /// `PingToPass Pro — $15.00 per month`.
    pub fn label(&self) -> String {
        format!(
            "PingToPass Pro — {} per {}",
            money(self.unit_amount),
            self.interval
        )
    }

    fn json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "price",
            "active": true,
            "currency": CURRENCY,
            "unit_amount": self.unit_amount,
            "type": "recurring",
            "recurring": {"interval": self.interval, "interval_count": 1},
            "livemode": false,
        })
    }
}

/// Dollars and cents (the one currency here).
pub fn money(cents: u32) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

pub struct Customer {
    pub id: String,
    pub created: i64,
    pub email: Option<String>,
    pub name: Option<String>,
    pub metadata: Metadata,
}

impl Customer {
    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "customer",
            "created": self.created,
            "email": self.email,
            "name": self.name,
            "metadata": self.metadata,
            "livemode": false,
        })
    }
}

pub struct CheckoutSession {
    pub id: String,
    pub customer: String,
    pub price: &'static Price,
    pub client_reference_id: Option<String>,
    pub metadata: Metadata,
    /// What the subscription it creates will carry as its own metadata.
    pub subscription_metadata: Metadata,
    pub success_url: String,
    pub cancel_url: String,
    pub created: i64,
    pub expires_at: i64,
    /// Set once paid: the session is then complete.
    pub subscription: Option<String>,
}

impl CheckoutSession {
    /// Its page; Stripe gives a session's `url` only while it is open.
    pub fn json(&self, base_url: &str) -> Value {
        let complete = self.subscription.is_some();
        json!({
            "id": self.id,
            "object": "checkout.session",
            "url": (!complete).then(|| format!("{base_url}/checkout/{}", self.id)),
            "mode": "subscription",
            "customer": self.customer,
            "client_reference_id": self.client_reference_id,
            "metadata": self.metadata,
            "status": if complete { "complete" } else { "open" },
            "payment_status": if complete { "paid" } else { "unpaid" },
            "subscription": self.subscription,
            "success_url": self.success_url,
            "cancel_url": self.cancel_url,
            "amount_total": self.price.unit_amount,
            "currency": CURRENCY,
            "created": self.created,
            "expires_at": self.expires_at,
            "livemode": false,
        })
    }
}

pub struct PortalSession {
    pub id: String,
    pub customer: String,
    pub return_url: Option<String>,
    pub created: i64,
}

impl PortalSession {
    pub fn json(&self, base_url: &str) -> Value {
        json!({
            "id": self.id,
            "object": "billing_portal.session",
            "url": format!("{base_url}/portal/{}", self.id),
            "customer": self.customer,
            "return_url": self.return_url,
            "created": self.created,
            "livemode": false,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    PastDue,
    Canceled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::PastDue => "past_due",
            Status::Canceled => "canceled",
        }
    }
}

pub struct Subscription {
    pub id: String,
    pub item_id: String,
    pub customer: String,
    pub price: &'static Price,
    pub status: Status,
    pub cancel_at_period_end: bool,
    /// When it was cancelled (or asked to be, at the period's end).
    pub canceled_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub current_period_start: i64,
    pub current_period_end: i64,
    pub created: i64,
    pub metadata: Metadata,
    pub latest_invoice: Option<String>,
}

impl Subscription {
    /// Not ended: it renews, or waits for a payment.
    pub fn is_live(&self) -> bool {
        self.status != Status::Canceled
    }

    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "subscription",
            "customer": self.customer,
            "status": self.status.as_str(),
            "cancel_at_period_end": self.cancel_at_period_end,
            "cancel_at": self.cancel_at_period_end.then_some(self.current_period_end),
            "canceled_at": self.canceled_at,
            "ended_at": self.ended_at,
            "current_period_start": self.current_period_start,
            "current_period_end": self.current_period_end,
            "created": self.created,
            "start_date": self.created,
            "currency": CURRENCY,
            "latest_invoice": self.latest_invoice,
            "metadata": self.metadata,
            "items": {
                "object": "list",
                "data": [{
                    "id": self.item_id,
                    "object": "subscription_item",
                    "subscription": self.id,
                    "price": self.price.json(),
                    "quantity": 1,
                    "current_period_start": self.current_period_start,
                    "current_period_end": self.current_period_end,
                    "created": self.created,
                }],
                "has_more": false,
                "total_count": 1,
                "url": format!("/v1/subscription_items?subscription={}", self.id),
            },
            "livemode": false,
        })
    }
}

pub struct Invoice {
    pub id: String,
    pub customer: String,
    pub subscription: String,
    pub subscription_item: String,
    pub subscription_metadata: Metadata,
    pub paid: bool,
    pub amount: u32,
    pub created: i64,
    /// Stripe's invoice period is the one billed in arrears: for the first, both are `created`.
    pub period_start: i64,
    pub period_end: i64,
    /// The period its line pays for.
    pub line_period: (i64, i64),
    pub attempt_count: u32,
    /// `subscription_create` or `subscription_cycle`.
    pub billing_reason: &'static str,
}

impl Invoice {
    pub fn json(&self) -> Value {
        let line_id = format!("il_{}", self.id.trim_start_matches("in_"));
        json!({
            "id": self.id,
            "object": "invoice",
            "customer": self.customer,
            "subscription": self.subscription,
            "parent": {
                "type": "subscription_details",
                "quote_details": null,
                "subscription_details": {
                    "subscription": self.subscription,
                    "metadata": self.subscription_metadata,
                },
            },
            "status": if self.paid { "paid" } else { "open" },
            "amount_due": self.amount,
            "amount_paid": if self.paid { self.amount } else { 0 },
            "amount_remaining": if self.paid { 0 } else { self.amount },
            "currency": CURRENCY,
            "created": self.created,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "attempt_count": self.attempt_count,
            "billing_reason": self.billing_reason,
            "lines": {
                "object": "list",
                "data": [{
                    "id": line_id,
                    "object": "line_item",
                    "amount": self.amount,
                    "currency": CURRENCY,
                    "period": {"start": self.line_period.0, "end": self.line_period.1},
                    "parent": {
                        "type": "subscription_item_details",
                        "subscription_item_details": {
                            "subscription": self.subscription,
                            "subscription_item": self.subscription_item,
                        },
                    },
                }],
                "has_more": false,
                "total_count": 1,
            },
            "livemode": false,
        })
    }
}
