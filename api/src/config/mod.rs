//! The Worker's settings, parsed once per request from its environment (vars and secrets) into
//! validated types. A missing or malformed setting is reported by name — never by value.

use std::fmt;

use crate::observe::Level;

mod billing;
mod costs;
mod database;
mod services;

pub use billing::{PaymentsConfig, PlansConfig, PriceConfig, stripe_id};
pub use costs::{CloudflareUsage, CostsConfig, TursoUsage};
pub use database::{DB_TIMEOUT, DatabaseConfig, DatabaseUrl};
pub use services::{AiConfig, Tracing, XConfig};

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

/// The site's own origin (`https://pingtopass.com`), from `SITE_URL`: where sign-in returns to,
/// and the only origin whose cookie-authenticated writes are accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOrigin(String);

impl SiteOrigin {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let invalid = |reason| ConfigError::Invalid {
            name: "SITE_URL",
            reason,
        };
        let value = value.trim().trim_end_matches('/');
        let (scheme, host) = value
            .split_once("://")
            .ok_or(invalid("expected http(s)://host[:port]"))?;
        if !matches!(scheme, "http" | "https") {
            return Err(invalid("expected http(s)://host[:port]"));
        }
        if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
            return Err(invalid("expected an origin, without path or credentials"));
        }
        Ok(Self(format!("{scheme}://{}", host.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host (and port, if any), without the scheme.
    pub fn host(&self) -> &str {
        self.0
            .split_once("://")
            .map_or(self.0.as_str(), |(_, host)| host)
    }

    /// An absolute URL on this site.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

/// Secrets that sign sessions and hash API keys.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// HS256 key for session tokens.
    pub jwt_secret: Secret,
    /// HMAC key under which API key secrets are stored; rotating it revokes every key.
    pub api_key_secret: Secret,
}

/// Keys shorter than this are refused: HS256 and HMAC-SHA256 want 256 bits of key.
const MIN_SECRET_BYTES: usize = 32;

fn strong_secret(name: &'static str, value: Option<String>) -> Result<Secret, ConfigError> {
    let secret = Secret::parse(name, &value.ok_or(ConfigError::Missing(name))?)?;
    if secret.expose().len() < MIN_SECRET_BYTES {
        return Err(ConfigError::Invalid {
            name,
            reason: "must be at least 32 characters of random data",
        });
    }
    Ok(secret)
}

impl AuthConfig {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            jwt_secret: strong_secret("JWT_SECRET", lookup("JWT_SECRET"))?,
            api_key_secret: strong_secret("API_KEY_SECRET", lookup("API_KEY_SECRET"))?,
        })
    }
}

/// `LOAD_TEST_TOKEN`: lets the load suite past the per-address limits on a preview or staging
/// deployment (`app::limits`). Never honoured in production: set there, it is a config error.
fn load_test_token(
    environment: &Result<Environment, ConfigError>,
    value: Option<String>,
) -> Result<Option<Secret>, ConfigError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    if matches!(environment, Ok(Environment::Production)) {
        return Err(ConfigError::Invalid {
            name: "LOAD_TEST_TOKEN",
            reason: "must not be set in production",
        });
    }
    strong_secret("LOAD_TEST_TOKEN", Some(value)).map(Some)
}

/// The OpenID Connect provider: Google in production, a local one in development and tests.
#[derive(Debug, Clone)]
pub struct GoogleConfig {
    /// Issuer URL without trailing slash; discovery is at `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// `GOOGLE_REDIRECT_VIA`: a relay's endpoint that Google returns to instead of this site's
    /// callback, for hosts Google cannot know in advance (a pull request's preview). The
    /// sign-in's state then names this site's host, so the relay knows where to send it on.
    pub redirect_via: Option<String>,
    /// `GOOGLE_RELAY_FOR`: the domain whose hosts this Worker relays Google's answers to
    /// (`preview.pingtopass.com` relays to `<one label>.preview.pingtopass.com`).
    pub relay_for: Option<String>,
}

/// An https:// URL, or plain http to this machine (a local stand-in), without trailing slash.
/// A whole number from `lookup(name)` up to `max`, or `default` when unset.
fn whole_number(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    match lookup(name).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(value) => value
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or(ConfigError::Invalid {
                name,
                reason: "expected a whole number in its range",
            }),
    }
}

fn service_url(name: &'static str, value: &str) -> Result<String, ConfigError> {
    let url = value.trim().trim_end_matches('/').to_string();
    let local = url.starts_with("http://127.0.0.1:") || url.starts_with("http://localhost:");
    if !url.starts_with("https://") && !local {
        return Err(ConfigError::Invalid {
            name,
            reason: "must be an https:// URL",
        });
    }
    Ok(url)
}

/// A domain name: lowercase labels of letters, digits and hyphens, at least two of them.
fn domain(name: &'static str, value: &str) -> Result<String, ConfigError> {
    let value = value.trim().to_ascii_lowercase();
    let labels: Vec<&str> = value.split('.').collect();
    let valid = labels.len() >= 2
        && value.len() <= 253
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if !valid {
        return Err(ConfigError::Invalid {
            name,
            reason: "expected a domain name like preview.example.com",
        });
    }
    Ok(value)
}

pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";

impl GoogleConfig {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let issuer = service_url(
            "GOOGLE_ISSUER",
            &lookup("GOOGLE_ISSUER").unwrap_or_else(|| GOOGLE_ISSUER.to_string()),
        )?;
        let client_id =
            lookup("GOOGLE_CLIENT_ID").ok_or(ConfigError::Missing("GOOGLE_CLIENT_ID"))?;
        let client_id = client_id.trim().to_string();
        if client_id.is_empty() {
            return Err(ConfigError::Missing("GOOGLE_CLIENT_ID"));
        }
        let secret =
            lookup("GOOGLE_CLIENT_SECRET").ok_or(ConfigError::Missing("GOOGLE_CLIENT_SECRET"))?;
        let optional = |name| lookup(name).filter(|value| !value.trim().is_empty());
        Ok(Self {
            issuer,
            client_id,
            client_secret: Secret::parse("GOOGLE_CLIENT_SECRET", &secret)?,
            redirect_via: optional("GOOGLE_REDIRECT_VIA")
                .map(|url| service_url("GOOGLE_REDIRECT_VIA", &url))
                .transpose()?,
            relay_for: optional("GOOGLE_RELAY_FOR")
                .map(|value| domain("GOOGLE_RELAY_FOR", &value))
                .transpose()?,
        })
    }
}

/// Everything the Worker reads from its environment, parsed once per isolate. Each part fails on
/// its own, so a missing Google setting never takes the SPA or health down with it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub environment: Result<Environment, ConfigError>,
    /// The quietest level logged; `info` when unset.
    pub log_level: Result<Level, ConfigError>,
    pub site: Result<SiteOrigin, ConfigError>,
    pub auth: Result<AuthConfig, ConfigError>,
    pub google: Result<GoogleConfig, ConfigError>,
    /// The load suite's token; `None` where none is set.
    pub load_test: Result<Option<Secret>, ConfigError>,
    pub ai: Result<AiConfig, ConfigError>,
    /// X's recent search for the hourly trends; `None` where no token is set.
    pub x: Result<Option<XConfig>, ConfigError>,
    /// Stripe; `None` while payments are off.
    pub payments: Result<Option<PaymentsConfig>, ConfigError>,
    /// Each plan's limits.
    pub plans: Result<PlansConfig, ConfigError>,
    /// Where the daily cost job reads usage; each source `None` where it is not set up.
    pub costs: Result<CostsConfig, ConfigError>,
}

impl Settings {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let environment = lookup("ENVIRONMENT")
            .ok_or(ConfigError::Missing("ENVIRONMENT"))
            .and_then(|value| Environment::parse(&value));
        Self {
            load_test: load_test_token(&environment, lookup("LOAD_TEST_TOKEN")),
            ai: AiConfig::from_lookup(&lookup),
            x: XConfig::from_lookup(&lookup),
            payments: PaymentsConfig::from_lookup(&environment, &lookup),
            plans: PlansConfig::from_lookup(&lookup),
            costs: CostsConfig::from_lookup(&lookup),
            environment,
            log_level: lookup("LOG_LEVEL").map_or(Ok(Level::Info), |value| {
                Level::parse(&value).ok_or(ConfigError::Invalid {
                    name: "LOG_LEVEL",
                    reason: "expected debug, info, warn or error",
                })
            }),
            site: lookup("SITE_URL")
                .ok_or(ConfigError::Missing("SITE_URL"))
                .and_then(|value| SiteOrigin::parse(&value)),
            auth: AuthConfig::from_lookup(&lookup),
            google: GoogleConfig::from_lookup(&lookup),
        }
    }
}

impl Settings {
    /// Every setting that is missing or invalid, `database` (parsed on its own) included. Any
    /// one of them makes the deployment refuse to serve: see `app::edge`.
    pub fn problems<'a>(&'a self, database: Option<&'a ConfigError>) -> Vec<&'a ConfigError> {
        [
            self.environment.as_ref().err(),
            self.log_level.as_ref().err(),
            self.site.as_ref().err(),
            self.auth.as_ref().err(),
            self.google.as_ref().err(),
            self.load_test.as_ref().err(),
            self.ai.as_ref().err(),
            self.x.as_ref().err(),
            self.payments.as_ref().err(),
            self.plans.as_ref().err(),
            self.costs.as_ref().err(),
            database,
        ]
        .into_iter()
        .flatten()
        .collect()
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

/// A settings lookup over fixed pairs, for the config modules' tests.
#[cfg(test)]
fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    }
}

#[cfg(test)]
mod tests;
