//! What a learner may set on their account, validated once at the edge.

use std::fmt;

/// Input that breaks a rule: which field, and why, in words a learner can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    pub field: &'static str,
    pub reason: String,
}

impl From<ptp_shared::names::UnknownName> for ValidationError {
    fn from(unknown: ptp_shared::names::UnknownName) -> Self {
        ValidationError::new(unknown.field, format!("must be {}", unknown.expected))
    }
}

impl ValidationError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// Trimmed text of 1..=max characters.
pub(crate) fn bounded_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    let length = trimmed.chars().count();
    if length > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters (got {length})"),
        ));
    }
    Ok(trimmed.to_string())
}

/// Trimmed text of 1..=max characters with no control characters (one line).
fn short_text(field: &'static str, value: &str, max: usize) -> Result<String, ValidationError> {
    let trimmed = bounded_text(field, value, max)?;
    if trimmed.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed)
}

/// The name shown in the app instead of the one from Google.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        short_text("display_name", value, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many questions a learner aims to answer per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyGoal(u16);

impl DailyGoal {
    pub const MIN: u16 = 1;
    pub const MAX: u16 = 500;
    pub const DEFAULT: DailyGoal = DailyGoal(20);

    pub fn new(value: u16) -> Result<Self, ValidationError> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(ValidationError::new(
                "daily_goal",
                format!("must be between {} and {}", Self::MIN, Self::MAX),
            ))
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

/// A certification exam's code as vendors print it: `SY0-701`, `SAA-C03`, `200-301`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExamCode(String);

impl ExamCode {
    /// Case-insensitive on input, stored upper-case.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let code = value.trim().to_ascii_uppercase();
        let shape_ok = (3..=20).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && !code.starts_with('-')
            && !code.ends_with('-');
        if shape_ok {
            Ok(Self(code))
        } else {
            Err(ValidationError::new(
                "exam",
                "must be an exam code such as SY0-701 (letters, digits and hyphens)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A label the owner gives an API key ("CI pipeline", "Anki sync").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyName(String);

impl ApiKeyName {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        short_text("name", value, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ApiKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Ada Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
        assert_eq!(
            DisplayName::parse(&"é".repeat(60))
                .unwrap()
                .as_str()
                .chars()
                .count(),
            60
        );
        let too_long = DisplayName::parse(&"x".repeat(61)).unwrap_err();
        assert_eq!(too_long.field, "display_name");
        assert!(too_long.reason.contains("at most 60"));
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("Ada\u{7}").is_err());
    }

    #[test]
    fn daily_goals_stay_in_range() {
        assert_eq!(DailyGoal::new(1).unwrap().get(), 1);
        assert_eq!(DailyGoal::new(500).unwrap().get(), 500);
        assert!(DailyGoal::new(0).is_err());
        assert!(DailyGoal::new(501).is_err());
    }

    #[test]
    fn exam_codes_are_normalised_to_upper_case() {
        assert_eq!(ExamCode::parse(" sy0-701 ").unwrap().as_str(), "SY0-701");
        assert_eq!(ExamCode::parse("200-301").unwrap().as_str(), "200-301");
        for bad in ["", "AB", "-SY0", "SY0 701", "SY0_701", &"A".repeat(21)] {
            assert!(ExamCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn api_key_names_follow_the_same_rules() {
        assert_eq!(ApiKeyName::parse(" CI ").unwrap().to_string(), "CI");
        assert_eq!(ApiKeyName::parse("").unwrap_err().field, "name");
    }
}
