//! The wire between the SPA, third parties and the API: request and response bodies and the one
//! error body. Types only — no logic beyond what serde derives. With the `openapi` feature every
//! type also derives `utoipa::ToSchema` so the API can publish its contract from these types.

pub mod account;
pub mod error;
pub mod health;

pub use account::{
    AccountExport, ApiKeyInfo, ApiKeyList, CreateApiKey, CreatedApiKey, DeleteMe, Me, Role, Scope,
    SessionInfo, UpdateMe, UserKind, UserList, UserSummary,
};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use health::{CheckStatus, HealthChecks, HealthResponse};
