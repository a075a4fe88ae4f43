//! When to show a question again: FSRS-6 (the `fsrs` crate, default parameters) on every answer.
//! A wrong answer rates *Again*; a right one *Good*, or *Hard* when it was slow — more than one
//! and a half times the real exam's time per question.

use crate::DAY_MS;
use fsrs::{FSRS, MemoryState};

/// Target probability of still knowing an answer when it comes due.
pub const DESIRED_RETENTION: f32 = 0.9;
/// A forgotten question comes back within the same study period.
pub const RELEARN_MINUTES: u64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    Again,
    Hard,
    Good,
}

pub fn grade(correct: bool, elapsed_ms: u64, seconds_per_question: f64) -> Grade {
    if !correct {
        Grade::Again
    } else if elapsed_ms as f64 > seconds_per_question * 1500.0 {
        Grade::Hard
    } else {
        Grade::Good
    }
}

/// A learner's memory of one question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Card {
    pub stability: f32,
    pub difficulty: f32,
    pub due_ms: u64,
    pub last_review_ms: u64,
    pub reps: u32,
    pub lapses: u32,
}

/// The card after a review graded `grade` at `now_ms` (a new card when `card` is `None`).
pub fn review(card: Option<&Card>, grade: Grade, now_ms: u64) -> Card {
    let fsrs = FSRS::default();
    let memory = card.map(|c| MemoryState {
        stability: c.stability,
        difficulty: c.difficulty,
    });
    let days_elapsed = card.map_or(0, |c| {
        u32::try_from(now_ms.saturating_sub(c.last_review_ms) / DAY_MS).unwrap_or(u32::MAX)
    });
    let (stability, difficulty, interval_days) =
        match fsrs.next_states(memory, DESIRED_RETENTION, days_elapsed) {
            Ok(next) => {
                let state = match grade {
                    Grade::Again => next.again,
                    Grade::Hard => next.hard,
                    Grade::Good => next.good,
                };
                (
                    state.memory.stability,
                    state.memory.difficulty,
                    state.interval,
                )
            }
            // FSRS refuses degenerate states; start the card over rather than lose the review.
            Err(_) => (0.5, 5.0, 1.0),
        };
    let due_ms = match grade {
        Grade::Again => now_ms + RELEARN_MINUTES * 60 * 1000,
        _ => now_ms + (f64::from(interval_days.max(1.0)) * DAY_MS as f64) as u64,
    };
    Card {
        stability,
        difficulty,
        due_ms,
        last_review_ms: now_ms,
        reps: card.map_or(0, |c| c.reps) + 1,
        lapses: card.map_or(0, |c| c.lapses) + u32::from(grade == Grade::Again),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_795_608_000_000;

    #[test]
    fn wrong_is_again_right_is_good_slow_is_hard() {
        assert_eq!(grade(false, 1_000, 60.0), Grade::Again);
        assert_eq!(grade(true, 30_000, 60.0), Grade::Good);
        assert_eq!(grade(true, 95_000, 60.0), Grade::Hard);
    }

    #[test]
    fn a_forgotten_question_comes_back_soon_a_known_one_later() {
        let again = review(None, Grade::Again, NOW);
        assert_eq!(again.due_ms, NOW + 10 * 60 * 1000);
        assert_eq!((again.reps, again.lapses), (1, 1));
        let good = review(None, Grade::Good, NOW);
        assert!(
            good.due_ms >= NOW + DAY_MS,
            "first Good is at least a day out"
        );
        let hard = review(None, Grade::Hard, NOW);
        assert!(hard.due_ms <= good.due_ms);
    }

    #[test]
    fn intervals_grow_with_each_successful_review() {
        let first = review(None, Grade::Good, NOW);
        let second = review(Some(&first), Grade::Good, first.due_ms);
        let third = review(Some(&second), Grade::Good, second.due_ms);
        let gap = |a: &Card, b: &Card| b.due_ms - b.last_review_ms > a.due_ms - a.last_review_ms;
        assert!(
            gap(&first, &second) && gap(&second, &third),
            "{first:?} {second:?} {third:?}"
        );
        assert!(third.stability > first.stability);
        let lapse = review(Some(&third), Grade::Again, third.due_ms);
        assert!(lapse.stability < third.stability);
        assert_eq!(lapse.lapses, 1);
    }
}
