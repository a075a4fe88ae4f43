//! Rate limits across every instance of the Worker (`ptp_domain::limiter` has the scheme and its
//! bounds): one Durable Object per client key holds the window's tally, and each isolate counts
//! on its own between settlements, so most requests make no call to the object at all. A
//! Durable Object handles one request at a time, so settlements cannot interleave. Workers KV
//! could not do this (one write per second per key, eventually consistent), and the
//! `ratelimits` binding only says yes or no, not how many requests remain or when it resets.

use std::cell::RefCell;

use ptp_domain::limiter::{self, Isolate, Report, Step, Tally, Verdict};
use ptp_domain::rate_limit::{Decision, Limit};
use serde::{Deserialize, Serialize};
use worker::send::SendFuture;
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

use crate::timing::{Part, Timings};

/// Binding name, as declared in wrangler.toml.
const BINDING: &str = "RATE_LIMITER";
/// Storage key of a durable limit's tally.
const TALLY: &str = "tally";

thread_local! {
    // One per isolate: Workers run an isolate's requests on one thread.
    static ISOLATE: RefCell<Isolate> = RefCell::new(Isolate::new(crate::ids::random_token(12)));
}

#[derive(Serialize, Deserialize)]
struct StoredTally {
    started_ms: u64,
    by_isolate: std::collections::BTreeMap<String, u32>,
}

#[derive(Serialize, Deserialize)]
struct WireVerdict {
    started_ms: u64,
    total: u32,
    mine: u32,
    allowed: bool,
    /// Whether the object wrote its storage for this settlement.
    stored: bool,
}

#[durable_object]
pub struct RateLimiter {
    state: State,
    /// The window's tally; rebuilt from the isolates' reports when the object was evicted.
    tally: RefCell<Option<Tally>>,
}

fn query(request: &Request) -> Result<(Limit, Report)> {
    let url = request.url()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    let number = |name: &str| {
        param(name)
            .and_then(|value| value.parse::<u64>().ok())
            .ok_or_else(|| worker::Error::RustError(format!("limiter: {name} missing")))
    };
    let limit = Limit {
        requests: u32::try_from(number("requests")?).unwrap_or(u32::MAX),
        period_ms: number("period_ms")?,
    };
    let report = Report {
        isolate: param("isolate").unwrap_or_default(),
        started_ms: param("started").and_then(|value| value.parse().ok()),
        mine: u32::try_from(number("mine")?).unwrap_or(u32::MAX),
        asking: param("asking").as_deref() == Some("1"),
    };
    Ok((limit, report))
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        Self {
            state,
            tally: RefCell::new(None),
        }
    }

    /// `GET /?requests=&period_ms=&isolate=&started=&mine=&asking=`: one settlement.
    async fn fetch(&self, request: Request) -> Result<Response> {
        let (limit, report) = query(&request)?;
        let storage = self.state.storage();
        let mut current = self.tally.borrow_mut().take();
        if current.is_none() && limit.durable() {
            current = storage
                .get::<StoredTally>(TALLY)
                .await?
                .map(|stored| Tally {
                    started_ms: stored.started_ms,
                    by_isolate: stored.by_isolate,
                });
        }
        let opened = current.is_none();
        let (tally, verdict) =
            limiter::settle(current, &report, limit, worker::Date::now().as_millis());
        if limit.durable() {
            storage
                .put(
                    TALLY,
                    StoredTally {
                        started_ms: tally.started_ms,
                        by_isolate: tally.by_isolate.clone(),
                    },
                )
                .await?;
            if opened {
                // Forget this client once its window is over, so idle clients cost no storage.
                storage
                    .set_alarm(std::time::Duration::from_millis(limit.period_ms))
                    .await?;
            }
        }
        *self.tally.borrow_mut() = Some(tally);
        Response::from_json(&WireVerdict {
            started_ms: verdict.started_ms,
            total: verdict.total,
            mine: verdict.mine,
            allowed: verdict.allowed,
            stored: limit.durable(),
        })
    }

    async fn alarm(&self) -> Result<Response> {
        self.state.storage().delete_all().await?;
        Response::ok("forgotten")
    }
}

/// Counts a request by `key` against `limit`: in this isolate when it can, with the key's
/// Durable Object when it must (each such call is timed as `limiter`).
pub fn check(
    env: &Env,
    timings: &Timings,
    key: &str,
    limit: Limit,
) -> impl Future<Output = std::result::Result<Decision, String>> + Send + use<> {
    let now = worker::Date::now().as_millis();
    let step = ISOLATE.with(|isolate| isolate.borrow_mut().step(key, limit, now));
    let settlement = match step {
        Step::Decided(decision) => Err(decision),
        Step::Settle(report) => Ok(settlement(env, key, limit, &report)),
    };
    let key = key.to_string();
    let timings = timings.clone();
    SendFuture::new(async move {
        let (stub, url) = match settlement {
            Err(decision) => return Ok(decision),
            Ok(settlement) => settlement,
        };
        let mut response = stub?
            .fetch_with_str(&url)
            .await
            .map_err(|err| err.to_string())?;
        let verdict: WireVerdict = response.json().await.map_err(|err| err.to_string())?;
        let settled = worker::Date::now().as_millis();
        timings.add(Part::Limiter, settled.saturating_sub(now));
        if verdict.stored {
            timings.add(Part::LimiterWrite, 0);
        }
        let verdict = Verdict {
            started_ms: verdict.started_ms,
            total: verdict.total,
            mine: verdict.mine,
            allowed: verdict.allowed,
        };
        Ok(ISOLATE.with(|isolate| isolate.borrow_mut().settled(&key, limit, verdict, settled)))
    })
}

/// The key's Durable Object and the URL that settles `report` with it.
fn settlement(
    env: &Env,
    key: &str,
    limit: Limit,
    report: &Report,
) -> (std::result::Result<worker::Stub, String>, String) {
    let stub = env
        .durable_object(BINDING)
        .and_then(|namespace| namespace.id_from_name(key)?.get_stub())
        .map_err(|err| err.to_string());
    let url = format!(
        "https://rate-limiter/?requests={}&period_ms={}&isolate={}&mine={}&asking={}{}",
        limit.requests,
        limit.period_ms,
        report.isolate,
        report.mine,
        u8::from(report.asking),
        report
            .started_ms
            .map_or_else(String::new, |started| format!("&started={started}")),
    );
    (stub, url)
}
