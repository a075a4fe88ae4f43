//! What every request goes through before its handler: the cross-site write check and CORS for
//! `/api/v1`, and the jar in which extractors leave a refreshed session cookie.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::access::CookieJar;
use crate::auth::csrf;
use crate::error::ApiError;
use crate::ports::Platform;

const API: &str = "/api/v1/";

pub async fn edge<P: Platform>(
    State(platform): State<P>,
    mut request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with(API);
    let has_key = request.headers().contains_key(header::AUTHORIZATION);
    if is_api
        && request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key("access-control-request-method")
    {
        return preflight();
    }
    // Browsers attach cookies to cross-site form posts; only API keys may write from elsewhere.
    if is_api && csrf::is_unsafe(request.method()) && !has_key {
        let allowed = match &platform.settings().site {
            Ok(site) => csrf::same_site(request.headers(), site),
            Err(err) => return ApiError::Misconfigured(err.clone()).into_response(),
        };
        if !allowed {
            return ApiError::CrossSite.into_response();
        }
    }
    let jar = CookieJar::default();
    request.extensions_mut().insert(jar.clone());
    let mut response = next.run(request).await;
    for cookie in jar.take() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    // Key-authenticated calls may come from any origin; without credentials, so cookie sessions
    // stay same-origin.
    if is_api && has_key {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    response
}

fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}
