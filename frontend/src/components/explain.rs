//! "Why was my answer wrong?": asks the model to explain the learner's own wrong answer and
//! shows its few sentences as plain text (model output is never HTML), with what is left of the
//! day's allowance. Spent allowance and model failures are shown as messages, never crashes.

use ptp_shared::{ExplainMistake, MistakeExplanation};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExplainProps {
    pub session: AttrValue,
    pub question: AttrValue,
}

#[derive(Clone, PartialEq)]
enum Asking {
    Idle,
    Busy,
    Done(MistakeExplanation),
    Failed(String),
}

/// The renewal time as the learner reads it: `2026-11-26 00:00 UTC`.
fn renewal(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => rfc3339.to_string(),
    }
}

#[component(ExplainMistakeButton)]
pub fn explain_mistake_button(props: &ExplainProps) -> Html {
    let asking = use_state(|| Asking::Idle);
    {
        // Another question: forget the last one's explanation.
        let asking = asking.clone();
        use_effect_with(props.question.clone(), move |_| asking.set(Asking::Idle));
    }
    let ask = {
        let asking = asking.clone();
        let (session, question) = (props.session.to_string(), props.question.to_string());
        Callback::from(move |_| {
            let (asking, session) = (asking.clone(), session.clone());
            let body = ExplainMistake {
                question: question.clone(),
            };
            asking.set(Asking::Busy);
            spawn_local(async move {
                asking.set(match crate::api::explain_mistake(&session, &body).await {
                    Ok(explained) => Asking::Done(explained),
                    Err(failure) => {
                        let renews = failure
                            .details
                            .as_ref()
                            .and_then(|d| d.get("renews_at"))
                            .and_then(|v| v.as_str())
                            .map(renewal);
                        Asking::Failed(match (failure.status, renews) {
                            (429, Some(at)) => {
                                format!("You have used today's AI explanations. More from {at}.")
                            }
                            _ => failure.message,
                        })
                    }
                });
            });
        })
    };
    html! {
        <div class="explain-mistake">
            { match &*asking {
                Asking::Idle => html! {
                    <button type="button" class="button button-secondary" onclick={ask}>
                        { "Why was my answer wrong?" }
                    </button>
                },
                Asking::Busy => html! {
                    <button type="button" class="button button-secondary" disabled=true aria-busy="true">
                        { "Asking the tutor…" }
                    </button>
                },
                Asking::Done(explained) => html! {
                    <section class="card ai-explanation" aria-label="Why your answer was wrong">
                        <h3>{ "Why your answer was wrong" }</h3>
                        <p class="ai-text">{ explained.text.clone() }</p>
                        <p class="muted">
                            { format!(
                                "AI explanation based on the official one{} · {} of {} left today",
                                if explained.cached { ", shared with others who chose the same" } else { "" },
                                explained.allowance.remaining,
                                explained.allowance.limit
                            ) }
                        </p>
                    </section>
                },
                Asking::Failed(message) => html! {
                    <p class="form-error" role="alert">{ message.clone() }</p>
                },
            } }
        </div>
    }
}
