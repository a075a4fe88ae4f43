//! The Worker's settings, parsed once per request from its environment (vars and secrets) into
//! validated types. A missing or malformed setting is reported by name — never by value.

use std::fmt;
use std::time::Duration;

/// Which deployment this is; decides log verbosity defaults, CSP strictness and HSTS later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Preview,
    Staging,
    Production,
}

impl Environment {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        match value {
            "development" => Ok(Self::Development),
            "preview" => Ok(Self::Preview),
            "staging" => Ok(Self::Staging),
            "production" => Ok(Self::Production),
            _ => Err(ConfigError::Invalid {
                name: "ENVIRONMENT",
                reason: "expected development, preview, staging or production",
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Preview => "preview",
            Self::Staging => "staging",
            Self::Production => "production",
        }
    }
}

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

/// The bearer token for the database. Never printed.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn parse(name: &'static str, value: &str) -> Result<Self, ConfigError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(ConfigError::Missing(name));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ConfigError::Invalid {
                name,
                reason: "contains whitespace",
            });
        }
        Ok(Self(value.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
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
pub const DB_TIMEOUT: Duration = Duration::from_secs(5);

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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("{name} is invalid: {reason}")]
    Invalid {
        name: &'static str,
        reason: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turso_urls_become_https_pipeline_endpoints() {
        let url = DatabaseUrl::parse("libsql://ptp-prod-acme.turso.io").unwrap();
        assert_eq!(
            url.pipeline_endpoint(),
            "https://ptp-prod-acme.turso.io/v3/pipeline"
        );
        let local = DatabaseUrl::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            local.pipeline_endpoint(),
            "http://127.0.0.1:8080/v3/pipeline"
        );
    }

    #[test]
    fn refuses_urls_that_are_not_bare_hosts() {
        for bad in [
            "",
            "127.0.0.1:8080",
            "ftp://x",
            "https://user:pw@x",
            "https://x/db",
            "https://",
        ] {
            assert!(DatabaseUrl::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn missing_settings_are_named_and_secrets_never_printed() {
        let err = DatabaseConfig::from_lookup(|_| None).unwrap_err();
        assert_eq!(err.to_string(), "TURSO_DATABASE_URL is not set");
        let config = DatabaseConfig::from_lookup(|name| match name {
            "TURSO_DATABASE_URL" => Some("libsql://db.turso.io".into()),
            "TURSO_AUTH_TOKEN" => Some("eyJ.secret.sig".into()),
            _ => None,
        })
        .unwrap();
        assert!(!format!("{config:?}").contains("eyJ"));
        let blank = DatabaseConfig::from_lookup(|name| match name {
            "TURSO_DATABASE_URL" => Some("libsql://db.turso.io".into()),
            _ => Some("  ".into()),
        });
        assert_eq!(blank.unwrap_err(), ConfigError::Missing("TURSO_AUTH_TOKEN"));
    }

    #[test]
    fn environment_names_round_trip() {
        for name in ["development", "preview", "staging", "production"] {
            assert_eq!(Environment::parse(name).unwrap().as_str(), name);
        }
        assert!(Environment::parse("prod").is_err());
    }
}
