//! Settings of the services the Worker calls out to: OpenRouter (and LangChain tracing) for AI,
//! X for trends (Stripe's are in `billing.rs`). Checked with the rest when an isolate starts, so
//! a deployment missing one refuses to serve instead of failing a learner half-way.

use super::{ConfigError, Secret, service_url, whole_number};

/// OpenRouter for drafting questions and explaining mistakes; LangSmith tracing when set.
#[derive(Debug, Clone)]
pub struct AiConfig {
    pub openrouter_key: Secret,
    /// `OPENROUTER_BASE_URL`: the OpenAI-compatible API's base (a local stand-in in tests).
    pub base_url: String,
    /// `OPENROUTER_MODELS`: the primary model, then its fallbacks (OpenRouter's `models`).
    pub models: Vec<String>,
    /// Each call also traced as a LangSmith run; `None` (nothing sent) without a key.
    pub tracing: Option<Tracing>,
    /// `AI_DRAFTS_PER_DAY`: drafted questions each admin may ask for per UTC day.
    pub drafts_per_day: u32,
}

/// LangSmith (`LANGCHAIN_API_KEY`, `LANGCHAIN_ENDPOINT`, `LANGCHAIN_PROJECT`).
#[derive(Debug, Clone)]
pub struct Tracing {
    pub key: Secret,
    pub endpoint: String,
    pub project: String,
}

pub const OPENROUTER_BASE_URL: &str = "https://openrouter.ai/api/v1";
pub const DEFAULT_MODELS: &str = "openai/gpt-4.1-mini,google/gemini-2.5-flash";
pub const LANGSMITH_ENDPOINT: &str = "https://api.smith.langchain.com";
/// OpenRouter tries at most this many models per request.
pub const MAX_MODELS: usize = 3;
const DEFAULT_DRAFTS_PER_DAY: u32 = 40;

/// `vendor/model[:variant]`, as OpenRouter names models.
fn models(value: &str) -> Result<Vec<String>, ConfigError> {
    let invalid = |reason| ConfigError::Invalid {
        name: "OPENROUTER_MODELS",
        reason,
    };
    let models: Vec<String> = value
        .split(',')
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    if models.is_empty() || models.len() > MAX_MODELS {
        return Err(invalid("expected 1 to 3 comma-separated model ids"));
    }
    let valid = |m: &String| {
        m.len() <= 100
            && m.split_once('/')
                .is_some_and(|(v, n)| !v.is_empty() && !n.is_empty())
            && m.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._:/".contains(&b))
    };
    if !models.iter().all(valid) {
        return Err(invalid("a model id is not of the form vendor/model"));
    }
    Ok(models)
}

impl AiConfig {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let set = |name| lookup(name).filter(|value| !value.trim().is_empty());
        let openrouter =
            lookup("OPENROUTER_API_KEY").ok_or(ConfigError::Missing("OPENROUTER_API_KEY"))?;
        let tracing = set("LANGCHAIN_API_KEY")
            .map(|value| {
                Ok::<_, ConfigError>(Tracing {
                    key: Secret::parse("LANGCHAIN_API_KEY", &value)?,
                    endpoint: service_url(
                        "LANGCHAIN_ENDPOINT",
                        &set("LANGCHAIN_ENDPOINT").unwrap_or_else(|| LANGSMITH_ENDPOINT.into()),
                    )?,
                    project: set("LANGCHAIN_PROJECT")
                        .map_or_else(|| "pingtopass".to_string(), |p| p.trim().to_string()),
                })
            })
            .transpose()?;
        let drafts_per_day =
            whole_number(&lookup, "AI_DRAFTS_PER_DAY", DEFAULT_DRAFTS_PER_DAY, 1_000)?;
        Ok(Self {
            openrouter_key: Secret::parse("OPENROUTER_API_KEY", &openrouter)?,
            base_url: service_url(
                "OPENROUTER_BASE_URL",
                &set("OPENROUTER_BASE_URL").unwrap_or_else(|| OPENROUTER_BASE_URL.into()),
            )?,
            models: models(&set("OPENROUTER_MODELS").unwrap_or_else(|| DEFAULT_MODELS.into()))?,
            tracing,
            drafts_per_day,
        })
    }
}

/// X's API v2 recent search, for the hourly exam trends (`X_BEARER_TOKEN`; `X_API_URL` for a
/// stand-in). Optional: without a token the trends job gathers nothing and says so.
#[derive(Debug, Clone)]
pub struct XConfig {
    pub bearer_token: Secret,
    pub base_url: String,
}

pub const X_API_URL: &str = "https://api.x.com";

impl XConfig {
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let Some(token) = lookup("X_BEARER_TOKEN").filter(|v| !v.trim().is_empty()) else {
            return Ok(None);
        };
        Ok(Some(Self {
            bearer_token: Secret::parse("X_BEARER_TOKEN", &token)?,
            base_url: service_url(
                "X_API_URL",
                &lookup("X_API_URL")
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or_else(|| X_API_URL.into()),
            )?,
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
        assert!(ai.tracing.is_none());
        assert_eq!(ai.base_url, OPENROUTER_BASE_URL);
        assert_eq!(
            ai.models,
            ["openai/gpt-4.1-mini", "google/gemini-2.5-flash"]
        );
        assert_eq!(ai.drafts_per_day, 40);
        assert!(
            AiConfig::from_lookup(lookup(&[
                ("OPENROUTER_API_KEY", "sk-or-v1-abc"),
                ("LANGCHAIN_API_KEY", "has space")
            ]))
            .is_err()
        );
        let traced = AiConfig::from_lookup(lookup(&[
            ("OPENROUTER_API_KEY", "sk-or-v1-abc"),
            ("LANGCHAIN_API_KEY", "lsv2_abc"),
        ]))
        .unwrap()
        .tracing
        .unwrap();
        assert_eq!(traced.endpoint, LANGSMITH_ENDPOINT);
        assert_eq!(traced.project, "pingtopass");
    }

    #[test]
    fn models_urls_and_the_allowance_are_checked_by_name() {
        let with = |name: &'static str, value: &'static str| {
            let pairs: &'static [(&str, &str)] = Box::leak(Box::new([
                ("OPENROUTER_API_KEY", "sk-or-v1-abc"),
                (name, value),
            ]));
            AiConfig::from_lookup(lookup(pairs))
        };
        assert_eq!(
            with("OPENROUTER_MODELS", "a/b, c/d").unwrap().models,
            ["a/b", "c/d"]
        );
        for (name, value) in [
            ("OPENROUTER_MODELS", "a/b,c/d,e/f,g/h"),
            ("OPENROUTER_MODELS", "gpt4"),
            ("OPENROUTER_MODELS", "a/b;rm"),
            ("OPENROUTER_BASE_URL", "http://openrouter.ai/api/v1"),
            ("AI_DRAFTS_PER_DAY", "-1"),
            ("AI_DRAFTS_PER_DAY", "lots"),
        ] {
            match with(name, value) {
                Err(ConfigError::Invalid { name: named, .. }) => assert_eq!(named, name),
                other => panic!("{name}={value} gave {other:?}"),
            }
        }
        assert_eq!(with("AI_DRAFTS_PER_DAY", "0").unwrap().drafts_per_day, 0);
    }

    #[test]
    fn x_is_optional_and_its_url_must_be_https_or_local() {
        assert!(XConfig::from_lookup(lookup(&[])).unwrap().is_none());
        let x = XConfig::from_lookup(lookup(&[("X_BEARER_TOKEN", "AAAA")]))
            .unwrap()
            .unwrap();
        assert_eq!(x.base_url, X_API_URL);
        assert!(matches!(
            XConfig::from_lookup(lookup(&[
                ("X_BEARER_TOKEN", "AAAA"),
                ("X_API_URL", "http://api.x.com")
            ])),
            Err(ConfigError::Invalid {
                name: "X_API_URL",
                ..
            })
        ));
    }
}
