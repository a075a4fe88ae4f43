//! The learner's own reports on questions, and what became of each.

use ptp_shared::{ReportStatus, ReportView};
use yew::prelude::*;

use crate::api;
use crate::dom::local_time;
use crate::remote::{Remote, placeholder, use_remote};

/// What became of a report, in the reporter's words.
pub fn outcome(report: &ReportView) -> String {
    let note = report
        .resolution_note
        .as_ref()
        .map(|note| format!(" — {note}"))
        .unwrap_or_default();
    match (report.status, &report.duplicate_of) {
        (ReportStatus::Open, _) => "Open: an admin will look at it.".into(),
        (ReportStatus::Resolved, _) => format!("Fixed: the question was corrected{note}"),
        (ReportStatus::Dismissed, Some(_)) => {
            format!("Closed: someone reported the same problem first{note}")
        }
        (ReportStatus::Dismissed, None) => format!("Closed without a change{note}"),
    }
}

#[component(YourReports)]
pub fn your_reports() -> Html {
    let (reports, _) = use_remote((), |()| api::my_reports());
    let body = placeholder(&*reports, "your reports").unwrap_or_else(|| match &*reports {
        Remote::Ready(list) if list.reports.is_empty() => {
            html! { <p>{ "You have not reported a question." }</p> }
        }
        Remote::Ready(list) => html! {
            <ul class="my-reports">
                { for list.reports.iter().map(|r| html! {
                    <li>
                        <strong>{ r.question.clone() }</strong>
                        { format!(" · {} · ", local_time(&r.created_at)) }
                        <span class="report-outcome">{ outcome(r) }</span>
                    </li>
                }) }
            </ul>
        },
        _ => Html::default(),
    });
    html! {
        <section class="card" aria-labelledby="reports-heading">
            <h2 id="reports-heading">{ "Your reports" }</h2>
            { body }
        </section>
    }
}
