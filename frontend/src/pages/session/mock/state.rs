//! The mock player's state and how each action changes it: pure, so it is tested natively.
//! Time comes in with the actions; nothing here reads a clock.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use ptp_shared::{Navigation, SessionView};
use yew::prelude::*;

use crate::components::question::{is_complete, toggle};

#[derive(Clone, PartialEq)]
pub struct State {
    pub view: SessionView,
    pub index: usize,
    /// What the learner has picked, per question (complete or not).
    pub picks: HashMap<String, Vec<String>>,
    /// What the server holds, per question.
    pub saved: HashMap<String, Vec<String>>,
    /// Questions whose latest answer is on its way, or failed to save.
    pub saving: HashSet<String>,
    pub failed: HashSet<String>,
    pub flags: HashSet<String>,
    pub reviewing: bool,
    pub entered_at: f64,
    pub error: Option<String>,
}

pub enum Action {
    Choose(String),
    Saved(String, Vec<String>),
    SaveFailed(String, String),
    Flag(String, bool),
    /// Move to a question, at this time (ms) by the learner's clock.
    Go {
        index: usize,
        at: f64,
    },
    Review(bool),
    Error(Option<String>),
}

impl State {
    /// The player's state for `view`, opened at `now` (ms).
    pub fn new(view: SessionView, now: f64) -> Self {
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
            entered_at: now,
            error: None,
        }
    }

    pub fn forward_only(&self) -> bool {
        self.view.navigation == Navigation::ForwardOnly
    }

    pub fn question_id(&self, index: usize) -> Option<&str> {
        self.view.items.get(index).map(|i| i.question.id.as_str())
    }

    pub fn is_answered(&self, id: &str) -> bool {
        self.saved.contains_key(id)
    }

    pub fn answered(&self) -> usize {
        self.saved.len()
    }

    /// Where the current question's answer stands, in words.
    pub fn save_status(&self, id: &str) -> &'static str {
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
            Action::Go { index, at } => {
                let backwards = index < next.index;
                if index >= next.view.items.len() || (backwards && next.forward_only()) {
                    return self;
                }
                next.index = index;
                next.reviewing = false;
                next.entered_at = at;
            }
            Action::Review(on) => next.reviewing = on,
            Action::Error(message) => next.error = message,
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptp_shared::{Choice, Filter, Mode, QuestionKind, QuestionView, SessionItem, SessionView};

    fn item(position: u32, kind: QuestionKind, answer: Option<&[&str]>) -> SessionItem {
        SessionItem {
            position,
            question: QuestionView {
                id: format!("q{position}"),
                exam: "SY0-701".into(),
                domain: "1.0".into(),
                kind,
                stem: "Which?".into(),
                stem_html: "<p>Which?</p>".into(),
                choices: ["a", "b", "c", "d"]
                    .iter()
                    .map(|id| Choice {
                        id: id.to_string(),
                        text: id.to_uppercase(),
                        html: id.to_uppercase(),
                    })
                    .collect(),
                picks: if kind == QuestionKind::Multi { 2 } else { 1 },
                version: 1,
                solution: None,
            },
            answer: answer.map(|a| a.iter().map(|s| s.to_string()).collect()),
            flagged: false,
            credit: None,
        }
    }

    fn view(navigation: Navigation, items: Vec<SessionItem>, furthest: Option<u32>) -> SessionView {
        SessionView {
            id: "s1".into(),
            exam: "SY0-701".into(),
            exam_name: "Security+".into(),
            mode: Mode::Mock,
            filter: Filter::All,
            navigation,
            started_at: "2026-12-01T10:00:00.000Z".into(),
            deadline_at: Some("2026-12-01T11:30:00.000Z".into()),
            server_time: "2026-12-01T10:00:00.000Z".into(),
            finished_at: None,
            furthest,
            items,
            result: None,
        }
    }

    fn reduce(state: State, action: Action) -> State {
        (*Rc::new(state).reduce(action)).clone()
    }

    #[test]
    fn it_opens_at_the_first_unanswered_question_with_what_the_server_holds() {
        let items = vec![
            item(0, QuestionKind::Single, Some(&["b"])),
            item(1, QuestionKind::Single, None),
            item(2, QuestionKind::Single, None),
        ];
        let state = State::new(view(Navigation::ReviewAllowed, items, None), 1_000.0);
        assert_eq!(state.index, 1);
        assert_eq!(state.answered(), 1);
        assert_eq!(state.save_status("q0"), "Answer saved");
        assert_eq!(state.entered_at, 1_000.0);
    }

    #[test]
    fn a_complete_pick_is_saving_until_the_server_confirms_it() {
        let items = vec![item(0, QuestionKind::Multi, None)];
        let mut state = State::new(view(Navigation::ReviewAllowed, items, None), 0.0);
        state = reduce(state, Action::Choose("a".into()));
        assert_eq!(state.save_status("q0"), "Incomplete: not saved yet");
        state = reduce(state, Action::Choose("c".into()));
        assert_eq!(state.save_status("q0"), "Saving…");
        state = reduce(
            state,
            Action::Saved("q0".into(), vec!["a".into(), "c".into()]),
        );
        assert_eq!(state.save_status("q0"), "Answer saved");
        assert_eq!(state.answered(), 1);
        state = reduce(state, Action::Choose("c".into()));
        assert_eq!(
            state.save_status("q0"),
            "Incomplete: your saved answer still counts"
        );
        state = reduce(state, Action::Choose("b".into()));
        state = reduce(state, Action::SaveFailed("q0".into(), "Time is up.".into()));
        assert_eq!(state.save_status("q0"), "Not saved");
        assert_eq!(state.error.as_deref(), Some("Time is up."));
    }

    #[test]
    fn moving_sets_the_time_of_entry_and_forward_only_never_goes_back() {
        let items = || {
            vec![
                item(0, QuestionKind::Single, None),
                item(1, QuestionKind::Single, None),
            ]
        };
        let mut free = State::new(view(Navigation::ReviewAllowed, items(), None), 0.0);
        free = reduce(
            free,
            Action::Go {
                index: 1,
                at: 5_000.0,
            },
        );
        assert_eq!((free.index, free.entered_at), (1, 5_000.0));
        free = reduce(
            free,
            Action::Go {
                index: 0,
                at: 9_000.0,
            },
        );
        assert_eq!(free.index, 0);
        free = reduce(
            free,
            Action::Go {
                index: 7,
                at: 9_500.0,
            },
        );
        assert_eq!(free.index, 0, "no question 8");

        let mut closed = State::new(view(Navigation::ForwardOnly, items(), Some(1)), 0.0);
        assert_eq!(closed.index, 1, "it resumes at the furthest answered");
        closed = reduce(closed, Action::Go { index: 0, at: 1.0 });
        assert_eq!(closed.index, 1);
        assert_eq!(closed.entered_at, 0.0);
    }

    #[test]
    fn the_review_screen_and_flags_toggle() {
        let items = vec![item(0, QuestionKind::Single, None)];
        let mut state = State::new(view(Navigation::ReviewAllowed, items, None), 0.0);
        state = reduce(state, Action::Flag("q0".into(), true));
        state = reduce(state, Action::Review(true));
        assert!(state.reviewing && state.flags.contains("q0"));
        state = reduce(state, Action::Go { index: 0, at: 2.0 });
        assert!(
            !state.reviewing,
            "picking a question leaves the review screen"
        );
        state = reduce(state, Action::Flag("q0".into(), false));
        assert!(state.flags.is_empty());
    }
}
