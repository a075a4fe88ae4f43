//! SQL, one module per table group. Every function is one database round trip.

pub mod answers;
pub mod api_keys;
pub mod cards;
pub mod catalog;
pub mod draws;
pub mod jobs;
pub mod learning;
pub mod progress;
pub mod reports;
pub mod sealed;
pub mod users;
