//! The scheme against an exact counter, across isolates, windows and evictions.

use super::*;
use crate::HOUR_MS;
use std::collections::BTreeMap;

use crate::rate_limit::{Decision, hit};
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
                let (tally, verdict) = settle(self.counters.remove(key), &report, limit, now_ms);
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
