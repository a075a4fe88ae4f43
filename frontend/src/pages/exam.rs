//! `/exams/{code}`: the exam's rules and domains, and where sessions start — with what the
//! plan has left of practice answers and mocks, and the upgrade prompt when it has none.

use ptp_shared::limits::{PRACTICE_DEFAULT, PRACTICE_MAX};
use ptp_shared::{ExamDetail, Filter, Mode, QuestionKind, StartSession};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;
use crate::api::ApiFailure;
use crate::billing::use_current_billing;
use crate::components::{AllowanceLeft, ExamTrendsCard, FailureNotice};
use crate::dom::input_value;
use crate::pages::exams::navigation_label;
use crate::remote::{Remote, placeholder, use_remote};
use crate::session::{Identity, use_session};
use ptp_shared::Metered;

#[derive(Properties, PartialEq)]
pub struct ExamProps {
    pub code: AttrValue,
}

/// Starts a session (as a guest when nobody is signed in) and opens it.
pub fn start(
    request: StartSession,
    navigator: Navigator,
    error: UseStateHandle<Option<ApiFailure>>,
    session: crate::session::SessionContext,
) {
    spawn_local(async move {
        if session.identity == Identity::Visitor {
            match crate::api::ensure_session().await {
                Ok(me) => session.set.emit(Some(me)),
                Err(failure) => return error.set(Some(failure)),
            }
        }
        match crate::api::start_session(&request).await {
            Ok(view) => navigator.push(&Route::Session { id: view.id }),
            Err(failure) => error.set(Some(failure)),
        }
    });
}

#[component(Exam)]
pub fn exam(props: &ExamProps) -> Html {
    let (detail, _) = use_remote(props.code.to_string(), |code: String| async move {
        crate::api::exam(&code).await
    });
    html! {
        <section class="exam-page">
            { match &*detail {
                Remote::Ready(exam) => html! { <ExamBody exam={exam.clone()} /> },
                other => placeholder(other, "the exam").unwrap_or_default(),
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BodyProps {
    exam: ExamDetail,
}

#[component(ExamBody)]
fn exam_body(props: &BodyProps) -> Html {
    let exam = &props.exam;
    let s = &exam.summary;
    let navigator = use_navigator().expect("inside the router");
    let session = use_session();
    // The counts beside "Start practice" and "Start mock exam" are read as the page opens.
    use_current_billing();
    let error = use_state(|| None::<ApiFailure>);
    let count = use_state(|| PRACTICE_DEFAULT.to_string());
    let filter = use_state(|| Filter::All);
    let chosen = use_state(|| {
        exam.domains
            .iter()
            .map(|d| d.code.clone())
            .collect::<Vec<_>>()
    });
    let mock_count = use_state(|| s.question_count.to_string());
    let signed = matches!(session.identity, Identity::Guest(_) | Identity::Member(_));
    let (due, _) = use_remote(signed, |signed: bool| async move {
        if signed {
            crate::api::due_reviews().await.map(Some)
        } else {
            Ok(None)
        }
    });
    let due_here = match &*due {
        Remote::Ready(Some(due)) => due
            .exams
            .iter()
            .find(|e| e.exam == s.code)
            .map_or(0, |e| e.due),
        _ => 0,
    };
    let next_due = match &*due {
        Remote::Ready(Some(due)) => due.next_due_at.clone(),
        _ => None,
    };

    let start_practice = {
        let (count, filter, chosen, error, navigator, session) = (
            count.clone(),
            filter.clone(),
            chosen.clone(),
            error.clone(),
            navigator.clone(),
            session.clone(),
        );
        let (code, all) = (s.code.clone(), exam.domains.len());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Ok(n) = count.trim().parse::<u32>() else {
                return error.set(Some(ApiFailure::local(&format!(
                    "Enter how many questions (1–{PRACTICE_MAX})."
                ))));
            };
            if chosen.is_empty() {
                return error.set(Some(ApiFailure::local("Pick at least one domain.")));
            }
            let domains = (chosen.len() < all).then(|| (*chosen).clone());
            let request = StartSession {
                exam: code.clone(),
                mode: Mode::Practice,
                count: Some(n),
                domains,
                filter: Some(*filter),
            };
            start(request, navigator.clone(), error.clone(), session.clone());
        })
    };
    let start_mock = {
        let (mock_count, error, navigator, session) = (
            mock_count.clone(),
            error.clone(),
            navigator.clone(),
            session.clone(),
        );
        let (code, max) = (s.code.clone(), s.question_count);
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Ok(n) = mock_count.trim().parse::<u32>() else {
                return error.set(Some(ApiFailure::local(&format!(
                    "Enter how many questions (1–{max})."
                ))));
            };
            let request = StartSession {
                exam: code.clone(),
                mode: Mode::Mock,
                count: Some(n),
                domains: None,
                filter: None,
            };
            start(request, navigator.clone(), error.clone(), session.clone());
        })
    };
    let start_due = {
        let (error, navigator, session) = (error.clone(), navigator.clone(), session.clone());
        let code = s.code.clone();
        Callback::from(move |_: MouseEvent| {
            let request = StartSession {
                exam: code.clone(),
                mode: Mode::Practice,
                count: Some(due_here.min(PRACTICE_MAX)),
                domains: None,
                filter: Some(Filter::Due),
            };
            start(request, navigator.clone(), error.clone(), session.clone());
        })
    };
    let toggle_domain = |code: String| {
        let chosen = chosen.clone();
        Callback::from(move |_| {
            let mut next = (*chosen).clone();
            if let Some(at) = next.iter().position(|c| *c == code) {
                next.remove(at);
            } else {
                next.push(code.clone());
            }
            chosen.set(next);
        })
    };
    let mock_minutes = mock_count.trim().parse::<u32>().ok().map(|n| {
        ((f64::from(s.minutes) * f64::from(n) / f64::from(s.question_count)).round() as u32).max(1)
    });
    let filters = [
        (Filter::All, "All questions"),
        (Filter::Unseen, "Unseen"),
        (Filter::Missed, "Missed before"),
        (Filter::Due, "Due for review"),
    ];
    html! {
        <>
            <p class="vendor">{ s.vendor.clone() }{ " · " }{ s.version.clone() }</p>
            <h1>{ s.name.clone() }</h1>
            <dl class="facts">
                <div><dt>{ "Questions" }</dt><dd>{ s.question_count }</dd></div>
                <div><dt>{ "Time" }</dt><dd>{ format!("{} minutes", s.minutes) }</dd></div>
                <div><dt>{ "Scale" }</dt><dd>{ format!("{}–{}", s.score_min, s.score_max) }</dd></div>
                <div><dt>{ "Pass mark" }</dt><dd>{ s.passing_score }</dd></div>
            </dl>
            <p class="muted">{ navigation_label(s.navigation) }</p>
            <table class="domains">
                <caption>{ "Domains" }</caption>
                <thead><tr><th>{ "Domain" }</th><th>{ "Weight" }</th><th>{ "In the bank" }</th></tr></thead>
                <tbody>
                    { for exam.domains.iter().map(|d| html! {
                        <tr><td>{ format!("{} {}", d.code, d.name) }</td><td>{ format!("{} %", d.weight) }</td><td>{ d.bank_size }</td></tr>
                    }) }
                </tbody>
            </table>
            if let Some(failure) = &*error {
                <FailureNotice failure={failure.clone()} />
            }
            <section class="card due-panel" aria-labelledby="due-heading">
                <h2 id="due-heading">{ "Spaced review" }</h2>
                if due_here > 0 {
                    <p>{ format!("{due_here} question{} due for review now.", if due_here == 1 { " is" } else { "s are" }) }</p>
                    <button class="button" type="button" onclick={start_due}>{ format!("Review {} due", due_here.min(PRACTICE_MAX)) }</button>
                } else {
                    <p class="muted">
                        { "Nothing is due. Every question you answer comes back here on a spaced-repetition schedule: sooner when you miss it, later when you know it." }
                        if let Some(at) = next_due {
                            { format!(" Your next review (in any exam) is due {}.", crate::dom::local_time(&at)) }
                        }
                    </p>
                }
            </section>
            <div class="start-panels">
                <form class="card form" onsubmit={start_practice} aria-labelledby="practice-heading">
                    <h2 id="practice-heading">{ "Practice" }</h2>
                    <p class="muted">{ "Instant feedback and an explanation after every answer." }</p>
                    <label>
                        { "Number of questions" }
                        <input type="number" min="1" max={PRACTICE_MAX.to_string()} value={(*count).clone()}
                            oninput={{ let count = count.clone(); Callback::from(move |e: InputEvent| count.set(input_value(&e))) }} />
                    </label>
                    <fieldset>
                        <legend>{ "Draw from" }</legend>
                        { for filters.iter().map(|(value, label)| {
                            let value = *value;
                            let filter = filter.clone();
                            html! {
                                <label class="checkbox">
                                    <input type="radio" name="filter" checked={*filter == value}
                                        onclick={Callback::from(move |_| filter.set(value))} />
                                    { *label }
                                </label>
                            }
                        }) }
                    </fieldset>
                    <fieldset>
                        <legend>{ "Domains" }</legend>
                        { for exam.domains.iter().map(|d| html! {
                            <label class="checkbox">
                                <input type="checkbox" checked={chosen.contains(&d.code)} onclick={toggle_domain(d.code.clone())} />
                                { format!("{} {}", d.code, d.name) }
                            </label>
                        }) }
                    </fieldset>
                    <AllowanceLeft metered={Metered::PracticeAnswers} />
                    <button class="button" type="submit">{ "Start practice" }</button>
                </form>
                <form class="card form" onsubmit={start_mock} aria-labelledby="mock-heading">
                    <h2 id="mock-heading">{ "Mock exam" }</h2>
                    <p class="muted">{ "Timed and scored like the real exam. Results at the end." }</p>
                    if !s.mock_kinds.contains(&QuestionKind::Ordering) {
                        <p class="muted" id="mock-kinds">{ "The real exam has no ordering items, so mocks leave them out: they are for practice only." }</p>
                    }
                    <label>
                        { "Number of questions" }
                        <input type="number" min="1" max={s.question_count.to_string()} value={(*mock_count).clone()}
                            oninput={{ let mock_count = mock_count.clone(); Callback::from(move |e: InputEvent| mock_count.set(input_value(&e))) }} />
                    </label>
                    <p class="muted">{ mock_minutes.map(|m| format!("{m} minutes on the clock")).unwrap_or_default() }</p>
                    <AllowanceLeft metered={Metered::Mocks} />
                    <button class="button" type="submit">{ "Start mock exam" }</button>
                </form>
            </div>
            <ExamTrendsCard exam={s.code.clone()} />
            <p><Link<Route> to={Route::Progress}>{ "Your progress and readiness" }</Link<Route>></p>
        </>
    }
}
