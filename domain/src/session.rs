//! What a learner may do in a session, given its mode, the exam's navigation rule and the clock.
//! The server owns the clock: `now` is the server's, and a mock's deadline is fixed when it starts.

use crate::exam::{Navigation, ScoreScale};
use crate::question::Credit;

pub use ptp_shared::Mode;

/// A session's rules and where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionState {
    pub mode: Mode,
    pub navigation: Navigation,
    /// Mocks only: milliseconds since the epoch after which nothing is accepted.
    pub deadline_ms: Option<u64>,
    pub finished: bool,
    /// Forward-only mocks: the furthest position answered so far; everything before it is closed.
    pub furthest: Option<u32>,
}

/// Why an answer is not accepted; each is a 409 for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Finished,
    TimeUp,
    /// Practice answers are final: the feedback has been shown.
    AlreadyAnswered,
    /// Forward-only exams close a question once the learner moves past it.
    MovedOn,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Finished => "This session is finished; its answers can no longer change.",
            Refusal::TimeUp => "Time is up: the exam was submitted when the clock ran out.",
            Refusal::AlreadyAnswered => {
                "This practice question has been answered; its feedback is final."
            }
            Refusal::MovedOn => {
                "This exam does not allow going back to a question once you move on."
            }
        }
    }
}

impl SessionState {
    /// True when a mock's time has run out but it has not been finished yet: it must be finished
    /// (and scored) before anything else happens.
    pub fn expired(&self, now_ms: u64) -> bool {
        !self.finished && self.deadline_ms.is_some_and(|deadline| now_ms >= deadline)
    }

    /// Whether an answer to the question at `position` may be recorded now. On success returns the
    /// new `furthest` to store.
    pub fn accept(
        &self,
        position: u32,
        already_answered: bool,
        now_ms: u64,
    ) -> Result<Option<u32>, Refusal> {
        if self.finished {
            return Err(Refusal::Finished);
        }
        if self.expired(now_ms) {
            return Err(Refusal::TimeUp);
        }
        match self.mode {
            Mode::Practice if already_answered => Err(Refusal::AlreadyAnswered),
            Mode::Practice => Ok(self.furthest),
            Mode::Mock => match self.navigation {
                Navigation::ReviewAllowed => Ok(self.furthest),
                Navigation::ForwardOnly
                    if self.furthest.is_some_and(|furthest| position < furthest) =>
                {
                    Err(Refusal::MovedOn)
                }
                Navigation::ForwardOnly => {
                    Ok(Some(self.furthest.map_or(position, |f| f.max(position))))
                }
            },
        }
    }
}

/// One question of a session, for scoring: its domain and the credit earned (none if unanswered).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredItem {
    pub domain: String,
    pub credit: Credit,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DomainResult {
    pub domain: String,
    pub questions: u32,
    pub credit: f64,
}

impl DomainResult {
    /// Share of the domain's credit earned, in `[0, 1]`.
    pub fn share(&self) -> f64 {
        if self.questions == 0 {
            0.0
        } else {
            self.credit / f64::from(self.questions)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionScore {
    /// Credit earned over questions asked, in `[0, 1]`; unanswered questions earn nothing.
    pub raw: f64,
    pub scaled: u32,
    pub passed: bool,
    pub correct: u32,
    pub answered: u32,
    /// In the exam's domain order.
    pub domains: Vec<DomainResult>,
}

/// Scores a finished session. `answered` counts questions with any answer.
pub fn score(
    items: &[ScoredItem],
    answered: u32,
    scale: &ScoreScale,
    domain_order: &[String],
) -> SessionScore {
    let total: f64 = items.iter().map(|item| item.credit.value()).sum();
    let raw = if items.is_empty() {
        0.0
    } else {
        total / items.len() as f64
    };
    let scaled = scale.scale(raw);
    let domains = domain_order
        .iter()
        .map(|code| {
            let mine: Vec<&ScoredItem> = items.iter().filter(|item| &item.domain == code).collect();
            DomainResult {
                domain: code.clone(),
                questions: mine.len() as u32,
                credit: mine.iter().map(|item| item.credit.value()).sum(),
            }
        })
        .filter(|result| result.questions > 0)
        .collect();
    SessionScore {
        raw,
        scaled,
        passed: scale.passes(scaled),
        correct: items.iter().filter(|item| item.credit.is_full()).count() as u32,
        answered,
        domains,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: u64 = 1_795_608_000_000;

    fn mock(navigation: Navigation) -> SessionState {
        SessionState {
            mode: Mode::Mock,
            navigation,
            deadline_ms: Some(NOW + 60_000),
            finished: false,
            furthest: None,
        }
    }

    #[test]
    fn nothing_is_accepted_after_the_deadline_or_the_finish() {
        let state = mock(Navigation::ReviewAllowed);
        assert!(state.accept(0, false, NOW + 59_999).is_ok());
        assert_eq!(state.accept(0, false, NOW + 60_000), Err(Refusal::TimeUp));
        assert!(state.expired(NOW + 60_000));
        let finished = SessionState {
            finished: true,
            ..state
        };
        assert_eq!(finished.accept(0, false, NOW), Err(Refusal::Finished));
        assert!(
            !finished.expired(NOW + 120_000),
            "a finished mock is not expired, just over"
        );
    }

    #[test]
    fn review_allowed_mocks_take_changed_answers_anywhere_while_time_remains() {
        let state = SessionState {
            furthest: Some(5),
            ..mock(Navigation::ReviewAllowed)
        };
        assert!(state.accept(0, true, NOW).is_ok());
        assert!(state.accept(9, false, NOW).is_ok());
    }

    #[test]
    fn forward_only_mocks_close_questions_once_the_learner_moves_on() {
        let state = mock(Navigation::ForwardOnly);
        assert_eq!(state.accept(0, false, NOW), Ok(Some(0)));
        let after_third = SessionState {
            furthest: Some(2),
            ..state
        };
        assert_eq!(
            after_third.accept(2, true, NOW),
            Ok(Some(2)),
            "the current question may still change"
        );
        assert_eq!(after_third.accept(1, true, NOW), Err(Refusal::MovedOn));
        assert_eq!(
            after_third.accept(0, false, NOW),
            Err(Refusal::MovedOn),
            "skipped questions close too"
        );
        assert_eq!(after_third.accept(7, false, NOW), Ok(Some(7)));
    }

    #[test]
    fn practice_answers_are_final_and_untimed() {
        let state = SessionState {
            mode: Mode::Practice,
            navigation: Navigation::ForwardOnly,
            deadline_ms: None,
            finished: false,
            furthest: None,
        };
        assert!(state.accept(3, false, u64::MAX).is_ok());
        assert_eq!(state.accept(3, true, NOW), Err(Refusal::AlreadyAnswered));
    }

    fn scale() -> ScoreScale {
        ScoreScale::new(100, 900, 750, 0.75).unwrap()
    }

    #[test]
    fn the_score_counts_unanswered_questions_as_nothing_and_splits_by_domain() {
        let items = vec![
            ScoredItem {
                domain: "1.0".into(),
                credit: Credit::new(1.0),
            },
            ScoredItem {
                domain: "1.0".into(),
                credit: Credit::new(0.5),
            },
            ScoredItem {
                domain: "2.0".into(),
                credit: Credit::NONE,
            },
            ScoredItem {
                domain: "2.0".into(),
                credit: Credit::new(1.0),
            },
        ];
        let order = vec!["1.0".to_string(), "2.0".to_string(), "3.0".to_string()];
        let result = score(&items, 3, &scale(), &order);
        assert_eq!(result.raw, 0.625);
        assert_eq!(result.correct, 2);
        assert_eq!(result.answered, 3);
        assert_eq!(result.scaled, scale().scale(0.625));
        assert!(!result.passed);
        assert_eq!(
            result.domains.len(),
            2,
            "domains without questions are left out"
        );
        assert_eq!(result.domains[0].share(), 0.75);
        assert_eq!(result.domains[1].share(), 0.5);
    }

    proptest! {
        #[test]
        fn scores_stay_on_the_scale(credits in proptest::collection::vec(0.0f64..=1.0, 0..120)) {
            let items: Vec<ScoredItem> = credits.iter().enumerate()
                .map(|(i, c)| ScoredItem { domain: format!("{}", i % 3), credit: Credit::new(*c) }).collect();
            let order: Vec<String> = (0..3).map(|i| i.to_string()).collect();
            let result = score(&items, items.len() as u32, &scale(), &order);
            prop_assert!((0.0..=1.0).contains(&result.raw));
            prop_assert!((100..=900).contains(&result.scaled));
            prop_assert_eq!(result.passed, result.scaled >= 750);
            prop_assert_eq!(result.domains.iter().map(|d| d.questions).sum::<u32>() as usize, items.len());
        }
    }
}
