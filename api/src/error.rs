//! The API layer's one error type and its single mapping to a status and the JSON error body.

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ptp_shared::{ErrorBody, ErrorCode, ErrorDetail};
use serde_json::{Map, Value, json};

use crate::config::ConfigError;
use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no route for {method} {path}")]
    RouteNotFound { method: Method, path: String },
    #[error("{0} not found")]
    NotFound(String),
    /// axum adds the `Allow` header listing the methods the route accepts.
    #[error("method {0} not allowed")]
    MethodNotAllowed(Method),
    #[error("malformed JSON body: {0}")]
    MalformedJson(String),
    #[error("expected Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("R2 bucket failed: {0}")]
    Storage(String),
    #[error(transparent)]
    Misconfigured(#[from] ConfigError),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, ErrorCode, String, Option<Map<String, Value>>) {
        use ApiError::*;
        match self {
            RouteNotFound { method, path } => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("No API route matches {method} {path}."),
                Some(Map::from_iter([("path".into(), json!(path))])),
            ),
            NotFound(what) => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("{what} was not found."),
                None,
            ),
            MethodNotAllowed(method) => (
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                format!("{method} is not allowed here; the Allow header lists what is."),
                None,
            ),
            MalformedJson(reason) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::MalformedJson,
                "The request body is not valid JSON of the expected shape.".into(),
                Some(Map::from_iter([("reason".into(), json!(reason))])),
            ),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "Send the body as JSON with Content-Type: application/json.".into(),
                None,
            ),
            PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "The request body is too large.".into(),
                None,
            ),
            Database(DbError::Statement { .. } | DbError::Protocol(_)) | Storage(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "Something went wrong on our side; it has been logged.".into(),
                None,
            ),
            Database(DbError::Unavailable(_) | DbError::Unauthorized(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServiceUnavailable,
                "The database is not answering right now; please retry shortly.".into(),
                None,
            ),
            // Names the setting (never its value) so an operator can fix the deployment.
            Misconfigured(err) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Misconfigured,
                format!("This deployment is misconfigured: {err}."),
                None,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, details) = self.parts();
        if status.is_server_error() {
            // The full cause goes to the log; the client sees the generic message above.
            worker_log_error(&format!("{code:?}: {self}"));
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                details,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// Server-side error log line; structured logging arrives with the edge-platform work.
fn worker_log_error(line: &str) {
    #[cfg(target_arch = "wasm32")]
    worker::console_error!("{line}");
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{line}");
}
