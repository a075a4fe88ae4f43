//! Questions, the answers learners give, and how much credit an answer earns.
//!
//! # Partial credit
//! - **single**: 1 for the key, 0 otherwise.
//! - **multi** ("Choose two"): the learner must pick exactly as many choices as the key has; the
//!   credit is the share of the key they picked (one of two right: 0.5).
//! - **ordering**: the share of item pairs placed in the right relative order (Kendall's tau
//!   distance, normalised): the right order earns 1, the exact reverse 0, one adjacent swap in
//!   four items 5/6.
//!
//! An answer counts as *correct* (for feedback, streaks and review scheduling) only with full
//! credit.

use std::collections::BTreeSet;
use std::fmt;

use crate::account::ValidationError;

pub use ptp_shared::QuestionKind;

/// A choice's label within its question: `a`, `b`, … `f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChoiceId(char);

impl ChoiceId {
    pub const MAX_CHOICES: usize = 6;

    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let mut chars = value.chars();
        match (chars.next(), chars.next()) {
            (Some(c @ 'a'..='f'), None) => Ok(Self(c)),
            _ => Err(ValidationError::new(
                "answer",
                format!("{value:?} is not a choice id (a to f)"),
            )),
        }
    }

    pub fn nth(index: usize) -> Option<Self> {
        (index < Self::MAX_CHOICES).then(|| Self((b'a' + index as u8) as char))
    }
}

impl fmt::Display for ChoiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What grading needs to know about a question: its kind, its choices and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerKey {
    kind: QuestionKind,
    choices: Vec<ChoiceId>,
    /// Single: one id. Multi: the right ids. Ordering: every id, in the right order.
    key: Vec<ChoiceId>,
}

impl AnswerKey {
    /// Validates a question's structure: choice ids `a, b, …` in order, a key drawn from them,
    /// and the arity each kind demands.
    pub fn new(
        kind: QuestionKind,
        choice_count: usize,
        key: &[&str],
    ) -> Result<Self, ValidationError> {
        let choices: Vec<ChoiceId> = (0..choice_count).map_while(ChoiceId::nth).collect();
        if choices.len() != choice_count {
            return Err(ValidationError::new(
                "choices",
                format!("at most {} choices", ChoiceId::MAX_CHOICES),
            ));
        }
        let key: Vec<ChoiceId> = key
            .iter()
            .map(|id| ChoiceId::parse(id))
            .collect::<Result<_, _>>()
            .map_err(|_| ValidationError::new("key", "names a choice that does not exist"))?;
        if key.iter().any(|id| !choices.contains(id)) {
            return Err(ValidationError::new(
                "key",
                "names a choice that does not exist",
            ));
        }
        if key.iter().collect::<BTreeSet<_>>().len() != key.len() {
            return Err(ValidationError::new("key", "repeats a choice"));
        }
        let (min_choices, arity_ok) = match kind {
            QuestionKind::Single => (2, key.len() == 1),
            QuestionKind::Multi => (3, key.len() >= 2 && key.len() < choices.len()),
            QuestionKind::Ordering => (2, key.len() == choices.len()),
        };
        if choices.len() < min_choices {
            return Err(ValidationError::new(
                "choices",
                format!("a {} question needs at least {min_choices}", kind.as_str()),
            ));
        }
        if !arity_ok {
            let rule = match kind {
                QuestionKind::Single => "a single-answer question has exactly one key",
                QuestionKind::Multi => {
                    "a multi-select question has at least two keys and at least one wrong choice"
                }
                QuestionKind::Ordering => "an ordering question's key lists every choice once",
            };
            return Err(ValidationError::new("key", rule));
        }
        Ok(Self { kind, choices, key })
    }

    pub fn kind(&self) -> QuestionKind {
        self.kind
    }

    pub fn key(&self) -> &[ChoiceId] {
        &self.key
    }

    /// How many choices a multi-select answer must pick.
    pub fn picks(&self) -> usize {
        self.key.len()
    }

    /// Parses a learner's answer (choice ids as sent) against this question; refuses ids that
    /// are not choices and the wrong number of them.
    pub fn parse_answer(&self, ids: &[String]) -> Result<Answer, ValidationError> {
        let parsed: Vec<ChoiceId> = ids
            .iter()
            .map(|id| ChoiceId::parse(id))
            .collect::<Result<_, _>>()?;
        if let Some(unknown) = parsed.iter().find(|id| !self.choices.contains(id)) {
            return Err(ValidationError::new(
                "answer",
                format!("{unknown} is not one of this question's choices"),
            ));
        }
        let distinct: BTreeSet<ChoiceId> = parsed.iter().copied().collect();
        if distinct.len() != parsed.len() {
            return Err(ValidationError::new("answer", "names a choice twice"));
        }
        match self.kind {
            QuestionKind::Single if parsed.len() == 1 => Ok(Answer::Single(parsed[0])),
            QuestionKind::Single => Err(ValidationError::new("answer", "pick exactly one choice")),
            QuestionKind::Multi if parsed.len() == self.key.len() => Ok(Answer::Multi(distinct)),
            QuestionKind::Multi => Err(ValidationError::new(
                "answer",
                format!("pick exactly {} choices", self.key.len()),
            )),
            QuestionKind::Ordering if parsed.len() == self.choices.len() => {
                Ok(Answer::Ordering(parsed))
            }
            QuestionKind::Ordering => Err(ValidationError::new(
                "answer",
                "order every item exactly once",
            )),
        }
    }

    /// Credit in `[0, 1]` for an answer parsed by [`AnswerKey::parse_answer`].
    pub fn credit(&self, answer: &Answer) -> Credit {
        let value = match answer {
            Answer::Single(id) => f64::from(u8::from(self.key[0] == *id)),
            Answer::Multi(picked) => {
                let hits = picked.iter().filter(|id| self.key.contains(id)).count();
                hits as f64 / self.key.len() as f64
            }
            Answer::Ordering(order) => ordering_credit(&self.key, order),
        };
        Credit::new(value)
    }
}

/// Share of pairs `(i, j)` that the answer puts in the same relative order as the key.
fn ordering_credit(key: &[ChoiceId], order: &[ChoiceId]) -> f64 {
    let n = key.len();
    if n < 2 {
        return 1.0;
    }
    let position = |id: &ChoiceId| order.iter().position(|x| x == id).unwrap_or(usize::MAX);
    let mut agreeing = 0usize;
    for i in 0..n {
        for j in i + 1..n {
            if position(&key[i]) < position(&key[j]) {
                agreeing += 1;
            }
        }
    }
    agreeing as f64 / (n * (n - 1) / 2) as f64
}

/// A learner's answer, already checked against its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Single(ChoiceId),
    Multi(BTreeSet<ChoiceId>),
    Ordering(Vec<ChoiceId>),
}

impl Answer {
    /// The ids, as stored and sent (multi in alphabetical order, ordering as ordered).
    pub fn ids(&self) -> Vec<String> {
        match self {
            Answer::Single(id) => vec![id.to_string()],
            Answer::Multi(ids) => ids.iter().map(ToString::to_string).collect(),
            Answer::Ordering(ids) => ids.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Credit earned by one answer, in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Credit(f64);

impl Credit {
    pub const NONE: Credit = Credit(0.0);

    pub fn new(value: f64) -> Self {
        Self(if value.is_finite() {
            value.clamp(0.0, 1.0)
        } else {
            0.0
        })
    }

    pub fn value(self) -> f64 {
        self.0
    }

    pub fn is_full(self) -> bool {
        self.0 >= 1.0 - 1e-9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_key_must_be_among_the_choices_with_the_right_arity() {
        assert!(AnswerKey::new(QuestionKind::Single, 4, &["c"]).is_ok());
        assert!(AnswerKey::new(QuestionKind::Single, 4, &["e"]).is_err());
        assert!(AnswerKey::new(QuestionKind::Single, 4, &["a", "b"]).is_err());
        assert!(AnswerKey::new(QuestionKind::Multi, 5, &["a"]).is_err());
        assert!(
            AnswerKey::new(QuestionKind::Multi, 3, &["a", "b", "c"]).is_err(),
            "needs a wrong choice"
        );
        assert!(AnswerKey::new(QuestionKind::Multi, 5, &["a", "a"]).is_err());
        assert!(AnswerKey::new(QuestionKind::Ordering, 4, &["d", "a", "c"]).is_err());
        assert!(AnswerKey::new(QuestionKind::Ordering, 4, &["d", "a", "c", "b"]).is_ok());
        assert!(AnswerKey::new(QuestionKind::Single, 7, &["a"]).is_err());
    }

    #[test]
    fn single_answers_are_all_or_nothing() {
        let key = AnswerKey::new(QuestionKind::Single, 4, &["c"]).unwrap();
        assert!(
            key.credit(&key.parse_answer(&ids(&["c"])).unwrap())
                .is_full()
        );
        assert_eq!(
            key.credit(&key.parse_answer(&ids(&["a"])).unwrap()),
            Credit::NONE
        );
        assert!(key.parse_answer(&ids(&["a", "c"])).is_err());
        assert!(key.parse_answer(&ids(&["e"])).is_err(), "not a choice");
        assert!(key.parse_answer(&ids(&["C"])).is_err());
        assert!(key.parse_answer(&[]).is_err());
    }

    #[test]
    fn multi_select_earns_the_share_of_the_key_picked() {
        let key = AnswerKey::new(QuestionKind::Multi, 5, &["b", "d"]).unwrap();
        assert_eq!(
            key.credit(&key.parse_answer(&ids(&["d", "b"])).unwrap())
                .value(),
            1.0
        );
        assert_eq!(
            key.credit(&key.parse_answer(&ids(&["b", "e"])).unwrap())
                .value(),
            0.5
        );
        assert_eq!(
            key.credit(&key.parse_answer(&ids(&["a", "c"])).unwrap())
                .value(),
            0.0
        );
        assert!(key.parse_answer(&ids(&["b"])).is_err(), "exactly two");
        assert!(
            key.parse_answer(&ids(&["b", "d", "e"])).is_err(),
            "not three"
        );
        assert!(key.parse_answer(&ids(&["b", "b"])).is_err());
    }

    #[test]
    fn ordering_earns_the_share_of_pairs_in_order() {
        let key = AnswerKey::new(QuestionKind::Ordering, 4, &["c", "a", "d", "b"]).unwrap();
        let credit = |order: &[&str]| key.credit(&key.parse_answer(&ids(order)).unwrap()).value();
        assert_eq!(credit(&["c", "a", "d", "b"]), 1.0);
        assert_eq!(credit(&["b", "d", "a", "c"]), 0.0, "reversed");
        assert!(
            (credit(&["a", "c", "d", "b"]) - 5.0 / 6.0).abs() < 1e-12,
            "one adjacent swap"
        );
        assert!(
            key.parse_answer(&ids(&["c", "a", "d"])).is_err(),
            "every item"
        );
        assert!(key.parse_answer(&ids(&["c", "a", "d", "d"])).is_err());
    }

    #[test]
    fn answers_round_trip_through_their_ids() {
        let key = AnswerKey::new(QuestionKind::Multi, 5, &["b", "d"]).unwrap();
        let answer = key.parse_answer(&ids(&["d", "b"])).unwrap();
        assert_eq!(answer.ids(), ["b", "d"]);
        assert_eq!(key.parse_answer(&answer.ids()).unwrap(), answer);
    }
}
