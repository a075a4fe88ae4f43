//! The exam catalogue and the published question bank. Readable by anyone; solutions only for
//! questions the caller has answered, or for admins.

use axum::Json;
use axum::extract::Path;
use ptp_domain::ExamCode;
use ptp_shared::{ExamDetail, ExamList, QuestionList};
use serde::Deserialize;

use crate::app::current::Current;
use crate::app::json::ApiQuery;
use crate::app::{responses, views};
use crate::auth::access::{CatalogRead, MaybeScoped};
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::catalog;

/// Exam codes are matched case-insensitively (`sy0-701` is SY0-701); anything else is a 404.
pub fn exam_code(raw: &str) -> Result<ExamCode, ApiError> {
    ExamCode::parse(raw).map_err(|_| ApiError::NotFound(format!("The exam {raw:?}")))
}

/// Every exam on offer, with its rules and bank size.
#[utoipa::path(
    get,
    path = "/api/v1/exams",
    operation_id = "get_exams",
    tag = "catalogue",
    responses(
        (status = 200, description = "The catalogue", body = ExamList),
        responses::DatabaseUnavailable,
    ),
    security((), ("api_key" = ["catalog:read"])),
)]
pub async fn list_exams<P: Platform>(
    Current(platform): Current<P>,
) -> Result<Json<ExamList>, ApiError> {
    let exams = catalog::exams(platform.database()?).await?;
    Ok(Json(ExamList {
        exams: exams.iter().map(views::exam_summary).collect(),
    }))
}

/// `GET /api/exams`: the catalogue at the path the deployment smoke and load tests use.
#[utoipa::path(
    get,
    path = "/api/exams",
    operation_id = "get_exams_legacy",
    tag = "ops",
    responses(
        (status = 200, description = "The catalogue, as `GET /api/v1/exams`", body = ExamList),
        responses::DatabaseUnavailable,
    ),
    security(()),
)]
pub async fn list_exams_legacy<P: Platform>(
    platform: Current<P>,
) -> Result<Json<ExamList>, ApiError> {
    list_exams(platform).await
}

/// One exam: rules, domains with weights, and the published bank size per domain.
#[utoipa::path(
    get,
    path = "/api/v1/exams/{code}",
    operation_id = "get_exam",
    tag = "catalogue",
    params(("code" = String, Path, description = "Exam code, e.g. SY0-701")),
    responses(
        (status = 200, description = "The exam", body = ExamDetail),
        responses::NoSuchExam,
    ),
    security((), ("api_key" = ["catalog:read"])),
)]
pub async fn get_exam<P: Platform>(
    Current(platform): Current<P>,
    Path(code): Path<String>,
) -> Result<Json<ExamDetail>, ApiError> {
    let code = exam_code(&code)?;
    let record = catalog::exam(platform.database()?, code.as_str())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("The exam {}", code.as_str())))?;
    Ok(Json(views::exam_detail(&record)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionQuery {
    /// Only this domain's questions, e.g. `2.0`.
    domain: Option<String>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

fn limit(value: Option<u32>, default: u32) -> Result<u32, ApiError> {
    let limit = value.unwrap_or(default);
    if (1..=100).contains(&limit) {
        Ok(limit)
    } else {
        Err(ptp_domain::ValidationError::new("limit", "must be between 1 and 100").into())
    }
}

/// Published questions of an exam. Keys and explanations appear only for questions the caller
/// has answered (or to admins), and never for a question of a mock of theirs still running.
#[utoipa::path(
    get,
    path = "/api/v1/exams/{code}/questions",
    operation_id = "get_exam_questions",
    tag = "catalogue",
    params(("code" = String, Path, description = "Exam code"), QuestionQuery),
    responses(
        (status = 200, description = "Questions", body = QuestionList),
        responses::LimitOutOfRange,
        (status = 403, description = "The API key lacks `catalog:read`", body = ptp_shared::ErrorBody),
        (status = 404, description = "No such exam or domain", body = ptp_shared::ErrorBody),
    ),
    security((), ("session" = []), ("api_key" = ["catalog:read"])),
)]
pub async fn list_questions<P: Platform>(
    Current(platform): Current<P>,
    MaybeScoped(caller, _): MaybeScoped<CatalogRead>,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<QuestionQuery>,
) -> Result<Json<QuestionList>, ApiError> {
    let code = exam_code(&code)?;
    let limit = limit(query.limit, 20)?;
    let db = platform.database()?;
    let exam = catalog::exam(db, code.as_str())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("The exam {}", code.as_str())))?;
    if let Some(domain) = &query.domain
        && !exam.domains.iter().any(|d| &d.code == domain)
    {
        return Err(ApiError::NotFound(format!(
            "The domain {domain:?} of {}",
            code.as_str()
        )));
    }
    let viewer = caller.as_ref().map(|c| &c.user_id);
    let found = catalog::published(
        db,
        Some(code.as_str()),
        query.domain.as_deref(),
        viewer,
        limit,
        platform.now_millis(),
    )
    .await?;
    Ok(Json(QuestionList {
        questions: found
            .iter()
            .map(|(q, reveal)| views::question_view(q, *reveal))
            .collect(),
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LegacyQuery {
    /// 1–100, default 10.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// `GET /api/questions?limit=N`: published questions across exams, never with solutions, at the
/// path the deployment smoke and load tests use.
#[utoipa::path(
    get,
    path = "/api/questions",
    operation_id = "get_questions_legacy",
    tag = "ops",
    params(LegacyQuery),
    responses(
        (status = 200, description = "Questions", body = QuestionList),
        responses::LimitOutOfRange,
    ),
    security(()),
)]
pub async fn list_questions_legacy<P: Platform>(
    Current(platform): Current<P>,
    ApiQuery(query): ApiQuery<LegacyQuery>,
) -> Result<Json<QuestionList>, ApiError> {
    let limit = limit(query.limit, 10)?;
    let found = catalog::published(
        platform.database()?,
        None,
        None,
        None,
        limit,
        platform.now_millis(),
    )
    .await?;
    Ok(Json(QuestionList {
        questions: found
            .iter()
            .map(|(q, _)| views::question_view(q, false))
            .collect(),
    }))
}
