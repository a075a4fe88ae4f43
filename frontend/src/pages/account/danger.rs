use ptp_shared::{DeleteMe, Me};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::dom::input_value;
use crate::session::use_session;

#[derive(Properties, PartialEq)]
pub struct YourDataProps {
    pub me: Me,
}

#[component(YourData)]
pub fn your_data(props: &YourDataProps) -> Html {
    let session = use_session();
    let typed = use_state(String::new);
    let error = use_state(|| None::<String>);
    let email = props.me.email.clone().unwrap_or_default();
    let confirmed = typed.trim().eq_ignore_ascii_case(&email);
    let delete = {
        let (typed, error, session) = (typed.clone(), error.clone(), session.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let confirmation = DeleteMe {
                confirm_email: (*typed).clone(),
            };
            let (error, session) = (error.clone(), session.clone());
            spawn_local(async move {
                match api::delete_me(&confirmation).await {
                    Ok(()) => {
                        session.set.emit(None);
                        let _ = gloo::utils::window().location().set_href("/");
                    }
                    Err(failure) => error.set(Some(failure.message)),
                }
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="data-heading">
            <h2 id="data-heading">{ "Your data" }</h2>
            <p><a class="button button-secondary" href="/api/v1/me/export" download="pingtopass-export.json">
                { "Export all my data (JSON)" }</a></p>
            <form class="form danger" onsubmit={delete}>
                <h3>{ "Delete account" }</h3>
                <p>{ "This removes your account, your history and your API keys at once. It cannot be undone." }</p>
                <label>
                    { format!("Type {email} to confirm") }
                    <input type="email" value={(*typed).clone()} autocomplete="off"
                        oninput={{ let typed = typed.clone(); Callback::from(move |e: InputEvent| typed.set(input_value(&e))) }} />
                </label>
                <button class="button button-danger" type="submit" disabled={!confirmed}>{ "Delete my account" }</button>
                if let Some(text) = &*error {
                    <p class="form-error" role="alert">{ text.clone() }</p>
                }
            </form>
        </section>
    }
}
