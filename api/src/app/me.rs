//! The learner's own account: profile, export, deletion.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ptp_domain::{DailyGoal, DisplayName, ExamCode, UserId, ValidationError};
use ptp_shared::{AccountExport, DeleteMe, Me, UpdateMe};

use crate::app::allowances;
use crate::app::current::Current;
use crate::app::json::ApiJson;
use crate::app::{responses, views};
use crate::auth::access::{Member, ProfileRead, Scoped, Session};
use crate::auth::session;
use crate::billing::{Stripe, StripeError};
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::{api_keys, billing, progress, users};

/// The caller's profile. Browsers, and API keys with `profile:read`.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "get_me",
    tag = "account",
    responses(
        (status = 200, description = "The caller's profile", body = Me),
        (status = 401, description = "No valid session or API key", body = ptp_shared::ErrorBody),
        (status = 403, description = "The API key lacks `profile:read`", body = ptp_shared::ErrorBody),
    ),
    security(("session" = []), ("api_key" = ["profile:read"])),
)]
pub async fn get_me<P: Platform>(
    Current(platform): Current<P>,
    caller: Scoped<ProfileRead>,
) -> Result<Json<Me>, ApiError> {
    Ok(Json(views::me(&caller.0.user(&platform).await?)))
}

fn changes(update: &UpdateMe) -> Result<users::ProfileChanges, ValidationError> {
    let cleared = |value: &str| value.trim().is_empty();
    Ok(users::ProfileChanges {
        display_name: match &update.display_name {
            None => None,
            Some(name) if cleared(name) => Some(None),
            Some(name) => Some(Some(DisplayName::parse(name)?)),
        },
        target_exam: match &update.target_exam {
            None => None,
            Some(code) if cleared(code) => Some(None),
            Some(code) => Some(Some(ExamCode::parse(code)?)),
        },
        daily_goal: update.daily_goal.map(DailyGoal::new).transpose()?,
    })
}

/// Changes the display name, target exam or daily goal. An empty string clears a text field.
#[utoipa::path(
    patch,
    path = "/api/v1/me",
    operation_id = "patch_me",
    tag = "account",
    request_body = UpdateMe,
    responses(
        (status = 200, description = "The updated profile", body = Me),
        (status = 400, description = "A value breaks a rule (`details.field` names it)", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::BrowserOnly,
    ),
    security(("session" = [])),
)]
pub async fn patch_me<P: Platform>(
    Current(platform): Current<P>,
    Session(caller): Session,
    ApiJson(update): ApiJson<UpdateMe>,
) -> Result<Json<Me>, ApiError> {
    let changes = changes(&update)?;
    let user = users::update_profile(platform.database()?, &caller.user_id, &changes)
        .await?
        .ok_or(ApiError::NotFound("Your account".into()))?;
    Ok(Json(views::me(&user)))
}

/// Everything stored about the caller, as a JSON download.
#[utoipa::path(
    get,
    path = "/api/v1/me/export",
    operation_id = "get_me_export",
    tag = "account",
    responses(
        (status = 200, description = "All of the caller's data", body = AccountExport),
        responses::NoValidSession,
        (status = 403, description = "An API key", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn export_me<P: Platform>(
    Current(platform): Current<P>,
    Session(caller): Session,
) -> Result<Response, ApiError> {
    let db = platform.database()?;
    let user = caller.user(&platform).await?;
    let keys = api_keys::list(db, &user.id).await?;
    let (sessions, answers, review_cards) =
        progress::history(db, &user.id, platform.now_millis()).await?;
    let now = platform.now_millis();
    let standing = billing::standing(db, &user.id, now).await?;
    let billing = allowances::status(allowances::plans(&platform)?, &standing, now);
    let exported_at = crate::time::rfc3339(now);
    let export = AccountExport {
        exported_at,
        user: views::me(&user),
        api_keys: keys,
        sessions,
        answers,
        review_cards,
        billing,
    };
    let mut response = Json(export).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"pingtopass-export.json\""),
    );
    Ok(response)
}

/// Cancels at Stripe every subscription of the member that could still be charged, before the
/// account (and with it our record of them) is gone; any failure stops the deletion.
async fn cancel_subscriptions<P: Platform>(platform: &P, user: &UserId) -> Result<(), ApiError> {
    let standing = billing::standing(platform.database()?, user, platform.now_millis()).await?;
    let chargeable: Vec<_> = standing
        .subscriptions
        .iter()
        .filter(|s| !matches!(s.status.as_str(), "canceled" | "incomplete_expired"))
        .collect();
    if chargeable.is_empty() {
        return Ok(());
    }
    let config = match &platform.settings().payments {
        Ok(Some(config)) => config,
        Ok(None) => {
            return Err(StripeError::Unavailable("payments are off here".into()).into());
        }
        Err(err) => return Err(ApiError::Misconfigured(err.clone())),
    };
    let stripe = Stripe {
        http: platform.http(),
        config,
    };
    for subscription in chargeable {
        match stripe.cancel(&subscription.id).await {
            // Stripe no longer has it: nothing left to charge.
            Ok(()) | Err(StripeError::Refused { status: 404, .. }) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}

/// Deletes the account and everything in it, after the email is typed again. Every session ends.
/// A subscription is cancelled at Stripe first, so a deleted account is never charged again.
#[utoipa::path(
    delete,
    path = "/api/v1/me",
    operation_id = "delete_me",
    tag = "account",
    request_body = DeleteMe,
    responses(
        (status = 204, description = "The account and its data are gone; the cookie is cleared"),
        (status = 400, description = "The confirmation does not match the account's email", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::MembersOnly,
        (status = 502, description = "Stripe refused to cancel the subscription: nothing was deleted", body = ptp_shared::ErrorBody),
        (status = 503, description = "Stripe is unavailable to cancel the subscription: nothing was deleted", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn delete_me<P: Platform>(
    Current(platform): Current<P>,
    Member(caller): Member,
    ApiJson(confirmation): ApiJson<DeleteMe>,
) -> Result<Response, ApiError> {
    let user = caller.user(&platform).await?;
    let matches = user
        .email
        .as_deref()
        .is_some_and(|email| email.eq_ignore_ascii_case(confirmation.confirm_email.trim()));
    if !matches {
        return Err(ValidationError::new(
            "confirm_email",
            "does not match this account's email address",
        )
        .into());
    }
    cancel_subscriptions(&platform, &user.id).await?;
    // Every token of the account is refused from now on: its user row is gone.
    users::delete(platform.database()?, &user.id).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session::clearing_cookie());
    Ok(response)
}
