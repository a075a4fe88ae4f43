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
    /// Calls per part (`db`, `kv`, `limiter`, …) that the Worker's `Server-Timing` reported.
    pub(super) calls: BTreeMap<String, u64>,
}

impl Sample {
    pub(super) fn merge(&mut self, other: Sample) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        for (cause, n) in other.causes {
            *self.causes.entry(cause).or_default() += n;
        }
        for (part, n) in other.calls {
            *self.calls.entry(part).or_default() += n;
        }
    }

    /// Adds the calls a `Server-Timing` value lists (`name;dur=…;desc="N calls"`).
    pub(super) fn count_calls(&mut self, server_timing: &str) {
        for entry in server_timing.split(',') {
            let name = entry.split(';').next().unwrap_or("").trim();
            let calls = entry
                .split_once("desc=\"")
                .and_then(|(_, desc)| desc.split(' ').next())
                .and_then(|n| n.parse::<u64>().ok());
            if let Some(calls) = calls
                && !name.is_empty()
            {
                *self.calls.entry(name.to_string()).or_default() += calls;
            }
        }
    }

    pub(super) fn failed(&mut self, cause: String) {
        self.errors += 1;
        *self.causes.entry(cause).or_default() += 1;
    }
}

pub(super) struct Row {
    pub(super) causes: BTreeMap<String, usize>,
    pub(super) endpoint: String,
    /// Calls per 1 000 requests, per part the Worker reported.
    pub(super) per_thousand: BTreeMap<String, f64>,
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

pub(super) fn row(endpoint: &str, clients: usize, mut sample: Sample, elapsed: Duration) -> Row {
    sample.latencies.sort();
    let l = &sample.latencies;
    let answered = (l.len() + sample.errors).max(1) as f64;
    Row {
        causes: std::mem::take(&mut sample.causes),
        per_thousand: sample
            .calls
            .iter()
            .map(|(part, n)| (part.clone(), *n as f64 * 1000.0 / answered))
            .collect(),
        endpoint: endpoint.to_string(),
        clients,
        requests: l.len(),
        errors: sample.errors,
        per_second: l.len() as f64 / elapsed.as_secs_f64(),
        p50: quantile(l, 0.50),
        p95: quantile(l, 0.95),
        p99: quantile(l, 0.99),
    }
}

/// Published marginal prices (USD), from developers.cloudflare.com/durable-objects/platform/pricing
/// and workers/platform/pricing, checked 2026-12-01: past what the Workers Paid plan includes.
pub(super) const DO_REQUEST_PRICE: f64 = 0.15 / 1e6;
pub(super) const DO_ROW_WRITE_PRICE: f64 = 1.00 / 1e6;

/// What the rate limiter costs per million API requests at those prices.
pub(super) fn limiter_cost_per_million(row: &Row) -> f64 {
    let per = |part: &str| row.per_thousand.get(part).copied().unwrap_or(0.0) / 1000.0;
    1e6 * (per("limiter") * DO_REQUEST_PRICE + per("limiter-writes") * DO_ROW_WRITE_PRICE)
}

/// Endpoints measured against a baseline: `(row, baseline, what the ratio says)`.
pub(super) struct Ratio {
    pub(super) endpoint: String,
    pub(super) baseline: String,
    pub(super) clients: usize,
    pub(super) ratio: f64,
}

pub(super) fn ratios(rows: &[Row], pairs: &[(&str, &str)]) -> Vec<Ratio> {
    let mut out = vec![];
    for (endpoint, baseline) in pairs {
        for r in rows.iter().filter(|r| r.endpoint == *endpoint) {
            if let Some(b) = rows
                .iter()
                .find(|b| b.endpoint == *baseline && b.clients == r.clients)
            {
                out.push(Ratio {
                    endpoint: r.endpoint.clone(),
                    baseline: b.endpoint.clone(),
                    clients: r.clients,
                    ratio: r.per_second / b.per_second,
                });
            }
        }
    }
    out
}

pub(super) fn report(rows: &[Row], ratios: &[Ratio], target: &str) -> String {
    let mut out = format!(
        "\n  {target}\n  {:<40} {:>7} {:>8} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}\n",
        "endpoint",
        "clients",
        "requests",
        "errors",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "DO/1k",
        "KV/1k"
    );
    for r in rows {
        let per = |part: &str| {
            r.per_thousand
                .get(part)
                .map_or_else(|| "-".to_string(), |n| format!("{n:.1}"))
        };
        out.push_str(&format!(
            "  {:<40} {:>7} {:>8} {:>6} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8} {:>8}\n",
            r.endpoint,
            r.clients,
            r.requests,
            r.errors,
            r.per_second,
            r.p50,
            r.p95,
            r.p99,
            per("limiter"),
            per("kv")
        ));
        for (cause, n) in &r.causes {
            out.push_str(&format!("    {n} × {cause}\n"));
        }
    }
    if !ratios.is_empty() {
        out.push_str("\n  req/s ratios\n");
        for q in ratios {
            out.push_str(&format!(
                "  {:<40} ÷ {:<32} {:>4} clients  {:.2}\n",
                q.endpoint, q.baseline, q.clients, q.ratio
            ));
        }
    }
    for r in rows
        .iter()
        .filter(|r| r.per_thousand.contains_key("limiter"))
    {
        out.push_str(&format!(
            "  limiter on {} ({} clients): {:.1} Durable Object requests + {:.1} storage writes per 1 000, ${:.4} per million requests\n",
            r.endpoint,
            r.clients,
            r.per_thousand.get("limiter").copied().unwrap_or(0.0),
            r.per_thousand.get("limiter-writes").copied().unwrap_or(0.0),
            limiter_cost_per_million(r)
        ));
    }
    out
}

pub(super) fn save(
    rows: &[Row],
    ratios: &[Ratio],
    target: &str,
    options: &Options,
    path: &std::path::Path,
) -> Result<()> {
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"endpoint": r.endpoint, "clients": r.clients, "requests": r.requests,
                "errors": r.errors, "per_second": r.per_second,
                "p50_ms": r.p50, "p95_ms": r.p95, "p99_ms": r.p99, "errors_by_cause": r.causes,
                "calls_per_1000": r.per_thousand,
                "limiter_usd_per_million": r.per_thousand.contains_key("limiter").then(|| limiter_cost_per_million(r))})
        })
        .collect();
    let ratios: Vec<Value> = ratios
        .iter()
        .map(|q| json!({"endpoint": q.endpoint, "baseline": q.baseline, "clients": q.clients, "ratio": q.ratio}))
        .collect();
    let document =
        json!({"target": target, "seconds": options.seconds, "results": rows, "ratios": ratios});
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

    #[test]
    fn server_timing_calls_are_summed_per_part() {
        let mut sample = Sample::default();
        sample.count_calls(
            "db;dur=0;desc=\"0 calls\", kv;dur=1;desc=\"1 call\", limiter;dur=3;desc=\"1 call\", total;dur=9",
        );
        sample.count_calls("kv;dur=0;desc=\"2 calls\"");
        assert_eq!(sample.calls["kv"], 3);
        assert_eq!(sample.calls["limiter"], 1);
        assert_eq!(sample.calls["db"], 0);
        assert!(!sample.calls.contains_key("total"));
    }

    #[test]
    fn the_limiter_costs_its_requests_and_writes_at_the_published_prices() {
        let row = Row {
            causes: BTreeMap::new(),
            endpoint: "x".into(),
            per_thousand: [
                ("limiter".to_string(), 1000.0),
                ("limiter-writes".to_string(), 1000.0),
            ]
            .into(),
            clients: 1,
            requests: 1,
            errors: 0,
            per_second: 1.0,
            p50: 1.0,
            p95: 1.0,
            p99: 1.0,
        };
        // One request and one write per API request: $0.15 + $1.00 per million.
        assert!((limiter_cost_per_million(&row) - 1.15).abs() < 1e-9);
    }
}
