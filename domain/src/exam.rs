//! An exam as its vendor rules it: length, time, score scale, pass mark, navigation, and its
//! domains with their weights.

use crate::account::{ExamCode, ValidationError};

pub use ptp_shared::Navigation;

/// A weighted exam domain ("2.0 Threats, Vulnerabilities, and Mitigations", 22 %).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainWeight {
    pub code: String,
    /// Percent of the exam; the domains of an exam add up to 100.
    pub weight: u32,
}

/// How a raw result (share of credit earned) becomes the vendor's scaled score.
///
/// Vendors scale non-linearly and publish only the pass mark. We map piecewise-linearly through
/// three anchors: no credit → the scale's minimum, the raw cut → the pass mark, full credit → the
/// maximum. The raw cut (the share of credit that passes) is an estimate per exam, 0.75 by
/// default, stated in the exam's seed file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreScale {
    pub min: u32,
    pub max: u32,
    pub pass: u32,
    pub raw_cut: f64,
}

impl ScoreScale {
    pub fn new(min: u32, max: u32, pass: u32, raw_cut: f64) -> Result<Self, ValidationError> {
        if !(min < pass && pass < max) {
            return Err(ValidationError::new(
                "passing_score",
                "must lie strictly between the scale's ends",
            ));
        }
        if !(raw_cut > 0.0 && raw_cut < 1.0) {
            return Err(ValidationError::new("raw_cut", "must be between 0 and 1"));
        }
        Ok(Self {
            min,
            max,
            pass,
            raw_cut,
        })
    }

    /// The scaled score for a raw share in `[0, 1]`, rounded to the nearest point.
    pub fn scale(&self, raw: f64) -> u32 {
        let raw = raw.clamp(0.0, 1.0);
        let (min, max, pass) = (
            f64::from(self.min),
            f64::from(self.max),
            f64::from(self.pass),
        );
        let scaled = if raw < self.raw_cut {
            min + raw / self.raw_cut * (pass - min)
        } else {
            pass + (raw - self.raw_cut) / (1.0 - self.raw_cut) * (max - pass)
        };
        (scaled.round() as u32).clamp(self.min, self.max)
    }

    pub fn passes(&self, scaled: u32) -> bool {
        scaled >= self.pass
    }
}

/// The rules a mock of this exam follows.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamRules {
    pub code: ExamCode,
    pub question_count: u32,
    pub minutes: u32,
    pub scale: ScoreScale,
    pub navigation: Navigation,
    pub domains: Vec<DomainWeight>,
}

impl ExamRules {
    /// Checks what the seed files and admins may get wrong: weights adding up to 100, a length
    /// and a duration.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.domains.is_empty() {
            return Err(ValidationError::new(
                "domains",
                "an exam has at least one domain",
            ));
        }
        let total: u32 = self.domains.iter().map(|d| d.weight).sum();
        if total != 100 {
            return Err(ValidationError::new(
                "domains",
                format!("weights add up to {total}, not 100"),
            ));
        }
        if self.question_count == 0 || self.minutes == 0 {
            return Err(ValidationError::new(
                "question_count",
                "an exam has questions and time",
            ));
        }
        Ok(())
    }

    /// Minutes for a mock of `count` questions: the real exam's pace, at least one minute.
    pub fn minutes_for(&self, count: u32) -> u32 {
        let scaled =
            (f64::from(self.minutes) * f64::from(count) / f64::from(self.question_count)).round();
        (scaled as u32).max(1)
    }

    /// Seconds the real exam allows per question, the yardstick for "slow" answers.
    pub fn seconds_per_question(&self) -> f64 {
        f64::from(self.minutes) * 60.0 / f64::from(self.question_count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn security_plus() -> ScoreScale {
        ScoreScale::new(100, 900, 750, 0.75).unwrap()
    }

    #[test]
    fn the_scale_passes_through_its_three_anchors() {
        let scale = security_plus();
        assert_eq!(scale.scale(0.0), 100);
        assert_eq!(scale.scale(0.75), 750);
        assert_eq!(scale.scale(1.0), 900);
        assert!(scale.passes(scale.scale(0.75)));
        assert!(!scale.passes(scale.scale(0.74)));
        assert_eq!(scale.scale(-3.0), 100);
        assert_eq!(scale.scale(7.0), 900);
    }

    #[test]
    fn scaled_scores_never_decrease_as_raw_results_improve() {
        let scale = ScoreScale::new(300, 1000, 825, 0.8).unwrap();
        let mut last = 0;
        for step in 0..=1000 {
            let scaled = scale.scale(f64::from(step) / 1000.0);
            assert!(scaled >= last && (300..=1000).contains(&scaled));
            last = scaled;
        }
    }

    #[test]
    fn a_scale_must_have_its_pass_mark_inside() {
        assert!(ScoreScale::new(100, 900, 900, 0.75).is_err());
        assert!(ScoreScale::new(100, 900, 750, 1.0).is_err());
    }

    #[test]
    fn custom_length_mocks_keep_the_real_pace() {
        let rules = ExamRules {
            code: ExamCode::parse("SY0-701").unwrap(),
            question_count: 90,
            minutes: 90,
            scale: security_plus(),
            navigation: Navigation::ReviewAllowed,
            domains: vec![DomainWeight {
                code: "1.0".into(),
                weight: 100,
            }],
        };
        assert_eq!(rules.minutes_for(90), 90);
        assert_eq!(rules.minutes_for(10), 10);
        assert_eq!(rules.minutes_for(1), 1);
        assert_eq!(rules.seconds_per_question(), 60.0);
        assert!(rules.validate().is_ok());
        let mut bad = rules.clone();
        bad.domains[0].weight = 90;
        assert!(bad.validate().is_err());
    }
}
