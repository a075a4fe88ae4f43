//! `cargo xtask cron hourly|daily|weekly`: fires one of wrangler.toml's crons on a running local
//! stack, through wrangler dev's scheduled-event door (`/cdn-cgi/handler/scheduled`), as if its
//! time had come (`--at`, default now).

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use ptp_domain::jobs::Job;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Schedule {
    /// Exam trends (0 * * * *).
    Hourly,
    /// Metrics rollup of the day that ended (0 0 * * *).
    Daily,
    /// Cleanup of idle guests and old records (0 2 * * 0).
    Weekly,
}

impl Schedule {
    pub fn job(self) -> Job {
        match self {
            Schedule::Hourly => Job::Trends,
            Schedule::Daily => Job::Rollup,
            Schedule::Weekly => Job::Cleanup,
        }
    }
}

/// The URL that fires `job` at `at_ms` on the stack at `base`.
pub fn trigger_url(base: &str, job: Job, at_ms: Option<i64>) -> String {
    let cron = job.cron().replace(' ', "+");
    let mut url = format!(
        "{}/cdn-cgi/handler/scheduled?cron={cron}",
        base.trim_end_matches('/')
    );
    if let Some(at) = at_ms {
        url.push_str(&format!("&time={at}"));
    }
    url
}

pub fn trigger(base: &str, schedule: Schedule, at: Option<&str>) -> Result<()> {
    let at_ms = at
        .map(|text| {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.timestamp_millis())
                .with_context(|| format!("--at {text:?} is not an RFC 3339 time"))
        })
        .transpose()?;
    let url = trigger_url(base, schedule.job(), at_ms);
    let response = reqwest::blocking::get(&url)
        .with_context(|| format!("is the local stack running at {base}? (cargo xtask dev)"))?;
    let status = response.status();
    if !status.is_success() {
        bail!(
            "{url}: HTTP {status}: {}",
            response.text().unwrap_or_default()
        );
    }
    println!(
        "fired {} ({})",
        schedule.job().name(),
        schedule.job().cron()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trigger_names_the_cron_of_wrangler_toml_and_the_time() {
        assert_eq!(
            trigger_url(
                "http://127.0.0.1:8787/",
                Job::Rollup,
                Some(1_795_651_200_000)
            ),
            "http://127.0.0.1:8787/cdn-cgi/handler/scheduled?cron=0+0+*+*+*&time=1795651200000"
        );
        let toml = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../wrangler.toml"),
        )
        .unwrap();
        for job in Job::ALL {
            assert!(
                toml.contains(&format!("\"{}\"", job.cron())),
                "{job:?} is scheduled"
            );
        }
    }
}
