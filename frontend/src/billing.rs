//! The learner's plan and allowances left (`GET /api/v1/billing`), shared through a context so
//! the exam page, every explain button and the account agree on one count. Nothing is read
//! until a component asks (most pages never do), and only for someone who can be billed.

use ptp_shared::{Allowance, BillingStatus};
use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::use_location;

use crate::remote::{Remote, use_remote};
use crate::session::{Identity, use_session};

#[derive(Clone, PartialEq)]
pub struct BillingContext {
    /// `Ready(None)` for a visitor (nobody to bill) and before anyone asked.
    pub status: Remote<Option<BillingStatus>>,
    /// Reads the status (again): for pages whose counts must be current when they open.
    pub refresh: Callback<()>,
    /// Reads the status once, if nobody has yet: for components that only show it.
    pub want: Callback<()>,
    /// Replaces it with what a call already returned (the account's confirmation polling).
    pub set: Callback<BillingStatus>,
    /// One allowance as an operation's answer told it (an explanation's), replacing the held one.
    pub spent: Callback<Allowance>,
}

impl BillingContext {
    /// The allowance `name` when the plan limits it; `None` when unlimited or not known.
    pub fn allowance(&self, name: &str) -> Option<&Allowance> {
        match &self.status {
            Remote::Ready(Some(status)) => status.allowances.iter().find(|a| a.name == name),
            _ => None,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ProviderProps {
    pub children: Html,
}

#[component(BillingProvider)]
pub fn billing_provider(props: &ProviderProps) -> Html {
    let session = use_session();
    let asked = use_state_eq(|| false);
    // A new guest or a sign-in is someone else: their own status is read.
    let billed = match &session.identity {
        Identity::Guest(me) | Identity::Member(me) => Some(me.id.clone()),
        Identity::Loading | Identity::Visitor => None,
    };
    let (status, reload) = use_remote((*asked, billed), |(asked, billed)| async move {
        match (asked, billed) {
            (true, Some(_)) => crate::api::billing_status().await.map(Some),
            _ => Ok(None),
        }
    });
    let want = {
        let asked = asked.clone();
        Callback::from(move |()| asked.set(true))
    };
    let refresh = {
        let (asked, reload) = (asked.clone(), reload.clone());
        Callback::from(move |()| {
            if *asked {
                reload.emit(());
            } else {
                asked.set(true);
            }
        })
    };
    let set = {
        let status = status.clone();
        Callback::from(move |fresh: BillingStatus| status.set(Remote::Ready(Some(fresh))))
    };
    let spent = {
        let status = status.clone();
        Callback::from(move |allowance: Allowance| {
            if let Remote::Ready(Some(held)) = &*status {
                let mut next = held.clone();
                // Only a limit already held: the plan's list says which are limited.
                if let Some(slot) = next
                    .allowances
                    .iter_mut()
                    .find(|a| a.name == allowance.name)
                {
                    *slot = allowance;
                    status.set(Remote::Ready(Some(next)));
                }
            }
        })
    };
    let context = BillingContext {
        status: (*status).clone(),
        refresh,
        want,
        set,
        spent,
    };
    html! {
        <ContextProvider<BillingContext> context={context}>
            { props.children.clone() }
        </ContextProvider<BillingContext>>
    }
}

/// The billing context, read once if nobody has yet (for components that show a count).
#[hook]
pub fn use_billing() -> BillingContext {
    let billing = use_context::<BillingContext>().expect("BillingProvider wraps the app");
    let want = billing.want.clone();
    use_effect_with((), move |_| want.emit(()));
    billing
}

/// The billing context, read afresh as the calling page opens (its counts must be current).
#[hook]
pub fn use_current_billing() -> BillingContext {
    let billing = use_context::<BillingContext>().expect("BillingProvider wraps the app");
    let refresh = billing.refresh.clone();
    use_effect_with((), move |_| refresh.emit(()));
    billing
}

/// The query Stripe adds when it sends the browser back.
#[derive(Deserialize)]
struct Back {
    checkout: Option<String>,
}

/// How Stripe Checkout ended, when it just sent the browser here: `success` (to `/account`) or
/// `cancelled` (to `/pricing`).
#[hook]
pub fn use_checkout_return() -> Option<String> {
    use_location()
        .and_then(|location| location.query::<Back>().ok())
        .and_then(|back| back.checkout)
}
