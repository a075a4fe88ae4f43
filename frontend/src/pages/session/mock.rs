//! The mock player: timed by the server's deadline, answers saved as they are given (and
//! changeable where the exam allows it), flags, a navigator and a review screen before
//! submitting. Forward-only exams show no way back. Keys: 1–9 pick A–I, N next, P previous, F flag.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use gloo::timers::callback::Interval;
use ptp_shared::{Navigation, SessionView, SubmitAnswer};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::{PlayerProps, millis};
use crate::components::QuestionCard;
use crate::components::question::{is_complete, toggle};
use crate::dom::{focus_heading, is_page_shortcut, use_keydown};

#[derive(Clone, PartialEq)]
struct State {
    view: SessionView,
    index: usize,
    /// What the learner has picked, per question (complete or not).
    picks: HashMap<String, Vec<String>>,
    /// What the server holds, per question.
    saved: HashMap<String, Vec<String>>,
    /// Questions whose latest answer is on its way, or failed to save.
    saving: HashSet<String>,
    failed: HashSet<String>,
    flags: HashSet<String>,
    reviewing: bool,
    entered_at: f64,
    error: Option<String>,
}

enum Action {
    Choose(String),
    Saved(String, Vec<String>),
    SaveFailed(String, String),
    Flag(String, bool),
    Go(usize),
    Review(bool),
    Error(Option<String>),
}

impl State {
    fn new(view: SessionView) -> Self {
        let picks: HashMap<_, _> = view
            .items
            .iter()
            .filter_map(|i| i.answer.clone().map(|a| (i.question.id.clone(), a)))
            .collect();
        let saved = picks.clone();
        let flags = view
            .items
            .iter()
            .filter(|i| i.flagged)
            .map(|i| i.question.id.clone())
            .collect();
        let index = match view.navigation {
            Navigation::ForwardOnly => view.furthest.unwrap_or(0) as usize,
            Navigation::ReviewAllowed => view
                .items
                .iter()
                .position(|i| i.answer.is_none())
                .unwrap_or(0),
        }
        .min(view.items.len().saturating_sub(1));
        Self {
            view,
            index,
            picks,
            saved,
            saving: HashSet::new(),
            failed: HashSet::new(),
            flags,
            reviewing: false,
            entered_at: js_sys::Date::now(),
            error: None,
        }
    }

    fn forward_only(&self) -> bool {
        self.view.navigation == Navigation::ForwardOnly
    }

    fn question_id(&self, index: usize) -> Option<&str> {
        self.view.items.get(index).map(|i| i.question.id.as_str())
    }

    fn is_answered(&self, id: &str) -> bool {
        self.saved.contains_key(id)
    }

    fn answered(&self) -> usize {
        self.saved.len()
    }

    /// Where the current question's answer stands, in words.
    fn save_status(&self, id: &str) -> &'static str {
        let picks = self.picks.get(id);
        if self.failed.contains(id) {
            "Not saved"
        } else if self.saving.contains(id) {
            "Saving…"
        } else if picks.is_some() && picks == self.saved.get(id) {
            "Answer saved"
        } else if self.saved.contains_key(id) {
            "Incomplete: your saved answer still counts"
        } else if picks.is_some_and(|p| !p.is_empty()) {
            "Incomplete: not saved yet"
        } else {
            ""
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Choose(choice) => {
                let Some(item) = next.view.items.get(next.index) else {
                    return self;
                };
                let id = item.question.id.clone();
                let current = next.picks.get(&id).cloned().unwrap_or_default();
                let picked = toggle(&item.question, &current, &choice);
                if !is_complete(&item.question, &picked) {
                    next.saving.remove(&id);
                } else if next.saved.get(&id) != Some(&picked) {
                    next.saving.insert(id.clone());
                    next.failed.remove(&id);
                }
                next.picks.insert(id, picked);
            }
            Action::Saved(id, answer) => {
                if next.picks.get(&id) == Some(&answer) {
                    next.saving.remove(&id);
                }
                next.saved.insert(id, answer);
            }
            Action::SaveFailed(id, message) => {
                next.saving.remove(&id);
                next.failed.insert(id);
                next.error = Some(message);
            }
            Action::Flag(id, flagged) => {
                if flagged {
                    next.flags.insert(id);
                } else {
                    next.flags.remove(&id);
                }
            }
            Action::Go(index) => {
                let backwards = index < next.index;
                if index >= next.view.items.len() || (backwards && next.forward_only()) {
                    return self;
                }
                next.index = index;
                next.reviewing = false;
                next.entered_at = js_sys::Date::now();
            }
            Action::Review(on) => next.reviewing = on,
            Action::Error(message) => next.error = message,
        }
        Rc::new(next)
    }
}

/// Answers waiting to be saved, sent one at a time so the server sees them in the order given;
/// a newer answer to the same question replaces a queued one.
#[derive(Default)]
struct Saver {
    queue: VecDeque<SubmitAnswer>,
    busy: bool,
}

type SharedSaver = Rc<RefCell<Saver>>;

fn enqueue(saver: &SharedSaver, answer: SubmitAnswer) {
    let mut inner = saver.borrow_mut();
    inner
        .queue
        .retain(|queued| queued.question != answer.question);
    inner.queue.push_back(answer);
}

fn pump(
    saver: SharedSaver,
    session: String,
    dispatch: UseReducerDispatcher<State>,
    on_conflict: Callback<()>,
) {
    let next = {
        let mut inner = saver.borrow_mut();
        if inner.busy {
            return;
        }
        let next = inner.queue.pop_front();
        inner.busy = next.is_some();
        next
    };
    let Some(answer) = next else { return };
    spawn_local(async move {
        match crate::api::answer(&session, &answer).await {
            Ok(_) => dispatch.dispatch(Action::Saved(
                answer.question.clone(),
                answer.answer.clone(),
            )),
            Err(failure) => {
                if failure.status == 409 {
                    on_conflict.emit(());
                }
                dispatch.dispatch(Action::SaveFailed(answer.question.clone(), failure.message));
            }
        }
        saver.borrow_mut().busy = false;
        pump(saver, session, dispatch, on_conflict);
    });
}

fn clock(ms: f64) -> String {
    let seconds = (ms / 1000.0).ceil().max(0.0) as u64;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[component(MockPlayer)]
pub fn mock_player(props: &PlayerProps) -> Html {
    let state = use_reducer(|| State::new(props.view.clone()));
    let saver = use_mut_ref(Saver::default);
    // The server's clock minus ours, so the countdown follows the server's deadline.
    let offset = use_memo((), {
        let server = millis(&props.view.server_time);
        move |_| server - js_sys::Date::now()
    });
    let deadline = props.view.deadline_at.as_deref().map(millis);
    let now = use_state(js_sys::Date::now);
    let checking = use_mut_ref(|| false);
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
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let tick = Interval::new(1000, move || now.set(js_sys::Date::now()));
            move || drop(tick)
        });
    }
    let remaining = deadline.map(|d| d - (*now + *offset));
    {
        // At the deadline ask the server, which finishes the mock; ask again every few seconds
        // in case the first question came a moment early.
        let expired = remaining.is_some_and(|r| r <= 0.0);
        let bucket = if expired { (*now / 5000.0) as i64 } else { 0 };
        let refresh = refresh.clone();
        use_effect_with((expired, bucket), move |(expired, _)| {
            if *expired {
                refresh.emit(());
            }
        });
    }
    let total = state.view.items.len();
    let Some(item) = state.view.items.get(state.index).cloned() else {
        return html! { <p class="empty-state">{ "This session has no questions." }</p> };
    };
    let id = item.question.id.clone();
    let heading = format!("question-{id}");

    let choose = {
        let (state, saver, session, refresh) = (
            state.clone(),
            saver.clone(),
            session.clone(),
            refresh.clone(),
        );
        let question = item.question.clone();
        Callback::from(move |choice: String| {
            let current = state.picks.get(&question.id).cloned().unwrap_or_default();
            let picked = toggle(&question, &current, &choice);
            state.dispatch(Action::Choose(choice));
            if is_complete(&question, &picked) && state.saved.get(&question.id) != Some(&picked) {
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
        Callback::from(move |index: usize| dispatch.dispatch(Action::Go(index)))
    };
    let review = {
        let dispatch = state.dispatcher();
        Callback::from(move |on: bool| dispatch.dispatch(Action::Review(on)))
    };
    let submitting = use_state(|| false);
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
                while {
                    let inner = saver.borrow();
                    inner.busy || !inner.queue.is_empty()
                } {
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
            match event.key().as_str() {
                "n" | "N" if state.index + 1 < state.view.items.len() => go.emit(state.index + 1),
                "p" | "P" if state.index > 0 && !state.forward_only() => go.emit(state.index - 1),
                "f" | "F" => toggle_flag.emit(()),
                digit => {
                    let Some(choice) = digit
                        .parse::<usize>()
                        .ok()
                        .filter(|d| (1..=9).contains(d))
                        .and_then(|d| item.question.choices.get(d - 1))
                    else {
                        return;
                    };
                    choose.emit(choice.id.clone());
                }
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

    let timer = remaining.map(|left| {
        let urgent = left < 5.0 * 60_000.0;
        let minutes_left = (left / 60_000.0).ceil() as i64;
        let announce = matches!(minutes_left, 10 | 5 | 1).then(|| format!("{minutes_left} minutes left"));
        html! {
            <>
                <p class={classes!("timer", urgent.then_some("urgent"))} role="timer" aria-label="Time left">
                    { clock(left) }
                </p>
                <p class="visually-hidden" aria-live="assertive">{ announce.unwrap_or_default() }</p>
            </>
        }
    });
    let answered = state.answered();
    let status_of = |index: usize| {
        let qid = state.question_id(index).unwrap_or_default();
        let mut words = vec![if state.is_answered(qid) {
            "answered"
        } else {
            "not answered"
        }];
        if state.flags.contains(qid) {
            words.push("flagged");
        }
        words.join(", ")
    };
    let navigator = (!state.forward_only()).then(|| html! {
        <nav class="navigator" aria-label="Questions">
            <ol>
                { for (0..total).map(|index| {
                    let qid = state.question_id(index).unwrap_or_default().to_string();
                    let class = classes!(
                        "nav-cell",
                        state.is_answered(&qid).then_some("answered"),
                        state.flags.contains(&qid).then_some("flagged"),
                    );
                    let go = go.clone();
                    html! {
                        <li>
                            <button type="button" class={class}
                                aria-current={(index == state.index && !state.reviewing).then_some("step")}
                                aria-label={format!("Question {}: {}", index + 1, status_of(index))}
                                onclick={Callback::from(move |_| go.emit(index))}>{ index + 1 }</button>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    });
    let header = html! {
        <header class="player-header">
            <p class="muted">{ format!("{} · Mock exam", state.view.exam_name) }</p>
            { timer }
            <p class="tally">{ format!("{answered} of {total} answered") }</p>
        </header>
    };
    let error = state.error.clone().map(|message| {
        html! {
            <p class="form-error" role="alert">{ message }</p>
        }
    });

    if state.reviewing {
        let unanswered: Vec<usize> = (0..total)
            .filter(|i| !state.is_answered(state.question_id(*i).unwrap_or_default()))
            .collect();
        let flagged = state.flags.len();
        return html! {
            <div class="player mock">
                { header }
                <section class="card review-screen" aria-labelledby="review-heading">
                    <h2 id="review-heading" tabindex="-1">{ "Review before submitting" }</h2>
                    <p>{ format!("{answered} of {total} answered · {} not answered · {flagged} flagged", unanswered.len()) }</p>
                    if state.forward_only() {
                        <p class="muted">{ "This exam is forward-only: earlier questions are closed. Unanswered questions earn no credit." }</p>
                    } else {
                        <p class="muted">{ "Pick a question to go back to it. Unanswered questions earn no credit." }</p>
                        { navigator.clone() }
                    }
                    { error }
                    <div class="actions">
                        <button class="button" type="button" disabled={*submitting}
                            onclick={{ let submit = submit.clone(); Callback::from(move |_| submit.emit(())) }}>{ "Submit exam" }</button>
                        <button class="button button-secondary" type="button"
                            onclick={{ let review = review.clone(); Callback::from(move |_| review.emit(false)) }}>{ "Back to the questions" }</button>
                    </div>
                </section>
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
            { navigator }
            <QuestionCard question={item.question.clone()} number={(state.index + 1) as u32} total={total as u32}
                selection={selection} on_choose={Some(choose.clone())}>
                <p class="save-status" aria-live="polite">{ save }</p>
                { error }
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
