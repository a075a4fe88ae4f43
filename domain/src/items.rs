//! Item analysis: how a question (one version of it) performs, from learners' first attempts.
//! Facility is the share answered correctly; discrimination is the point-biserial correlation
//! between getting it right and the learner's score on the rest of the exam; each choice's
//! share shows which distractors nobody believes. The flags are the usual rules of thumb, raised
//! only once enough learners have answered for them to mean something.

use crate::question::QuestionKind;

/// First attempts needed before an item is flagged.
pub const MIN_RESPONSES: u32 = 20;
/// Facility above this: too easy to tell learners apart.
pub const TOO_EASY: f64 = 0.9;
/// Facility below this: too hard, or keyed wrong.
pub const TOO_HARD: f64 = 0.2;
/// A wrong choice picked by fewer than this share of learners distracts nobody.
pub const UNUSED_DISTRACTOR: f64 = 0.05;

/// One learner's first attempt at the item.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub correct: bool,
    /// The choice ids picked (`a`, `b`, …).
    pub picked: Vec<String>,
    pub elapsed_ms: u64,
    /// Their share correct on the rest of the exam's first attempts; `None` when this was their
    /// only one.
    pub rest: Option<f64>,
}

/// What the rules of thumb say about an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flag {
    TooEasy,
    TooHard,
    NegativeDiscrimination,
    /// A wrong choice (its id) almost nobody picks.
    UnusedDistractor(String),
}

impl Flag {
    /// The flag as stored and sent: `too_easy`, `too_hard`, `negative_discrimination`,
    /// `unused_distractor:<id>`.
    pub fn name(&self) -> String {
        match self {
            Flag::TooEasy => "too_easy".into(),
            Flag::TooHard => "too_hard".into(),
            Flag::NegativeDiscrimination => "negative_discrimination".into(),
            Flag::UnusedDistractor(id) => format!("unused_distractor:{id}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemStats {
    pub responses: u32,
    pub facility: f64,
    /// `None` with fewer than two rest scores, or when everyone (or no one) got it right, or
    /// every rest score is the same: no correlation to speak of.
    pub discrimination: Option<f64>,
    /// Each choice's share of attempts that picked it, by position; empty for ordering items,
    /// where every attempt picks every choice.
    pub choice_shares: Vec<f64>,
    pub median_ms: u64,
    pub flags: Vec<Flag>,
}

/// A learner's share correct on their other first attempts, given their totals and this one.
pub fn rest_score(total_correct: u32, total: u32, this_correct: bool) -> Option<f64> {
    let others = total.checked_sub(1).filter(|n| *n > 0)?;
    let correct = total_correct.saturating_sub(u32::from(this_correct));
    Some(f64::from(correct) / f64::from(others))
}

/// The statistics of an item of `kind` with `choices` choices keyed `key`; `None` without
/// attempts.
pub fn analyse(
    kind: QuestionKind,
    choices: usize,
    key: &[String],
    attempts: &[Attempt],
) -> Option<ItemStats> {
    if attempts.is_empty() {
        return None;
    }
    let n = attempts.len() as f64;
    let responses = attempts.len() as u32;
    let facility = attempts.iter().filter(|a| a.correct).count() as f64 / n;
    let discrimination = point_biserial(attempts);
    let choice_shares: Vec<f64> = match kind {
        QuestionKind::Ordering => vec![],
        _ => (0..choices)
            .map(|index| {
                let id = char::from(b'a' + index as u8).to_string();
                attempts.iter().filter(|a| a.picked.contains(&id)).count() as f64 / n
            })
            .collect(),
    };
    let mut times: Vec<u64> = attempts.iter().map(|a| a.elapsed_ms).collect();
    times.sort_unstable();
    let middle = times.len() / 2;
    let median_ms = if times.len() % 2 == 1 {
        times[middle]
    } else {
        (times[middle - 1] + times[middle]) / 2
    };
    let mut flags = vec![];
    if responses >= MIN_RESPONSES {
        if facility > TOO_EASY {
            flags.push(Flag::TooEasy);
        }
        if facility < TOO_HARD {
            flags.push(Flag::TooHard);
        }
        if discrimination.is_some_and(|d| d < 0.0) {
            flags.push(Flag::NegativeDiscrimination);
        }
        for (index, share) in choice_shares.iter().enumerate() {
            let id = char::from(b'a' + index as u8).to_string();
            if !key.contains(&id) && *share < UNUSED_DISTRACTOR {
                flags.push(Flag::UnusedDistractor(id));
            }
        }
    }
    Some(ItemStats {
        responses,
        facility,
        discrimination,
        choice_shares,
        median_ms,
        flags,
    })
}

/// r_pb = (M₁ − M₀) / s · √(p·q) over the attempts with a rest score: M₁ and M₀ the mean rest
/// score of those right and wrong, s the rest scores' (population) standard deviation, p the
/// share right.
fn point_biserial(attempts: &[Attempt]) -> Option<f64> {
    let scored: Vec<(bool, f64)> = attempts
        .iter()
        .filter_map(|a| a.rest.map(|rest| (a.correct, rest)))
        .collect();
    if scored.len() < 2 {
        return None;
    }
    let n = scored.len() as f64;
    let right: Vec<f64> = scored.iter().filter(|(c, _)| *c).map(|(_, r)| *r).collect();
    let wrong: Vec<f64> = scored
        .iter()
        .filter(|(c, _)| !*c)
        .map(|(_, r)| *r)
        .collect();
    if right.is_empty() || wrong.is_empty() {
        return None;
    }
    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len() as f64;
    let all: Vec<f64> = scored.iter().map(|(_, r)| *r).collect();
    let overall = mean(&all);
    let sd = (all.iter().map(|r| (r - overall).powi(2)).sum::<f64>() / n).sqrt();
    if sd == 0.0 {
        return None;
    }
    let p = right.len() as f64 / n;
    Some((mean(&right) - mean(&wrong)) / sd * (p * (1.0 - p)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(correct: bool, picked: &str, elapsed_ms: u64, rest: f64) -> Attempt {
        Attempt {
            correct,
            picked: vec![picked.to_string()],
            elapsed_ms,
            rest: Some(rest),
        }
    }

    fn key(id: &str) -> Vec<String> {
        vec![id.to_string()]
    }

    #[test]
    fn facility_discrimination_shares_and_median_of_a_known_fixture() {
        // Four right (rest scores .9 .8 .7 .6), six wrong (.5 .4 .3 .2 .6 .5).
        let attempts = [
            attempt(true, "b", 10_000, 0.9),
            attempt(true, "b", 20_000, 0.8),
            attempt(true, "b", 30_000, 0.7),
            attempt(true, "b", 40_000, 0.6),
            attempt(false, "a", 50_000, 0.5),
            attempt(false, "a", 60_000, 0.4),
            attempt(false, "c", 70_000, 0.3),
            attempt(false, "c", 80_000, 0.2),
            attempt(false, "a", 90_000, 0.6),
            attempt(false, "c", 100_000, 0.5),
        ];
        let stats = analyse(QuestionKind::Single, 4, &key("b"), &attempts).unwrap();
        assert_eq!(stats.responses, 10);
        assert!((stats.facility - 0.4).abs() < 1e-12);
        // M1 = .75, M0 = .41667, s = .20616, sqrt(.4 × .6) = .48990: r = .79212.
        let r = stats.discrimination.unwrap();
        assert!((r - 0.792_12).abs() < 1e-4, "{r}");
        assert_eq!(stats.choice_shares, vec![0.3, 0.4, 0.3, 0.0]);
        assert_eq!(stats.median_ms, 55_000);
        assert!(stats.flags.is_empty(), "ten answers are too few to flag");
    }

    #[test]
    fn the_rules_of_thumb_flag_an_item_once_enough_learners_answered() {
        // 19 of 20 right, but the one who got it wrong is the strongest learner elsewhere;
        // nobody picks d.
        let mut attempts: Vec<Attempt> = (0..19)
            .map(|i| attempt(true, "a", 1_000, 0.3 + f64::from(i) * 0.01))
            .collect();
        attempts.push(attempt(false, "b", 1_000, 0.95));
        let stats = analyse(QuestionKind::Single, 4, &key("a"), &attempts).unwrap();
        let names: Vec<String> = stats.flags.iter().map(Flag::name).collect();
        assert_eq!(
            names,
            [
                "too_easy",
                "negative_discrimination",
                "unused_distractor:c",
                "unused_distractor:d"
            ]
        );

        let hard: Vec<Attempt> = (0..20)
            .map(|i| attempt(i < 3, if i < 3 { "a" } else { "b" }, 1_000, 0.5))
            .collect();
        let stats = analyse(QuestionKind::Single, 2, &key("a"), &hard).unwrap();
        assert_eq!(stats.discrimination, None, "every rest score the same");
        assert_eq!(stats.flags, vec![Flag::TooHard]);
    }

    #[test]
    fn a_rest_score_leaves_out_the_item_itself() {
        assert_eq!(rest_score(3, 4, true), Some(2.0 / 3.0));
        assert_eq!(rest_score(3, 4, false), Some(1.0));
        assert_eq!(rest_score(1, 1, true), None, "nothing else answered");
        assert!(analyse(QuestionKind::Ordering, 3, &[], &[]).is_none());
    }
}
