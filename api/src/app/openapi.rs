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
mod tests {
    use super::*;
    use serde_json::Value;

    fn generated() -> String {
        document().to_pretty_json().expect("serializes") + "\n"
    }

    #[test]
    fn the_committed_document_is_what_the_code_generates() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        let fresh = generated();
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, &fresh).unwrap();
            return;
        }
        assert!(
            COMMITTED == fresh,
            "api/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p ptp-api openapi` and review the diff"
        );
    }

    fn operations() -> Vec<(String, String, Value)> {
        let doc: Value = serde_json::from_str(&generated()).unwrap();
        let mut found = vec![];
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                found.push((method.clone(), path.clone(), operation.clone()));
            }
        }
        found
    }

    #[test]
    fn the_worker_reads_each_operations_security_as_the_annotations_declare_it() {
        let mut with_keys = 0;
        for (method, path, operation) in operations() {
            let method = match method.as_str() {
                "get" => HttpMethod::Get,
                "put" => HttpMethod::Put,
                "post" => HttpMethod::Post,
                "delete" => HttpMethod::Delete,
                "patch" => HttpMethod::Patch,
                other => panic!("{other} {path}: a method the Worker does not route"),
            };
            let declared: Option<Security> =
                serde_json::from_value(operation["security"].clone()).unwrap();
            let read = committed_security(&path, &method);
            assert_eq!(read, declared, "{path}");
            with_keys +=
                usize::from(read.is_some_and(|s| s.iter().any(|r| r.contains_key("api_key"))));
        }
        // Not vacuous: several operations take API keys.
        assert!(with_keys >= 5, "{with_keys} operations take API keys");
    }

    #[test]
    fn it_is_openapi_3_1_and_every_operation_is_fully_described() {
        let doc: Value = serde_json::from_str(&generated()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        let operations = operations();
        assert!(operations.len() >= 14);
        for (method, path, operation) in operations {
            let what = format!("{method} {path}");
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{what} has no operationId"));
            assert!(
                id.starts_with(&format!("{method}_")),
                "{what}: operationId {id} is not <verb>_<resource>"
            );
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{what}: operationId {id} is not snake_case"
            );
            assert!(
                operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{what} has no summary"
            );
            assert!(
                operation["security"].is_array(),
                "{what} does not state its auth scheme"
            );
            let responses = operation["responses"].as_object().unwrap();
            let errors: Vec<&String> = responses
                .keys()
                .filter(|code| code.starts_with('4') || code.starts_with('5'))
                .collect();
            assert!(!errors.is_empty(), "{what} documents no error response");
            for code in errors {
                let schema = &responses[code]["content"]["application/json"]["schema"]["$ref"];
                // Health answers 503 with its full report, which says what failed.
                let expected = if id == "get_health" {
                    "#/components/schemas/HealthResponse"
                } else {
                    "#/components/schemas/ErrorBody"
                };
                assert_eq!(schema, expected, "{what} {code}");
            }
        }
    }

    /// Every `$ref` in `value`, wherever it stands.
    fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target);
                }
                map.values().for_each(|v| references(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, found)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_names_a_schema_the_document_defines() {
        let doc: Value = serde_json::from_str(&generated()).unwrap();
        let mut found = vec![];
        references(&doc, &mut found);
        assert!(found.len() > 50, "{} references", found.len());
        let dangling: Vec<&str> = found
            .into_iter()
            .filter(|target| {
                let name = target.strip_prefix("#/components/schemas/");
                name.is_none_or(|name| doc["components"]["schemas"].get(name).is_none())
            })
            .collect();
        assert_eq!(dangling, Vec::<&str>::new());
    }

    #[test]
    fn operation_ids_are_unique() {
        let mut ids: Vec<String> = operations()
            .iter()
            .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_string())
            .collect();
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn every_operation_has_one_of_the_four_caching_classes() {
        use crate::app::caching::{LIVE, PRIVATE, PUBLIC, STATIC};
        for (method, path, operation) in operations() {
            let class = operation["x-cache-control"].as_str().unwrap_or_default();
            assert!(
                [STATIC, PUBLIC, PRIVATE, LIVE].contains(&class),
                "{method} {path} has no caching class (give it one in documented!)"
            );
            if method != "get" {
                assert_eq!(class, LIVE, "{method} {path}: writes are never cached");
            }
        }
    }
}
