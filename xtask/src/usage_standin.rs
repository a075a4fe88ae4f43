//! The local stand-in for the two usage APIs the daily cost job reads: Cloudflare's GraphQL
//! Analytics API (`POST /client/v4/graphql`) and Turso's Platform API (`GET /v1/organizations/
//! {org}/databases` and `…/databases/{name}/usage`), answering in their real shapes with
//! credentials checked as theirs are. Every day reports an ordinary small day of the local
//! stack, unless `PUT /_usage/{day}` (a JSON object of price-table meters) set that day's
//! figures — how the test run pushes a month past the budget's alert.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::Result;
use serde_json::{Value, json};

use crate::json_server::{Incoming, JsonServer};

/// The organization and database the stand-in reports.
pub const TURSO_ORG: &str = "pingtopass-local";
pub const TURSO_DATABASE: &str = "pingtopass-local";

type Meters = BTreeMap<String, f64>;

pub struct UsageStandIn {
    /// Base URL: Cloudflare's API is at `<url>/client/v4`, Turso's at `<url>`.
    pub url: String,
    pub account_id: String,
    pub cloudflare_token: String,
    pub turso_token: String,
    /// Serves until the stand-in is dropped.
    _server: JsonServer,
}

/// What an ordinary day of the local stack reports.
fn ordinary_day() -> Meters {
    [
        ("worker_requests", 1_200.0),
        ("worker_cpu_ms", 3_600.0),
        ("do_requests", 30.0),
        ("do_gb_seconds", 2.0),
        ("kv_reads", 900.0),
        ("kv_writes", 40.0),
        ("kv_deletes", 2.0),
        ("kv_lists", 0.0),
        ("r2_class_a", 12.0),
        ("r2_class_b", 300.0),
        ("queue_operations", 6.0),
        ("turso_rows_read", 40_000.0),
        ("turso_rows_written", 500.0),
    ]
    .into_iter()
    .map(|(name, units)| (name.to_string(), units))
    .collect()
}

struct State {
    account_id: String,
    cloudflare_token: String,
    turso_token: String,
    days: Mutex<HashMap<String, Meters>>,
}

impl State {
    fn day(&self, day: &str) -> Meters {
        let mut meters = ordinary_day();
        if let Some(set) = self
            .days
            .lock()
            .ok()
            .and_then(|days| days.get(day).cloned())
        {
            meters.extend(set);
        }
        meters
    }
}

fn graphql(state: &State, body: &str) -> Value {
    let refuse = |message: &str| json!({"data": null, "errors": [{"message": message}]});
    let Ok(query) = serde_json::from_str::<Value>(body) else {
        return refuse("the request body is not JSON");
    };
    if query["variables"]["account"] != state.account_id.as_str() {
        return refuse("not authorized for that account");
    }
    let Some(day) = query["variables"]["date"].as_str() else {
        return refuse("variable $date is required");
    };
    let m = state.day(day);
    let at = |name: &str| m.get(name).copied().unwrap_or(0.0);
    let action = |action: &str, requests: f64| json!({"sum": {"requests": requests}, "dimensions": {"actionType": action}});
    json!({
        "data": {"viewer": {"accounts": [{
            "workersInvocationsAdaptive": [
                {"sum": {"requests": at("worker_requests"), "cpuTimeUs": at("worker_cpu_ms") * 1000.0}}
            ],
            "durableObjectsInvocationsAdaptiveGroups": [{"sum": {"requests": at("do_requests")}}],
            "durableObjectsPeriodicGroups": [
                {"sum": {"activeTime": at("do_gb_seconds") / 0.125 * 1e6}}
            ],
            "kvOperationsAdaptiveGroups": [
                action("read", at("kv_reads")),
                action("write", at("kv_writes")),
                action("delete", at("kv_deletes")),
                action("list", at("kv_lists")),
            ],
            "r2OperationsAdaptiveGroups": [
                action("PutObject", at("r2_class_a")),
                action("GetObject", at("r2_class_b")),
            ],
            "queueMessageOperationsAdaptiveGroups": [
                {"sum": {"billableOperations": at("queue_operations")}}
            ],
        }]}},
        "errors": null
    })
}

/// Turso's answer to `path` (`/v1/organizations/…`), or its status and error.
fn turso(state: &State, path: &str) -> (u16, Value) {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let databases = format!("/v1/organizations/{TURSO_ORG}/databases");
    if path == databases {
        return (
            200,
            json!({"databases": [{"Name": TURSO_DATABASE, "group": "default"}]}),
        );
    }
    if path == format!("{databases}/{TURSO_DATABASE}/usage") {
        let from = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("from="))
            .unwrap_or("");
        let m = state.day(from.get(..10).unwrap_or(""));
        let total = json!({
            "rows_read": m.get("turso_rows_read").copied().unwrap_or(0.0) as u64,
            "rows_written": m.get("turso_rows_written").copied().unwrap_or(0.0) as u64,
            "storage_bytes": 4_194_304,
        });
        return (
            200,
            json!({"database": {"uuid": "local", "instances": [], "total": total}}),
        );
    }
    (404, json!({"error": "not found"}))
}

fn handle(state: &State, request: &Incoming<'_>) -> (u16, Value) {
    let token = request.bearer();
    match (request.method, request.url) {
        (tiny_http::Method::Post, "/client/v4/graphql") => {
            if token != Some(state.cloudflare_token.as_str()) {
                return (
                    200,
                    json!({"data": null, "errors": [{"message": "Authentication error"}]}),
                );
            }
            (200, graphql(state, request.body))
        }
        (tiny_http::Method::Get, path) if path.starts_with("/v1/organizations/") => {
            if token != Some(state.turso_token.as_str()) {
                return (401, json!({"error": "invalid token"}));
            }
            turso(state, path)
        }
        (tiny_http::Method::Put, path) if path.starts_with("/_usage/") => {
            let day = path.trim_start_matches("/_usage/").to_string();
            match serde_json::from_str::<Meters>(request.body) {
                Ok(meters) => {
                    if let Ok(mut days) = state.days.lock() {
                        days.insert(day, meters);
                    }
                    (200, json!({"ok": true}))
                }
                Err(err) => (400, json!({"error": err.to_string()})),
            }
        }
        _ => (404, json!({"error": "not found"})),
    }
}

impl UsageStandIn {
    pub fn start() -> Result<Self> {
        let state = Arc::new(State {
            account_id: crate::random::hex(16)?,
            cloudflare_token: crate::random::hex(20)?,
            turso_token: crate::random::hex(20)?,
            days: Mutex::default(),
        });
        let shared = state.clone();
        let server = JsonServer::start("usage stand-in", move |request| handle(&shared, request))?;
        Ok(Self {
            url: server.url.clone(),
            account_id: state.account_id.clone(),
            cloudflare_token: state.cloudflare_token.clone(),
            turso_token: state.turso_token.clone(),
            _server: server,
        })
    }

    /// The Worker's settings for this stand-in (`runtime.vars` lines).
    pub fn settings(&self) -> String {
        format!(
            "CLOUDFLARE_API_URL={}/client/v4\nCLOUDFLARE_ACCOUNT_ID={}\nCLOUDFLARE_ANALYTICS_TOKEN={}\n\
             TURSO_API_URL={}\nTURSO_ORG={TURSO_ORG}\nTURSO_PLATFORM_TOKEN={}\n",
            self.url, self.account_id, self.cloudflare_token, self.url, self.turso_token
        )
    }
}
