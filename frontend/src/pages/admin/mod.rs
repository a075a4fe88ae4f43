//! The admin console (`/admin/…`): the bank's questions, the report queue and the audit log.
//! Shown only to admins; the API refuses everyone else on every operation anyway.

mod audit;
mod bank;
mod editor;
mod question;
mod questions;
mod reports;
mod stats;

use ptp_shared::Role;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;
use crate::session::{Identity, use_session};

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
