//! AI drafting in the console: `POST /api/v1/admin/drafts` asks for drafted questions of an exam
//! domain (queued on TASK_QUEUE, within the admin's daily allowance); `GET` lists the newest
//! requests with each draft's QA report. Drafts that pass are questions in review: an admin
//! publishes or returns them through the console's usual status change.

use axum::Json;
use axum::http::StatusCode;
use ptp_domain::drafting::MAX_DRAFTS;
use ptp_domain::{ExamCode, ValidationError};
use ptp_shared as wire;

use crate::app::current::Current;
use crate::app::json::ApiJson;
use crate::app::responses;
use crate::auth::access::Admin;
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::drafts::{self as store, NewRequest, Requested};
use crate::tasks::{Task, Work};
use crate::time;
use ptp_domain::billing::Window;

/// Its name in error details and views.
const ALLOWANCE: &str = "ai_drafts";
const MAX_OBJECTIVE_CHARS: usize = 200;

fn allowance(limit: u32, used: u32, now_ms: u64) -> wire::Allowance {
    wire::Allowance {
        name: ALLOWANCE.into(),
        limit,
        used: used.min(limit),
        remaining: limit.saturating_sub(used),
        renews_at: time::rfc3339(Window::Day.renews_at_ms(now_ms)),
    }
}

fn drafts_per_day<P: Platform>(platform: &P) -> Result<u32, ApiError> {
    Ok(platform
        .settings()
        .ai
        .as_ref()
        .map_err(|err| ApiError::Misconfigured(err.clone()))?
        .drafts_per_day)
}

/// Asks a model for drafted questions; they are checked automatically, then wait for review.
#[utoipa::path(
    post,
    path = "/api/v1/admin/drafts",
    operation_id = "post_admin_drafts",
    tag = "admin",
    request_body = wire::RequestDrafts,
    responses(
        (status = 202, description = "Queued; `GET /api/v1/admin/drafts` shows how it went", body = wire::DraftRequestView),
        (status = 400, description = "A count outside 1–10, an objective over 200 characters, or an unknown exam domain", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::BrowserOnly,
        responses::AdminsOnly,
        (status = 429, description = "The admin's drafts for the day are used up (`details.renews_at`)", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn request_drafts<P: Platform>(
    Current(platform): Current<P>,
    Admin(admin): Admin,
    ApiJson(asked): ApiJson<wire::RequestDrafts>,
) -> Result<(StatusCode, Json<wire::DraftRequestView>), ApiError> {
    if !(1..=MAX_DRAFTS).contains(&asked.count) {
        return Err(ValidationError::new("count", "must be from 1 to 10").into());
    }
    let objective = asked
        .objective
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    if let Some(objective) = objective
        && (objective.chars().count() > MAX_OBJECTIVE_CHARS
            || objective.chars().any(char::is_control))
    {
        return Err(ValidationError::new(
            "objective",
            "must be one line of at most 200 characters",
        )
        .into());
    }
    let unknown = || ValidationError::new("domain", "is not a domain of this exam");
    let exam = ExamCode::parse(&asked.exam).map_err(|_| unknown())?;
    if asked.domain.is_empty() || asked.domain.len() > 16 {
        return Err(unknown().into());
    }
    let limit = drafts_per_day(&platform)?;
    let now = platform.now_millis();
    let db = platform.database()?;
    let new = NewRequest {
        admin: &admin.id,
        exam: exam.as_str(),
        domain: &asked.domain,
        objective,
        kind: asked.kind,
        count: asked.count,
        limit,
        now_ms: now,
    };
    let id = match store::request(db, &new).await? {
        Requested::Queued(id) => id,
        Requested::NoSuchDomain => return Err(unknown().into()),
        Requested::OverAllowance { used } => {
            let renews = Window::Day.renews_at_ms(now);
            return Err(ApiError::AllowanceSpent {
                name: ALLOWANCE,
                plan: None,
                limit,
                remaining: limit.saturating_sub(used),
                renews_at: time::rfc3339(renews),
                retry_after_secs: renews.saturating_sub(now).div_ceil(1000),
            });
        }
    };
    let task = Task {
        id: format!("drafts:{id}"),
        work: Work::DraftQuestions {
            request: id.clone(),
        },
    };
    if let Err(err) = platform.enqueue(&task).await {
        store::end(db, &id, "dead", "the task queue refused the request", now).await?;
        return Err(ApiError::Internal(format!("queueing {}: {err}", task.id)));
    }
    let view = store::list(db)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::Internal("the new request is not listed".into()))?;
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// The newest draft requests with every draft's QA report, and the caller's allowance left.
#[utoipa::path(
    get,
    path = "/api/v1/admin/drafts",
    operation_id = "get_admin_drafts",
    tag = "admin",
    responses(
        (status = 200, description = "The newest 20 requests, newest first", body = wire::DraftRequestList),
        responses::NoValidSession,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn list_drafts<P: Platform>(
    Current(platform): Current<P>,
    Admin(admin): Admin,
) -> Result<Json<wire::DraftRequestList>, ApiError> {
    let limit = drafts_per_day(&platform)?;
    let now = platform.now_millis();
    let db = platform.database()?;
    let requests = store::list(db).await?;
    let used = store::used_today(db, &admin.id, now).await?;
    Ok(Json(wire::DraftRequestList {
        requests,
        allowance: allowance(limit, used, now),
    }))
}
