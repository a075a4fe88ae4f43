//! `/progress`: accuracy over time and by domain, readiness per exam (and, on Pro, readiness
//! over time), streak, attempts.

use ptp_shared::{Attempt, DomainProgress, ExamList, Mode, Plan, Progress};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;
use crate::api::ApiFailure;
use crate::billing::use_billing;
use crate::components::charts::{AccuracyChart, Bar, Gauge, ReadinessHistoryChart};
use crate::dom::{local_time, select_value};
use crate::remote::{Remote, placeholder, use_remote};
use crate::session::{Identity, use_session};

fn plural(count: u32, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

#[component(ProgressPage)]
pub fn progress_page() -> Html {
    let session = use_session();
    let body = match &session.identity {
        Identity::Loading => html! { <p class="loading" role="status">{ "Loading…" }</p> },
        Identity::Visitor => html! {
            <div class="empty-state">
                <p>{ "Nothing here yet: your progress appears once you answer questions." }</p>
                <Link<Route> to={Route::Exams} classes="button">{ "Pick an exam to practise" }</Link<Route>>
            </div>
        },
        Identity::Guest(me) | Identity::Member(me) => {
            html! { <Dashboard target={me.target_exam.clone()} /> }
        }
    };
    html! {
        <section class="progress-page">
            <h1>{ "Your progress" }</h1>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DashboardProps {
    target: Option<String>,
}

#[component(Dashboard)]
fn dashboard(props: &DashboardProps) -> Html {
    let (progress, _) = use_remote((), |()| crate::api::progress());
    let (exams, _) = use_remote((), |()| crate::api::exams());
    let Remote::Ready(progress) = &*progress else {
        return placeholder(&progress, "your progress").unwrap_or_default();
    };
    let exam_list = match &*exams {
        Remote::Ready(ExamList { exams }) => exams
            .iter()
            .map(|e| (e.code.clone(), e.name.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let default_exam = props
        .target
        .clone()
        .or_else(|| progress.attempts.first().map(|a| a.exam.clone()))
        .or_else(|| progress.domains.first().map(|d| d.exam.clone()))
        .or_else(|| exam_list.first().map(|(code, _)| code.clone()));
    let accuracy = if progress.answered == 0 {
        "—".to_string()
    } else {
        format!(
            "{:.0}%",
            f64::from(progress.correct) / f64::from(progress.answered) * 100.0
        )
    };
    html! {
        <>
            <dl class="stats">
                <div><dt>{ "Questions answered" }</dt><dd>{ progress.answered }</dd></div>
                <div><dt>{ "Fully correct" }</dt><dd>{ accuracy }</dd></div>
                <div><dt>{ "Streak" }</dt><dd>{ plural(progress.streak_days, "day") }</dd></div>
                <div><dt>{ "Due for review" }</dt><dd>{ progress.due_reviews }</dd></div>
            </dl>
            <section class="card" aria-labelledby="time-heading">
                <h2 id="time-heading">{ "Accuracy over time" }</h2>
                <AccuracyChart days={progress.daily.clone()} />
            </section>
            if let Some(exam) = default_exam {
                <ReadinessCard exams={exam_list} initial={exam} />
            }
            <DomainsCard progress={progress.clone()} />
            <AttemptsCard attempts={progress.attempts.clone()} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ReadinessProps {
    exams: Vec<(String, String)>,
    initial: String,
}

#[component(ReadinessCard)]
fn readiness_card(props: &ReadinessProps) -> Html {
    let exam = use_state(|| props.initial.clone());
    let (readiness, _) = use_remote((*exam).clone(), |code: String| async move {
        crate::api::readiness(&code).await
    });
    let choose = {
        let exam = exam.clone();
        Callback::from(move |event: Event| {
            exam.set(select_value(&event));
        })
    };
    html! {
        <section class="card readiness" aria-labelledby="readiness-heading">
            <h2 id="readiness-heading">{ "Readiness" }</h2>
            if props.exams.len() > 1 {
                <label class="inline-label">
                    { "Exam " }
                    <select onchange={choose}>
                        { for props.exams.iter().map(|(code, name)| html! {
                            <option value={code.clone()} selected={*code == *exam}>{ format!("{name} ({code})") }</option>
                        }) }
                    </select>
                </label>
            }
            { match &*readiness {
                Remote::Ready(r) => html! {
                    <div class="readiness-body">
                        <Gauge probability={r.probability} low={r.low} high={r.high} />
                        <div>
                            <p>{ format!("Expected score about {} (pass mark {}).", r.expected_score, r.passing_score) }</p>
                            <ul class="domain-bars">
                                { for r.domains.iter().map(|d| html! {
                                    <li>
                                        <span class="domain-name">{ format!("{} {} ({}%)", d.code, d.name, d.weight) }</span>
                                        <Bar percent={d.estimate * 100.0} label={format!("{}: estimated {:.0}%", d.name, d.estimate * 100.0)} />
                                        <span class="domain-figure">{ format!("{:.0}% · {}", d.estimate * 100.0, plural(d.answers, "answer")) }</span>
                                    </li>
                                }) }
                            </ul>
                            <p class="muted model">{ r.model.clone() }</p>
                        </div>
                    </div>
                },
                other => placeholder(other, "readiness").unwrap_or_default(),
            } }
            <ReadinessHistory exam={(*exam).clone()} />
        </section>
    }
}

/// Whether a failed history call is the plan's to answer: a Pro feature (or any 402) refused on
/// Free shows the upsell, never an error — the plan may have changed since it was read.
fn history_upsold(failure: &ApiFailure) -> bool {
    failure
        .limit_reached()
        .is_some_and(|limit| limit.feature.is_some() || limit.plan == Some(Plan::Free))
}

/// Today's UTC day (`YYYY-MM-DD`), the calendar the history's days are counted in.
fn utc_today() -> String {
    let iso = String::from(js_sys::Date::new_0().to_iso_string());
    iso.get(..10).unwrap_or_default().to_string()
}

#[derive(Properties, PartialEq)]
struct HistoryProps {
    exam: String,
}

/// "Readiness over time", a Pro feature. Asked for only once the plan reads Pro (or could not be
/// read: then the server's answer decides), so Free never spends a request on a refusal; on Free
/// the line offering Pro instead. Nothing while the plan is still being read, so neither flashes.
#[component(ReadinessHistory)]
fn readiness_history(props: &HistoryProps) -> Html {
    let billing = use_billing();
    let ask = match &billing.status {
        Remote::Ready(Some(status)) => Some(status.plan == Plan::Pro),
        Remote::Failed(_) => Some(true),
        Remote::Loading | Remote::Ready(None) => None,
    };
    let (history, _) = use_remote(
        (props.exam.clone(), ask == Some(true)),
        |(exam, fetch): (String, bool)| async move {
            if fetch {
                crate::api::readiness_history(&exam).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let upsell = html! {
        <p class="readiness-history-upsell" data-testid="readiness-history-upsell">
            { "Readiness over time comes with Pro. " }
            <Link<Route> to={Route::Pricing}>{ "Upgrade to Pro" }</Link<Route>>
        </p>
    };
    let body = match (ask, &*history) {
        (None, _) => return html! {},
        (Some(false), _) => return upsell,
        (Some(true), Remote::Failed(failure)) if history_upsold(failure) => return upsell,
        (Some(true), Remote::Ready(Some(history))) => html! {
            <ReadinessHistoryChart days={history.days.clone()} today={utc_today()} />
        },
        (Some(true), Remote::Failed(failure)) => html! {
            <p class="form-error" role="alert">{ failure.message.clone() }</p>
        },
        // Loading, or the moment before a changed plan's request starts.
        (Some(true), _) => html! {
            <p class="loading" role="status">{ "Loading readiness history…" }</p>
        },
    };
    html! {
        <div class="readiness-history" data-testid="readiness-history">
            <h3>{ "Readiness over time" }</h3>
            { body }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DomainsProps {
    progress: Progress,
}

fn trend(domain: &DomainProgress) -> Html {
    match domain.trend {
        Some(t) if t > 0.02 => {
            html! { <span class="trend up" title="Last 7 days vs the 7 before">{ format!("▲ {:.0} pts", t * 100.0) }</span> }
        }
        Some(t) if t < -0.02 => {
            html! { <span class="trend down" title="Last 7 days vs the 7 before">{ format!("▼ {:.0} pts", -t * 100.0) }</span> }
        }
        Some(_) => html! { <span class="trend">{ "steady" }</span> },
        None => html! {},
    }
}

#[component(DomainsCard)]
fn domains_card(props: &DomainsProps) -> Html {
    let domains = &props.progress.domains;
    html! {
        <section class="card" aria-labelledby="domains-heading">
            <h2 id="domains-heading">{ "Accuracy by domain" }</h2>
            if domains.is_empty() {
                <p class="empty-state">{ "No answers yet." }</p>
            } else {
                <ul class="domain-bars">
                    { for domains.iter().map(|d| html! {
                        <li>
                            <span class="domain-name">{ format!("{} · {} {}", d.exam, d.domain, d.name) }</span>
                            <Bar percent={d.accuracy * 100.0} label={format!("{}: {:.0}% of {} answers", d.name, d.accuracy * 100.0, d.answered)} />
                            <span class="domain-figure">{ format!("{:.0}% · {} ", d.accuracy * 100.0, plural(d.answered, "answer")) }{ trend(d) }</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AttemptsProps {
    attempts: Vec<Attempt>,
}

#[component(AttemptsCard)]
fn attempts_card(props: &AttemptsProps) -> Html {
    html! {
        <section class="card" aria-labelledby="attempts-heading">
            <h2 id="attempts-heading">{ "History" }</h2>
            if props.attempts.is_empty() {
                <p class="empty-state">{ "No sessions yet." }</p>
            } else {
                <div class="table-scroll">
                    <table class="attempts">
                        <thead><tr><th>{ "Started" }</th><th>{ "Exam" }</th><th>{ "Mode" }</th><th>{ "Answered" }</th><th>{ "Score" }</th><th></th></tr></thead>
                        <tbody>
                            { for props.attempts.iter().map(|a| {
                                let score = match (a.scaled, a.passed) {
                                    (Some(s), Some(true)) => format!("{s} · pass"),
                                    (Some(s), Some(false)) => format!("{s} · fail"),
                                    (Some(s), None) => s.to_string(),
                                    (None, _) => "in progress".into(),
                                };
                                html! {
                                    <tr>
                                        <td>{ local_time(&a.started_at) }</td>
                                        <td>{ a.exam.clone() }</td>
                                        <td>{ if a.mode == Mode::Mock { "Mock" } else { "Practice" } }</td>
                                        <td>{ format!("{}/{}", a.answered, a.questions) }</td>
                                        <td>{ score }</td>
                                        <td>
                                            <Link<Route> to={Route::Session { id: a.session.clone() }}>
                                                { if a.finished_at.is_some() { "Results" } else { "Continue" } }
                                            </Link<Route>>
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptp_shared::ErrorCode;

    fn failure(status: u16, code: ErrorCode, details: serde_json::Value) -> ApiFailure {
        ApiFailure {
            status,
            code: Some(code),
            message: "Readiness history comes with Pro.".into(),
            details: details.as_object().cloned(),
        }
    }

    #[test]
    fn a_feature_refusal_is_the_upsell_and_other_failures_are_errors() {
        let feature = failure(
            402,
            ErrorCode::PaymentRequired,
            serde_json::json!({"feature": "readiness_history", "plan": "free"}),
        );
        assert!(history_upsold(&feature));
        let bare = ApiFailure {
            details: None,
            ..feature.clone()
        };
        assert!(history_upsold(&bare));
        let rate_limited = failure(
            429,
            ErrorCode::RateLimited,
            serde_json::json!({"quota": "requests"}),
        );
        assert!(!history_upsold(&rate_limited));
        assert!(!history_upsold(&ApiFailure::local(
            "Could not reach PingToPass."
        )));
    }
}
