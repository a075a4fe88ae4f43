//! What the AI features send and receive: a learner's "why was my answer wrong?".

use serde::{Deserialize, Serialize};

use crate::billing::Allowance;

/// Asks why the learner's own recorded answer to `question` in a session was wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExplainMistake {
    /// The question's id, as in the session.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub question: String,
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

/// An admin's request for drafted questions of one exam domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestDrafts {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 16))]
    pub exam: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 16))]
    pub domain: String,
    /// The vendor's objective to aim at (free text, at most 200 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub objective: Option<String>,
    #[serde(default)]
    pub kind: Option<crate::QuestionKind>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub count: u32,
}

/// What the automated checks found in one draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftReport {
    /// Content rules the draft breaks (`field: reason`); any one refuses it.
    pub problems: Vec<String>,
    /// The most similar question of the bank or of the batch, when it is a near-duplicate.
    pub nearest: Option<NearestQuestion>,
    /// The key stands out by length: "key N characters, longest distractor M".
    pub key_cue: Option<String>,
    /// The key the draft declares, and each blind answer (the first, then after the repair).
    pub key: Vec<String>,
    pub blind_answers: Vec<Vec<String>>,
    /// The draft was sent back once for repair after a blind answer disagreed.
    pub repaired: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NearestQuestion {
    /// A question id, or `draft N` for another draft of the batch.
    pub id: String,
    pub similarity: f64,
}

/// One drafted question and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftView {
    pub id: String,
    pub position: u32,
    /// `in_review` (a question in the console's review queue), `refused` (breaks a content rule)
    /// or `failed` (a blind answer disagreed, even after one repair).
    pub outcome: String,
    /// The question in review, when it passed.
    pub question: Option<String>,
    /// Its stem as drafted (plain text to show, never HTML).
    pub stem: String,
    pub model: String,
    pub report: DraftReport,
}

/// A request and its drafts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftRequestView {
    pub id: String,
    pub exam: String,
    pub domain: String,
    pub objective: Option<String>,
    pub kind: Option<crate::QuestionKind>,
    pub count: u32,
    /// `queued`, `done`, `failed` (the model's answer was unusable) or `dead` (the provider
    /// stayed down through every retry).
    pub status: String,
    pub attempts: u32,
    /// Why it failed or died.
    pub detail: String,
    pub requested_at: String,
    pub finished_at: Option<String>,
    pub drafts: Vec<DraftView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftRequestList {
    pub requests: Vec<DraftRequestView>,
    /// Drafts this admin may still ask for today.
    pub allowance: Allowance,
}
