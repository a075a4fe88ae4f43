//! `/admin/bank`: an exam's questions exported as the seed's TOML or as JSON, and a file of them
//! imported — checked first (what would be created, changed or refused, and why), then applied
//! in one go.

use ptp_shared::bank::{BankFormat, ImportReport};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

use super::{AdminOnly, exam_choices};
use crate::api;
use crate::dom::select_value;
use crate::remote::use_remote;

/// The file chosen for import: its name and text.
#[derive(Clone, PartialEq)]
struct Chosen {
    name: String,
    text: String,
}

impl Chosen {
    fn format(&self) -> BankFormat {
        if self.name.to_ascii_lowercase().ends_with(".json") {
            BankFormat::Json
        } else {
            BankFormat::Toml
        }
    }
}

#[derive(Clone, PartialEq)]
enum Outcome {
    Idle,
    Working,
    Report(ImportReport),
    Failed(String),
}

fn report_view(report: &ImportReport) -> Html {
    let verb = if report.applied {
        "Imported"
    } else {
        "Would import"
    };
    html! {
        <section class="import-report" aria-label="Import report">
            <p role="status">{ format!(
                "{verb}: {} new (into review), {} changed, {} unchanged, {} refused, of {} questions.",
                report.created.len(), report.changed.len(), report.unchanged.len(),
                report.refused.len(), report.questions,
            ) }</p>
            if !report.refused.is_empty() {
                <h3>{ "Refused" }</h3>
                <ul class="refused">
                    { for report.refused.iter().map(|r| html! {
                        <li>
                            <strong>{ format!("#{} {}", r.position, r.id) }</strong>
                            <ul>{ for r.problems.iter().map(|p| html! {
                                <li>{ format!("{}: {}", p.field, p.reason) }</li>
                            }) }</ul>
                        </li>
                    }) }
                </ul>
            }
            if !report.created.is_empty() {
                <h3>{ "New" }</h3>
                <p class="ids">{ report.created.join(", ") }</p>
            }
            if !report.changed.is_empty() {
                <h3>{ "Changed" }</h3>
                <ul>{ for report.changed.iter().map(|c| html! {
                    <li>{ format!("{} (from version {}): {}", c.id, c.base_version, c.fields.join(", ")) }</li>
                }) }</ul>
            }
        </section>
    }
}

#[component(Bank)]
pub fn bank() -> Html {
    let exam = use_state(String::new);
    let format = use_state(|| "toml".to_string());
    let chosen = use_state(|| None::<Chosen>);
    let outcome = use_state(|| Outcome::Idle);
    let (exams, _) = use_remote((), |()| api::exams());
    let exam_options = exam_choices(&exams);
    let on_select = |state: UseStateHandle<String>, outcome: UseStateHandle<Outcome>| {
        Callback::from(move |event: Event| {
            state.set(select_value(&event));
            outcome.set(Outcome::Idle);
        })
    };
    let on_file = {
        let (chosen, outcome) = (chosen.clone(), outcome.clone());
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<web_sys::HtmlInputElement>();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                chosen.set(None);
                return;
            };
            let (chosen, outcome) = (chosen.clone(), outcome.clone());
            outcome.set(Outcome::Idle);
            spawn_local(async move {
                match JsFuture::from(file.text())
                    .await
                    .map(|text| text.as_string())
                {
                    Ok(Some(text)) => chosen.set(Some(Chosen {
                        name: file.name(),
                        text,
                    })),
                    _ => outcome.set(Outcome::Failed("The file could not be read.".into())),
                }
            });
        })
    };
    let run = |dry_run: bool| {
        let (exam, chosen, outcome) = ((*exam).clone(), (*chosen).clone(), outcome.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(file) = chosen.clone() else { return };
            let (exam, outcome) = (exam.clone(), outcome.clone());
            outcome.set(Outcome::Working);
            spawn_local(async move {
                match api::import_bank(&exam, file.format(), dry_run, &file.text).await {
                    Ok(report) => outcome.set(Outcome::Report(report)),
                    Err(failure) => outcome.set(Outcome::Failed(failure.message)),
                }
            });
        })
    };
    let ready = !exam.is_empty() && chosen.is_some() && *outcome != Outcome::Working;
    let can_apply = matches!(&*outcome, Outcome::Report(r) if !r.applied && r.refused.is_empty()
        && (!r.created.is_empty() || !r.changed.is_empty()));
    let export_href = (!exam.is_empty()).then(|| {
        format!(
            "/api/v1/admin/export?{}",
            api::query(&[("exam", &exam), ("format", &format)])
        )
    });
    html! {
        <AdminOnly>
            <section class="page">
                <h1>{ "Import and export" }</h1>
                <div class="filters">
                    <label>
                        <span>{ "Exam" }</span>
                        <select onchange={on_select(exam.clone(), outcome.clone())}>
                            <option value="">{ "Choose an exam" }</option>
                            { exam_options }
                        </select>
                    </label>
                </div>
                <h2>{ "Export" }</h2>
                <p>{ "Every question of the exam, in every status, by id: the seed's TOML or JSON." }</p>
                <div class="filters">
                    <label>
                        <span>{ "Format" }</span>
                        <select onchange={on_select(format.clone(), outcome.clone())}>
                            <option value="toml">{ "TOML" }</option>
                            <option value="json">{ "JSON" }</option>
                        </select>
                    </label>
                    if let Some(href) = export_href {
                        <a class="button" href={href} download="">{ "Download the bank" }</a>
                    }
                </div>
                <h2>{ "Import" }</h2>
                <p>{ "A .toml or .json file as the export writes it (at most 5 MB, 5000 questions). \
                      Check it first; new questions arrive in review." }</p>
                <label>
                    <span>{ "Question file" }</span>
                    <input type="file" accept=".toml,.json" onchange={on_file} />
                </label>
                <p class="actions">
                    <button type="button" class="secondary" disabled={!ready} onclick={run(true)}>{ "Check the file" }</button>
                    <button type="button" disabled={!(ready && can_apply)} onclick={run(false)}>{ "Import" }</button>
                </p>
                { match &*outcome {
                    Outcome::Idle => Html::default(),
                    Outcome::Working => html! { <p class="loading" role="status">{ "Working…" }</p> },
                    Outcome::Report(report) => report_view(report),
                    Outcome::Failed(message) => html! { <p role="alert" class="error">{ message.clone() }</p> },
                } }
            </section>
        </AdminOnly>
    }
}
