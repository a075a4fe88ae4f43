//! The platform's usage for one day, read from the services that bill it: the port the daily
//! cost job reads through ([`UsageReader`]). The real readers speak Cloudflare's GraphQL
//! Analytics API ([`cloudflare`]) and Turso's Platform API ([`turso`]) over [`HttpClient`];
//! locally they talk to the stand-in `cargo xtask dev` starts (`xtask/src/usage_standin.rs`),
//! natively to scripted replies.

pub mod cloudflare;
pub mod turso;

use std::future::Future;
use std::time::Duration;

use ptp_domain::costs::Usage;

use crate::config::CostsConfig;
use crate::http::{HttpClient, HttpReply, OutboundRequest};

/// Usage APIs answer aggregate queries: slower than a lookup, still bounded.
pub const USAGE_TIMEOUT: Duration = Duration::from_secs(15);

/// Longest error text kept from a usage API's answer.
const MAX_DETAIL: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    #[error("{service} could not be reached: {detail}")]
    Unreachable {
        service: &'static str,
        detail: String,
    },
    #[error("{service} refused the query: {detail}")]
    Refused {
        service: &'static str,
        detail: String,
    },
    #[error("{service} answered in an unexpected shape: {detail}")]
    Malformed {
        service: &'static str,
        detail: String,
    },
}

impl UsageError {
    /// Worth another try later (the service was down or throttling us).
    pub fn is_transient(&self) -> bool {
        matches!(self, UsageError::Unreachable { .. })
    }
}

/// One day (`[day, next_day)`, both `YYYY-MM-DD`, UTC) of one billed service's usage.
pub trait UsageReader: Send + Sync {
    /// The name the cost report gives this source.
    fn source(&self) -> &'static str;
    fn read(
        &self,
        day: &str,
        next_day: &str,
    ) -> impl Future<Output = Result<Usage, UsageError>> + Send;
}

/// The readers a deployment's settings turn on; `None` for a source not set up.
pub struct Readers<H> {
    pub cloudflare: Option<cloudflare::Cloudflare<H>>,
    pub turso: Option<turso::Turso<H>>,
}

/// Sources with no settings, by the name the report uses.
pub const CLOUDFLARE: &str = "cloudflare";
pub const TURSO: &str = "turso";

impl<H: HttpClient> Readers<H> {
    pub fn new(http: &H, config: &CostsConfig) -> Self {
        Self {
            cloudflare: config
                .cloudflare
                .clone()
                .map(|settings| cloudflare::Cloudflare::new(http.clone(), settings)),
            turso: config
                .turso
                .clone()
                .map(|settings| turso::Turso::new(http.clone(), settings)),
        }
    }
}

/// Sends `request` and returns a 2xx reply's body; anything else is `service`'s failure.
async fn fetch<H: HttpClient>(
    http: &H,
    service: &'static str,
    request: OutboundRequest,
) -> Result<String, UsageError> {
    let HttpReply { status, body, .. } =
        http.send(request)
            .await
            .map_err(|err| UsageError::Unreachable {
                service,
                detail: err.to_string(),
            })?;
    let detail = || format!("HTTP {status}: {}", shortened(&body));
    match status {
        200..=299 => Ok(body),
        429 | 500..=599 => Err(UsageError::Unreachable {
            service,
            detail: detail(),
        }),
        _ => Err(UsageError::Refused {
            service,
            detail: detail(),
        }),
    }
}

fn shortened(text: &str) -> String {
    let cut: String = text.chars().take(MAX_DETAIL).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// A JSON body, or `service`'s malformed answer.
fn json(service: &'static str, body: &str) -> Result<serde_json::Value, UsageError> {
    serde_json::from_str(body).map_err(|err| UsageError::Malformed {
        service,
        detail: format!("not JSON: {err}"),
    })
}

/// A count at `value`: a non-negative number (the APIs send integers, sometimes as floats).
fn count(service: &'static str, value: &serde_json::Value, what: &str) -> Result<f64, UsageError> {
    match value.as_f64() {
        Some(number) if number >= 0.0 && number.is_finite() => Ok(number),
        _ => Err(UsageError::Malformed {
            service,
            detail: format!("{what} is not a count: {value}"),
        }),
    }
}

#[cfg(test)]
mod tests;
