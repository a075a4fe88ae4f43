//! `cargo xtask bench`: latency of the API under concurrent clients — a benchmark, not a test.
//!
//! Against a fresh local stack (or `--url`), for each client count: every client is a separate
//! connection pool; for `--seconds` they send requests back to back and the latency of each
//! successful one is kept. `GET /api/v1/exams` is read by anonymous clients; each answering
//! client is a guest working through 50-question practice sessions (a new session when one runs
//! out; starting sessions is not timed). Figures are printed and written to
//! `target/bench/results.json`.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::bootstrap::{self, Needs};
use crate::build;
use crate::process::interrupts;
use crate::stack::Scratch;

mod figures;

use figures::{Row, Sample, report, row, save};

pub struct Options {
    pub url: Option<String>,
    pub clients: Vec<usize>,
    pub seconds: u64,
}

/// A client of its own, from an address of its own: wrangler dev passes `CF-Connecting-IP`
/// through, so each simulated visitor has its own rate limit (100 requests a minute per address)
/// as real visitors do. Cloudflare replaces the header when benchmarking a deployment.
fn client() -> Result<reqwest::Client> {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let address = std::net::Ipv4Addr::from(0x0a00_0000 | (n & 0x00ff_ffff));
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cf-connecting-ip", address.to_string().parse()?);
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

async fn read_exams(base: String, until: Instant) -> Sample {
    let mut sample = Sample::default();
    let Ok(http) = client() else {
        sample.failed("client".into());
        return sample;
    };
    while Instant::now() < until {
        if let Some((_, latency)) =
            timed(http.get(format!("{base}/api/v1/exams")), &mut sample).await
        {
            sample.latencies.push(latency);
        }
    }
    sample
}

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

async fn run(base: &str, options: &Options) -> Result<Vec<Row>> {
    let window = Duration::from_secs(options.seconds);
    // Warm up: the Worker's first requests compile and instantiate it.
    let warm = Instant::now() + Duration::from_secs(3);
    read_exams(base.to_string(), warm).await;
    let learner = Learner::new(base).await?;
    answer_questions(learner, 0, Instant::now() + Duration::from_secs(2)).await;

    let mut rows = vec![];
    for &clients in &options.clients {
        eprintln!(
            "  GET /api/v1/exams, {clients} clients, {}s",
            options.seconds
        );
        let until = Instant::now() + window;
        let started = Instant::now();
        let tasks: Vec<_> = (0..clients)
            .map(|_| tokio::spawn(read_exams(base.to_string(), until)))
            .collect();
        let mut sample = Sample::default();
        for task in tasks {
            sample.merge(task.await?);
        }
        rows.push(row("GET /api/v1/exams", clients, sample, started.elapsed()));

        eprintln!(
            "  POST /api/v1/sessions/{{id}}/answers, {clients} guests, {}s",
            options.seconds
        );
        let mut learners = Vec::with_capacity(clients);
        for _ in 0..clients {
            learners.push(Learner::new(base).await?);
        }
        let until = Instant::now() + window;
        let started = Instant::now();
        let tasks: Vec<_> = learners
            .into_iter()
            .enumerate()
            .map(|(i, learner)| tokio::spawn(answer_questions(learner, i, until)))
            .collect();
        let mut sample = Sample::default();
        for task in tasks {
            sample.merge(task.await?);
        }
        rows.push(row(
            "POST /api/v1/sessions/{id}/answers",
            clients,
            sample,
            started.elapsed(),
        ));
    }
    Ok(rows)
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
    let scratch = match &options.url {
        Some(_) => None,
        None => {
            let tools = bootstrap::ensure(Needs { test_tools: false })?;
            build::all(&tools)?;
            Some(Scratch::start(&tools, "bench")?)
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
    let outcome = runtime.block_on(run(&base, &options));
    if let Some(scratch) = scratch {
        // Keep the logs when anything failed, to find out why.
        let failed = outcome
            .as_ref()
            .map_or(true, |rows| rows.iter().any(|r| r.errors > 0));
        scratch.stop(failed);
    }
    let rows = outcome?;
    let results = paths.root.join("target/bench/results.json");
    save(&rows, &target, &options, &results)?;
    println!("{}", report(&rows, &target));
    println!("  (also in {})", results.display());
    Ok(())
}
