//! The statuses and bodies of refusals with details of their own: an allowance used up (402 on
//! Free, where Pro lifts it; 429 otherwise), and the services we call failing — the AI models and
//! Stripe — told to the client without their causes (which go to the log).

use axum::http::StatusCode;
use ptp_shared::{ErrorCode, Plan};
use serde_json::{Map, Value, json};

use super::Parts;
use crate::ai::AiError;
use crate::billing::StripeError;

pub fn allowance_spent(
    name: &str,
    plan: Option<Plan>,
    (limit, remaining): (u32, u32),
    renews_at: &str,
    retry_after_secs: u64,
) -> Parts {
    let upgrade = plan == Some(Plan::Free);
    let mut details = Map::new();
    details.insert("allowance".into(), json!(name));
    details.insert("limit".into(), json!(limit));
    details.insert("remaining".into(), json!(remaining));
    details.insert("renews_at".into(), json!(renews_at));
    details.insert("retry_after_secs".into(), json!(retry_after_secs));
    if let Some(plan) = plan {
        details.insert("plan".into(), Value::from(plan.as_str()));
    }
    let message = format!(
        "This goes past your allowance of {limit} {} ({remaining} left); it renews at {renews_at}.{}",
        name.replace('_', " "),
        if upgrade {
            " Pro lifts this limit."
        } else {
            ""
        }
    );
    if upgrade {
        (
            StatusCode::PAYMENT_REQUIRED,
            ErrorCode::PaymentRequired,
            message,
            Some(details),
        )
    } else {
        (
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            message,
            Some(details),
        )
    }
}

pub fn stripe(err: &StripeError) -> Parts {
    match err {
        StripeError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ServiceUnavailable,
            "Payments are not answering right now; nothing was charged. Please try again shortly."
                .into(),
            None,
        ),
        StripeError::Refused { .. } | StripeError::Malformed(_) => (
            StatusCode::BAD_GATEWAY,
            ErrorCode::ServiceUnavailable,
            "Payments did not go through on our side; nothing was charged. It has been logged."
                .into(),
            None,
        ),
    }
}

pub fn ai(err: &AiError) -> Parts {
    match err {
        AiError::Misconfigured(err) => (
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Misconfigured,
            format!("This deployment is misconfigured: {err}."),
            None,
        ),
        AiError::Unavailable { .. } => (
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ServiceUnavailable,
            "The AI model is not answering right now; nothing was counted. Please try again shortly."
                .into(),
            None,
        ),
        AiError::Refused(_) | AiError::Malformed(_) => (
            StatusCode::BAD_GATEWAY,
            ErrorCode::ServiceUnavailable,
            "The AI model did not give a usable answer; nothing was counted. Please try again."
                .into(),
            None,
        ),
    }
}
