//! The mock player's pieces: the header with the countdown, the navigator and the review screen.

use yew::prelude::*;

use super::clock::Countdown;

/// Where one question stands, for the navigator.
#[derive(Clone, Copy, PartialEq)]
pub struct Cell {
    pub answered: bool,
    pub flagged: bool,
}

impl Cell {
    fn words(self) -> String {
        let mut words = vec![if self.answered {
            "answered"
        } else {
            "not answered"
        }];
        if self.flagged {
            words.push("flagged");
        }
        words.join(", ")
    }
}

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub exam_name: AttrValue,
    pub answered: usize,
    pub total: usize,
    /// The deadline by the server's clock and the offset to it, for mocks with a clock.
    pub deadline: Option<(f64, f64)>,
    pub on_expired: Callback<()>,
}

#[component(PlayerHeader)]
pub fn player_header(props: &HeaderProps) -> Html {
    html! {
        <header class="player-header">
            <p class="muted">{ format!("{} · Mock exam", props.exam_name) }</p>
            if let Some((deadline, offset)) = props.deadline {
                <Countdown {deadline} {offset} on_expired={props.on_expired.clone()} />
            }
            <p class="tally">{ format!("{} of {} answered", props.answered, props.total) }</p>
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct NavigatorProps {
    pub cells: Vec<Cell>,
    /// The question on screen (none while reviewing).
    pub current: Option<usize>,
    pub on_go: Callback<usize>,
}

#[component(Navigator)]
pub fn navigator(props: &NavigatorProps) -> Html {
    html! {
        <nav class="navigator" aria-label="Questions">
            <ol>
                { for props.cells.iter().enumerate().map(|(index, cell)| {
                    let class = classes!(
                        "nav-cell",
                        cell.answered.then_some("answered"),
                        cell.flagged.then_some("flagged"),
                    );
                    let go = props.on_go.clone();
                    html! {
                        <li>
                            <button type="button" class={class}
                                aria-current={(props.current == Some(index)).then_some("step")}
                                aria-label={format!("Question {}: {}", index + 1, cell.words())}
                                onclick={Callback::from(move |_| go.emit(index))}>{ index + 1 }</button>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    pub cells: Vec<Cell>,
    pub forward_only: bool,
    pub submitting: bool,
    pub error: Option<AttrValue>,
    pub on_go: Callback<usize>,
    pub on_submit: Callback<()>,
    pub on_back: Callback<()>,
}

#[component(ReviewScreen)]
pub fn review_screen(props: &ReviewProps) -> Html {
    let total = props.cells.len();
    let answered = props.cells.iter().filter(|c| c.answered).count();
    let flagged = props.cells.iter().filter(|c| c.flagged).count();
    let (submit, back) = (props.on_submit.clone(), props.on_back.clone());
    html! {
        <section class="card review-screen" aria-labelledby="review-heading">
            <h2 id="review-heading" tabindex="-1">{ "Review before submitting" }</h2>
            <p>{ format!("{answered} of {total} answered · {} not answered · {flagged} flagged", total - answered) }</p>
            if props.forward_only {
                <p class="muted">{ "This exam is forward-only: earlier questions are closed. Unanswered questions earn no credit." }</p>
            } else {
                <p class="muted">{ "Pick a question to go back to it. Unanswered questions earn no credit." }</p>
                <Navigator cells={props.cells.clone()} current={None::<usize>} on_go={props.on_go.clone()} />
            }
            if let Some(message) = &props.error {
                <p class="form-error" role="alert">{ message.clone() }</p>
            }
            <div class="actions">
                <button class="button" type="button" disabled={props.submitting}
                    onclick={Callback::from(move |_| submit.emit(()))}>{ "Submit exam" }</button>
                <button class="button button-secondary" type="button"
                    onclick={Callback::from(move |_| back.emit(()))}>{ "Back to the questions" }</button>
            </div>
        </section>
    }
}
