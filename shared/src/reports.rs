//! Reports learners file against questions, and the admins' queue and resolutions.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    WrongKey,
    Unclear,
    Typo,
    Outdated,
}

/// `POST /api/v1/questions/{id}/reports`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportQuestion {
    pub reason: ReportReason,
    /// What is wrong, in the learner's words (up to 2,000 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub details: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Open,
    Resolved,
    Dismissed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    pub id: String,
    pub question: String,
    pub question_version: u32,
    pub reason: ReportReason,
    pub details: String,
    pub status: ReportStatus,
    pub created_at: String,
    /// Why it was closed, in the admin's words.
    pub resolution_note: Option<String>,
    pub resolved_at: Option<String>,
    /// Closed as the duplicate of this earlier report (its status is `dismissed`).
    pub duplicate_of: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportList {
    pub reports: Vec<ReportView>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<String>,
}

/// A question's content as an admin edits it; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionEdit {
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub stem: Option<String>,
    /// Choice texts in order (ids a, b, … by position), 2 to 6 of them.
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub choices: Option<Vec<String>>,
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub key: Option<Vec<String>>,
    #[cfg_attr(feature = "openapi", schema(max_length = 6000))]
    pub explanation: Option<String>,
    /// Vendor documentation, 1 to 10 references.
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub references: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Fix the question (bumping its version) and close the report.
    Resolve,
    /// Close the report without changing the question (rejected, with the reason as `note`).
    Dismiss,
    /// Close it as the same problem as `duplicate_of`, another report on the question.
    Duplicate,
}

/// `POST /api/v1/admin/reports/{id}/resolve`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolveReport {
    pub resolution: Resolution,
    /// Why, for the reporter and the other admins (up to 2,000 characters).
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
    /// With `resolve`: the corrected content.
    #[serde(default)]
    pub edit: Option<QuestionEdit>,
    /// With `duplicate`: the report this one repeats.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub duplicate_of: Option<String>,
}

/// `GET /api/v1/admin/reports/{id}`: a report with what its reporter saw and chose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportDetail {
    pub report: ReportView,
    /// The question as it is now.
    pub question: crate::AdminQuestion,
    /// The version the report was filed against, as it was.
    pub reported: crate::QuestionVersion,
    /// The reporter's last answer to the question before reporting it, if they answered.
    pub answer: Option<Vec<String>>,
}

/// `GET /api/v1/me/reports`: the caller's reports and what became of them, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyReports {
    pub reports: Vec<ReportView>,
}
