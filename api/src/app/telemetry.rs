//! Each request's trace: its id (`cf-ray` when Cloudflare gave one), its route template, and at
//! the end `Server-Timing`, `X-Request-Id`, one log line and one Analytics Engine data point.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::Environment;
use crate::error::ErrorCause;
use crate::observe::{RequestRecord, line};
use crate::ports::Platform;

/// The template of the route that answered, set by [`mark_route`].
#[derive(Debug, Clone)]
pub struct RouteTemplate(pub Arc<str>);

/// The Cloudflare location that ran the request (from `request.cf`), set by the Worker.
#[derive(Debug, Clone)]
pub struct Colo(pub String);

/// Route layer: records which route template answered.
pub async fn mark_route(
    State(template): State<Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    response.extensions_mut().insert(RouteTemplate(template));
    response
}

/// What is known when a request arrives.
pub struct Arrival {
    started_ms: u64,
    request_id: String,
    method: String,
    is_api: bool,
    colo: String,
}

impl Arrival {
    pub fn of<P: Platform>(platform: &P, request: &Request) -> Self {
        Self {
            started_ms: platform.now_millis(),
            request_id: request_id(request.headers()),
            method: request.method().to_string(),
            is_api: request.uri().path().starts_with("/api/"),
            colo: request
                .extensions()
                .get::<Colo>()
                .map_or_else(String::new, |colo| colo.0.clone()),
        }
    }

    /// Annotates the response and reports the request.
    pub fn finish<P: Platform>(self, platform: &P, response: &mut Response) {
        let duration_ms = platform.now_millis().saturating_sub(self.started_ms);
        let headers = response.headers_mut();
        if self.is_api
            && let Ok(value) = HeaderValue::from_str(&platform.timings().header(duration_ms))
        {
            headers.insert("server-timing", value);
        }
        if let Ok(value) = HeaderValue::from_str(&self.request_id) {
            headers.insert("x-request-id", value);
        }
        let route = match response.extensions().get::<RouteTemplate>() {
            Some(template) => template.0.to_string(),
            None if self.is_api => "(unmatched api)".to_string(),
            None => "(app)".to_string(),
        };
        let environment = platform.settings().environment.clone().ok();
        let record = RequestRecord {
            request_id: self.request_id,
            method: self.method,
            route,
            status: response.status().as_u16(),
            duration_ms,
            db_ms: 0,
            db_calls: 0,
            kv_ms: 0,
            cache_ms: 0,
            limiter_calls: 0,
            colo: self.colo,
            environment: environment
                .map_or("unknown", Environment::as_str)
                .to_string(),
            cause: response
                .extensions()
                .get::<ErrorCause>()
                .map(|cause| cause.0.clone()),
        }
        .timed(platform.timings());
        let level = record.level(environment == Some(Environment::Production));
        let threshold = platform
            .settings()
            .log_level
            .clone()
            .unwrap_or(crate::observe::Level::Info);
        if level >= threshold {
            platform.log(level, &line(level, &record.message(level), &record));
        }
        platform.record_request(&record);
    }
}

/// `cf-ray` identifies the request across Cloudflare's own logs; elsewhere a fresh id.
fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("cf-ray")
        .and_then(|value| value.to_str().ok())
        .filter(|ray| !ray.is_empty() && ray.len() <= 64)
        .map_or_else(|| crate::ids::random_token(12), str::to_string)
}

#[cfg(test)]
mod tests {
    use crate::observe::Level;
    use crate::testing::{FakePlatform, block_on, request};

    #[test]
    fn each_request_is_one_json_line_by_route_template_and_one_data_point() {
        let platform = FakePlatform::healthy();
        let response = block_on(request(
            platform.clone(),
            "GET",
            "/api/v1/sessions/s3cr3t-id?token=leak",
            &[
                ("cookie", "__Host-ptp_session=eyJ.secret.cookie"),
                ("cf-ray", "8f1a2b3c4d5e-DFW"),
            ],
            "",
        ));
        assert_eq!(response.headers()["x-request-id"], "8f1a2b3c4d5e-DFW");
        let logs = platform.logs.lock().unwrap().clone();
        assert_eq!(logs.len(), 1, "{logs:?}");
        let (level, line) = &logs[0];
        assert_eq!(*level, Level::Info);
        let json: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(json["route"], "/api/v1/sessions/{id}");
        assert_eq!(json["request_id"], "8f1a2b3c4d5e-DFW");
        assert_eq!(json["method"], "GET");
        assert_eq!(json["status"], response.status().as_u16());
        assert_eq!(json["environment"], "development");
        for secret in ["s3cr3t-id", "leak", "eyJ.secret.cookie"] {
            assert!(!line.contains(secret), "{secret} leaked into {line}");
        }
        let points = platform.points.lock().unwrap().clone();
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].route, "/api/v1/sessions/{id}");
    }

    #[test]
    fn a_server_error_is_logged_as_an_error_with_its_cause() {
        let platform = FakePlatform::healthy().with_database_down();
        let response = block_on(request(platform.clone(), "GET", "/api/v1/exams", &[], ""));
        assert_eq!(response.status(), 503);
        let logs = platform.logs.lock().unwrap().clone();
        let (level, line) = logs.last().unwrap();
        assert_eq!(*level, Level::Error);
        let json: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(json["route"], "/api/v1/exams");
        assert!(
            json["cause"]
                .as_str()
                .unwrap()
                .contains("connection refused"),
            "{line}"
        );
        assert!(json["request_id"].as_str().is_some_and(|id| id.len() >= 12));
    }
}
