//! The rollout's health gate. The Worker writes one Analytics Engine data point per request
//! (`api/src/platform/mod.rs`: double1 status, double2 duration, blob5 version id); the gate asks
//! the SQL API how the new version's share of traffic did since it got that share, and decides
//! with the deployment document's thresholds. The decision is a pure function of those figures.

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::VersionId;

/// The deployment document's rollback triggers, plus how much traffic a verdict needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// Share of responses that are server errors (5xx) above which the version is rolled back.
    pub max_error_rate: f64,
    /// p95 response time, in milliseconds, above which it is rolled back.
    pub max_p95_ms: f64,
    /// Share of requests served (neither 5xx nor turned away with 408/429) below which it is.
    pub min_success_rate: f64,
    /// Requests the version must have served before "healthy" means anything.
    pub min_requests: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            max_error_rate: 0.05,
            max_p95_ms: 500.0,
            min_success_rate: 0.95,
            min_requests: 100.0,
        }
    }
}

/// One version's traffic over a window; counts are weighted by Analytics Engine's sampling.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub requests: f64,
    /// Answered 5xx.
    pub server_errors: f64,
    /// Answered 408 or 429: the version turned people away.
    pub turned_away: f64,
    pub p95_ms: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Healthy,
    /// Not enough requests yet to tell.
    TooLittleTraffic {
        requests: f64,
    },
    /// Roll back; each reason names the figure and its threshold.
    Unhealthy(Vec<String>),
}

/// Judges `metrics` by `thresholds`. Few requests defer the verdict, except that server errors
/// already above what a full sample could absorb roll back at once.
pub fn judge(metrics: &Metrics, thresholds: &Thresholds) -> Verdict {
    let allowed_errors = thresholds.max_error_rate * thresholds.min_requests;
    if metrics.requests < thresholds.min_requests {
        if metrics.server_errors > allowed_errors {
            return Verdict::Unhealthy(vec![format!(
                "{:.0} server errors in the first {:.0} requests: more than {:.0} % of the {:.0} a verdict needs",
                metrics.server_errors,
                metrics.requests,
                thresholds.max_error_rate * 100.0,
                thresholds.min_requests
            )]);
        }
        return Verdict::TooLittleTraffic {
            requests: metrics.requests,
        };
    }
    let error_rate = metrics.server_errors / metrics.requests;
    let success_rate = (metrics.requests - metrics.server_errors - metrics.turned_away).max(0.0)
        / metrics.requests;
    let mut reasons = vec![];
    if error_rate > thresholds.max_error_rate {
        reasons.push(format!(
            "error rate {:.1} % > {:.0} %",
            error_rate * 100.0,
            thresholds.max_error_rate * 100.0
        ));
    }
    if metrics.p95_ms > thresholds.max_p95_ms {
        reasons.push(format!(
            "p95 {:.0} ms > {:.0} ms",
            metrics.p95_ms, thresholds.max_p95_ms
        ));
    }
    if success_rate < thresholds.min_success_rate {
        reasons.push(format!(
            "success rate {:.1} % < {:.0} %",
            success_rate * 100.0,
            thresholds.min_success_rate * 100.0
        ));
    }
    if reasons.is_empty() {
        Verdict::Healthy
    } else {
        Verdict::Unhealthy(reasons)
    }
}

/// The SQL API query for `version`'s traffic in the last `seconds`. `_sample_interval` weighs
/// each stored point by how many requests it stands for.
pub fn query(dataset: &str, version: &VersionId, seconds: u64) -> String {
    format!(
        "SELECT SUM(_sample_interval) AS requests, \
         sumIf(_sample_interval, double1 >= 500) AS server_errors, \
         sumIf(_sample_interval, double1 = 408 OR double1 = 429) AS turned_away, \
         quantileWeighted(0.95, double2, _sample_interval) AS p95_ms \
         FROM {dataset} WHERE blob5 = '{}' AND timestamp > NOW() - INTERVAL '{}' SECOND \
         FORMAT JSON",
        version.as_str(),
        seconds.max(1)
    )
}

/// Reads the SQL API's JSON answer to [`query`]. No matching rows (no traffic) is all zeros.
pub fn parse(body: &str) -> Result<Metrics> {
    let doc: Value = serde_json::from_str(body).context("the SQL API answered with no JSON")?;
    let Some(rows) = doc["data"].as_array() else {
        bail!("the SQL API answer has no `data`: {}", truncated(body));
    };
    let Some(row) = rows.first() else {
        return Ok(Metrics {
            requests: 0.0,
            server_errors: 0.0,
            turned_away: 0.0,
            p95_ms: 0.0,
        });
    };
    // ClickHouse's JSON quotes 64-bit integers, and a quantile over no rows is null or "nan".
    let number = |name: &str| -> Result<f64> {
        match &row[name] {
            Value::Number(n) => n.as_f64().context("not a finite number"),
            Value::String(s) if s.eq_ignore_ascii_case("nan") => Ok(0.0),
            Value::String(s) => s.parse().with_context(|| format!("{name}: {s:?}")),
            Value::Null => Ok(0.0),
            other => bail!("{name}: unexpected {other}"),
        }
    };
    Ok(Metrics {
        requests: number("requests")?,
        server_errors: number("server_errors")?,
        turned_away: number("turned_away")?,
        p95_ms: number("p95_ms")?,
    })
}

fn truncated(body: &str) -> String {
    body.chars().take(300).collect()
}

/// A recorded answer of the SQL API, from `src/release/fixtures`.
#[cfg(test)]
pub fn fixture(name: &str) -> Metrics {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/release/fixtures")
        .join(name);
    parse(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(name: &str) -> Verdict {
        judge(&fixture(name), &Thresholds::default())
    }

    #[test]
    fn a_healthy_version_goes_on() {
        assert_eq!(verdict("healthy.json"), Verdict::Healthy);
    }

    #[test]
    fn a_slow_version_is_rolled_back_for_its_p95() {
        assert_eq!(
            verdict("slow.json"),
            Verdict::Unhealthy(vec!["p95 742 ms > 500 ms".into()])
        );
    }

    #[test]
    fn an_erroring_version_is_rolled_back_for_errors_and_successes() {
        assert_eq!(
            verdict("erroring.json"),
            Verdict::Unhealthy(vec![
                "error rate 8.0 % > 5 %".into(),
                "success rate 92.0 % < 95 %".into()
            ])
        );
    }

    #[test]
    fn too_little_traffic_defers_the_verdict() {
        assert_eq!(
            verdict("quiet.json"),
            Verdict::TooLittleTraffic { requests: 37.0 }
        );
        assert_eq!(
            verdict("no-traffic.json"),
            Verdict::TooLittleTraffic { requests: 0.0 }
        );
    }

    #[test]
    fn turning_people_away_counts_against_success_only() {
        let limited = Metrics {
            requests: 1000.0,
            server_errors: 0.0,
            turned_away: 60.0,
            p95_ms: 90.0,
        };
        assert_eq!(
            judge(&limited, &Thresholds::default()),
            Verdict::Unhealthy(vec!["success rate 94.0 % < 95 %".into()])
        );
    }

    #[test]
    fn errors_beyond_what_a_full_sample_absorbs_roll_back_before_the_sample_is_full() {
        let early = Metrics {
            requests: 8.0,
            server_errors: 6.0,
            turned_away: 0.0,
            p95_ms: 40.0,
        };
        assert!(matches!(
            judge(&early, &Thresholds::default()),
            Verdict::Unhealthy(reasons) if reasons[0].starts_with("6 server errors in the first 8 requests")
        ));
    }

    #[test]
    fn the_thresholds_are_the_documents() {
        // Exactly at a threshold is still healthy; the document rolls back above / below them.
        let edge = Metrics {
            requests: 100.0,
            server_errors: 5.0,
            turned_away: 0.0,
            p95_ms: 500.0,
        };
        assert_eq!(judge(&edge, &Thresholds::default()), Verdict::Healthy);
    }

    #[test]
    fn the_query_names_the_version_and_the_window() {
        let version = VersionId::parse("0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b").unwrap();
        let sql = query("pingtopass_analytics", &version, 300);
        assert!(sql.contains(
            "FROM pingtopass_analytics WHERE blob5 = '0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b'"
        ));
        assert!(sql.contains("INTERVAL '300' SECOND"));
        assert!(sql.ends_with("FORMAT JSON"));
    }

    #[test]
    fn an_answer_without_data_is_an_error_not_a_healthy_version() {
        assert!(parse(r#"{"errors":[{"message":"bad query"}]}"#).is_err());
        assert!(parse("<html>").is_err());
    }
}
