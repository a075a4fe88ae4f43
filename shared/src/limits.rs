//! Limits the API enforces and the SPA states, defined once so the two cannot drift.

/// Questions in a practice session: at least one, at most this many.
pub const PRACTICE_MAX: u32 = 50;
/// Questions in a practice session when the learner names no count.
pub const PRACTICE_DEFAULT: u32 = 10;
/// Domains a practice session may be restricted to; no exam has more.
pub const MAX_DOMAINS: usize = 16;
