//! Models reached through OpenRouter's OpenAI-compatible chat completions, on the one
//! [`crate::http::HttpClient`]: a primary model with fallbacks, bounded attempts with jittered
//! backoff on 429 and 5xx (honouring `Retry-After`), structured output asked for with a JSON
//! schema and validated on receipt either way, every attempt's tokens and cost recorded in
//! `ai_calls` (the cost tracker's AI spend), and a LangSmith run per attempt when tracing is set.
//! The key travels only in the `Authorization` header; nothing here logs it.

mod langsmith;
mod openrouter;
#[cfg(test)]
mod tests;

use std::time::Duration;

use ptp_domain::tutor::Message;
use serde_json::Value;

use crate::config::ConfigError;

pub use openrouter::complete;

/// What a call is for: recorded with its cost and named in its trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// "Why was my answer wrong?"
    Explain,
    /// An exam's hourly trend card from posts on X.
    Trends,
    /// Questions drafted (or repaired) for an admin.
    Draft,
    /// A drafted question answered from its stem and choices alone.
    BlindAnswer,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Explain => "explain",
            Purpose::Trends => "trends",
            Purpose::Draft => "draft",
            Purpose::BlindAnswer => "blind_answer",
        }
    }
}

/// How long one attempt may take and how patient the caller can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patience {
    pub attempts: u32,
    /// Each attempt, answer included.
    pub timeout: Duration,
    /// The longest pause between attempts; a `Retry-After` beyond it ends the call instead.
    pub longest_pause: Duration,
}

/// A learner is waiting.
pub const INTERACTIVE: Patience = Patience {
    attempts: 3,
    timeout: Duration::from_secs(25),
    longest_pause: Duration::from_secs(4),
};

/// A queued task: nobody waits, and the queue retries the task later if the model stays down.
pub const BACKGROUND: Patience = Patience {
    attempts: 3,
    timeout: Duration::from_secs(60),
    longest_pause: Duration::from_secs(20),
};

/// One call to a model.
pub struct Call<'a> {
    pub purpose: Purpose,
    pub messages: &'a [Message],
    /// Structured output: the schema's name and the JSON schema itself.
    pub schema: (&'static str, Value),
    pub max_tokens: u32,
    pub patience: Patience,
    /// Ask the fallback models first: a second opinion on what the primary one wrote.
    pub second_opinion: bool,
}

/// Tokens and money one answered attempt took, as OpenRouter reports them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cost_usd: f64,
}

/// A model's answer that passed the caller's check.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered<T> {
    pub value: T,
    /// The model that answered (a fallback when the primary was unavailable).
    pub model: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AiError {
    #[error(transparent)]
    Misconfigured(#[from] ConfigError),
    /// Busy or down through every attempt; `retry_after_secs` where the provider said when.
    #[error("the model provider is unavailable: {reason}")]
    Unavailable {
        reason: String,
        retry_after_secs: Option<u64>,
    },
    /// The provider refused the request itself (a key, credit or request problem): retrying
    /// cannot help.
    #[error("the model provider refused the request: {0}")]
    Refused(String),
    /// An answer came, but not one that passes the checks: never used as data.
    #[error("the model's answer is unusable: {0}")]
    Malformed(String),
}

impl AiError {
    /// Worth trying again later (a queued task retries these).
    pub fn is_transient(&self) -> bool {
        matches!(self, AiError::Unavailable { .. })
    }
}
