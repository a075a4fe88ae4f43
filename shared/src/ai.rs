//! What the AI features send and receive: a learner's "why was my answer wrong?".

use serde::{Deserialize, Serialize};

/// Asks why the learner's own recorded answer to `question` in a session was wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExplainMistake {
    /// The question's id, as in the session.
    pub question: String,
}

/// A daily allowance and what is left of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Allowance {
    /// Its name in error details (`ai_explanations`).
    pub name: String,
    pub limit: u32,
    pub used: u32,
    pub remaining: u32,
    /// When the count starts again (RFC 3339, the next UTC midnight).
    pub renews_at: String,
}

/// The model's explanation of the learner's mistake, grounded in the question's own explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MistakeExplanation {
    pub question: String,
    /// The learner's answer that is explained (choice ids).
    pub answer: Vec<String>,
    /// Plain text, a few sentences: show it as text, never as HTML.
    pub text: String,
    /// True when another learner's identical mistake was explained before (no model call).
    pub cached: bool,
    pub allowance: Allowance,
}
