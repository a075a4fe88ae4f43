//! The published contract: OpenAPI 3.1 and the human docs page.

use crate::support::{Fetch, client, header, text_of, url};

#[tokio::test]
async fn the_openapi_document_describes_every_operation() {
    let response = client().get(url("/api/v1/openapi.json")).fetch().await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type").starts_with("application/json"));
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/health",
        "/api/v1/me",
        "/api/v1/me/api-keys",
        "/api/v1/auth/google/start",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    assert!(doc["components"]["securitySchemes"]["session"].is_object());
}

#[tokio::test]
async fn the_docs_page_is_served_from_our_own_files() {
    let html = text_of("/api/docs").await;
    assert!(html.contains("PingToPass API"));
    assert!(html.contains("curl"), "with curl examples");
    assert!(
        !html.contains("https://cdn") && !html.contains("unpkg") && !html.contains("jsdelivr"),
        "no CDN"
    );
    let script = html
        .split("src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let response = client().get(url(script)).fetch().await;
    assert_eq!(response.status(), 200, "{script}");
    assert!(header(&response, "content-type").starts_with("text/javascript"));
}
