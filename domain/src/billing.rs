//! Plans and entitlements: which plan a learner's subscriptions give them at a moment, what each
//! plan allows, and whether one more metered operation fits its allowance. Decided from the
//! stored subscription state only — never from anything a client sends.

pub use ptp_shared::Metered;
use ptp_shared::{BillingInterval, Plan};

use crate::DAY_MS;

const WEEK_MS: u64 = 7 * DAY_MS;
/// 1970-01-01 was a Thursday: Monday 1969-12-29 is three days before the epoch.
const MONDAY_OFFSET_MS: u64 = 3 * DAY_MS;

/// The window `metered` counts over: mocks per ISO week, the rest per UTC day.
pub const fn window(metered: Metered) -> Window {
    match metered {
        Metered::Mocks => Window::Week,
        Metered::PracticeAnswers | Metered::AiExplanations => Window::Day,
    }
}

/// The period an allowance counts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// From UTC midnight.
    Day,
    /// From Monday 00:00 UTC.
    Week,
}

impl Window {
    /// When the window holding `now_ms` began.
    pub fn start_ms(self, now_ms: u64) -> u64 {
        match self {
            Window::Day => now_ms / DAY_MS * DAY_MS,
            Window::Week => {
                let shifted = now_ms + MONDAY_OFFSET_MS;
                (shifted / WEEK_MS * WEEK_MS).saturating_sub(MONDAY_OFFSET_MS)
            }
        }
    }

    /// When the count starts again.
    pub fn renews_at_ms(self, now_ms: u64) -> u64 {
        self.start_ms(now_ms)
            + match self {
                Window::Day => DAY_MS,
                Window::Week => WEEK_MS,
            }
    }
}

/// What a plan allows; `None` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub practice_answers_per_day: Option<u32>,
    pub mocks_per_week: Option<u32>,
    pub ai_explanations_per_day: u32,
    pub readiness_history: bool,
}

impl Limits {
    pub fn of(&self, metered: Metered) -> Option<u32> {
        match metered {
            Metered::PracticeAnswers => self.practice_answers_per_day,
            Metered::Mocks => self.mocks_per_week,
            Metered::AiExplanations => Some(self.ai_explanations_per_day),
        }
    }
}

/// Both plans' limits, from configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plans {
    pub free: Limits,
    pub pro: Limits,
}

impl Plans {
    pub fn limits(&self, plan: Plan) -> &Limits {
        match plan {
            Plan::Free => &self.free,
            Plan::Pro => &self.pro,
        }
    }
}

/// One metered allowance at a moment: its limit and how much of it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub metered: Metered,
    pub plan: Plan,
    pub limit: u32,
    pub used: u32,
    pub renews_at_ms: u64,
}

impl Allowance {
    /// The allowance of `metered` on `plan` with `used` counted in the window holding `now_ms`;
    /// `None` when the plan does not limit it.
    pub fn of(plans: &Plans, plan: Plan, metered: Metered, used: u32, now_ms: u64) -> Option<Self> {
        plans.limits(plan).of(metered).map(|limit| Allowance {
            metered,
            plan,
            limit,
            used,
            renews_at_ms: window(metered).renews_at_ms(now_ms),
        })
    }

    pub fn remaining(&self) -> u32 {
        self.limit.saturating_sub(self.used)
    }

    /// Whether `count` more fit; `Err(self)` names the allowance the operation goes past.
    pub fn admit(self, count: u32) -> Result<Self, Self> {
        if self.used.saturating_add(count) > self.limit {
            Err(self)
        } else {
            Ok(self)
        }
    }

    /// A paid plan would lift it (so the refusal is "payment required", not "come back later").
    pub fn upgrade_lifts(&self) -> bool {
        self.plan == Plan::Free
    }
}

/// Stripe's subscription statuses, as far as entitlement goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Trialing,
    /// An invoice failed; Stripe retries it. Pro through the grace period.
    PastDue,
    /// Anything else Stripe may say (`canceled`, `unpaid`, `incomplete`, `incomplete_expired`,
    /// `paused`, or a status newer than this code): no paid plan.
    Lapsed,
}

impl Status {
    pub fn parse(stripe: &str) -> Self {
        match stripe {
            "active" => Status::Active,
            "trialing" => Status::Trialing,
            "past_due" => Status::PastDue,
            _ => Status::Lapsed,
        }
    }
}

/// A subscription as last stored from Stripe's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscription {
    pub status: Status,
    pub period_end_ms: u64,
    pub cancel_at_period_end: bool,
    /// The first failed payment since the last paid invoice.
    pub payment_failed_at_ms: Option<u64>,
    /// When the state held was Stripe's (the event's `created`).
    pub state_at_ms: u64,
}

impl Subscription {
    /// Until when a failed payment keeps Pro.
    pub fn grace_until_ms(&self, grace_ms: u64) -> Option<u64> {
        let failed = match (self.status, self.payment_failed_at_ms) {
            (_, Some(at)) => at,
            (Status::PastDue, None) => self.state_at_ms,
            _ => return None,
        };
        Some(failed + grace_ms)
    }

    /// Whether this subscription makes its owner Pro at `now_ms`. A renewal whose events are
    /// late keeps Pro for the grace period past the period's end; a cancelled one ends at it.
    pub fn entitles(&self, now_ms: u64, grace_ms: u64) -> bool {
        let in_grace = self
            .grace_until_ms(grace_ms)
            .is_some_and(|until| now_ms < until);
        match self.status {
            Status::Active | Status::Trialing => {
                if self.payment_failed_at_ms.is_some() {
                    return in_grace;
                }
                let end = if self.cancel_at_period_end {
                    self.period_end_ms
                } else {
                    self.period_end_ms + grace_ms
                };
                now_ms < end
            }
            Status::PastDue => in_grace,
            Status::Lapsed => false,
        }
    }
}

/// A subscription as Stripe reported it (an event's object, or the API's answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionState {
    pub id: String,
    pub customer: String,
    /// Stripe's status, as sent (see [`Status::parse`]).
    pub status: String,
    pub interval: BillingInterval,
    pub price_id: String,
    /// Unix seconds.
    pub current_period_end: i64,
    pub cancel_at_period_end: bool,
}

/// The plan a learner's subscriptions give them at `now_ms`.
pub fn plan_of(subscriptions: &[Subscription], now_ms: u64, grace_ms: u64) -> Plan {
    if subscriptions.iter().any(|s| s.entitles(now_ms, grace_ms)) {
        Plan::Pro
    } else {
        Plan::Free
    }
}

#[cfg(test)]
mod tests;
