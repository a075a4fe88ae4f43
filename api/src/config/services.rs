//! Settings of the services the Worker calls out to: OpenRouter (and LangChain tracing) for AI,
//! Stripe for payments. Checked with the rest when an isolate starts, so a deployment missing
//! one refuses to serve instead of failing a learner half-way through a checkout.

use super::{ConfigError, Environment, Secret};

/// OpenRouter for drafting questions and explaining mistakes; LangChain tracing when set.
#[derive(Debug, Clone)]
pub struct AiConfig {
    pub openrouter_key: Secret,
    pub langchain_key: Option<Secret>,
}

impl AiConfig {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let openrouter =
            lookup("OPENROUTER_API_KEY").ok_or(ConfigError::Missing("OPENROUTER_API_KEY"))?;
        let langchain_key = lookup("LANGCHAIN_API_KEY")
            .filter(|value| !value.trim().is_empty())
            .map(|value| Secret::parse("LANGCHAIN_API_KEY", &value))
            .transpose()?;
        Ok(Self {
            openrouter_key: Secret::parse("OPENROUTER_API_KEY", &openrouter)?,
            langchain_key,
        })
    }
}

/// Stripe, where payments are on (`PAYMENTS=on`; off by default).
#[derive(Debug, Clone)]
pub struct PaymentsConfig {
    pub secret_key: Secret,
    pub webhook_secret: Secret,
}

impl PaymentsConfig {
    /// `None` while payments are off. Production takes live keys only, the others test keys
    /// only, so no preview can charge a card and production never takes a test payment.
    pub fn from_lookup(
        environment: &Result<Environment, ConfigError>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        match lookup("PAYMENTS").as_deref().map(str::trim) {
            None | Some("") | Some("off") => return Ok(None),
            Some("on") => {}
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "PAYMENTS",
                    reason: "expected on or off",
                });
            }
        }
        let production = matches!(environment, Ok(Environment::Production));
        let secret = |name: &'static str| {
            Secret::parse(name, &lookup(name).ok_or(ConfigError::Missing(name))?)
        };
        let secret_key = secret("STRIPE_SECRET_KEY")?;
        let (prefix, reason) = if production {
            ("sk_live_", "production takes a live key (sk_live_…)")
        } else {
            ("sk_test_", "outside production only a test key (sk_test_…)")
        };
        if !secret_key.expose().starts_with(prefix) {
            return Err(ConfigError::Invalid {
                name: "STRIPE_SECRET_KEY",
                reason,
            });
        }
        let webhook_secret = secret("STRIPE_WEBHOOK_SECRET")?;
        if !webhook_secret.expose().starts_with("whsec_") {
            return Err(ConfigError::Invalid {
                name: "STRIPE_WEBHOOK_SECRET",
                reason: "expected a webhook signing secret (whsec_…)",
            });
        }
        Ok(Some(Self {
            secret_key,
            webhook_secret,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::lookup;

    #[test]
    fn openrouter_is_required_and_langchain_optional() {
        assert_eq!(
            AiConfig::from_lookup(lookup(&[])).unwrap_err(),
            ConfigError::Missing("OPENROUTER_API_KEY")
        );
        let ai = AiConfig::from_lookup(lookup(&[("OPENROUTER_API_KEY", "sk-or-v1-abc")])).unwrap();
        assert!(ai.langchain_key.is_none());
        assert!(
            AiConfig::from_lookup(lookup(&[
                ("OPENROUTER_API_KEY", "sk-or-v1-abc"),
                ("LANGCHAIN_API_KEY", "has space")
            ]))
            .is_err()
        );
    }

    #[test]
    fn payments_off_need_no_keys_and_on_need_the_right_kind() {
        let staging = Ok(Environment::Staging);
        let production = Ok(Environment::Production);
        assert!(
            PaymentsConfig::from_lookup(&staging, lookup(&[]))
                .unwrap()
                .is_none()
        );
        assert_eq!(
            PaymentsConfig::from_lookup(&staging, lookup(&[("PAYMENTS", "on")])).unwrap_err(),
            ConfigError::Missing("STRIPE_SECRET_KEY")
        );
        let test_keys: &[(&str, &str)] = &[
            ("PAYMENTS", "on"),
            ("STRIPE_SECRET_KEY", "sk_test_123"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_456"),
        ];
        assert!(
            PaymentsConfig::from_lookup(&staging, lookup(test_keys))
                .unwrap()
                .is_some()
        );
        assert_eq!(
            PaymentsConfig::from_lookup(&production, lookup(test_keys))
                .unwrap_err()
                .to_string(),
            "STRIPE_SECRET_KEY is invalid: production takes a live key (sk_live_…)"
        );
        assert!(
            PaymentsConfig::from_lookup(&staging, lookup(&[("PAYMENTS", "yes")])).is_err(),
            "a typo does not switch payments off silently"
        );
    }
}
