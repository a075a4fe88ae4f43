//! `/admin/stats`: how each question of an exam performs on learners' first attempts, as of the
//! last daily rollup — sortable by facility, discrimination, responses or median time, with the
//! item-analysis flags beside each question.

use yew::prelude::*;
use yew_router::prelude::*;

use super::{AdminOnly, exam_choices};
use crate::Route;
use crate::api;
use crate::dom::select_value;
use crate::remote::{Remote, placeholder, use_remote};

/// The sortable columns: the API's sort name and the header.
const COLUMNS: [(&str, &str); 4] = [
    ("responses", "Responses"),
    ("facility", "Facility"),
    ("discrimination", "Discrimination"),
    ("median_ms", "Median time"),
];

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// A flag as the console words it.
pub fn flag_label(flag: &str) -> String {
    match flag {
        "too_easy" => "Too easy".into(),
        "too_hard" => "Too hard".into(),
        "negative_discrimination" => "Negative discrimination".into(),
        other => match other.strip_prefix("unused_distractor:") {
            Some(choice) => format!("Choice {} unused", choice.to_ascii_uppercase()),
            None => other.into(),
        },
    }
}

#[component(Stats)]
pub fn stats() -> Html {
    let exam = use_state(String::new);
    let sort = use_state(|| ("facility".to_string(), false));
    let (exams, _) = use_remote((), |()| api::exams());
    let (table, _) = use_remote(
        ((*exam).clone(), (*sort).clone()),
        |(exam, (sort, desc))| async move {
            if exam.is_empty() {
                return Ok(ptp_shared::ItemStatsList { items: vec![] });
            }
            let order = if desc { "desc" } else { "asc" };
            api::item_stats(&api::query(&[
                ("exam", &exam),
                ("sort", &sort),
                ("order", order),
            ]))
            .await
        },
    );
    let exam_options = exam_choices(&exams);
    let on_exam = {
        let exam = exam.clone();
        Callback::from(move |event: Event| {
            exam.set(select_value(&event));
        })
    };
    let header = |(name, label): (&'static str, &'static str)| {
        let (by, desc) = (*sort).clone();
        let active = by == name;
        let aria = match (active, desc) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        let sort = sort.clone();
        let onclick =
            Callback::from(move |_: MouseEvent| sort.set((name.to_string(), active && !desc)));
        html! {
            <th scope="col" aria-sort={aria}>
                <button type="button" class="sort" {onclick}>{ label }</button>
            </th>
        }
    };
    let body = placeholder(&*table, "statistics").unwrap_or_else(|| {
        let Remote::Ready(list) = &*table else { return Html::default() };
        if exam.is_empty() {
            return html! { <p>{ "Choose an exam." }</p> };
        }
        if list.items.is_empty() {
            return html! { <p>{ "No statistics yet: they come with the daily rollup, from 20 first attempts on." }</p> };
        }
        html! {
            <table class="admin-table stats">
                <thead><tr>
                    <th scope="col">{ "Question" }</th>
                    { for COLUMNS.into_iter().map(header) }
                    <th scope="col">{ "Choices picked" }</th>
                    <th scope="col">{ "Flags" }</th>
                </tr></thead>
                <tbody>
                    { for list.items.iter().map(|item| html! {
                        <tr>
                            <td>
                                <Link<Route> to={Route::AdminQuestion { id: item.question.clone() }}>{ item.question.clone() }</Link<Route>>
                                <span class="stem-start">{ format!("version {} · domain {}", item.version, item.domain) }</span>
                            </td>
                            <td>{ item.responses }</td>
                            <td>{ percent(item.facility) }</td>
                            <td>{ item.discrimination.map(|d| format!("{d:.2}")).unwrap_or_else(|| "—".into()) }</td>
                            <td>{ format!("{:.0} s", item.median_ms as f64 / 1000.0) }</td>
                            <td>{ item.choice_shares.iter().enumerate()
                                .map(|(i, share)| format!("{} {}", char::from(b'A' + i as u8), percent(*share)))
                                .collect::<Vec<_>>().join(" · ") }</td>
                            <td>{ for item.flags.iter().map(|f| html! { <span class="flag">{ flag_label(f) }</span> }) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        }
    });
    html! {
        <AdminOnly>
            <section class="page">
                <h1>{ "Item statistics" }</h1>
                <div class="filters">
                    <label>
                        <span>{ "Exam" }</span>
                        <select onchange={on_exam}>
                            <option value="">{ "Choose an exam" }</option>
                            { exam_options }
                        </select>
                    </label>
                </div>
                { body }
            </section>
        </AdminOnly>
    }
}
