//! Learners report problems with questions; admins work through the queue.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use ptp_domain::ValidationError;
use ptp_domain::content::{Content, Draft};
use ptp_domain::{QuestionId, ReportId};
use ptp_shared as wire;
use serde::Deserialize;

use crate::app::current::Current;
use crate::app::json::{ApiJson, ApiQuery};
use crate::app::{responses, views};
use crate::auth::access::{Admin, Session};
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::{audit, authoring, catalog, reports};
use ptp_domain::rate_limit::REPORTS;

const MAX_DETAILS: usize = 2_000;

/// Reports a problem with a question (wrong key, unclear, typo, outdated).
#[utoipa::path(
    post,
    path = "/api/v1/questions/{id}/reports",
    operation_id = "post_question_reports",
    tag = "reports",
    params(("id" = String, Path, description = "Question id")),
    request_body = wire::ReportQuestion,
    responses(
        (status = 201, description = "Filed for the admins", body = wire::ReportView),
        (status = 400, description = "Unknown reason or details too long", body = ptp_shared::ErrorBody),
        responses::NoSession,
        responses::BrowserOnly,
        (status = 404, description = "No published question has this id", body = ptp_shared::ErrorBody),
        (status = 429, description = "Too many reports from you in the last day", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn report<P: Platform>(
    Current(platform): Current<P>,
    Session(caller): Session,
    Path(id): Path<String>,
    ApiJson(report): ApiJson<wire::ReportQuestion>,
) -> Result<(StatusCode, Json<wire::ReportView>), ApiError> {
    let details = report.details.trim();
    if details.chars().count() > MAX_DETAILS {
        return Err(ValidationError::new(
            "details",
            format!("must be at most {MAX_DETAILS} characters"),
        )
        .into());
    }
    let no_such_question = || ApiError::NotFound(format!("The question {id:?}"));
    let question = QuestionId::parse(&id).map_err(|_| no_such_question())?;
    let now = platform.now_millis();
    let db = platform.database()?;
    match reports::create(db, &question, &caller.user_id, report.reason, details, now).await? {
        reports::Filed::Report(filed) => Ok((StatusCode::CREATED, Json(filed))),
        reports::Filed::NoSuchQuestion => Err(no_such_question()),
        reports::Filed::OverQuota { oldest_ms } => Err(ApiError::QuotaExceeded {
            quota: REPORTS,
            retry_after_secs: REPORTS.retry_after_secs(oldest_ms, now),
        }),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportFilter {
    /// Default `open`.
    status: Option<wire::ReportStatus>,
    /// Only reports on this exam's questions.
    #[param(max_length = 32)]
    exam: Option<String>,
    reason: Option<wire::ReportReason>,
    /// The last report of the previous page (its `next_after`).
    #[param(max_length = 64)]
    after: Option<String>,
    /// 1–100, default 50.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// The report queue, oldest first, a page at a time (a flood of reports cannot hide the rest),
/// by state, exam and reason.
#[utoipa::path(
    get,
    path = "/api/v1/admin/reports",
    operation_id = "get_admin_reports",
    tag = "admin",
    params(ReportFilter),
    responses(
        (status = 200, description = "One page of reports", body = wire::ReportList),
        (status = 400, description = "`limit` or `exam` out of range, or `after` is not a report id", body = ptp_shared::ErrorBody),
        responses::NoSession,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn list_reports<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    ApiQuery(filter): ApiQuery<ReportFilter>,
) -> Result<Json<wire::ReportList>, ApiError> {
    let status = filter.status.unwrap_or(wire::ReportStatus::Open);
    let limit = filter.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ValidationError::new("limit", "must be between 1 and 100").into());
    }
    let after = filter.after.as_deref();
    if after.is_some_and(|id| id.is_empty() || id.len() > 64) {
        return Err(ValidationError::new("after", "must be a report id (1–64 characters)").into());
    }
    if filter
        .exam
        .as_ref()
        .is_some_and(|exam| exam.is_empty() || exam.len() > 32)
    {
        return Err(ValidationError::new("exam", "must be an exam code (1–32 characters)").into());
    }
    let queue = reports::Queue {
        status,
        exam: filter.exam.as_deref(),
        reason: filter.reason,
    };
    let (found, more) = reports::list(platform.database()?, &queue, after, limit).await?;
    let next_after = more.then(|| found.last().map(|r| r.id.clone())).flatten();
    Ok(Json(wire::ReportList {
        reports: found,
        next_after,
    }))
}

/// An admin's note on a closed report: 1 to 2,000 characters.
const MAX_NOTE: usize = 2_000;

fn note(value: &str) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Err(ValidationError::new("note", "must not be empty"))
    } else if trimmed.chars().count() > MAX_NOTE {
        Err(ValidationError::new(
            "note",
            format!("must be at most {MAX_NOTE} characters"),
        ))
    } else {
        Ok(trimmed.to_string())
    }
}

/// The question after an admin's edit, held to the rules every question keeps.
fn edited(
    question: &catalog::QuestionRecord,
    edit: &wire::QuestionEdit,
) -> Result<Content, ValidationError> {
    let stored = &question.content;
    Content::parse(Draft {
        kind: stored.kind,
        stem: edit.stem.as_deref().unwrap_or(&stored.stem),
        choices: edit.choices.as_deref().unwrap_or(&stored.choices),
        key: edit.key.as_deref().unwrap_or(&stored.key),
        explanation: edit.explanation.as_deref().unwrap_or(&stored.explanation),
        references: edit.references.as_deref().unwrap_or(&stored.references),
    })
}

/// Closes a report: `resolve` with the corrected question (a new version of it), `dismiss`
/// (rejected, the reason in `note`) or `duplicate` of another report on the question.
#[utoipa::path(
    post,
    path = "/api/v1/admin/reports/{id}/resolve",
    operation_id = "post_admin_report_resolve",
    tag = "admin",
    params(("id" = String, Path, description = "Report id")),
    request_body = wire::ResolveReport,
    responses(
        (status = 200, description = "The closed report", body = wire::ReportView),
        (status = 400, description = "The edit breaks the question, `resolve` without an edit, or `duplicate` of no other report on the question", body = ptp_shared::ErrorBody),
        responses::NoSession,
        responses::AdminsOnly,
        (status = 404, description = "No such report", body = ptp_shared::ErrorBody),
        (status = 409, description = "The report is already closed, or its question changed since it was read", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn resolve<P: Platform>(
    Current(platform): Current<P>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(resolution): ApiJson<wire::ResolveReport>,
) -> Result<Json<wire::ReportView>, ApiError> {
    let no_such_report = || ApiError::NotFound(format!("The report {id:?}"));
    let report_id = ReportId::parse(&id).map_err(|_| no_such_report())?;
    let db = platform.database()?;
    let report = reports::get(db, &report_id)
        .await?
        .ok_or_else(no_such_report)?;
    if report.status != wire::ReportStatus::Open {
        return Err(ApiError::Conflict("This report is already closed.".into()));
    }
    let note = note(&resolution.note)?;
    let (status, change, mut diff) = match (resolution.resolution, &resolution.edit) {
        (wire::Resolution::Resolve, Some(edit)) => {
            let question = catalog::question(db, &QuestionId::trusted(report.question.clone()))
                .await?
                .ok_or_else(|| ApiError::NotFound("The reported question".into()))?;
            let after = edited(&question, edit)?;
            let diff = crate::app::authoring::content_diff(&question.content, &after);
            (
                wire::ReportStatus::Resolved,
                Some((after, question.version)),
                diff,
            )
        }
        (wire::Resolution::Resolve, None) => {
            return Err(ValidationError::new(
                "edit",
                "resolving a report means correcting the question; dismiss it otherwise",
            )
            .into());
        }
        (wire::Resolution::Dismiss | wire::Resolution::Duplicate, _) => {
            (wire::ReportStatus::Dismissed, None, serde_json::Map::new())
        }
    };
    let duplicate_of = match (resolution.resolution, resolution.duplicate_of.as_deref()) {
        (wire::Resolution::Duplicate, Some(other)) => {
            let earlier = ReportId::parse(other)
                .ok()
                .filter(|other| other.as_str() != report.id);
            let earlier = match earlier {
                Some(earlier) => reports::get(db, &earlier).await?,
                None => None,
            };
            match earlier {
                Some(earlier) if earlier.question == report.question => Some(earlier.id),
                _ => {
                    return Err(ValidationError::new(
                        "duplicate_of",
                        "must be another report on the same question",
                    )
                    .into());
                }
            }
        }
        (wire::Resolution::Duplicate, None) => {
            return Err(
                ValidationError::new("duplicate_of", "names the report this one repeats").into(),
            );
        }
        _ => None,
    };
    diff.insert(
        "status".into(),
        serde_json::json!(["open", status.as_str()]),
    );
    diff.insert("question".into(), report.question.clone().into());
    if let Some(earlier) = &duplicate_of {
        diff.insert("duplicate_of".into(), earlier.clone().into());
    }
    diff.insert("note".into(), note.clone().into());
    let diff = serde_json::Value::Object(diff);
    let closing = reports::Closing {
        status,
        note: &note,
        admin_id: &admin.id,
        change: change.as_ref().map(|(content, base)| (content, *base)),
        duplicate_of: duplicate_of.as_deref(),
        diff: &diff,
    };
    if !reports::close(db, &report, &closing, platform.now_millis()).await? {
        return Err(ApiError::Conflict(
            "This report was closed, or its question changed, meanwhile; reload it and try again."
                .into(),
        ));
    }
    if change.is_some() {
        // The question's published text changed: no cached catalogue read may show the old one.
        crate::app::caching::purge_catalog(&platform).await;
    }
    let closed = reports::get(db, &report_id)
        .await?
        .ok_or_else(no_such_report)?;
    Ok(Json(closed))
}

/// A report with the question as it is now, the version it was filed against and the
/// reporter's answer.
#[utoipa::path(
    get,
    path = "/api/v1/admin/reports/{id}",
    operation_id = "get_admin_report",
    tag = "admin",
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 200, description = "The report and its question", body = wire::ReportDetail),
        responses::NoSession,
        responses::AdminsOnly,
        (status = 404, description = "No such report", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn get_report<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    Path(id): Path<String>,
) -> Result<Json<wire::ReportDetail>, ApiError> {
    let no_such_report = || ApiError::NotFound(format!("The report {id:?}"));
    let report_id = ReportId::parse(&id).map_err(|_| no_such_report())?;
    let db = platform.database()?;
    let report = reports::get(db, &report_id)
        .await?
        .ok_or_else(no_such_report)?;
    let question_id = QuestionId::trusted(report.question.clone());
    let question = authoring::get(db, &question_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("report {id} of a missing question")))?;
    let reported = audit::version(db, &question_id, report.question_version)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("report {id}: its version is not kept")))?;
    let answer = reports::reporter_answer(db, &report_id).await?;
    Ok(Json(wire::ReportDetail {
        report,
        question: views::admin_question(&question),
        reported,
        answer,
    }))
}

/// Reports the caller filed, newest first (up to 100), with what became of each.
#[utoipa::path(
    get,
    path = "/api/v1/me/reports",
    operation_id = "get_me_reports",
    tag = "reports",
    responses(
        (status = 200, description = "The caller's reports", body = wire::MyReports),
        responses::NoSession,
    ),
    security(("session" = [])),
)]
pub async fn my_reports<P: Platform>(
    Current(platform): Current<P>,
    Session(caller): Session,
) -> Result<Json<wire::MyReports>, ApiError> {
    let reports = reports::mine(platform.database()?, &caller.user_id, 100).await?;
    Ok(Json(wire::MyReports { reports }))
}
