//! The API contract: OpenAPI 3.1 generated from the handlers' `#[utoipa::path]` annotations and
//! the shared types. The Worker serves the committed `api/openapi.json`; a test regenerates it
//! and fails on any difference, so the file is always the contract of the code beside it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::openapi::HttpMethod;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::Operations;

const DESCRIPTION: &str = "\
The PingToPass API: IT certification exam practice.

Browsers authenticate with the `__Host-ptp_session` cookie set by *Sign in with Google*; writes made \
with it must come from the site itself. Third parties send an API key created on the account \
page, with the scopes they need:

```sh
curl -H 'Authorization: Bearer ptp_…' https://pingtopass.com/api/v1/me
```

Every error has the same body: `{\"error\":{\"code\":\"snake_case\",\"message\":\"…\",\"details\":{…}}}`.";

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::session::COOKIE_NAME,
                "Browser session, set by signing in with Google (or as a guest)",
            ))),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ptp_…")
                    .description(Some(
                        "An API key from the account page; its scopes limit what it may do",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every operation of the document, whatever its method.
fn operations_mut(
    openapi: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    openapi.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
    })
}

/// Each operation's caching class, as the `Cache-Control` its successful responses carry
/// (`x-cache-control`), so clients and the tests can see it.
struct CacheClasses;

impl Modify for CacheClasses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for operation in operations_mut(openapi) {
            let Some(class) = operation.operation_id.as_deref().and_then(super::class_of) else {
                continue;
            };
            let extension = ExtensionsBuilder::new()
                .add("x-cache-control", class.cache_control())
                .build();
            operation
                .extensions
                .get_or_insert_with(Default::default)
                .merge(extension);
        }
    }
}

/// What the edge can answer on every API operation before its handler runs (the health check
/// excepted: it is neither identified nor limited), documented once instead of per handler.
struct EdgeResponses;

const EDGE_RESPONSES: [(&str, &str); 3] = [
    (
        "401",
        "Credentials were sent and are not valid: an unknown or revoked API key, or a session that ended",
    ),
    (
        "403",
        "An API key this operation does not take or whose scopes fall short, or a cookie-authenticated write from another site",
    ),
    (
        "429",
        "Over a rate limit or a quota; `Retry-After` says when to come back",
    ),
];

/// What a JSON body can be refused with before the handler reads it (`app::json::ApiJson`).
const BODY_RESPONSES: [(&str, &str); 2] = [
    ("413", "The request body is too large"),
    (
        "415",
        "The body is not sent as `Content-Type: application/json`",
    ),
];

impl Modify for EdgeResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        for operation in operations_mut(openapi) {
            if operation.operation_id.as_deref() == Some("get_health") {
                continue;
            }
            let with_body = operation.request_body.is_some();
            let body_responses = with_body.then_some(BODY_RESPONSES).into_iter().flatten();
            for (status, description) in EDGE_RESPONSES.into_iter().chain(body_responses) {
                operation
                    .responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| {
                        ResponseBuilder::new()
                            .description(description)
                            .content(
                                "application/json",
                                ContentBuilder::new()
                                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                                    .build(),
                            )
                            .build()
                            .into()
                    });
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "PingToPass API", description = DESCRIPTION),
    modifiers(&SecuritySchemes),
    tags(
        (name = "ops", description = "Service health"),
        (name = "auth", description = "Signing in and out"),
        (name = "account", description = "The caller's own account"),
        (name = "api keys", description = "Keys for third-party access"),
        (name = "catalogue", description = "Exams and the published question bank"),
        (name = "sessions", description = "Practice and mock exams"),
        (name = "progress", description = "Progress, readiness and spaced review"),
        (name = "reports", description = "Reporting problems with questions"),
        (name = "billing", description = "Plans, allowances and the Pro subscription through Stripe"),
        (name = "admin", description = "Administration (admins only)"),
    ),
)]
struct ApiDoc;

/// The whole document, built from the code.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(Operations::openapi());
    CacheClasses.modify(&mut doc);
    EdgeResponses.modify(&mut doc);
    doc
}

const COMMITTED: &str = include_str!("../../openapi.json");

/// An operation's `security` requirements: scheme name → scopes.
pub type Security = Vec<BTreeMap<String, Vec<String>>>;

/// The `security` the committed document gives the operation at `path` and `method` (`None`:
/// none, or no such operation). The Worker reads its routes' key policies here rather than from
/// each annotation's `utoipa::Path::operation()`, which builds the operation's whole schema tree
/// and linked that code, a fifth of the Worker, into every request's isolate. The drift test
/// keeps this document equal to the annotations.
pub fn committed_security(path: &str, method: &HttpMethod) -> Option<Security> {
    #[derive(Deserialize)]
    struct Document {
        paths: BTreeMap<String, PathItem>,
    }
    #[derive(Deserialize)]
    struct PathItem {
        get: Option<Operation>,
        put: Option<Operation>,
        post: Option<Operation>,
        delete: Option<Operation>,
        patch: Option<Operation>,
    }
    #[derive(Deserialize)]
    struct Operation {
        security: Option<Security>,
    }
    static PATHS: OnceLock<BTreeMap<String, PathItem>> = OnceLock::new();
    let paths = PATHS.get_or_init(|| {
        serde_json::from_str::<Document>(COMMITTED)
            .map(|document| document.paths)
            .unwrap_or_default()
    });
    let item = paths.get(path)?;
    let operation = match method {
        HttpMethod::Get => &item.get,
        HttpMethod::Put => &item.put,
        HttpMethod::Post => &item.post,
        HttpMethod::Delete => &item.delete,
        HttpMethod::Patch => &item.patch,
        _ => &None,
    };
    operation.as_ref()?.security.clone()
}

/// `GET /api/v1/openapi.json`.
pub async fn serve() -> Response {
    let mut response = COMMITTED.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // The contract is public and changes only with a deploy: the public caching class.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(super::caching::PUBLIC),
    );
    response
}

#[cfg(test)]
mod tests;
