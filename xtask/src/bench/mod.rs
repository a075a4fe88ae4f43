//! `cargo xtask bench`: latency of the API under concurrent clients — a benchmark, not a test.
//!
//! Against a fresh local stack (or `--url`), for each client count: every client is a separate
//! connection pool; for `--seconds` they send requests back to back and the latency of each
//! successful one is kept. `GET /api/v1/exams` is read by anonymous visitors (each client a new
//! address every 90 requests, under the 100-a-minute limit); each answering client is a guest
//! working through 50-question practice sessions (a new session when one runs out; starting
//! sessions is not timed). Locally the same reads go to a JavaScript baseline on the same
//! workerd (`baseline.rs`): the same design, the design before, and a floor that only returns the
//! JSON; the report gives each as a ratio. Figures are printed and written to
//! `target/bench/results.json`.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::bootstrap::{self, Needs};
use crate::build;
use crate::process::interrupts;
use crate::stack::Scratch;

mod baseline;
mod figures;

use baseline::Baseline;
use figures::{Row, Sample, ratios, report, row, save};

pub struct Options {
    pub url: Option<String>,
    pub clients: Vec<usize>,
    pub seconds: u64,
}

/// A visitor's address of its own: wrangler dev passes `CF-Connecting-IP` through, so each
/// simulated visitor has its own rate limit (100 requests a minute per address) as real visitors
/// do. Cloudflare replaces the header when benchmarking a deployment.
fn next_address() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::net::Ipv4Addr::from(0x0a00_0000 | (n & 0x00ff_ffff)).to_string()
}

/// Reads a visitor makes from one address: under the anonymous limit, so none is refused.
const PER_ADDRESS: usize = 90;

/// A client of its own (its own connections), from an address of its own.
fn client() -> Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cf-connecting-ip", next_address().parse()?);
    Ok(reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()?)
}

/// Sends `request` once; the latency of a success, or None (counted with its cause) when it
/// failed. Nothing is sent again: a dropped request is an error the figures must show.
async fn timed(request: reqwest::RequestBuilder, sample: &mut Sample) -> Option<(Value, Duration)> {
    let started = Instant::now();
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => {
            let kind = if err.is_timeout() {
                "timeout"
            } else if err.is_connect() {
                "connect"
            } else {
                "transport"
            };
            sample.failed(kind.into());
            return None;
        }
    };
    let status = response.status();
    if let Some(timing) = response
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
    {
        sample.count_calls(timing);
    }
    let Ok(body) = response.bytes().await else {
        sample.failed("body".into());
        return None;
    };
    let elapsed = started.elapsed();
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        let cause = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| {
                let e = &v["error"];
                Some(format!(
                    "{}: {}",
                    e["code"].as_str()?,
                    e["message"].as_str()?
                ))
            })
            .unwrap_or_else(|| text.chars().take(80).collect());
        sample.failed(format!("{} {cause}", status.as_u16()));
        return None;
    }
    Some((
        serde_json::from_slice(&body).unwrap_or(Value::Null),
        elapsed,
    ))
}

/// Reads `url` back to back until `until`, moving to a new address every [`PER_ADDRESS`] reads.
async fn read(url: String, until: Instant) -> Sample {
    let mut sample = Sample::default();
    let Ok(http) = client() else {
        sample.failed("client".into());
        return sample;
    };
    let mut address = next_address();
    let mut sent = 0;
    while Instant::now() < until {
        if sent == PER_ADDRESS {
            (address, sent) = (next_address(), 0);
        }
        sent += 1;
        let request = http.get(&url).header("cf-connecting-ip", &address);
        if let Some((_, latency)) = timed(request, &mut sample).await {
            sample.latencies.push(latency);
        }
    }
    sample
}

/// `clients` readers of `url` for `window`, as one row.
async fn readers(endpoint: &str, url: &str, clients: usize, window: Duration) -> Result<Row> {
    eprintln!("  {endpoint}, {clients} clients, {}s", window.as_secs());
    let until = Instant::now() + window;
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| tokio::spawn(read(url.to_string(), until)))
        .collect();
    let mut sample = Sample::default();
    for task in tasks {
        sample.merge(task.await?);
    }
    Ok(row(endpoint, clients, sample, started.elapsed()))
}

/// The endpoints of a run, and the baselines the catalogue read is compared with.
const CATALOGUE: &str = "GET /api/v1/exams (cached)";
const SAME: &str = "JS baseline, same design";
const BEFORE: &str = "JS baseline, design before";
const FLOOR: &str = "JS floor (JSON only)";
const ANSWERS: &str = "POST /api/v1/sessions/{id}/answers";
pub const RATIOS: [(&str, &str); 3] = [(CATALOGUE, SAME), (CATALOGUE, FLOOR), (CATALOGUE, BEFORE)];

/// A guest's browser: its own connections and session cookie.
struct Learner {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Learner {
    async fn new(base: &str) -> Result<Self> {
        let http = client()?;
        let response = http
            .post(format!("{base}/api/v1/auth/guest"))
            .header("origin", base)
            .send()
            .await?;
        let status = response.status();
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.strip_prefix("__Host-ptp_session=")
                    .map(|rest| rest.split(';').next().unwrap_or("").to_string())
            });
        let Some(cookie) = cookie else {
            let body = response.text().await.unwrap_or_default();
            bail!("creating a guest got HTTP {status}: {body}");
        };
        Ok(Self {
            http,
            base: base.to_string(),
            cookie,
        })
    }

    fn post(&self, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("cookie", format!("__Host-ptp_session={}", self.cookie))
            .json(body)
    }

    /// A new practice session: its id and a well-formed answer for each question.
    /// Its failures count in `sample` (a learner who cannot start cannot answer either).
    async fn session(
        &self,
        exam: &str,
        sample: &mut Sample,
    ) -> Result<(String, Vec<(String, Vec<String>)>)> {
        let body = json!({"exam": exam, "mode": "practice", "count": 50});
        let (view, _) = timed(self.post("/api/v1/sessions", &body), sample)
            .await
            .context("starting a practice session")?;
        let id = view["id"].as_str().context("session id")?.to_string();
        let answers = view["items"]
            .as_array()
            .context("session items")?
            .iter()
            .map(|item| {
                let q = &item["question"];
                let ids: Vec<String> = q["choices"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c["id"].as_str().map(str::to_string))
                    .collect();
                let take = match q["kind"].as_str() {
                    Some("single") => 1,
                    Some("multi") => q["picks"].as_u64().unwrap_or(1) as usize,
                    _ => ids.len(),
                };
                (
                    q["id"].as_str().unwrap_or_default().to_string(),
                    ids[..take.min(ids.len())].to_vec(),
                )
            })
            .collect();
        Ok((id, answers))
    }
}

const EXAMS: [&str; 3] = ["SY0-701", "SAA-C03", "200-301"];

async fn answer_questions(learner: Learner, client_index: usize, until: Instant) -> Sample {
    let mut sample = Sample::default();
    let exam = EXAMS[client_index % EXAMS.len()];
    'sessions: while Instant::now() < until {
        let Ok((id, answers)) = learner.session(exam, &mut sample).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let path = format!("/api/v1/sessions/{id}/answers");
        for (question, answer) in answers {
            if Instant::now() >= until {
                break 'sessions;
            }
            let body = json!({"question": question, "answer": answer, "elapsed_ms": 20_000});
            if let Some((_, latency)) = timed(learner.post(&path, &body), &mut sample).await {
                sample.latencies.push(latency);
            }
        }
    }
    sample
}

async fn run(base: &str, baseline: Option<&str>, options: &Options) -> Result<Vec<Row>> {
    let window = Duration::from_secs(options.seconds);
    // Warm up: the Workers' first requests compile and instantiate them.
    let warm = Duration::from_secs(3);
    readers("warm-up", &format!("{base}/api/v1/exams"), 4, warm).await?;
    if let Some(js) = baseline {
        for path in ["/same", "/per-request", "/floor"] {
            readers("warm-up", &format!("{js}{path}"), 4, warm).await?;
        }
    }
    let learner = Learner::new(base).await?;
    answer_questions(learner, 0, Instant::now() + Duration::from_secs(2)).await;

    let mut rows = vec![];
    for &clients in &options.clients {
        rows.push(readers(CATALOGUE, &format!("{base}/api/v1/exams"), clients, window).await?);
        if let Some(js) = baseline {
            rows.push(readers(SAME, &format!("{js}/same"), clients, window).await?);
            rows.push(readers(BEFORE, &format!("{js}/per-request"), clients, window).await?);
            rows.push(readers(FLOOR, &format!("{js}/floor"), clients, window).await?);
        }

        eprintln!("  {ANSWERS}, {clients} guests, {}s", options.seconds);
        // A guest that cannot be created is an error of this row, not the end of the run. They
        // are created one by one (not a write burst of their own before the measured one); once
        // one fails the stack has stopped answering, and the rest are counted without waiting
        // a timeout each.
        let mut sample = Sample::default();
        let mut learners = Vec::with_capacity(clients);
        let mut stalled = false;
        for _ in 0..clients {
            if stalled {
                sample.failed("creating a guest: not tried, an earlier one failed".into());
                continue;
            }
            match Learner::new(base).await {
                Ok(learner) => learners.push(learner),
                Err(err) => {
                    sample.failed(format!("creating a guest: {err:#}"));
                    stalled = true;
                }
            }
        }
        let until = Instant::now() + window;
        let started = Instant::now();
        let tasks: Vec<_> = learners
            .into_iter()
            .enumerate()
            .map(|(i, learner)| tokio::spawn(answer_questions(learner, i, until)))
            .collect();
        for task in tasks {
            sample.merge(task.await?);
        }
        rows.push(row(ANSWERS, clients, sample, started.elapsed()));
    }
    Ok(rows)
}

/// The catalogue the Rust Worker answers, for the baseline to serve the same bytes.
fn catalogue(base: &str) -> Result<Vec<u8>> {
    let response = reqwest::blocking::Client::new()
        .get(format!("{base}/api/v1/exams"))
        .header("cf-connecting-ip", next_address())
        .send()?
        .error_for_status()?;
    Ok(response.bytes()?.to_vec())
}

pub fn bench(options: Options) -> Result<()> {
    if options.clients.is_empty() || options.clients.contains(&0) {
        bail!("--clients takes positive counts, e.g. 50,200");
    }
    if options.seconds == 0 {
        bail!("--seconds must be at least 1");
    }
    interrupts();
    let paths = crate::paths::Paths::discover();
    let (scratch, baseline) = match &options.url {
        Some(_) => (None, None),
        None => {
            let tools = bootstrap::ensure(Needs { test_tools: false })?;
            build::all(&tools)?;
            let scratch = Scratch::start(&tools, "bench")?;
            let dir = paths.root.join("target/bench/baseline");
            let baseline = catalogue(&scratch.stack.url)
                .and_then(|catalog| Baseline::start(&tools, &catalog, &dir));
            match baseline {
                Ok(baseline) => (Some(scratch), Some(baseline)),
                Err(err) => {
                    scratch.stop(true);
                    return Err(err);
                }
            }
        }
    };
    let (base, target) = match (&options.url, &scratch) {
        (Some(url), _) => (url.trim_end_matches('/').to_string(), url.clone()),
        (None, Some(s)) => (
            s.stack.url.clone(),
            format!("local stack (wrangler dev + sqld) at {}", s.stack.url),
        ),
        (None, None) => unreachable!("a scratch stack without --url"),
    };
    eprintln!("▸ benchmark against {target}");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let js = baseline.as_ref().map(|b| b.url.clone());
    let outcome = runtime.block_on(run(&base, js.as_deref(), &options));
    // Keep the logs when anything failed, to find out why.
    let failed = outcome
        .as_ref()
        .map_or(true, |rows| rows.iter().any(|r| r.errors > 0));
    if let Some(baseline) = baseline {
        baseline.stop(failed);
    }
    if let Some(scratch) = scratch {
        scratch.stop(failed);
    }
    let rows = outcome?;
    let ratios = ratios(&rows, &RATIOS);
    let results = paths.root.join("target/bench/results.json");
    save(&rows, &ratios, &target, &options, &results)?;
    println!("{}", report(&rows, &ratios, &target));
    println!("  (also in {})", results.display());
    Ok(())
}
