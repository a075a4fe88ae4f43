//! The HTTP surface: `/api/…` is JSON, every other `GET`/`HEAD` is the SPA.
//!
//! Every route is declared once, in [`documented!`]: each API operation with its caching class
//! (that list routes the requests and makes up the OpenAPI document, so the two cannot drift
//! apart), then the few routes outside the contract.

mod admin;
mod allowances;
mod assets;
mod audit;
mod auth;
mod authoring;
mod bank;
mod billing;
pub mod caching;
pub mod catalog;
pub mod current;
mod drafts;
mod edge;
mod explain;
#[cfg(test)]
mod flows;
mod health;
pub mod json;
mod keys;
mod limits;
mod me;
pub mod openapi;
mod progress;
mod reports;
mod responses;
mod security;
mod sessions;
mod sign_in;
pub mod telemetry;
mod trends;
mod views;
mod webhook;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::Method;
use axum::routing::{MethodFilter, get, on};
use utoipa::openapi::path::HttpMethod;

use crate::error::ApiError;
use crate::ports::Platform;

pub use sign_in::CALLBACK_PATH;

fn method_filter(method: HttpMethod) -> MethodFilter {
    match method {
        HttpMethod::Get => MethodFilter::GET,
        HttpMethod::Post => MethodFilter::POST,
        HttpMethod::Put => MethodFilter::PUT,
        HttpMethod::Delete => MethodFilter::DELETE,
        HttpMethod::Patch => MethodFilter::PATCH,
        HttpMethod::Head => MethodFilter::HEAD,
        HttpMethod::Options => MethodFilter::OPTIONS,
        HttpMethod::Trace => MethodFilter::TRACE,
    }
}

/// Routes each listed handler at the path and method of its `#[utoipa::path]`, behind its
/// caching class, and lists the same handlers in [`openapi::ApiDoc`].
macro_rules! documented {
    (
        $($module:ident :: $handler:ident => $class:expr),* $(,)?;
        undocumented: $($path:literal => $route:expr),* $(,)?
    ) => {
        /// Routes outside the contract (the contract itself, its docs page, security.txt):
        /// they set their own headers.
        fn meta_routes<P: Platform>(router: Router) -> Router {
            router$(.route($path, $route))*
        }

        fn documented_routes<P: Platform>() -> Router {
            let mut router = Router::new();
            $(
                pastey::paste! {
                    let class = {
                        // Each entry names its class briefly (`Public(Everyone)`); not every
                        // entry needs every name.
                        #[allow(unused_imports)]
                        use caching::{Audience::*, CacheClass::*};
                        $class
                    };
                    // Path, methods and key policy are read once per isolate, the policy from
                    // the committed contract: building the annotation's whole operation
                    // (responses, parameters, schemas) cost more CPU than a cached read.
                    let (path, methods, keys, template) = {
                        static ROUTE: std::sync::OnceLock<(
                            String,
                            Vec<utoipa::openapi::HttpMethod>,
                            std::sync::Arc<crate::auth::access::KeyPolicy>,
                            std::sync::Arc<str>,
                        )> = std::sync::OnceLock::new();
                        ROUTE.get_or_init(|| {
                            let path = <$module::[<__path_ $handler>] as utoipa::Path>::path();
                            let methods = <$module::[<__path_ $handler>] as utoipa::Path>::methods();
                            // One operation per handler, so its methods share one `security`.
                            let security = methods
                                .first()
                                .and_then(|method| openapi::committed_security(&path, method))
                                .unwrap_or_default();
                            (
                                path.clone(),
                                methods,
                                std::sync::Arc::new(crate::auth::access::KeyPolicy::of(&security)),
                                path.as_str().into(),
                            )
                        })
                    };
                    for method in methods {
                        let route = on(method_filter(method.clone()), $module::$handler::<P>)
                            .layer(axum::middleware::from_fn_with_state(
                                class,
                                caching::apply::<P>,
                            ))
                            .layer(axum::middleware::from_fn_with_state(
                                keys.clone(),
                                edge::key_policy,
                            ))
                            .layer(axum::middleware::from_fn_with_state(
                                template.clone(),
                                telemetry::mark_route,
                            ));
                        router = router.route(path, route);
                    }
                }
            )*
            router
        }

        /// Each operation's caching class, by operation id (for the OpenAPI document).
        pub(crate) fn class_of(operation_id: &str) -> Option<caching::CacheClass> {
            #[allow(unused_imports)]
            use caching::{Audience::*, CacheClass::*};
            $(
                pastey::paste! {
                    let operation = <$module::[<__path_ $handler>] as utoipa::Path>::operation();
                    if operation.operation_id.as_deref() == Some(operation_id) {
                        return Some($class);
                    }
                }
            )*
            None
        }

        /// The operations [`documented_routes`] serves, for the OpenAPI document.
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($module::$handler),*))]
        pub(crate) struct Operations;
    };
}

documented!(
    health::health => Live,
    sign_in::google_start => Live,
    sign_in::google_callback => Live,
    sign_in::google_relay => Live,
    auth::current_session => Private,
    auth::start_guest => Live,
    auth::sign_out => Live,
    auth::sign_out_everywhere => Live,
    me::get_me => Private,
    me::patch_me => Live,
    me::export_me => Live,
    me::delete_me => Live,
    reports::my_reports => Private,
    keys::list_keys => Private,
    keys::create_key => Live,
    keys::revoke_key => Live,
    keys::revoke_all_keys => Live,
    admin::list_users => Private,
    admin::daily_metrics => Private,
    admin::costs => Private,
    admin::item_stats => Private,
    audit::log => Private,
    audit::versions => Private,
    authoring::list => Private,
    authoring::preview => Live,
    authoring::create => Live,
    authoring::get_question => Private,
    authoring::save => Live,
    authoring::change_status => Live,
    authoring::restore_version => Live,
    bank::export => Private,
    bank::import => Live,
    drafts::request_drafts => Live,
    drafts::list_drafts => Private,
    catalog::list_exams => Public(Everyone),
    catalog::list_exams_legacy => Public(Everyone),
    catalog::get_exam => Public(Everyone),
    trends::get_exam_trends => Public(Everyone),
    catalog::list_questions => Public(Anonymous),
    catalog::list_questions_legacy => Public(Everyone),
    sessions::start => Live,
    sessions::get_session => Live,
    sessions::answer => Live,
    sessions::flag => Live,
    sessions::finish => Live,
    sessions::review => Private,
    explain::explain_mistake => Live,
    billing::plans => Public(Everyone),
    billing::status => Private,
    billing::checkout => Live,
    billing::portal => Live,
    webhook::stripe_webhook => Live,
    progress::get_progress => Private,
    progress::get_readiness => Private,
    progress::get_readiness_history => Private,
    progress::get_due => Private,
    reports::report => Live,
    reports::list_reports => Private,
    reports::get_report => Private,
    reports::resolve => Live;
    undocumented:
    "/api/v1/openapi.json" => get(openapi::serve),
    "/api/docs" => get(assets::api_docs::<P>),
    "/api/docs/{*file}" => get(assets::api_docs::<P>),
    "/.well-known/security.txt" => get(security::security_txt::<P>),
);

/// The whole router, for requests that carry their platform (see [`current`]): built once per
/// isolate.
pub fn routes<P: Platform>() -> Router {
    let api = Router::new().fallback(api_not_found);
    meta_routes::<P>(documented_routes::<P>())
        .nest("/api", api)
        .fallback(assets::serve::<P>)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(edge::edge::<P>))
}

/// The router with every request served by `platform` (tests, and anything serving one
/// platform throughout).
pub fn router<P: Platform>(platform: P) -> Router {
    routes::<P>().layer(axum::Extension(platform))
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
        for path in ["/api/nope", "/api/v1/nothing/here", "/api"] {
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
