//! The API and the Worker's file serving, over HTTP against a running stack.
//!
//! `PTP_BASE_URL` names the stack. `PTP_CONTROL_URL` (set by `cargo xtask test`) lets the fault
//! tests stop and restart the local database; against a deployment it is absent and those tests
//! say so and do nothing, unless `PTP_REQUIRE_LOCAL` demands them.

mod account;
mod audit;
mod auth;
mod authoring;
mod bank;
mod billing;
mod contract;
mod costs;
mod drafts;
mod edge;
mod explain;
mod faults;
mod hardening;
mod health;
mod jobs;
mod keys;
mod learning;
mod logs;
mod quotas;
mod routing;
mod sign_in;
mod spa;
mod support;
