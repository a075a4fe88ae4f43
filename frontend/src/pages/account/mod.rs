//! `/account`: plan, profile, API keys, sessions, and the learner's data.

mod danger;
mod keys;
mod plan;
mod profile;
mod reports;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::billing::use_checkout_return;
use crate::session::{Identity, use_session};

#[component(Account)]
pub fn account() -> Html {
    let session = use_session();
    let message = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let keys_generation = use_state(|| 0u32);
    // Stripe Checkout sends a paid upgrade back here.
    let paid = use_checkout_return().is_some_and(|outcome| outcome == "success");
    let Identity::Member(me) = &session.identity else {
        return match session.identity {
            Identity::Loading => {
                html! { <section><h1>{ "Account" }</h1><p>{ "Loading…" }</p></section> }
            }
            _ => html! {
                <section>
                    <h1>{ "Account" }</h1>
                    <p>{ "Sign in with Google to manage your profile, API keys and data." }</p>
                    <a class="button" href={api::sign_in_url("/account")}>{ "Sign in with Google" }</a>
                </section>
            },
        };
    };
    let sign_out_everywhere = {
        let session = session.clone();
        let message = message.clone();
        Callback::from(move |_| {
            let session = session.clone();
            let message = message.clone();
            spawn_local(async move {
                match api::sign_out_everywhere().await {
                    Ok(()) => session.set.emit(None),
                    Err(failure) => message.set(Some(failure.message)),
                }
            });
        })
    };
    let revoke_all_keys = {
        let (message, notice, generation) =
            (message.clone(), notice.clone(), keys_generation.clone());
        Callback::from(move |_| {
            let (message, notice, generation) =
                (message.clone(), notice.clone(), generation.clone());
            spawn_local(async move {
                match api::revoke_all_api_keys().await {
                    Ok(done) => {
                        message.set(None);
                        notice.set(Some(format!("{} API key(s) revoked.", done.revoked)));
                        generation.set(*generation + 1);
                    }
                    Err(failure) => message.set(Some(failure.message)),
                }
            });
        })
    };
    html! {
        <section class="account">
            <h1>{ "Account" }</h1>
            <plan::PlanSection confirming={paid} />
            <profile::Profile me={me.clone()} />
            <keys::ApiKeys generation={*keys_generation} />
            <section class="card" aria-labelledby="sessions-heading">
                <h2 id="sessions-heading">{ "Sessions" }</h2>
                <p>{ "Signed in as " }<strong>{ me.email.clone().unwrap_or_default() }</strong>{ "." }</p>
                <button class="button button-secondary" onclick={sign_out_everywhere}>{ "Sign out everywhere" }</button>
                { " " }
                <button class="button button-secondary" onclick={revoke_all_keys}>{ "Revoke all API keys" }</button>
                if let Some(text) = &*notice {
                    <p class="form-status" role="status">{ text.clone() }</p>
                }
                if let Some(text) = &*message {
                    <p class="form-error" role="alert">{ text.clone() }</p>
                }
            </section>
            <reports::YourReports />
            <danger::YourData me={me.clone()} />
        </section>
    }
}
