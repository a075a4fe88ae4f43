//! What the store refused, as the client is told it.

use ptp_domain::ValidationError;

use super::ApiError;
use crate::store::{Refusal, StoreError};

/// The one place a store refusal becomes what the client is told.
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Database(err) => ApiError::Database(err),
            StoreError::Refused(Refusal::ActiveKeys { max }) => ApiError::Conflict(format!(
                "You already have {max} active API keys; revoke one before creating another."
            )),
            StoreError::Refused(Refusal::EmailInUse) => ApiError::Conflict(
                "Another PingToPass account already uses this email address.".into(),
            ),
            StoreError::Refused(Refusal::UnknownCursor) => ApiError::Invalid(ValidationError::new(
                "after",
                "is not a report id from an earlier page",
            )),
            StoreError::Corrupt(reason) => ApiError::Internal(reason),
            StoreError::Refused(Refusal::OpenSessions { retry_after_secs }) => {
                ApiError::QuotaExceeded {
                    quota: ptp_domain::rate_limit::OPEN_SESSIONS,
                    retry_after_secs,
                }
            }
        }
    }
}
