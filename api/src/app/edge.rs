//! What every request goes through before its handler: who is calling (resolved once, for the
//! rate limit and the extractors), the rate limit on `/api` (not on the health check), the
//! cross-site write check and CORS for `/api/v1`, a reissued session cookie, and on whatever
//! comes back the security headers and the request's trace.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::telemetry::Arrival;
use super::{limits, security};
use crate::app::current::Current;
use crate::auth::access::KeyPolicy;
use crate::auth::csrf;
use crate::auth::identity::{self, Identity};
use crate::auth::session;
use crate::error::{ApiError, ClearSession};
use crate::ports::Platform;

const API: &str = "/api/v1/";
const HEALTH: &str = "/api/health";

pub async fn edge<P: Platform>(
    Current(platform): Current<P>,
    request: Request,
    next: Next,
) -> Response {
    let arrival = Arrival::of(&platform, &request);
    let mut response = guarded(&platform, request, next).await;
    if response.extensions().get::<ClearSession>().is_some() {
        response
            .headers_mut()
            .append(header::SET_COOKIE, session::clearing_cookie());
    }
    arrival.finish(&platform, &mut response);
    security::apply(
        response.headers_mut(),
        platform.settings().environment.clone().ok(),
    );
    response
}

/// The deployment's settings were all present and valid when this isolate started: otherwise
/// nothing but the health check is served (it says `config: false`), and the log says which
/// setting is wrong, never its value.
fn misconfigured<P: Platform>(platform: &P) -> Option<Response> {
    let database = platform.database().err();
    let problems = platform.settings().problems(database.as_ref());
    let first = (*problems.first()?).clone();
    let names: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    platform.log_error(&format!(
        "refusing to serve until the configuration is fixed: {}",
        names.join("; ")
    ));
    Some(ApiError::Misconfigured(first).into_response())
}

async fn guarded<P: Platform>(platform: &P, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path != HEALTH
        && let Some(refusal) = misconfigured(platform)
    {
        return refusal;
    }
    // Preflights are free: browsers send them on their own, ahead of the real request.
    let limited = path.starts_with("/api/") && request.method() != Method::OPTIONS;
    // Key-authenticated calls may come from any origin, refusals included; without credentials,
    // so cookie sessions stay same-origin.
    let has_key = request.headers().contains_key(header::AUTHORIZATION);
    let cross_origin = path.starts_with(API) && has_key;
    // The health check answers monitors and release gates whatever an address has spent.
    let exempt = path == HEALTH;
    let mut response = if !limited || exempt {
        checked(platform, request, next, None).await
    } else {
        match identity::resolve(request.headers(), platform).await {
            Err(err) => err.into_response(),
            Ok((identity, refreshed)) => {
                let decision = limits::check(platform, request.headers(), &identity).await;
                let mut response = match (&decision, &identity) {
                    (Some(decision), _) if !decision.allowed => ApiError::RateLimited {
                        retry_after_secs: decision.reset_secs,
                    }
                    .into_response(),
                    // A key that is not valid is refused on every route, cached reads included.
                    (_, Identity::Refused { failure, .. }) if has_key => {
                        ApiError::unauthorized(*failure).into_response()
                    }
                    _ => {
                        request.extensions_mut().insert(identity);
                        checked(platform, request, next, refreshed).await
                    }
                };
                if let Some(decision) = &decision {
                    limits::annotate(response.headers_mut(), decision);
                }
                response
            }
        }
    };
    if cross_origin {
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED),
        );
    }
    response
}

/// What a script on another origin may read of a response, besides the basics.
const EXPOSED: &str =
    "ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after, etag, x-request-id";

/// The one route exempt from the same-origin check (see `app::webhook`).
const STRIPE_WEBHOOK: &str = "/api/v1/stripe/webhook";

async fn checked<P: Platform>(
    platform: &P,
    request: Request,
    next: Next,
    refreshed_cookie: Option<HeaderValue>,
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
    // Browsers attach cookies to cross-site form posts; only API keys may write from elsewhere,
    // and Stripe, whose webhook is authenticated by its signature instead.
    let webhook = request.uri().path() == STRIPE_WEBHOOK;
    if is_api && csrf::is_unsafe(request.method()) && !has_key && !webhook {
        let allowed = match &platform.settings().site {
            Ok(site) => csrf::same_site(request.headers(), site),
            Err(err) => return ApiError::Misconfigured(err.clone()).into_response(),
        };
        if !allowed {
            return ApiError::CrossSite.into_response();
        }
    }
    let mut response = next.run(request).await;
    // A reissued session token rides on whatever the handler answered, unless it ended the
    // session itself (signing out clears the cookie).
    if let Some(cookie) = refreshed_cookie
        && !response.headers().contains_key(header::SET_COOKIE)
        && response.extensions().get::<ClearSession>().is_none()
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Each documented route's layer: an API key is refused (403) where the operation does not take
/// keys or needs a scope the key lacks — before the cache, so cached reads are refused too.
pub async fn key_policy(
    State(policy): State<std::sync::Arc<KeyPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    match policy.check(request.extensions().get::<Identity>()) {
        Ok(()) => next.run(request).await,
        Err(err) => err.into_response(),
    }
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

#[cfg(test)]
mod tests {
    use crate::testing::{FakePlatform, block_on, read_error, request};
    use ptp_shared::ErrorCode;

    #[test]
    fn a_missing_or_invalid_secret_closes_every_route_but_health_and_the_log_names_it() {
        for (name, value, expected) in [
            ("JWT_SECRET", None, "JWT_SECRET is not set"),
            (
                "API_KEY_SECRET",
                Some("too-short-a-key-for-hmac"),
                "API_KEY_SECRET is invalid: must be at least 32 characters of random data",
            ),
            ("OPENROUTER_API_KEY", None, "OPENROUTER_API_KEY is not set"),
        ] {
            let platform = FakePlatform::healthy()
                .with_setting(name, value)
                .with_asset("index.html", "text/html", "<p>");
            for (method, path) in [
                ("GET", "/api/v1/exams"),
                ("GET", "/api/questions?limit=10"),
                ("POST", "/api/v1/auth/guest"),
                ("GET", "/"),
                ("GET", "/favicon.ico"),
            ] {
                let response = block_on(request(platform.clone(), method, path, &[], ""));
                assert_eq!(response.status(), 503, "{name}: {method} {path}");
                let error = read_error(response).error;
                assert_eq!(error.code, ErrorCode::Misconfigured, "{method} {path}");
                assert!(error.message.contains(expected), "{}", error.message);
            }
            let health = block_on(request(platform.clone(), "GET", "/api/health", &[], ""));
            assert_eq!(
                health.status(),
                503,
                "health answers, and says why not healthy"
            );
            let logs = platform.logs.lock().unwrap();
            assert!(
                logs.iter().any(|(_, line)| line.contains(expected)),
                "the log names {name}"
            );
            if let Some(value) = value {
                assert!(
                    logs.iter().all(|(_, line)| !line.contains(value)),
                    "never its value"
                );
            }
        }
    }

    #[test]
    fn errors_refusals_files_and_pages_all_carry_the_security_headers() {
        let platform = || FakePlatform::healthy().with_asset("index.html", "text/html", "<p>");
        let cross_site = [("origin", "https://evil.example"), ("cookie", "x=1")];
        let cases = [
            ("GET", "/api/nope", &[][..]),
            ("POST", "/api/v1/auth/guest", &cross_site[..]),
            ("GET", "/api/health", &[][..]),
            ("GET", "/exams/SY0-701", &[][..]),
        ];
        for (method, path, headers) in cases {
            let response = block_on(request(platform(), method, path, headers, ""));
            let h = response.headers();
            assert_eq!(h["x-content-type-options"], "nosniff", "{method} {path}");
            assert_eq!(h["x-frame-options"], "DENY", "{method} {path}");
            assert_eq!(h["x-xss-protection"], "1; mode=block");
            assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
            assert_eq!(
                h["permissions-policy"],
                "camera=(), microphone=(), geolocation=()"
            );
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(
                csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
                "{csp}"
            );
        }
    }
}
