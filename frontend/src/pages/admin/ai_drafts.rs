//! `/admin/drafts`: ask a model for drafted questions of an exam domain, and see each request's
//! drafts with their automated QA report. Drafts that passed wait in the question review queue
//! (linked); the model's text is shown as plain text, never as HTML.

use ptp_shared::{
    DraftReport, DraftRequestList, DraftRequestView, DraftView, QuestionKind, RequestDrafts,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{AdminOnly, exam_choices};
use crate::Route;
use crate::api;
use crate::dom::{input_value, local_time, select_value};
use crate::remote::{Remote, placeholder, use_remote};

const STEM_PREVIEW: usize = 200;

fn report_view(report: &DraftReport) -> Html {
    let blind = |answer: &Vec<String>| answer.join(", ");
    html! {
        <ul class="draft-report">
            { for report.problems.iter().map(|p| html! { <li class="problem">{ format!("Refused: {p}") }</li> }) }
            if let Some(nearest) = &report.nearest {
                <li>{ format!("Near-duplicate of {} (similarity {:.2})", nearest.id, nearest.similarity) }</li>
            }
            if let Some(cue) = &report.key_cue {
                <li>{ format!("The key stands out by length: {cue}") }</li>
            }
            if !report.blind_answers.is_empty() {
                <li>{ format!(
                    "Key {}; blind answer{} {}{}",
                    report.key.join(", "),
                    if report.blind_answers.len() > 1 { "s" } else { "" },
                    report.blind_answers.iter().map(blind).collect::<Vec<_>>().join(" then "),
                    if report.repaired { " (sent back once for repair)" } else { "" },
                ) }</li>
            }
        </ul>
    }
}

fn draft_view(draft: &DraftView) -> Html {
    let stem: String = draft.stem.chars().take(STEM_PREVIEW).collect();
    let label = match draft.outcome.as_str() {
        "in_review" => "In review",
        "refused" => "Refused",
        "failed" => "Failed the blind answer",
        other => other,
    };
    html! {
        <li class={classes!("draft", draft.outcome.clone())}>
            <p><strong>{ label }</strong>{ " · " }{ stem }</p>
            { report_view(&draft.report) }
            if let Some(question) = &draft.question {
                <Link<Route> to={Route::AdminQuestion { id: question.clone() }}>{ format!("Review {question}") }</Link<Route>>
            }
        </li>
    }
}

fn request_view(request: &DraftRequestView) -> Html {
    let status = match request.status.as_str() {
        "queued" => "Queued: drafting and checking…".to_string(),
        "done" => format!("Done: {} drafts", request.drafts.len()),
        "failed" => format!("Failed: {}", request.detail),
        "dead" => format!(
            "Gave up after {} attempts: {}",
            request.attempts, request.detail
        ),
        other => other.to_string(),
    };
    html! {
        <li class="card draft-request">
            <h3>{ format!(
                "{} {} · {} draft{}{}",
                request.exam,
                request.domain,
                request.count,
                if request.count == 1 { "" } else { "s" },
                request.objective.as_ref().map(|o| format!(" · {o}")).unwrap_or_default(),
            ) }</h3>
            <p class="muted">{ format!("Asked {} · ", local_time(&request.requested_at)) }{ status }</p>
            <ol class="drafts">{ for request.drafts.iter().map(draft_view) }</ol>
        </li>
    }
}

#[component(AiDrafts)]
pub fn ai_drafts() -> Html {
    let exam = use_state(String::new);
    let domain = use_state(String::new);
    let objective = use_state(String::new);
    let kind = use_state(String::new);
    let count = use_state(|| "3".to_string());
    let error = use_state(|| None::<String>);
    let (exams, _) = use_remote((), |()| api::exams());
    let (list, reload) = use_remote((), |()| api::drafts());
    let submit = {
        let (exam, domain, objective, kind, count, error, reload) = (
            exam.clone(),
            domain.clone(),
            objective.clone(),
            kind.clone(),
            count.clone(),
            error.clone(),
            reload.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Ok(n) = count.trim().parse::<u32>() else {
                return error.set(Some("Enter how many drafts (1–10).".into()));
            };
            let request = RequestDrafts {
                exam: (*exam).clone(),
                domain: domain.trim().to_string(),
                objective: Some(objective.trim().to_string()).filter(|o| !o.is_empty()),
                kind: QuestionKind::parse(&kind).ok(),
                count: n,
            };
            let (error, reload) = (error.clone(), reload.clone());
            spawn_local(async move {
                match api::request_drafts(&request).await {
                    Ok(_) => {
                        error.set(None);
                        reload.emit(());
                    }
                    Err(failure) => error.set(Some(failure.message)),
                }
            });
        })
    };
    let text = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(input_value(&e)))
    };
    let choose = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: Event| state.set(select_value(&e)))
    };
    html! {
        <AdminOnly>
            <section class="page ai-drafts">
                <h1>{ "AI drafts" }</h1>
                <p class="muted">{ "A model drafts questions; each is checked against the content rules, the bank and a blind answer by a second model. Those that pass wait for your review; nothing reaches learners unreviewed." }</p>
                <form class="card form" onsubmit={submit} aria-label="Ask for drafts">
                    <label>{ "Exam" }
                        <select onchange={choose(&exam)} required=true>
                            <option value="">{ "Choose an exam" }</option>
                            { exam_choices(&exams) }
                        </select>
                    </label>
                    <label>{ "Domain" }
                        <input type="text" placeholder="e.g. 2.0" maxlength="16" required=true value={(*domain).clone()} oninput={text(&domain)} />
                    </label>
                    <label>{ "Objective (optional)" }
                        <input type="text" maxlength="200" value={(*objective).clone()} oninput={text(&objective)} />
                    </label>
                    <label>{ "Kind" }
                        <select onchange={choose(&kind)}>
                            <option value="">{ "Any" }</option>
                            <option value="single">{ "Single answer" }</option>
                            <option value="multi">{ "Multiple answers" }</option>
                            <option value="ordering">{ "Ordering" }</option>
                        </select>
                    </label>
                    <label>{ "How many" }
                        <input type="number" min="1" max="10" value={(*count).clone()} oninput={text(&count)} />
                    </label>
                    if let Some(message) = &*error {
                        <p class="form-error" role="alert">{ message.clone() }</p>
                    }
                    <button class="button" type="submit">{ "Draft questions" }</button>
                </form>
                { match &*list {
                    Remote::Ready(DraftRequestList { requests, allowance }) => html! {
                        <>
                            <p class="muted">{ format!("{} of {} drafts left today", allowance.remaining, allowance.limit) }
                                { " · " }
                                <button type="button" class="link-button" onclick={{ let reload = reload.clone(); Callback::from(move |_| reload.emit(())) }}>{ "Refresh" }</button>
                            </p>
                            if requests.is_empty() {
                                <p class="empty-state">{ "No drafts asked for yet." }</p>
                            }
                            <ol class="draft-requests">{ for requests.iter().map(request_view) }</ol>
                        </>
                    },
                    other => placeholder(other, "the drafts").unwrap_or_default(),
                } }
            </section>
        </AdminOnly>
    }
}
