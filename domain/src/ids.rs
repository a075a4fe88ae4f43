//! Typed identifiers, so a user's id cannot be passed where a session's is wanted. Ids we issue
//! are 22 URL-safe characters; seed question ids read like `sy0-701-2.0-012`. An id from outside
//! is parsed at the edge: one that no row could have is refused before any query.

use std::fmt;

use crate::account::ValidationError;

/// The longest id any row holds or a request may name.
pub const MAX_ID_CHARS: usize = 64;

macro_rules! id_types {
    ($($(#[$doc:meta])* $name:ident => $field:literal;)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// An id from a request: 1–64 of `A–Z a–z 0–9 . _ -`.
            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                if is_id(raw) {
                    Ok(Self(raw.to_string()))
                } else {
                    Err(ValidationError::new(
                        $field,
                        format!("an id is 1 to {MAX_ID_CHARS} letters, digits, dots, underscores or hyphens"),
                    ))
                }
            }

            /// An id we issued or read back from our own rows and signed tokens.
            pub fn trusted(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )+};
}

id_types! {
    /// A learner, guest or member.
    UserId => "user";
    /// A practice or mock session.
    SessionId => "session";
    /// A question of the bank.
    QuestionId => "question";
    /// A learner's report about a question.
    ReportId => "report";
    /// An API key (its public id, never the secret).
    KeyId => "key";
}

fn is_id(raw: &str) -> bool {
    (1..=MAX_ID_CHARS).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_and_seed_ids_parse_and_keep_their_text() {
        assert_eq!(
            SessionId::parse("q3Zp-1_xYk9sLmN0aBcDeF").unwrap().as_str(),
            "q3Zp-1_xYk9sLmN0aBcDeF"
        );
        assert_eq!(
            QuestionId::parse("sy0-701-2.0-012").unwrap().to_string(),
            "sy0-701-2.0-012"
        );
    }

    #[test]
    fn an_id_no_row_could_have_is_refused_with_its_field() {
        for raw in [
            "",
            "a b",
            "../etc",
            "a/b",
            "é",
            &"x".repeat(MAX_ID_CHARS + 1),
        ] {
            let err = SessionId::parse(raw).unwrap_err();
            assert_eq!(err.field, "session", "{raw:?}");
        }
        assert_eq!(QuestionId::parse("").unwrap_err().field, "question");
        assert!(UserId::parse(&"x".repeat(MAX_ID_CHARS)).is_ok());
    }
}
