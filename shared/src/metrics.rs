//! What the daily rollup keeps: per day and exam, for the admins' dashboard.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyMetric {
    /// The UTC day, `YYYY-MM-DD`.
    pub day: String,
    pub exam: String,
    pub answers: u32,
    /// Distinct learners (guests included) who answered that day.
    pub active_learners: u32,
    /// Mock exams finished that day.
    pub mocks_taken: u32,
    pub mocks_passed: u32,
    /// `mocks_passed / mocks_taken`; absent when no mock was taken.
    pub pass_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyMetrics {
    /// Newest day first; within a day, by exam.
    pub days: Vec<DailyMetric>,
}
