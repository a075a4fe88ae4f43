//! A question file read within its bounds and written back: the seed's TOML or the same shape
//! as JSON, refused over [`MAX_FILE_BYTES`] before parsing and cut off past [`MAX_QUESTIONS`].

use std::fmt;

use ptp_shared::bank::{BankFormat, QuestionFile, QuestionSeed};
use serde::Deserialize;
use serde::de::{SeqAccess, Visitor};

/// The largest file read at all; a bigger one is refused before a byte is parsed.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The most questions one file may hold; reading stops at the first one over.
pub const MAX_QUESTIONS: usize = 5_000;

/// Why a file could not be read as questions at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is {0} bytes; the most an import takes is {MAX_FILE_BYTES}")]
    TooLarge(usize),
    #[error("{0}")]
    Malformed(String),
}

/// The file as read: its list bounded while it is parsed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundedFile {
    #[serde(deserialize_with = "bounded")]
    questions: Vec<QuestionSeed>,
}

fn bounded<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<QuestionSeed>, D::Error> {
    struct Bounded;
    impl<'de> Visitor<'de> for Bounded {
        type Value = Vec<QuestionSeed>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a list of at most {MAX_QUESTIONS} questions")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut questions = Vec::new();
            while let Some(question) = seq.next_element()? {
                if questions.len() == MAX_QUESTIONS {
                    return Err(serde::de::Error::custom(format!(
                        "more than {MAX_QUESTIONS} questions; split the file"
                    )));
                }
                questions.push(question);
            }
            Ok(questions)
        }
    }
    d.deserialize_seq(Bounded)
}

/// Reads a question file, refusing one over [`MAX_FILE_BYTES`] before parsing it.
pub fn parse(format: BankFormat, bytes: &[u8]) -> Result<QuestionFile, FileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge(bytes.len()));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|err| FileError::Malformed(format!("the file is not UTF-8: {err}")))?;
    let file: BoundedFile = match format {
        BankFormat::Toml => toml::from_str(text).map_err(|err| err.to_string()),
        BankFormat::Json => serde_json::from_str(text).map_err(|err| err.to_string()),
    }
    .map_err(FileError::Malformed)?;
    Ok(QuestionFile {
        questions: file.questions,
    })
}

/// The file in `format`, as [`parse`] reads it back.
pub fn write(format: BankFormat, file: &QuestionFile) -> String {
    match format {
        BankFormat::Toml => toml::to_string_pretty(file).expect("a question file is TOML"),
        BankFormat::Json => serde_json::to_string_pretty(file).expect("a question file is JSON"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::tests::seed;

    #[test]
    fn a_file_round_trips_through_both_formats() {
        let file = QuestionFile {
            questions: vec![seed("ab-123-1.0-001", "Which port?\n\nPick one.")],
        };
        for format in [BankFormat::Toml, BankFormat::Json] {
            let text = write(format, &file);
            assert_eq!(parse(format, text.as_bytes()).unwrap(), file, "{format:?}");
        }
    }

    #[test]
    fn an_oversize_file_is_refused_before_parsing() {
        let bytes = vec![b'#'; MAX_FILE_BYTES + 1];
        assert_eq!(
            parse(BankFormat::Toml, &bytes),
            Err(FileError::TooLarge(MAX_FILE_BYTES + 1))
        );
    }

    #[test]
    fn more_than_the_most_questions_is_refused() {
        let one = r#"{"id":"x","domain":"1","kind":"single","stem":"s","choices":[],"key":[],"explanation":"e","references":[]}"#;
        let many = vec![one; MAX_QUESTIONS + 1].join(",");
        let json = format!(r#"{{"questions":[{many}]}}"#);
        let refused = parse(BankFormat::Json, json.as_bytes()).unwrap_err();
        assert!(
            refused.to_string().contains("more than 5000 questions"),
            "{refused}"
        );
        let json = format!(
            r#"{{"questions":[{}]}}"#,
            vec![one; MAX_QUESTIONS].join(",")
        );
        assert_eq!(
            parse(BankFormat::Json, json.as_bytes())
                .unwrap()
                .questions
                .len(),
            MAX_QUESTIONS
        );
    }

    #[test]
    fn unknown_fields_and_bad_syntax_are_malformed() {
        let extra = r#"{"questions":[],"extra":1}"#;
        assert!(matches!(
            parse(BankFormat::Json, extra.as_bytes()),
            Err(FileError::Malformed(_))
        ));
        assert!(matches!(
            parse(BankFormat::Toml, b"[[questions]\n"),
            Err(FileError::Malformed(_))
        ));
    }
}
