//! Administration. Every route here takes an [`Admin`]: learners get 403.

use axum::Json;
use ptp_domain::DAY_MS;
use ptp_domain::ValidationError;
use ptp_domain::costs::{BUDGET, alert};
use ptp_shared::{CostReport, DailyMetrics, ItemStatsList, UserList};
use serde::Deserialize;

use crate::app::current::Current;
use crate::app::json::ApiQuery;
use crate::app::{responses, views};
use crate::auth::access::Admin;
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::{costs, items, jobs, users};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    offset: Option<u32>,
}

/// Everyone with an account or a guest session, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/admin/users",
    operation_id = "get_admin_users",
    tag = "admin",
    params(Page),
    responses(
        (status = 200, description = "One page of users", body = UserList),
        responses::LimitOutOfRange,
        responses::NoValidSession,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn list_users<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<UserList>, ApiError> {
    let limit = page.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ValidationError::new("limit", "must be between 1 and 200").into());
    }
    let offset = page.offset.unwrap_or(0);
    let (found, more) = users::list(platform.database()?, limit, offset).await?;
    Ok(Json(UserList {
        users: found.iter().map(views::user_summary).collect(),
        next_offset: more.then_some(offset + limit),
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Days {
    /// How many days back, 1–366, default 30.
    #[param(minimum = 1, maximum = 366)]
    days: Option<u32>,
}

/// The daily rollup: answers, active learners, mocks taken and passed, per day and exam.
#[utoipa::path(
    get,
    path = "/api/v1/admin/metrics/daily",
    operation_id = "get_admin_metrics_daily",
    tag = "admin",
    params(Days),
    responses(
        (status = 200, description = "Rolled-up days, newest first", body = DailyMetrics),
        (status = 400, description = "`days` out of range", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn daily_metrics<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    ApiQuery(query): ApiQuery<Days>,
) -> Result<Json<DailyMetrics>, ApiError> {
    let from = query.first_day(&platform)?;
    Ok(Json(DailyMetrics {
        days: jobs::daily(platform.database()?, &from).await?,
    }))
}

impl Days {
    /// The first day (`YYYY-MM-DD`) of the last `days` days, today included.
    fn first_day<P: Platform>(&self, platform: &P) -> Result<String, ApiError> {
        let days = self.days.unwrap_or(30);
        if !(1..=366).contains(&days) {
            return Err(ValidationError::new("days", "must be between 1 and 366").into());
        }
        Ok(crate::time::day(
            platform
                .now_millis()
                .saturating_sub(u64::from(days - 1) * DAY_MS),
        ))
    }
}

/// What running the product costs: the closed days (the daily cost job), the month to date
/// against the $50 budget, and the alert the admins' banner shows from 80 % of it.
#[utoipa::path(
    get,
    path = "/api/v1/admin/costs",
    operation_id = "get_admin_costs",
    tag = "admin",
    params(Days),
    responses(
        (status = 200, description = "The month so far and the closed days, newest first", body = CostReport),
        (status = 400, description = "`days` out of range", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn costs<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    ApiQuery(query): ApiQuery<Days>,
) -> Result<Json<CostReport>, ApiError> {
    let from = query.first_day(&platform)?;
    let (days, latest) = costs::recent(platform.database()?, &from).await?;
    let latest = latest.as_ref();
    let month_to_date_usd = latest.map_or(0.0, |day| day.month_to_date_usd);
    Ok(Json(CostReport {
        budget_usd: BUDGET.monthly_usd,
        alert_at_usd: BUDGET.monthly_usd * BUDGET.alert_at,
        month: latest.and_then(|day| day.day.get(..7)).map(str::to_string),
        month_to_date_usd,
        alert: alert(&BUDGET, month_to_date_usd).map(|alert| alert.message),
        days,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// The exam (required).
    #[param(max_length = 32)]
    exam: String,
    /// `facility` (default), `discrimination`, `responses` or `median_ms`.
    #[param(max_length = 16)]
    sort: Option<String>,
    /// `asc` (default) or `desc`.
    #[param(max_length = 4)]
    order: Option<String>,
    /// Older versions too, not only each question's current one.
    all_versions: Option<bool>,
    /// 1–1000, default 500.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// How each question performs (first attempts only, per version): responses, facility,
/// discrimination, each choice's share, median time and the rule-of-thumb flags, as of the
/// last daily rollup.
#[utoipa::path(
    get,
    path = "/api/v1/admin/stats",
    operation_id = "get_admin_stats",
    tag = "admin",
    params(StatsQuery),
    responses(
        (status = 200, description = "The exam's item analysis, sorted", body = ItemStatsList),
        (status = 400, description = "An unknown sort or order, or `limit` out of range", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::AdminsOnly,
    ),
    security(("session" = [])),
)]
pub async fn item_stats<P: Platform>(
    Current(platform): Current<P>,
    Admin(_admin): Admin,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<ItemStatsList>, ApiError> {
    let exam = ptp_domain::ExamCode::parse(&query.exam)?;
    let sort = match query.sort.as_deref().unwrap_or("facility") {
        "facility" => items::Sort::Facility,
        "discrimination" => items::Sort::Discrimination,
        "responses" => items::Sort::Responses,
        "median_ms" => items::Sort::MedianTime,
        _ => {
            return Err(ValidationError::new(
                "sort",
                "must be facility, discrimination, responses or median_ms",
            )
            .into());
        }
    };
    let descending = match query.order.as_deref().unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        _ => return Err(ValidationError::new("order", "must be asc or desc").into()),
    };
    let limit = query.limit.unwrap_or(500);
    if !(1..=1000).contains(&limit) {
        return Err(ValidationError::new("limit", "must be between 1 and 1000").into());
    }
    let db = platform.database()?;
    let all = query.all_versions.unwrap_or(false);
    Ok(Json(ItemStatsList {
        items: items::table(db, exam.as_str(), sort, descending, all, limit).await?,
    }))
}
