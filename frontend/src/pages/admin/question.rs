//! `/admin/questions/new` and `/admin/questions/:id`: writing a question, moving it through
//! review to learners, and its history (each version's changes, any of them restorable).

use ptp_shared::{ChangeStatus, QuestionStatus, QuestionVersion, SaveQuestion};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::draft::Draft;
use super::editor::{Editor, Outcome};
use super::{AdminOnly, exam_choices, status_label};
use crate::Route;
use crate::api;
use crate::dom::{local_time, select_value};
use crate::remote::{Remote, placeholder, use_remote};

/// The exam's domains as the editor lists them, `(code, name)`.
fn domains(exam: &ptp_shared::ExamDetail) -> Vec<(String, String)> {
    exam.domains
        .iter()
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect()
}

#[component(NewQuestion)]
pub fn new_question() -> Html {
    let navigator = use_navigator();
    let exam = use_state(String::new);
    let (exams, _) = use_remote((), |()| api::exams());
    let (detail, _) = use_remote((*exam).clone(), |code| async move {
        if code.is_empty() {
            Ok(None)
        } else {
            api::exam(&code).await.map(Some)
        }
    });
    let choose = {
        let exam = exam.clone();
        Callback::from(move |event: Event| exam.set(select_value(&event)))
    };
    let exam_options = exam_choices(&exams);
    let editor = match &*detail {
        Remote::Ready(Some(detail)) => {
            let code = detail.summary.code.clone();
            let on_save = Callback::from(move |(draft, told): (Draft, Callback<Outcome>)| {
                let new = ptp_shared::NewQuestion {
                    exam: code.clone(),
                    domain: draft.domain.clone(),
                    content: draft.content(),
                };
                let navigator = navigator.clone();
                spawn_local(async move {
                    match api::create_question(&new).await {
                        Ok(created) => {
                            told.emit(Ok(()));
                            if let Some(navigator) = navigator {
                                navigator.push(&Route::AdminQuestion { id: created.id });
                            }
                        }
                        Err(failure) => told.emit(Err(failure)),
                    }
                });
            });
            let first = detail
                .domains
                .first()
                .map(|d| d.code.clone())
                .unwrap_or_default();
            html! {
                <Editor draft={Draft::empty(first)} domains={domains(detail)}
                    action="Save as draft" on_save={on_save} />
            }
        }
        other => placeholder(other, "the exam").unwrap_or_default(),
    };
    html! {
        <AdminOnly>
            <section class="page">
                <h1>{ "Write a question" }</h1>
                <label>
                    <span>{ "Exam" }</span>
                    <select onchange={choose}>
                        <option value="">{ "Choose an exam" }</option>
                        { exam_options }
                    </select>
                </label>
                { editor }
            </section>
        </AdminOnly>
    }
}

fn move_label(to: QuestionStatus, from: QuestionStatus) -> &'static str {
    match (from, to) {
        (_, QuestionStatus::InReview) => "Submit for review",
        (_, QuestionStatus::Draft) => "Send back to draft",
        (QuestionStatus::Retired, QuestionStatus::Published) => "Restore to learners",
        (_, QuestionStatus::Published) => "Publish",
        (_, QuestionStatus::Retired) => "Retire",
    }
}

#[derive(Properties, PartialEq)]
pub struct QuestionPageProps {
    pub id: AttrValue,
}

#[component(QuestionPage)]
pub fn question_page(props: &QuestionPageProps) -> Html {
    let (question, reload) = use_remote(props.id.to_string(), |id| async move {
        let question = api::admin_question(&id).await?;
        let exam = api::exam(&question.exam).await?;
        let history = api::question_history(&id).await?;
        Ok((question, exam, history))
    });
    let notice = use_state(|| None::<String>);
    let Remote::Ready((question, exam, history)) = &*question else {
        return html! { <AdminOnly>{ placeholder(&*question, "the question").unwrap_or_default() }</AdminOnly> };
    };
    let id = question.id.clone();
    let version = question.version;
    let on_save = {
        let (id, reload, notice) = (id.clone(), reload.clone(), notice.clone());
        Callback::from(move |(draft, told): (Draft, Callback<Outcome>)| {
            let save = SaveQuestion {
                base_version: version,
                domain: draft.domain.clone(),
                content: draft.content(),
            };
            let (id, reload, notice) = (id.clone(), reload.clone(), notice.clone());
            spawn_local(async move {
                match api::save_question(&id, &save).await {
                    Ok(saved) => {
                        told.emit(Ok(()));
                        notice.set(Some(format!("Saved as version {}.", saved.version)));
                        reload.emit(());
                    }
                    Err(failure) => told.emit(Err(failure)),
                }
            });
        })
    };
    let change = |to: QuestionStatus| {
        let (id, reload, notice) = (id.clone(), reload.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let (id, reload, notice) = (id.clone(), reload.clone(), notice.clone());
            spawn_local(async move {
                let change = ChangeStatus {
                    status: to,
                    base_version: version,
                };
                match api::change_status(&id, &change).await {
                    Ok(moved) => {
                        notice.set(Some(format!("Now {}.", status_label(moved.status))));
                        reload.emit(());
                    }
                    Err(failure) => notice.set(Some(failure.message)),
                }
            });
        })
    };
    let restore = |old: u32| {
        let (id, reload, notice) = (id.clone(), reload.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let (id, reload, notice) = (id.clone(), reload.clone(), notice.clone());
            spawn_local(async move {
                match api::restore_version(&id, old, version).await {
                    Ok(saved) => {
                        notice.set(Some(format!(
                            "Version {old} restored as version {}.",
                            saved.version
                        )));
                        reload.emit(());
                    }
                    Err(failure) => notice.set(Some(failure.message)),
                }
            });
        })
    };
    let reload_now = {
        let reload = reload.clone();
        Callback::from(move |_: MouseEvent| reload.emit(()))
    };
    html! {
        <AdminOnly>
            <section class="page">
                <h1>{ format!("Question {id}") }</h1>
                <p class="question-meta">
                    <span class="status">{ status_label(question.status) }</span>
                    { format!(" · version {version} · {} · saved {} by {}", question.exam,
                        local_time(&question.updated_at), question.updated_by) }
                    if question.open_reports > 0 {
                        { format!(" · {} open report(s)", question.open_reports) }
                    }
                </p>
                if let Some(text) = &*notice {
                    <p class="notice" role="status">{ text.clone() }</p>
                }
                <div class="status-actions">
                    { for question.next.iter().map(|to| html! {
                        <button type="button" onclick={change(*to)}>{ move_label(*to, question.status) }</button>
                    }) }
                    <button type="button" class="secondary" onclick={reload_now}>{ "Reload" }</button>
                </div>
                <Editor draft={Draft::of(&question.domain, &question.content)} domains={domains(exam)}
                    action="Save a new version" on_save={on_save} />
                <History versions={history.versions.clone()} current={version} restore={restore_callbacks(history, version, restore)} />
            </section>
        </AdminOnly>
    }
}

fn restore_callbacks(
    history: &ptp_shared::QuestionHistory,
    current: u32,
    restore: impl Fn(u32) -> Callback<MouseEvent>,
) -> Vec<(u32, Callback<MouseEvent>)> {
    history
        .versions
        .iter()
        .filter(|v| v.version != current)
        .map(|v| (v.version, restore(v.version)))
        .collect()
}

/// The fields in which `after` differs from `before`: `(field, before, after)`.
pub fn changes(
    before: &QuestionVersion,
    after: &QuestionVersion,
) -> Vec<(&'static str, String, String)> {
    let lines = |list: &[String]| list.join("\n");
    [
        ("domain", before.domain.clone(), after.domain.clone()),
        ("kind", before.kind.clone(), after.kind.clone()),
        ("stem", before.stem.clone(), after.stem.clone()),
        ("choices", lines(&before.choices), lines(&after.choices)),
        ("key", before.key.join(", "), after.key.join(", ")),
        (
            "explanation",
            before.explanation.clone(),
            after.explanation.clone(),
        ),
        (
            "references",
            lines(&before.references),
            lines(&after.references),
        ),
    ]
    .into_iter()
    .filter(|(_, was, is)| was != is)
    .collect()
}

#[derive(Properties, PartialEq)]
struct HistoryProps {
    /// Newest first.
    versions: Vec<QuestionVersion>,
    current: u32,
    restore: Vec<(u32, Callback<MouseEvent>)>,
}

#[component(History)]
fn history(props: &HistoryProps) -> Html {
    let rows = props.versions.iter().enumerate().map(|(at, version)| {
        let older = props.versions.get(at + 1);
        let diff = older
            .map(|older| changes(older, version))
            .unwrap_or_default();
        let restore = props
            .restore
            .iter()
            .find(|(v, _)| *v == version.version)
            .map(|(_, callback)| callback.clone());
        html! {
            <li class="version">
                <p>
                    <strong>{ format!("Version {}", version.version) }</strong>
                    { format!(" · {} · {}", local_time(&version.changed_at), version.changed_by) }
                    if version.version == props.current { { " · current" } }
                </p>
                if older.is_none() {
                    <p class="diff-none">{ "First version." }</p>
                }
                <dl class="diff">
                    { for diff.into_iter().map(|(field, was, is)| html! {
                        <>
                            <dt>{ field }</dt>
                            <dd><del>{ was }</del><ins>{ is }</ins></dd>
                        </>
                    }) }
                </dl>
                if let Some(restore) = restore {
                    <button type="button" class="secondary" onclick={restore}>
                        { format!("Restore version {}", version.version) }
                    </button>
                }
            </li>
        }
    });
    html! {
        <section class="history" aria-label="History">
            <h2>{ "History" }</h2>
            <ol class="versions">{ for rows }</ol>
        </section>
    }
}
