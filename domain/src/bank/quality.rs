//! A whole exam's bank against the standard a bank worth selling keeps: every vendor objective
//! covered, domain shares like the published weights, enough distinct questions for several full
//! mocks of the kinds the real exam uses, no key given away by its length, no two stems alike,
//! and a declared difficulty on every item, spread like the real exam.

use std::collections::BTreeSet;
use std::fmt;

use crate::account::ValidationError;
use crate::content::Content;
use crate::drafts::{NEAR_DUPLICATE, jaccard, normalized, shingles};
use crate::draw::allocate;
use crate::exam::DomainWeight;
use crate::question::QuestionKind;

/// Items each objective needs, so no sub-topic is left out of practice.
pub const MIN_PER_OBJECTIVE: usize = 4;
/// How far, in percentage points, a domain's share of the bank may be from its weight.
pub const SHARE_TOLERANCE_POINTS: f64 = 1.0;
/// The share of single-answer items whose key is the longest choice stays near chance (25 % for
/// four options): more gives the key away by its length, far less teaches "never the longest".
pub const MIN_KEY_LONGEST: f64 = 0.15;
pub const MAX_KEY_LONGEST: f64 = 0.30;
/// Full mocks of distinct questions the bank must fill.
pub const FULL_MOCKS: u32 = 3;
/// The real exams' spread of easy, medium and hard items…
pub const DIFFICULTY_TARGET: [f64; 3] = [0.2, 0.6, 0.2];
/// …and how far, as a share, each band may be from it.
pub const DIFFICULTY_TOLERANCE: f64 = 0.07;

/// Declared difficulty: 1 easy, 2 medium, 3 hard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difficulty(u8);

impl Difficulty {
    pub fn parse(value: u8) -> Result<Self, ValidationError> {
        match value {
            1..=3 => Ok(Self(value)),
            _ => Err(ValidationError::new(
                "difficulty",
                format!("{value} is not 1 (easy), 2 (medium) or 3 (hard)"),
            )),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// What the vendor publishes about the exam, as the bank is measured against it.
#[derive(Debug, Clone)]
pub struct Blueprint {
    pub domains: Vec<DomainWeight>,
    /// Objective codes in the vendor's order, with the domain each belongs to.
    pub objectives: Vec<(String, String)>,
    /// Questions in one full mock.
    pub question_count: u32,
    /// The kinds the real exam uses; a mock draws only these.
    pub mock_kinds: Vec<QuestionKind>,
}

/// One question as the standard sees it.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub id: &'a str,
    pub domain: &'a str,
    pub objective: &'a str,
    pub difficulty: Difficulty,
    pub content: &'a Content,
}

/// Two items and the Jaccard similarity of their stems' word shingles.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub first: String,
    pub second: String,
    pub similarity: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DomainFigures {
    pub code: String,
    pub weight: u32,
    pub items: usize,
    /// Items a mock may draw (of the real exam's kinds) and how many the full mocks need.
    pub mock_items: usize,
    pub mock_needs: u32,
}

/// The figures of one exam's bank.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub items: usize,
    pub domains: Vec<DomainFigures>,
    /// Items per objective, in the blueprint's order.
    pub objectives: Vec<(String, usize)>,
    /// Items filed under an objective the blueprint does not have for their domain.
    pub misfiled: Vec<String>,
    pub singles: usize,
    pub key_longest: usize,
    /// Multi-answer items whose keys are exactly their longest choices.
    pub multi_keys_longest: Vec<String>,
    /// Items of difficulty 1, 2 and 3.
    pub difficulty: [usize; 3],
    pub largest_pair: Option<Pair>,
    pub near_duplicates: Vec<Pair>,
}

/// Whether the keys are exactly the longest choices: every key longer than every distractor.
/// Ordering items have no distractors.
pub fn keys_are_longest(content: &Content) -> bool {
    if content.kind == QuestionKind::Ordering {
        return false;
    }
    let lengths: Vec<(bool, usize)> = content
        .choices
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let label = char::from(b'a' + index as u8).to_string();
            (content.key.contains(&label), text.chars().count())
        })
        .collect();
    let shortest_key = lengths.iter().filter(|(k, _)| *k).map(|(_, n)| *n).min();
    let longest_other = lengths.iter().filter(|(k, _)| !*k).map(|(_, n)| *n).max();
    matches!((shortest_key, longest_other), (Some(key), Some(other)) if key > other)
}

/// Measures `items` against `blueprint`.
pub fn measure(blueprint: &Blueprint, items: &[Item<'_>]) -> Report {
    let needs = allocate(&blueprint.domains, blueprint.question_count);
    let domains = blueprint
        .domains
        .iter()
        .map(|d| {
            let mine = items.iter().filter(|i| i.domain == d.code);
            DomainFigures {
                code: d.code.clone(),
                weight: d.weight,
                items: mine.clone().count(),
                mock_items: mine
                    .filter(|i| blueprint.mock_kinds.contains(&i.content.kind))
                    .count(),
                mock_needs: FULL_MOCKS * needs.get(&d.code).copied().unwrap_or(0),
            }
        })
        .collect();
    let known: BTreeSet<(&str, &str)> = blueprint
        .objectives
        .iter()
        .map(|(code, domain)| (code.as_str(), domain.as_str()))
        .collect();
    let objectives = blueprint
        .objectives
        .iter()
        .map(|(code, domain)| {
            let count = items
                .iter()
                .filter(|i| i.objective == code && i.domain == domain)
                .count();
            (code.clone(), count)
        })
        .collect();
    let misfiled = items
        .iter()
        .filter(|i| !known.contains(&(i.objective, i.domain)))
        .map(|i| format!("{} ({} under {})", i.id, i.objective, i.domain))
        .collect();
    let singles: Vec<&Item<'_>> = items
        .iter()
        .filter(|i| i.content.kind == QuestionKind::Single)
        .collect();
    let mut difficulty = [0; 3];
    for item in items {
        difficulty[usize::from(item.difficulty.get() - 1)] += 1;
    }
    let (largest_pair, near_duplicates) = similar_stems(items);
    Report {
        items: items.len(),
        domains,
        objectives,
        misfiled,
        singles: singles.len(),
        key_longest: singles
            .iter()
            .filter(|i| keys_are_longest(i.content))
            .count(),
        multi_keys_longest: items
            .iter()
            .filter(|i| i.content.kind == QuestionKind::Multi && keys_are_longest(i.content))
            .map(|i| i.id.to_string())
            .collect(),
        difficulty,
        largest_pair,
        near_duplicates,
    }
}

/// The most similar pair of stems, and every pair at or over [`NEAR_DUPLICATE`].
fn similar_stems(items: &[Item<'_>]) -> (Option<Pair>, Vec<Pair>) {
    let sets: Vec<BTreeSet<String>> = items
        .iter()
        .map(|i| shingles(&normalized(&i.content.stem)))
        .collect();
    let mut largest: Option<Pair> = None;
    let mut near = vec![];
    for (a, first) in items.iter().enumerate() {
        for (b, second) in items.iter().enumerate().skip(a + 1) {
            let similarity = jaccard(&sets[a], &sets[b]);
            let pair = || Pair {
                first: first.id.to_string(),
                second: second.id.to_string(),
                similarity,
            };
            if largest.as_ref().is_none_or(|p| similarity > p.similarity) {
                largest = Some(pair());
            }
            if similarity >= NEAR_DUPLICATE {
                near.push(pair());
            }
        }
    }
    (largest, near)
}

impl Report {
    pub fn key_longest_rate(&self) -> f64 {
        share(self.key_longest, self.singles)
    }

    pub fn difficulty_shares(&self) -> [f64; 3] {
        self.difficulty.map(|n| share(n, self.items))
    }

    /// Every hard rule the bank breaks, one line each (empty when it keeps them all).
    pub fn violations(&self) -> Vec<String> {
        let mut found = vec![];
        for d in &self.domains {
            let points = share(d.items, self.items) * 100.0;
            if (points - f64::from(d.weight)).abs() > SHARE_TOLERANCE_POINTS {
                found.push(format!(
                    "domain {} is {points:.1} % of the bank, weight {} % (±{SHARE_TOLERANCE_POINTS})",
                    d.code, d.weight
                ));
            }
            if d.mock_items < d.mock_needs as usize {
                found.push(format!(
                    "domain {} has {} items a mock may draw; {FULL_MOCKS} full mocks need {}",
                    d.code, d.mock_items, d.mock_needs
                ));
            }
        }
        for (code, count) in &self.objectives {
            if *count < MIN_PER_OBJECTIVE {
                found.push(format!(
                    "objective {code} has {count} items, fewer than {MIN_PER_OBJECTIVE}"
                ));
            }
        }
        for id in &self.misfiled {
            found.push(format!("{id}: no such objective in that domain"));
        }
        let rate = self.key_longest_rate();
        if self.singles > 0 && !(MIN_KEY_LONGEST..=MAX_KEY_LONGEST).contains(&rate) {
            found.push(format!(
                "the key is the longest choice in {} of {} single-answer items ({:.1} %, not {:.0}–{:.0} %)",
                self.key_longest,
                self.singles,
                rate * 100.0,
                MIN_KEY_LONGEST * 100.0,
                MAX_KEY_LONGEST * 100.0
            ));
        }
        for id in &self.multi_keys_longest {
            found.push(format!("{id}: its keys are exactly its longest choices"));
        }
        for p in &self.near_duplicates {
            found.push(format!(
                "{} and {} have near-duplicate stems (Jaccard {:.2})",
                p.first, p.second, p.similarity
            ));
        }
        found
    }

    /// Whether the difficulty spread is within [`DIFFICULTY_TOLERANCE`] of the real exam's.
    pub fn difficulty_is_spread_like_the_exam(&self) -> bool {
        self.difficulty_shares()
            .iter()
            .zip(DIFFICULTY_TARGET)
            .all(|(got, want)| (got - want).abs() <= DIFFICULTY_TOLERANCE)
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  {} items", self.items)?;
        for d in &self.domains {
            writeln!(
                f,
                "  domain {:<4} {:>4} items {:>5.1} % (weight {} %), {} for mocks of {} needed",
                d.code,
                d.items,
                share(d.items, self.items) * 100.0,
                d.weight,
                d.mock_items,
                d.mock_needs
            )?;
        }
        let objectives: Vec<String> = self
            .objectives
            .iter()
            .map(|(code, n)| format!("{code}:{n}"))
            .collect();
        writeln!(f, "  objectives {}", objectives.join(" "))?;
        writeln!(
            f,
            "  key longest in {} of {} single-answer items ({:.1} %); multi keys all longest: {}",
            self.key_longest,
            self.singles,
            self.key_longest_rate() * 100.0,
            self.multi_keys_longest.len()
        )?;
        let [easy, medium, hard] = self.difficulty_shares().map(|s| s * 100.0);
        writeln!(
            f,
            "  difficulty 1/2/3: {}/{}/{} ({easy:.0} %/{medium:.0} %/{hard:.0} %)",
            self.difficulty[0], self.difficulty[1], self.difficulty[2]
        )?;
        match &self.largest_pair {
            Some(p) => writeln!(
                f,
                "  largest stem Jaccard: {} / {} = {:.2}",
                p.first, p.second, p.similarity
            ),
            None => writeln!(f, "  largest stem Jaccard: none (fewer than two items)"),
        }
    }
}

#[cfg(test)]
mod tests;
