//! Counting a client's requests across isolates without asking the counter every time.
//!
//! Each client key has one counter (a Durable Object) that holds the window and, per isolate, how
//! many requests that isolate allowed in it. An isolate allows requests on its own between
//! settlements and settles — reports its cumulative count and asks about the current request —
//! when it has no window for the key, when the window is over, and on every
//! [`Limit::settle_every`]-th request. What it refuses on its own it refuses for certain: its
//! view of the count never exceeds the real one.
//!
//! Bounds: one isolate serving a client is exact (the `N+1`-th request of a window is the only
//! one refused, and `RateLimit-Remaining` counts down by one). `k` isolates serving one client
//! in one window may together allow up to `(k − 1) × (settle_every − 1)` more than the limit,
//! never fewer than it. The counter keeps its tally in memory; if it is evicted, the next
//! settlements rebuild the tally from the isolates' cumulative counts, and the window from the
//! reporter's. Quotas longer than a minute settle every request, and their counter also stores
//! the tally, so they survive both.

use std::collections::{BTreeMap, HashMap};

use crate::MINUTE_MS;
use crate::rate_limit::{Decision, Limit};

/// Request limits of a minute settle this often; longer quotas on every request.
pub const SETTLE_EVERY: u32 = 25;
/// Isolates a counter tracks one by one; beyond that they share one entry (counting more, never less).
pub const MAX_ISOLATES: usize = 256;
const OTHERS: &str = "~others";
/// Keys an isolate remembers; past that it forgets the ones whose window is over.
pub const MAX_LOCAL_KEYS: usize = 20_000;

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

/// A counter's window: per isolate, the requests it allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub started_ms: u64,
    pub by_isolate: BTreeMap<String, u32>,
}

impl Tally {
    pub fn total(&self) -> u32 {
        self.by_isolate.values().sum()
    }
}

/// The counter's side of a settlement.
pub fn settle(
    tally: Option<Tally>,
    report: &Report,
    limit: Limit,
    now_ms: u64,
) -> (Tally, Verdict) {
    let mut tally = tally
        .filter(|t| limit.current(t.started_ms, now_ms))
        // An evicted counter lost its tally: the reporter's window still stands.
        .or_else(|| {
            report
                .started_ms
                .filter(|&started| limit.current(started, now_ms))
                .map(|started_ms| Tally {
                    started_ms,
                    by_isolate: BTreeMap::new(),
                })
        })
        .unwrap_or(Tally {
            started_ms: now_ms,
            by_isolate: BTreeMap::new(),
        });
    let key = if tally.by_isolate.contains_key(&report.isolate)
        || tally.by_isolate.len() < MAX_ISOLATES
    {
        report.isolate.as_str()
    } else {
        OTHERS
    };
    let entry = tally.by_isolate.entry(key.to_string()).or_insert(0);
    // An isolate's window that opened within this one counted only requests made in this one
    // (an isolate opens its own window at a key's first request); an older one's count says
    // nothing about this window.
    if report
        .started_ms
        .is_some_and(|started| started >= tally.started_ms)
        && key != OTHERS
    {
        *entry = (*entry).max(report.mine);
    }
    let before = tally.total();
    let allowed = report.asking && before < limit.requests;
    let entry = tally.by_isolate.entry(key.to_string()).or_insert(0);
    *entry += u32::from(allowed);
    let mine = *entry;
    let verdict = Verdict {
        started_ms: tally.started_ms,
        total: before + u32::from(allowed),
        mine,
        allowed,
    };
    (tally, verdict)
}

/// What an isolate knows of one key's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Known {
    started_ms: u64,
    /// Allowed here in this window, all told.
    mine: u32,
    /// `mine` as of the last settlement.
    settled_mine: u32,
    /// The counter's total at the last settlement.
    total: u32,
}

impl Known {
    /// The count as far as this isolate knows: never above the real one.
    fn count(&self) -> u32 {
        self.total + (self.mine - self.settled_mine)
    }
}

/// What the isolate does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Decided here, without the counter.
    Decided(Decision),
    /// Ask the counter with this report, then pass its verdict to [`Isolate::settled`].
    Settle(Report),
}

/// One isolate's memory of the keys it served.
#[derive(Debug, Clone)]
pub struct Isolate {
    id: String,
    known: HashMap<String, Known>,
}

impl Isolate {
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            known: HashMap::new(),
        }
    }

    fn decision(limit: Limit, allowed: bool, count: u32, started_ms: u64, now_ms: u64) -> Decision {
        Decision {
            allowed,
            limit: limit.requests,
            remaining: limit.requests.saturating_sub(count),
            reset_secs: limit.reset_secs(started_ms, now_ms),
        }
    }

    pub fn step(&mut self, key: &str, limit: Limit, now_ms: u64) -> Step {
        let report = |known: Option<&Known>| Report {
            isolate: self.id.clone(),
            started_ms: known.map(|k| k.started_ms),
            mine: known.map_or(0, |k| k.mine),
            asking: true,
        };
        let Some(known) = self
            .known
            .get(key)
            .filter(|k| limit.current(k.started_ms, now_ms))
        else {
            if limit.settle_every() == 1 {
                return Step::Settle(report(None));
            }
            // A new window opens here; the counter hears of it at the settlement, and adopts it.
            let opened = Known {
                started_ms: now_ms,
                mine: 1,
                settled_mine: 0,
                total: 0,
            };
            self.remember(key, opened, limit, now_ms);
            return Step::Decided(Self::decision(limit, true, 1, now_ms, now_ms));
        };
        if known.count() >= limit.requests {
            return Step::Decided(Self::decision(
                limit,
                false,
                known.count(),
                known.started_ms,
                now_ms,
            ));
        }
        if known.mine - known.settled_mine + 1 >= limit.settle_every() {
            return Step::Settle(report(Some(known)));
        }
        let known = self.known.get_mut(key).expect("just read");
        known.mine += 1;
        let known = *known;
        Step::Decided(Self::decision(
            limit,
            true,
            known.count(),
            known.started_ms,
            now_ms,
        ))
    }

    /// Takes the counter's verdict on `report` for `key`; the decision for the request.
    /// Keeps `known` for `key`, forgetting windows that are over when the memory is full.
    fn remember(&mut self, key: &str, known: Known, limit: Limit, now_ms: u64) {
        if !self.known.contains_key(key) && self.known.len() >= MAX_LOCAL_KEYS {
            self.known
                .retain(|_, k| limit.current(k.started_ms, now_ms));
            if self.known.len() >= MAX_LOCAL_KEYS {
                // Forgetting costs at most what was not settled yet: the counter holds the rest.
                self.known.clear();
            }
        }
        self.known.insert(key.to_string(), known);
    }

    pub fn settled(&mut self, key: &str, limit: Limit, verdict: Verdict, now_ms: u64) -> Decision {
        let fresh = Known {
            started_ms: verdict.started_ms,
            mine: verdict.mine,
            settled_mine: verdict.mine,
            total: verdict.total,
        };
        let known = match self.known.get(key) {
            // Requests allowed here while this settlement was on its way stay counted.
            Some(k) if k.started_ms == verdict.started_ms && k.mine > verdict.mine => Known {
                mine: k.mine,
                ..fresh
            },
            Some(k) if k.started_ms == verdict.started_ms && k.settled_mine > verdict.mine => *k,
            _ => fresh,
        };
        self.remember(key, known, limit, now_ms);
        Self::decision(
            limit,
            verdict.allowed,
            known.count(),
            verdict.started_ms,
            now_ms,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HOUR_MS;
    use crate::rate_limit::hit;
    use proptest::prelude::*;

    const LIMIT: Limit = Limit {
        requests: 100,
        period_ms: MINUTE_MS,
    };

    /// Isolates sharing one counter per key, as the Worker's instances share Durable Objects.
    struct World {
        isolates: Vec<Isolate>,
        counters: BTreeMap<String, Tally>,
        settlements: usize,
    }

    impl World {
        fn new(isolates: usize) -> Self {
            Self {
                isolates: (0..isolates)
                    .map(|i| Isolate::new(format!("i{i}")))
                    .collect(),
                counters: BTreeMap::new(),
                settlements: 0,
            }
        }

        fn request(&mut self, isolate: usize, key: &str, limit: Limit, now_ms: u64) -> Decision {
            match self.isolates[isolate].step(key, limit, now_ms) {
                Step::Decided(decision) => decision,
                Step::Settle(report) => {
                    self.settlements += 1;
                    let (tally, verdict) =
                        settle(self.counters.remove(key), &report, limit, now_ms);
                    self.counters.insert(key.to_string(), tally);
                    self.isolates[isolate].settled(key, limit, verdict, now_ms)
                }
            }
        }
    }

    #[test]
    fn one_isolate_refuses_exactly_the_101st_and_asks_the_counter_four_times() {
        let mut world = World::new(1);
        let decisions: Vec<Decision> = (0..101u64)
            .map(|i| world.request(0, "ip:a", LIMIT, 1_000_000 + i * 500))
            .collect();
        let refused: Vec<usize> = (0..101).filter(|&i| !decisions[i].allowed).collect();
        assert_eq!(refused, [100]);
        for (i, d) in decisions[..100].iter().enumerate() {
            assert_eq!(d.remaining, 99 - i as u32, "request {}", i + 1);
        }
        assert_eq!(decisions[100].remaining, 0);
        assert_eq!(decisions[100].reset_secs, 10);
        assert_eq!(
            world.settlements, 4,
            "requests 25, 50, 75 and 100; the refusal is local"
        );
    }

    #[test]
    fn an_evicted_counter_is_rebuilt_from_the_isolate_and_still_refuses_the_101st() {
        let mut world = World::new(1);
        for i in 0..60u64 {
            assert!(world.request(0, "k", LIMIT, i * 100).allowed);
        }
        world.counters.clear();
        let allowed = (60..120u64)
            .filter(|&i| world.request(0, "k", LIMIT, i * 100).allowed)
            .count();
        assert_eq!(
            allowed, 40,
            "the window and its 60 requests survived the eviction"
        );
    }

    #[test]
    fn several_isolates_never_allow_fewer_than_the_limit_nor_more_than_the_bound() {
        for k in 1..=4usize {
            let mut world = World::new(k);
            let allowed = (0..1_000u64)
                .filter(|&i| world.request(i as usize % k, "k", LIMIT, i * 10).allowed)
                .count() as u32;
            let bound = LIMIT.requests + (k as u32 - 1) * (SETTLE_EVERY - 1);
            assert!(
                (LIMIT.requests..=bound).contains(&allowed),
                "{k} isolates allowed {allowed}"
            );
        }
    }

    #[test]
    fn across_windows_several_isolates_stay_within_the_bound_of_each_window() {
        for k in 2..=4usize {
            let mut world = World::new(k);
            // Three minutes of a request every 50 ms, spread round robin.
            let allowed = (0..3_600u64)
                .filter(|&i| world.request(i as usize % k, "k", LIMIT, i * 50).allowed)
                .count() as u32;
            let per_window = LIMIT.requests + (k as u32 - 1) * (SETTLE_EVERY - 1);
            assert!(
                (3 * LIMIT.requests..=3 * per_window).contains(&allowed),
                "{k} isolates allowed {allowed} in three windows"
            );
        }
    }

    #[test]
    fn quotas_longer_than_a_minute_settle_every_request_and_are_stored() {
        let hourly = Limit {
            requests: 30,
            period_ms: HOUR_MS,
        };
        assert!(hourly.durable() && !LIMIT.durable());
        let mut world = World::new(2);
        let allowed = (0..40u64)
            .filter(|&i| {
                world
                    .request(i as usize % 2, "guests", hourly, i * 1_000)
                    .allowed
            })
            .count();
        assert_eq!(allowed, 30, "exact across isolates");
        assert_eq!(
            world.settlements, 31,
            "every request until the first refusal; after it each isolate knows the quota is spent"
        );
    }

    #[test]
    fn a_counter_tracks_at_most_max_isolates_and_counts_the_rest_together() {
        let mut tally = None;
        for i in 0..MAX_ISOLATES + 10 {
            let report = Report {
                isolate: format!("i{i}"),
                started_ms: None,
                mine: 0,
                asking: true,
            };
            let limit = Limit {
                requests: 10_000,
                period_ms: MINUTE_MS,
            };
            let (next, verdict) = settle(tally, &report, limit, 5);
            assert!(verdict.allowed);
            tally = Some(next);
        }
        let tally = tally.unwrap();
        assert_eq!(tally.by_isolate.len(), MAX_ISOLATES + 1);
        assert_eq!(tally.total(), MAX_ISOLATES as u32 + 10);
    }

    proptest! {
        /// With one isolate the decisions are exactly those of one exact counter.
        #[test]
        fn one_isolate_decides_like_the_exact_counter(gaps in proptest::collection::vec(0u64..3_000, 1..400)) {
            let limit = Limit { requests: 40, period_ms: MINUTE_MS };
            let mut world = World::new(1);
            let mut window = None;
            let mut now = 0;
            for gap in gaps {
                now += gap;
                let (next, exact) = hit(window, limit, now);
                window = Some(next);
                prop_assert_eq!(world.request(0, "k", limit, now), exact);
            }
        }
    }
}
