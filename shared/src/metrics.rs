//! What the daily rollup keeps: per day and exam, for the admins' dashboard.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyMetric {
    /// The UTC day, `YYYY-MM-DD`.
    pub day: String,
    pub exam: String,
    pub answers: u32,
    /// Distinct learners (guests included) who answered that day.
    pub active_learners: u32,
    /// Mock exams finished that day.
    pub mocks_taken: u32,
    pub mocks_passed: u32,
    /// `mocks_passed / mocks_taken`; absent when no mock was taken.
    pub pass_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyMetrics {
    /// Newest day first; within a day, by exam.
    pub days: Vec<DailyMetric>,
}

/// One closed day of the cost tracker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyCost {
    /// The UTC day, `YYYY-MM-DD`.
    pub day: String,
    /// What the day added to the month's bill, in US dollars (allowances used up first).
    pub cost_usd: f64,
    /// The month's bill with this day: base subscriptions, metered usage and AI calls.
    pub month_to_date_usd: f64,
    /// Of `cost_usd`, what the model calls through OpenRouter cost.
    pub openrouter_usd: f64,
    /// The day's usage per meter of the price table (`worker_requests`, `kv_reads`, …).
    pub usage: std::collections::BTreeMap<String, f64>,
    /// Usage sources the job could not read, each with why; the day's cost leaves them out.
    pub gaps: Vec<String>,
}

/// `GET /api/v1/admin/costs`: the month so far against the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostReport {
    pub budget_usd: f64,
    /// The month-to-date total at which the alert is raised (80 % of the budget).
    pub alert_at_usd: f64,
    /// The month of the latest closed day (`YYYY-MM`); absent before any day is closed.
    pub month: Option<String>,
    /// That month's bill up to the latest closed day.
    pub month_to_date_usd: f64,
    /// The budget alert for the admins' banner, while that total is at or past `alert_at_usd`.
    pub alert: Option<String>,
    /// Closed days of the last `days`, newest first.
    pub days: Vec<DailyCost>,
}

/// One question version's item analysis (first attempts only), as of the last daily rollup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemStatsView {
    pub question: String,
    pub version: u32,
    pub domain: String,
    /// Whether this is the question's current version.
    pub current: bool,
    pub responses: u32,
    /// Share of first attempts answered correctly, 0–1.
    pub facility: f64,
    /// Point-biserial correlation with the learner's score on the rest of the exam, −1–1;
    /// absent when there is nothing to correlate (everyone right, or one learner).
    pub discrimination: Option<f64>,
    /// Each choice's share of attempts that picked it, by position (`a` first); empty for
    /// ordering questions.
    pub choice_shares: Vec<f64>,
    pub median_ms: u64,
    /// `too_easy` (> 90 % right), `too_hard` (< 20 %), `negative_discrimination`,
    /// `unused_distractor:<choice>` (picked by < 5 %); raised from 20 first attempts.
    pub flags: Vec<String>,
    pub computed_at: String,
}

/// `GET /api/v1/admin/stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemStatsList {
    pub items: Vec<ItemStatsView>,
}
