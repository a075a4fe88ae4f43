//! Counting a client's requests across isolates without asking the counter every time.
//!
//! Each client key has one counter (a Durable Object, [`counter`]) that holds the window and,
//! per isolate, how many requests that isolate allowed in it. An isolate ([`isolate`]) allows
//! requests on its own — opening the window itself at a key's first request — and settles
//! (reports its cumulative count and asks about the current request) on every
//! [`Limit::settle_every`]-th request it allowed since the last settlement. What it refuses on
//! its own it refuses for certain: its view of the count never exceeds the real one. A visitor
//! making fewer requests than that in a window costs the counter nothing.
//!
//! Bounds: one isolate serving a client is exact (the `N+1`-th request of a window is the only
//! one refused, and `RateLimit-Remaining` counts down by one). `k` isolates serving one client
//! in one window may together allow up to `(k − 1) × (settle_every − 1)` more than the limit,
//! never fewer than it. The counter keeps its tally in memory; if it is evicted, the next
//! settlements rebuild the tally from the isolates' cumulative counts, and the window from the
//! reporter's. Quotas longer than a minute settle every request, and their counter also stores
//! the tally, so they survive both.

mod counter;
mod isolate;

pub use counter::{MAX_ISOLATES, Tally, settle};
pub use isolate::{Isolate, MAX_LOCAL_KEYS, Step};

use crate::MINUTE_MS;
use crate::rate_limit::Limit;

/// Request limits of a minute settle this often; longer quotas on every request.
pub const SETTLE_EVERY: u32 = 25;

impl Limit {
    pub fn settle_every(self) -> u32 {
        if self.period_ms <= MINUTE_MS {
            SETTLE_EVERY
        } else {
            1
        }
    }

    /// Whether the counter must store its tally (it cannot rebuild a long window from isolates).
    pub fn durable(self) -> bool {
        self.period_ms > MINUTE_MS
    }

    fn reset_secs(self, started_ms: u64, now_ms: u64) -> u64 {
        (started_ms + self.period_ms)
            .saturating_sub(now_ms)
            .div_ceil(1000)
            .max(1)
    }

    fn current(self, started_ms: u64, now_ms: u64) -> bool {
        now_ms >= started_ms && now_ms - started_ms < self.period_ms
    }
}

/// What an isolate sends its counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub isolate: String,
    /// The window the isolate's count is of (`None`: it has none).
    pub started_ms: Option<u64>,
    /// Requests this isolate allowed in that window, all told.
    pub mine: u32,
    /// Whether the current request asks to be counted.
    pub asking: bool,
}

/// What the counter answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub started_ms: u64,
    /// Requests allowed in the window by every isolate, this one included.
    pub total: u32,
    /// Of those, this isolate's.
    pub mine: u32,
    pub allowed: bool,
}

#[cfg(test)]
mod tests;
