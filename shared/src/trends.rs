//! An exam's trend card: what candidates said on X, summarised hourly.

use serde::{Deserialize, Serialize};

/// What candidates said about an exam on X over a day, summarised hourly by a model from the
/// posts it cites (plain text throughout).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendCard {
    /// The hour it was made for (`YYYY-MM-DDTHH`, UTC).
    pub hour: String,
    /// When it was made (RFC 3339).
    pub generated_at: String,
    pub summary: String,
    /// What people say is on the exam now.
    pub topics: Vec<String>,
    pub tips: Vec<String>,
    /// Changes to the exam that posts report.
    pub changes: Vec<String>,
    /// Posts from the last 24 hours that the search found.
    pub post_count: u32,
    /// The posts the card is drawn from.
    pub posts: Vec<TrendPost>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendPost {
    /// The post on X.
    pub url: String,
}

/// An exam's current trend card; `card` is null when there is none (too few posts, or none
/// gathered in the last day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamTrends {
    pub exam: String,
    pub card: Option<TrendCard>,
}
