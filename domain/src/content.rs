//! What every published question must be, in one place: the seed loader, an admin's correction
//! and whatever comes later (authoring, import, AI drafts) parse a question's content here, so
//! none of them can publish what another would refuse.

use crate::account::{ValidationError, bounded_text as text};
use crate::markdown;
use crate::question::{AnswerKey, QuestionKind};

pub const MAX_STEM_CHARS: usize = 4_000;
pub const MAX_CHOICE_CHARS: usize = 500;
pub const MAX_EXPLANATION_CHARS: usize = 6_000;
pub const MAX_REFERENCES: usize = 10;
pub const MAX_REFERENCE_CHARS: usize = 500;

/// A question's content as submitted: choice texts in order (ids `a`, `b`, … by position).
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub kind: QuestionKind,
    pub stem: &'a str,
    pub choices: &'a [String],
    pub key: &'a [String],
    pub explanation: &'a str,
    pub references: &'a [String],
}

/// Content that keeps every rule; texts trimmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub kind: QuestionKind,
    pub stem: String,
    pub choices: Vec<String>,
    pub key: Vec<String>,
    pub explanation: String,
    pub references: Vec<String>,
}

/// A question's Markdown rendered to the HTML learners see (see [`crate::markdown`]): made once,
/// when the content is stored, and stored beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub stem: String,
    pub choices: Vec<String>,
    pub explanation: String,
    pub references: Vec<String>,
}

impl Content {
    pub fn render(&self) -> Rendered {
        Rendered {
            stem: markdown::to_html(&self.stem),
            choices: self
                .choices
                .iter()
                .map(|c| markdown::to_inline_html(c))
                .collect(),
            explanation: markdown::to_html(&self.explanation),
            references: self
                .references
                .iter()
                .map(|r| markdown::to_inline_html(r))
                .collect(),
        }
    }

    /// The rules: a stem, 2–6 distinct non-empty choices, none of them "all/none of the above",
    /// a key of the kind's arity drawn from the choices, an explanation that (except for
    /// ordering) discusses every choice as `**A**`, `**B**`, …, and 1–10 references; every text
    /// bounded. The first rule broken; [`Content::check`] lists them all.
    pub fn parse(draft: Draft<'_>) -> Result<Self, ValidationError> {
        Self::check(draft).map_err(|mut problems| problems.remove(0))
    }

    /// Every rule the draft breaks, at most one per field, in field order (never empty on `Err`).
    pub fn check(draft: Draft<'_>) -> Result<Self, Vec<ValidationError>> {
        let mut problems = vec![];
        let stem = kept(&mut problems, text("stem", draft.stem, MAX_STEM_CHARS));
        let choices = kept(&mut problems, choices(draft.choices));
        let key: Vec<&str> = draft.key.iter().map(|id| id.trim()).collect();
        let answer = kept(
            &mut problems,
            AnswerKey::new(draft.kind, draft.choices.len(), &key),
        );
        let explanation = kept(
            &mut problems,
            explanation(draft.kind, draft.explanation, draft.choices.len()),
        );
        let references = kept(&mut problems, references(draft.references));
        match (stem, choices, answer, explanation, references) {
            (Some(stem), Some(choices), Some(_), Some(explanation), Some(references)) => Ok(Self {
                kind: draft.kind,
                stem,
                choices,
                key: key.into_iter().map(str::to_string).collect(),
                explanation,
                references,
            }),
            _ => Err(problems),
        }
    }
}

/// The value, or `None` with its problem noted.
fn kept<T>(problems: &mut Vec<ValidationError>, result: Result<T, ValidationError>) -> Option<T> {
    result.map_err(|problem| problems.push(problem)).ok()
}

fn choices(raw: &[String]) -> Result<Vec<String>, ValidationError> {
    let choices = raw
        .iter()
        .map(|choice| text("choices", choice, MAX_CHOICE_CHARS))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(catch_all) = choices.iter().find(|choice| {
        let lower = choice.to_lowercase();
        lower.contains("all of the above") || lower.contains("none of the above")
    }) {
        return Err(ValidationError::new(
            "choices",
            format!("{catch_all:?}: every choice must stand on its own"),
        ));
    }
    let normalized: Vec<String> = choices.iter().map(|choice| same_text(choice)).collect();
    for (later, choice) in normalized.iter().enumerate() {
        if let Some(earlier) = normalized[..later].iter().position(|other| other == choice) {
            let label = |index: usize| char::from(b'A' + index as u8);
            return Err(ValidationError::new(
                "choices",
                format!(
                    "{} and {} are the same choice",
                    label(earlier),
                    label(later)
                ),
            ));
        }
    }
    Ok(choices)
}

/// Text as two copies of it compare equal: lowercase, runs of whitespace as one space.
pub fn same_text(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn explanation(kind: QuestionKind, raw: &str, choices: usize) -> Result<String, ValidationError> {
    let explanation = text("explanation", raw, MAX_EXPLANATION_CHARS)?;
    if kind != QuestionKind::Ordering {
        let labels = (b'A'..).take(choices).map(char::from);
        if let Some(missing) = labels
            .map(|label| format!("**{label}**"))
            .find(|label| !explanation.contains(label.as_str()))
        {
            return Err(ValidationError::new(
                "explanation",
                format!("must discuss every choice; {missing} is missing"),
            ));
        }
    }
    Ok(explanation)
}

fn references(raw: &[String]) -> Result<Vec<String>, ValidationError> {
    if raw.is_empty() || raw.len() > MAX_REFERENCES {
        return Err(ValidationError::new(
            "references",
            format!("1 to {MAX_REFERENCES} references to vendor documentation"),
        ));
    }
    raw.iter()
        .map(|reference| text("references", reference, MAX_REFERENCE_CHARS))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn parse(
        kind: QuestionKind,
        choices: &[&str],
        key: &[&str],
        explanation: &str,
        references: &[&str],
    ) -> Result<Content, ValidationError> {
        Content::parse(Draft {
            kind,
            stem: "  Which port does HTTPS use?  ",
            choices: &strings(choices),
            key: &strings(key),
            explanation,
            references: &strings(references),
        })
    }

    const EXPLAINED: &str = "**A** is HTTP. **B** is right. **C** is SSH.";

    #[test]
    fn a_well_formed_question_is_kept_trimmed() {
        let content = parse(
            QuestionKind::Single,
            &["80", " 443 ", "22"],
            &["b"],
            EXPLAINED,
            &["RFC 9110"],
        )
        .unwrap();
        assert_eq!(content.stem, "Which port does HTTPS use?");
        assert_eq!(content.choices[1], "443");
        assert_eq!(content.key, vec!["b"]);
    }

    #[test]
    fn each_rule_names_its_field() {
        let field = |result: Result<Content, ValidationError>| result.unwrap_err().field;
        let single = QuestionKind::Single;
        assert_eq!(
            field(parse(
                single,
                &["80", "443", "22"],
                &["d"],
                EXPLAINED,
                &["r"]
            )),
            "key"
        );
        assert_eq!(
            field(parse(
                single,
                &["80", "443", "22"],
                &["a", "b"],
                EXPLAINED,
                &["r"]
            )),
            "key"
        );
        assert_eq!(
            field(parse(single, &["80", " ", "22"], &["a"], EXPLAINED, &["r"])),
            "choices"
        );
        assert_eq!(
            field(parse(
                single,
                &["80", "443", "All of the above"],
                &["a"],
                EXPLAINED,
                &["r"]
            )),
            "choices"
        );
        assert_eq!(
            field(parse(
                single,
                &["80", "443", "22"],
                &["b"],
                "**A** and **B** only.",
                &["r"]
            )),
            "explanation"
        );
        assert_eq!(
            field(parse(single, &["80", "443", "22"], &["b"], EXPLAINED, &[])),
            "references"
        );
        let long = "x".repeat(MAX_CHOICE_CHARS + 1);
        assert_eq!(
            field(parse(
                single,
                &["80", &long, "22"],
                &["b"],
                EXPLAINED,
                &["r"]
            )),
            "choices"
        );
    }

    #[test]
    fn two_choices_alike_but_for_case_and_spacing_are_refused_by_letter() {
        let refused = parse(
            QuestionKind::Single,
            &["Port 443", "port  443", "22"],
            &["a"],
            EXPLAINED,
            &["RFC 9110"],
        )
        .unwrap_err();
        assert_eq!(refused.field, "choices");
        assert_eq!(refused.reason, "A and B are the same choice");
    }

    #[test]
    fn every_broken_field_is_named_at_once() {
        let problems = Content::check(Draft {
            kind: QuestionKind::Single,
            stem: " ",
            choices: &strings(&["80", "443", "22"]),
            key: &strings(&["d"]),
            explanation: "**A** only.",
            references: &[],
        })
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["stem", "key", "explanation", "references"]);
    }

    #[test]
    fn an_ordering_question_need_not_discuss_each_step_by_letter() {
        let content = parse(
            QuestionKind::Ordering,
            &["Identify", "Contain", "Eradicate"],
            &["a", "b", "c"],
            "Identify first, then contain, then eradicate.",
            &["NIST SP 800-61r3"],
        );
        assert!(content.is_ok(), "{content:?}");
    }
}
