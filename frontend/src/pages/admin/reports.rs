//! `/admin/reports` and `/admin/reports/:id`: the queue of learners' reports, oldest first, and
//! one report with what its reporter saw and chose, closed by a fix, a rejection or as a
//! duplicate.

use ptp_shared::{QuestionEdit, ReportReason, ReportStatus, Resolution, ResolveReport};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::draft::Draft;
use super::editor::{Editor, Outcome};
use super::{AdminOnly, Pager, exam_choices, filter_choice};
use crate::Route;
use crate::api;
use crate::dom::{input_value, local_time};
use crate::remote::{Remote, placeholder, use_remote};

pub fn reason_label(reason: ReportReason) -> &'static str {
    match reason {
        ReportReason::WrongKey => "Wrong answer key",
        ReportReason::Unclear => "Unclear",
        ReportReason::Typo => "Typo",
        ReportReason::Outdated => "Outdated",
    }
}

#[component(Reports)]
pub fn reports() -> Html {
    let status = use_state(|| "open".to_string());
    let exam = use_state(String::new);
    let reason = use_state(String::new);
    let pages = use_state(Vec::<String>::new);
    let after = pages.last().cloned().unwrap_or_default();
    let (exams, _) = use_remote((), |()| api::exams());
    let (list, _) = use_remote(
        ((*status).clone(), (*exam).clone(), (*reason).clone(), after),
        |(status, exam, reason, after)| async move {
            let query = api::query(&[
                ("status", &status),
                ("exam", &exam),
                ("reason", &reason),
                ("after", &after),
            ]);
            api::admin_reports(&query).await
        },
    );
    let choose = |state: UseStateHandle<String>| filter_choice(state, pages.clone());
    let exam_options = exam_choices(&exams);
    let body = placeholder(&*list, "reports").unwrap_or_else(|| {
        let Remote::Ready(list) = &*list else {
            return Html::default();
        };
        html! {
            <>
                if list.reports.is_empty() {
                    <p>{ "No reports match." }</p>
                }
                <ul class="report-list">
                    { for list.reports.iter().map(|r| html! {
                        <li>
                            <Link<Route> to={Route::AdminReport { id: r.id.clone() }}>
                                { format!("{} — {}", r.question, reason_label(r.reason)) }
                            </Link<Route>>
                            <span class="report-meta">{ format!(" filed {}", local_time(&r.created_at)) }</span>
                            if !r.details.is_empty() {
                                <p class="report-details">{ r.details.clone() }</p>
                            }
                        </li>
                    }) }
                </ul>
                <Pager pages={pages.clone()} next_after={list.next_after.clone()} />
            </>
        }
    });
    html! {
        <AdminOnly>
            <section class="page">
                <h1>{ "Reports" }</h1>
                <div class="filters">
                    <label><span>{ "State" }</span>
                        <select onchange={choose(status.clone())}>
                            { for [ReportStatus::Open, ReportStatus::Resolved, ReportStatus::Dismissed].iter().map(|s| html! {
                                <option value={s.as_str()} selected={*status == s.as_str()}>{ s.as_str() }</option>
                            }) }
                        </select>
                    </label>
                    <label><span>{ "Exam" }</span>
                        <select onchange={choose(exam.clone())}>
                            <option value="">{ "Every exam" }</option>
                            { exam_options }
                        </select>
                    </label>
                    <label><span>{ "Reason" }</span>
                        <select onchange={choose(reason.clone())}>
                            <option value="">{ "Any reason" }</option>
                            { for [ReportReason::WrongKey, ReportReason::Unclear, ReportReason::Typo, ReportReason::Outdated].iter().map(|r| html! {
                                <option value={r.as_str()}>{ reason_label(*r) }</option>
                            }) }
                        </select>
                    </label>
                </div>
                { body }
            </section>
        </AdminOnly>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReportPageProps {
    pub id: AttrValue,
}

#[component(ReportPage)]
pub fn report_page(props: &ReportPageProps) -> Html {
    let (detail, reload) = use_remote(props.id.to_string(), |id| async move {
        let detail = api::admin_report(&id).await?;
        let exam = api::exam(&detail.question.exam).await?;
        Ok((detail, exam))
    });
    let note = use_state(String::new);
    let fix_note = use_state(String::new);
    let duplicate_of = use_state(String::new);
    let outcome = use_state(|| None::<Result<String, String>>);
    let Remote::Ready((detail, exam)) = &*detail else {
        return html! { <AdminOnly>{ placeholder(&*detail, "the report").unwrap_or_default() }</AdminOnly> };
    };
    let id = detail.report.id.clone();
    let close = |resolution: Resolution| {
        let (id, note, duplicate_of, outcome, reload) = (
            id.clone(),
            note.clone(),
            duplicate_of.clone(),
            outcome.clone(),
            reload.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let request = ResolveReport {
                resolution,
                note: (*note).clone(),
                edit: None,
                duplicate_of: (resolution == Resolution::Duplicate)
                    .then(|| (*duplicate_of).trim().to_string()),
            };
            let (id, outcome, reload) = (id.clone(), outcome.clone(), reload.clone());
            spawn_local(async move {
                match api::resolve_report(&id, &request).await {
                    Ok(_) => {
                        outcome.set(Some(Ok("The report is closed.".into())));
                        reload.emit(());
                    }
                    Err(failure) => outcome.set(Some(Err(failure.message))),
                }
            });
        })
    };
    let fix = {
        let (id, note, outcome, reload) = (
            id.clone(),
            fix_note.clone(),
            outcome.clone(),
            reload.clone(),
        );
        Callback::from(move |(draft, told): (Draft, Callback<Outcome>)| {
            let content = draft.content();
            let request = ResolveReport {
                resolution: Resolution::Resolve,
                note: (*note).clone(),
                edit: Some(QuestionEdit {
                    stem: Some(content.stem),
                    choices: Some(content.choices),
                    key: Some(content.key),
                    explanation: Some(content.explanation),
                    references: Some(content.references),
                }),
                duplicate_of: None,
            };
            let (id, outcome, reload) = (id.clone(), outcome.clone(), reload.clone());
            spawn_local(async move {
                match api::resolve_report(&id, &request).await {
                    Ok(_) => {
                        told.emit(Ok(()));
                        outcome.set(Some(Ok(
                            "Fixed: the question has a new version and the report is resolved."
                                .into(),
                        )));
                        reload.emit(());
                    }
                    Err(failure) => told.emit(Err(failure)),
                }
            });
        })
    };
    let report = &detail.report;
    let question = &detail.question;
    let open = report.status == ReportStatus::Open;
    let domains: Vec<(String, String)> = exam
        .domains
        .iter()
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect();
    let note_field = |state: &UseStateHandle<String>, label: &'static str| {
        let state = state.clone();
        let value = (*state).clone();
        html! {
            <label>
                <span>{ label }</span>
                <textarea rows="2" maxlength="2000" value={value}
                    oninput={Callback::from(move |e: InputEvent| state.set(input_value(&e)))} />
            </label>
        }
    };
    html! {
        <AdminOnly>
            <section class="page">
                <h1>{ format!("Report on {}", report.question) }</h1>
                <dl class="report-facts">
                    <dt>{ "Reason" }</dt><dd>{ reason_label(report.reason) }</dd>
                    <dt>{ "The reporter wrote" }</dt><dd>{ if report.details.is_empty() { "—".to_string() } else { report.details.clone() } }</dd>
                    <dt>{ "Their answer" }</dt>
                    <dd>{ detail.answer.as_ref().map_or_else(|| "They had not answered it.".to_string(), |a| a.join(", ").to_ascii_uppercase()) }</dd>
                    <dt>{ "Filed" }</dt><dd>{ format!("{} against version {}", local_time(&report.created_at), report.question_version) }</dd>
                    <dt>{ "State" }</dt><dd>{ report.status.as_str() }
                        { report.resolution_note.as_ref().map(|n| format!(": {n}")).unwrap_or_default() }</dd>
                </dl>
                <p>
                    <Link<Route> to={Route::AdminQuestion { id: question.id.clone() }}>
                        { format!("The question now (version {})", question.version) }
                    </Link<Route>>
                </p>
                if let Some(result) = &*outcome {
                    { match result {
                        Ok(text) => html! { <p class="notice" role="status">{ text.clone() }</p> },
                        Err(text) => html! { <p class="form-error" role="alert">{ text.clone() }</p> },
                    } }
                }
                if open {
                    <h2>{ "Fix the question" }</h2>
                    <Editor draft={Draft::of(&question.domain, &question.content)} domains={domains}
                        action="Save the fix and resolve" on_save={fix}>
                        { note_field(&fix_note, "Note on the fix, for the reporter") }
                    </Editor>
                    <h2>{ "Or close it unchanged" }</h2>
                    { note_field(&note, "Why it is closed unchanged, for the reporter") }
                    <div class="status-actions">
                        <button type="button" class="secondary" onclick={close(Resolution::Dismiss)}>{ "Reject" }</button>
                        <label>
                            <span>{ "Duplicate of report" }</span>
                            <input type="text" maxlength="64" value={(*duplicate_of).clone()}
                                oninput={{ let d = duplicate_of.clone(); Callback::from(move |e: InputEvent| d.set(input_value(&e))) }} />
                        </label>
                        <button type="button" class="secondary" onclick={close(Resolution::Duplicate)}>{ "Close as duplicate" }</button>
                    </div>
                }
            </section>
        </AdminOnly>
    }
}
