//! Where the app may send a browser after sign-in.

use crate::account::ValidationError;

/// A path on this site (`/exams/sy0-701?mode=mock`), never another origin: accepting any URL
/// would turn sign-in into an open redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnPath(String);

impl ReturnPath {
    pub const MAX_LEN: usize = 512;

    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let invalid = |reason: &str| ValidationError::new("return_to", reason);
        if value.chars().count() > Self::MAX_LEN {
            return Err(invalid("is too long"));
        }
        if !value.starts_with('/') {
            return Err(invalid("must be a path on this site, starting with /"));
        }
        // `//host` and `/\host` are read by browsers as another origin.
        if value.starts_with("//") || value.starts_with("/\\") {
            return Err(invalid("must be a path on this site, not another host"));
        }
        if value
            .chars()
            .any(|c| c.is_control() || c == '\\' || c.is_whitespace())
        {
            return Err(invalid(
                "must not contain spaces, backslashes or control characters",
            ));
        }
        Ok(Self(value.to_string()))
    }

    /// The home page, where sign-in lands without a `return_to`.
    pub fn home() -> Self {
        Self("/".to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_are_accepted_as_given() {
        for path in ["/", "/exams", "/exams/sy0-701?mode=mock#q3", "/account"] {
            assert_eq!(ReturnPath::parse(path).unwrap().as_str(), path);
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil.example",
            "javascript:alert(1)",
            "/exams\r\nSet-Cookie: x=y",
            "/a b",
            "",
        ] {
            assert!(ReturnPath::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(ReturnPath::parse(&format!("/{}", "a".repeat(600))).is_err());
    }
}
