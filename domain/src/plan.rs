//! What a request to start a session may ask for, given the exam's rules: a pure decision,
//! so `sessions::start` is load → plan → draw → store → view.

use ptp_shared::limits::{MAX_DOMAINS, PRACTICE_DEFAULT, PRACTICE_MAX};

use crate::account::ValidationError;
use crate::exam::ExamRules;
use crate::session::Mode;
pub use ptp_shared::Filter;

/// The learner's request, as sent.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub mode: Mode,
    pub count: Option<u32>,
    pub domains: Option<&'a [String]>,
    pub filter: Option<Filter>,
}

/// A session to draw: how many questions, from where, and (mocks) how long it lasts.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub mode: Mode,
    pub count: u32,
    /// Practice only; a mock draws from every question.
    pub filter: Filter,
    /// Practice only: the domains named, all of them the exam's.
    pub domains: Option<Vec<String>>,
    /// Mocks only: the time allowed, scaled to the count at the real exam's pace.
    pub minutes: Option<u32>,
}

impl Request<'_> {
    /// What can be refused before the exam is loaded (so a refusal costs no database work).
    pub fn check_shape(&self) -> Result<(), ValidationError> {
        if self.mode == Mode::Mock && (self.domains.is_some() || self.filter.is_some()) {
            return Err(ValidationError::new(
                "mode",
                "a mock draws from every domain by weight: leave out domains and filter",
            ));
        }
        match self.domains {
            Some([]) => Err(ValidationError::new(
                "domains",
                "name at least one domain, or leave it out",
            )),
            Some(domains) if domains.len() > MAX_DOMAINS => Err(ValidationError::new(
                "domains",
                format!("name at most {MAX_DOMAINS} domains (no exam has more)"),
            )),
            _ => Ok(()),
        }
    }

    /// The session to draw from an exam with these rules.
    pub fn plan(&self, rules: &ExamRules) -> Result<Plan, ValidationError> {
        self.check_shape()?;
        if let Some(unknown) = self
            .domains
            .into_iter()
            .flatten()
            .find(|d| !rules.domains.iter().any(|known| &known.code == *d))
        {
            return Err(ValidationError::new(
                "domains",
                format!("{unknown:?} is not a domain of {}", rules.code.as_str()),
            ));
        }
        match self.mode {
            Mode::Practice => {
                let count = self.count.unwrap_or(PRACTICE_DEFAULT);
                if !(1..=PRACTICE_MAX).contains(&count) {
                    return Err(ValidationError::new(
                        "count",
                        format!("practice takes 1 to {PRACTICE_MAX} questions"),
                    ));
                }
                Ok(Plan {
                    mode: Mode::Practice,
                    count,
                    filter: self.filter.unwrap_or_default(),
                    domains: self.domains.map(<[String]>::to_vec),
                    minutes: None,
                })
            }
            Mode::Mock => {
                let count = self.count.unwrap_or(rules.question_count);
                if !(1..=rules.question_count).contains(&count) {
                    return Err(ValidationError::new(
                        "count",
                        format!("a mock takes 1 to {} questions", rules.question_count),
                    ));
                }
                Ok(Plan {
                    mode: Mode::Mock,
                    count,
                    filter: Filter::All,
                    domains: None,
                    minutes: Some(rules.minutes_for(count)),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ExamCode;
    use crate::exam::{DomainWeight, Navigation, ScoreScale};

    fn rules() -> ExamRules {
        ExamRules {
            code: ExamCode::parse("SY0-701").unwrap(),
            question_count: 90,
            minutes: 90,
            scale: ScoreScale::new(100, 900, 750, 0.75).unwrap(),
            navigation: Navigation::ReviewAllowed,
            domains: ["1.0", "2.0"]
                .iter()
                .map(|code| DomainWeight {
                    code: code.to_string(),
                    weight: 50,
                })
                .collect(),
        }
    }

    fn request(mode: Mode) -> Request<'static> {
        Request {
            mode,
            count: None,
            domains: None,
            filter: None,
        }
    }

    #[test]
    fn practice_defaults_to_ten_and_takes_one_to_fifty() {
        let plan = request(Mode::Practice).plan(&rules()).unwrap();
        assert_eq!(
            (plan.count, plan.filter, plan.minutes),
            (10, Filter::All, None)
        );
        for (count, ok) in [(0, false), (1, true), (50, true), (51, false)] {
            let asked = Request {
                count: Some(count),
                ..request(Mode::Practice)
            };
            assert_eq!(asked.plan(&rules()).is_ok(), ok, "{count}");
        }
    }

    #[test]
    fn a_mock_is_the_exams_length_and_time_unless_shortened_at_the_same_pace() {
        let full = request(Mode::Mock).plan(&rules()).unwrap();
        assert_eq!((full.count, full.minutes), (90, Some(90)));
        let short = Request {
            count: Some(30),
            ..request(Mode::Mock)
        };
        assert_eq!(short.plan(&rules()).unwrap().minutes, Some(30));
        let long = Request {
            count: Some(91),
            ..request(Mode::Mock)
        };
        assert_eq!(long.plan(&rules()).unwrap_err().field, "count");
    }

    #[test]
    fn a_mock_takes_no_filter_or_domains_and_practice_only_known_domains() {
        let due = Request {
            filter: Some(Filter::Due),
            ..request(Mode::Mock)
        };
        assert_eq!(due.check_shape().unwrap_err().field, "mode");
        let unknown = ["9.0".to_string()];
        let practice = Request {
            domains: Some(&unknown),
            ..request(Mode::Practice)
        };
        assert!(practice.check_shape().is_ok());
        assert_eq!(practice.plan(&rules()).unwrap_err().field, "domains");
        let many: Vec<String> = (0..17).map(|i| format!("{i}.0")).collect();
        let too_many = Request {
            domains: Some(&many),
            ..request(Mode::Practice)
        };
        assert_eq!(too_many.check_shape().unwrap_err().field, "domains");
        let none: [String; 0] = [];
        let empty = Request {
            domains: Some(&none),
            ..request(Mode::Practice)
        };
        assert_eq!(empty.check_shape().unwrap_err().field, "domains");
    }
}
