//! Rate limits, exact across every instance of the Worker: one Durable Object per client key
//! counts that client's requests (a Durable Object handles one request at a time, and its storage
//! calls hold back the next one, so read-count-write cannot interleave). Workers KV could not do
//! this (one write per second per key, eventually consistent), and the `ratelimits` binding
//! only says yes or no, not how many requests remain or when the window resets.

use ptp_domain::rate_limit::{self, Decision, Limit, Window};
use serde::{Deserialize, Serialize};
use worker::send::SendFuture;
use worker::{DurableObject, Env, Request, Response, Result, State, durable_object};

/// Binding name, as declared in wrangler.toml.
const BINDING: &str = "RATE_LIMITER";
const WINDOW: &str = "window";

#[derive(Serialize, Deserialize)]
struct StoredWindow {
    started_ms: u64,
    count: u32,
}

#[derive(Serialize, Deserialize)]
struct Verdict {
    allowed: bool,
    limit: u32,
    remaining: u32,
    reset_secs: u64,
}

#[durable_object]
pub struct RateLimiter {
    state: State,
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    /// `GET /?requests=N&period_ms=M`: counts one request; answers the decision.
    async fn fetch(&self, request: Request) -> Result<Response> {
        let url = request.url()?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .and_then(|(_, value)| value.parse::<u64>().ok())
                .ok_or_else(|| worker::Error::RustError(format!("limiter: {name} missing")))
        };
        let limit = Limit {
            requests: u32::try_from(param("requests")?).unwrap_or(u32::MAX),
            period_ms: param("period_ms")?,
        };
        let storage = self.state.storage();
        let stored = storage.get::<StoredWindow>(WINDOW).await?;
        let now = worker::Date::now().as_millis();
        let (window, decision) = rate_limit::hit(
            stored.map(|w| Window {
                started_ms: w.started_ms,
                count: w.count,
            }),
            limit,
            now,
        );
        let fresh = window.count <= 1 && window.started_ms == now;
        storage
            .put(
                WINDOW,
                StoredWindow {
                    started_ms: window.started_ms,
                    count: window.count,
                },
            )
            .await?;
        if fresh {
            // Forget this client once its window is over, so idle clients cost no storage.
            storage
                .set_alarm(std::time::Duration::from_millis(limit.period_ms))
                .await?;
        }
        Response::from_json(&Verdict {
            allowed: decision.allowed,
            limit: decision.limit,
            remaining: decision.remaining,
            reset_secs: decision.reset_secs,
        })
    }

    async fn alarm(&self) -> Result<Response> {
        self.state.storage().delete_all().await?;
        Response::ok("forgotten")
    }
}

/// Counts a request by `key` against `limit` in that key's Durable Object.
pub fn check(
    env: &Env,
    key: &str,
    limit: Limit,
) -> impl Future<Output = std::result::Result<Decision, String>> + Send + use<> {
    let stub = env
        .durable_object(BINDING)
        .and_then(|namespace| namespace.id_from_name(key)?.get_stub())
        .map_err(|err| err.to_string());
    let url = format!(
        "https://rate-limiter/?requests={}&period_ms={}",
        limit.requests, limit.period_ms
    );
    SendFuture::new(async move {
        let mut response = stub?
            .fetch_with_str(&url)
            .await
            .map_err(|err| err.to_string())?;
        let verdict: Verdict = response.json().await.map_err(|err| err.to_string())?;
        Ok(Decision {
            allowed: verdict.allowed,
            limit: verdict.limit,
            remaining: verdict.remaining,
            reset_secs: verdict.reset_secs,
        })
    })
}
