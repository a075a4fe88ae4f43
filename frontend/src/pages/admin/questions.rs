//! `/admin/questions`: the bank in every status, filtered by exam and status, a page at a time.

use ptp_shared::QuestionStatus;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{AdminOnly, Pager, exam_choices, filter_choice, flag_label, status_label};
use crate::Route;
use crate::api;
use crate::remote::{Remote, placeholder, use_remote};

const STATUSES: [QuestionStatus; 4] = [
    QuestionStatus::Draft,
    QuestionStatus::InReview,
    QuestionStatus::Published,
    QuestionStatus::Retired,
];

#[component(Questions)]
pub fn questions() -> Html {
    let exam = use_state(String::new);
    let status = use_state(String::new);
    // The cursors of the pages before this one, and this page's.
    let pages = use_state(Vec::<String>::new);
    let (exams, _) = use_remote((), |()| api::exams());
    let after = pages.last().cloned().unwrap_or_default();
    let (list, _) = use_remote(
        ((*exam).clone(), (*status).clone(), after.clone()),
        |(exam, status, after)| async move {
            let query = api::query(&[
                ("exam", &exam),
                ("status", &status),
                ("after", &after),
                ("limit", "50"),
            ]);
            api::admin_questions(&query).await
        },
    );
    let choose = |state: UseStateHandle<String>| filter_choice(state, pages.clone());
    let exam_options = exam_choices(&exams);
    let body = placeholder(&*list, "questions").unwrap_or_else(|| {
        let Remote::Ready(list) = &*list else {
            return Html::default();
        };
        html! {
            <>
                if list.questions.is_empty() {
                    <p>{ "No questions match." }</p>
                } else {
                    <table class="admin-table">
                        <thead><tr>
                            <th scope="col">{ "Question" }</th><th scope="col">{ "Status" }</th>
                            <th scope="col">{ "Exam · domain" }</th><th scope="col">{ "Version" }</th>
                            <th scope="col">{ "Open reports" }</th><th scope="col">{ "Flags" }</th>
                        </tr></thead>
                        <tbody>
                            { for list.questions.iter().map(|q| html! {
                                <tr>
                                    <td>
                                        <Link<Route> to={Route::AdminQuestion { id: q.id.clone() }}>{ q.id.clone() }</Link<Route>>
                                        <span class="stem-start">{ q.stem.clone() }</span>
                                    </td>
                                    <td>{ status_label(q.status) }</td>
                                    <td>{ format!("{} · {}", q.exam, q.domain) }</td>
                                    <td>{ q.version }</td>
                                    <td>{ q.open_reports }</td>
                                    <td>{ for q.flags.iter().map(|f| html! { <span class="flag">{ flag_label(f) }</span> }) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
                <Pager pages={pages.clone()} next_after={list.next_after.clone()} />
            </>
        }
    });
    html! {
        <AdminOnly>
            <section class="page">
                <h1>{ "Questions" }</h1>
                <p><Link<Route> to={Route::AdminNewQuestion} classes="button">{ "Write a question" }</Link<Route>></p>
                <div class="filters">
                    <label>
                        <span>{ "Exam" }</span>
                        <select onchange={choose(exam.clone())}>
                            <option value="">{ "Every exam" }</option>
                            { exam_options }
                        </select>
                    </label>
                    <label>
                        <span>{ "Status" }</span>
                        <select onchange={choose(status.clone())}>
                            <option value="">{ "Any status" }</option>
                            { for STATUSES.iter().map(|s| html! {
                                <option value={s.as_str()}>{ status_label(*s) }</option>
                            }) }
                        </select>
                    </label>
                </div>
                { body }
            </section>
        </AdminOnly>
    }
}
