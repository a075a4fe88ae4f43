//! The account's plan: Free or Pro, the subscription as Stripe last told us (when it renews,
//! when a cancelled one ends, a failed payment's grace), the allowances left, and the ways to
//! change it. Back from Stripe Checkout (`?checkout=success`) the plan may still read Free —
//! Stripe's webhook can land after the browser does — so the status is read again every 2 s
//! for 30 s, then every 15 s while the page stays open, until it says Pro.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;
use ptp_shared::{BillingInterval, BillingStatus, Plan, SubscriptionView};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;
use crate::billing::use_current_billing;
use crate::components::ManageBillingButton;
use crate::components::allowance::{account_line, plan_name};
use crate::dom::{local_date, local_time};
use crate::remote::{Remote, placeholder};
use ptp_shared::Metered;

const FAST_MS: u32 = 2_000;
/// How long "Confirming your payment…" is said before the calmer "not yet".
const FAST_FOR_MS: f64 = 30_000.0;
const SLOW_MS: u32 = 15_000;

#[derive(Clone, Copy, PartialEq)]
enum Confirming {
    No,
    Waiting,
    /// 30 s and Stripe has not told us: still listening, more slowly.
    Late,
    Welcome,
}

/// A Stripe subscription status in the learner's words.
fn status_words(status: &str) -> String {
    match status {
        "active" => "Active".into(),
        "trialing" => "Trial".into(),
        "past_due" => "Payment overdue".into(),
        "unpaid" => "Unpaid".into(),
        "canceled" => "Cancelled".into(),
        "incomplete" => "Waiting for the first payment".into(),
        "incomplete_expired" => "Expired before the first payment".into(),
        "paused" => "Paused".into(),
        other => other.replace('_', " "),
    }
}

/// What happens at the end of the paid period, for a subscription that still has one.
fn period_end(subscription: &SubscriptionView) -> Option<String> {
    let end = local_date(&subscription.current_period_end);
    match subscription.status.as_str() {
        "active" | "trialing" | "past_due" if subscription.cancel_at_period_end => {
            Some(format!("Pro until {end}, then Free."))
        }
        "active" | "trialing" | "past_due" => Some(format!("Renews on {end}.")),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
pub struct PlanProps {
    /// Just back from a paid checkout: wait for Stripe to confirm it.
    pub confirming: bool,
}

#[component(PlanSection)]
pub fn plan_section(props: &PlanProps) -> Html {
    let billing = use_current_billing();
    let confirming = use_state(|| match props.confirming {
        true => Confirming::Waiting,
        false => Confirming::No,
    });
    {
        let (confirming, set, wanted) = (confirming.clone(), billing.set.clone(), props.confirming);
        use_effect_with((), move |_| {
            let alive = Rc::new(Cell::new(true));
            if wanted {
                let alive = alive.clone();
                spawn_local(async move {
                    let started = js_sys::Date::now();
                    let mut late = false;
                    while alive.get() {
                        if let Ok(status) = crate::api::billing_status().await {
                            let pro = status.plan == Plan::Pro;
                            set.emit(status);
                            if pro {
                                confirming.set(Confirming::Welcome);
                                return;
                            }
                        }
                        if !late && js_sys::Date::now() - started >= FAST_FOR_MS {
                            late = true;
                            confirming.set(Confirming::Late);
                        }
                        TimeoutFuture::new(if late { SLOW_MS } else { FAST_MS }).await;
                    }
                });
            }
            move || alive.set(false)
        });
    }
    let notice = match *confirming {
        Confirming::No => Html::default(),
        Confirming::Waiting => html! { "Confirming your payment…" },
        Confirming::Late => html! {
            "Stripe has not confirmed your payment yet. This can take a few minutes; this page \
             will update once it does."
        },
        Confirming::Welcome => html! { "Welcome to Pro — thank you for subscribing." },
    };
    let body = match &billing.status {
        Remote::Ready(Some(status)) => details(status),
        // `Ready(None)`: the read has not started yet.
        Remote::Ready(None) => placeholder(&Remote::<()>::Loading, "your plan").unwrap_or_default(),
        other => placeholder(other, "your plan").unwrap_or_default(),
    };
    html! {
        <section class="card plan" aria-labelledby="plan-heading" data-testid="plan">
            <h2 id="plan-heading">{ "Plan" }</h2>
            if *confirming != Confirming::No {
                <p class="notice" role="status" data-testid="checkout-confirmation">{ notice }</p>
            }
            { body }
        </section>
    }
}

fn details(status: &BillingStatus) -> Html {
    let subscription = status.subscription.as_ref();
    let billed = subscription.map(|s| match s.interval {
        BillingInterval::Monthly => "billed monthly",
        BillingInterval::Annual => "billed annually",
    });
    html! {
        <>
            <p class="plan-name">{ "Your plan: " }<strong>{ plan_name(status.plan) }</strong></p>
            if let Some(subscription) = subscription {
                <p>{ format!("Subscription: {} · {}", status_words(&subscription.status), billed.unwrap_or_default()) }</p>
                if status.plan == Plan::Pro {
                    if let Some(end) = period_end(subscription) {
                        <p>{ end }</p>
                    }
                }
                if let Some(grace) = &subscription.grace_until {
                    <p class="plan-problem" role="alert" data-testid="payment-problem">
                        { format!("Your last payment did not go through. You keep Pro until {}; update your payment method under Manage billing to stay on Pro.", local_time(grace)) }
                    </p>
                }
            }
            <ul class="allowances">
                { for Metered::ALL.into_iter().map(|metered| {
                    let held = status.allowances.iter().find(|a| a.name == metered.as_str());
                    html! {
                        <li data-testid={format!("allowance-{}", metered.as_str())}>{ account_line(metered, held) }</li>
                    }
                }) }
            </ul>
            <div class="actions">
                if status.plan == Plan::Free {
                    <Link<Route> to={Route::Pricing} classes="button">{ "Upgrade to Pro" }</Link<Route>>
                }
                if status.has_billing_account {
                    <ManageBillingButton />
                }
            </div>
        </>
    }
}
