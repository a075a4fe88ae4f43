//! Entitlements at the edge of each metered operation: the caller's plan from their stored
//! subscriptions (`domain::billing`), the allowance of the operation on that plan, and the
//! refusal — 402 on Free with what is left and when it renews — when one more does not fit.
//! Nothing here reads a plan from the request.

use ptp_domain::billing::{self, Allowance, Metered};
use ptp_shared::{self as wire, Plan};

use crate::config::PlansConfig;
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::billing::Standing;
use crate::time;

pub fn plans<P: Platform>(platform: &P) -> Result<&PlansConfig, ApiError> {
    platform
        .settings()
        .plans
        .as_ref()
        .map_err(|err| ApiError::Misconfigured(err.clone()))
}

/// The plan `standing` gives at `now_ms`.
pub fn plan(config: &PlansConfig, standing: &Standing, now_ms: u64) -> Plan {
    billing::plan_of(&standing.states(), now_ms, config.grace_ms)
}

/// The allowance of `metered` for this learner now; `None` when their plan does not limit it.
pub fn allowance(
    config: &PlansConfig,
    standing: &Standing,
    metered: Metered,
    now_ms: u64,
) -> Option<Allowance> {
    let plan = plan(config, standing, now_ms);
    Allowance::of(
        &config.plans,
        plan,
        metered,
        standing.used.of(metered),
        now_ms,
    )
}

/// The refusal of an operation past `allowance`.
pub fn spent(allowance: &Allowance, now_ms: u64) -> ApiError {
    ApiError::AllowanceSpent {
        name: allowance.metered.as_str(),
        plan: Some(allowance.plan),
        limit: allowance.limit,
        remaining: allowance.remaining(),
        renews_at: time::rfc3339(allowance.renews_at_ms),
        retry_after_secs: allowance.renews_at_ms.saturating_sub(now_ms).div_ceil(1000),
    }
}

/// Admits one more `metered` operation, or refuses it; answers the allowance it counts against.
pub fn admit_one(
    config: &PlansConfig,
    standing: &Standing,
    metered: Metered,
    now_ms: u64,
) -> Result<Option<Allowance>, ApiError> {
    allowance(config, standing, metered, now_ms)
        .map(|a| a.admit(1).map_err(|a| spent(&a, now_ms)))
        .transpose()
}

pub fn view(allowance: &Allowance) -> wire::Allowance {
    wire::Allowance {
        name: allowance.metered.as_str().into(),
        limit: allowance.limit,
        used: allowance.used,
        remaining: allowance.remaining(),
        renews_at: time::rfc3339(allowance.renews_at_ms),
    }
}

/// The caller's plan, subscription and allowances left, as the account page shows them.
pub fn status(config: &PlansConfig, standing: &Standing, now_ms: u64) -> wire::BillingStatus {
    let at = |seconds: i64| time::rfc3339(u64::try_from(seconds).unwrap_or(0) * 1000);
    // The newest subscription that still says something: a lapsed one only while none other.
    let subscription = standing
        .subscriptions
        .iter()
        .max_by_key(|s| {
            (
                s.state().entitles(now_ms, config.grace_ms),
                s.current_period_end_s,
            )
        })
        .map(|s| wire::SubscriptionView {
            status: s.status.clone(),
            interval: s.interval,
            current_period_end: at(s.current_period_end_s),
            cancel_at_period_end: s.cancel_at_period_end,
            grace_until: s.state().grace_until_ms(config.grace_ms).map(time::rfc3339),
        });
    wire::BillingStatus {
        plan: plan(config, standing, now_ms),
        subscription,
        allowances: Metered::ALL
            .iter()
            .filter_map(|m| allowance(config, standing, *m, now_ms))
            .map(|a| view(&a))
            .collect(),
        has_billing_account: standing.customer.is_some(),
    }
}
