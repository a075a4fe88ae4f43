//! The admin console's questions: writing them, moving them through review to learners, and
//! reading them back with everything (key, status, version, preview).

use serde::{Deserialize, Serialize};

use crate::learning::{QuestionKind, QuestionView};

/// Where a question is in its life. Only `published` questions reach learners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionStatus {
    Draft,
    InReview,
    Published,
    Retired,
}

/// A question's content as an author writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionContent {
    pub kind: QuestionKind,
    /// Markdown.
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub stem: String,
    /// Choice texts in order (ids a, b, … by position), 2 to 6 of them.
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub choices: Vec<String>,
    /// Choice ids: one (single), two or more (multi), every choice in order (ordering).
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub key: Vec<String>,
    /// Markdown discussing every choice as **A**, **B**, … (except for ordering).
    #[cfg_attr(feature = "openapi", schema(max_length = 6000))]
    pub explanation: String,
    /// Vendor documentation, 1 to 10 references.
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub references: Vec<String>,
}

/// `POST /api/v1/admin/questions`: a new draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewQuestion {
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub exam: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub domain: String,
    pub content: QuestionContent,
}

/// `PUT /api/v1/admin/questions/{id}`: the whole content, saved as a new version of
/// `base_version` (the version the author started from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SaveQuestion {
    pub base_version: u32,
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub domain: String,
    pub content: QuestionContent,
}

/// `POST /api/v1/admin/questions/{id}/status`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeStatus {
    pub status: QuestionStatus,
    /// The version the admin looked at: a newer one is not published (or retired) unseen.
    pub base_version: u32,
}

/// `POST /api/v1/admin/questions/{id}/versions/{version}/restore`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreVersion {
    pub base_version: u32,
}

/// One rule a question breaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldProblem {
    /// `stem`, `choices`, `key`, `explanation`, `references`, `domain`.
    pub field: String,
    pub reason: String,
}

/// `POST /api/v1/admin/questions/preview`: the question as learners would see it, and every rule the content breaks
/// (none: it may be saved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewResult {
    /// As learners see it once they have answered (the solution shown).
    pub question: QuestionView,
    pub problems: Vec<FieldProblem>,
}

/// A question with everything an admin edits and decides on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminQuestion {
    pub id: String,
    pub exam: String,
    pub domain: String,
    pub status: QuestionStatus,
    pub version: u32,
    /// `authored` or `ai`.
    pub source: String,
    pub content: QuestionContent,
    /// As learners see it once they have answered (the solution shown).
    pub view: QuestionView,
    /// `seed` or the id of the admin who saved the current version.
    pub updated_by: String,
    pub updated_at: String,
    /// Statuses this one may move to.
    pub next: Vec<QuestionStatus>,
    /// Reports on it still open.
    pub open_reports: u32,
}

/// One row of the console's question list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminQuestionSummary {
    pub id: String,
    pub exam: String,
    pub domain: String,
    pub kind: QuestionKind,
    pub status: QuestionStatus,
    pub version: u32,
    /// The stem's first 160 characters, Markdown as written.
    pub stem: String,
    pub updated_at: String,
    pub open_reports: u32,
    /// The current version's item-analysis flags (see `ItemStatsView`), as of the last rollup.
    pub flags: Vec<String>,
}

/// `GET /api/v1/admin/questions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminQuestionList {
    pub questions: Vec<AdminQuestionSummary>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<String>,
}
