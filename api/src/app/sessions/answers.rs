//! `POST /api/v1/sessions/{id}/answers`: the hot path of a session, so it reads only the
//! answered question (not the whole session) and writes in one guarded transaction.

use axum::Json;
use axum::extract::Path;
use ptp_domain::ValidationError;
use ptp_domain::billing::{Metered, window};
use ptp_domain::schedule;
use ptp_domain::session::{Mode, Refusal};
use ptp_domain::{QuestionId, SessionId};
use ptp_shared as wire;

use crate::app::allowances;
use crate::app::current::Current;
use crate::app::json::ApiJson;
use crate::app::responses;
use crate::app::sessions::owned;
use crate::app::views;
use crate::auth::access::{Scoped, SessionsWrite};
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::answers::{self, NewAnswer};
use crate::store::billing;

/// A day: longer "time on a question" is a client bug, not a learner.
const MAX_ELAPSED_MS: u64 = 24 * 3600 * 1000;

/// Answers a question. Practice: graded at once with the key and explanation. Mock: recorded; it
/// may be changed while time remains, unless the exam is forward-only and the learner moved on.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/answers",
    operation_id = "post_session_answers",
    tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    request_body = wire::SubmitAnswer,
    responses(
        (status = 200, description = "Graded (practice) or recorded (mock)", body = wire::AnswerOutcome),
        (status = 400, description = "The question is not in this session, or the answer does not fit it", body = ptp_shared::ErrorBody),
        responses::NoCredential,
        (status = 402, description = "Practice: the Free plan's answers for today are used up (`details`: allowance, limit, remaining, renews_at)", body = ptp_shared::ErrorBody),
        responses::NoSuchSession,
        (status = 409, description = "Finished, time up, already answered (practice), moved on (forward-only), or (practice) the question is in a mock of yours still running", body = ptp_shared::ErrorBody),
    ),
    security(("session" = []), ("api_key" = ["sessions:write"])),
)]
pub async fn answer<P: Platform>(
    Current(platform): Current<P>,
    Scoped(caller, _): Scoped<SessionsWrite>,
    Path(id): Path<String>,
    ApiJson(submitted): ApiJson<wire::SubmitAnswer>,
) -> Result<Json<wire::AnswerOutcome>, ApiError> {
    let not_found = || ApiError::NotFound("A session of yours with this id".into());
    let session_id = SessionId::parse(&id).map_err(|_| not_found())?;
    let not_in_session = || ValidationError::new("question", "is not part of this session");
    // An id no question could have is in no session.
    let question = QuestionId::parse(&submitted.question).map_err(|_| not_in_session())?;
    let db = platform.database()?;
    let now = platform.now_millis();
    let data = answers::context(db, &session_id, &question, &caller.user_id, now)
        .await?
        .filter(|data| data.session.user_id == caller.user_id)
        .ok_or_else(not_found)?;
    if data.session.state().expired(now) {
        // Time ran out: finish the mock as of its deadline (which needs the whole session).
        owned(&platform, &caller, &id).await?;
        return Err(ApiError::Conflict(Refusal::TimeUp.message().into()));
    }
    let item = data.item.as_ref().ok_or_else(not_in_session)?;
    if submitted.elapsed_ms > MAX_ELAPSED_MS {
        return Err(ValidationError::new("elapsed_ms", "must be at most a day").into());
    }
    if data.in_running_mock {
        // Practice grades at once with the key; a running mock of theirs holds this question.
        return Err(ApiError::Conflict(
            "This question is also in your mock in progress; answer it there, and practise it once the mock is over."
                .into(),
        ));
    }
    let key = &item.question.key;
    let answer = key.parse_answer(&submitted.answer)?;
    let already = data.answered.contains(&item.question.id);
    data.session
        .state()
        .accept(item.position, already, now)
        .map_err(|refusal| ApiError::Conflict(refusal.message().into()))?;
    let plans = allowances::plans(&platform)?;
    let allowance = if data.session.mode == Mode::Practice {
        // Graded at once with the key: the plan's daily practice allowance counts it.
        allowances::admit_one(plans, &data.standing, Metered::PracticeAnswers, now)?
    } else {
        None
    };
    let credit = key.credit(&answer);
    let correct = credit.is_full();
    let card = (data.session.mode == Mode::Practice).then(|| {
        let grade = schedule::grade(
            correct,
            submitted.elapsed_ms,
            data.exam.rules.seconds_per_question(),
        );
        schedule::review(data.card.as_ref(), grade, now)
    });
    let stored = answer.ids();
    let new = NewAnswer {
        question: &item.question,
        position: item.position,
        answer: &stored,
        credit: credit.value(),
        correct,
        elapsed_ms: submitted.elapsed_ms,
        now_ms: now,
        card,
        practice_allowance: allowance.map(|a| {
            let since = window(Metered::PracticeAnswers).start_ms(now);
            (a.limit, crate::time::rfc3339(since))
        }),
    };
    if !answers::record(db, &data.session, &new).await? {
        if allowance.is_some() {
            // Another answer of theirs may have taken the last one meanwhile.
            let standing = billing::standing(db, &caller.user_id, now).await?;
            allowances::admit_one(plans, &standing, Metered::PracticeAnswers, now)?;
        }
        return Err(ApiError::Conflict(
            "The session changed meanwhile (finished, timed out or already answered); reload it."
                .into(),
        ));
    }
    Ok(Json(match data.session.mode {
        Mode::Practice => wire::AnswerOutcome::Graded {
            correct,
            credit: credit.value(),
            solution: views::solution(&item.question),
        },
        Mode::Mock => wire::AnswerOutcome::Recorded {
            question: item.question.id.to_string(),
            answered: (data.answered.len() + usize::from(!already)) as u32,
            total: data.total,
        },
    }))
}
