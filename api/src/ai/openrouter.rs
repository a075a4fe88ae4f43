//! One chat completion through OpenRouter: attempts, backoff, the check on what came back, and
//! the record of every attempt.

use std::time::Duration;

use serde_json::{Value, json};

use super::langsmith::{self, Attempt};
use super::{AiError, Answered, Call, Usage};
use crate::config::AiConfig;
use crate::http::{HttpClient, HttpReply, OutboundRequest, TransportError};
use crate::ports::Platform;
use crate::store::ai::{self as store, Outcome};

/// The first pause between attempts; each later one doubles, with jitter.
const FIRST_PAUSE: Duration = Duration::from_millis(500);
/// What is kept of a provider's error text (it is untrusted and only ever logged).
const REASON_CHARS: usize = 200;

/// The request body: the models in order (OpenRouter falls back along `models`), structured
/// output with the call's schema, and usage accounting so each answer carries its cost.
fn request_body(config: &AiConfig, call: &Call<'_>) -> Value {
    let mut models = config.models.clone();
    if call.second_opinion && models.len() > 1 {
        models.rotate_left(1);
    }
    let messages: Vec<Value> = call
        .messages
        .iter()
        .map(|m| json!({ "role": m.role.as_str(), "content": m.content }))
        .collect();
    json!({
        "model": models[0],
        "models": models,
        "messages": messages,
        "max_tokens": call.max_tokens,
        "temperature": 0.2,
        "response_format": {
            "type": "json_schema",
            "json_schema": { "name": call.schema.0, "strict": true, "schema": call.schema.1 }
        },
        "usage": { "include": true }
    })
}

/// What one attempt came to.
enum Step {
    Answered {
        content: String,
        model: String,
        usage: Usage,
    },
    /// Worth another attempt: a timeout, a network error, 408, 429 or 5xx.
    Again {
        reason: String,
        retry_after_secs: Option<u64>,
    },
    Refused(String),
    /// A 200 whose body is not a completion.
    Garbled(String),
}

fn short(text: &str) -> String {
    text.chars().take(REASON_CHARS).collect()
}

/// The provider's error message, if the body is OpenAI's error shape.
fn error_message(body: &Value) -> Option<String> {
    body["error"]["message"].as_str().map(short)
}

/// `Retry-After` as seconds, from either of its forms (delta-seconds or an HTTP date).
pub(super) fn retry_after_secs(value: Option<&str>, now_ms: u64) -> Option<u64> {
    let value = value?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at_ms = u64::try_from(at.timestamp_millis()).ok()?;
    Some(at_ms.saturating_sub(now_ms).div_ceil(1000))
}

fn classify(sent: Result<HttpReply, TransportError>, now_ms: u64) -> Step {
    let reply = match sent {
        Ok(reply) => reply,
        Err(err) => {
            return Step::Again {
                reason: err.to_string(),
                retry_after_secs: None,
            };
        }
    };
    let body: Option<Value> = serde_json::from_str(&reply.body).ok();
    let message = body.as_ref().and_then(error_message);
    let described = |status: u16| match &message {
        Some(message) => format!("HTTP {status}: {message}"),
        None => format!("HTTP {status}"),
    };
    let status = reply.status;
    if status == 408 || status == 429 || status >= 500 {
        return Step::Again {
            reason: described(status),
            retry_after_secs: retry_after_secs(reply.retry_after.as_deref(), now_ms),
        };
    }
    if !(200..300).contains(&status) {
        return Step::Refused(described(status));
    }
    let Some(body) = body else {
        return Step::Garbled("the body is not JSON".into());
    };
    // OpenRouter reports some upstream failures inside a 200.
    if let Some(message) = error_message(&body) {
        let code = body["error"]["code"].as_u64().unwrap_or(500);
        return if code == 429 || code >= 500 {
            Step::Again {
                reason: format!("provider error {code}: {message}"),
                retry_after_secs: None,
            }
        } else {
            Step::Refused(format!("provider error {code}: {message}"))
        };
    }
    let content = body["choices"][0]["message"]["content"].as_str();
    let model = body["model"].as_str();
    let usage = &body["usage"];
    match (content, model) {
        (Some(content), Some(model)) => Step::Answered {
            content: content.to_string(),
            model: short(model),
            usage: Usage {
                prompt_tokens: usage["prompt_tokens"].as_u64().unwrap_or(0),
                completion_tokens: usage["completion_tokens"].as_u64().unwrap_or(0),
                cost_usd: usage["cost"].as_f64().filter(|c| *c >= 0.0).unwrap_or(0.0),
            },
        },
        _ => Step::Garbled("no message content or model in the completion".into()),
    }
}

/// The pause before attempt `next` (1-based count of attempts made): exponential from
/// [`FIRST_PAUSE`], "equal jitter" (half fixed, half random) so callers that failed together
/// do not come back together.
pub(super) fn backoff(made: u32, longest: Duration) -> Duration {
    let ceiling = FIRST_PAUSE
        .saturating_mul(1 << made.saturating_sub(1).min(10))
        .min(longest);
    let [a, b] = crate::ids::random_bytes::<2>();
    let random = f64::from(u16::from_le_bytes([a, b])) / f64::from(u16::MAX);
    ceiling.mul_f64(0.5 + random / 2.0)
}

/// Asks the configured models, then `check`s the answer: only what passes is returned. Every
/// attempt is recorded (`ai_calls`) and, with tracing on, sent to LangSmith.
pub async fn complete<P: Platform, T>(
    platform: &P,
    call: &Call<'_>,
    check: impl Fn(&str) -> Result<T, String>,
) -> Result<Answered<T>, AiError> {
    let config = platform.settings().ai.as_ref().map_err(Clone::clone)?;
    let body = request_body(config, call);
    let text = body.to_string();
    let site = platform
        .settings()
        .site
        .as_ref()
        .map(|s| s.as_str().to_string());
    let mut failure = AiError::Unavailable {
        reason: "no attempt was made".into(),
        retry_after_secs: None,
    };
    for made in 1..=call.patience.attempts.max(1) {
        let started_ms = platform.now_millis();
        let mut request = OutboundRequest::post_json(
            format!("{}/chat/completions", config.base_url),
            text.clone(),
        )
        .header(
            "authorization",
            format!("Bearer {}", config.openrouter_key.expose()),
        )
        .header("x-title", "PingToPass")
        .timeout(call.patience.timeout);
        if let Ok(site) = &site {
            request = request.header("http-referer", site.clone());
        }
        let step = classify(platform.http().send(request).await, started_ms);
        let mut attempt = Attempt {
            purpose: call.purpose,
            number: made,
            request: &body,
            started_ms,
            ended_ms: platform.now_millis(),
            model: config.models[0].clone(),
            usage: Usage::default(),
            content: None,
            error: None,
        };
        let (outcome, result) = match step {
            Step::Answered {
                content,
                model,
                usage,
            } => {
                attempt.model = model.clone();
                attempt.usage = usage;
                let checked = check(&content);
                attempt.content = Some(content);
                match checked {
                    Ok(value) => (Outcome::Ok, Some(Ok(Answered { value, model }))),
                    Err(reason) => {
                        attempt.error = Some(reason.clone());
                        (Outcome::Malformed, Some(Err(AiError::Malformed(reason))))
                    }
                }
            }
            Step::Garbled(reason) => {
                attempt.error = Some(reason.clone());
                (Outcome::Malformed, Some(Err(AiError::Malformed(reason))))
            }
            Step::Refused(reason) => {
                attempt.error = Some(reason.clone());
                (Outcome::Refused, Some(Err(AiError::Refused(reason))))
            }
            Step::Again {
                reason,
                retry_after_secs,
            } => {
                attempt.error = Some(reason.clone());
                failure = AiError::Unavailable {
                    reason,
                    retry_after_secs,
                };
                (Outcome::Failed, None)
            }
        };
        record(platform, &attempt, outcome).await;
        langsmith::trace(platform, config, &attempt).await;
        if let Some(result) = result {
            return result;
        }
        if made == call.patience.attempts {
            break;
        }
        let pause = match &failure {
            AiError::Unavailable {
                retry_after_secs: Some(secs),
                ..
            } => Duration::from_secs(*secs),
            _ => backoff(made, call.patience.longest_pause),
        };
        if pause > call.patience.longest_pause {
            // The provider asks for longer than the caller can wait: say so rather than hang.
            break;
        }
        platform.http().pause(pause).await;
    }
    Err(failure)
}

/// Writes the attempt's row; a database that cannot take it is logged, never the call's failure.
async fn record<P: Platform>(platform: &P, attempt: &Attempt<'_>, outcome: Outcome) {
    let Ok(db) = platform.database() else {
        return;
    };
    let row = store::CallRecord {
        purpose: attempt.purpose.as_str(),
        model: &attempt.model,
        prompt_tokens: attempt.usage.prompt_tokens,
        completion_tokens: attempt.usage.completion_tokens,
        cost_usd: attempt.usage.cost_usd,
        outcome,
        called_at_ms: attempt.started_ms,
    };
    if let Err(err) = store::record_call(db, &row).await {
        platform.log_error(&format!("recording an AI call failed: {err}"));
    }
}
