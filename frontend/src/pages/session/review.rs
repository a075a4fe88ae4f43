//! `/sessions/{id}/review`: a finished session question by question, with the learner's answer,
//! the key and the explanation.

use ptp_shared::SessionView;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;
use crate::components::question::verdict;
use crate::components::{ExplainMistakeButton, QuestionCard, ReportButton};
use crate::remote::{Remote, placeholder, use_remote};

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    pub id: AttrValue,
}

#[component(SessionReview)]
pub fn session_review(props: &ReviewProps) -> Html {
    let (remote, _) = use_remote(props.id.to_string(), |id: String| async move {
        crate::api::review(&id).await
    });
    html! {
        <section class="review-page">
            { match &*remote {
                Remote::Ready(view) => html! { <ReviewBody view={view.clone()} /> },
                other => placeholder(other, "the review").unwrap_or_default(),
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BodyProps {
    view: SessionView,
}

#[component(ReviewBody)]
fn review_body(props: &BodyProps) -> Html {
    let view = &props.view;
    let missed_only = use_state(|| false);
    let total = view.items.len() as u32;
    let missed = view
        .items
        .iter()
        .filter(|i| i.credit.unwrap_or(0.0) < 1.0 - 1e-9)
        .count();
    let summary = view.result.as_ref().map(|r| {
        format!(
            "Scaled score {} (pass mark {}) · {} of {} correct",
            r.scaled, r.passing_score, r.correct, r.total
        )
    });
    html! {
        <>
            <p class="muted">{ view.exam_name.clone() }</p>
            <h1>{ "Review" }</h1>
            <p>{ summary.unwrap_or_default() }</p>
            <div class="actions">
                <Link<Route> to={Route::Session { id: view.id.clone() }} classes="button button-secondary">{ "Back to the results" }</Link<Route>>
                <label class="checkbox">
                    <input type="checkbox" checked={*missed_only}
                        onclick={{ let missed_only = missed_only.clone(); Callback::from(move |_| missed_only.set(!*missed_only)) }} />
                    { format!("Only the {missed} I missed") }
                </label>
            </div>
            <ol class="review-list">
                { for view.items.iter().filter(|i| !*missed_only || i.credit.unwrap_or(0.0) < 1.0 - 1e-9).map(|item| {
                    let (tone, _) = verdict(item.credit.unwrap_or(0.0));
                    html! {
                        <li class={classes!("card", "review-item", tone)}>
                            <QuestionCard question={item.question.clone()} number={item.position + 1} total={total}
                                selection={item.answer.clone().unwrap_or_default()} credit={item.credit}>
                                <ReportButton question={item.question.id.clone()} />
                                if item.answer.is_some() && item.credit.unwrap_or(0.0) < 1.0 - 1e-9 {
                                    <ExplainMistakeButton session={view.id.clone()} question={item.question.id.clone()} />
                                }
                            </QuestionCard>
                        </li>
                    }
                }) }
            </ol>
        </>
    }
}
