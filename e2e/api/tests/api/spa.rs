use ptp_shared::ErrorCode;

use crate::support::{Fetch, client, error_body, header, text_of, url};

const YEAR: &str = "public, max-age=31536000, immutable";

/// `src="/…"` and `href="/…"` references of the shell, i.e. its hashed build files.
fn local_references(html: &str) -> Vec<String> {
    let mut found = vec![];
    for attr in ["src=\"/", "href=\"/"] {
        let mut rest = html;
        while let Some(start) = rest.find(attr) {
            let tail = &rest[start + attr.len() - 1..];
            let end = tail.find('"').unwrap();
            found.push(tail[..end].to_string());
            rest = &tail[end..];
        }
    }
    found.retain(|path| path.len() > 1);
    found
}

#[tokio::test]
async fn the_shell_is_html_that_browsers_revalidate() {
    let response = client().get(url("/")).fetch().await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-cache");
    assert!(header(&response, "content-type").starts_with("text/html"));
    assert!(!header(&response, "etag").is_empty());
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>PingToPass"), "{html}");
}

#[tokio::test]
async fn every_file_the_shell_loads_is_hashed_typed_and_immutable() {
    let html = text_of("/").await;
    let references = local_references(&html);
    let wasm = references
        .iter()
        .find(|p| p.ends_with(".wasm"))
        .expect("the shell preloads the app's wasm");
    assert!(
        references.iter().any(|p| p.ends_with(".js")),
        "{references:?}"
    );
    assert!(
        references.iter().any(|p| p.ends_with(".css")),
        "{references:?}"
    );
    assert!(
        wasm.contains('-'),
        "build files carry a content hash: {wasm}"
    );
    for path in references
        .iter()
        .filter(|p| !p.starts_with("/favicon") && !p.starts_with("/icon"))
    {
        let response = client().get(url(path)).fetch().await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control"), YEAR, "{path}");
        let expected = match path.rsplit('.').next().unwrap() {
            "wasm" => "application/wasm",
            "js" => "text/javascript",
            "css" => "text/css",
            other => panic!("unexpected file type {other} in the shell"),
        };
        assert!(
            header(&response, "content-type").starts_with(expected),
            "{path}: {}",
            header(&response, "content-type")
        );
        assert!(!response.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn client_routes_deep_linked_by_url_get_the_shell() {
    let shell = text_of("/").await;
    for path in ["/exams", "/exams/sy0-701", "/some/unknown/page"] {
        let response = client().get(url(path)).fetch().await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        assert_eq!(response.text().await.unwrap(), shell, "{path}");
    }
}

#[tokio::test]
async fn static_files_are_served_with_the_one_year_cache() {
    for (path, content_type) in [
        ("/favicon.ico", "image/x-icon"),
        ("/robots.txt", "text/plain"),
        ("/icon.svg", "image/svg+xml"),
    ] {
        let response = client().get(url(path)).fetch().await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            header(&response, "cache-control").contains("max-age=31536000"),
            "{path}"
        );
        assert!(
            header(&response, "content-type").starts_with(content_type),
            "{path}"
        );
    }
}

#[tokio::test]
async fn head_gives_the_headers_without_the_body() {
    let get = client().get(url("/favicon.ico")).fetch().await;
    let length = get.bytes().await.unwrap().len();
    let head = client().head(url("/favicon.ico")).fetch().await;
    assert_eq!(head.status(), 200);
    assert_eq!(header(&head, "content-length"), length.to_string());
    assert_eq!(header(&head, "cache-control"), YEAR);
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_known_etag_gets_304_without_a_body() {
    for path in ["/favicon.ico", "/"] {
        let first = client().get(url(path)).fetch().await;
        let etag = header(&first, "etag");
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "{path}: {etag}"
        );
        let again = client()
            .get(url(path))
            .header("if-none-match", &etag)
            .fetch()
            .await;
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(header(&again, "etag"), etag);
        assert!(again.bytes().await.unwrap().is_empty());
        let stale = client()
            .get(url(path))
            .header("if-none-match", "\"not-the-etag\"")
            .fetch()
            .await;
        assert_eq!(stale.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn a_missing_file_is_a_json_404_not_the_shell() {
    let response = client()
        .get(url("/ptp-frontend-0000000000000000.js"))
        .fetch()
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(error_body(response).await.error.code, ErrorCode::NotFound);
}
