//! Invites anyone not signed in to sign in, so their progress follows them.

use yew::prelude::*;

use crate::api;
use crate::session::{Identity, use_session};

#[component(GuestBanner)]
pub fn guest_banner() -> Html {
    let session = use_session();
    let text = match session.identity {
        Identity::Guest(_) => {
            "You are practising as a guest. Sign in with Google to keep your progress on every device."
        }
        Identity::Visitor => {
            "Practise as a guest, or sign in with Google to keep your progress on every device."
        }
        Identity::Loading | Identity::Member(_) => return Html::default(),
    };
    html! {
        <aside class="guest-banner" aria-label="Sign-in invitation">
            <p>{ text }</p>
            <a class="button button-small" href={api::sign_in_url(&crate::components::current_path())}>
                { "Sign in with Google" }
            </a>
        </aside>
    }
}
