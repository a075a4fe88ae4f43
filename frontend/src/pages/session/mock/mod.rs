//! The mock player: timed by the server's deadline, answers saved as they are given (and
//! changeable where the exam allows it), flags, a navigator and a review screen before
//! submitting. Forward-only exams show no way back. Keys: 1–9 pick A–I, N next, P previous, F flag.
//!
//! `state` is the pure reducer, `saver` sends answers in order, `clock` keeps the countdown
//! (the only part that re-renders every second), `parts` draws the header, navigator and
//! review screen.

mod clock;
mod parts;
mod saver;
mod state;

use ptp_shared::SubmitAnswer;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::keys::choice_for_key;
use super::{PlayerProps, millis};
use crate::components::QuestionCard;
use crate::components::question::{is_complete, toggle};
use crate::dom::{focus_heading, is_page_shortcut, use_keydown};
use clock::use_server_offset;
use parts::{Cell, Navigator, PlayerHeader, ReviewScreen};
use saver::{Saver, enqueue, pump};
use state::{Action, State};

#[component(MockPlayer)]
pub fn mock_player(props: &PlayerProps) -> Html {
    let state = use_reducer(|| State::new(props.view.clone(), js_sys::Date::now()));
    let saver = use_mut_ref(Saver::default);
    let offset = use_server_offset(millis(&props.view.server_time));
    let deadline = props.view.deadline_at.as_deref().map(millis);
    let checking = use_mut_ref(|| false);
    let submitting = use_state(|| false);
    let session = state.view.id.clone();

    // Reloads the session; the server finishes a mock whose time is up.
    let refresh = {
        let (session, on_finished, dispatch, checking) = (
            session.clone(),
            props.on_finished.clone(),
            state.dispatcher(),
            checking.clone(),
        );
        Callback::from(move |()| {
            if checking.replace(true) {
                return;
            }
            let (session, on_finished, dispatch, checking) = (
                session.clone(),
                on_finished.clone(),
                dispatch.clone(),
                checking.clone(),
            );
            spawn_local(async move {
                match crate::api::session(&session).await {
                    Ok(view) if view.finished_at.is_some() => on_finished.emit(view),
                    Ok(_) => {}
                    Err(failure) => dispatch.dispatch(Action::Error(Some(failure.message))),
                }
                *checking.borrow_mut() = false;
            });
        })
    };
    let total = state.view.items.len();
    let item = state.view.items.get(state.index).cloned();
    let id = item
        .as_ref()
        .map(|i| i.question.id.clone())
        .unwrap_or_default();
    let heading = format!("question-{id}");

    let choose = {
        let (state, saver, session, refresh) = (
            state.clone(),
            saver.clone(),
            session.clone(),
            refresh.clone(),
        );
        let question = item.as_ref().map(|i| i.question.clone());
        Callback::from(move |choice: String| {
            let Some(question) = &question else { return };
            let current = state.picks.get(&question.id).cloned().unwrap_or_default();
            let picked = toggle(question, &current, &choice);
            state.dispatch(Action::Choose(choice));
            if is_complete(question, &picked) && state.saved.get(&question.id) != Some(&picked) {
                enqueue(
                    &saver,
                    SubmitAnswer {
                        question: question.id.clone(),
                        answer: picked,
                        elapsed_ms: (js_sys::Date::now() - state.entered_at).max(0.0) as u64,
                    },
                );
                pump(
                    saver.clone(),
                    session.clone(),
                    state.dispatcher(),
                    refresh.clone(),
                );
            }
        })
    };
    let toggle_flag = {
        let (state, session, id) = (state.clone(), session.clone(), id.clone());
        Callback::from(move |()| {
            let flagged = !state.flags.contains(&id);
            let (dispatch, session, id) = (state.dispatcher(), session.clone(), id.clone());
            dispatch.dispatch(Action::Flag(id.clone(), flagged));
            spawn_local(async move {
                if let Err(failure) = crate::api::flag(&session, &id, flagged).await {
                    dispatch.dispatch(Action::Flag(id, !flagged));
                    dispatch.dispatch(Action::Error(Some(failure.message)));
                }
            });
        })
    };
    let go = {
        let dispatch = state.dispatcher();
        Callback::from(move |index: usize| {
            dispatch.dispatch(Action::Go {
                index,
                at: js_sys::Date::now(),
            })
        })
    };
    let review = {
        let dispatch = state.dispatcher();
        Callback::from(move |on: bool| dispatch.dispatch(Action::Review(on)))
    };
    let submit = {
        let (saver, session, on_finished, dispatch, submitting) = (
            saver.clone(),
            session.clone(),
            props.on_finished.clone(),
            state.dispatcher(),
            submitting.clone(),
        );
        Callback::from(move |()| {
            let (saver, session, on_finished, dispatch, submitting) = (
                saver.clone(),
                session.clone(),
                on_finished.clone(),
                dispatch.clone(),
                submitting.clone(),
            );
            submitting.set(true);
            spawn_local(async move {
                // Let answers still on their way land first.
                while !saver.borrow().settled() {
                    gloo::timers::future::TimeoutFuture::new(100).await;
                }
                match crate::api::finish(&session).await {
                    Ok(view) => on_finished.emit(view),
                    Err(failure) => {
                        submitting.set(false);
                        dispatch.dispatch(Action::Error(Some(failure.message)));
                    }
                }
            });
        })
    };

    {
        let (state, choose, toggle_flag, go, item) = (
            state.clone(),
            choose.clone(),
            toggle_flag.clone(),
            go.clone(),
            item.clone(),
        );
        use_keydown(Callback::from(move |event: KeyboardEvent| {
            if !is_page_shortcut(&event) || state.reviewing {
                return;
            }
            let Some(item) = &item else { return };
            match event.key().as_str() {
                "n" | "N" if state.index + 1 < state.view.items.len() => go.emit(state.index + 1),
                "p" | "P" if state.index > 0 && !state.forward_only() => go.emit(state.index - 1),
                "f" | "F" => toggle_flag.emit(()),
                key => match choice_for_key(key, &item.question) {
                    Some(choice) => choose.emit(choice),
                    None => return,
                },
            }
            event.prevent_default();
        }));
    }
    {
        let heading = heading.clone();
        use_effect_with((state.index, state.reviewing), move |(_, reviewing)| {
            focus_heading(if *reviewing {
                "review-heading"
            } else {
                &heading
            })
        });
    }

    let Some(item) = item else {
        return html! { <p class="empty-state">{ "This session has no questions." }</p> };
    };
    let cells: Vec<Cell> = (0..total)
        .map(|index| {
            let qid = state.question_id(index).unwrap_or_default();
            Cell {
                answered: state.is_answered(qid),
                flagged: state.flags.contains(qid),
            }
        })
        .collect();
    let header = html! {
        <PlayerHeader exam_name={state.view.exam_name.clone()} answered={state.answered()} {total}
            deadline={deadline.map(|d| (d, offset))} on_expired={refresh.clone()} />
    };
    let error = state.error.clone().map(AttrValue::from);

    if state.reviewing {
        let (submit, review) = (submit.clone(), review.clone());
        return html! {
            <div class="player mock">
                { header }
                <ReviewScreen cells={cells} forward_only={state.forward_only()} submitting={*submitting}
                    error={error} on_go={go.clone()} on_submit={submit}
                    on_back={Callback::from(move |()| review.emit(false))} />
            </div>
        };
    }

    let selection = state.picks.get(&id).cloned().unwrap_or_default();
    let save = state.save_status(&id);
    let flagged = state.flags.contains(&id);
    let last = state.index + 1 == total;
    html! {
        <div class="player mock">
            { header }
            if !state.forward_only() {
                <Navigator cells={cells} current={Some(state.index)} on_go={go.clone()} />
            }
            <QuestionCard question={item.question.clone()} number={(state.index + 1) as u32} total={total as u32}
                selection={selection} on_choose={Some(choose.clone())}>
                <p class="save-status" aria-live="polite">{ save }</p>
                if let Some(message) = error {
                    <p class="form-error" role="alert">{ message }</p>
                }
                <div class="actions">
                    if !state.forward_only() && state.index > 0 {
                        <button class="button button-secondary" type="button"
                            onclick={{ let go = go.clone(); let to = state.index - 1; Callback::from(move |_| go.emit(to)) }}>
                            { "Previous" }<kbd aria-hidden="true">{ "P" }</kbd>
                        </button>
                    }
                    <button class={classes!("button", "button-secondary", flagged.then_some("flag-on"))} type="button" aria-pressed={flagged.to_string()}
                        onclick={{ let toggle_flag = toggle_flag.clone(); Callback::from(move |_| toggle_flag.emit(())) }}>
                        { if flagged { "Flagged" } else { "Flag for review" } }<kbd aria-hidden="true">{ "F" }</kbd>
                    </button>
                    if !last {
                        <button class="button" type="button"
                            onclick={{ let go = go.clone(); let to = state.index + 1; Callback::from(move |_| go.emit(to)) }}>
                            { "Next" }<kbd aria-hidden="true">{ "N" }</kbd>
                        </button>
                    } else {
                        <button class="button" type="button"
                            onclick={{ let review = review.clone(); Callback::from(move |_| review.emit(true)) }}>{ "Review and submit" }</button>
                    }
                </div>
                if state.forward_only() && !last {
                    <p class="muted">{ "Forward-only exam: once you answer a later question, this one is closed." }</p>
                }
            </QuestionCard>
            <footer class="player-footer">
                <p class="muted keyboard-help">{
                    if state.forward_only() { "Keys: 1–9 pick A–I · N next · F flag" } else { "Keys: 1–9 pick A–I · N next · P previous · F flag" }
                }</p>
                if !last {
                    <button type="button" class="link-button"
                        onclick={Callback::from(move |_| review.emit(true))}>{ "Review and submit now" }</button>
                }
            </footer>
        </div>
    }
}
