//! The isolate's side: what it knows of each key it served, and when it must settle.

use std::collections::HashMap;

use super::{Report, Verdict};
use crate::rate_limit::{Decision, Limit};

/// Keys an isolate remembers; past that it forgets the ones whose window is over.
pub const MAX_LOCAL_KEYS: usize = 20_000;

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
