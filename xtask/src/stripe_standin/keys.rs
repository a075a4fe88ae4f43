//! The two keys of an API call. The secret key authenticates it, as Stripe's does:
//! `Authorization: Bearer sk_…`, or HTTP Basic with the key as the user; an error shows only the
//! key's kind and last four. An `Idempotency-Key` on a POST or DELETE makes a repeat on the same
//! path answer the first reply again, creating nothing, for 24 hours — unless its parameters
//! differ, which Stripe refuses. Only successes are kept: a refused call may be sent again.

use std::collections::HashMap;

use base64::Engine;
use serde_json::Value;

use super::Call;
use super::books::Books;
use super::refusals::{Refusal, shown};
use crate::json_server::Reply;

/// How long Stripe keeps an idempotent reply.
const IDEMPOTENCY_S: i64 = 24 * 3600;
/// Replies remembered at most (the oldest go first).
const REMEMBERED: usize = 10_000;
/// Stripe's limit on an idempotency key.
const MAX_KEY: usize = 255;

/// A reply kept under its idempotency key.
pub struct Remembered {
    method: String,
    body: String,
    reply: Value,
    at: i64,
}

/// Replies kept by (idempotency key, path).
pub type Idempotent = HashMap<(String, String), Remembered>;

/// The key a request authenticates with.
fn api_key(authorization: Option<&str>) -> Option<String> {
    let (scheme, credentials) = authorization?.trim().split_once(' ')?;
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(credentials.to_string());
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(credentials)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    Some(
        text.split_once(':')
            .map_or(text.as_str(), |(user, _)| user)
            .to_string(),
    )
}

/// A key as Stripe shows it in an error: its prefix and last four, never the rest.
pub fn redacted(key: &str) -> String {
    let chars: Vec<char> = key.chars().take(200).collect();
    let prefix = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == '_')
        .nth(1)
        .map_or(0, |(at, _)| at + 1)
        // `sk_test_`, `rk_live_`: never more than a key's kind.
        .min(8);
    let hidden_tail = chars.len() >= prefix + 12;
    let shown_end = if hidden_tail {
        chars.len() - 4
    } else {
        chars.len()
    };
    let head: String = chars[..prefix.min(chars.len())].iter().collect();
    let tail: String = if hidden_tail {
        chars[shown_end..].iter().collect()
    } else {
        String::new()
    };
    format!(
        "{head}{}{tail}",
        "*".repeat(shown_end.saturating_sub(prefix))
    )
}

pub fn authorize(secret_key: &str, authorization: Option<&str>) -> Result<(), Refusal> {
    match api_key(authorization) {
        Some(key) if key == secret_key => Ok(()),
        Some(key) if !key.is_empty() => Err(Refusal::api_key(&format!(
            "Invalid API Key provided: {}",
            redacted(&key)
        ))),
        _ => Err(Refusal::api_key(
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        )),
    }
}

/// The call's idempotency key and path, when it has one and may.
fn idempotency(call: &Call<'_>) -> Option<(String, String)> {
    let method = call.method.as_str();
    call.idempotency_key
        .filter(|_| method == "POST" || method == "DELETE")
        .map(|key| (key.to_string(), call.path.to_string()))
}

/// The answer to a call whose key was used before (or is too long); `None` to go on.
pub fn replay(books: &mut Books, call: &Call<'_>, now: i64) -> Option<Reply> {
    let key = idempotency(call)?;
    let refuse = |refusal: Refusal| Some(Reply::json(refusal.status, &refusal.body));
    if key.0.len() > MAX_KEY {
        return refuse(Refusal::idempotency(&format!(
            "Idempotency-Key is limited to {MAX_KEY} characters."
        )));
    }
    books
        .remembered
        .retain(|_, kept| now - kept.at < IDEMPOTENCY_S);
    let kept = books.remembered.get(&key)?;
    if kept.method != call.method.as_str() || kept.body != call.body {
        return refuse(Refusal::idempotency(&format!(
            "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{}' if you meant to execute a different request.",
            shown(&key.0)
        )));
    }
    Some(Reply::json(200, &kept.reply).with_header("idempotent-replayed", "true"))
}

/// Keeps a successful call's `reply` under its idempotency key, if it has one.
pub fn remember(books: &mut Books, call: &Call<'_>, reply: &Value, now: i64) {
    let Some(key) = idempotency(call) else {
        return;
    };
    if books.remembered.len() >= REMEMBERED {
        let oldest = books
            .remembered
            .iter()
            .min_by_key(|(_, kept)| kept.at)
            .map(|(key, _)| key.clone());
        if let Some(oldest) = oldest {
            books.remembered.remove(&oldest);
        }
    }
    let kept = Remembered {
        method: call.method.as_str().to_string(),
        body: call.body.to_string(),
        reply: reply.clone(),
        at: now,
    };
    books.remembered.insert(key, kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_from_bearer_and_basic_and_never_shown_whole() {
        assert_eq!(
            api_key(Some("Bearer sk_test_abc")).as_deref(),
            Some("sk_test_abc")
        );
        assert_eq!(
            api_key(Some("bearer sk_test_abc")).as_deref(),
            Some("sk_test_abc")
        );
        // `curl -u sk_test_abc:` sends the key as the user, no password.
        assert_eq!(
            api_key(Some("Basic c2tfdGVzdF9hYmM6")).as_deref(),
            Some("sk_test_abc")
        );
        assert_eq!(api_key(Some("Token sk_test_abc")), None);
        assert_eq!(api_key(None), None);
        let key = "sk_test_0123456789abcdef0123456789abcdef";
        let shown = redacted(key);
        assert!(
            shown.starts_with("sk_test_") && shown.ends_with("cdef"),
            "{shown}"
        );
        assert!(!shown.contains("0123456789"), "{shown}");
        assert_eq!(redacted("sk_test_short"), "sk_test_*****");
        assert_eq!(redacted("oops"), "****");
    }
}
