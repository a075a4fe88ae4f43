//! The answer saver: answers go to the server one at a time, in the order given.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ptp_shared::{ErrorCode, SubmitAnswer};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::state::{Action, State};

/// Answers waiting to be saved, sent one at a time so the server sees them in the order given;
/// a newer answer to the same question replaces a queued one.
#[derive(Default)]
pub struct Saver {
    pub queue: VecDeque<SubmitAnswer>,
    pub busy: bool,
}

pub type SharedSaver = Rc<RefCell<Saver>>;

pub fn enqueue(saver: &SharedSaver, answer: SubmitAnswer) {
    let mut inner = saver.borrow_mut();
    inner
        .queue
        .retain(|queued| queued.question != answer.question);
    inner.queue.push_back(answer);
}

pub fn pump(
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
                // Finished or timed out meanwhile: the player reloads and shows the results.
                if failure.code == Some(ErrorCode::Conflict) {
                    on_conflict.emit(());
                }
                dispatch.dispatch(Action::SaveFailed(answer.question.clone(), failure.message));
            }
        }
        saver.borrow_mut().busy = false;
        pump(saver, session, dispatch, on_conflict);
    });
}

impl Saver {
    /// Whether every answer given has been sent and answered.
    pub fn settled(&self) -> bool {
        !self.busy && self.queue.is_empty()
    }
}
