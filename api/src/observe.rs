//! What the Worker tells its operators: one JSON log line per request (and per failure inside
//! one), and one Analytics Engine data point per request.
//!
//! Lines carry the route *template* and never a query string, header, cookie or body, so
//! tokens, codes and keys cannot reach the logs; server errors add their cause, which never holds
//! a secret either (secrets are typed and print as `[redacted]`).

use serde::Serialize;

use crate::timing::{Part, Timings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "debug" => Some(Self::Debug),
            "info" => Some(Self::Info),
            "warn" => Some(Self::Warn),
            "error" => Some(Self::Error),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// Production requests slower than this are logged as warnings.
pub const SLOW_MS: u64 = 200;

/// One request, as logged and counted.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub request_id: String,
    pub method: String,
    /// The route template (`/api/v1/sessions/{id}`), never the concrete path or query.
    pub route: String,
    pub status: u16,
    pub duration_ms: u64,
    pub db_ms: u64,
    pub db_calls: u32,
    pub kv_ms: u64,
    pub cache_ms: u64,
    /// Settlements with the rate limiter's Durable Object (most requests make none).
    pub limiter_calls: u32,
    pub colo: String,
    pub environment: String,
    /// Why a server error happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// The daily cost job's data point: what a closed day cost and where the month stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostRecord {
    pub day: String,
    pub cost_usd: f64,
    pub month_to_date_usd: f64,
    /// Month to date as a share of the budget.
    pub budget_share: f64,
    /// Whether the share raised the budget alert.
    pub alert: bool,
    pub environment: String,
}

impl RequestRecord {
    pub fn timed(mut self, timings: &Timings) -> Self {
        let (db, kv, cache, limiter) = (
            timings.get(Part::Db),
            timings.get(Part::Kv),
            timings.get(Part::Cache),
            timings.get(Part::Limiter),
        );
        self.limiter_calls = limiter.calls;
        self.db_ms = db.ms;
        self.db_calls = db.calls;
        self.kv_ms = kv.ms;
        self.cache_ms = cache.ms;
        self
    }

    /// How loud this request is: server errors are errors; slow ones in production warnings.
    pub fn level(&self, production: bool) -> Level {
        if self.status >= 500 {
            Level::Error
        } else if production && self.duration_ms > SLOW_MS {
            Level::Warn
        } else {
            Level::Info
        }
    }

    pub fn message(&self, level: Level) -> String {
        match level {
            Level::Warn => format!("slow request: {} ms", self.duration_ms),
            _ => format!("{} {} {}", self.method, self.route, self.status),
        }
    }
}

#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    level: &'static str,
    message: &'a str,
    #[serde(flatten)]
    fields: T,
}

/// A JSON log line: `level`, `message` and `fields` flattened beside them.
pub fn line(level: Level, message: &str, fields: impl Serialize) -> String {
    serde_json::to_string(&Line {
        level: level.as_str(),
        message,
        fields,
    })
    .unwrap_or_else(|_| {
        format!(
            "{{\"level\":\"{}\",\"message\":\"unloggable\"}}",
            level.as_str()
        )
    })
}

/// Writes a line to the runtime's log (Workers Logs collects console output).
pub fn write(level: Level, line: &str) {
    #[cfg(target_arch = "wasm32")]
    match level {
        Level::Error => worker::console_error!("{line}"),
        Level::Warn => worker::console_warn!("{line}"),
        Level::Debug | Level::Info => worker::console_log!("{line}"),
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = level;
        eprintln!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: u16, duration_ms: u64) -> RequestRecord {
        RequestRecord {
            request_id: "r1".into(),
            method: "GET".into(),
            route: "/api/v1/sessions/{id}".into(),
            status,
            duration_ms,
            db_ms: 0,
            db_calls: 0,
            kv_ms: 0,
            cache_ms: 0,
            limiter_calls: 0,
            colo: "DFW".into(),
            environment: "production".into(),
            cause: None,
        }
    }

    #[test]
    fn server_errors_are_errors_and_slow_production_requests_are_warnings() {
        assert_eq!(record(200, 20).level(true), Level::Info);
        assert_eq!(record(200, 201).level(true), Level::Warn);
        assert_eq!(record(200, 201).level(false), Level::Info);
        assert_eq!(record(503, 5).level(false), Level::Error);
        assert_eq!(
            record(200, 250).message(Level::Warn),
            "slow request: 250 ms"
        );
    }

    #[test]
    fn a_line_is_one_json_object_with_level_message_and_fields() {
        let json: serde_json::Value =
            serde_json::from_str(&line(Level::Info, "GET / 200", record(200, 3))).unwrap();
        assert_eq!(json["level"], "info");
        assert_eq!(json["message"], "GET / 200");
        assert_eq!(json["route"], "/api/v1/sessions/{id}");
        assert_eq!(json["duration_ms"], 3);
        assert!(json.get("cause").is_none());
        assert_eq!(Level::parse("warn").unwrap(), Level::Warn);
        assert_eq!(Level::parse("loud"), None);
        assert!(Level::Debug < Level::Error);
    }
}
