//! A question file against the bank: read within its bounds, each question held to the rules
//! every question keeps, and compared with what is stored to say what an import would do.
//! `cargo xtask seed` and the console's import both read and check files here.

use std::collections::BTreeMap;

use ptp_shared::bank::{ChoiceSeed, QuestionSeed};

use crate::QuestionId;
use crate::account::ValidationError;
use crate::content::{Content, Draft, same_text};
use crate::question::QuestionKind;

mod file;
mod plan;
pub mod quality;

pub use file::{FileError, MAX_FILE_BYTES, MAX_QUESTIONS, parse, write};
pub use plan::{Importer, Step, Stored, differences, step};

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
        objective: None,
        difficulty: None,
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
            if let Some(other) = stems.insert(same_text(&q.stem), &q.id) {
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const EXAM: &str = "AB-123";

    pub(super) fn seed(id: &str, stem: &str) -> QuestionSeed {
        QuestionSeed {
            id: id.into(),
            domain: "1.0".into(),
            objective: None,
            difficulty: None,
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
