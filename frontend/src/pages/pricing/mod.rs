//! `/pricing`: Free and Pro side by side from the plan catalogue, Pro's price monthly or
//! annually, and the way to Pro: Stripe Checkout for a member; for a guest or a visitor, a
//! Google sign-in first (a subscription belongs to an account that follows the learner to every
//! device); "Manage billing" for a learner already on Pro. Stripe sends a cancelled checkout
//! back here with `?checkout=cancelled`. Where nothing is on sale, Free alone.

mod prices;

use ptp_shared::{BillingInterval, BillingStatus, Plan, PlanCatalog, PlanOffer, StartCheckout};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::billing::{use_checkout_return, use_current_billing};
use crate::components::allowance::plan_name;
use crate::components::{FailureNotice, ManageBillingButton};
use crate::dom::go_to;
use crate::remote::{Remote, placeholder, use_remote};
use crate::session::{Identity, use_session};
use prices::{annual_saving, limit_lines, price_line};

#[component(Pricing)]
pub fn pricing() -> Html {
    let (catalog, _) = use_remote((), |()| api::plans());
    let cancelled = use_checkout_return().is_some_and(|outcome| outcome == "cancelled");
    html! {
        <section class="pricing">
            <h1>{ "Plans and pricing" }</h1>
            if cancelled {
                <p class="notice" role="status">{ "Checkout cancelled — nothing was charged." }</p>
            }
            { match &*catalog {
                Remote::Ready(catalog) => html! { <Plans catalog={catalog.clone()} /> },
                other => placeholder(other, "the plans").unwrap_or_default(),
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PlansProps {
    catalog: PlanCatalog,
}

#[component(Plans)]
fn plans(props: &PlansProps) -> Html {
    let billing = use_current_billing();
    let interval = use_state(|| BillingInterval::Monthly);
    let catalog = &props.catalog;
    let status = match &billing.status {
        Remote::Ready(status) => status.clone(),
        _ => None,
    };
    let current = status.as_ref().map(|s| s.plan);
    let offer = |plan| catalog.plans.iter().find(|offer| offer.plan == plan);
    let pro = offer(Plan::Pro).filter(|_| catalog.on_sale);
    let both = pro.is_some_and(|pro| {
        [BillingInterval::Monthly, BillingInterval::Annual]
            .iter()
            .all(|i| pro.prices.iter().any(|p| p.interval == *i))
    });
    let choose = |to: BillingInterval| {
        let interval = interval.clone();
        Callback::from(move |_| interval.set(to))
    };
    html! {
        <>
            if both {
                <div class="interval-toggle" role="group" aria-label="Billing period">
                    <button type="button" aria-pressed={(*interval == BillingInterval::Monthly).to_string()}
                        onclick={choose(BillingInterval::Monthly)}>{ "Monthly" }</button>
                    <button type="button" aria-pressed={(*interval == BillingInterval::Annual).to_string()}
                        onclick={choose(BillingInterval::Annual)}>{ "Annual" }</button>
                </div>
            }
            <div class="plans">
                if let Some(free) = offer(Plan::Free) {
                    { card(free, current, html! { <p class="price">{ "No charge" }</p> }, Html::default()) }
                }
                if let Some(pro) = pro {
                    { pro_card(pro, *interval, current, status.clone()) }
                }
            </div>
            if !catalog.on_sale {
                <p class="notice" role="status">
                    { "Paid plans are not available here: everyone practises on the Free plan." }
                </p>
            }
        </>
    }
}

/// Pro's card: the chosen interval's price (or the only one there is), the saving when annual,
/// and the way to it.
fn pro_card(
    pro: &PlanOffer,
    interval: BillingInterval,
    current: Option<Plan>,
    status: Option<BillingStatus>,
) -> Html {
    let price = pro
        .prices
        .iter()
        .find(|p| p.interval == interval)
        .or(pro.prices.first());
    let Some(price) = price else {
        return Html::default();
    };
    let saving = (price.interval == BillingInterval::Annual)
        .then(|| annual_saving(&pro.prices))
        .flatten();
    let priced = html! {
        <>
            <p class="price" data-testid="pro-price">{ price_line(price) }</p>
            if let Some(saving) = saving {
                <p class="saving" data-testid="annual-saving">{ saving }</p>
            }
        </>
    };
    let action = html! { <UpgradeAction interval={price.interval} {status} /> };
    card(pro, current, priced, action)
}

/// One plan side by side with the other: its name, price, limits and what to do.
fn card(offer: &PlanOffer, current: Option<Plan>, price: Html, action: Html) -> Html {
    let name = plan_name(offer.plan);
    let id = format!("plan-card-{}", name.to_ascii_lowercase());
    let featured = (offer.plan == Plan::Pro).then_some("featured");
    html! {
        <section class={classes!("card", "plan-card", featured)} aria-labelledby={id.clone()}
            data-testid={id.clone()}>
            <h2 id={id}>{ name }</h2>
            if current == Some(offer.plan) {
                <p class="plan-current">{ "Your plan" }</p>
            }
            { price }
            <ul class="plan-limits">
                { for limit_lines(&offer.limits).into_iter().map(|line| html! { <li>{ line }</li> }) }
            </ul>
            { action }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct UpgradeProps {
    interval: BillingInterval,
    /// The caller's billing status; `None` for a visitor or while it loads.
    status: Option<BillingStatus>,
}

#[derive(Clone, PartialEq)]
enum Step {
    Ready,
    /// On the way to Stripe Checkout.
    Busy,
    /// A guest or visitor: Pro needs a Google account.
    SignInFirst,
    /// Already subscribed (409): the portal the API offered, if it did.
    Subscribed(Option<String>),
    Failed(ApiFailure),
}

/// "Upgrade to Pro" (or "You're on Pro" and "Manage billing").
#[component(UpgradeAction)]
fn upgrade_action(props: &UpgradeProps) -> Html {
    let session = use_session();
    let step = use_state(|| Step::Ready);
    if let Some(status) = props.status.as_ref().filter(|s| s.plan == Plan::Pro) {
        return html! {
            <div class="plan-action">
                <p class="form-ok" role="status">{ "You're on Pro" }</p>
                if status.has_billing_account {
                    <ManageBillingButton />
                }
            </div>
        };
    }
    let upgrade = {
        let (step, identity, interval) = (step.clone(), session.identity.clone(), props.interval);
        Callback::from(move |_| match identity {
            Identity::Member(_) => {
                let step = step.clone();
                step.set(Step::Busy);
                spawn_local(async move {
                    match api::start_checkout(&StartCheckout { interval }).await {
                        // Busy until the browser leaves for Stripe.
                        Ok(redirect) => go_to(&redirect.url),
                        Err(failure) if failure.status == 409 => {
                            let portal = failure
                                .details
                                .as_ref()
                                .and_then(|d| d.get("portal_url"))
                                .and_then(|url| url.as_str())
                                .map(str::to_string);
                            step.set(Step::Subscribed(portal));
                        }
                        Err(failure) if failure.status == 403 => step.set(Step::SignInFirst),
                        Err(failure) => step.set(Step::Failed(failure)),
                    }
                });
            }
            Identity::Guest(_) | Identity::Visitor => step.set(Step::SignInFirst),
            Identity::Loading => {}
        })
    };
    let busy = *step == Step::Busy;
    html! {
        <div class="plan-action">
            <button type="button" class="button" onclick={upgrade} aria-busy={busy.to_string()}
                disabled={busy || session.identity == Identity::Loading}>
                { if busy { "Opening checkout…" } else { "Upgrade to Pro" } }
            </button>
            { match &*step {
                Step::Ready | Step::Busy => Html::default(),
                Step::SignInFirst => html! {
                    <div class="notice" role="status" data-testid="pro-needs-account">
                        <p>{ "Pro needs a Google account, so your subscription and progress follow you to every device. Sign in with Google, then upgrade." }</p>
                        <a class="button button-small" href={api::sign_in_url("/pricing")}>{ "Sign in with Google" }</a>
                    </div>
                },
                Step::Subscribed(portal) => html! {
                    <div class="notice" role="status">
                        <p>{ "You already have a Pro subscription." }</p>
                        if let Some(url) = portal {
                            <a class="button button-secondary" href={url.clone()}>{ "Manage billing" }</a>
                        } else {
                            <ManageBillingButton />
                        }
                    </div>
                },
                Step::Failed(failure) => html! { <FailureNotice failure={failure.clone()} /> },
            } }
        </div>
    }
}
