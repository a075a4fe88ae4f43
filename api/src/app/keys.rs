//! A member's API keys: create (the secret is shown once), list, revoke.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use ptp_domain::KeyId;
use ptp_domain::{ApiKeyName, ValidationError};
use ptp_shared::{ApiKeyList, CreateApiKey, CreatedApiKey};

use crate::app::current::Current;
use crate::app::json::ApiJson;
use crate::app::responses;
use crate::auth::access::Member;
use crate::auth::api_keys;
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::api_keys as store;

/// The caller's keys, newest first, revoked ones included. Never the secrets.
#[utoipa::path(
    get,
    path = "/api/v1/me/api-keys",
    operation_id = "get_me_api_keys",
    tag = "api keys",
    responses(
        (status = 200, description = "The caller's keys", body = ApiKeyList),
        responses::NoValidSession,
        (status = 403, description = "A guest or an API key", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn list_keys<P: Platform>(
    Current(platform): Current<P>,
    Member(caller): Member,
) -> Result<Json<ApiKeyList>, ApiError> {
    Ok(Json(ApiKeyList {
        keys: store::list(platform.database()?, &caller.user_id).await?,
    }))
}

/// Creates an API key.
///
/// The response holds the secret: it is not stored and cannot be shown again.
#[utoipa::path(
    post,
    path = "/api/v1/me/api-keys",
    operation_id = "post_me_api_keys",
    tag = "api keys",
    request_body = CreateApiKey,
    responses(
        (status = 201, description = "The key and its secret, shown this once", body = CreatedApiKey),
        (status = 400, description = "Empty name or no scopes", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::MembersOnly,
        (status = 409, description = "Too many active keys", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn create_key<P: Platform>(
    Current(platform): Current<P>,
    Member(caller): Member,
    ApiJson(request): ApiJson<CreateApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let name = ApiKeyName::parse(&request.name)?;
    let mut scopes = request.scopes.clone();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(ValidationError::new("scopes", "must name at least one scope").into());
    }
    let auth = platform.settings().auth.clone()?;
    let new = api_keys::generate();
    let hash = api_keys::hash(&auth.api_key_secret, &new.secret);
    let key = store::create(
        platform.database()?,
        &caller.user_id,
        &name,
        &scopes,
        &new.hint,
        &hash,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            key,
            secret: new.secret,
        }),
    ))
}

/// Revokes a key: requests with it fail from the next one on.
#[utoipa::path(
    delete,
    path = "/api/v1/me/api-keys/{id}",
    operation_id = "delete_me_api_keys",
    tag = "api keys",
    params(("id" = String, Path, description = "The key's id")),
    responses(
        (status = 204, description = "Revoked"),
        responses::NoValidSession,
        responses::MembersOnly,
        (status = 404, description = "No active key of yours has this id", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn revoke_key<P: Platform>(
    Current(platform): Current<P>,
    Member(caller): Member,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let not_found = || ApiError::NotFound("An active API key with this id".into());
    // An id no key could have names none of the caller's either.
    let id = KeyId::parse(&id).map_err(|_| not_found())?;
    if store::revoke(platform.database()?, &caller.user_id, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

/// Revokes every active key of the member at once (beside "sign out everywhere"): requests with
/// any of them fail from the next one on.
#[utoipa::path(
    delete,
    path = "/api/v1/me/api-keys",
    operation_id = "delete_me_api_keys_all",
    tag = "api keys",
    responses(
        (status = 200, description = "Every active key is revoked", body = ptp_shared::KeysRevoked),
        responses::NoValidSession,
        responses::MembersOnly,
    ),
    security(("session" = [])),
)]
pub async fn revoke_all_keys<P: Platform>(
    Current(platform): Current<P>,
    Member(caller): Member,
) -> Result<Json<ptp_shared::KeysRevoked>, ApiError> {
    let revoked = store::revoke_all(platform.database()?, &caller.user_id).await?;
    Ok(Json(ptp_shared::KeysRevoked { revoked }))
}
