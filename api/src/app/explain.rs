//! `POST /api/v1/sessions/{id}/explanations`: "why was my answer wrong?" — a model explains the
//! learner's own recorded wrong answer, grounded in the question's official explanation. Kept
//! per question version and answer, so the next learner with the same mistake is answered at no
//! cost; metered per learner per UTC day; never while a mock holding the question runs.

use axum::Json;
use axum::extract::Path;
use ptp_domain::billing::{Allowance, Metered};
use ptp_domain::tutor;
use ptp_domain::{QuestionId, SessionId};
use ptp_shared as wire;

use crate::ai::{self, Call, INTERACTIVE, Purpose};
use crate::app::allowances;
use crate::app::current::Current;
use crate::app::json::ApiJson;
use crate::app::responses;
use crate::auth::access::{Scoped, SessionsWrite};
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::ai::{self as store, Given};

/// Enough for five sentences; the schema caps the text itself.
const MAX_TOKENS: u32 = 400;

/// Explains why the learner's recorded answer to a question of their session was wrong.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/explanations",
    operation_id = "post_session_explanations",
    tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    request_body = wire::ExplainMistake,
    responses(
        (status = 200, description = "The explanation, and the day's allowance after it", body = wire::MistakeExplanation),
        (status = 400, description = "Not the JSON asked for", body = ptp_shared::ErrorBody),
        responses::NoCredential,
        (status = 404, description = "No session of yours holds this question", body = ptp_shared::ErrorBody),
        (status = 409, description = "Not answered yet, answered right, or in a mock of yours still running", body = ptp_shared::ErrorBody),
        (status = 402, description = "The Free plan's AI explanations for today are used up (`details`: allowance, limit, remaining, renews_at)", body = ptp_shared::ErrorBody),
        (status = 429, description = "Pro's AI explanations for today are used up (`details.renews_at`)", body = ptp_shared::ErrorBody),
        (status = 502, description = "The model answered unusably; nothing was counted", body = ptp_shared::ErrorBody),
        (status = 503, description = "The model is unavailable; nothing was counted", body = ptp_shared::ErrorBody),
    ),
    security(("session" = []), ("api_key" = ["sessions:write"])),
)]
pub async fn explain_mistake<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<SessionsWrite>,
    Path(id): Path<String>,
    ApiJson(asked): ApiJson<wire::ExplainMistake>,
) -> Result<Json<wire::MistakeExplanation>, ApiError> {
    let not_found = || ApiError::NotFound("A question in a session of yours".into());
    let session_id = SessionId::parse(&id).map_err(|_| not_found())?;
    // An id no question could have is in no session of theirs.
    let question = QuestionId::parse(&asked.question).map_err(|_| not_found())?;
    let plans = allowances::plans(&platform)?;
    let db = platform.database()?;
    let now = platform.now_millis();
    let mistake = store::mistake(db, &session_id, &question, now)
        .await?
        .filter(|m| m.user_id == caller.user_id)
        .ok_or_else(not_found)?;
    if mistake.open_mock || mistake.in_running_mock {
        return Err(ApiError::Conflict(
            "Explanations open once your mock in progress is over.".into(),
        ));
    }
    let Some((answer, correct)) = mistake.answer else {
        return Err(ApiError::Conflict("Answer the question first.".into()));
    };
    if correct {
        return Err(ApiError::Conflict(
            "Your answer was right: there is no mistake to explain.".into(),
        ));
    }
    let standing = crate::store::billing::standing(db, &caller.user_id, now).await?;
    let plan = allowances::plan(plans, &standing, now);
    // Counted from the same rows the give below re-checks; asking again for the same mistake
    // the same day is free.
    let allowance = Allowance::of(
        &plans.plans,
        plan,
        Metered::AiExplanations,
        mistake.used_today,
        now,
    )
    .ok_or_else(|| ApiError::Internal("every plan limits AI explanations".into()))?;
    if !mistake.already_today {
        allowance.admit(1).map_err(|a| allowances::spent(&a, now))?;
    }
    let limit = allowance.limit;
    let (explanation, model, cached) = match mistake.kept {
        Some((explanation, model)) => (explanation, model, true),
        None => {
            let messages = tutor::prompt(&mistake.question.content, &answer);
            let call = Call {
                purpose: Purpose::Explain,
                messages: &messages,
                schema: ("mistake_explanation", tutor::schema()),
                max_tokens: MAX_TOKENS,
                patience: INTERACTIVE,
                second_opinion: false,
            };
            let answered = ai::complete(&platform, &call, |content| {
                tutor::parse(content).map_err(|err| err.to_string())
            })
            .await?;
            (answered.value, answered.model, false)
        }
    };
    let answer_json = serde_json::to_string(&answer)
        .map_err(|err| ApiError::Internal(format!("answer as JSON: {err}")))?;
    let given = Given {
        user_id: &caller.user_id,
        question: &mistake.question,
        answer_json: &answer_json,
        explanation: &explanation,
        model: &model,
        cached,
        limit,
        now_ms: now,
    };
    if !store::give(db, &given).await? {
        // Another request of theirs took the last one meanwhile.
        return Err(allowances::spent(
            &Allowance {
                used: limit,
                ..allowance
            },
            now,
        ));
    }
    let after = Allowance {
        used: (allowance.used + u32::from(!mistake.already_today)).min(limit),
        ..allowance
    };
    Ok(Json(wire::MistakeExplanation {
        question: mistake.question.id.to_string(),
        answer,
        text: explanation.as_str().to_string(),
        cached,
        allowance: allowances::view(&after),
    }))
}
