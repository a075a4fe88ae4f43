//! The admin console (`/admin/…`): the bank's questions, the report queue and the audit log.
//! Shown only to admins; the API refuses everyone else on every operation anyway.

mod ai_drafts;
mod audit;
mod bank;
mod draft;
mod editor;
mod question;
mod questions;
mod reports;
mod stats;

use ptp_shared::{ExamList, Role};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;
use crate::dom::select_value;
use crate::remote::Remote;
use crate::session::{Identity, use_session};

pub use ai_drafts::AiDrafts;
pub use audit::AuditLog;
pub use bank::Bank;
pub use question::{NewQuestion, QuestionPage};
pub use questions::Questions;
pub use reports::{ReportPage, Reports};
pub use stats::{Stats, flag_label};

#[derive(Properties, PartialEq)]
pub struct AdminOnlyProps {
    pub children: Html,
}

/// Its children for an admin; a plain refusal for anyone else.
#[component(AdminOnly)]
pub fn admin_only(props: &AdminOnlyProps) -> Html {
    let session = use_session();
    match &session.identity {
        Identity::Member(me) if me.role == Role::Admin => html! {
            <div class="admin">
                <nav class="admin-nav" aria-label="Console">
                    <Link<Route> to={Route::AdminQuestions}>{ "Questions" }</Link<Route>>
                    <Link<Route> to={Route::AdminDrafts}>{ "AI drafts" }</Link<Route>>
                    <Link<Route> to={Route::AdminReports}>{ "Reports" }</Link<Route>>
                    <Link<Route> to={Route::AdminStats}>{ "Statistics" }</Link<Route>>
                    <Link<Route> to={Route::AdminBank}>{ "Import and export" }</Link<Route>>
                    <Link<Route> to={Route::AdminAudit}>{ "Audit log" }</Link<Route>>
                </nav>
                { props.children.clone() }
            </div>
        },
        Identity::Loading => {
            html! { <p class="loading" role="status">{ "Loading…" }</p> }
        }
        _ => html! {
            <section class="page">
                <h1>{ "Admin console" }</h1>
                <p>{ "Only administrators can use the console." }</p>
            </section>
        },
    }
}

/// The exams on offer as a `<select>`'s options (value: the code), once the list has come.
pub fn exam_choices(exams: &Remote<ExamList>) -> Html {
    match exams {
        Remote::Ready(list) => list
            .exams
            .iter()
            .map(|e| html! { <option value={e.code.clone()}>{ format!("{} {}", e.code, e.name) }</option> })
            .collect(),
        _ => Html::default(),
    }
}

/// A paged list's filter: its change handler sets `state` and goes back to the first page.
pub fn filter_choice(
    state: UseStateHandle<String>,
    pages: UseStateHandle<Vec<String>>,
) -> Callback<Event> {
    Callback::from(move |event: Event| {
        state.set(select_value(&event));
        pages.set(vec![]);
    })
}

#[derive(Properties, PartialEq)]
pub struct PagerProps {
    /// The cursors of the pages before this one, and this page's.
    pub pages: UseStateHandle<Vec<String>>,
    /// This page's `next_after`: there is a next page.
    pub next_after: Option<String>,
}

/// "Previous page" and "Next page", as far as there are such pages.
#[component(Pager)]
pub fn pager(props: &PagerProps) -> Html {
    let step = |forward: Option<String>| {
        let pages = props.pages.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*pages).clone();
            match &forward {
                Some(cursor) => next.push(cursor.clone()),
                None => drop(next.pop()),
            }
            pages.set(next);
        })
    };
    html! {
        <p class="pager">
            if !props.pages.is_empty() {
                <button type="button" class="secondary" onclick={step(None)}>{ "Previous page" }</button>
            }
            if let Some(cursor) = props.next_after.clone() {
                <button type="button" class="secondary" onclick={step(Some(cursor))}>{ "Next page" }</button>
            }
        </p>
    }
}

/// A status as the console names it.
pub fn status_label(status: ptp_shared::QuestionStatus) -> &'static str {
    use ptp_shared::QuestionStatus::*;
    match status {
        Draft => "Draft",
        InReview => "In review",
        Published => "Published",
        Retired => "Retired",
    }
}
