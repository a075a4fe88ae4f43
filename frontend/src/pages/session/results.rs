//! A finished session: the scaled score against the pass mark, and how each domain went.

use ptp_shared::{Mode, SessionResult, SessionView};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;
use crate::components::charts::Bar;
use crate::dom::focus_heading;

/// Where `score` sits on the exam's scale, 0–100.
fn on_scale(result: &SessionResult, score: u32) -> f64 {
    let span = f64::from(result.score_max.saturating_sub(result.score_min)).max(1.0);
    f64::from(score.saturating_sub(result.score_min)) / span * 100.0
}

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub view: SessionView,
}

#[component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    use_effect_with((), |_| focus_heading("results-heading"));
    let view = &props.view;
    let Some(result) = &view.result else {
        return html! { <p class="empty-state">{ "This session has no result yet." }</p> };
    };
    let mock = view.mode == Mode::Mock;
    let (title, tone) = match result.passed {
        Some(true) => ("You passed", "ok"),
        Some(false) => ("Not a pass this time", "bad"),
        None => ("Practice complete", "partial"),
    };
    let score_label = format!(
        "Scaled score {} on a scale of {} to {}; the pass mark is {}.",
        result.scaled, result.score_min, result.score_max, result.passing_score
    );
    html! {
        <div class="results">
            <p class="muted">{ format!("{} · {}", view.exam_name, if mock { "Mock exam" } else { "Practice" }) }</p>
            <h1 id="results-heading" tabindex="-1" class={classes!("result-title", tone)}>{ title }</h1>
            <section class="card score" aria-label="Score">
                <p class="score-line">
                    <strong class="score-value">{ result.scaled }</strong>
                    <span class="muted">{ format!(" / {} · pass mark {}", result.score_max, result.passing_score) }</span>
                </p>
                <Bar percent={on_scale(result, result.scaled)} marker={Some(on_scale(result, result.passing_score))}
                    label={score_label} tone={Some(tone)} />
                <p>{ format!("{} of {} correct · {} answered · {:.0}% of the credit", result.correct, result.total, result.answered, result.raw * 100.0) }</p>
                if !mock {
                    <p class="muted">{ "Practice scores are shown on the exam's scale for orientation only." }</p>
                }
            </section>
            <section class="card" aria-labelledby="domains-heading">
                <h2 id="domains-heading">{ "By domain" }</h2>
                <ul class="domain-bars">
                    { for result.domains.iter().map(|d| html! {
                        <li>
                            <span class="domain-name">{ format!("{} {}", d.code, d.name) }</span>
                            <Bar percent={d.percent} label={format!("{}: {:.0}%", d.name, d.percent)}
                                tone={Some(if d.percent >= 75.0 { "ok" } else if d.percent >= 50.0 { "partial" } else { "bad" })} />
                            <span class="domain-figure">{ format!("{:.0}% · {} question{}", d.percent, d.questions, if d.questions == 1 { "" } else { "s" }) }</span>
                        </li>
                    }) }
                </ul>
            </section>
            <div class="actions">
                <Link<Route> to={Route::Review { id: view.id.clone() }} classes="button">{ "Review every answer" }</Link<Route>>
                <Link<Route> to={Route::Exam { code: view.exam.clone() }} classes="button button-secondary">{ "Practise again" }</Link<Route>>
                <Link<Route> to={Route::Progress} classes="button button-secondary">{ "Your progress" }</Link<Route>>
            </div>
        </div>
    }
}
