//! PingToPass's pure logic: how exams are drawn, scored and scheduled, how readiness is
//! estimated, and how input is validated. No I/O, no clock, no randomness of its own: callers
//! pass them in, so every rule here is deterministic and tested natively.
//!
//! Invariant (checked by `cargo xtask test`): this crate never depends on `worker`, `axum`,
//! `yew`, `libsql` or any HTTP or storage crate.

pub mod account;
pub mod bank;
pub mod billing;
pub mod content;
pub mod costs;
pub mod drafting;
pub mod drafts;
pub mod draw;
pub mod exam;
pub mod ids;
pub mod items;
pub mod jobs;
pub mod lifecycle;
pub mod limiter;
pub mod markdown;
pub mod navigation;
pub mod plan;
pub mod question;
pub mod rate_limit;
pub mod readiness;
pub mod schedule;
pub mod session;
pub mod streak;
pub mod trends;
pub mod tutor;

/// Durations in the milliseconds every clock here counts in.
pub const MINUTE_MS: u64 = 60_000;
pub const HOUR_MS: u64 = 60 * MINUTE_MS;
pub const DAY_MS: u64 = 24 * HOUR_MS;

pub use account::{ApiKeyName, DailyGoal, DisplayName, ExamCode, ValidationError};
pub use ids::{KeyId, QuestionId, ReportId, SessionId, UserId};
pub use navigation::ReturnPath;
