//! What the benchmark measures and how it reports it: samples per endpoint, nearest-rank
//! quantiles, the terminal table and `target/bench/results.json`.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::Options;

#[derive(Default)]
pub(super) struct Sample {
    pub(super) latencies: Vec<Duration>,
    pub(super) errors: usize,
    /// What the errors were: status and error code, or the transport failure.
    pub(super) causes: BTreeMap<String, usize>,
}

impl Sample {
    pub(super) fn merge(&mut self, other: Sample) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        for (cause, n) in other.causes {
            *self.causes.entry(cause).or_default() += n;
        }
    }

    pub(super) fn failed(&mut self, cause: String) {
        self.errors += 1;
        *self.causes.entry(cause).or_default() += 1;
    }
}

pub(super) struct Row {
    pub(super) causes: BTreeMap<String, usize>,
    pub(super) endpoint: &'static str,
    pub(super) clients: usize,
    pub(super) requests: usize,
    pub(super) errors: usize,
    pub(super) per_second: f64,
    pub(super) p50: f64,
    pub(super) p95: f64,
    pub(super) p99: f64,
}

/// The `q`-quantile (nearest rank) of sorted latencies, in milliseconds.
fn quantile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

pub(super) fn row(
    endpoint: &'static str,
    clients: usize,
    mut sample: Sample,
    elapsed: Duration,
) -> Row {
    sample.latencies.sort();
    let l = &sample.latencies;
    Row {
        causes: std::mem::take(&mut sample.causes),
        endpoint,
        clients,
        requests: l.len(),
        errors: sample.errors,
        per_second: l.len() as f64 / elapsed.as_secs_f64(),
        p50: quantile(l, 0.50),
        p95: quantile(l, 0.95),
        p99: quantile(l, 0.99),
    }
}

pub(super) fn report(rows: &[Row], target: &str) -> String {
    let mut out = format!(
        "\n  {target}\n  {:<36} {:>7} {:>8} {:>6} {:>8} {:>8} {:>8} {:>8}\n",
        "endpoint", "clients", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"
    );
    for r in rows {
        out.push_str(&format!(
            "  {:<36} {:>7} {:>8} {:>6} {:>8.1} {:>8.1} {:>8.1} {:>8.1}\n",
            r.endpoint, r.clients, r.requests, r.errors, r.per_second, r.p50, r.p95, r.p99
        ));
        for (cause, n) in &r.causes {
            out.push_str(&format!("    {n} × {cause}\n"));
        }
    }
    out
}

pub(super) fn save(
    rows: &[Row],
    target: &str,
    options: &Options,
    path: &std::path::Path,
) -> Result<()> {
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"endpoint": r.endpoint, "clients": r.clients, "requests": r.requests,
                "errors": r.errors, "per_second": r.per_second,
                "p50_ms": r.p50, "p95_ms": r.p95, "p99_ms": r.p99, "errors_by_cause": r.causes})
        })
        .collect();
    let document = json!({"target": target, "seconds": options.seconds, "results": rows});
    std::fs::create_dir_all(path.parent().context("results directory")?)?;
    std::fs::write(path, serde_json::to_vec_pretty(&document)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&sorted, 0.50), 50.0);
        assert_eq!(quantile(&sorted, 0.95), 95.0);
        assert_eq!(quantile(&sorted, 0.99), 99.0);
        assert_eq!(quantile(&sorted[..1], 0.95), 1.0);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
