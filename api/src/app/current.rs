//! The platform serving this request. The router is built once per isolate and shared by its
//! requests (building it — every route with its layers — cost more CPU than a cached read), so
//! the platform, which holds per-request parts such as its timings, travels with the request
//! as an extension instead of as router state.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::ports::Platform;

pub struct Current<P>(pub P);

impl<P: Platform, S: Sync> FromRequestParts<S> for Current<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<P>()
            .cloned()
            .map(Current)
            .ok_or_else(|| ApiError::Internal("the request came without its platform".into()))
    }
}
