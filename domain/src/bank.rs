//! A question file against the bank: read within its bounds, each question held to the rules
//! every question keeps, and compared with what is stored to say what an import would do.
//! `cargo xtask seed` and the console's import both read and check files here.

use std::collections::BTreeMap;
use std::fmt;

use ptp_shared::bank::{BankFormat, ChoiceSeed, QuestionFile, QuestionSeed};
use serde::Deserialize;
use serde::de::{SeqAccess, Visitor};

use crate::QuestionId;
use crate::account::ValidationError;
use crate::content::{Content, Draft};
use crate::question::QuestionKind;

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

/// A question of a file that keeps every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub id: QuestionId,
    pub domain: String,
    pub content: Content,
}

/// The question as a file holds it.
pub fn seed_of(id: &str, domain: &str, content: &Content) -> QuestionSeed {
    QuestionSeed {
        id: id.to_string(),
        domain: domain.to_string(),
        kind: content.kind.as_str().to_string(),
        stem: content.stem.clone(),
        choices: content
            .choices
            .iter()
            .enumerate()
            .map(|(index, text)| ChoiceSeed {
                id: char::from(b'a' + index as u8).to_string(),
                text: text.clone(),
            })
            .collect(),
        key: content.key.clone(),
        explanation: content.explanation.clone(),
        references: content.references.clone(),
    }
}

fn normalized(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each question of `exam` (one of `domains`) held to the rules, in file order: the content's
/// (see [`Content::check`]), ids that are well formed, start `<exam>-<domain>-` and appear once,
/// choice ids `a, b, …` in order, and a stem no other question of the file has.
pub fn check(
    exam: &str,
    domains: &[&str],
    questions: &[QuestionSeed],
) -> Vec<Result<Checked, Vec<ValidationError>>> {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut stems: BTreeMap<String, &str> = BTreeMap::new();
    questions
        .iter()
        .enumerate()
        .map(|(position, q)| {
            let mut problems = vec![];
            let id = QuestionId::parse(&q.id)
                .map_err(|err| problems.push(ValidationError::new("id", err.reason)))
                .ok();
            if let Some(first) = ids.insert(&q.id, position + 1) {
                ids.insert(&q.id, first);
                problems.push(ValidationError::new(
                    "id",
                    format!("question {first} of the file has this id too"),
                ));
            }
            let prefix = format!("{}-{}-", exam.to_ascii_lowercase(), q.domain);
            if !q.id.starts_with(&prefix) {
                problems.push(ValidationError::new(
                    "id",
                    format!("ids of this exam and domain start with {prefix}"),
                ));
            }
            if !domains.contains(&q.domain.as_str()) {
                problems.push(ValidationError::new(
                    "domain",
                    format!("must be one of {exam}'s: {}", domains.join(", ")),
                ));
            }
            if let Some(other) = stems.insert(normalized(&q.stem), &q.id) {
                problems.push(ValidationError::new(
                    "stem",
                    format!("{other} has the same stem"),
                ));
            }
            if let Some((index, choice)) =
                q.choices.iter().enumerate().find(|(index, choice)| {
                    choice.id != char::from(b'a' + *index as u8).to_string()
                })
            {
                problems.push(ValidationError::new(
                    "choices",
                    format!(
                        "choice {} is {:?}; choices are a, b, … in order",
                        index + 1,
                        choice.id
                    ),
                ));
            }
            let content = match QuestionKind::parse(&q.kind) {
                Ok(kind) => {
                    let choices: Vec<String> = q.choices.iter().map(|c| c.text.clone()).collect();
                    Content::check(Draft {
                        kind,
                        stem: &q.stem,
                        choices: &choices,
                        key: &q.key,
                        explanation: &q.explanation,
                        references: &q.references,
                    })
                    .map_err(|found| problems.extend(found))
                    .ok()
                }
                Err(_) => {
                    problems.push(ValidationError::new(
                        "kind",
                        format!("{:?} is not single, multi or ordering", q.kind),
                    ));
                    None
                }
            };
            match (id, content) {
                (Some(id), Some(content)) if problems.is_empty() => Ok(Checked {
                    id,
                    domain: q.domain.clone(),
                    content,
                }),
                _ => Err(problems),
            }
        })
        .collect()
}

/// A question as the bank holds it now.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub version: u32,
    pub domain: String,
    pub content: Content,
    /// Still as the seed wrote it: no admin has saved it since.
    pub seeded: bool,
}

/// Who imports, which decides what happens to a question an admin has corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importer {
    /// `cargo xtask seed`: never undoes an admin's correction.
    Seed,
    /// An admin's import: their file wins, as a new version.
    Console,
}

/// What an import does with one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Create,
    /// A new version after `base`, differing in `fields`.
    Change {
        base: u32,
        fields: Vec<&'static str>,
    },
    Unchanged,
    /// Differs, but an admin corrected it since it was seeded: the seed leaves it alone.
    Kept,
}

/// The fields in which two versions of a question differ.
pub fn differences(domain: &str, content: &Content, stored: &Stored) -> Vec<&'static str> {
    let (was, is) = (&stored.content, content);
    [
        ("domain", stored.domain != domain),
        ("kind", was.kind != is.kind),
        ("stem", was.stem != is.stem),
        ("choices", was.choices != is.choices),
        ("key", was.key != is.key),
        ("explanation", was.explanation != is.explanation),
        ("references", was.references != is.references),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}

pub fn step(importer: Importer, question: &Checked, stored: Option<&Stored>) -> Step {
    let Some(stored) = stored else {
        return Step::Create;
    };
    let fields = differences(&question.domain, &question.content, stored);
    if fields.is_empty() {
        Step::Unchanged
    } else if importer == Importer::Seed && !stored.seeded {
        Step::Kept
    } else {
        Step::Change {
            base: stored.version,
            fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAM: &str = "AB-123";

    fn seed(id: &str, stem: &str) -> QuestionSeed {
        QuestionSeed {
            id: id.into(),
            domain: "1.0".into(),
            kind: "single".into(),
            stem: stem.into(),
            choices: ["80", "443", "22"]
                .iter()
                .enumerate()
                .map(|(i, text)| ChoiceSeed {
                    id: char::from(b'a' + i as u8).to_string(),
                    text: text.to_string(),
                })
                .collect(),
            key: vec!["b".into()],
            explanation: "**A** is HTTP. **B** is HTTPS. **C** is SSH.".into(),
            references: vec!["RFC 9110".into()],
        }
    }

    fn fields(result: &Result<Checked, Vec<ValidationError>>) -> Vec<&'static str> {
        match result {
            Ok(_) => vec![],
            Err(problems) => problems.iter().map(|p| p.field).collect(),
        }
    }

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

    #[test]
    fn each_question_is_checked_with_every_problem_named() {
        let mut wrong = seed("ab-123-2.0-002", "Which port?");
        wrong.kind = "essay".into();
        wrong.domain = "9.0".into();
        let mut unkeyed = seed("ab-123-1.0-003", "Which other port?");
        unkeyed.key = vec!["z".into()];
        let questions = [seed("ab-123-1.0-001", "Which port?"), wrong, unkeyed];
        let results = check(EXAM, &["1.0", "2.0"], &questions);
        assert!(results[0].is_ok());
        assert_eq!(fields(&results[1]), ["id", "domain", "stem", "kind"]);
        assert_eq!(fields(&results[2]), ["key"]);
    }

    #[test]
    fn an_id_twice_is_refused_at_its_second_place() {
        let questions = [
            seed("ab-123-1.0-001", "Which port?"),
            seed("ab-123-1.0-001", "Which other port?"),
        ];
        let results = check(EXAM, &["1.0"], &questions);
        assert!(results[0].is_ok());
        let Err(problems) = &results[1] else {
            panic!("refused")
        };
        assert_eq!(problems[0].reason, "question 1 of the file has this id too");
    }

    fn stored(question: &Checked, seeded: bool) -> Stored {
        Stored {
            version: 3,
            domain: question.domain.clone(),
            content: question.content.clone(),
            seeded,
        }
    }

    #[test]
    fn the_step_depends_on_what_is_stored_and_who_imports() {
        let checked = check(EXAM, &["1.0"], &[seed("ab-123-1.0-001", "Which port?")])
            .remove(0)
            .unwrap();
        assert_eq!(step(Importer::Console, &checked, None), Step::Create);
        let same = stored(&checked, false);
        assert_eq!(
            step(Importer::Console, &checked, Some(&same)),
            Step::Unchanged
        );
        let mut edited = stored(&checked, false);
        edited.content.stem = "Which port, again?".into();
        edited.domain = "2.0".into();
        assert_eq!(
            step(Importer::Console, &checked, Some(&edited)),
            Step::Change {
                base: 3,
                fields: vec!["domain", "stem"]
            }
        );
        assert_eq!(step(Importer::Seed, &checked, Some(&edited)), Step::Kept);
        edited.seeded = true;
        assert!(matches!(
            step(Importer::Seed, &checked, Some(&edited)),
            Step::Change { .. }
        ));
    }

    #[test]
    fn a_stored_question_exports_as_it_was_imported() {
        let original = seed("ab-123-1.0-001", "Which port?");
        let checked = check(EXAM, &["1.0"], std::slice::from_ref(&original))
            .remove(0)
            .unwrap();
        assert_eq!(
            seed_of(checked.id.as_str(), &checked.domain, &checked.content),
            original
        );
    }
}
