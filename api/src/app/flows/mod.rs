//! Whole flows through the router on the in-memory database (`testing::flow`): every store
//! module and handler runs its real SQL here, natively.

mod account;
mod admin_session;
mod allowances;
mod authoring;
mod bank;
mod billing;
mod explain;
mod history;
mod progress;
mod queue;
mod relay;
mod reports;
mod sessions;
mod stats;
mod webhook;
