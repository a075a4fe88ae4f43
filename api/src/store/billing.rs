//! `billing_customers`, `subscriptions` and `stripe_events`: a member's Stripe customer, their
//! subscriptions as Stripe's events last described them, and each event once. Also what a
//! learner has used of the metered allowances (`Used`), counted from the rows the operations
//! leave anyway (answers, sessions, explanation uses), so no counter can drift from them.

use ptp_domain::UserId;
use ptp_domain::billing::{Metered, Status, Subscription, Window, window};
use ptp_shared::BillingInterval;

use super::StoreError;
use crate::db::{Database, DbError, Row, Stmt, StmtResult, rows, stmt, text};
use crate::http::HttpClient;
use crate::time;

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRecord {
    pub id: String,
    pub status: String,
    pub interval: BillingInterval,
    pub current_period_end_s: i64,
    pub cancel_at_period_end: bool,
    pub payment_failed_at_s: Option<i64>,
    pub state_at_s: i64,
}

fn ms(seconds: i64) -> u64 {
    u64::try_from(seconds).unwrap_or(0).saturating_mul(1000)
}

impl SubscriptionRecord {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let interval = BillingInterval::parse(&row.text("interval")?)
            .map_err(|err| StoreError::Corrupt(err.to_string()))?;
        Ok(Self {
            id: row.text("id")?,
            status: row.text("status")?,
            interval,
            current_period_end_s: row.int("current_period_end")?,
            cancel_at_period_end: row.int("cancel_at_period_end")? == 1,
            payment_failed_at_s: row.opt_int("payment_failed_at")?,
            state_at_s: row.int("state_at")?,
        })
    }

    /// What the entitlement is decided from.
    pub fn state(&self) -> Subscription {
        Subscription {
            status: Status::parse(&self.status),
            period_end_ms: ms(self.current_period_end_s),
            cancel_at_period_end: self.cancel_at_period_end,
            payment_failed_at_ms: self.payment_failed_at_s.map(ms),
            state_at_ms: ms(self.state_at_s),
        }
    }
}

/// What a learner used of each metered allowance in its current window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Used {
    pub practice_answers: u32,
    pub mocks: u32,
    pub ai_explanations: u32,
}

impl Used {
    pub fn of(&self, metered: Metered) -> u32 {
        match metered {
            Metered::PracticeAnswers => self.practice_answers,
            Metered::Mocks => self.mocks,
            Metered::AiExplanations => self.ai_explanations,
        }
    }
}

/// A learner's billing: subscriptions, Stripe customer and allowances used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub subscriptions: Vec<SubscriptionRecord>,
    pub customer: Option<String>,
    pub used: Used,
}

impl Standing {
    pub fn states(&self) -> Vec<Subscription> {
        self.subscriptions.iter().map(|s| s.state()).collect()
    }
}

/// The statements [`standing_from`] reads, to join another function's round trip.
pub fn standing_statements(user_id: &UserId, now_ms: u64) -> Vec<Stmt> {
    let since = |metered: Metered| text(time::rfc3339(window(metered).start_ms(now_ms)));
    vec![
        stmt(
            "SELECT id, status, interval, current_period_end, cancel_at_period_end, \
             payment_failed_at, state_at FROM subscriptions WHERE user_id = ? ORDER BY id",
            [text(user_id)],
        ),
        stmt(
            "SELECT customer_id FROM billing_customers WHERE user_id = ?",
            [text(user_id)],
        ),
        stmt(
            "SELECT (SELECT count(*) FROM responses r JOIN study_sessions s ON s.id = r.session_id \
               WHERE r.user_id = ?1 AND r.answered_at >= ?2 AND s.mode = 'practice') AS practice_answers, \
             (SELECT count(*) FROM study_sessions WHERE user_id = ?1 AND mode = 'mock' AND started_at >= ?3) AS mocks, \
             (SELECT count(*) FROM mistake_explanation_uses WHERE user_id = ?1 AND day = ?4) AS ai_explanations",
            [
                text(user_id),
                since(Metered::PracticeAnswers),
                since(Metered::Mocks),
                text(time::day(Window::Day.start_ms(now_ms))),
            ],
        ),
    ]
}

fn count(row: &Row, column: &str) -> Result<u32, StoreError> {
    u32::try_from(row.int(column)?).map_err(|_| StoreError::Corrupt(format!("{column} count")))
}

/// Reads the results of [`standing_statements`], in order.
pub fn standing_from(results: &[StmtResult]) -> Result<Standing, StoreError> {
    let [subscriptions, customer, used] = results else {
        return Err(DbError::Protocol("the standing's three results".into()).into());
    };
    let used = match rows(used).next() {
        Some(row) => Used {
            practice_answers: count(&row, "practice_answers")?,
            mocks: count(&row, "mocks")?,
            ai_explanations: count(&row, "ai_explanations")?,
        },
        None => Used::default(),
    };
    Ok(Standing {
        subscriptions: rows(subscriptions)
            .map(|row| SubscriptionRecord::from_row(&row))
            .collect::<Result<_, _>>()?,
        customer: rows(customer)
            .next()
            .map(|row| row.text("customer_id"))
            .transpose()?,
        used,
    })
}

/// The learner's standing at `now_ms`, in one round trip.
pub async fn standing(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    now_ms: u64,
) -> Result<Standing, StoreError> {
    let results = db.execute_all(standing_statements(user_id, now_ms)).await?;
    standing_from(&results)
}

/// Links `customer` to the member unless one is linked already; answers the linked one (the
/// first of two racing checkouts wins, and Stripe's idempotency made them the same anyway).
pub async fn link_customer(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    customer: &str,
    now_ms: u64,
) -> Result<String, StoreError> {
    let results = db
        .transaction(vec![
            stmt(
                "INSERT INTO billing_customers (user_id, customer_id, created_at) VALUES (?, ?, ?) \
                 ON CONFLICT (user_id) DO NOTHING",
                [text(user_id), text(customer), text(time::rfc3339(now_ms))],
            ),
            stmt(
                "SELECT customer_id FROM billing_customers WHERE user_id = ?",
                [text(user_id)],
            ),
        ])
        .await?;
    let linked = results
        .get(1)
        .and_then(|result| rows(result).next())
        .map(|row| row.text("customer_id"))
        .transpose()?;
    linked.ok_or_else(|| DbError::Protocol("the linked customer".into()).into())
}

/// A verified event, as the store records it.
pub struct Received<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub created_s: i64,
    pub now_ms: u64,
}

/// What an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// Older than the state held: kept as seen, changed nothing.
    Stale,
    /// Not ours (an unknown customer or subscription) or not a type we act on.
    Ignored,
    /// Seen before: nothing changed this time.
    Duplicate,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Stale => "stale",
            Outcome::Ignored => "ignored",
            Outcome::Duplicate => "duplicate",
        }
    }
}

mod events;
pub use events::{record_ignored, record_invoice, record_subscription};
