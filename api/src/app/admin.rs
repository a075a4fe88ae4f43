//! Administration. Every route here takes an [`Admin`]: learners get 403.

use axum::Json;
use axum::extract::State;
use ptp_domain::ValidationError;
use ptp_shared::UserList;
use serde::Deserialize;

use crate::app::json::ApiQuery;
use crate::auth::access::Admin;
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::users;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// 1–200, default 50.
    limit: Option<u32>,
    offset: Option<u32>,
}

/// Everyone with an account or a guest session, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/admin/users",
    operation_id = "get_admin_users",
    tag = "admin",
    params(Page),
    responses(
        (status = 200, description = "One page of users", body = UserList),
        (status = 400, description = "`limit` out of range", body = ptp_shared::ErrorBody),
        (status = 401, description = "No valid session", body = ptp_shared::ErrorBody),
        (status = 403, description = "Not an administrator", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn list_users<P: Platform>(
    State(platform): State<P>,
    Admin(_admin): Admin,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<UserList>, ApiError> {
    let limit = page.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ValidationError::new("limit", "must be between 1 and 200").into());
    }
    let offset = page.offset.unwrap_or(0);
    let (found, more) = users::list(platform.database()?, limit, offset).await?;
    Ok(Json(UserList {
        users: found.iter().map(users::UserRecord::to_summary).collect(),
        next_offset: more.then_some(offset + limit),
    }))
}
