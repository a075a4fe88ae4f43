use ptp_shared::{Me, UpdateMe};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::dom::input_value;
use crate::session::use_session;

#[derive(Properties, PartialEq)]
pub struct ProfileProps {
    pub me: Me,
}

#[component(Profile)]
pub fn profile(props: &ProfileProps) -> Html {
    let session = use_session();
    let me = &props.me;
    let display_name = use_state(|| me.display_name.clone().unwrap_or_default());
    let target_exam = use_state(|| me.target_exam.clone().unwrap_or_default());
    let daily_goal = use_state(|| me.daily_goal.to_string());
    let status = use_state(|| None::<Result<String, String>>);

    let bind = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |event: InputEvent| state.set(input_value(&event)))
    };
    let submit = {
        let (display_name, target_exam, daily_goal, status) = (
            display_name.clone(),
            target_exam.clone(),
            daily_goal.clone(),
            status.clone(),
        );
        let session = session.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Ok(goal) = daily_goal.trim().parse::<u16>() else {
                status.set(Some(Err(
                    "The daily goal must be a whole number between 1 and 500.".into(),
                )));
                return;
            };
            let update = UpdateMe {
                display_name: Some((*display_name).clone()),
                target_exam: Some((*target_exam).clone()),
                daily_goal: Some(goal),
            };
            let (status, session) = (status.clone(), session.clone());
            spawn_local(async move {
                match api::update_me(&update).await {
                    Ok(me) => {
                        status.set(Some(Ok("Saved.".into())));
                        session.set.emit(Some(me));
                    }
                    Err(failure) => status.set(Some(Err(failure.message))),
                }
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{ "Profile" }</h2>
            <form class="form" onsubmit={submit}>
                <label>
                    { "Display name" }
                    <input type="text" maxlength="60" value={(*display_name).clone()} oninput={bind(&display_name)}
                        placeholder={me.name.clone().unwrap_or_default()} />
                </label>
                <label>
                    { "Target exam" }
                    <input type="text" maxlength="20" value={(*target_exam).clone()} oninput={bind(&target_exam)}
                        placeholder="SY0-701" />
                </label>
                <label>
                    { "Daily goal (questions)" }
                    <input type="number" min="1" max="500" value={(*daily_goal).clone()} oninput={bind(&daily_goal)} />
                </label>
                <button class="button" type="submit">{ "Save profile" }</button>
                { match &*status {
                    Some(Ok(text)) => html! { <p class="form-ok" role="status">{ text.clone() }</p> },
                    Some(Err(text)) => html! { <p class="form-error" role="alert">{ text.clone() }</p> },
                    None => Html::default(),
                } }
            </form>
        </section>
    }
}
