//! How likely a learner is to pass, from their recent answers, weighted like the exam.
//!
//! # Model
//! For each domain `d` the learner's ability `θ_d` (their expected credit on a question of that
//! domain) has a Beta posterior from a uniform prior and their most recent [`RECENT`] answers:
//! `a = 1 + Σ credit`, `b = 1 + Σ (1 − credit)`. The exam score is the weighted mean of the
//! domains' results, so with weights `w_d` (summing to 1):
//!
//! - ability `A = Σ w_d · mean_d`, with variance `Σ w_d² · var_d` — but never less than the
//!   variance of one Beta over all the learner's recent answers pooled. Independent domain
//!   estimates average their noise out, which is right once there is evidence; with little of it
//!   the uncertainty is about the learner as a whole, and no answers at all leave the whole range
//!   open;
//! - a real exam asks `n_d = w_d · N` questions per domain, adding sampling noise with variance
//!   `Σ w_d² · mean_d (1 − mean_d) / n_d`.
//!
//! Treating the exam score as normal with mean `A` and both variances, the probability of passing
//! is `P(score ≥ raw cut)`. The interval is the pass probability at the 10th and 90th percentiles
//! of `A` (exam noise only): it narrows as evidence accumulates. With no answers at all the
//! estimate rests on the prior alone and the interval spans nearly everything.

use crate::exam::ScoreScale;

/// Answers per domain that count: recent performance, not last month's.
pub const RECENT: usize = 40;
const Z_80: f64 = 1.281_551_565_5;

/// A domain's weight in the exam and the learner's recent credits there (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct DomainEvidence {
    pub domain: String,
    pub weight: u32,
    pub credits: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DomainEstimate {
    pub domain: String,
    /// Posterior mean ability, `[0, 1]`.
    pub mean: f64,
    /// Answers the estimate rests on (at most [`RECENT`]).
    pub answers: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    /// Probability of passing the real exam now.
    pub probability: f64,
    /// 80 % interval for that probability.
    pub low: f64,
    pub high: f64,
    /// Expected scaled score.
    pub expected_score: u32,
    pub domains: Vec<DomainEstimate>,
}

/// Standard normal CDF (Abramowitz & Stegun 7.1.26, error below 1.5e-7).
pub fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-z * z).exp();
    if x >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

fn pass_probability(mean: f64, variance: f64, cut: f64) -> f64 {
    if variance <= 0.0 {
        return if mean >= cut { 1.0 } else { 0.0 };
    }
    1.0 - normal_cdf((cut - mean) / variance.sqrt())
}

/// Readiness for an exam of `exam_questions` questions scored on `scale`.
pub fn estimate(evidence: &[DomainEvidence], scale: &ScoreScale, exam_questions: u32) -> Readiness {
    let total_weight: f64 = evidence
        .iter()
        .map(|d| f64::from(d.weight))
        .sum::<f64>()
        .max(1.0);
    let mut ability = 0.0;
    let mut ability_variance = 0.0;
    let (mut pooled_earned, mut pooled_answers) = (0.0, 0.0);
    let mut exam_variance = 0.0;
    let mut domains = vec![];
    for d in evidence {
        let recent = &d.credits[d.credits.len().saturating_sub(RECENT)..];
        let earned: f64 = recent.iter().map(|c| c.clamp(0.0, 1.0)).sum();
        let (a, b) = (1.0 + earned, 1.0 + recent.len() as f64 - earned);
        let mean = a / (a + b);
        let variance = a * b / ((a + b) * (a + b) * (a + b + 1.0));
        let w = f64::from(d.weight) / total_weight;
        let asked = (w * f64::from(exam_questions)).max(1.0);
        ability += w * mean;
        ability_variance += w * w * variance;
        pooled_earned += earned;
        pooled_answers += recent.len() as f64;
        exam_variance += w * w * mean * (1.0 - mean) / asked;
        domains.push(DomainEstimate {
            domain: d.domain.clone(),
            mean,
            answers: recent.len() as u32,
        });
    }
    let cut = scale.raw_cut;
    let (a, b) = (1.0 + pooled_earned, 1.0 + pooled_answers - pooled_earned);
    let ability_variance = ability_variance.max(a * b / ((a + b) * (a + b) * (a + b + 1.0)));
    let probability = pass_probability(ability, ability_variance + exam_variance, cut);
    let spread = Z_80 * ability_variance.sqrt();
    let low = pass_probability(ability - spread, exam_variance, cut);
    let high = pass_probability(ability + spread, exam_variance, cut);
    Readiness {
        probability,
        low: low.min(probability),
        high: high.max(probability),
        expected_score: scale.scale(ability),
        domains,
    }
}

/// A credit earned in a domain at a moment (milliseconds).
#[derive(Debug, Clone, PartialEq)]
pub struct TimedCredit {
    pub domain: String,
    pub credit: f64,
    pub at_ms: u64,
}

/// Readiness at the end of each UTC day of the `days` up to and including the one holding
/// `now_ms` (oldest first), each from the answers given by then, exactly as [`estimate`] reads
/// them now; a day before the learner's first answer is left out. `answers` oldest first; each
/// domain of `domains` (code, weight) in the exam's order.
pub fn history(
    domains: &[(String, u32)],
    answers: &[TimedCredit],
    scale: &ScoreScale,
    exam_questions: u32,
    now_ms: u64,
    days: u32,
) -> Vec<(u64, Readiness)> {
    const DAY_MS: u64 = crate::DAY_MS;
    let today = now_ms / DAY_MS * DAY_MS;
    let first = today.saturating_sub(u64::from(days.saturating_sub(1)) * DAY_MS);
    (0..u64::from(days))
        .map(|n| first + n * DAY_MS)
        .filter(|day| *day <= today)
        .filter_map(|day| {
            let cutoff = (day + DAY_MS).min(now_ms + 1);
            let given: Vec<&TimedCredit> = answers.iter().filter(|a| a.at_ms < cutoff).collect();
            if given.is_empty() {
                return None;
            }
            let evidence: Vec<DomainEvidence> = domains
                .iter()
                .map(|(code, weight)| DomainEvidence {
                    domain: code.clone(),
                    weight: *weight,
                    credits: given
                        .iter()
                        .filter(|a| &a.domain == code)
                        .map(|a| a.credit)
                        .collect(),
                })
                .collect();
            Some((day, estimate(&evidence, scale, exam_questions)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    const SECURITY_PLUS: &[(&str, u32)] = &[
        ("1.0", 12),
        ("2.0", 22),
        ("3.0", 18),
        ("4.0", 28),
        ("5.0", 20),
    ];

    fn scale() -> ScoreScale {
        ScoreScale::new(100, 900, 750, 0.75).unwrap()
    }

    /// A learner of true ability `theta` in every domain answering `per_domain` questions each.
    fn simulate(theta: f64, per_domain: usize, rng: &mut StdRng) -> Vec<DomainEvidence> {
        SECURITY_PLUS
            .iter()
            .map(|(code, weight)| DomainEvidence {
                domain: code.to_string(),
                weight: *weight,
                credits: (0..per_domain)
                    .map(|_| f64::from(u8::from(rng.random_bool(theta))))
                    .collect(),
            })
            .collect()
    }

    /// The learner sits the real 90-question exam; did they pass?
    fn sit_exam(theta: f64, rng: &mut StdRng) -> bool {
        let correct = (0..90).filter(|_| rng.random_bool(theta)).count();
        scale().passes(scale().scale(correct as f64 / 90.0))
    }

    #[test]
    fn the_normal_cdf_matches_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.644_854) - 0.05).abs() < 1e-6);
    }

    #[test]
    fn strong_learners_are_ready_and_weak_ones_are_not() {
        let mut rng = StdRng::seed_from_u64(1);
        let strong = estimate(&simulate(0.93, 40, &mut rng), &scale(), 90);
        assert!(strong.probability > 0.95, "{strong:?}");
        assert!(strong.expected_score > 800);
        let weak = estimate(&simulate(0.55, 40, &mut rng), &scale(), 90);
        assert!(weak.probability < 0.05, "{weak:?}");
        assert!(weak.low <= weak.probability && weak.probability <= weak.high);
    }

    #[test]
    fn more_evidence_narrows_the_interval() {
        let mut rng = StdRng::seed_from_u64(2);
        let few = estimate(&simulate(0.78, 4, &mut rng), &scale(), 90);
        let many = estimate(&simulate(0.78, 40, &mut rng), &scale(), 90);
        assert!(
            many.high - many.low < few.high - few.low,
            "few {few:?} many {many:?}"
        );
        let nothing = estimate(&simulate(0.5, 0, &mut rng), &scale(), 90);
        assert!(
            nothing.high - nothing.low > 0.5,
            "no answers, wide interval: {nothing:?}"
        );
    }

    #[test]
    fn predictions_are_calibrated_on_simulated_learners() {
        // 2,000 learners of known ability around the pass mark: within each band of predicted
        // probability, the share who then pass a simulated real exam matches the prediction.
        let mut rng = StdRng::seed_from_u64(3);
        let mut bands = [(0.0f64, 0.0f64, 0u32); 5];
        for _ in 0..2000 {
            let theta = rng.random_range(0.6..0.92);
            let prediction = estimate(&simulate(theta, 40, &mut rng), &scale(), 90).probability;
            let passed = sit_exam(theta, &mut rng);
            let band = ((prediction * 5.0) as usize).min(4);
            bands[band].0 += prediction;
            bands[band].1 += f64::from(u8::from(passed));
            bands[band].2 += 1;
        }
        for (predicted, passed, count) in bands {
            if count < 50 {
                continue;
            }
            let (predicted, observed) = (predicted / f64::from(count), passed / f64::from(count));
            assert!(
                (predicted - observed).abs() < 0.12,
                "predicted {predicted:.2}, observed {observed:.2} over {count}"
            );
        }
    }

    #[test]
    fn only_recent_answers_count() {
        let mut rng = StdRng::seed_from_u64(4);
        let mut evidence = simulate(0.9, 40, &mut rng);
        for domain in &mut evidence {
            let mut old_failures = vec![0.0; 100];
            old_failures.append(&mut domain.credits);
            domain.credits = old_failures;
        }
        let estimate = estimate(&evidence, &scale(), 90);
        assert!(estimate.domains.iter().all(|d| d.answers == RECENT as u32));
        assert!(
            estimate.probability > 0.5,
            "old failures no longer weigh: {estimate:?}"
        );
    }

    #[test]
    fn history_reads_each_day_from_the_answers_given_by_its_end_only() {
        let day = crate::DAY_MS;
        let now = 20 * day + 3_600_000;
        let domains: Vec<(String, u32)> = SECURITY_PLUS
            .iter()
            .map(|(c, w)| (c.to_string(), *w))
            .collect();
        let at = |d: u64, domain: &str, credit: f64| TimedCredit {
            domain: domain.into(),
            credit,
            at_ms: d * day + 1_000,
        };
        let answers = vec![
            at(15, "1.0", 1.0),
            at(15, "2.0", 0.0),
            at(17, "4.0", 1.0),
            at(20, "4.0", 1.0),
        ];
        let days = history(&domains, &answers, &scale(), 90, now, 7);
        let starts: Vec<u64> = days.iter().map(|(d, _)| d / day).collect();
        assert_eq!(
            starts,
            [15, 16, 17, 18, 19, 20],
            "nothing before the first answer"
        );
        let by_day_15 = domains
            .iter()
            .map(|(code, weight)| DomainEvidence {
                domain: code.clone(),
                weight: *weight,
                credits: match code.as_str() {
                    "1.0" => vec![1.0],
                    "2.0" => vec![0.0],
                    _ => vec![],
                },
            })
            .collect::<Vec<_>>();
        assert_eq!(days[0].1, estimate(&by_day_15, &scale(), 90));
        assert_eq!(
            days[0].1, days[1].1,
            "a day without answers keeps the estimate"
        );
        assert!(
            days[2].1.probability > days[1].1.probability,
            "a right answer on day 17"
        );
        assert_eq!(days[5].1.domains[3].answers, 2, "today counts up to now");
    }
}
