//! `cargo xtask smoke --url …`: the deployment document's smoke tests (§10.1) against any
//! deployment — health, a static file with the one-year cache, `/api/questions?limit=10` within
//! 200 ms, the security headers — plus the SPA shell, the OpenAPI document and one guest's
//! practice answer. A dozen requests, seconds in all; any failure fails the suite. Each check
//! is tried once: a smoke test that retries hides the flake it is there to catch.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use ptp_shared::{AnswerOutcome, ExamList, HealthResponse, QuestionList, SessionView};
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

use crate::tally::Tally;

/// The document's budget for one API read.
const API_BUDGET: Duration = Duration::from_millis(200);
const ONE_YEAR: &str = "max-age=31536000";

struct Smoke {
    base: String,
    http: Client,
}

impl Smoke {
    fn get(&self, path: &str) -> Result<Response> {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .with_context(|| format!("GET {path}"))
    }

    /// A write as the SPA sends it: same origin, with the session cookie.
    fn post(&self, path: &str, cookie: Option<&str>, body: Value) -> Result<Response> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .json(&body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().with_context(|| format!("POST {path}"))
    }
}

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn expect_status(response: &Response, status: u16, what: &str) -> Result<()> {
    ensure!(
        response.status().as_u16() == status,
        "{what}: {} (expected {status})",
        response.status()
    );
    Ok(())
}

fn health(smoke: &Smoke) -> Result<String> {
    let response = smoke.get("/api/health")?;
    expect_status(&response, 200, "/api/health")?;
    let body: HealthResponse = response
        .json()
        .context("/api/health: not a health report")?;
    ensure!(body.healthy, "/api/health says unhealthy");
    Ok(format!("healthy, version {}", body.version))
}

/// The shell, its security headers, and the first hashed file it loads.
fn shell(smoke: &Smoke) -> Result<(String, String)> {
    let response = smoke.get("/")?;
    expect_status(&response, 200, "/")?;
    ensure!(
        header(&response, "content-type").starts_with("text/html"),
        "/ is {:?}, not HTML",
        header(&response, "content-type")
    );
    let https = smoke.base.starts_with("https://");
    let mut wanted = vec![
        ("x-content-type-options", Some("nosniff")),
        ("x-frame-options", Some("DENY")),
        ("x-xss-protection", Some("1; mode=block")),
        ("referrer-policy", Some("strict-origin-when-cross-origin")),
        ("content-security-policy", None),
        ("permissions-policy", None),
    ];
    if https {
        wanted.push(("strict-transport-security", None));
    }
    for (name, value) in wanted {
        let got = header(&response, name);
        match value {
            Some(value) => ensure!(got == value, "{name}: {got:?}, expected {value:?}"),
            None => ensure!(!got.is_empty(), "{name} is missing"),
        }
    }
    let html = response.text()?;
    let asset = html
        .split(['"', '\''])
        .find(|part| part.starts_with('/') && (part.ends_with(".js") || part.ends_with(".wasm")))
        .context("the shell loads no script")?
        .to_string();
    Ok((asset, "security headers present".into()))
}

fn cached_for_a_year(smoke: &Smoke, path: &str) -> Result<String> {
    let response = smoke.get(path)?;
    expect_status(&response, 200, path)?;
    let cache = header(&response, "cache-control").to_string();
    ensure!(cache.contains(ONE_YEAR), "{path}: cache-control {cache:?}");
    Ok(format!("{path}: {cache}"))
}

fn questions(smoke: &Smoke) -> Result<String> {
    let started = Instant::now();
    let response = smoke.get("/api/questions?limit=10")?;
    let status = response.status();
    let list: QuestionList = response
        .json()
        .context("/api/questions: not a question list")?;
    let took = started.elapsed();
    ensure!(status == 200, "/api/questions: {status}");
    ensure!(
        !list.questions.is_empty() && list.questions.len() <= 10,
        "{} questions for limit=10",
        list.questions.len()
    );
    ensure!(
        list.questions.iter().all(|q| q.solution.is_none()),
        "an anonymous list showed a solution"
    );
    ensure!(
        took <= API_BUDGET,
        "took {} ms (budget {} ms)",
        took.as_millis(),
        API_BUDGET.as_millis()
    );
    Ok(format!(
        "{} questions in {} ms",
        list.questions.len(),
        took.as_millis()
    ))
}

fn openapi(smoke: &Smoke) -> Result<String> {
    let response = smoke.get("/api/v1/openapi.json")?;
    expect_status(&response, 200, "/api/v1/openapi.json")?;
    let doc: Value = response.json()?;
    let version = doc["openapi"].as_str().unwrap_or("");
    ensure!(version.starts_with("3."), "openapi {version:?}");
    let paths = doc["paths"].as_object().map_or(0, |p| p.len());
    Ok(format!("OpenAPI {version}, {paths} paths"))
}

/// A guest starts a one-question practice session and answers it: graded, with its key.
fn guest_answer(smoke: &Smoke) -> Result<String> {
    let created = smoke.post("/api/v1/auth/guest", None, json!({}))?;
    expect_status(&created, 201, "guest sign-in")?;
    let cookie = created
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.contains('='))
        .context("guest sign-in set no cookie")?
        .to_string();
    let exams: ExamList = smoke.get("/api/v1/exams")?.json()?;
    let exam = exams
        .exams
        .iter()
        .find(|e| e.question_count > 0)
        .context("no exam has questions")?;
    let started = smoke.post(
        "/api/v1/sessions",
        Some(&cookie),
        json!({"exam": exam.code, "mode": "practice", "count": 1}),
    )?;
    expect_status(&started, 201, "starting a practice session")?;
    let session: SessionView = started.json()?;
    let item = session
        .items
        .first()
        .context("the session has no question")?;
    let question = &item.question;
    let picks = (question.picks.max(1) as usize).min(question.choices.len());
    let answer: Vec<&str> = question.choices[..picks]
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let answered = smoke.post(
        &format!("/api/v1/sessions/{}/answers", session.id),
        Some(&cookie),
        json!({"question": question.id, "answer": answer, "elapsed_ms": 5000}),
    )?;
    expect_status(&answered, 200, "answering")?;
    match answered.json::<AnswerOutcome>()? {
        AnswerOutcome::Graded {
            correct, solution, ..
        } => {
            ensure!(!solution.key.is_empty(), "graded without its key");
            Ok(format!(
                "{} {}: {}",
                exam.code,
                question.id,
                if correct { "correct" } else { "wrong" }
            ))
        }
        other => bail!("a practice answer came back {other:?}"),
    }
}

/// Runs every check against `base`, printing one line each; the counts go into `tally`.
pub fn run(base: &str, tally: &mut Tally) -> Result<()> {
    let smoke = Smoke {
        base: base.trim_end_matches('/').to_string(),
        http: Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()?,
    };
    eprintln!("▸ smoke suite against {}", smoke.base);
    let (mut passed, mut failed) = (0, 0);
    let mut check = |name: &str, outcome: Result<String>| match outcome {
        Ok(note) => {
            eprintln!("  ✓ {name:<28} {note}");
            passed += 1;
        }
        Err(err) => {
            eprintln!("  ✗ {name:<28} {err:#}");
            failed += 1;
        }
    };
    check("health", health(&smoke));
    match shell(&smoke) {
        Ok((asset, note)) => {
            check("SPA shell and headers", Ok(note));
            check(
                "hashed file, one-year cache",
                cached_for_a_year(&smoke, &asset),
            );
        }
        Err(err) => check("SPA shell and headers", Err(err)),
    }
    check(
        "static file, one-year cache",
        cached_for_a_year(&smoke, "/favicon.ico"),
    );
    check("questions within 200 ms", questions(&smoke));
    check("OpenAPI document", openapi(&smoke));
    check("guest practice answer", guest_answer(&smoke));
    tally.add("smoke suite", passed, failed);
    Ok(())
}

pub fn smoke(url: &str) -> Result<()> {
    if !url.starts_with("http://") && !url.starts_with("https://") {
        bail!("--url must be an http(s) URL, got {url}");
    }
    let started = Instant::now();
    let mut tally = Tally::default();
    run(url, &mut tally)?;
    eprintln!("  in {:.1}s", started.elapsed().as_secs_f64());
    if !tally.report() {
        std::process::exit(1);
    }
    Ok(())
}
