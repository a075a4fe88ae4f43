//! The paid plan: what each plan allows (the pricing page), the caller's plan and allowances,
//! and the way into Stripe — a Checkout Session to subscribe, a Billing Portal session to manage
//! or cancel. Which plan a learner has is only ever what Stripe's webhooks stored (`webhook.rs`).

use axum::Json;
use ptp_shared::{self as wire, BillingInterval, Plan};
use serde_json::json;

use crate::app::allowances;
use crate::app::current::Current;
use crate::app::json::ApiJson;
use crate::app::responses;
use crate::auth::access::{Member, Session};
use crate::billing::{Checkout, Stripe};
use crate::config::PaymentsConfig;
use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::billing as store;

fn limits(limits: &ptp_domain::billing::Limits) -> wire::PlanLimits {
    wire::PlanLimits {
        practice_answers_per_day: limits.practice_answers_per_day,
        mocks_per_week: limits.mocks_per_week,
        ai_explanations_per_day: limits.ai_explanations_per_day,
        readiness_history: limits.readiness_history,
    }
}

/// Payments, or 404 where this deployment sells no plan.
fn payments<P: Platform>(platform: &P) -> Result<&PaymentsConfig, ApiError> {
    match &platform.settings().payments {
        Ok(Some(payments)) => Ok(payments),
        Ok(None) => Err(ApiError::NotFound("A paid plan on this deployment".into())),
        Err(err) => Err(ApiError::Misconfigured(err.clone())),
    }
}

/// The plans, their limits and Pro's prices.
#[utoipa::path(
    get,
    path = "/api/v1/billing/plans",
    operation_id = "get_billing_plans",
    tag = "billing",
    responses((status = 200, description = "Free and Pro, what each allows, and Pro's prices", body = wire::PlanCatalog)),
    security(()),
)]
pub async fn plans<P: Platform>(
    Current(platform): Current<P>,
) -> Result<Json<wire::PlanCatalog>, ApiError> {
    let config = allowances::plans(&platform)?;
    let on_sale = platform
        .settings()
        .payments
        .as_ref()
        .map_err(|err| ApiError::Misconfigured(err.clone()))?
        .as_ref();
    let prices = on_sale.map_or_else(Vec::new, |p| {
        [
            (BillingInterval::Monthly, &p.monthly),
            (BillingInterval::Annual, &p.annual),
        ]
        .into_iter()
        .map(|(interval, price)| wire::PlanPrice {
            interval,
            amount: price.amount,
            currency: p.currency.clone(),
        })
        .collect()
    });
    let mut plans = vec![wire::PlanOffer {
        plan: Plan::Free,
        limits: limits(&config.plans.free),
        prices: vec![],
    }];
    if on_sale.is_some() {
        plans.push(wire::PlanOffer {
            plan: Plan::Pro,
            limits: limits(&config.plans.pro),
            prices,
        });
    }
    Ok(Json(wire::PlanCatalog {
        on_sale: on_sale.is_some(),
        plans,
    }))
}

/// The caller's plan, subscription and the allowances left.
#[utoipa::path(
    get,
    path = "/api/v1/billing",
    operation_id = "get_billing",
    tag = "billing",
    responses(
        (status = 200, description = "The plan, the subscription as Stripe last told us, and the allowances left", body = wire::BillingStatus),
        responses::NoValidSession,
    ),
    security(("session" = [])),
)]
pub async fn status<P: Platform>(
    Current(platform): Current<P>,
    Session(caller): Session,
) -> Result<Json<wire::BillingStatus>, ApiError> {
    let config = allowances::plans(&platform)?;
    let now = platform.now_millis();
    let standing = store::standing(platform.database()?, &caller.user_id, now).await?;
    Ok(Json(allowances::status(config, &standing, now)))
}

/// Stripe with this deployment's keys, and the site its pages send the browser back to.
fn stripe<'a, P: Platform>(
    platform: &'a P,
    payments: &'a PaymentsConfig,
) -> Result<(Stripe<'a, P::Http>, &'a str), ApiError> {
    let site = platform
        .settings()
        .site
        .as_ref()
        .map_err(|err| ApiError::Misconfigured(err.clone()))?;
    let stripe = Stripe {
        http: platform.http(),
        config: payments,
    };
    Ok((stripe, site.as_str()))
}

/// A Billing Portal session's URL for `customer`, back to the account page.
async fn portal_url<P: Platform>(
    platform: &P,
    payments: &PaymentsConfig,
    customer: &str,
) -> Result<String, ApiError> {
    let (stripe, site) = stripe(platform, payments)?;
    let session = stripe.portal(customer, &format!("{site}/account")).await?;
    session
        .url
        .ok_or_else(|| ApiError::Stripe(crate::billing::StripeError::Malformed("no url".into())))
}

/// Starts a subscription to Pro through Stripe Checkout; the browser goes to the URL answered.
#[utoipa::path(
    post,
    path = "/api/v1/billing/checkout",
    operation_id = "post_billing_checkout",
    tag = "billing",
    request_body = wire::StartCheckout,
    responses(
        (status = 200, description = "Stripe Checkout's page for this member", body = wire::BillingRedirect),
        (status = 400, description = "Not the JSON asked for", body = ptp_shared::ErrorBody),
        responses::NoValidSession,
        responses::MembersOnly,
        (status = 404, description = "This deployment sells no plan", body = ptp_shared::ErrorBody),
        (status = 409, description = "Already subscribed: manage it in the portal (`details.portal_url`)", body = ptp_shared::ErrorBody),
        (status = 502, description = "Stripe refused; nothing was charged", body = ptp_shared::ErrorBody),
        (status = 503, description = "Stripe is unavailable; nothing was charged", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn checkout<P: Platform>(
    Current(platform): Current<P>,
    Member(caller): Member,
    ApiJson(asked): ApiJson<wire::StartCheckout>,
) -> Result<Json<wire::BillingRedirect>, ApiError> {
    let payments = payments(&platform)?;
    let config = allowances::plans(&platform)?;
    let db = platform.database()?;
    let now = platform.now_millis();
    let standing = store::standing(db, &caller.user_id, now).await?;
    if let (Plan::Pro, Some(customer)) = (
        allowances::plan(config, &standing, now),
        standing.customer.as_deref(),
    ) {
        let portal_url = portal_url(&platform, payments, customer).await?;
        return Err(ApiError::ConflictWith {
            message: "You already have Pro; change or cancel it in the billing portal.".into(),
            details: json!({ "portal_url": portal_url }),
        });
    }
    let user = caller.user(&platform).await?;
    let email = user
        .email
        .as_deref()
        .ok_or_else(|| ApiError::Forbidden("Sign in with Google first.".into()))?;
    let (stripe, site) = stripe(&platform, payments)?;
    let user_id = caller.user_id.to_string();
    let customer = match standing.customer {
        Some(customer) => customer,
        None => {
            let created = stripe.create_customer(&user_id, email).await?;
            store::link_customer(db, &caller.user_id, &created, now).await?
        }
    };
    let price = match asked.interval {
        BillingInterval::Monthly => &payments.monthly.id,
        BillingInterval::Annual => &payments.annual.id,
    };
    let success_url = format!("{site}/account?checkout=success");
    let cancel_url = format!("{site}/pricing?checkout=cancelled");
    let session = stripe
        .checkout(&Checkout {
            user_id: &user_id,
            customer: &customer,
            price,
            success_url: &success_url,
            cancel_url: &cancel_url,
        })
        .await?;
    let url = session.url.ok_or_else(|| {
        ApiError::Stripe(crate::billing::StripeError::Malformed(
            "a checkout session without a url".into(),
        ))
    })?;
    Ok(Json(wire::BillingRedirect { url }))
}

/// The Stripe Billing Portal for this member: change plan, update the card, cancel.
#[utoipa::path(
    post,
    path = "/api/v1/billing/portal",
    operation_id = "post_billing_portal",
    tag = "billing",
    responses(
        (status = 200, description = "Stripe's billing portal for this member", body = wire::BillingRedirect),
        responses::NoValidSession,
        responses::MembersOnly,
        (status = 404, description = "This deployment sells no plan", body = ptp_shared::ErrorBody),
        (status = 409, description = "No billing account yet: subscribe first", body = ptp_shared::ErrorBody),
        (status = 502, description = "Stripe refused", body = ptp_shared::ErrorBody),
        (status = 503, description = "Stripe is unavailable", body = ptp_shared::ErrorBody),
    ),
    security(("session" = [])),
)]
pub async fn portal<P: Platform>(
    Current(platform): Current<P>,
    Member(caller): Member,
) -> Result<Json<wire::BillingRedirect>, ApiError> {
    let payments = payments(&platform)?;
    let standing =
        store::standing(platform.database()?, &caller.user_id, platform.now_millis()).await?;
    let customer = standing.customer.ok_or_else(|| {
        ApiError::Conflict("There is no billing account yet: subscribe to Pro first.".into())
    })?;
    let url = portal_url(&platform, payments, &customer).await?;
    Ok(Json(wire::BillingRedirect { url }))
}
