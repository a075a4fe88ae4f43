//! "Why was my answer wrong?": asks the model to explain the learner's own wrong answer and
//! shows its few sentences as plain text (model output is never HTML), with what is left of the
//! day's allowance — before the first click too, when the plan limits it. A spent allowance is
//! the upgrade prompt (or Pro's note), a model failure its message; never a crash.

use ptp_shared::{ExplainMistake, MistakeExplanation};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::FailureNotice;
use super::allowance::AllowanceLeft;
use crate::api::ApiFailure;
use crate::billing::use_billing;
use ptp_shared::Metered;

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
    Failed(ApiFailure),
}

#[component(ExplainMistakeButton)]
pub fn explain_mistake_button(props: &ExplainProps) -> Html {
    let asking = use_state(|| Asking::Idle);
    let billing = use_billing();
    {
        // Another question: forget the last one's explanation.
        let asking = asking.clone();
        use_effect_with(props.question.clone(), move |_| asking.set(Asking::Idle));
    }
    let ask = {
        let (asking, spent) = (asking.clone(), billing.spent.clone());
        let (session, question) = (props.session.to_string(), props.question.to_string());
        Callback::from(move |_| {
            let (asking, spent, session) = (asking.clone(), spent.clone(), session.clone());
            let body = ExplainMistake {
                question: question.clone(),
            };
            asking.set(Asking::Busy);
            spawn_local(async move {
                match crate::api::explain_mistake(&session, &body).await {
                    Ok(explained) => {
                        // Every other explain button on the page shows the new count.
                        spent.emit(explained.allowance.clone());
                        asking.set(Asking::Done(explained));
                    }
                    Err(failure) => {
                        if let Some(limit) = failure.limit_reached() {
                            spent.emit(limit.spent());
                        }
                        asking.set(Asking::Failed(failure));
                    }
                }
            });
        })
    };
    html! {
        <div class="explain-mistake">
            { match &*asking {
                Asking::Idle => html! {
                    <>
                        <button type="button" class="button button-secondary" onclick={ask}>
                            { "Why was my answer wrong?" }
                        </button>
                        <AllowanceLeft metered={Metered::AiExplanations} />
                    </>
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
                Asking::Failed(failure) => html! { <FailureNotice failure={failure.clone()} /> },
            } }
        </div>
    }
}
