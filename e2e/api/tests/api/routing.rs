use ptp_shared::ErrorCode;

use crate::support::{Fetch, client, error_body, header, url};

#[tokio::test]
async fn unknown_api_routes_are_json_404s() {
    for path in [
        "/api/does-not-exist",
        "/api/v1/nothing/here",
        "/api/health/extra",
    ] {
        let response = client().get(url(path)).fetch().await;
        assert_eq!(response.status(), 404, "{path}");
        let body = error_body(response).await;
        assert_eq!(body.error.code, ErrorCode::NotFound, "{path}");
        assert!(!body.error.message.is_empty());
    }
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow_and_the_error_body() {
    for method in [
        reqwest::Method::POST,
        reqwest::Method::DELETE,
        reqwest::Method::PUT,
    ] {
        let response = client()
            .request(method.clone(), url("/api/health"))
            .fetch()
            .await;
        assert_eq!(response.status(), 405, "{method}");
        let allow = header(&response, "allow");
        assert!(
            allow.contains("GET") && allow.contains("HEAD"),
            "Allow: {allow}"
        );
        assert_eq!(
            error_body(response).await.error.code,
            ErrorCode::MethodNotAllowed
        );
    }
    let response = client().post(url("/")).fetch().await;
    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "allow"), "GET, HEAD");
}
