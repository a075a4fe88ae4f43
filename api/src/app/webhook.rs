//! `POST /api/v1/stripe/webhook`: Stripe telling us what happened to a subscription. The only
//! route exempt from the same-origin check (`edge.rs`) — its signature is its authentication:
//! verified over the raw body before anything is read; then the event is stored with what it
//! changes in one transaction, idempotent by event id and never letting an older event
//! overwrite a newer state; 2xx is answered only after that commits, so Stripe retries
//! anything we did not keep.

use axum::Json;
use axum::extract::Request;
use ptp_shared as wire;

use crate::app::current::Current;
use crate::billing::events::{self, Change};
use crate::billing::{Stripe, signature};
use crate::error::ApiError;
use crate::observe::{self, Level};
use crate::ports::Platform;
use crate::store::billing::{self as store, Received};

/// Stripe's events are a few kilobytes; a subscription with many items stays well under this.
const MAX_BODY: usize = 256 * 1024;

/// Receives a Stripe webhook event.
#[utoipa::path(
    post,
    path = "/api/v1/stripe/webhook",
    operation_id = "post_stripe_webhook",
    tag = "billing",
    params(("Stripe-Signature" = String, Header, description = "`t=<unix s>,v1=<HMAC-SHA256 hex>`: Stripe's signature of the raw body")),
    request_body(content = Object, description = "A Stripe event, exactly as Stripe sent it", content_type = "application/json"),
    responses(
        (status = 200, description = "Stored (or known already, or not one we act on)", body = wire::WebhookReceipt),
        (status = 400, description = "Unsigned, badly signed, too old, or not an event: nothing stored", body = ptp_shared::ErrorBody),
        (status = 404, description = "This deployment takes no payments", body = ptp_shared::ErrorBody),
        (status = 413, description = "Larger than any Stripe event", body = ptp_shared::ErrorBody),
        (status = 503, description = "Not stored (the database or Stripe is unavailable): Stripe retries", body = ptp_shared::ErrorBody),
    ),
    security(()),
)]
pub async fn stripe_webhook<P: Platform>(
    Current(platform): Current<P>,
    request: Request,
) -> Result<Json<wire::WebhookReceipt>, ApiError> {
    let payments = match &platform.settings().payments {
        Ok(Some(payments)) => payments,
        Ok(None) => return Err(ApiError::NotFound("A payments webhook here".into())),
        Err(err) => return Err(ApiError::Misconfigured(err.clone())),
    };
    let header = request
        .headers()
        .get("stripe-signature")
        .map(|v| v.to_str().unwrap_or_default().to_string());
    let body = axum::body::to_bytes(request.into_body(), MAX_BODY)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let now = platform.now_millis();
    let now_s = i64::try_from(now / 1000).unwrap_or(i64::MAX);
    signature::verify(
        header.as_deref(),
        &body,
        payments.webhook_secret.expose(),
        now_s,
    )
    .map_err(|err| ApiError::BadRequest(format!("Refused: {err}.")))?;
    let event = events::parse(&body).map_err(|err| ApiError::BadRequest(err.to_string()))?;
    let received = Received {
        id: &event.id,
        kind: &event.kind,
        created_s: event.created,
        now_ms: now,
    };
    let db = platform.database()?;
    let outcome = match &event.change {
        Change::Subscription(state) => store::record_subscription(db, &received, state).await?,
        Change::CheckoutCompleted { subscription, .. } => {
            // The session names the subscription; its state is read from Stripe, so a checkout
            // completes the upgrade even if the subscription's own events come later or never.
            let stripe = Stripe {
                http: platform.http(),
                config: payments,
            };
            let object = stripe.subscription(subscription).await?;
            let state = events::subscription(&object).map_err(|err| {
                ApiError::Stripe(crate::billing::StripeError::Malformed(err.to_string()))
            })?;
            store::record_subscription(db, &received, &state).await?
        }
        Change::Invoice { subscription, paid } => {
            store::record_invoice(db, &received, subscription, *paid).await?
        }
        Change::Ignored => store::record_ignored(db, &received).await?,
    };
    // Which event did what, for whoever traces a subscription that did not change.
    let fields = serde_json::Map::from_iter([
        ("stripe_event".to_string(), event.id.clone().into()),
        ("stripe_type".to_string(), event.kind.clone().into()),
        ("outcome".to_string(), outcome.as_str().into()),
    ]);
    platform.log(
        Level::Info,
        &observe::line(Level::Info, "stripe webhook event", fields),
    );
    Ok(Json(wire::WebhookReceipt {
        outcome: outcome.as_str().into(),
    }))
}
