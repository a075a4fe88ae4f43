//! SQL, one module per table group. Every function is one database round trip.

pub mod ai;
pub mod answers;
pub mod api_keys;
pub mod audit;
pub mod authoring;
pub mod bank;
pub mod billing;
pub mod cards;
pub mod catalog;
pub mod costs;
pub mod drafts;
pub mod draws;
pub mod items;
pub mod jobs;
pub mod progress;
pub mod reports;
pub mod sealed;
pub mod sessions;
pub mod trends;
pub mod users;

use crate::db::DbError;

/// Why a store call failed: the database, or a rule of the data that refused the write.
/// `ApiError` converts from it once; the jobs map it to their own error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// A stored value the domain's rules refuse: corrupt data, never the caller's fault.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl From<ptp_domain::ValidationError> for StoreError {
    fn from(err: ptp_domain::ValidationError) -> Self {
        StoreError::Corrupt(err.to_string())
    }
}

/// A write the stored data refused, and what it clashed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The user already holds this many active API keys.
    ActiveKeys { max: i64 },
    /// Another account already holds this email address.
    EmailInUse,
    /// Too many unfinished sessions started in the quota's window; the oldest counts until
    /// this many seconds have passed.
    OpenSessions { retry_after_secs: u64 },
    /// A page cursor (`after`) naming no report.
    UnknownCursor,
}
