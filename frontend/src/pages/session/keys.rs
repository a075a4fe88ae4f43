//! The keys both players share: 1–9 pick the question's first nine choices (A–I).

use ptp_shared::QuestionView;

/// The choice a digit key picks in `question`, if any.
pub fn choice_for_key(key: &str, question: &QuestionView) -> Option<String> {
    let digit = key.parse::<usize>().ok().filter(|d| (1..=9).contains(d))?;
    question
        .choices
        .get(digit - 1)
        .map(|choice| choice.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptp_shared::{Choice, QuestionKind};

    fn question(choices: usize) -> QuestionView {
        QuestionView {
            id: "q".into(),
            exam: "SY0-701".into(),
            domain: "1.0".into(),
            kind: QuestionKind::Single,
            stem: "Which?".into(),
            stem_html: "<p>Which?</p>".into(),
            choices: (0..choices)
                .map(|i| Choice {
                    id: ((b'a' + i as u8) as char).to_string(),
                    text: format!("Choice {i}"),
                    html: format!("Choice {i}"),
                })
                .collect(),
            picks: 1,
            version: 1,
            solution: None,
        }
    }

    #[test]
    fn digits_pick_choices_in_order_and_nothing_past_the_last() {
        let four = question(4);
        assert_eq!(choice_for_key("1", &four).as_deref(), Some("a"));
        assert_eq!(choice_for_key("4", &four).as_deref(), Some("d"));
        assert_eq!(choice_for_key("5", &four), None);
        assert_eq!(choice_for_key("0", &four), None);
        assert_eq!(choice_for_key("n", &four), None);
    }
}
