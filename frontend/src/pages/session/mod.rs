//! `/sessions/{id}` (the players and results) and `/sessions/{id}/review`.

mod keys;
mod mock;
mod practice;
mod results;
mod review;

use ptp_shared::{Mode, SessionView};
use yew::prelude::*;

use crate::remote::{Remote, placeholder, use_remote};

pub use review::SessionReview;

/// Milliseconds since the epoch of an RFC 3339 time from the API.
pub fn millis(rfc3339: &str) -> f64 {
    js_sys::Date::parse(rfc3339)
}

#[derive(Properties, PartialEq)]
pub struct SessionProps {
    pub id: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct PlayerProps {
    pub view: SessionView,
    /// The finished session, once submitted (or timed out).
    pub on_finished: Callback<SessionView>,
}

#[component(SessionPage)]
pub fn session_page(props: &SessionProps) -> Html {
    let (remote, _) = use_remote(props.id.to_string(), |id: String| async move {
        crate::api::session(&id).await
    });
    let on_finished = {
        let remote = remote.clone();
        Callback::from(move |view: SessionView| remote.set(Remote::Ready(view)))
    };
    let body = match &*remote {
        Remote::Ready(view) if view.finished_at.is_some() => {
            html! { <results::Results view={view.clone()} /> }
        }
        Remote::Ready(view) if view.mode == Mode::Practice => {
            html! { <practice::PracticePlayer key={view.id.clone()} view={view.clone()} {on_finished} /> }
        }
        Remote::Ready(view) => {
            html! { <mock::MockPlayer key={view.id.clone()} view={view.clone()} {on_finished} /> }
        }
        other => placeholder(other, "the session").unwrap_or_default(),
    };
    html! { <section class="session-page">{ body }</section> }
}
