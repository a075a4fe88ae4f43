//! The test run's check of the configuration gate on a real Worker: a second `wrangler dev` of
//! the test stack's Worker, started without one required secret, must answer 503 `misconfigured`
//! naming the secret on every route but `/api/health` (which says `config: false`). That the log
//! names it, never its value, is checked natively (`app::edge` tests): this second wrangler
//! sometimes loses every Worker log line (its bundler stops right after start), so its log file
//! cannot be the witness.

use std::fs;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use ptp_shared::{ErrorBody, ErrorCode, HealthResponse};

use crate::bootstrap::Tools;
use crate::process::free_port;
use crate::tally::Tally;
use crate::wrangler;

/// The secret left out: one every environment needs, that nothing local would notice missing.
const LEFT_OUT: &str = "OPENROUTER_API_KEY";

/// `stack_dir` is the running test stack's: its secrets and runtime vars are reused.
pub fn check(tally: &mut Tally, tools: &Tools, stack_dir: &Path) -> Result<()> {
    eprintln!("▸ a Worker missing {LEFT_OUT} refuses to serve");
    let dir = stack_dir.join("misconfigured");
    fs::create_dir_all(&dir)?;
    let secrets: String = fs::read_to_string(stack_dir.join("secrets.vars"))?
        .lines()
        .filter(|line| !line.starts_with(&format!("{LEFT_OUT}=")))
        .map(|line| format!("{line}\n"))
        .collect();
    let secrets_file = dir.join("secrets.vars");
    crate::secrets::write_private(&secrets_file, &secrets)?;
    let port = free_port()?;
    let log = dir.join("wrangler.log");
    let mut worker = wrangler::start(
        tools,
        &wrangler::DevOptions {
            port,
            inspector_port: free_port()?,
            persist: &dir.join("wrangler"),
            env_files: vec![secrets_file, stack_dir.join("runtime.vars")],
            log: Some(&log),
            name: Some("pingtopass-misconfigured"),
        },
    )?;
    let base = format!("http://127.0.0.1:{port}");
    let outcome = worker
        .wait_for_http(
            &format!("{base}/api/health"),
            |_| true,
            Duration::from_secs(90),
        )
        .and_then(|_| probe(&base));
    worker.stop(Duration::from_secs(10));
    match outcome {
        Ok(()) => {
            eprintln!("  ✓ 503 misconfigured everywhere, naming it; health config: false");
            tally.add("missing secret closes the Worker", 1, 0);
        }
        Err(err) => {
            eprintln!("  ✗ {err:#}");
            tally.add("missing secret closes the Worker", 0, 1);
        }
    }
    Ok(())
}

fn probe(base: &str) -> Result<()> {
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let health = http.get(format!("{base}/api/health")).send()?;
    ensure!(health.status() == 503, "health: {}", health.status());
    let report: HealthResponse = health.json().context("health: not a report")?;
    ensure!(
        !report.config && !report.healthy,
        "health says config: {}",
        report.config
    );
    for path in ["/api/v1/exams", "/api/questions?limit=10", "/"] {
        let response = http.get(format!("{base}{path}")).send()?;
        ensure!(response.status() == 503, "{path}: {}", response.status());
        let body: ErrorBody = response
            .json()
            .with_context(|| format!("{path}: no error body"))?;
        ensure!(
            body.error.code == ErrorCode::Misconfigured && body.error.message.contains(LEFT_OUT),
            "{path}: {:?}",
            body.error
        );
    }
    Ok(())
}
