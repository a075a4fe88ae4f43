//! Stripe, on the one [`crate::http::HttpClient`]: the API calls a checkout needs (a customer
//! created once, a Checkout Session in subscription mode, a Billing Portal session, a
//! subscription read or cancelled), the webhook's signature (`signature.rs`) and its events read
//! into what they change (`events.rs`). The secret key travels only in the `Authorization`
//! header; nothing here logs it.

pub mod events;
pub mod signature;

use std::time::Duration;

use serde::Deserialize;

use crate::config::{PaymentsConfig, stripe_id};
use crate::http::{HttpClient, HttpMethod, OutboundRequest};

/// A learner is waiting on each of these calls.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The API version our parsing follows (period fields on subscription items).
const STRIPE_VERSION: &str = "2025-03-31.basil";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeError {
    /// Stripe did not answer, or answered 5xx/429.
    #[error("Stripe is unavailable: {0}")]
    Unavailable(String),
    /// Stripe refused the request (4xx): a bug or a configuration Stripe does not know.
    #[error("Stripe refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    /// 2xx with a body that is not the object asked for.
    #[error("Stripe answered unreadably: {0}")]
    Malformed(String),
}

/// An object Stripe created; only its id and (for sessions) its page matter here.
#[derive(Debug, Clone, Deserialize)]
pub struct Created {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Deserialize)]
struct Refusal {
    error: RefusalDetail,
}

#[derive(Deserialize)]
struct RefusalDetail {
    #[serde(default)]
    message: Option<String>,
}

/// Stripe's API at `config.api_url`, authenticated with the secret key.
pub struct Stripe<'a, H> {
    pub http: &'a H,
    pub config: &'a PaymentsConfig,
}

impl<H: HttpClient> Stripe<'_, H> {
    /// One call; `idempotency` makes a repeated one (a double click) return the first's object.
    async fn call<T: for<'de> Deserialize<'de>>(
        &self,
        method: HttpMethod,
        path: &str,
        form: &[(&str, &str)],
        idempotency: Option<String>,
    ) -> Result<T, StripeError> {
        let url = format!("{}{path}", self.config.api_url);
        let mut request = match method {
            HttpMethod::Post => OutboundRequest::post_form(url, form),
            _ => OutboundRequest {
                method,
                ..OutboundRequest::get(url)
            },
        }
        .header(
            "authorization",
            format!("Bearer {}", self.config.secret_key.expose()),
        )
        .header("stripe-version", STRIPE_VERSION)
        .timeout(TIMEOUT);
        if let Some(key) = idempotency {
            request = request.header("idempotency-key", key);
        }
        let reply = self
            .http
            .send(request)
            .await
            .map_err(|err| StripeError::Unavailable(err.to_string()))?;
        match reply.status {
            200..=299 => serde_json::from_str(&reply.body)
                .map_err(|err| StripeError::Malformed(err.to_string())),
            429 | 500..=599 => Err(StripeError::Unavailable(format!("status {}", reply.status))),
            status => Err(StripeError::Refused {
                status,
                message: serde_json::from_str::<Refusal>(&reply.body)
                    .ok()
                    .and_then(|r| r.error.message)
                    .unwrap_or_default()
                    .chars()
                    .take(300)
                    .collect(),
            }),
        }
    }

    /// The member's customer, created once: the idempotency key is their user id, so two
    /// checkouts started at once still make one customer.
    pub async fn create_customer(&self, user_id: &str, email: &str) -> Result<String, StripeError> {
        let created: Created = self
            .call(
                HttpMethod::Post,
                "/v1/customers",
                &[("email", email), ("metadata[user_id]", user_id)],
                Some(format!("customer-{user_id}")),
            )
            .await?;
        Ok(created.id)
    }

    /// A Checkout Session for `price` in subscription mode; its `url` is Stripe's payment page.
    pub async fn checkout(&self, checkout: &Checkout<'_>) -> Result<Created, StripeError> {
        self.call(
            HttpMethod::Post,
            "/v1/checkout/sessions",
            &[
                ("mode", "subscription"),
                ("customer", checkout.customer),
                ("line_items[0][price]", checkout.price),
                ("line_items[0][quantity]", "1"),
                ("client_reference_id", checkout.user_id),
                ("metadata[user_id]", checkout.user_id),
                ("subscription_data[metadata][user_id]", checkout.user_id),
                ("success_url", checkout.success_url),
                ("cancel_url", checkout.cancel_url),
            ],
            None,
        )
        .await
    }

    /// A Billing Portal session for `customer`, back to `return_url` when done.
    pub async fn portal(&self, customer: &str, return_url: &str) -> Result<Created, StripeError> {
        self.call(
            HttpMethod::Post,
            "/v1/billing_portal/sessions",
            &[("customer", customer), ("return_url", return_url)],
            None,
        )
        .await
    }

    /// The subscription as Stripe holds it now.
    pub async fn subscription(&self, id: &str) -> Result<serde_json::Value, StripeError> {
        self.call(
            HttpMethod::Get,
            &format!("/v1/subscriptions/{}", path_segment(id)?),
            &[],
            None,
        )
        .await
    }

    /// Cancels now (an account being deleted must never be charged again).
    pub async fn cancel(&self, id: &str) -> Result<(), StripeError> {
        let _: Created = self
            .call(
                HttpMethod::Delete,
                &format!("/v1/subscriptions/{}", path_segment(id)?),
                &[],
                Some(format!("cancel-{id}")),
            )
            .await?;
        Ok(())
    }
}

/// Only a Stripe id ever goes into a URL of ours.
fn path_segment(id: &str) -> Result<&str, StripeError> {
    if stripe_id(id) {
        Ok(id)
    } else {
        Err(StripeError::Malformed(format!("not a Stripe id: {id:?}")))
    }
}

/// What a Checkout Session is made of.
pub struct Checkout<'a> {
    pub user_id: &'a str,
    pub customer: &'a str,
    pub price: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
}
