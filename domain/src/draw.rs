//! Which questions a session gets. Draws are seeded (the caller passes a random seed), so the
//! same inputs always give the same session and tests are exact.

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::exam::DomainWeight;
use crate::ids::QuestionId;

/// A published question as drawing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: QuestionId,
    pub domain: String,
    /// How many of this learner's earlier mocks drew it (0 for practice draws).
    pub mocked: u32,
}

/// How many questions each domain gets in an `n`-question mock: `weight × n` rounded by the
/// largest-remainder method, so the counts add up to `n` and each is within one of its exact share.
pub fn allocate(weights: &[DomainWeight], n: u32) -> BTreeMap<String, u32> {
    let total: u32 = weights.iter().map(|d| d.weight).sum::<u32>().max(1);
    let exact: Vec<(usize, f64)> = weights
        .iter()
        .enumerate()
        .map(|(i, d)| (i, f64::from(d.weight) * f64::from(n) / f64::from(total)))
        .collect();
    let mut counts: Vec<u32> = exact
        .iter()
        .map(|(_, share)| share.floor() as u32)
        .collect();
    let mut remaining = n - counts.iter().sum::<u32>();
    let mut by_remainder = exact.clone();
    // Largest remainder first; ties go to the heavier domain, then to the earlier one.
    by_remainder.sort_by(|(i, a), (j, b)| {
        (b - b.floor())
            .total_cmp(&(a - a.floor()))
            .then(weights[*j].weight.cmp(&weights[*i].weight))
            .then(i.cmp(j))
    });
    for (index, _) in by_remainder {
        if remaining == 0 {
            break;
        }
        counts[index] += 1;
        remaining -= 1;
    }
    weights
        .iter()
        .zip(counts)
        .map(|(d, c)| (d.code.clone(), c))
        .collect()
}

/// A mock the bank cannot fill: per domain, how many it needs and how many it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub domains: Vec<DomainShortfall>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainShortfall {
    pub domain: String,
    pub needed: u32,
    pub available: u32,
}

/// Draws an `n`-question mock by domain weight: no question twice, domains interleaved, and in
/// each domain the questions the learner's earlier mocks drew least first, so consecutive mocks
/// repeat nothing until the domain's bank is used up.
pub fn draw_mock(
    bank: &[Candidate],
    weights: &[DomainWeight],
    n: u32,
    seed: u64,
) -> Result<Vec<QuestionId>, Shortfall> {
    let needed = allocate(weights, n);
    let mut by_domain: BTreeMap<&str, Vec<&Candidate>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for candidate in bank {
        if seen.insert(&candidate.id) {
            by_domain
                .entry(candidate.domain.as_str())
                .or_default()
                .push(candidate);
        }
    }
    let short: Vec<DomainShortfall> = needed
        .iter()
        .filter_map(|(domain, &need)| {
            let available = by_domain.get(domain.as_str()).map_or(0, Vec::len) as u32;
            (available < need).then(|| DomainShortfall {
                domain: domain.clone(),
                needed: need,
                available,
            })
        })
        .collect();
    if !short.is_empty() {
        return Err(Shortfall { domains: short });
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut drawn: Vec<QuestionId> = vec![];
    for (domain, need) in &needed {
        let mut pool = by_domain.get(domain.as_str()).cloned().unwrap_or_default();
        pool.shuffle(&mut rng);
        // Stable: questions drawn equally often stay in their random order.
        pool.sort_by_key(|c| c.mocked);
        drawn.extend(pool.into_iter().take(*need as usize).map(|c| c.id.clone()));
    }
    drawn.shuffle(&mut rng);
    Ok(drawn)
}

/// Draws up to `count` practice questions from those that pass the learner's filter, in random
/// order, none twice. Fewer come back when fewer match.
pub fn draw_practice(matching: &[Candidate], count: u32, seed: u64) -> Vec<QuestionId> {
    let mut ids: Vec<&QuestionId> = matching
        .iter()
        .map(|c| &c.id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rng = StdRng::seed_from_u64(seed);
    ids.shuffle(&mut rng);
    ids.into_iter().take(count as usize).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn weights(list: &[(&str, u32)]) -> Vec<DomainWeight> {
        list.iter()
            .map(|(code, weight)| DomainWeight {
                code: code.to_string(),
                weight: *weight,
            })
            .collect()
    }

    fn bank(per_domain: &[(&str, usize)]) -> Vec<Candidate> {
        per_domain
            .iter()
            .flat_map(|(domain, n)| {
                (0..*n).map(move |i| Candidate {
                    mocked: 0,
                    id: QuestionId::trusted(format!("{domain}-{i:03}")),
                    domain: domain.to_string(),
                })
            })
            .collect()
    }

    const SECURITY_PLUS: &[(&str, u32)] = &[
        ("1.0", 12),
        ("2.0", 22),
        ("3.0", 18),
        ("4.0", 28),
        ("5.0", 20),
    ];

    #[test]
    fn a_full_security_plus_mock_follows_the_published_weights() {
        let counts = allocate(&weights(SECURITY_PLUS), 90);
        let expected = [
            ("1.0", 11),
            ("2.0", 20),
            ("3.0", 16),
            ("4.0", 25),
            ("5.0", 18),
        ];
        assert_eq!(
            counts,
            expected.iter().map(|(d, c)| (d.to_string(), *c)).collect()
        );
    }

    #[test]
    fn a_bank_too_small_reports_the_shortfall_per_domain() {
        let small = bank(&[
            ("1.0", 20),
            ("2.0", 5),
            ("3.0", 20),
            ("4.0", 20),
            ("5.0", 20),
        ]);
        let err = draw_mock(&small, &weights(SECURITY_PLUS), 90, 7).unwrap_err();
        assert_eq!(
            err.domains,
            vec![
                DomainShortfall {
                    domain: "2.0".into(),
                    needed: 20,
                    available: 5
                },
                DomainShortfall {
                    domain: "4.0".into(),
                    needed: 25,
                    available: 20
                },
            ]
        );
    }

    #[test]
    fn the_same_seed_draws_the_same_session() {
        let full = bank(&[
            ("1.0", 30),
            ("2.0", 30),
            ("3.0", 30),
            ("4.0", 30),
            ("5.0", 30),
        ]);
        let w = weights(SECURITY_PLUS);
        assert_eq!(draw_mock(&full, &w, 20, 42), draw_mock(&full, &w, 20, 42));
        assert_ne!(draw_mock(&full, &w, 20, 42), draw_mock(&full, &w, 20, 43));
    }

    proptest! {
        #[test]
        fn counts_add_up_and_stay_within_one_question_of_the_weights(
            raw in proptest::collection::vec(1u32..60, 1..8),
            n in 1u32..150,
        ) {
            let total: u32 = raw.iter().sum();
            let list: Vec<DomainWeight> = raw.iter().enumerate().map(|(i, w)| DomainWeight { code: format!("d{i}"), weight: *w }).collect();
            let counts = allocate(&list, n);
            prop_assert_eq!(counts.values().sum::<u32>(), n);
            for d in &list {
                let exact = f64::from(d.weight) * f64::from(n) / f64::from(total);
                prop_assert!((f64::from(counts[&d.code]) - exact).abs() < 1.0);
            }
        }

        #[test]
        fn mocks_never_repeat_a_question_and_respect_the_weights(n in 1u32..90, seed in any::<u64>()) {
            let full = bank(&[("1.0", 40), ("2.0", 40), ("3.0", 40), ("4.0", 40), ("5.0", 40)]);
            let w = weights(SECURITY_PLUS);
            let drawn = draw_mock(&full, &w, n, seed).unwrap();
            prop_assert_eq!(drawn.len() as u32, n);
            prop_assert_eq!(drawn.iter().collect::<BTreeSet<_>>().len() as u32, n);
            for d in &w {
                let got = drawn.iter().filter(|id| id.as_str().starts_with(&format!("{}-", d.code))).count() as f64;
                prop_assert!((got - f64::from(d.weight) * f64::from(n) / 100.0).abs() < 1.0);
            }
        }

        #[test]
        fn consecutive_mocks_repeat_nothing_until_a_domain_is_used_up(seed in any::<u64>(), mocks in 2usize..6) {
            let mut full = bank(&[("1.0", 30), ("2.0", 50), ("3.0", 45), ("4.0", 60), ("5.0", 50)]);
            let w = weights(SECURITY_PLUS);
            for round in 0..mocks {
                let drawn: BTreeSet<QuestionId> =
                    draw_mock(&full, &w, 90, seed.wrapping_add(round as u64)).unwrap().into_iter().collect();
                for c in &mut full {
                    c.mocked += u32::from(drawn.contains(&c.id));
                }
                // Every question of a domain has been drawn as often as any other, give or take one.
                for d in &w {
                    let counts: Vec<u32> = full.iter().filter(|c| c.domain == d.code).map(|c| c.mocked).collect();
                    let (low, high) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
                    prop_assert!(high - low <= 1, "domain {} after mock {}: {}..{}", d.code, round + 1, low, high);
                }
            }
        }

        #[test]
        fn practice_draws_are_distinct_and_capped(count in 1u32..60, available in 0usize..80, seed in any::<u64>()) {
            let mut matching = bank(&[("1.0", available)]);
            matching.extend(matching.clone()); // duplicates in the input collapse
            let drawn = draw_practice(&matching, count, seed);
            prop_assert_eq!(drawn.len(), (count as usize).min(available));
            prop_assert_eq!(drawn.iter().collect::<BTreeSet<_>>().len(), drawn.len());
        }
    }
}
