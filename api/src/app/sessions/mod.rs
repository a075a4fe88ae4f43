//! Practice and mock sessions: start, answer, flag, finish, review. The server owns the clock:
//! a mock past its deadline finishes itself (at the deadline) before anything else happens.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use ptp_domain::billing::Metered;
use ptp_domain::draw::{self, Shortfall};
use ptp_domain::plan;
use ptp_domain::session::{self, Mode};
use ptp_domain::{QuestionId, SessionId};
use ptp_shared as wire;
use serde_json::json;

use crate::app::allowances;
use crate::app::current::Current;
use crate::app::json::ApiJson;
use crate::auth::access::{Caller, Scoped, SessionsWrite};
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::catalog::ExamRecord;
use crate::store::draws;
use crate::store::sessions::{self as stored, NewSession, SessionData};

mod answers;
mod scoring;
mod view;

use crate::app::responses;
pub use answers::{__path_answer, answer};
use scoring::{close, settle};
use view::view;

fn seed() -> u64 {
    let bytes = crate::ids::random_bytes::<8>();
    u64::from_le_bytes(bytes)
}

fn shortfall_error(exam: &ExamRecord, count: u32, shortfall: &Shortfall) -> ApiError {
    let missing: u32 = shortfall
        .domains
        .iter()
        .map(|d| d.needed - d.available)
        .sum();
    let domains: Vec<_> = shortfall
        .domains
        .iter()
        .map(|d| json!({"domain": d.domain, "name": exam.domain_name(&d.domain), "needed": d.needed, "available": d.available}))
        .collect();
    ApiError::ConflictWith {
        message: format!(
            "The {} bank is {missing} question(s) short of a {count}-question mock weighted like the real exam; \
             choose fewer questions.",
            exam.code()
        ),
        details: json!({ "shortfall": missing, "domains": domains }),
    }
}

/// Starts a practice session (drawn by filter and domains) or a mock (drawn by domain weight,
/// timed at the real exam's pace).
#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    operation_id = "post_sessions",
    tag = "sessions",
    request_body = wire::StartSession,
    responses(
        (status = 201, description = "The new session with its questions", body = wire::SessionView),
        (status = 400, description = "Bad count, domain or option", body = ptp_shared::ErrorBody),
        responses::NoCredential,
        (status = 402, description = "Mock: the Free plan's mocks for this week are used up (`details`: allowance, limit, remaining, renews_at)", body = ptp_shared::ErrorBody),
        (status = 403, description = "The API key lacks `sessions:write`", body = ptp_shared::ErrorBody),
        responses::NoSuchExam,
        (status = 409, description = "No question matches, or the bank is too small for the mock (with the shortfall)", body = ptp_shared::ErrorBody),
        (status = 429, description = "Too many unfinished sessions started in the last day", body = ptp_shared::ErrorBody),
    ),
    security(("session" = []), ("api_key" = ["sessions:write"])),
)]
pub async fn start<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<SessionsWrite>,
    ApiJson(request): ApiJson<wire::StartSession>,
) -> Result<(StatusCode, Json<wire::SessionView>), ApiError> {
    let code = crate::app::catalog::exam_code(&request.exam)?;
    let asked = plan::Request {
        mode: request.mode,
        count: request.count,
        domains: request.domains.as_deref(),
        filter: request.filter,
    };
    // Before the database: every named domain becomes a parameter of the draw's query.
    asked.check_shape()?;
    let db = platform.database()?;
    let now = platform.now_millis();
    let (exam, candidates) = draws::candidates(
        db,
        code.as_str(),
        &caller.user_id,
        asked.mode,
        asked.filter.unwrap_or_default(),
        asked.domains,
        now,
    )
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("The exam {}", code.as_str())))?;
    let plan = asked.plan(&exam.rules)?;
    let questions = match plan.mode {
        Mode::Practice => {
            let drawn = draw::draw_practice(&candidates, plan.count, seed());
            if drawn.is_empty() {
                let why = match plan.filter {
                    wire::Filter::All => "no published questions match",
                    wire::Filter::Unseen => "you have answered every question that matches",
                    wire::Filter::Missed => "no question you missed matches — well done",
                    wire::Filter::Due => "nothing is due for review right now",
                };
                return Err(ApiError::Conflict(format!(
                    "Cannot start this practice: {why}."
                )));
            }
            drawn
        }
        Mode::Mock => draw::draw_mock(&candidates, &exam.rules.domains, plan.count, seed())
            .map_err(|s| shortfall_error(&exam, plan.count, &s))?,
    };
    if plan.mode == Mode::Mock {
        // Only a mock that could start counts: a bad request or a short bank is its own 4xx.
        let standing = crate::store::billing::standing(db, &caller.user_id, now).await?;
        let plans = allowances::plans(&platform)?;
        allowances::admit_one(plans, &standing, Metered::Mocks, now)?;
    }
    let new = NewSession {
        user_id: &caller.user_id,
        exam: code.as_str(),
        mode: plan.mode,
        filter: plan.filter,
        navigation: exam.rules.navigation,
        minutes: plan.minutes,
        now_ms: now,
    };
    let id = stored::create(db, &new, &questions).await?;
    let data = stored::load(db, &id, now)
        .await?
        .ok_or_else(|| ApiError::NotFound("The new session".into()))?;
    Ok((StatusCode::CREATED, Json(view(&data, now, false)?)))
}

/// The caller's session, finished first if its time ran out.
pub(crate) async fn owned<P: Platform>(
    platform: &P,
    caller: &Caller,
    id: &str,
) -> Result<SessionData, ApiError> {
    let not_found = || ApiError::NotFound("A session of yours with this id".into());
    // An id no session could have names none of the caller's either.
    let id = SessionId::parse(id).map_err(|_| not_found())?;
    let db = platform.database()?;
    let data = stored::load(db, &id, platform.now_millis())
        .await?
        .filter(|data| data.session.user_id == caller.user_id)
        .ok_or_else(not_found)?;
    settle(platform, data).await
}

/// One of the caller's sessions. A mock whose time ran out is finished (at its deadline) first.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}",
    operation_id = "get_session",
    tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The session", body = wire::SessionView),
        responses::NoCredential,
        responses::NoSuchSession,
    ),
    security(("session" = []), ("api_key" = ["sessions:write"])),
)]
pub async fn get_session<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<SessionsWrite>,
    Path(id): Path<String>,
) -> Result<Json<wire::SessionView>, ApiError> {
    let data = owned(&platform, &caller, &id).await?;
    Ok(Json(view(&data, platform.now_millis(), false)?))
}

/// Flags a question to come back to (or clears the flag).
#[utoipa::path(
    put,
    path = "/api/v1/sessions/{id}/flags/{question}",
    operation_id = "put_session_flags",
    tag = "sessions",
    params(("id" = String, Path, description = "Session id"), ("question" = String, Path, description = "Question id")),
    request_body = wire::SetFlag,
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "Malformed body", body = ptp_shared::ErrorBody),
        responses::NoCredential,
        (status = 404, description = "No such session of yours, or the question is not in it", body = ptp_shared::ErrorBody),
        (status = 409, description = "The session is finished", body = ptp_shared::ErrorBody),
    ),
    security(("session" = []), ("api_key" = ["sessions:write"])),
)]
pub async fn flag<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<SessionsWrite>,
    Path((id, question)): Path<(String, String)>,
    ApiJson(flag): ApiJson<wire::SetFlag>,
) -> Result<StatusCode, ApiError> {
    let data = owned(&platform, &caller, &id).await?;
    if data.session.finished_ms.is_some() {
        return Err(ApiError::Conflict(
            session::Refusal::Finished.message().into(),
        ));
    }
    let not_in_session = || ApiError::NotFound("This question in this session".into());
    let question = QuestionId::parse(&question).map_err(|_| not_in_session())?;
    if data.item(&question).is_none()
        || !stored::set_flag(
            platform.database()?,
            &data.session.id,
            &question,
            flag.flagged,
        )
        .await?
    {
        return Err(not_in_session());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Submits the session: scaled score, pass or fail (mocks) and results per domain. Finishing
/// twice returns the same result.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/finish",
    operation_id = "post_session_finish",
    tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The finished session with its result", body = wire::SessionView),
        responses::NoCredential,
        responses::NoSuchSession,
        (status = 409, description = "Answers kept arriving while it was being finished; finish it again", body = ptp_shared::ErrorBody),
    ),
    security(("session" = []), ("api_key" = ["sessions:write"])),
)]
pub async fn finish<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<SessionsWrite>,
    Path(id): Path<String>,
) -> Result<Json<wire::SessionView>, ApiError> {
    let mut data = owned(&platform, &caller, &id).await?;
    let now = platform.now_millis();
    if data.session.finished_ms.is_none() {
        close(&platform, &mut data, now).await?;
    }
    Ok(Json(view(&data, now, false)?))
}

/// A finished session question by question: the learner's answer, the key, the explanation.
#[utoipa::path(
    get,
    path = "/api/v1/sessions/{id}/review",
    operation_id = "get_session_review",
    tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "Every question with its solution and the credit earned", body = wire::SessionView),
        responses::NoCredential,
        responses::NoSuchSession,
        (status = 409, description = "The session is not finished yet", body = ptp_shared::ErrorBody),
    ),
    security(("session" = []), ("api_key" = ["sessions:write"])),
)]
pub async fn review<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<SessionsWrite>,
    Path(id): Path<String>,
) -> Result<Json<wire::SessionView>, ApiError> {
    let data = owned(&platform, &caller, &id).await?;
    if data.session.finished_ms.is_none() {
        return Err(ApiError::Conflict(
            "Finish the session to review it.".into(),
        ));
    }
    Ok(Json(view(&data, platform.now_millis(), true)?))
}

#[cfg(test)]
mod tests;
