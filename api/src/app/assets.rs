//! The SPA from R2: hashed build files cached for a year, `index.html` revalidated every time,
//! unknown client routes answered with `index.html`, conditional requests answered with 304.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::app::current::Current;
use crate::error::ApiError;
use crate::ports::{AssetLookup, AssetMeta, AssetStore, Platform};

const INDEX: &str = "index.html";
/// The API docs page and its files live under this prefix in the bucket.
const DOCS_PREFIX: &str = "api-docs/";
/// Hashed build files and `static/`: the static caching class.
const IMMUTABLE: &str = super::caching::STATIC;
const REVALIDATE: &str = "no-cache";

pub async fn serve<P: Platform>(
    Current(platform): Current<P>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let head = match method {
        Method::GET => false,
        Method::HEAD => true,
        other => {
            let mut response = ApiError::MethodNotAllowed(other).into_response();
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
    };
    let if_none_match = if_none_match(&headers);
    match lookup(
        platform.assets(),
        uri.path(),
        if_none_match.as_deref(),
        head,
        true,
    )
    .await
    {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

/// `/api/docs` and its files: the Swagger UI page over `/api/v1/openapi.json`.
pub async fn api_docs<P: Platform>(
    Current(platform): Current<P>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let file = uri
        .path()
        .strip_prefix("/api/docs")
        .unwrap_or("")
        .trim_start_matches('/');
    let file = if file.is_empty() { INDEX } else { file };
    let if_none_match = if_none_match(&headers);
    let path = format!("/{DOCS_PREFIX}{file}");
    match lookup(
        platform.assets(),
        &path,
        if_none_match.as_deref(),
        false,
        false,
    )
    .await
    {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

/// `spa_fallback`: answer extension-less misses (client routes) with the SPA's `index.html`.
async fn lookup(
    store: &impl AssetStore,
    path: &str,
    if_none_match: Option<&str>,
    head: bool,
    spa_fallback: bool,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound(format!("The file {path}"));
    let key = asset_key(path).ok_or_else(not_found)?;
    let found = store
        .lookup(&key, if_none_match, head)
        .await
        .map_err(ApiError::Storage)?;
    let (key, found) = match found {
        AssetLookup::Missing if spa_fallback && is_client_route(&key) => (
            INDEX.to_string(),
            store
                .lookup(INDEX, if_none_match, head)
                .await
                .map_err(ApiError::Storage)?,
        ),
        other => (key, other),
    };
    // Pages are revalidated; every other file is content-hashed, versioned or (favicon,
    // robots.txt) deliberately cached for a year.
    let cache_control = if key.ends_with(".html") {
        REVALIDATE
    } else {
        IMMUTABLE
    };
    Ok(match found {
        AssetLookup::Missing => return Err(not_found()),
        AssetLookup::NotModified(meta) => with_headers(
            StatusCode::NOT_MODIFIED,
            &meta,
            cache_control,
            Body::empty(),
            false,
        ),
        AssetLookup::Head(meta) => {
            with_headers(StatusCode::OK, &meta, cache_control, Body::empty(), true)
        }
        AssetLookup::Found(meta, body) => {
            with_headers(StatusCode::OK, &meta, cache_control, body, true)
        }
    })
}

fn with_headers(
    status: StatusCode,
    meta: &AssetMeta,
    cache_control: &'static str,
    body: Body,
    entity: bool,
) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", meta.etag)) {
        headers.insert(header::ETAG, etag);
    }
    if entity {
        let content_type = meta
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        if let Ok(value) = HeaderValue::from_str(content_type) {
            headers.insert(header::CONTENT_TYPE, value);
        }
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(meta.size));
    }
    response
}

/// The bucket key for a request path, or `None` for paths that can never name a file.
fn asset_key(path: &str) -> Option<String> {
    let key = path.strip_prefix('/')?;
    if key.is_empty() {
        return Some(INDEX.to_string());
    }
    let safe = key.split('/').all(|segment| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && !segment.contains(['\\', '%', '\0'])
    });
    safe.then(|| key.to_string())
}

/// Client-side routes (`/exams/sy0-701`, `/admin/questions/200-301-1.0-001`) have no file
/// extension in their last segment; missing files (`/app-1234.js`) do, and get a real 404
/// instead of the app shell. An extension is letters and digits with a letter among them, so the
/// dot of a domain (`1.0-001`) is not one.
fn is_client_route(key: &str) -> bool {
    let last = key.rsplit('/').next().unwrap_or(key);
    match last.rsplit_once('.') {
        Some((_, extension)) => {
            !(extension.chars().all(|c| c.is_ascii_alphanumeric())
                && extension.chars().any(|c| c.is_ascii_alphabetic()))
        }
        None => true,
    }
}

fn if_none_match(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .and_then(single_etag)
}

/// The one strong ETag of an `If-None-Match` header, unquoted; lists, `*` and weak validators
/// are answered with a full response, which is always correct.
fn single_etag(header: &str) -> Option<String> {
    let tag = header.trim();
    let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.is_empty() && !inner.contains('"')).then(|| inner.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FakePlatform, block_on, read_error, request};

    fn platform() -> FakePlatform {
        FakePlatform::healthy()
            .with_asset(
                "index.html",
                "text/html; charset=utf-8",
                "<!doctype html><title>PingToPass</title>",
            )
            .with_asset("ptp-frontend-3f2a1b_bg.wasm", "application/wasm", "\0asm")
            .with_asset("favicon.ico", "image/x-icon", "ICO")
    }

    fn call(method: &str, path: &str, if_none_match: Option<&str>) -> Response {
        let mut headers = vec![];
        if let Some(etag) = if_none_match {
            headers.push(("if-none-match", etag));
        }
        block_on(request(platform(), method, path, &headers, ""))
    }

    fn header<'a>(response: &'a Response, name: &str) -> &'a str {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }

    #[test]
    fn hashed_and_static_files_are_immutable_for_a_year_with_their_type() {
        for (path, content_type) in [
            ("/ptp-frontend-3f2a1b_bg.wasm", "application/wasm"),
            ("/favicon.ico", "image/x-icon"),
        ] {
            let response = call("GET", path, None);
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(
                header(&response, "cache-control"),
                "public, max-age=31536000, immutable"
            );
            assert_eq!(header(&response, "content-type"), content_type);
            assert!(header(&response, "etag").starts_with('"'));
        }
    }

    #[test]
    fn the_shell_and_every_client_route_get_index_html_revalidated_each_time() {
        for path in [
            "/",
            "/index.html",
            "/exams",
            "/exams/sy0-701/practice",
            "/admin/questions/200-301-1.0-001",
        ] {
            let response = call("GET", path, None);
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
            assert_eq!(
                header(&response, "content-type"),
                "text/html; charset=utf-8"
            );
            let body = crate::testing::read_text(response);
            assert!(body.contains("<title>PingToPass</title>"), "{path}");
        }
    }

    #[test]
    fn a_missing_file_is_a_json_404_not_the_shell() {
        let response = call("GET", "/ptp-frontend-000000.js", None);
        assert_eq!(response.status(), 404);
        assert_eq!(
            read_error(response).error.code,
            ptp_shared::ErrorCode::NotFound
        );
        for path in ["/../secrets", "/a//b", "/%2e%2e/x"] {
            assert_eq!(call("GET", path, None).status(), 404, "{path}");
        }
    }

    #[test]
    fn a_matching_if_none_match_gets_304_without_a_body() {
        let first = call("GET", "/favicon.ico", None);
        let etag = header(&first, "etag").to_string();
        let again = call("GET", "/favicon.ico", Some(&etag));
        assert_eq!(again.status(), 304);
        assert_eq!(header(&again, "etag"), etag);
        assert_eq!(
            header(&again, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(crate::testing::read_text(again).is_empty());
        assert_eq!(call("GET", "/favicon.ico", Some("\"stale\"")).status(), 200);
        assert_eq!(
            call("GET", "/", Some(header(&call("GET", "/", None), "etag"))).status(),
            304
        );
    }

    #[test]
    fn head_has_the_headers_and_no_body() {
        let response = call("HEAD", "/favicon.ico", None);
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "content-length"), "3");
        assert_eq!(header(&response, "content-type"), "image/x-icon");
        assert!(crate::testing::read_text(response).is_empty());
    }

    #[test]
    fn other_methods_are_405_with_allow() {
        let response = call("POST", "/", None);
        assert_eq!(response.status(), 405);
        assert_eq!(header(&response, "allow"), "GET, HEAD");
        assert_eq!(
            read_error(response).error.code,
            ptp_shared::ErrorCode::MethodNotAllowed
        );
    }

    #[test]
    fn if_none_match_is_used_only_when_it_names_one_strong_etag() {
        assert_eq!(single_etag("\"abc\"").as_deref(), Some("abc"));
        assert_eq!(single_etag(" \"abc\" ").as_deref(), Some("abc"));
        for ignored in ["*", "W/\"abc\"", "\"a\", \"b\"", "abc", "\"\""] {
            assert_eq!(single_etag(ignored), None, "{ignored}");
        }
    }
}
