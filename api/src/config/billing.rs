//! Plans and payments: each plan's limits (always; defaults below) and Stripe (`PAYMENTS=on`):
//! keys, the API's address, the Pro prices' ids and amounts. Limits and price ids live here, in
//! configuration, never in code paths.

use ptp_domain::billing::{Limits, Plans};

use super::{ConfigError, Environment, Secret, service_url, whole_number as number};

pub const STRIPE_API_URL: &str = "https://api.stripe.com";
const DAY_MS: u64 = 24 * 3600 * 1000;

/// Each plan's limits and the grace period after a failed payment.
#[derive(Debug, Clone)]
pub struct PlansConfig {
    pub plans: Plans,
    /// `BILLING_GRACE_DAYS` (7): Pro kept after a failed payment, or a renewal's late events.
    pub grace_ms: u64,
}

/// Whether `id` could be a Stripe object id (`cus_…`, `sub_…`, `price_…`): letters, digits
/// and `_`, as every id Stripe makes. The one rule for ids from configuration, events and URLs.
pub fn stripe_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl PlansConfig {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let free = Limits {
            practice_answers_per_day: Some(number(
                &lookup,
                "FREE_PRACTICE_ANSWERS_PER_DAY",
                25,
                10_000,
            )?),
            mocks_per_week: Some(number(&lookup, "FREE_MOCKS_PER_WEEK", 1, 100)?),
            ai_explanations_per_day: number(&lookup, "FREE_AI_EXPLANATIONS_PER_DAY", 3, 1_000)?,
            readiness_history: false,
        };
        let pro = Limits {
            practice_answers_per_day: None,
            mocks_per_week: None,
            ai_explanations_per_day: number(&lookup, "PRO_AI_EXPLANATIONS_PER_DAY", 30, 1_000)?,
            readiness_history: true,
        };
        if pro.ai_explanations_per_day < free.ai_explanations_per_day {
            return Err(ConfigError::Invalid {
                name: "PRO_AI_EXPLANATIONS_PER_DAY",
                reason: "Pro must allow at least what Free does",
            });
        }
        Ok(Self {
            plans: Plans { free, pro },
            grace_ms: u64::from(number(&lookup, "BILLING_GRACE_DAYS", 7, 30)?) * DAY_MS,
        })
    }
}

/// A Pro price on sale: Stripe's Price id and the amount shown on the pricing page.
#[derive(Debug, Clone)]
pub struct PriceConfig {
    pub id: String,
    /// In the currency's smallest unit.
    pub amount: u32,
}

/// Stripe, where payments are on (`PAYMENTS=on`; off by default).
#[derive(Debug, Clone)]
pub struct PaymentsConfig {
    pub secret_key: Secret,
    pub webhook_secret: Secret,
    /// `STRIPE_API_URL`: Stripe's API (a local stand-in in tests).
    pub api_url: String,
    pub monthly: PriceConfig,
    pub annual: PriceConfig,
    /// `PRICE_CURRENCY` (usd): ISO 4217, lower case.
    pub currency: String,
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
        let price = |id_name: &'static str, amount_name: &'static str| {
            let id = lookup(id_name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or(ConfigError::Missing(id_name))?;
            if !(id.starts_with("price_") && stripe_id(&id)) {
                return Err(ConfigError::Invalid {
                    name: id_name,
                    reason: "expected a Stripe Price id (price_…)",
                });
            }
            let amount = number(&lookup, amount_name, 0, 1_000_000)?;
            if amount == 0 {
                return Err(ConfigError::Missing(amount_name));
            }
            Ok(PriceConfig { id, amount })
        };
        let currency = lookup("PRICE_CURRENCY")
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "usd".into());
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(ConfigError::Invalid {
                name: "PRICE_CURRENCY",
                reason: "expected an ISO 4217 code in lower case (usd)",
            });
        }
        Ok(Some(Self {
            secret_key,
            webhook_secret,
            api_url: service_url(
                "STRIPE_API_URL",
                &lookup("STRIPE_API_URL")
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or_else(|| STRIPE_API_URL.into()),
            )?,
            monthly: price("STRIPE_PRICE_PRO_MONTHLY", "PRO_MONTHLY_AMOUNT")?,
            annual: price("STRIPE_PRICE_PRO_ANNUAL", "PRO_ANNUAL_AMOUNT")?,
            currency,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::lookup;

    #[test]
    fn plans_default_to_the_published_limits_and_refuse_nonsense_by_name() {
        let plans = PlansConfig::from_lookup(lookup(&[])).unwrap();
        assert_eq!(plans.plans.free.practice_answers_per_day, Some(25));
        assert_eq!(plans.plans.free.mocks_per_week, Some(1));
        assert_eq!(plans.plans.free.ai_explanations_per_day, 3);
        assert_eq!(plans.plans.pro.practice_answers_per_day, None);
        assert_eq!(plans.plans.pro.ai_explanations_per_day, 30);
        assert_eq!(plans.grace_ms, 7 * DAY_MS);
        for (name, value) in [
            ("FREE_PRACTICE_ANSWERS_PER_DAY", "-1"),
            ("FREE_MOCKS_PER_WEEK", "many"),
            ("BILLING_GRACE_DAYS", "31"),
            ("PRO_AI_EXPLANATIONS_PER_DAY", "1"),
        ] {
            let pairs: &'static [(&str, &str)] = Box::leak(Box::new([(name, value)]));
            match PlansConfig::from_lookup(lookup(pairs)) {
                Err(ConfigError::Invalid { name: named, .. }) => assert_eq!(named, name),
                other => panic!("{name}={value} gave {other:?}"),
            }
        }
    }

    const ON: &[(&str, &str)] = &[
        ("PAYMENTS", "on"),
        ("STRIPE_SECRET_KEY", "sk_test_123"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_456"),
        ("STRIPE_PRICE_PRO_MONTHLY", "price_month"),
        ("STRIPE_PRICE_PRO_ANNUAL", "price_year"),
        ("PRO_MONTHLY_AMOUNT", "1500"),
        ("PRO_ANNUAL_AMOUNT", "12000"),
    ];

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
        let on = PaymentsConfig::from_lookup(&staging, lookup(ON))
            .unwrap()
            .unwrap();
        assert_eq!(
            (on.monthly.id.as_str(), on.annual.amount),
            ("price_month", 12000)
        );
        assert_eq!(
            (on.api_url.as_str(), on.currency.as_str()),
            (STRIPE_API_URL, "usd")
        );
        assert_eq!(
            PaymentsConfig::from_lookup(&production, lookup(ON))
                .unwrap_err()
                .to_string(),
            "STRIPE_SECRET_KEY is invalid: production takes a live key (sk_live_…)"
        );
        assert!(
            PaymentsConfig::from_lookup(&staging, lookup(&[("PAYMENTS", "yes")])).is_err(),
            "a typo does not switch payments off silently"
        );
    }

    #[test]
    fn prices_must_be_named_and_priced() {
        let staging = Ok(Environment::Staging);
        let without = |name: &str| {
            let pairs: Vec<(&'static str, &'static str)> =
                ON.iter().copied().filter(|(n, _)| *n != name).collect();
            let pairs: &'static [(&str, &str)] = Box::leak(pairs.into_boxed_slice());
            PaymentsConfig::from_lookup(&staging, lookup(pairs)).unwrap_err()
        };
        assert_eq!(
            without("STRIPE_PRICE_PRO_ANNUAL"),
            ConfigError::Missing("STRIPE_PRICE_PRO_ANNUAL")
        );
        assert_eq!(
            without("PRO_MONTHLY_AMOUNT"),
            ConfigError::Missing("PRO_MONTHLY_AMOUNT")
        );
        let mut bad = ON.to_vec();
        bad.push(("STRIPE_PRICE_PRO_MONTHLY", "prod_123"));
        bad.retain(|(n, v)| *n != "STRIPE_PRICE_PRO_MONTHLY" || *v == "prod_123");
        let bad: &'static [(&str, &str)] = Box::leak(bad.into_boxed_slice());
        assert!(matches!(
            PaymentsConfig::from_lookup(&staging, lookup(bad)),
            Err(ConfigError::Invalid {
                name: "STRIPE_PRICE_PRO_MONTHLY",
                ..
            })
        ));
    }
}
