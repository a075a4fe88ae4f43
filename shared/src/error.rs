//! The error body every failing response carries: `{"error":{"code","message","details"}}`.

use serde::{Deserialize, Serialize};

/// Envelope of every 4xx/5xx response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable, machine-readable reason; clients branch on this, never on `message`.
    pub code: ErrorCode,
    /// Human-readable explanation, safe to show to the user.
    pub message: String,
    /// Structured context (the offending field, the allowed methods, a retry delay…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Why a request failed. Serialized in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON or does not have the expected shape.
    MalformedJson,
    /// The body's `Content-Type` is not `application/json`.
    UnsupportedMediaType,
    /// Well-formed input that breaks a rule (out of range, unknown choice…).
    InvalidInput,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    /// An allowance of the learner's plan is used up (402): `details` name it, say what is left
    /// and when it renews; a paid plan lifts it.
    PaymentRequired,
    /// A dependency (the database, a binding) is down or timed out; retry later.
    ServiceUnavailable,
    /// The deployment is missing or has an invalid setting; an operator must fix it.
    Misconfigured,
    Internal,
    /// A code this client does not know yet (sent by a newer server).
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_to_the_documented_envelope() {
        let body = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::MethodNotAllowed,
                message: "use GET".into(),
                details: Some(serde_json::Map::from_iter([(
                    "allow".to_string(),
                    serde_json::json!(["GET", "HEAD"]),
                )])),
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "method_not_allowed", "message": "use GET",
                "details": {"allow": ["GET", "HEAD"]}}})
        );
    }

    #[test]
    fn omits_absent_details_and_reads_unknown_codes() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"brand_new_reason","message":"m"}}"#).unwrap();
        assert_eq!(body.error.code, ErrorCode::Unknown);
        assert!(body.error.details.is_none());
        let text = serde_json::to_string(&ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::NotFound,
                message: "m".into(),
                details: None,
            },
        })
        .unwrap();
        assert_eq!(text, r#"{"error":{"code":"not_found","message":"m"}}"#);
    }
}
