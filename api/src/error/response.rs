//! An `ApiError` as the HTTP response: the body from `ApiError::parts`, `no-store`, and the
//! headers some errors carry (`Retry-After`, `WWW-Authenticate`), plus the cause for the log.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ptp_shared::{ErrorBody, ErrorDetail};

use super::{ApiError, ClearSession, ErrorCause};

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, details) = self.parts();
        // The full cause goes to the request's log line; the client sees the generic message.
        let cause = status
            .is_server_error()
            .then(|| ErrorCause(format!("{code:?}: {self}")));
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                details,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(cause) = cause {
            response.extensions_mut().insert(cause);
        }
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let ApiError::RateLimited { retry_after_secs }
        | ApiError::QuotaExceeded {
            retry_after_secs, ..
        }
        | ApiError::AllowanceSpent {
            retry_after_secs, ..
        } = self
        {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if let ApiError::Unauthorized { .. } = self {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"PingToPass\""),
            );
        }
        if let ApiError::Unauthorized {
            clear_cookie: true, ..
        } = self
        {
            response.extensions_mut().insert(ClearSession);
        }
        response
    }
}
