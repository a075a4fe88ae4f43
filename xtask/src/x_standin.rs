//! The local stand-in for X's API v2 recent search (`GET /2/tweets/search/recent`), answering
//! in its real shape (`data`, `includes.users`, `meta`) with the posts of `xtask/x-fixtures.json`
//! for the exam the query names, dated inside the query's window. It checks what X checks: an
//! app-only bearer token, a query of at most 512 characters, `max_results` from 10 to 100 and a
//! `start_time` no older than seven days. The Worker finds it through `X_API_URL`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::json_server::{Incoming, JsonServer};

const SEVEN_DAYS_MS: i64 = 7 * 24 * 3600 * 1000;

#[derive(Deserialize, Clone)]
struct Fixture {
    id: String,
    username: String,
    text: String,
}

struct State {
    token: String,
    /// Exam code → its posts, newest first.
    posts: BTreeMap<String, Vec<Fixture>>,
}

pub struct XStandIn {
    pub url: String,
    pub token: String,
    /// Serves until the stand-in is dropped.
    _server: JsonServer,
}

fn invalid(detail: &str) -> (u16, Value) {
    (
        400,
        json!({
            "errors": [{"parameters": {}, "message": detail}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request"
        }),
    )
}

fn search(state: &State, query: &str) -> (u16, Value) {
    let params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let Some(q) = params.get("query") else {
        return invalid("The `query` query parameter can not be empty");
    };
    if q.chars().count() > 512 {
        return invalid("The `query` query parameter value is too long");
    }
    let max = params
        .get("max_results")
        .map_or(Some(10), |m| m.parse::<usize>().ok());
    let Some(max) = max.filter(|m| (10..=100).contains(m)) else {
        return invalid("The `max_results` query parameter value is not between 10 and 100");
    };
    let start = match params.get("start_time") {
        None => chrono::Utc::now().timestamp_millis() - SEVEN_DAYS_MS,
        Some(text) => match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(at) => at.timestamp_millis(),
            Err(_) => return invalid("Invalid 'start_time'"),
        },
    };
    if start < chrono::Utc::now().timestamp_millis() - SEVEN_DAYS_MS - 60_000 {
        return invalid("Invalid 'start_time': must be within the last 7 days");
    }
    let matched: Vec<Fixture> = state
        .posts
        .iter()
        .filter(|(code, _)| q.contains(code.as_str()))
        .flat_map(|(_, posts)| posts.iter().cloned())
        .take(max)
        .collect();
    if matched.is_empty() {
        return (200, json!({"meta": {"result_count": 0}}));
    }
    let count = matched.len() as i64;
    let data: Vec<Value> = matched
        .iter()
        .enumerate()
        .map(|(i, post)| {
            // Newest first, spread over the window's first hours.
            let at = start + (count - i as i64) * 37 * 60_000;
            let created = chrono::DateTime::from_timestamp_millis(at)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S.000Z").to_string())
                .unwrap_or_default();
            json!({
                "id": post.id,
                "text": post.text,
                "author_id": format!("9{}", post.id),
                "created_at": created,
                "edit_history_tweet_ids": [post.id],
            })
        })
        .collect();
    let users: Vec<Value> = matched
        .iter()
        .map(|post| json!({"id": format!("9{}", post.id), "name": post.username, "username": post.username}))
        .collect();
    (
        200,
        json!({
            "data": data,
            "includes": {"users": users},
            "meta": {
                "newest_id": matched[0].id,
                "oldest_id": matched[matched.len() - 1].id,
                "result_count": count,
            }
        }),
    )
}

fn handle(state: &State, request: &Incoming<'_>) -> (u16, Value) {
    let (path, query) = request.url.split_once('?').unwrap_or((request.url, ""));
    match (request.method, path) {
        (tiny_http::Method::Get, "/2/tweets/search/recent") => {
            if request.bearer() != Some(state.token.as_str()) {
                return (
                    401,
                    json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
                );
            }
            search(state, query)
        }
        _ => (404, json!({"title": "Not Found Error", "status": 404})),
    }
}

impl XStandIn {
    pub fn start(fixtures: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(fixtures)
            .with_context(|| format!("reading {}", fixtures.display()))?;
        let all: BTreeMap<String, Value> = serde_json::from_str(&text)
            .with_context(|| format!("parsing {}", fixtures.display()))?;
        let mut posts = BTreeMap::new();
        for (code, list) in all.into_iter().filter(|(k, _)| !k.starts_with('_')) {
            let list: Vec<Fixture> = serde_json::from_value(list)
                .with_context(|| format!("the posts of {code} in {}", fixtures.display()))?;
            posts.insert(code, list);
        }
        let state = Arc::new(State {
            token: format!("AAAAAAAAAAAAAAAAAAAAA{}", crate::random::hex(20)?),
            posts,
        });
        let shared = state.clone();
        let server = JsonServer::start("X stand-in", move |request| handle(&shared, request))?;
        Ok(Self {
            url: server.url.clone(),
            token: state.token.clone(),
            _server: server,
        })
    }

    /// The Worker's settings for this stand-in (`runtime.vars` lines).
    pub fn settings(&self) -> String {
        format!("X_API_URL={}\nX_BEARER_TOKEN={}\n", self.url, self.token)
    }
}
