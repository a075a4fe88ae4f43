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
use crate::app::responses;
use crate::auth::access::{Admin, Session};
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::{catalog, reports};
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
    /// The last report of the previous page (its `next_after`).
    #[param(max_length = 64)]
    after: Option<String>,
    /// 1–100, default 50.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// The report queue, oldest first, a page at a time (a flood of reports cannot hide the rest).
#[utoipa::path(
    get,
    path = "/api/v1/admin/reports",
    operation_id = "get_admin_reports",
    tag = "admin",
    params(ReportFilter),
    responses(
        (status = 200, description = "One page of reports", body = wire::ReportList),
        (status = 400, description = "`limit` out of range, or `after` is not a report id", body = ptp_shared::ErrorBody),
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
    let (found, more) = reports::list(platform.database()?, status, after, limit).await?;
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

/// The fields an edit changed, each as `[before, after]`, for the audit log.
fn content_diff(before: &Content, after: &Content) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::json;
    let pairs = [
        ("stem", json!(before.stem), json!(after.stem)),
        ("choices", json!(before.choices), json!(after.choices)),
        ("key", json!(before.key), json!(after.key)),
        (
            "explanation",
            json!(before.explanation),
            json!(after.explanation),
        ),
        (
            "references",
            json!(before.references),
            json!(after.references),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, was, is)| was != is)
        .map(|(field, was, is)| (field.to_string(), json!([was, is])))
        .collect()
}

/// Closes a report: `resolve` with the corrected question (a new version of it) or `dismiss`.
#[utoipa::path(
    post,
    path = "/api/v1/admin/reports/{id}/resolve",
    operation_id = "post_admin_report_resolve",
    tag = "admin",
    params(("id" = String, Path, description = "Report id")),
    request_body = wire::ResolveReport,
    responses(
        (status = 200, description = "The closed report", body = wire::ReportView),
        (status = 400, description = "The edit breaks the question, or `resolve` without an edit", body = ptp_shared::ErrorBody),
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
            let diff = content_diff(&question.content, &after);
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
        (wire::Resolution::Dismiss, _) => {
            (wire::ReportStatus::Dismissed, None, serde_json::Map::new())
        }
    };
    diff.insert(
        "status".into(),
        serde_json::json!(["open", status.as_str()]),
    );
    diff.insert("question".into(), report.question.clone().into());
    diff.insert("note".into(), note.clone().into());
    let diff = serde_json::Value::Object(diff);
    let closing = reports::Closing {
        status,
        note: &note,
        admin_id: &admin.id,
        change: change.as_ref().map(|(content, base)| (content, *base)),
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
