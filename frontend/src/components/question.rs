//! One question: its stem, its choices as the learner picks them, and (once known) the verdict
//! and explanation. Shared by the practice player, the mock player and the review page.

use ptp_shared::{QuestionKind, QuestionView};
use yew::prelude::*;

use crate::rendered::Rendered;

/// The selection after the learner picks `choice`. Single: that choice. Multi: toggled, but
/// never more than `picks`. Ordering: appended in the order picked, or taken out again.
pub fn toggle(question: &QuestionView, current: &[String], choice: &str) -> Vec<String> {
    let has = current.iter().any(|c| c == choice);
    match question.kind {
        QuestionKind::Single => vec![choice.to_string()],
        QuestionKind::Multi | QuestionKind::Ordering if has => {
            current.iter().filter(|c| *c != choice).cloned().collect()
        }
        QuestionKind::Multi if current.len() >= question.picks as usize => current.to_vec(),
        QuestionKind::Multi | QuestionKind::Ordering => {
            let mut next = current.to_vec();
            next.push(choice.to_string());
            next
        }
    }
}

/// Whether the selection is a whole answer the server will accept.
pub fn is_complete(question: &QuestionView, selection: &[String]) -> bool {
    let wanted = match question.kind {
        QuestionKind::Single => 1,
        QuestionKind::Multi => question.picks as usize,
        QuestionKind::Ordering => question.choices.len(),
    };
    selection.len() == wanted
}

/// What the learner is asked to do, in words.
pub fn instruction(question: &QuestionView) -> String {
    match question.kind {
        QuestionKind::Single => "Choose one.".into(),
        QuestionKind::Multi => format!("Choose {}.", question.picks),
        QuestionKind::Ordering => {
            "Put these in order: pick them first to last (pick again to take one out).".into()
        }
    }
}

/// How an answered question went, from the credit earned.
pub fn verdict(credit: f64) -> (&'static str, String) {
    if credit >= 1.0 - 1e-9 {
        ("ok", "Correct".into())
    } else if credit > 0.0 {
        (
            "partial",
            format!("Partly right: {:.0}% credit", credit * 100.0),
        )
    } else {
        ("bad", "Incorrect".into())
    }
}

#[derive(Properties, PartialEq)]
pub struct QuestionProps {
    pub question: QuestionView,
    /// 1-based, for the heading.
    pub number: u32,
    pub total: u32,
    pub selection: Vec<String>,
    /// Absent when the question can no longer be changed.
    #[prop_or_default]
    pub on_choose: Option<Callback<String>>,
    /// Credit earned, when graded; shown with the solution.
    #[prop_or_default]
    pub credit: Option<f64>,
    #[prop_or_default]
    pub children: Html,
}

#[component(QuestionCard)]
pub fn question_card(props: &QuestionProps) -> Html {
    let q = &props.question;
    let heading = format!("question-{}", q.id);
    let locked = props.on_choose.is_none();
    let key = q
        .solution
        .as_ref()
        .map(|s| s.key.clone())
        .unwrap_or_default();
    let input_type = if q.kind == QuestionKind::Multi {
        "checkbox"
    } else {
        "radio"
    };
    let choices = q.choices.iter().enumerate().map(|(index, choice)| {
        let picked_at = props.selection.iter().position(|c| *c == choice.id);
        let in_key = key.contains(&choice.id);
        let mut class = classes!("choice");
        if picked_at.is_some() {
            class.push("picked");
        }
        if q.solution.is_some() && q.kind != QuestionKind::Ordering {
            if in_key {
                class.push("right");
            } else if picked_at.is_some() {
                class.push("wrong");
            }
        }
        let onclick = props.on_choose.clone().map(|on_choose| {
            let id = choice.id.clone();
            Callback::from(move |_: MouseEvent| on_choose.emit(id.clone()))
        });
        // Explanations name choices by letter; keys 1–9 pick A–I.
        let letter = char::from(b'A' + (index % 26) as u8);
        let hint = html! {
            <span class="choice-letter" aria-hidden="true" title={(index < 9).then(|| format!("Key {}", index + 1))}>{ letter }</span>
        };
        let mark = match (q.solution.is_some(), in_key, picked_at.is_some()) {
            _ if q.kind == QuestionKind::Ordering => None,
            (true, true, true) => Some("Your answer, correct"),
            (true, true, false) => Some("Correct answer"),
            (true, false, true) => Some("Your answer, incorrect"),
            _ => None,
        };
        let mark = mark.map(|text| html! { <span class="choice-mark">{ text }</span> });
        if q.kind == QuestionKind::Ordering {
            let label = picked_at.map_or_else(String::new, |at| format!("{}", at + 1));
            html! {
                <li class={class}>
                    <button type="button" class="choice-body" aria-pressed={picked_at.is_some().to_string()}
                        disabled={locked} onclick={onclick}>
                        { hint }
                        <span class="order-slot" aria-label={picked_at.map(|at| format!("placed {}", at + 1))}>{ label }</span>
                        <span class="visually-hidden">{ format!("{letter}. ") }</span>
                        <Rendered html={choice.html.clone()} inline=true />
                    </button>
                </li>
            }
        } else {
            html! {
                <li class={class}>
                    <label class="choice-body">
                        <input type={input_type} name={heading.clone()} checked={picked_at.is_some()}
                            disabled={locked} onclick={onclick} />
                        { hint }
                        <span class="visually-hidden">{ format!("{letter}. ") }</span>
                        <Rendered html={choice.html.clone()} inline=true />
                        { mark }
                    </label>
                </li>
            }
        }
    }).collect::<Vec<Html>>();
    let solution = q.solution.as_ref().map(|solution| {
        let (tone, text) = if props.selection.is_empty() {
            ("bad", "Not answered".to_string())
        } else {
            verdict(props.credit.unwrap_or(0.0))
        };
        let choice_of = |id: &String| -> Html {
            let Some(at) = q.choices.iter().position(|c| c.id == *id) else {
                return Html::default();
            };
            html! {
                <>
                    <strong>{ format!("{}.", char::from(b'A' + (at % 26) as u8)) }</strong>{ " " }
                    <Rendered html={q.choices[at].html.clone()} inline=true />
                </>
            }
        };
        html! {
            <section class="solution" aria-label="Answer and explanation">
                if props.credit.is_some() {
                    <p class={classes!("verdict", tone)} role="status">{ text }</p>
                }
                if q.kind == QuestionKind::Ordering {
                    <p class="key-heading">{ "Correct order" }</p>
                    <ol class="key-order">
                        { for solution.key.iter().map(|id| html! { <li>{ choice_of(id) }</li> }) }
                    </ol>
                    if !props.selection.is_empty() && props.selection != solution.key {
                        <p class="key-heading">{ "Your order" }</p>
                        <ol class="key-order">
                            { for props.selection.iter().map(|id| html! { <li>{ choice_of(id) }</li> }) }
                        </ol>
                    }
                }
                <Rendered html={solution.explanation_html.clone()} class="explanation" />
                if !solution.references.is_empty() {
                    <p class="references-heading">{ "References" }</p>
                    <ul class="references">
                        { for solution.references_html.iter().map(|r| html! { <li><Rendered html={r.clone()} inline=true /></li> }) }
                    </ul>
                }
            </section>
        }
    });
    html! {
        <article class="question" aria-labelledby={heading.clone()}>
            <h2 id={heading} class="question-number" tabindex="-1">
                { format!("Question {} of {}", props.number, props.total) }
            </h2>
            <Rendered html={q.stem_html.clone()} class="stem" />
            <p class="instruction">{ instruction(q) }</p>
            <ul class={classes!("choices", (q.kind == QuestionKind::Ordering).then_some("ordering"))} role="list">
                { choices }
            </ul>
            { solution }
            { props.children.clone() }
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptp_shared::Choice;

    fn question(kind: QuestionKind, picks: u32) -> QuestionView {
        QuestionView {
            id: "q".into(),
            exam: "E".into(),
            domain: "1.0".into(),
            kind,
            stem: "Stem".into(),
            stem_html: "<p>Stem</p>".into(),
            choices: ["a", "b", "c", "d"]
                .iter()
                .map(|id| Choice {
                    id: (*id).into(),
                    text: id.to_uppercase(),
                    html: id.to_uppercase(),
                })
                .collect(),
            picks,
            version: 1,
            solution: None,
        }
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn single_choice_replaces_the_pick() {
        let q = question(QuestionKind::Single, 1);
        assert_eq!(toggle(&q, &ids(&["a"]), "c"), ids(&["c"]));
        assert!(is_complete(&q, &ids(&["c"])));
    }

    #[test]
    fn multi_select_toggles_and_stops_at_the_number_asked_for() {
        let q = question(QuestionKind::Multi, 2);
        let two = toggle(&q, &toggle(&q, &[], "a"), "c");
        assert_eq!(two, ids(&["a", "c"]));
        assert!(is_complete(&q, &two));
        assert_eq!(toggle(&q, &two, "d"), two, "a third pick is refused");
        assert_eq!(toggle(&q, &two, "a"), ids(&["c"]));
        assert!(!is_complete(&q, &ids(&["c"])));
    }

    #[test]
    fn ordering_records_the_order_picked_and_needs_every_item() {
        let q = question(QuestionKind::Ordering, 4);
        let mut order = Vec::new();
        for id in ["c", "a", "d"] {
            order = toggle(&q, &order, id);
        }
        assert_eq!(order, ids(&["c", "a", "d"]));
        assert!(!is_complete(&q, &order));
        assert_eq!(toggle(&q, &order, "a"), ids(&["c", "d"]));
        assert!(is_complete(&q, &toggle(&q, &order, "b")));
    }

    #[test]
    fn verdicts_follow_the_credit() {
        assert_eq!(verdict(1.0).0, "ok");
        assert_eq!(verdict(0.5), ("partial", "Partly right: 50% credit".into()));
        assert_eq!(verdict(0.0).0, "bad");
    }
}
