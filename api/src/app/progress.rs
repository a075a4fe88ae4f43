//! The learner's progress, readiness per exam, and what is due for review.

use axum::Json;
use axum::extract::Path;
use ptp_domain::DAY_MS;
use ptp_domain::readiness;
use ptp_domain::streak::streak;
use ptp_shared as wire;

use crate::app::allowances;
use crate::app::current::Current;
use crate::app::responses;
use crate::auth::access::{ProgressRead, Scoped};
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::{billing, progress};
use crate::time;

/// Days since the epoch of a `YYYY-MM-DD` day.
fn day_number(day: &str) -> Option<i64> {
    time::parse(&format!("{day}T00:00:00.000Z")).map(|ms| (ms / DAY_MS) as i64)
}

/// Totals, streak, accuracy by day and by domain (with the week's trend), attempts, due reviews.
#[utoipa::path(
    get,
    path = "/api/v1/me/progress",
    operation_id = "get_me_progress",
    tag = "progress",
    responses(
        (status = 200, description = "The caller's progress", body = wire::Progress),
        responses::NoCredential,
        responses::ProgressScope,
    ),
    security(("session" = []), ("api_key" = ["progress:read"])),
)]
pub async fn get_progress<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<ProgressRead>,
) -> Result<Json<wire::Progress>, ApiError> {
    let now = platform.now_millis();
    let data = progress::progress(platform.database()?, &caller.user_id, now).await?;
    let days: Vec<i64> = data.days.iter().filter_map(|d| day_number(d)).collect();
    Ok(Json(wire::Progress {
        answered: data.answered,
        correct: data.correct,
        streak_days: streak(&days, (now / DAY_MS) as i64),
        daily: data.daily,
        domains: data.domains,
        attempts: data.attempts,
        due_reviews: data.due,
    }))
}

/// The chance of passing the exam now, with an 80 % interval and the estimate per domain.
#[utoipa::path(
    get,
    path = "/api/v1/me/readiness/{exam}",
    operation_id = "get_me_readiness",
    tag = "progress",
    params(("exam" = String, Path, description = "Exam code")),
    responses(
        (status = 200, description = "Readiness", body = wire::Readiness),
        responses::NoCredential,
        responses::ProgressScope,
        responses::NoSuchExam,
    ),
    security(("session" = []), ("api_key" = ["progress:read"])),
)]
pub async fn get_readiness<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<ProgressRead>,
    Path(exam): Path<String>,
) -> Result<Json<wire::Readiness>, ApiError> {
    let code = crate::app::catalog::exam_code(&exam)?;
    let (record, evidence) = progress::readiness_evidence(
        platform.database()?,
        &caller.user_id,
        code.as_str(),
        platform.now_millis(),
    )
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("The exam {}", code.as_str())))?;
    let rules = &record.rules;
    let estimate = readiness::estimate(&evidence, &rules.scale, rules.question_count);
    Ok(Json(wire::Readiness {
        exam: record.code().to_string(),
        probability: estimate.probability,
        low: estimate.low,
        high: estimate.high,
        expected_score: estimate.expected_score,
        passing_score: rules.scale.pass,
        domains: estimate
            .domains
            .iter()
            .map(|d| wire::DomainReadiness {
                code: d.domain.clone(),
                name: record.domain_name(&d.domain),
                weight: record
                    .domains
                    .iter()
                    .find(|x| x.code == d.domain)
                    .map_or(0, |x| x.weight),
                estimate: d.mean,
                answers: d.answers,
            })
            .collect(),
        model: format!(
            "Per domain, a Beta estimate from your last {} answers there; weighted like the exam, with the exam's \
             own sampling noise, against the share of credit that passes ({:.0} %).",
            readiness::RECENT,
            rules.scale.raw_cut * 100.0
        ),
    }))
}

/// Days the readiness history covers.
const HISTORY_DAYS: u32 = 90;

/// Readiness day by day over the last 90 days (Pro): each day from the answers given by its end.
#[utoipa::path(
    get,
    path = "/api/v1/me/readiness/{exam}/history",
    operation_id = "get_me_readiness_history",
    tag = "progress",
    params(("exam" = String, Path, description = "Exam code")),
    responses(
        (status = 200, description = "Readiness per day, oldest first, from the first day with an answer", body = wire::ReadinessHistory),
        responses::NoCredential,
        (status = 402, description = "Readiness history comes with Pro (`details.feature`)", body = ptp_shared::ErrorBody),
        responses::ProgressScope,
        responses::NoSuchExam,
    ),
    security(("session" = []), ("api_key" = ["progress:read"])),
)]
pub async fn get_readiness_history<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<ProgressRead>,
    Path(exam): Path<String>,
) -> Result<Json<wire::ReadinessHistory>, ApiError> {
    let code = crate::app::catalog::exam_code(&exam)?;
    let db = platform.database()?;
    let now = platform.now_millis();
    let plans = allowances::plans(&platform)?;
    let standing = billing::standing(db, &caller.user_id, now).await?;
    if !plans
        .plans
        .limits(allowances::plan(plans, &standing, now))
        .readiness_history
    {
        return Err(ApiError::PlanFeature("readiness_history"));
    }
    let (record, answers) = progress::readiness_timeline(db, &caller.user_id, code.as_str(), now)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("The exam {}", code.as_str())))?;
    let rules = &record.rules;
    let domains: Vec<(String, u32)> = record
        .domains
        .iter()
        .map(|d| (d.code.clone(), d.weight))
        .collect();
    let days = readiness::history(
        &domains,
        &answers,
        &rules.scale,
        rules.question_count,
        now,
        HISTORY_DAYS,
    );
    Ok(Json(wire::ReadinessHistory {
        exam: record.code().to_string(),
        passing_score: rules.scale.pass,
        days: days
            .into_iter()
            .map(|(day, r)| wire::ReadinessDay {
                day: time::day(day),
                probability: r.probability,
                low: r.low,
                high: r.high,
                expected_score: r.expected_score,
            })
            .collect(),
    }))
}

/// How many review cards are due now, per exam, and when the next one falls due.
#[utoipa::path(
    get,
    path = "/api/v1/me/reviews/due",
    operation_id = "get_me_reviews_due",
    tag = "progress",
    responses(
        (status = 200, description = "Due reviews", body = wire::DueReviews),
        responses::NoCredential,
        responses::ProgressScope,
    ),
    security(("session" = []), ("api_key" = ["progress:read"])),
)]
pub async fn get_due<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<ProgressRead>,
) -> Result<Json<wire::DueReviews>, ApiError> {
    let (exams, next) =
        progress::due(platform.database()?, &caller.user_id, platform.now_millis()).await?;
    Ok(Json(wire::DueReviews {
        total: exams.iter().map(|e| e.due).sum(),
        exams,
        next_due_at: next,
    }))
}
