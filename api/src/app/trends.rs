//! `GET /api/v1/exams/{code}/trends`: the exam's current trend card from X, made hourly by the
//! trends job (`jobs::trends`); none when the last day had too few posts.

use axum::Json;
use axum::extract::Path;
use ptp_domain::HOUR_MS;
use ptp_shared::ExamTrends;

use crate::app::catalog::exam_code;
use crate::app::current::Current;
use crate::app::responses;
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::trends;
use crate::time;

/// A card older than this is no longer "now" and is not shown.
const FRESH_HOURS: u64 = 26;

/// What candidates say about the exam on X: a model's summary of the last day's posts, with
/// links to the posts it is drawn from and the hour it was made.
#[utoipa::path(
    get,
    path = "/api/v1/exams/{code}/trends",
    operation_id = "get_exam_trends",
    tag = "catalogue",
    params(("code" = String, Path, description = "Exam code, e.g. SY0-701")),
    responses(
        (status = 200, description = "The current card, or none", body = ExamTrends),
        responses::NoSuchExam,
    ),
    security((), ("api_key" = ["catalog:read"])),
)]
pub async fn get_exam_trends<P: Platform>(
    Current(platform): Current<P>,
    Path(code): Path<String>,
) -> Result<Json<ExamTrends>, ApiError> {
    let code = exam_code(&code)?;
    let since = time::rfc3339(platform.now_millis().saturating_sub(FRESH_HOURS * HOUR_MS));
    let card = trends::latest(platform.database()?, code.as_str(), &since[..13])
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("The exam {}", code.as_str())))?;
    Ok(Json(ExamTrends {
        exam: code.as_str().to_string(),
        card,
    }))
}
