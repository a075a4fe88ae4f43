//! The PingToPass Worker: the JSON API under `/api`, the SPA's files from R2, and (later) the queue
//! consumer and cron jobs.
//!
//! Everything that decides behaviour — routing, errors, sign-in, sessions, health, how files are
//! served, the Hrana client — is plain Rust generic over the [`ports`], so `cargo test` exercises
//! it natively with in-memory fakes. The [`platform`] module is the thin adapter that implements
//! those ports on the Workers runtime (KV, R2, Queues, `fetch`) and holds the `#[event]` entry
//! points.

pub mod ai;
pub mod app;
pub mod auth;
pub mod billing;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod ids;
pub mod jobs;
pub mod observe;
pub mod ports;
pub mod store;
pub mod tasks;
pub mod time;
pub mod timing;
pub mod usage;

mod platform;

#[cfg(test)]
mod layers;
#[cfg(test)]
mod testing;

/// The deployed build: crate version plus the commit `xtask` builds from (`PTP_GIT_SHA`).
pub fn build_version() -> String {
    match option_env!("PTP_GIT_SHA") {
        Some(sha) if !sha.is_empty() => format!("{}+{sha}", env!("CARGO_PKG_VERSION")),
        _ => env!("CARGO_PKG_VERSION").to_string(),
    }
}
