//! The messages on TASK_QUEUE: what the crons queue and the consumer runs (see [`crate::jobs`]).

use serde::{Deserialize, Serialize};

/// What a queued task does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Work {
    /// Gather exam trends for the hour starting at `hour` (`YYYY-MM-DDTHH`).
    GatherTrends { hour: String },
    /// Roll `day` (`YYYY-MM-DD`) up into `daily_aggregates`.
    RollupDay { day: String },
    /// Price `day`'s usage into `daily_costs` and raise the budget alert if the month needs it.
    CloseCosts { day: String },
    /// Remove guests idle since `before` (RFC 3339) and older task records.
    CleanUp { before: String },
    /// Draft the questions an admin asked for in the draft request `request`.
    DraftQuestions { request: String },
}

/// A message on TASK_QUEUE. (Not flattened: queue messages go through serde-wasm-bindgen,
/// which turns a flattened struct into a JS Map that does not read back.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub work: Work,
}

impl Work {
    pub fn kind(&self) -> &'static str {
        match self {
            Work::GatherTrends { .. } => "gather_trends",
            Work::RollupDay { .. } => "rollup_day",
            Work::CloseCosts { .. } => "close_costs",
            Work::CleanUp { .. } => "clean_up",
            Work::DraftQuestions { .. } => "draft_questions",
        }
    }
}
