//! The four caching classes, one per API operation, and the Workers Cache API for public reads.
//!
//! - static: `public, max-age=31536000, immutable` — hashed SPA files (see `assets.rs`);
//! - public: catalogue reads — `public, max-age=300, stale-while-revalidate=60`, kept in this
//!   location's cache with an `ETag` (a hit costs no database round trip; `If-None-Match` gets
//!   304). Cache keys carry the catalogue's version from KV `CACHE_STORE`, which admins' edits
//!   bump: every cached copy is bypassed at once (KV takes up to a minute to reach every
//!   location, and an isolate remembers the version it read for 5 s);
//! - private: anything user-specific — `private, no-cache, must-revalidate`;
//! - live: sessions in progress, sign-in steps, health — `no-store`.
//!
//! Errors are always `no-store` (`ApiError`), whatever the operation's class.

use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::app::current::Current;
use crate::auth::session;
use crate::error::ApiError;
use crate::ports::{CachedResponse, KeyValue, Platform, ResponseCache};
use crate::timing::Part;

mod classes;

pub use classes::{Audience, CacheClass, LIVE, PRIVATE, PUBLIC, STATIC};

/// KV `CACHE_STORE` key of the catalogue's version.
const CATALOG_VERSION: &str = "catalog:version";
/// Long enough to outlive every cached copy many times over.
const VERSION_TTL: Duration = Duration::from_secs(400 * 24 * 3600);
/// Catalogue responses are small; anything larger is a bug, not something to cache.
const MAX_CACHED_BYTES: usize = 4 * 1024 * 1024;

/// Invalidates every cached catalogue read: called after an admin changes published content.
pub async fn purge_catalog<P: Platform>(platform: &P) {
    let version = platform.now_millis().to_string();
    if let Err(err) = platform
        .cache_store()
        .put(CATALOG_VERSION, &version, VERSION_TTL)
        .await
    {
        platform.log_error(&format!("purging the catalogue cache failed: {err}"));
    }
}

/// Route layer: sets the operation's `Cache-Control` on success and serves public reads through
/// the cache.
pub async fn apply<P: Platform>(
    State(class): State<CacheClass>,
    Current(platform): Current<P>,
    request: Request,
    next: Next,
) -> Response {
    let shared = match class {
        CacheClass::Public(Audience::Everyone) => true,
        CacheClass::Public(Audience::Anonymous) => is_anonymous(request.headers()),
        _ => false,
    };
    let cacheable = shared && matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = if cacheable {
        through_cache(&platform, request, next).await
    } else {
        next.run(request).await
    };
    let failed = response.status().is_client_error() || response.status().is_server_error();
    let value = match class {
        // Errors are never stored (`ApiError` says so itself; anything else is told here).
        _ if failed => LIVE,
        CacheClass::Public(_) if !shared => PRIVATE,
        other => other.cache_control(),
    };
    let headers = response.headers_mut();
    if !failed || !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    if class == CacheClass::Public(Audience::Anonymous) {
        // A browser must not show a signed-in learner the anonymous copy it kept.
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Cookie, Authorization"),
        );
    }
    response
}

/// The query parameters catalogue reads take; anything else does not change the answer, so it
/// does not make a new cache entry (or a database read) either.
const QUERY_PARAMETERS: [&str; 2] = ["domain", "limit"];

/// The part of a request that decides a public answer: the path, and the recognised query
/// parameters in a fixed order.
fn canonical_target(uri: &axum::http::Uri) -> String {
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .filter(|(key, _)| QUERY_PARAMETERS.contains(&key.as_ref()))
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
    pairs.sort();
    if pairs.is_empty() {
        return uri.path().to_string();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{}?{query}", uri.path())
}

fn is_anonymous(headers: &HeaderMap) -> bool {
    !headers.contains_key(header::AUTHORIZATION) && session::read_cookie(headers).is_none()
}

async fn through_cache<P: Platform>(platform: &P, request: Request, next: Next) -> Response {
    let version = match platform.cache_store().get(CATALOG_VERSION).await {
        Ok(version) => version.unwrap_or_else(|| "0".into()),
        // Without the version a cached copy might be stale: answer from the database.
        Err(_) => return next.run(request).await,
    };
    let site = match &platform.settings().site {
        Ok(site) => site.as_str().trim_end_matches('/').to_string(),
        Err(_) => return next.run(request).await,
    };
    let target = canonical_target(request.uri());
    // The build is part of the key: a deploy that changes a response's shape starts afresh.
    let key = format!(
        "{site}/__cache/{}/catalog/{version}{target}",
        crate::build_version()
    );
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let cache = platform.response_cache();

    let looked_up = platform.now_millis();
    let hit = cache.get(&key).await.ok().flatten();
    platform
        .timings()
        .add(Part::Cache, platform.now_millis().saturating_sub(looked_up));
    if let Some(hit) = hit {
        return respond(hit, if_none_match.as_deref(), "HIT");
    }

    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_CACHED_BYTES).await else {
        return ApiError::Internal(format!(
            "{}: a public response too large to cache",
            request_path(&target)
        ))
        .into_response();
    };
    let etag = format!("\"{}\"", hex16(&Sha256::digest(&bytes)));
    let mut headers = vec![
        (header::CACHE_CONTROL.to_string(), PUBLIC.to_string()),
        (header::ETAG.to_string(), etag),
    ];
    if let Some(kind) = parts.headers.get(header::CONTENT_TYPE) {
        headers.push((
            header::CONTENT_TYPE.to_string(),
            kind.to_str().unwrap_or("application/json").to_string(),
        ));
    }
    let fresh = CachedResponse {
        status: 200,
        headers,
        body: bytes.to_vec(),
    };
    let storing = platform.now_millis();
    if let Err(err) = cache.put(&key, &fresh).await {
        platform.log_error(&format!("caching {} failed: {err}", request_path(&target)));
    }
    platform
        .timings()
        .add(Part::Cache, platform.now_millis().saturating_sub(storing));
    respond(fresh, if_none_match.as_deref(), "MISS")
}

/// A cached (or just cached) response, or 304 when the client's copy is current.
fn respond(cached: CachedResponse, if_none_match: Option<&str>, status: &'static str) -> Response {
    let etag = cached
        .headers
        .iter()
        .find(|(name, _)| name == header::ETAG.as_str())
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let current = if_none_match.is_some_and(|candidates| {
        candidates.split(',').map(str::trim).any(|candidate| {
            candidate == "*" || candidate.trim_start_matches("W/") == etag.as_str()
        })
    });
    let mut response = if current {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(cached.body));
        *response.status_mut() = StatusCode::from_u16(cached.status).unwrap_or(StatusCode::OK);
        response
    };
    let headers = response.headers_mut();
    // Only what we stored: the Cache API adds its own (age, cf-cache-status, content-length…).
    let kept: &[&str] = if current {
        &["etag", "cache-control"]
    } else {
        &["etag", "cache-control", "content-type"]
    };
    for (name, value) in &cached.headers {
        let name = name.to_ascii_lowercase();
        if !kept.contains(&name.as_str()) {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    headers.insert("x-cache", HeaderValue::from_static(status));
    response
}

/// For logs: the path without its query.
fn request_path(target: &str) -> &str {
    target.split('?').next().unwrap_or(target)
}

fn hex16(digest: &[u8]) -> String {
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::hrana::{pipeline, tiny_domains, tiny_exam};
    use crate::testing::{FakePlatform, ScriptedTransport, block_on, read_text, request};

    /// The catalogue as the database answers it: one exam.
    fn catalogue() -> (FakePlatform, ScriptedTransport) {
        let exam = tiny_exam(4);
        let domains = tiny_domains(&[("1", "One", 100, 4)]);
        let transport = ScriptedTransport::replying(200, &pipeline(vec![exam, domains]));
        let platform = FakePlatform::healthy().with_database(transport.clone());
        (platform, transport)
    }

    fn get(platform: &FakePlatform, headers: &[(&str, &str)]) -> Response {
        block_on(request(
            platform.clone(),
            "GET",
            "/api/v1/exams",
            headers,
            "",
        ))
    }

    fn header(response: &Response, name: &str) -> String {
        response.headers()[name].to_str().unwrap().to_string()
    }

    #[test]
    fn a_cached_catalogue_read_costs_no_database_round_trip() {
        let (platform, transport) = catalogue();
        let first = get(&platform, &[]);
        assert_eq!(first.status(), 200);
        assert_eq!(header(&first, "x-cache"), "MISS");
        assert_eq!(header(&first, "cache-control"), PUBLIC);
        let etag = header(&first, "etag");
        let body = read_text(first);
        assert!(body.contains("TINY-1"));
        assert_eq!(transport.requests().len(), 1);

        let again = get(&platform, &[]);
        assert_eq!(header(&again, "x-cache"), "HIT");
        assert_eq!(header(&again, "etag"), etag);
        assert_eq!(header(&again, "cache-control"), PUBLIC);
        assert_eq!(header(&again, "content-type"), "application/json");
        assert_eq!(read_text(again), body);

        let unchanged = get(&platform, &[("if-none-match", &etag)]);
        assert_eq!(unchanged.status(), 304);
        assert_eq!(header(&unchanged, "etag"), etag);
        assert_eq!(read_text(unchanged), "");
        assert_eq!(
            transport.requests().len(),
            1,
            "hits never reach the database"
        );
    }

    #[test]
    fn a_head_request_never_leaves_an_empty_body_in_the_cache() {
        let (platform, transport) = catalogue();
        let head = block_on(request(platform.clone(), "HEAD", "/api/v1/exams", &[], ""));
        assert_eq!(head.status(), 200);
        assert_eq!(header(&head, "x-cache"), "MISS");
        assert_eq!(read_text(head), "", "HEAD answers without a body");
        let get = get(&platform, &[]);
        assert_eq!(header(&get, "x-cache"), "HIT");
        assert!(
            read_text(get).contains("TINY-1"),
            "the cached copy is whole"
        );
        assert_eq!(transport.requests().len(), 1);
    }

    #[test]
    fn an_admin_change_purges_every_cached_read() {
        let (platform, transport) = catalogue();
        get(&platform, &[]);
        block_on(purge_catalog(&platform));
        let after = get(&platform, &[]);
        assert_eq!(header(&after, "x-cache"), "MISS");
        assert_eq!(transport.requests().len(), 2);
    }

    #[test]
    fn failures_are_never_cached_and_stay_no_store() {
        let platform = FakePlatform::healthy().with_database_down();
        for _ in 0..2 {
            let response = get(&platform, &[]);
            assert_eq!(response.status(), 503);
            assert_eq!(header(&response, "cache-control"), LIVE);
            assert!(response.headers().get("x-cache").is_none());
        }
    }

    #[test]
    fn user_specific_and_live_operations_say_so() {
        assert_eq!(crate::app::class_of("get_me"), Some(CacheClass::Private));
        assert_eq!(crate::app::class_of("get_session"), Some(CacheClass::Live));
        assert_eq!(
            crate::app::class_of("get_exam_questions"),
            Some(CacheClass::Public(Audience::Anonymous))
        );
        assert_eq!(crate::app::class_of("no_such_operation"), None);
        assert_eq!(
            canonical_target(&"/api/questions?z=1&limit=5&domain=2.0".parse().unwrap()),
            "/api/questions?domain=2.0&limit=5"
        );
        assert_eq!(
            canonical_target(&"/api/v1/exams?cachebuster=7".parse().unwrap()),
            "/api/v1/exams"
        );
        let response = block_on(request(
            FakePlatform::healthy(),
            "GET",
            "/api/health",
            &[],
            "",
        ));
        assert_eq!(header(&response, "cache-control"), LIVE);
        let timing = header(&response, "server-timing");
        assert!(
            timing.starts_with("db;dur=") && timing.contains("total;dur="),
            "{timing}"
        );
    }
}
