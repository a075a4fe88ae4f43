//! The header's right side: "Sign in" for visitors and guests, the avatar menu for members.

use ptp_shared::Me;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;
use crate::api;
use crate::session::{Identity, use_session};

/// The learner's chosen name, else Google's, else their email.
pub fn shown_name(me: &Me) -> String {
    me.display_name
        .clone()
        .or_else(|| me.name.clone())
        .or_else(|| me.email.clone())
        .unwrap_or_else(|| "Guest".into())
}

#[component(Avatar)]
fn avatar(props: &AvatarProps) -> Html {
    let initial = props
        .name
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    match &props.url {
        Some(url) => {
            html! { <img class="avatar" src={url.clone()} alt="" width="32" height="32" referrerpolicy="no-referrer" /> }
        }
        None => html! { <span class="avatar avatar-initial" aria-hidden="true">{ initial }</span> },
    }
}

#[derive(Properties, PartialEq)]
struct AvatarProps {
    name: String,
    url: Option<String>,
}

#[component(AccountMenu)]
pub fn account_menu() -> Html {
    let session = use_session();
    let open = use_state(|| false);
    let Identity::Member(me) = &session.identity else {
        if session.identity == Identity::Loading {
            return html! { <span class="account-placeholder" aria-hidden="true"></span> };
        }
        return html! {
            <a class="button button-small" href={api::sign_in_url(&crate::components::current_path())}>{ "Sign in" }</a>
        };
    };
    let name = shown_name(me);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_| open.set(false))
    };
    let on_key = {
        let open = open.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let sign_out = {
        let session = session.clone();
        let open = open.clone();
        Callback::from(move |_| {
            let session = session.clone();
            open.set(false);
            spawn_local(async move {
                let _ = api::sign_out().await;
                session.set.emit(None);
            });
        })
    };
    html! {
        <div class="account-menu" onkeydown={on_key}>
            <button class="account-button" aria-haspopup="menu" aria-expanded={(*open).to_string()} onclick={toggle}
                aria-label={format!("Account menu for {name}")}>
                <Avatar name={name.clone()} url={me.avatar_url.clone()} />
                <span class="account-name">{ name.clone() }</span>
            </button>
            if *open {
                <div class="menu" role="menu">
                    <span onclick={close.clone()}>
                        <Link<Route> to={Route::Account} classes="menu-item">{ "Account" }</Link<Route>>
                    </span>
                    if me.role == ptp_shared::Role::Admin {
                        <span onclick={close.clone()}>
                            <Link<Route> to={Route::AdminQuestions} classes="menu-item">{ "Admin console" }</Link<Route>>
                        </span>
                    }
                    <button class="menu-item" role="menuitem" onclick={sign_out}>{ "Sign out" }</button>
                </div>
            }
        </div>
    }
}
