//! Calls for plans and billing, and the one reading of a plan's refusal: a metered call answered
//! 402 `payment_required` (or Pro's 429 with the same details), or a Pro feature asked for on
//! Free (402 naming a `feature`), becomes a [`LimitReached`], so every page shows the same
//! upgrade prompt instead of an error.

use gloo::net::http::Request;
use ptp_shared::{
    Allowance, BillingRedirect, BillingStatus, ErrorCode, Plan, PlanCatalog, StartCheckout,
};
use serde_json::Value;

use super::{ApiFailure, json};

/// The plans on offer and their prices (public).
pub async fn plans() -> Result<PlanCatalog, ApiFailure> {
    json(Request::get("/api/v1/billing/plans").build()).await
}

/// The caller's plan, subscription and allowances left.
pub async fn billing_status() -> Result<BillingStatus, ApiFailure> {
    json(Request::get("/api/v1/billing").build()).await
}

/// A Stripe Checkout page for Pro at `interval` (members only; 409 when already subscribed).
pub async fn start_checkout(request: &StartCheckout) -> Result<BillingRedirect, ApiFailure> {
    json(super::body(
        Request::post("/api/v1/billing/checkout"),
        request,
    ))
    .await
}

/// Stripe's billing portal for the member (409 before they have a billing account).
pub async fn billing_portal() -> Result<BillingRedirect, ApiFailure> {
    json(Request::post("/api/v1/billing/portal").build()).await
}

/// An allowance of the learner's plan used up, as the refusal's `details` tell it.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitReached {
    /// The allowance's wire name (`practice_answers`, `mocks`, `ai_explanations`); empty when
    /// the server named none (a feature's refusal).
    pub allowance: String,
    /// The Pro feature refused (`readiness_history`): the page offers Pro in its place rather
    /// than counting anything down. `None` for an allowance.
    pub feature: Option<String>,
    pub limit: u32,
    /// When the count starts again (RFC 3339); empty when not told.
    pub renews_at: String,
    /// The plan whose allowance it is (an upgrade helps only on Free); `None` when the
    /// allowance is not a plan's (an admin's).
    pub plan: Option<Plan>,
    /// The server's own words, shown for an allowance this build cannot name.
    pub message: String,
}

impl LimitReached {
    /// The allowance as it now stands: none left until it renews.
    pub fn spent(&self) -> Allowance {
        Allowance {
            name: self.allowance.clone(),
            limit: self.limit,
            used: self.limit,
            remaining: 0,
            renews_at: self.renews_at.clone(),
        }
    }
}

impl ApiFailure {
    /// The allowance or feature that refused this call: every 402 `payment_required` (Free's,
    /// even when the details are missing; a Pro feature's names it in `feature`), and any other
    /// refusal whose details name an `allowance` (Pro's spent explanations, a 429). `None` for
    /// every other failure — a rate limit's 429 names a `quota`, not an allowance.
    pub fn limit_reached(&self) -> Option<LimitReached> {
        let details = self.details.clone().unwrap_or_default();
        let allowance = details.get("allowance").and_then(Value::as_str);
        let payment_required = self.code == Some(ErrorCode::PaymentRequired);
        if allowance.is_none() && !payment_required {
            return None;
        }
        let plan = details
            .get("plan")
            .and_then(|plan| serde_json::from_value(plan.clone()).ok())
            .or(payment_required.then_some(Plan::Free));
        Some(LimitReached {
            allowance: allowance.unwrap_or_default().to_string(),
            feature: details
                .get("feature")
                .and_then(Value::as_str)
                .map(str::to_string),
            limit: details
                .get("limit")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            renews_at: details
                .get("renews_at")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            plan,
            message: self.message.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(status: u16, code: ErrorCode, details: Value) -> ApiFailure {
        ApiFailure {
            status,
            code: Some(code),
            message: "Refused.".into(),
            details: details.as_object().cloned(),
        }
    }

    #[test]
    fn a_payment_required_answer_names_the_allowance_and_its_renewal() {
        let refused = failure(
            402,
            ErrorCode::PaymentRequired,
            serde_json::json!({"allowance": "practice_answers", "limit": 25, "remaining": 0,
                "renews_at": "2026-11-26T00:00:00Z", "plan": "free"}),
        );
        let spent = refused.limit_reached().expect("a plan's refusal").spent();
        assert_eq!(
            (spent.name.as_str(), spent.used, spent.remaining),
            ("practice_answers", 25, 0)
        );
        assert_eq!(
            refused.limit_reached(),
            Some(LimitReached {
                allowance: "practice_answers".into(),
                feature: None,
                limit: 25,
                renews_at: "2026-11-26T00:00:00Z".into(),
                plan: Some(Plan::Free),
                message: "Refused.".into(),
            })
        );
    }

    #[test]
    fn pro_s_spent_explanations_are_a_limit_but_a_rate_limit_is_not() {
        let pro = failure(
            429,
            ErrorCode::RateLimited,
            serde_json::json!({"allowance": "ai_explanations", "limit": 50, "remaining": 0,
                "renews_at": "2026-11-26T00:00:00Z", "plan": "pro"}),
        );
        assert_eq!(pro.limit_reached().and_then(|l| l.plan), Some(Plan::Pro));
        let quota = failure(
            429,
            ErrorCode::RateLimited,
            serde_json::json!({"quota": "reports"}),
        );
        assert_eq!(quota.limit_reached(), None);
    }

    #[test]
    fn a_payment_required_answer_without_details_is_still_an_upgrade_on_free() {
        let bare = ApiFailure {
            status: 402,
            code: Some(ErrorCode::PaymentRequired),
            message: "Upgrade to continue.".into(),
            details: None,
        };
        let limit = bare.limit_reached().expect("a plan's refusal");
        assert_eq!(
            (limit.plan, limit.allowance.as_str()),
            (Some(Plan::Free), "")
        );
        assert_eq!(limit.message, "Upgrade to continue.");
    }

    #[test]
    fn a_pro_feature_asked_for_on_free_names_the_feature_and_no_allowance() {
        let refused = failure(
            402,
            ErrorCode::PaymentRequired,
            serde_json::json!({"feature": "readiness_history", "plan": "free"}),
        );
        let limit = refused.limit_reached().expect("a plan's refusal");
        assert_eq!(limit.feature.as_deref(), Some("readiness_history"));
        assert_eq!(
            (limit.allowance.as_str(), limit.limit, limit.plan),
            ("", 0, Some(Plan::Free))
        );
        let allowance = failure(
            402,
            ErrorCode::PaymentRequired,
            serde_json::json!({"allowance": "mocks", "limit": 1, "plan": "free"}),
        );
        assert_eq!(allowance.limit_reached().and_then(|l| l.feature), None);
    }
}
