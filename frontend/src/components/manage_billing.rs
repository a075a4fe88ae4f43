//! "Manage billing": opens Stripe's billing portal (card, invoices, cancelling), which returns
//! to `/account`. A member without a billing account yet (409) reads the API's message.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::FailureNotice;
use crate::api::{ApiFailure, billing_portal};
use crate::dom::go_to;

#[component(ManageBillingButton)]
pub fn manage_billing_button() -> Html {
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiFailure>);
    let open = {
        let (busy, error) = (busy.clone(), error.clone());
        Callback::from(move |_| {
            let (busy, error) = (busy.clone(), error.clone());
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                match billing_portal().await {
                    // Busy until the browser leaves for Stripe.
                    Ok(redirect) => go_to(&redirect.url),
                    Err(failure) => {
                        busy.set(false);
                        error.set(Some(failure));
                    }
                }
            });
        })
    };
    html! {
        <>
            <button type="button" class="button button-secondary" onclick={open}
                disabled={*busy} aria-busy={busy.to_string()}>
                { "Manage billing" }
            </button>
            if let Some(failure) = &*error {
                <FailureNotice failure={failure.clone()} />
            }
        </>
    }
}
