//! The organization's Turso usage for a day, from the Platform API: its databases
//! (`GET /v1/organizations/{org}/databases`), then each one's rows read and written over the
//! day (`GET …/databases/{name}/usage?from=…&to=…`). The whole organization, because its plan's
//! allowances are shared by every environment's database.

use ptp_domain::costs::Usage;

use super::{UsageError, UsageReader, count, fetch, json};
use crate::config::TursoUsage;
use crate::http::{HttpClient, OutboundRequest};

const SOURCE: &str = super::TURSO;

/// More databases than this is not this product's organization: refuse rather than send
/// hundreds of requests from one job.
pub const MAX_DATABASES: usize = 50;

pub struct Turso<H> {
    http: H,
    settings: TursoUsage,
}

fn malformed(detail: impl Into<String>) -> UsageError {
    UsageError::Malformed {
        service: SOURCE,
        detail: detail.into(),
    }
}

impl<H: HttpClient> Turso<H> {
    pub fn new(http: H, settings: TursoUsage) -> Self {
        Self { http, settings }
    }

    fn get(&self, path: &str) -> OutboundRequest {
        OutboundRequest::get(format!(
            "{}/v1/organizations/{}{path}",
            self.settings.api_url, self.settings.org
        ))
        .header(
            "authorization",
            format!("Bearer {}", self.settings.token.expose()),
        )
        .timeout(super::USAGE_TIMEOUT)
    }

    async fn databases(&self) -> Result<Vec<String>, UsageError> {
        let body = fetch(&self.http, SOURCE, self.get("/databases")).await?;
        database_names(&body)
    }
}

/// The database names of a `GET /databases` answer, each safe to put in a path.
pub fn database_names(body: &str) -> Result<Vec<String>, UsageError> {
    let doc = json(SOURCE, body)?;
    let list = doc["databases"]
        .as_array()
        .ok_or_else(|| malformed("no databases list"))?;
    if list.len() > MAX_DATABASES {
        return Err(malformed(format!(
            "{} databases, more than the {MAX_DATABASES} this job reads",
            list.len()
        )));
    }
    list.iter()
        .map(|db| {
            let name = db["Name"].as_str().unwrap_or("");
            let valid = !name.is_empty()
                && name.len() <= 64
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            valid
                .then(|| name.to_string())
                .ok_or_else(|| malformed(format!("not a database name: {}", db["Name"])))
        })
        .collect()
}

/// Rows read and written in a `GET …/usage` answer.
pub fn database_usage(body: &str) -> Result<(f64, f64), UsageError> {
    let doc = json(SOURCE, body)?;
    let total = &doc["database"]["total"];
    if !total.is_object() {
        return Err(malformed("no database.total"));
    }
    Ok((
        count(SOURCE, &total["rows_read"], "rows_read")?,
        count(SOURCE, &total["rows_written"], "rows_written")?,
    ))
}

impl<H: HttpClient> UsageReader for Turso<H> {
    fn source(&self) -> &'static str {
        SOURCE
    }

    async fn read(&self, day: &str, next_day: &str) -> Result<Usage, UsageError> {
        let (mut read, mut written) = (0.0, 0.0);
        for name in self.databases().await? {
            let path =
                format!("/databases/{name}/usage?from={day}T00:00:00Z&to={next_day}T00:00:00Z");
            let body = fetch(&self.http, SOURCE, self.get(&path)).await?;
            let (rows_read, rows_written) = database_usage(&body)?;
            read += rows_read;
            written += rows_written;
        }
        Ok(Usage {
            units: [
                ("turso_rows_read".to_string(), read),
                ("turso_rows_written".to_string(), written),
            ]
            .into(),
            openrouter_usd: 0.0,
        })
    }
}
