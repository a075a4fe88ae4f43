//! `ApiJson<T>`: axum's JSON extractor with its rejections mapped to our error body, so malformed
//! input gets a 4xx `{"error":…}` like every other failure. Every request body is a JSON object:
//! serde would also read a struct from an array of its fields (`[null, null]`), which the
//! contract does not allow, so anything else is refused first.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<serde_json::Value>::from_request(request, state).await {
            Ok(axum::Json(value)) if value.is_object() => serde_json::from_value(value)
                .map(Self)
                .map_err(|err| ApiError::MalformedJson(err.to_string())),
            Ok(axum::Json(_)) => Err(ApiError::MalformedJson(
                "the body must be a JSON object".into(),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType),
            Err(JsonRejection::BytesRejection(rejection))
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::PayloadTooLarge)
            }
            Err(rejection) => Err(ApiError::MalformedJson(rejection.body_text())),
        }
    }
}

/// `ApiQuery<T>`: axum's query extractor with its rejections mapped to our error body.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection| {
                ApiError::BadRequest(format!("Invalid query string: {}", rejection.body_text()))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{block_on, read_error};
    use axum::Router;
    use axum::body::Body;
    use axum::routing::post;
    use tower_service::Service;

    #[derive(serde::Deserialize)]
    struct Answer {
        #[allow(dead_code)]
        choice: u8,
    }

    fn send(content_type: Option<&str>, body: &str) -> (u16, String) {
        let mut app: Router = Router::new().route(
            "/answers",
            post(|ApiJson(_): ApiJson<Answer>| async { "recorded" }),
        );
        let mut request = Request::post("/answers");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response =
            block_on(app.call(request.body(Body::from(body.to_string())).unwrap())).unwrap();
        let status = response.status().as_u16();
        if status == 200 {
            (status, String::new())
        } else {
            (status, read_error(response).error.message)
        }
    }

    #[test]
    fn well_formed_json_reaches_the_handler() {
        assert_eq!(send(Some("application/json"), r#"{"choice": 2}"#).0, 200);
    }

    #[test]
    fn broken_or_mistyped_json_is_a_400_with_the_error_body() {
        for body in [
            r#"{"choice": "#,
            r#"{"choice": "two"}"#,
            "[]",
            "[2]",
            "2",
            "",
        ] {
            let (status, message) = send(Some("application/json"), body);
            assert_eq!(status, 400, "{body:?}");
            assert!(message.contains("not valid JSON"), "{message}");
        }
    }

    #[test]
    fn a_body_that_is_not_declared_json_is_a_415() {
        assert_eq!(send(Some("text/plain"), r#"{"choice": 2}"#).0, 415);
        assert_eq!(send(None, r#"{"choice": 2}"#).0, 415);
    }
}
