//! Request limits per client: a fixed window that opens with the client's first request, so
//! "N requests in a minute" means exactly that from wherever the client starts counting.
//! Refused requests are not counted: a client that keeps knocking is let in again on time.

use crate::{DAY_MS, HOUR_MS, MINUTE_MS};

/// How many requests a kind of client may make per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub requests: u32,
    pub period_ms: u64,
}

/// A budget requests are counted against. Every request counts against its address; one with
/// credentials also against its user or key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// An address sending no credentials.
    Anonymous,
    /// An address sending credentials: everything its users and keys do together, so minting
    /// guests or inventing keys cannot multiply one address's budget without bound.
    Address,
    /// A signed-in member or a guest.
    User,
    /// A third party's API key.
    ApiKey,
    /// The load suite on a preview or staging deployment, sending that environment's load-test
    /// token: every virtual user shares the runner's one address.
    LoadTest,
}

/// A quota on what is cheap to ask for and lasting to keep, counted over hours or a day rather
/// than a minute: new guests, open sessions, reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Its name in error details.
    pub name: &'static str,
    /// What it counts, for the message ("… in an hour").
    pub what: &'static str,
    pub limit: u32,
    pub period_ms: u64,
}

impl Quota {
    pub fn as_limit(self) -> Limit {
        Limit {
            requests: self.limit,
            period_ms: self.period_ms,
        }
    }

    /// Whole seconds until something counted at `oldest_ms` stops counting (at least 1).
    pub fn retry_after_secs(self, oldest_ms: u64, now_ms: u64) -> u64 {
        (oldest_ms + self.period_ms)
            .saturating_sub(now_ms)
            .div_ceil(1000)
            .max(1)
    }
}

/// Guest sessions started from one address (guests are free to mint).
pub const NEW_GUESTS: Quota = Quota {
    name: "new_guests",
    what: "new guest sessions from one address in an hour",
    limit: 30,
    period_ms: HOUR_MS,
};

/// Sessions a learner started in the last day and has not finished.
pub const OPEN_SESSIONS: Quota = Quota {
    name: "open_sessions",
    what: "unfinished sessions started in a day",
    limit: 30,
    period_ms: DAY_MS,
};

/// Question reports one learner files in a day.
pub const REPORTS: Quota = Quota {
    name: "reports",
    what: "question reports in a day",
    limit: 20,
    period_ms: DAY_MS,
};

impl ClientKind {
    pub fn limit(self) -> Limit {
        let requests = match self {
            ClientKind::Anonymous => 100,
            ClientKind::Address => 1200,
            ClientKind::User => 300,
            ClientKind::ApiKey => 600,
            // The seed's k6 test asks ~600 a second at its peak: 36 000 a minute, with room.
            ClientKind::LoadTest => 60_000,
        };
        Limit {
            requests,
            period_ms: MINUTE_MS,
        }
    }
}

/// One client's current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub started_ms: u64,
    pub count: u32,
}

/// What a request gets, and what the `RateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Whole seconds until the window resets (at least 1).
    pub reset_secs: u64,
}

/// Counts a request at `now_ms` against `window` (the client's last one, if any).
pub fn hit(window: Option<Window>, limit: Limit, now_ms: u64) -> (Window, Decision) {
    let current = window
        .filter(|w| now_ms >= w.started_ms && now_ms - w.started_ms < limit.period_ms)
        .unwrap_or(Window {
            started_ms: now_ms,
            count: 0,
        });
    let allowed = current.count < limit.requests;
    let window = Window {
        count: current.count + u32::from(allowed),
        ..current
    };
    let left_ms = (window.started_ms + limit.period_ms).saturating_sub(now_ms);
    let decision = Decision {
        allowed,
        limit: limit.requests,
        // Saturating: a limit lowered by a deploy may sit below a window's count.
        remaining: limit.requests.saturating_sub(window.count),
        reset_secs: left_ms.div_ceil(1000).max(1),
    };
    (window, decision)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIMIT: Limit = Limit {
        requests: 100,
        period_ms: MINUTE_MS,
    };

    fn run(times: &[u64]) -> Vec<Decision> {
        let mut window = None;
        times
            .iter()
            .map(|&t| {
                let (w, d) = hit(window, LIMIT, t);
                window = Some(w);
                d
            })
            .collect()
    }

    #[test]
    fn the_101st_request_within_a_minute_is_the_only_one_refused() {
        let times: Vec<u64> = (0..101).map(|i| 1_000_000 + i * 500).collect();
        let decisions = run(&times);
        assert!(decisions[..100].iter().all(|d| d.allowed));
        assert!(!decisions[100].allowed);
        assert_eq!(decisions[0].remaining, 99);
        assert_eq!(decisions[99].remaining, 0);
        assert_eq!(decisions[100].remaining, 0);
        // The window opened at the first request; 50 s have passed.
        assert_eq!(decisions[100].reset_secs, 10);
    }

    #[test]
    fn a_new_window_opens_a_full_period_after_the_first_request() {
        let mut times: Vec<u64> = (0..100).map(|i| i * 10).collect();
        times.push(59_999);
        times.push(60_000);
        let decisions = run(&times);
        assert!(!decisions[100].allowed, "still the first minute");
        assert!(decisions[101].allowed, "a fresh window");
        assert_eq!(decisions[101].remaining, 99);
        assert_eq!(decisions[101].reset_secs, 60);
    }

    #[test]
    fn a_clock_that_went_backwards_starts_over_instead_of_underflowing() {
        let (window, _) = hit(None, LIMIT, 10_000);
        let (_, decision) = hit(Some(window), LIMIT, 5_000);
        assert!(decision.allowed);
        assert_eq!(decision.remaining, 99);
    }

    #[test]
    fn kinds_have_their_own_limits_and_anonymous_is_the_tightest() {
        assert_eq!(ClientKind::Anonymous.limit().requests, 100);
        assert!(ClientKind::User.limit().requests > 100);
        assert!(ClientKind::ApiKey.limit().requests > 100);
        assert!(ClientKind::Address.limit().requests > ClientKind::ApiKey.limit().requests);
        let lowered = Limit {
            requests: 5,
            period_ms: MINUTE_MS,
        };
        let crowded = Window {
            started_ms: 0,
            count: 50,
        };
        let (_, decision) = hit(Some(crowded), lowered, 1_000);
        assert!(!decision.allowed);
        assert_eq!(decision.remaining, 0, "no wrap-around");
    }

    proptest! {
        #[test]
        fn no_window_ever_admits_more_than_the_limit(gaps in proptest::collection::vec(0u64..2_000, 1..400)) {
            let mut t = 0;
            let times: Vec<u64> = gaps.iter().map(|g| { t += g; t }).collect();
            let decisions = run(&times);
            for (i, &start) in times.iter().enumerate() {
                let admitted = times.iter().zip(&decisions)
                    .skip(i)
                    .take_while(|&(&u, _)| u < start + LIMIT.period_ms)
                    .filter(|(_, d)| d.allowed)
                    .count();
                // Windows are fixed, so any minute overlaps at most two of them.
                prop_assert!(admitted <= 2 * LIMIT.requests as usize);
            }
            for d in &decisions {
                prop_assert!(d.remaining <= d.limit && d.reset_secs >= 1 && d.reset_secs <= 60);
            }
        }
    }

    #[test]
    fn a_quota_frees_up_when_its_oldest_entry_ages_out() {
        let now = 10 * DAY_MS;
        assert_eq!(REPORTS.retry_after_secs(now - DAY_MS + 90_000, now), 90);
        assert_eq!(
            REPORTS.retry_after_secs(now - DAY_MS, now),
            1,
            "at least a second"
        );
        assert_eq!(NEW_GUESTS.as_limit().period_ms, HOUR_MS);
    }
}
