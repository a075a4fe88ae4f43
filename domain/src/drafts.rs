//! Automated checks on a drafted question before a person reviews it (the AI drafts of issue
//! 14, or any import): near-duplicates of the bank or of each other, a key that gives itself
//! away by its length, and whether a blind answer picked exactly the key. The content rules
//! themselves are [`crate::content`]'s.

use std::collections::BTreeSet;

use crate::content::Content;
use crate::question::QuestionKind;

/// Word shingles of this many words.
pub const SHINGLE_WORDS: usize = 3;
/// Jaccard similarity of shingles from which two questions count as near-duplicates.
pub const NEAR_DUPLICATE: f64 = 0.7;
/// A key is a cue when it is this much longer than the longest distractor…
pub const CUE_RATIO: f64 = 1.5;
/// …and at least this many characters longer (short choices vary freely).
pub const CUE_MIN_CHARS: usize = 20;

/// Lowercase words of letters and digits, so punctuation, case and spacing never hide a copy.
pub fn normalized(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a question is compared by: its stem and choices, normalised.
pub fn fingerprint_text(content: &Content) -> String {
    let mut text = normalized(&content.stem);
    for choice in &content.choices {
        text.push(' ');
        text.push_str(&normalized(choice));
    }
    text
}

/// The text's word shingles (the whole text as one when it is shorter than a shingle).
pub fn shingles(normalized: &str) -> BTreeSet<String> {
    let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < SHINGLE_WORDS {
        return BTreeSet::from([words.join(" ")]);
    }
    words.windows(SHINGLE_WORDS).map(|w| w.join(" ")).collect()
}

/// |A ∩ B| / |A ∪ B|; two empty sets are the same text.
pub fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// The question most like the draft, when it is a near-duplicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Nearest {
    pub id: String,
    pub similarity: f64,
}

/// The most similar of `others` (id, fingerprint text) at or over [`NEAR_DUPLICATE`]; an
/// identical normalised text is similarity 1 whatever its length.
pub fn near_duplicate<'a>(
    draft: &str,
    others: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<Nearest> {
    let mine = shingles(draft);
    others
        .into_iter()
        .map(|(id, text)| {
            let similarity = if text == draft {
                1.0
            } else {
                jaccard(&mine, &shingles(text))
            };
            Nearest {
                id: id.to_string(),
                similarity,
            }
        })
        .filter(|n| n.similarity >= NEAR_DUPLICATE)
        .max_by(|a, b| a.similarity.total_cmp(&b.similarity))
}

/// A key that stands out by length: the shortest keyed choice is over [`CUE_RATIO`] times, and
/// [`CUE_MIN_CHARS`] characters, longer than the longest distractor. Ordering questions have
/// no distractors. Returns (shortest key, longest distractor) in characters.
pub fn key_length_cue(content: &Content) -> Option<(usize, usize)> {
    if content.kind == QuestionKind::Ordering {
        return None;
    }
    let keyed = |index: usize| {
        let label = char::from(b'a' + index as u8).to_string();
        content.key.contains(&label)
    };
    let lengths = content.choices.iter().map(|c| c.chars().count());
    let (keys, distractors): (Vec<_>, Vec<_>) = lengths.enumerate().partition(|(i, _)| keyed(*i));
    let shortest_key = keys.iter().map(|(_, n)| *n).min()?;
    let longest_distractor = distractors.iter().map(|(_, n)| *n).max()?;
    let stands_out = shortest_key as f64 > CUE_RATIO * longest_distractor as f64
        && shortest_key >= longest_distractor + CUE_MIN_CHARS;
    stands_out.then_some((shortest_key, longest_distractor))
}

/// Whether a blind answer (choice ids, any order for single and multi) is exactly the key;
/// for ordering, the same order.
pub fn blind_answer_agrees(content: &Content, answer: &[String]) -> bool {
    if content.kind == QuestionKind::Ordering {
        return answer == content.key.as_slice();
    }
    let picked: BTreeSet<&str> = answer.iter().map(|id| id.trim()).collect();
    let key: BTreeSet<&str> = content.key.iter().map(String::as_str).collect();
    picked.len() == answer.len() && picked == key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(kind: QuestionKind, choices: &[&str], key: &[&str]) -> Content {
        Content {
            kind,
            stem: "Which protocol encrypts remote administration sessions?".into(),
            choices: choices.iter().map(|c| c.to_string()).collect(),
            key: key.iter().map(|k| k.to_string()).collect(),
            explanation: String::new(),
            references: vec![],
        }
    }

    #[test]
    fn punctuation_case_and_spacing_do_not_hide_a_copy() {
        assert_eq!(
            normalized("  Which PORT, does   HTTPS use? "),
            "which port does https use"
        );
    }

    #[test]
    fn a_reworded_copy_is_flagged_with_the_nearest_question() {
        let bank = [
            (
                "q-1",
                normalized("Which port does HTTPS use by default on a web server"),
            ),
            (
                "q-2",
                normalized("Which protocol resolves host names to IP addresses"),
            ),
        ];
        let draft = normalized("Which port does HTTPS use by default on a web server?");
        let found = near_duplicate(&draft, bank.iter().map(|(id, t)| (*id, t.as_str()))).unwrap();
        assert_eq!(found.id, "q-1");
        assert_eq!(found.similarity, 1.0);
        let reworded = normalized("Which port does HTTPS use by default on a web server today");
        let near = near_duplicate(&reworded, bank.iter().map(|(id, t)| (*id, t.as_str()))).unwrap();
        assert_eq!(near.id, "q-1");
        assert!(
            near.similarity >= NEAR_DUPLICATE && near.similarity < 1.0,
            "{}",
            near.similarity
        );
        let other = normalized("Which wireless standard operates only at 5 GHz");
        assert_eq!(
            near_duplicate(&other, bank.iter().map(|(id, t)| (*id, t.as_str()))),
            None
        );
    }

    #[test]
    fn jaccard_counts_shared_shingles() {
        let a = shingles("a b c d");
        let b = shingles("a b c e");
        // {abc, bcd} and {abc, bce}: one shared of three.
        assert!((jaccard(&a, &b) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(jaccard(&BTreeSet::new(), &BTreeSet::new()), 1.0);
    }

    #[test]
    fn a_key_much_longer_than_every_distractor_is_a_cue() {
        let cue = content(
            QuestionKind::Single,
            &[
                "Telnet",
                "SSH version 2 with key-based authentication and a host key check",
                "rlogin",
                "rsh",
            ],
            &["b"],
        );
        assert_eq!(key_length_cue(&cue), Some((64, 6)));
        let fair = content(
            QuestionKind::Single,
            &[
                "Telnet over a VPN",
                "SSH version 2",
                "rlogin with .rhosts",
                "rsh with Kerberos",
            ],
            &["b"],
        );
        assert_eq!(key_length_cue(&fair), None);
        let ordering = content(
            QuestionKind::Ordering,
            &["Identify the incident and its scope now", "x"],
            &["a", "b"],
        );
        assert_eq!(key_length_cue(&ordering), None);
    }

    #[test]
    fn a_multi_key_is_a_cue_only_when_every_key_stands_out() {
        let one_short = content(
            QuestionKind::Multi,
            &[
                "SSH",
                "TLS 1.3 with forward secrecy and certificate pinning",
                "FTP",
                "Telnet",
            ],
            &["a", "b"],
        );
        assert_eq!(key_length_cue(&one_short), None);
    }

    #[test]
    fn a_blind_answer_agrees_only_with_exactly_the_key() {
        let multi = content(QuestionKind::Multi, &["a", "b", "c", "d"], &["b", "c"]);
        let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(blind_answer_agrees(&multi, &ids(&["c", "b"])));
        assert!(!blind_answer_agrees(&multi, &ids(&["b"])));
        assert!(!blind_answer_agrees(&multi, &ids(&["b", "c", "d"])));
        assert!(!blind_answer_agrees(&multi, &ids(&["b", "b"])));
        let ordering = content(QuestionKind::Ordering, &["x", "y", "z"], &["c", "a", "b"]);
        assert!(blind_answer_agrees(&ordering, &ids(&["c", "a", "b"])));
        assert!(!blind_answer_agrees(&ordering, &ids(&["a", "b", "c"])));
    }
}
