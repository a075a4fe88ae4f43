//! The hourly trends task: for each exam not yet done this hour, X's recent search for its code
//! and name over the last 24 hours, then a model's card from those posts (checked, citing only
//! them), or no card when there are too few posts. A provider that is down fails the task so the
//! queue retries it; exams already done that hour are not asked about again.

use ptp_domain::HOUR_MS;
use ptp_domain::trends::{self, MIN_POSTS, Post};
use ptp_shared::{TrendCard, TrendPost};
use serde_json::Value;

use super::JobError;
use crate::ai::{self, AiError, BACKGROUND, Call, Purpose};
use crate::config::XConfig;
use crate::http::{HttpClient, OutboundRequest};
use crate::ports::Platform;
use crate::store::trends::{self as store, Outcome};
use crate::time;

/// X's recent search answers at most this many posts a page; one page is plenty for a card.
const MAX_RESULTS: u32 = 100;
const MAX_TOKENS: u32 = 700;

fn search_url(x: &XConfig, query: &str, start_ms: u64) -> String {
    let start = time::rfc3339(start_ms);
    let params = form_urlencoded::Serializer::new(String::new())
        .append_pair("query", query)
        .append_pair("max_results", &MAX_RESULTS.to_string())
        .append_pair("start_time", &format!("{}Z", &start[..19]))
        .append_pair("tweet.fields", "created_at,author_id")
        .append_pair("expansions", "author_id")
        .append_pair("user.fields", "username")
        .finish();
    format!("{}/2/tweets/search/recent?{params}", x.base_url)
}

/// A post id is digits; a handle is up to 15 letters, digits or underscores. Anything else from
/// the search is dropped rather than linked.
fn valid_id(id: &str) -> bool {
    (1..=25).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

fn valid_handle(handle: &str) -> bool {
    (1..=15).contains(&handle.len())
        && handle
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The posts of a recent-search answer, newest first as X sends them.
fn posts(body: &Value) -> Vec<Post> {
    let users = body["includes"]["users"].as_array();
    let handle = |author: &str| {
        users?
            .iter()
            .find(|u| u["id"].as_str() == Some(author))
            .and_then(|u| u["username"].as_str())
            .filter(|h| valid_handle(h))
            .map(str::to_string)
    };
    body["data"]
        .as_array()
        .map(|data| {
            data.iter()
                .take(MAX_RESULTS as usize)
                .filter_map(|post| {
                    let id = post["id"].as_str().filter(|id| valid_id(id))?;
                    let text = post["text"].as_str()?;
                    Some(Post {
                        id: id.to_string(),
                        text: text.chars().take(trends::POST_CHARS).collect(),
                        author: post["author_id"].as_str().and_then(handle),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn search<P: Platform>(
    platform: &P,
    x: &XConfig,
    query: &str,
    start_ms: u64,
) -> Result<Vec<Post>, JobError> {
    let request = OutboundRequest::get(search_url(x, query, start_ms)).header(
        "authorization",
        format!("Bearer {}", x.bearer_token.expose()),
    );
    let reply = platform
        .http()
        .send(request)
        .await
        .map_err(|err| JobError::Transient(format!("X search: {err}")))?;
    match reply.status {
        200 => {}
        429 | 500..=599 => {
            return Err(JobError::Transient(format!(
                "X search: HTTP {}",
                reply.status
            )));
        }
        status => {
            return Err(JobError::Permanent(format!(
                "X search refused: HTTP {status}"
            )));
        }
    }
    let body: Value = serde_json::from_str(&reply.body)
        .map_err(|_| JobError::Permanent("X search answered something that is not JSON".into()))?;
    if body.get("data").is_none() && body.get("errors").is_some() {
        return Err(JobError::Permanent("X search answered errors only".into()));
    }
    Ok(posts(&body))
}

/// Gathers the trends of `hour` (`YYYY-MM-DDTHH`); what it did, for the task's record.
pub async fn gather<P: Platform>(platform: &P, hour: &str) -> Result<String, JobError> {
    let x = match &platform.settings().x {
        Ok(Some(x)) => x.clone(),
        Ok(None) => return Ok("no X_BEARER_TOKEN is set: no trends gathered".into()),
        Err(err) => return Err(JobError::Permanent(err.to_string())),
    };
    let db = platform
        .database()
        .map_err(|err| JobError::Permanent(err.to_string()))?;
    let hour_ms = time::parse(&format!("{hour}:00:00.000Z"))
        .ok_or_else(|| JobError::Permanent(format!("not an hour: {hour}")))?;
    let since = hour_ms.saturating_sub(24 * HOUR_MS);
    let (mut cards, mut quiet, mut unusable, mut skipped) = (0, 0, 0, 0);
    for (exam, done) in store::pending(db, hour).await? {
        if done {
            skipped += 1;
            continue;
        }
        let query = trends::query(&exam.code, &[&exam.name]);
        let found = search(platform, &x, &query, since).await?;
        let now = platform.now_millis();
        if found.len() < MIN_POSTS {
            store::record(
                db,
                &exam.code,
                hour,
                found.len(),
                &Outcome::TooFewPosts,
                now,
            )
            .await?;
            quiet += 1;
            continue;
        }
        let messages = trends::prompt(&exam.code, &exam.name, &found);
        let call = Call {
            purpose: Purpose::Trends,
            messages: &messages,
            schema: ("exam_trend_card", trends::schema()),
            max_tokens: MAX_TOKENS,
            patience: BACKGROUND,
            second_opinion: false,
        };
        let answered =
            ai::complete(platform, &call, |content| trends::parse(content, &found)).await;
        let now = platform.now_millis();
        match answered {
            Ok(answered) => {
                let card = answered.value;
                let wire = TrendCard {
                    hour: hour.to_string(),
                    generated_at: time::rfc3339(now),
                    summary: card.summary,
                    topics: card.topics,
                    tips: card.tips,
                    changes: card.changes,
                    post_count: u32::try_from(found.len()).unwrap_or(u32::MAX),
                    posts: card
                        .cited
                        .iter()
                        .map(|post| TrendPost { url: post.url() })
                        .collect(),
                };
                let outcome = Outcome::Card {
                    card: &wire,
                    model: &answered.model,
                };
                store::record(db, &exam.code, hour, found.len(), &outcome, now).await?;
                cards += 1;
            }
            Err(err @ AiError::Unavailable { .. }) => {
                return Err(JobError::Transient(format!("{}: {err}", exam.code)));
            }
            Err(AiError::Misconfigured(err)) => return Err(JobError::Permanent(err.to_string())),
            Err(err @ (AiError::Refused(_) | AiError::Malformed(_))) => {
                let reason = err.to_string();
                platform.log_error(&format!(
                    "no trend card for {} at {hour}: {reason}",
                    exam.code
                ));
                let outcome = Outcome::Unusable { reason: &reason };
                store::record(db, &exam.code, hour, found.len(), &outcome, now).await?;
                unusable += 1;
            }
        }
    }
    Ok(format!(
        "trends of {hour}: {cards} cards, {quiet} with too few posts, {unusable} unusable, {skipped} done before"
    ))
}

#[cfg(test)]
mod tests;
