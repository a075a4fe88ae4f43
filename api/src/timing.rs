//! Where one request's time went — database, KV, cache — for `Server-Timing` and the log line.
//! One recorder per request (each request builds its own platform), shared by its clones.

use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Db,
    Kv,
    Cache,
    /// Settlements with the rate limiter's Durable Object.
    Limiter,
    /// Of those, the ones that wrote the object's storage (quotas longer than a minute).
    LimiterWrite,
}

/// Calls made and milliseconds spent on one part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub calls: u32,
    pub ms: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Timings(Arc<Mutex<[Span; 5]>>);

fn index(part: Part) -> usize {
    match part {
        Part::Db => 0,
        Part::Kv => 1,
        Part::Cache => 2,
        Part::Limiter => 3,
        Part::LimiterWrite => 4,
    }
}

impl Timings {
    pub fn add(&self, part: Part, ms: u64) {
        if let Ok(mut spans) = self.0.lock() {
            let span = &mut spans[index(part)];
            span.calls += 1;
            span.ms += ms;
        }
    }

    pub fn get(&self, part: Part) -> Span {
        self.0
            .lock()
            .map(|spans| spans[index(part)])
            .unwrap_or_default()
    }

    /// `Server-Timing`: each part's time with its call count, and the total.
    pub fn header(&self, total_ms: u64) -> String {
        let entry = |name: &str, part: Part| {
            let span = self.get(part);
            let plural = if span.calls == 1 { "" } else { "s" };
            format!(
                "{name};dur={};desc=\"{} call{plural}\"",
                span.ms, span.calls
            )
        };
        format!(
            "{}, {}, {}, {}, {}, total;dur={total_ms}",
            entry("db", Part::Db),
            entry("kv", Part::Kv),
            entry("cache", Part::Cache),
            entry("limiter", Part::Limiter),
            entry("limiter-writes", Part::LimiterWrite)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_record_into_one_request_and_the_header_lists_every_part() {
        let timings = Timings::default();
        let other = timings.clone();
        timings.add(Part::Db, 12);
        other.add(Part::Db, 3);
        other.add(Part::Cache, 1);
        assert_eq!(timings.get(Part::Db), Span { calls: 2, ms: 15 });
        assert_eq!(
            timings.header(40),
            "db;dur=15;desc=\"2 calls\", kv;dur=0;desc=\"0 calls\", cache;dur=1;desc=\"1 call\", limiter;dur=0;desc=\"0 calls\", limiter-writes;dur=0;desc=\"0 calls\", total;dur=40"
        );
    }
}
