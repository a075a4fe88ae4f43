//! Plans, what each allows, and a learner's subscription: the pricing page, the account's plan,
//! the upgrade flow through Stripe Checkout and the allowances left.

use serde::{Deserialize, Serialize};

/// What a learner may do: Free (guests and members) or Pro (a paid subscription).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Pro,
}

/// How often Pro is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillingInterval {
    Monthly,
    Annual,
}

/// An operation a plan meters; its wire name (`practice_answers`, `mocks`, `ai_explanations`)
/// names the allowance in error details and views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Metered {
    /// Answers in practice sessions, per UTC day.
    PracticeAnswers,
    /// Mocks started, per ISO week (Monday 00:00 UTC).
    Mocks,
    /// "Why was my answer wrong?" explanations, per UTC day.
    AiExplanations,
}

impl Metered {
    pub const ALL: [Metered; 3] = [
        Metered::PracticeAnswers,
        Metered::Mocks,
        Metered::AiExplanations,
    ];
}

/// A plan's limits; `None` is unlimited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanLimits {
    /// Practice answers per UTC day.
    pub practice_answers_per_day: Option<u32>,
    /// Mocks started per ISO week (from Monday 00:00 UTC).
    pub mocks_per_week: Option<u32>,
    /// "Why was my answer wrong?" explanations per UTC day.
    pub ai_explanations_per_day: u32,
    /// Readiness history over time (the progress page's history).
    pub readiness_history: bool,
}

/// One way to pay for a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanPrice {
    pub interval: BillingInterval,
    /// In the currency's smallest unit (cents).
    pub amount: u32,
    /// ISO 4217, lower case (`usd`).
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanOffer {
    pub plan: Plan,
    pub limits: PlanLimits,
    /// Empty for Free.
    pub prices: Vec<PlanPrice>,
}

/// `GET /api/v1/billing/plans`: the pricing page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanCatalog {
    /// False where this deployment sells no plans (payments off): everyone is on Free.
    pub on_sale: bool,
    pub plans: Vec<PlanOffer>,
}

/// A daily or weekly allowance and what is left of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Allowance {
    /// Its name in error details: `practice_answers`, `mocks` or `ai_explanations`.
    pub name: String,
    pub limit: u32,
    pub used: u32,
    pub remaining: u32,
    /// When the count starts again (RFC 3339: the next UTC midnight, or Monday's for mocks).
    pub renews_at: String,
}

/// The learner's subscription as Stripe last told us.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionView {
    /// Stripe's status: `active`, `trialing`, `past_due`, `canceled`, `unpaid`, …
    pub status: String,
    pub interval: BillingInterval,
    /// The end of the paid period (RFC 3339): the renewal date, or the last day when cancelling.
    pub current_period_end: String,
    /// Cancelled in the portal: Pro until `current_period_end`, then Free.
    pub cancel_at_period_end: bool,
    /// A payment failed: Pro until this moment (RFC 3339) unless an invoice is paid.
    pub grace_until: Option<String>,
}

/// `GET /api/v1/billing`: the caller's plan, subscription and allowances left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingStatus {
    pub plan: Plan,
    pub subscription: Option<SubscriptionView>,
    /// The metered allowances of the plan; an unlimited one is not listed.
    pub allowances: Vec<Allowance>,
    /// Whether a Stripe customer exists, so "Manage billing" can open the portal.
    pub has_billing_account: bool,
}

/// `POST /api/v1/billing/checkout`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartCheckout {
    pub interval: BillingInterval,
}

/// Where to send the browser: a Stripe Checkout or Billing Portal page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingRedirect {
    pub url: String,
}

/// `POST /api/v1/stripe/webhook`'s answer once the event is stored (or known).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookReceipt {
    /// `applied`, `stale` (older than the state held), `duplicate` (seen before) or `ignored`.
    pub outcome: String,
}
