//! The counter's side: one Durable Object per client key keeps the window's tally.

use std::collections::BTreeMap;

use super::{Report, Verdict};
use crate::rate_limit::Limit;

/// Isolates a counter tracks one by one; beyond that they share one entry (counting more, never less).
pub const MAX_ISOLATES: usize = 256;
const OTHERS: &str = "~others";

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
