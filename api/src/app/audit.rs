//! The bank's history for admins: a question's versions and the audit log.

use axum::Json;
use axum::extract::Path;
use ptp_domain::{QuestionId, ValidationError};
use ptp_shared::{AuditPage, QuestionHistory};
use serde::Deserialize;

use crate::app::current::Current;
use crate::app::json::ApiQuery;
use crate::app::responses;
use crate::auth::access::Admin;
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::audit;

/// Versions a history lists at most (the newest).
const MAX_VERSIONS: u32 = 100;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries older than this entry id (the previous page's `next_before`).
    #[param(minimum = 1)]
    before: Option<u64>,
    /// Only entries about this target, e.g. `question:sy0-701-2.0-014` (at most 200 characters).
    #[param(max_length = 200)]
    target: Option<String>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// What admins did, newest first: actor, time, target and the change field by field.
#[utoipa::path(
    get,
    path = "/api/v1/admin/audit",
    operation_id = "get_admin_audit",
    tag = "admin",
    params(AuditQuery),
    responses(
        (status = 200, description = "One page of the log, newest first", body = AuditPage),
        (status = 400, description = "`limit`, `before` or `target` out of range", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn log<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ValidationError::new("limit", "must be between 1 and 200").into());
    }
    if query.before == Some(0) {
        return Err(ValidationError::new("before", "must be an entry id (1 or more)").into());
    }
    let target = query.target.as_deref().map(str::trim);
    if target.is_some_and(|t| t.is_empty() || t.chars().count() > 200) {
        return Err(ValidationError::new("target", "must be 1 to 200 characters").into());
    }
    let (entries, more) = audit::page(platform.database()?, query.before, target, limit).await?;
    let next_before = more.then(|| entries.last().map(|e| e.id)).flatten();
    Ok(Json(AuditPage {
        entries,
        next_before,
    }))
}

/// Every stored version of a question, newest first (the newest 100): what each learner's
/// answer was given against, and what an edit changed.
#[utoipa::path(
    get,
    path = "/api/v1/admin/questions/{id}/versions",
    operation_id = "get_admin_question_versions",
    tag = "admin",
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "The question's versions, newest first", body = QuestionHistory),
        responses::NoValidSession,
        responses::AdminsOnly,
        (status = 404, description = "No such question", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn versions<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    Path(id): Path<String>,
) -> Result<Json<QuestionHistory>, ApiError> {
    let no_such_question = || ApiError::NotFound(format!("The question {id:?}"));
    let question = QuestionId::parse(&id).map_err(|_| no_such_question())?;
    let versions = audit::versions(platform.database()?, &question, MAX_VERSIONS).await?;
    if versions.is_empty() {
        return Err(no_such_question());
    }
    Ok(Json(QuestionHistory {
        id: question.to_string(),
        versions,
    }))
}
