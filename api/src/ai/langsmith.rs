//! Each model attempt as a LangSmith run (`POST {endpoint}/runs`), when `LANGCHAIN_API_KEY` is
//! set; nothing is sent otherwise. A tracer that fails is logged and never fails the call.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Purpose, Usage};
use crate::config::AiConfig;
use crate::http::{HttpClient, OutboundRequest};
use crate::ports::Platform;
use crate::time;

/// Tracing must not hold a learner up for long.
const TIMEOUT: Duration = Duration::from_secs(3);

/// One attempt at a completion, as traced and recorded.
pub struct Attempt<'a> {
    pub purpose: Purpose,
    /// 1 for the first attempt of a call.
    pub number: u32,
    pub request: &'a Value,
    pub started_ms: u64,
    pub ended_ms: u64,
    /// The model that answered, or the primary one when none did.
    pub model: String,
    pub usage: Usage,
    /// What the model said, checked or not.
    pub content: Option<String>,
    /// Why the attempt failed (a transport error, a status, a failed check).
    pub error: Option<String>,
}

/// A random (version 4) UUID, as LangSmith wants run ids.
fn run_id() -> String {
    let mut bytes = crate::ids::random_bytes::<16>();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The run LangSmith stores: inputs, outputs (with token usage), latency, tokens and cost.
pub fn run(project: &str, attempt: &Attempt<'_>) -> Value {
    let outputs = attempt.content.as_ref().map(|content| {
        json!({
            "content": content,
            "model": attempt.model,
            "usage_metadata": {
                "input_tokens": attempt.usage.prompt_tokens,
                "output_tokens": attempt.usage.completion_tokens,
                "total_tokens": attempt.usage.prompt_tokens + attempt.usage.completion_tokens,
            },
        })
    });
    json!({
        "id": run_id(),
        "name": format!("openrouter.{}", attempt.purpose.as_str()),
        "run_type": "llm",
        "session_name": project,
        "start_time": time::rfc3339(attempt.started_ms),
        "end_time": time::rfc3339(attempt.ended_ms),
        "inputs": {
            "messages": attempt.request["messages"],
            "models": attempt.request["models"],
        },
        "outputs": outputs,
        "error": attempt.error,
        "extra": {
            "metadata": {
                "ls_provider": "openrouter",
                "ls_model_name": attempt.model,
                "purpose": attempt.purpose.as_str(),
                "attempt": attempt.number,
                "latency_ms": attempt.ended_ms.saturating_sub(attempt.started_ms),
                "prompt_tokens": attempt.usage.prompt_tokens,
                "completion_tokens": attempt.usage.completion_tokens,
                "cost_usd": attempt.usage.cost_usd,
            }
        },
    })
}

pub async fn trace<P: Platform>(platform: &P, config: &AiConfig, attempt: &Attempt<'_>) {
    let Some(tracing) = &config.tracing else {
        return;
    };
    let request = OutboundRequest::post_json(
        format!("{}/runs", tracing.endpoint),
        run(&tracing.project, attempt).to_string(),
    )
    .header("x-api-key", tracing.key.expose())
    .timeout(TIMEOUT);
    let failed = match platform.http().send(request).await {
        Ok(reply) if (200..300).contains(&reply.status) => None,
        Ok(reply) => Some(format!("HTTP {}", reply.status)),
        Err(err) => Some(err.to_string()),
    };
    if let Some(reason) = failed {
        platform.log_error(&format!("tracing an AI call to LangSmith failed: {reason}"));
    }
}
