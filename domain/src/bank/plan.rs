//! What an import does with each checked question, given what the bank holds now and who
//! imports: create it, make a new version, leave it, or keep an admin's correction.

use super::Checked;
use crate::content::Content;

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
    use crate::bank::check;
    use crate::bank::tests::{EXAM, seed};

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
}
