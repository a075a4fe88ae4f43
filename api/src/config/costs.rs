//! Where the daily cost job reads the platform's usage: Cloudflare's GraphQL Analytics API (the
//! account's Workers, KV, R2, Queues and Durable Objects) and Turso's Platform API (the
//! organization's databases). Each source is on when its token is set; a token without the
//! rest of its settings is an error, so a half-configured tracker never reports a partial bill
//! as the whole one.

use super::{ConfigError, Secret, service_url};

pub const CLOUDFLARE_API: &str = "https://api.cloudflare.com/client/v4";
pub const TURSO_API: &str = "https://api.turso.tech";

#[derive(Debug, Clone)]
pub struct CloudflareUsage {
    /// Without trailing slash; the GraphQL endpoint is `<api_url>/graphql`.
    pub api_url: String,
    /// 32 hexadecimal digits.
    pub account_id: String,
    /// A token with "Account Analytics: Read" only.
    pub token: Secret,
}

#[derive(Debug, Clone)]
pub struct TursoUsage {
    pub api_url: String,
    /// The organization's slug.
    pub org: String,
    pub token: Secret,
}

#[derive(Debug, Clone, Default)]
pub struct CostsConfig {
    pub cloudflare: Option<CloudflareUsage>,
    pub turso: Option<TursoUsage>,
}

fn token(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<Secret>, ConfigError> {
    lookup(name)
        .filter(|value| !value.trim().is_empty())
        .map(|value| Secret::parse(name, &value))
        .transpose()
}

fn required(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<String, ConfigError> {
    lookup(name)
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
        .ok_or(ConfigError::Missing(name))
}

impl CostsConfig {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let url = |name, default: &str| {
            service_url(name, &lookup(name).unwrap_or_else(|| default.to_string()))
        };
        let cloudflare = match token(&lookup, "CLOUDFLARE_ANALYTICS_TOKEN")? {
            None => None,
            Some(token) => {
                let account_id = required(&lookup, "CLOUDFLARE_ACCOUNT_ID")?;
                if account_id.len() != 32 || !account_id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(ConfigError::Invalid {
                        name: "CLOUDFLARE_ACCOUNT_ID",
                        reason: "expected 32 hexadecimal digits",
                    });
                }
                Some(CloudflareUsage {
                    api_url: url("CLOUDFLARE_API_URL", CLOUDFLARE_API)?,
                    account_id,
                    token,
                })
            }
        };
        let turso = match token(&lookup, "TURSO_PLATFORM_TOKEN")? {
            None => None,
            Some(token) => {
                let org = required(&lookup, "TURSO_ORG")?;
                if !org
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    || org.len() > 64
                {
                    return Err(ConfigError::Invalid {
                        name: "TURSO_ORG",
                        reason: "expected an organization slug (a-z, 0-9, -)",
                    });
                }
                Some(TursoUsage {
                    api_url: url("TURSO_API_URL", TURSO_API)?,
                    org,
                    token,
                })
            }
        };
        Ok(Self { cloudflare, turso })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::lookup;

    const ACCOUNT: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_source_is_on_with_its_token_and_off_without_it() {
        let none = CostsConfig::from_lookup(lookup(&[])).unwrap();
        assert!(none.cloudflare.is_none() && none.turso.is_none());
        let both = CostsConfig::from_lookup(lookup(&[
            ("CLOUDFLARE_ANALYTICS_TOKEN", "cf-token"),
            ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT),
            ("TURSO_PLATFORM_TOKEN", "turso-token"),
            ("TURSO_ORG", "pingtopass"),
        ]))
        .unwrap();
        let cloudflare = both.cloudflare.unwrap();
        assert_eq!(cloudflare.api_url, CLOUDFLARE_API);
        assert_eq!(cloudflare.account_id, ACCOUNT);
        assert_eq!(both.turso.unwrap().api_url, TURSO_API);
    }

    #[test]
    fn a_token_without_the_rest_of_its_settings_is_refused_by_name() {
        let err = |pairs| {
            CostsConfig::from_lookup(lookup(pairs))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(&[("CLOUDFLARE_ANALYTICS_TOKEN", "cf-token")]),
            "CLOUDFLARE_ACCOUNT_ID is not set"
        );
        assert_eq!(
            err(&[
                ("CLOUDFLARE_ANALYTICS_TOKEN", "cf-token"),
                ("CLOUDFLARE_ACCOUNT_ID", "ACCOUNT_ID")
            ]),
            "CLOUDFLARE_ACCOUNT_ID is invalid: expected 32 hexadecimal digits"
        );
        assert_eq!(
            err(&[("TURSO_PLATFORM_TOKEN", "t"), ("TURSO_ORG", "My Org")]),
            "TURSO_ORG is invalid: expected an organization slug (a-z, 0-9, -)"
        );
        assert_eq!(
            err(&[
                ("TURSO_PLATFORM_TOKEN", "t"),
                ("TURSO_ORG", "org"),
                ("TURSO_API_URL", "http://api.example")
            ]),
            "TURSO_API_URL is invalid: must be an https:// URL"
        );
    }
}
