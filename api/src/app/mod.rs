//! The HTTP surface: `/api/…` is JSON, every other `GET`/`HEAD` is the SPA.

mod assets;
mod health;
pub mod json;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::Method;
use axum::routing::get;

use crate::error::ApiError;
use crate::ports::Platform;

/// Builds the whole router over a platform.
pub fn router<P: Platform>(platform: P) -> Router {
    let api = Router::new()
        .route("/health", get(health::health::<P>))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .nest("/api", api)
        .fallback(assets::serve::<P>)
        .with_state(platform)
}

/// `OriginalUri`: inside the nested router the path has lost its `/api` prefix.
async fn api_not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::RouteNotFound {
        method,
        path: uri.path().to_string(),
    }
}

/// Reached only when the path matched but the method did not.
async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method)
}

#[cfg(test)]
mod tests {
    use crate::testing::{FakePlatform, block_on, read_error, request};
    use ptp_shared::ErrorCode;

    #[test]
    fn unknown_api_paths_are_json_404s_never_the_spa() {
        for path in ["/api/nope", "/api/v1/exams/xyz", "/api"] {
            let response = block_on(request(FakePlatform::healthy(), "GET", path, &[], ""));
            assert_eq!(response.status(), 404, "{path}");
            assert_eq!(response.headers()["content-type"], "application/json");
            let error = read_error(response).error;
            assert_eq!(error.code, ErrorCode::NotFound, "{path}");
            assert_eq!(
                error.details.unwrap()["path"],
                path,
                "the full path, prefix included"
            );
        }
    }

    #[test]
    fn a_wrong_method_on_an_api_route_is_405_with_allow_and_the_error_body() {
        let response = block_on(request(
            FakePlatform::healthy(),
            "POST",
            "/api/health",
            &[],
            "{}",
        ));
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()["allow"], "GET,HEAD");
        assert_eq!(read_error(response).error.code, ErrorCode::MethodNotAllowed);
    }

    #[test]
    fn head_of_health_answers_like_get() {
        let response = block_on(request(
            FakePlatform::healthy(),
            "HEAD",
            "/api/health",
            &[],
            "",
        ));
        assert_eq!(response.status(), 200);
    }
}
