//! The API layer's one error type and its single mapping to a status and the JSON error body.

use axum::http::{Method, StatusCode};
use ptp_domain::ValidationError;
use ptp_domain::rate_limit::Quota;
use ptp_shared::{ErrorCode, Plan, Scope};

pub(crate) type Parts = (StatusCode, ErrorCode, String, Option<Map<String, Value>>);
use serde_json::{Map, Value, json};

use crate::ai::AiError;
use crate::billing::StripeError;
use crate::config::ConfigError;
use crate::db::DbError;
use crate::ports::KvError;

mod auth;
mod refusals;
mod response;
mod upstream;

pub use auth::AuthFailure;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no route for {method} {path}")]
    RouteNotFound { method: Method, path: String },
    #[error("{0} not found")]
    NotFound(String),
    /// axum adds the `Allow` header listing the methods the route accepts.
    #[error("method {0} not allowed")]
    MethodNotAllowed(Method),
    #[error("malformed JSON body: {0}")]
    MalformedJson(String),
    #[error("expected Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("request body too large")]
    PayloadTooLarge,
    /// A body over an operation's own limit, which the message names.
    #[error("too large: {0}")]
    TooLarge(String),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Several rules broken at once (a question's fields): each named, the first also as
    /// `field`/`reason` like a single [`ApiError::Invalid`].
    #[error("{} rules broken", .0.len())]
    Problems(Vec<ValidationError>),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Input refused with structured details (an import's report).
    #[error("invalid: {message}")]
    InvalidWith { message: String, details: Value },
    /// `clear_cookie`: the session cookie was the problem; tell the browser to drop it.
    #[error("unauthorized: {failure:?}")]
    Unauthorized {
        failure: AuthFailure,
        clear_cookie: bool,
    },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("API key lacks scope {}", .0.as_str())]
    MissingScope(Scope),
    /// A cookie-authenticated write that did not come from this site.
    #[error("cross-site request")]
    CrossSite,
    #[error("conflict: {0}")]
    Conflict(String),
    /// Over the client's request limit; it may try again after this many seconds.
    #[error("rate limited for {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    /// Over a quota (new guests, open sessions, reports) until this many seconds have passed.
    #[error("over the {} quota for {retry_after_secs}s", .quota.name)]
    QuotaExceeded { quota: Quota, retry_after_secs: u64 },
    /// An allowance (`name`) is used up until `renews_at` (RFC 3339): 402 when it is the Free
    /// plan's (Pro lifts it), 429 otherwise (Pro's own, or an admin's).
    #[error("the {name} allowance is used up")]
    AllowanceSpent {
        name: &'static str,
        /// The learner's plan, where a plan sets the allowance.
        plan: Option<Plan>,
        limit: u32,
        /// What is left: nothing, or less than the request asked for.
        remaining: u32,
        renews_at: String,
        retry_after_secs: u64,
    },
    /// A feature of the paid plan (`readiness_history`) asked for on Free.
    #[error("{0} needs Pro")]
    PlanFeature(&'static str),
    /// A model reached through OpenRouter failed or answered unusably.
    #[error(transparent)]
    Ai(#[from] AiError),
    /// Stripe failed or refused a call of ours.
    #[error(transparent)]
    Stripe(#[from] StripeError),
    /// A conflict with structured details (e.g. a mock's shortfall per domain).
    #[error("conflict: {message}")]
    ConflictWith { message: String, details: Value },
    /// A bug or corrupt data on our side; the cause is logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Kv(#[from] KvError),
    #[error("R2 bucket failed: {0}")]
    Storage(String),
    /// The identity provider (or another service we call) failed or answered nonsense.
    #[error("upstream failed: {0}")]
    Upstream(String),
    #[error(transparent)]
    Misconfigured(#[from] ConfigError),
}

/// A feature's wire name as the start of a sentence: `readiness_history` → "Readiness history".
fn feature_name(feature: &str) -> String {
    let words = feature.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Why a server error happened, left on the response for the request's log line.
#[derive(Debug, Clone)]
pub struct ErrorCause(pub String);

/// Left on a response refusing the session cookie itself: the edge tells the browser to drop it.
#[derive(Debug, Clone, Copy)]
pub struct ClearSession;

impl ApiError {
    pub fn unauthorized(failure: AuthFailure) -> Self {
        ApiError::Unauthorized {
            failure,
            clear_cookie: false,
        }
    }

    fn parts(&self) -> Parts {
        use ApiError::*;
        let details = |pairs: &[(&str, Value)]| {
            Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
            )
        };
        match self {
            RouteNotFound { method, path } => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("No API route matches {method} {path}."),
                details(&[("path", json!(path))]),
            ),
            NotFound(what) => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("{what} was not found."),
                None,
            ),
            MethodNotAllowed(method) => (
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                format!("{method} is not allowed here; the Allow header lists what is."),
                None,
            ),
            MalformedJson(reason) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::MalformedJson,
                "The request body is not valid JSON of the expected shape.".into(),
                details(&[("reason", json!(reason))]),
            ),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "Send the body as JSON with Content-Type: application/json.".into(),
                None,
            ),
            PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "The request body is too large.".into(),
                None,
            ),
            TooLarge(message) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                message.clone(),
                None,
            ),
            InvalidWith { message, details } => (
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidInput,
                message.clone(),
                details.as_object().cloned(),
            ),
            Invalid(err) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidInput,
                format!("{} {}.", err.field, err.reason),
                details(&[("field", json!(err.field)), ("reason", json!(err.reason))]),
            ),
            Problems(problems) => {
                let first = problems.first();
                (
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidInput,
                    problems
                        .iter()
                        .map(|p| format!("{} {}.", p.field, p.reason))
                        .collect::<Vec<_>>()
                        .join(" "),
                    details(&[
                        ("field", json!(first.map(|p| p.field))),
                        ("reason", json!(first.map(|p| &p.reason))),
                        (
                            "problems",
                            json!(
                                problems
                                    .iter()
                                    .map(|p| json!({"field": p.field, "reason": p.reason}))
                                    .collect::<Vec<_>>()
                            ),
                        ),
                    ]),
                )
            }
            BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidInput,
                message.clone(),
                None,
            ),
            Unauthorized { failure, .. } => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                match failure {
                    AuthFailure::Missing => {
                        "Sign in, or send an API key as Authorization: Bearer ptp_…"
                    }
                    AuthFailure::Invalid => {
                        "The session or API key is not valid; sign in again or use another key."
                    }
                    AuthFailure::Expired => "The session has expired; sign in again.",
                    AuthFailure::Revoked => {
                        "The session was signed out or the API key was revoked."
                    }
                }
                .into(),
                None,
            ),
            Forbidden(reason) => (
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                reason.clone(),
                None,
            ),
            MissingScope(scope) => (
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                format!("This API key lacks the scope {}.", scope.as_str()),
                details(&[("required_scope", json!(scope.as_str()))]),
            ),
            CrossSite => (
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "Cross-site requests cannot change anything with a session cookie.".into(),
                None,
            ),
            Conflict(reason) => (
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                reason.clone(),
                None,
            ),
            RateLimited { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                format!("Too many requests; try again in {retry_after_secs} s."),
                details(&[("retry_after_secs", json!(retry_after_secs))]),
            ),
            QuotaExceeded {
                quota,
                retry_after_secs,
            } => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                format!(
                    "You have reached the limit of {} {}; try again in {retry_after_secs} s.",
                    quota.limit, quota.what
                ),
                details(&[
                    ("quota", json!(quota.name)),
                    ("limit", json!(quota.limit)),
                    ("retry_after_secs", json!(retry_after_secs)),
                ]),
            ),
            AllowanceSpent {
                name,
                plan,
                limit,
                remaining,
                renews_at,
                retry_after_secs,
            } => upstream::allowance_spent(
                name,
                *plan,
                (*limit, *remaining),
                renews_at,
                *retry_after_secs,
            ),
            PlanFeature(feature) => (
                StatusCode::PAYMENT_REQUIRED,
                ErrorCode::PaymentRequired,
                format!("{} comes with Pro.", feature_name(feature)),
                details(&[("feature", json!(feature)), ("plan", json!("free"))]),
            ),
            Stripe(err) => upstream::stripe(err),
            Ai(err) => upstream::ai(err),
            ConflictWith { message, details } => (
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                message.clone(),
                details.as_object().cloned(),
            ),
            Database(DbError::Statement { .. } | DbError::Protocol(_))
            | Storage(_)
            | Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "Something went wrong on our side; it has been logged.".into(),
                None,
            ),
            Database(DbError::Unavailable(_) | DbError::Unauthorized(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServiceUnavailable,
                "The database is not answering right now; please retry shortly.".into(),
                None,
            ),
            Kv(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServiceUnavailable,
                "Sessions are not available right now; please retry shortly.".into(),
                None,
            ),
            Upstream(_) => (
                StatusCode::BAD_GATEWAY,
                ErrorCode::ServiceUnavailable,
                "The sign-in provider did not answer as expected; please try again.".into(),
                None,
            ),
            // Names the setting (never its value) so an operator can fix the deployment.
            Misconfigured(err) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Misconfigured,
                format!("This deployment is misconfigured: {err}."),
                None,
            ),
        }
    }
}
