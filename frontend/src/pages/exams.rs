use ptp_shared::{ExamList, ExamSummary, Navigation};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;
use crate::remote::{Remote, placeholder, use_remote};

pub fn navigation_label(navigation: Navigation) -> &'static str {
    match navigation {
        Navigation::ReviewAllowed => "Review and change answers before submitting",
        Navigation::ForwardOnly => "Forward only: no going back",
    }
}

#[component(ExamCard)]
fn exam_card(props: &ExamCardProps) -> Html {
    let exam = &props.exam;
    html! {
        <li class="card exam-card">
            <p class="vendor">{ exam.vendor.clone() }</p>
            <h2><Link<Route> to={Route::Exam { code: exam.code.clone() }}>{ exam.name.clone() }</Link<Route>></h2>
            <p class="exam-code">{ exam.code.clone() }</p>
            <dl class="facts">
                <div><dt>{ "Questions" }</dt><dd>{ exam.question_count }</dd></div>
                <div><dt>{ "Time" }</dt><dd>{ format!("{} min", exam.minutes) }</dd></div>
                <div><dt>{ "Pass mark" }</dt><dd>{ format!("{} / {}", exam.passing_score, exam.score_max) }</dd></div>
                <div><dt>{ "In the bank" }</dt><dd>{ exam.bank_size }</dd></div>
            </dl>
            <p class="muted">{ navigation_label(exam.navigation) }</p>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ExamCardProps {
    exam: ExamSummary,
}

/// The exam catalogue.
#[component(Exams)]
pub fn exams() -> Html {
    let (list, _) = use_remote((), |()| crate::api::exams());
    html! {
        <section>
            <h1>{ "Exam catalogue" }</h1>
            { match &*list {
                Remote::Ready(ExamList { exams }) if exams.is_empty() => html! {
                    <p class="empty-state">{ "No exams are published yet." }</p>
                },
                Remote::Ready(ExamList { exams }) => html! {
                    <ul class="exam-grid">{ for exams.iter().map(|exam| html! { <ExamCard exam={exam.clone()} /> }) }</ul>
                },
                other => placeholder(other, "the catalogue").unwrap_or_default(),
            } }
        </section>
    }
}
