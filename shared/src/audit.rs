//! What the admin console reads of the bank's history: every version of a question, and the
//! append-only log of admin actions.

use serde::{Deserialize, Serialize};

/// One stored version of a question, as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionVersion {
    pub version: u32,
    pub domain: String,
    /// `single`, `multi` or `ordering`.
    pub kind: String,
    /// Markdown.
    pub stem: String,
    /// Choice texts; ids are `a`, `b`, … by position.
    pub choices: Vec<String>,
    pub key: Vec<String>,
    pub explanation: String,
    pub references: Vec<String>,
    /// `seed` or the id of the admin who saved it.
    pub changed_by: String,
    pub changed_at: String,
}

/// `GET /api/v1/admin/questions/{id}/versions`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionHistory {
    pub id: String,
    pub versions: Vec<QuestionVersion>,
}

/// One admin action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: u64,
    pub at: String,
    /// The admin's user id, or `cli` for `cargo xtask`.
    pub actor: String,
    /// `question_edit`, `report_resolve`, `role_grant`, …
    pub action: String,
    /// `question:<id>`, `report:<id>`, `user:<id>`.
    pub target: String,
    /// Field by field: `{"stem": ["before", "after"]}`; other context as plain values.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub diff: serde_json::Value,
}

/// `GET /api/v1/admin/audit`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; absent on the last.
    pub next_before: Option<u64>,
}
