//! What the question editor holds while an author types, and the small rules it applies
//! itself: marking the key, reading an ordering, and finding each refused field in an answer.

use std::collections::BTreeMap;

use ptp_shared::{QuestionContent, QuestionKind};

use crate::api::ApiFailure;

pub const MAX_CHOICES: usize = 6;

/// What the editor holds: a domain and the content, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub domain: String,
    pub kind: QuestionKind,
    pub stem: String,
    pub choices: Vec<String>,
    pub key: Vec<String>,
    pub explanation: String,
    /// One per line.
    pub references: String,
}

impl Draft {
    pub fn empty(domain: String) -> Self {
        Self {
            domain,
            kind: QuestionKind::Single,
            stem: String::new(),
            choices: vec![String::new(); 4],
            key: vec![],
            explanation: String::new(),
            references: String::new(),
        }
    }

    pub fn of(domain: &str, content: &QuestionContent) -> Self {
        Self {
            domain: domain.to_string(),
            kind: content.kind,
            stem: content.stem.clone(),
            choices: content.choices.clone(),
            key: content.key.clone(),
            explanation: content.explanation.clone(),
            references: content.references.join("\n"),
        }
    }

    pub fn content(&self) -> QuestionContent {
        QuestionContent {
            kind: self.kind,
            stem: self.stem.clone(),
            choices: self.choices.clone(),
            key: self.key.clone(),
            explanation: self.explanation.clone(),
            references: self
                .references
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

/// The id of the `index`th choice: `a`, `b`, …
pub fn choice_id(index: usize) -> String {
    char::from(b'a' + index as u8).to_string()
}

/// The key after the author marks choice `id` (single: only it; multi: toggled).
pub fn mark(kind: QuestionKind, key: &[String], id: &str) -> Vec<String> {
    match kind {
        QuestionKind::Single => vec![id.to_string()],
        _ if key.iter().any(|k| k == id) => key.iter().filter(|k| *k != id).cloned().collect(),
        _ => {
            let mut next = key.to_vec();
            next.push(id.to_string());
            next.sort();
            next
        }
    }
}

/// An ordering key typed as `c, a, b`.
pub fn parse_order(text: &str) -> Vec<String> {
    text.split([',', ' '])
        .map(|part| part.trim().to_ascii_lowercase())
        .filter(|part| !part.is_empty())
        .collect()
}

/// Rule problems by field, from a preview's list or a refused save's `details.problems`.
pub fn problems_of(failure: &ApiFailure) -> BTreeMap<String, String> {
    let Some(details) = &failure.details else {
        return BTreeMap::new();
    };
    let listed = details.get("problems").and_then(|p| p.as_array());
    let mut found = BTreeMap::new();
    for problem in listed.into_iter().flatten() {
        if let (Some(field), Some(reason)) = (
            problem.get("field").and_then(|f| f.as_str()),
            problem.get("reason").and_then(|r| r.as_str()),
        ) {
            found.insert(field.to_string(), reason.to_string());
        }
    }
    if found.is_empty()
        && let (Some(field), Some(reason)) = (
            details.get("field").and_then(|f| f.as_str()),
            details.get("reason").and_then(|r| r.as_str()),
        )
    {
        found.insert(field.to_string(), reason.to_string());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_a_choice_keeps_the_kinds_arity_rules_to_the_server() {
        let key = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(mark(QuestionKind::Single, &key(&["a"]), "c"), key(&["c"]));
        assert_eq!(
            mark(QuestionKind::Multi, &key(&["c"]), "a"),
            key(&["a", "c"])
        );
        assert_eq!(
            mark(QuestionKind::Multi, &key(&["a", "c"]), "a"),
            key(&["c"])
        );
        assert_eq!(parse_order(" C, a b "), key(&["c", "a", "b"]));
    }

    #[test]
    fn a_refused_save_names_each_field_it_broke() {
        let details = serde_json::json!({
            "field": "choices",
            "reason": "B and C are the same choice",
            "problems": [
                {"field": "choices", "reason": "B and C are the same choice"},
                {"field": "references", "reason": "1 to 10 references to vendor documentation"}
            ]
        });
        let failure = ApiFailure {
            status: 400,
            code: None,
            message: String::new(),
            details: details.as_object().cloned(),
        };
        let found = problems_of(&failure);
        assert_eq!(found.len(), 2);
        assert_eq!(found["choices"], "B and C are the same choice");
    }
}
