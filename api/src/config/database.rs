//! Where the database is and how long a round trip to it may take.

use std::fmt;
use std::time::Duration;

use super::{ConfigError, Secret};

/// Where the database answers Hrana pipelines, derived from `TURSO_DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Accepts `libsql://host` (Turso's form, spoken over HTTPS), `https://host` and, for the
    /// local stack, `http://host:port`. Paths, queries and credentials in the URL are refused.
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let invalid = |reason| ConfigError::Invalid {
            name: "TURSO_DATABASE_URL",
            reason,
        };
        let value = value.trim().trim_end_matches('/');
        let (scheme, rest) = value
            .split_once("://")
            .ok_or(invalid("expected libsql://, https:// or http://"))?;
        let scheme = match scheme {
            "libsql" | "https" => "https",
            "http" => "http",
            _ => return Err(invalid("expected libsql://, https:// or http://")),
        };
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
            return Err(invalid(
                "expected a bare host (and port), without path or credentials",
            ));
        }
        Ok(Self(format!("{scheme}://{rest}")))
    }

    pub fn pipeline_endpoint(&self) -> String {
        format!("{}/v3/pipeline", self.0)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: DatabaseUrl,
    pub token: Secret,
    /// Upper bound for one pipeline round trip, so a stuck database yields 503, never a hang.
    pub timeout: Duration,
}

/// How long any database round trip may take before the request fails with 503.
///
/// Generous on purpose: abandoning a Hrana request while its transaction holds the write lock
/// left sqld 0.24 holding that lock for good (every later write timed out) under load. Waiting
/// for the database's own answer — it reports a busy database itself — is the safe side.
pub const DB_TIMEOUT: Duration = Duration::from_secs(30);

impl DatabaseConfig {
    /// `lookup` returns a variable's value if it is set (vars and secrets alike).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let url = lookup("TURSO_DATABASE_URL").ok_or(ConfigError::Missing("TURSO_DATABASE_URL"))?;
        let token = lookup("TURSO_AUTH_TOKEN").ok_or(ConfigError::Missing("TURSO_AUTH_TOKEN"))?;
        Ok(Self {
            url: DatabaseUrl::parse(&url)?,
            token: Secret::parse("TURSO_AUTH_TOKEN", &token)?,
            timeout: DB_TIMEOUT,
        })
    }
}
