//! The practice player: one question at a time, graded the moment it is answered, with the
//! explanation. Keys: 1–9 pick A–I, Enter submits, N moves on. An answer past the plan's daily
//! allowance is refused (402) and shown as the upgrade prompt where the error would be.

use std::rc::Rc;

use ptp_shared::{AnswerOutcome, SessionView, Solution, SubmitAnswer};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::PlayerProps;
use super::keys::choice_for_key;
use crate::api::ApiFailure;
use crate::components::question::{is_complete, toggle};
use crate::components::{ExplainMistakeButton, FailureNotice, QuestionCard, ReportButton};
use crate::dom::{focus_heading, is_page_shortcut, use_keydown};
use crate::remote::{Remote, use_remote};

#[derive(Clone, PartialEq)]
struct State {
    view: SessionView,
    index: usize,
    selection: Vec<String>,
    /// When the current question appeared (ms), for the time spent on it.
    shown_at: f64,
    busy: bool,
    error: Option<ApiFailure>,
}

enum Action {
    Choose(String),
    Sending,
    Graded {
        index: usize,
        credit: f64,
        solution: Solution,
    },
    Failed(ApiFailure),
    /// On to the next question, shown at this time (ms).
    Next {
        at: f64,
    },
}

impl State {
    fn new(view: SessionView, now: f64) -> Self {
        let index = view
            .items
            .iter()
            .position(|item| item.answer.is_none())
            .unwrap_or(view.items.len().saturating_sub(1));
        Self {
            view,
            index,
            selection: Vec::new(),
            shown_at: now,
            busy: false,
            error: None,
        }
    }

    fn answered(&self) -> bool {
        self.view
            .items
            .get(self.index)
            .is_some_and(|item| item.answer.is_some())
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Choose(choice) => {
                if next.answered() || next.busy {
                    return self;
                }
                if let Some(item) = next.view.items.get(next.index) {
                    next.selection = toggle(&item.question, &next.selection, &choice);
                }
            }
            Action::Sending => {
                next.busy = true;
                next.error = None;
            }
            Action::Graded {
                index,
                credit,
                solution,
            } => {
                next.busy = false;
                if let Some(item) = next.view.items.get_mut(index) {
                    item.answer = Some(next.selection.clone());
                    item.credit = Some(credit);
                    item.question.solution = Some(solution);
                }
            }
            Action::Failed(failure) => {
                next.busy = false;
                next.error = Some(failure);
            }
            Action::Next { at } => {
                if !next.answered() || next.index + 1 >= next.view.items.len() {
                    return self;
                }
                next.index += 1;
                next.selection.clear();
                next.shown_at = at;
                next.error = None;
            }
        }
        Rc::new(next)
    }
}

#[component(PracticePlayer)]
pub fn practice_player(props: &PlayerProps) -> Html {
    let state = use_reducer(|| State::new(props.view.clone(), js_sys::Date::now()));
    // The exam says which kinds its mocks draw: any other kind is marked as practice only.
    let (exam, _) = use_remote(props.view.exam.clone(), |code: String| async move {
        crate::api::exam(&code).await
    });
    let total = state.view.items.len();
    let Some(item) = state.view.items.get(state.index).cloned() else {
        return html! { <p class="empty-state">{ "This session has no questions." }</p> };
    };
    let answered = state.answered();
    let heading = format!("question-{}", item.question.id);

    let submit = {
        let state = state.clone();
        let (session, question, index) =
            (state.view.id.clone(), item.question.clone(), state.index);
        Callback::from(move |()| {
            if state.busy || state.answered() || !is_complete(&question, &state.selection) {
                return;
            }
            let request = SubmitAnswer {
                question: question.id.clone(),
                answer: state.selection.clone(),
                elapsed_ms: (js_sys::Date::now() - state.shown_at).max(0.0) as u64,
            };
            let (dispatch, session) = (state.dispatcher(), session.clone());
            dispatch.dispatch(Action::Sending);
            spawn_local(async move {
                match crate::api::answer(&session, &request).await {
                    Ok(AnswerOutcome::Graded {
                        credit, solution, ..
                    }) => dispatch.dispatch(Action::Graded {
                        index,
                        credit,
                        solution,
                    }),
                    Ok(AnswerOutcome::Recorded { .. }) => {
                        dispatch.dispatch(Action::Failed(ApiFailure::local(
                            "The answer was recorded without a verdict; reload the page.",
                        )))
                    }
                    Err(failure) => dispatch.dispatch(Action::Failed(failure)),
                }
            });
        })
    };
    let finish = {
        let (session, on_finished, dispatch) = (
            state.view.id.clone(),
            props.on_finished.clone(),
            state.dispatcher(),
        );
        Callback::from(move |()| {
            let (session, on_finished, dispatch) =
                (session.clone(), on_finished.clone(), dispatch.clone());
            dispatch.dispatch(Action::Sending);
            spawn_local(async move {
                match crate::api::finish(&session).await {
                    Ok(view) => on_finished.emit(view),
                    Err(failure) => dispatch.dispatch(Action::Failed(failure)),
                }
            });
        })
    };
    let next = {
        let dispatch = state.dispatcher();
        Callback::from(move |()| {
            dispatch.dispatch(Action::Next {
                at: js_sys::Date::now(),
            })
        })
    };
    {
        let (state, submit, next, item) =
            (state.clone(), submit.clone(), next.clone(), item.clone());
        use_keydown(Callback::from(move |event: KeyboardEvent| {
            if !is_page_shortcut(&event) {
                return;
            }
            let key = event.key();
            match key.as_str() {
                "Enter" if !state.answered() => submit.emit(()),
                "n" | "N" if state.answered() => next.emit(()),
                key => match choice_for_key(key, &item.question) {
                    Some(choice) => state.dispatch(Action::Choose(choice)),
                    None => return,
                },
            }
            event.prevent_default();
        }));
    }
    {
        // New question: take the reader to it.
        let heading = heading.clone();
        use_effect_with(state.index, move |_| focus_heading(&heading));
    }

    let done = state
        .view
        .items
        .iter()
        .filter(|i| i.answer.is_some())
        .count();
    let correct = state
        .view
        .items
        .iter()
        .filter(|i| i.credit.is_some_and(|c| c >= 1.0 - 1e-9))
        .count();
    let last = state.index + 1 == total;
    let on_choose = (!answered && !state.busy).then(|| {
        let dispatch = state.dispatcher();
        Callback::from(move |choice: String| dispatch.dispatch(Action::Choose(choice)))
    });
    let selection = item
        .answer
        .clone()
        .unwrap_or_else(|| state.selection.clone());
    let complete = is_complete(&item.question, &selection);
    let practice_only = match &*exam {
        Remote::Ready(exam) => !exam.summary.mock_kinds.contains(&item.question.kind),
        _ => false,
    };
    html! {
        <div class="player practice">
            <header class="player-header">
                <p class="muted">{ format!("{} · Practice", state.view.exam_name) }</p>
                <p class="tally" aria-live="polite">{ format!("{done} of {total} answered · {correct} correct") }</p>
                <progress max={total.to_string()} value={done.to_string()} aria-label="Answered so far"></progress>
            </header>
            <QuestionCard question={item.question.clone()} number={(state.index + 1) as u32} total={total as u32}
                selection={selection} on_choose={on_choose} credit={item.credit}>
                if practice_only {
                    <p class="muted practice-only" id="practice-only">{ "Practice only: the real exam has no items of this kind, so mocks leave it out." }</p>
                }
                if let Some(failure) = &state.error {
                    <FailureNotice failure={failure.clone()} />
                }
                <div class="actions">
                    if !answered {
                        <button class="button" type="button" disabled={!complete || state.busy}
                            onclick={{ let submit = submit.clone(); Callback::from(move |_| submit.emit(())) }}>
                            { "Submit answer" }<kbd aria-hidden="true">{ "Enter" }</kbd>
                        </button>
                    } else if !last {
                        <button class="button" type="button" onclick={{ let next = next.clone(); Callback::from(move |_| next.emit(())) }}>
                            { "Next question" }<kbd aria-hidden="true">{ "N" }</kbd>
                        </button>
                    } else {
                        <button class="button" type="button" disabled={state.busy}
                            onclick={{ let finish = finish.clone(); Callback::from(move |_| finish.emit(())) }}>
                            { "See results" }
                        </button>
                    }
                    <ReportButton question={item.question.id.clone()} />
                </div>
                if item.credit.is_some_and(|c| c < 1.0 - 1e-9) {
                    <ExplainMistakeButton session={state.view.id.clone()} question={item.question.id.clone()} />
                }
            </QuestionCard>
            <footer class="player-footer">
                <p class="muted keyboard-help">{ "Keys: 1–9 pick A–I · Enter submit · N next question" }</p>
                if !(answered && last) {
                    <button type="button" class="link-button" disabled={state.busy}
                        onclick={Callback::from(move |_| finish.emit(()))}>{ "End the session and see results" }</button>
                }
            </footer>
        </div>
    }
}
