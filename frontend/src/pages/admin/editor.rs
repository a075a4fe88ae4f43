//! The question editor: every field of a question, a live preview exactly as learners see it
//! (rendered by the server, which also names each rule the draft breaks), and a save that
//! reports refusals beside the field they concern.

use std::collections::BTreeMap;

use gloo::timers::callback::Timeout;
use ptp_shared::{QuestionKind, QuestionView};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::draft::{Draft, MAX_CHOICES, choice_id, mark, parse_order, problems_of};
use crate::api::{self, ApiFailure};
use crate::components::QuestionCard;
use crate::dom::{input_value, select_value};

/// How long typing pauses before the preview is asked for.
const PREVIEW_DELAY_MS: u32 = 400;

/// How a save went, told back to the editor by the page that made the call.
pub type Outcome = Result<(), ApiFailure>;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub draft: Draft,
    /// The exam's domains: `(code, name)`.
    pub domains: Vec<(String, String)>,
    /// The save button's words.
    pub action: AttrValue,
    /// Saves; answers through the callback it is given.
    pub on_save: Callback<(Draft, Callback<Outcome>)>,
    /// Extra fields above the save button (a report's note).
    #[prop_or_default]
    pub children: Html,
}

#[component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let draft = use_state(|| props.draft.clone());
    {
        let draft = draft.clone();
        use_effect_with(props.draft.clone(), move |fresh| draft.set(fresh.clone()));
    }
    let preview = use_state(|| None::<QuestionView>);
    let live_problems = use_state(BTreeMap::<String, String>::new);
    let refusal = use_state(|| None::<ApiFailure>);
    let saving = use_state(|| false);
    let pending = use_mut_ref(|| None::<Timeout>);
    let generation = use_mut_ref(|| 0u64);

    // The preview follows the content, a moment after typing stops; only the newest answer lands.
    {
        let (preview, live_problems) = (preview.clone(), live_problems.clone());
        use_effect_with((*draft).clone(), move |draft| {
            let content = draft.content();
            let ticket = {
                let mut latest = generation.borrow_mut();
                *latest += 1;
                *latest
            };
            let timeout = Timeout::new(PREVIEW_DELAY_MS, move || {
                spawn_local(async move {
                    let outcome = api::preview_question(&content).await;
                    if *generation.borrow() != ticket {
                        return;
                    }
                    if let Ok(result) = outcome {
                        live_problems.set(
                            result
                                .problems
                                .into_iter()
                                .map(|p| (p.field, p.reason))
                                .collect(),
                        );
                        preview.set(Some(result.question));
                    }
                });
            });
            *pending.borrow_mut() = Some(timeout);
        });
    }

    let update = |change: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            let mut next = (*draft).clone();
            change(&mut next, input_value(&event));
            draft.set(next);
        })
    };
    let set_kind = {
        let draft = draft.clone();
        Callback::from(move |event: Event| {
            let value = select_value(&event);
            let mut next = (*draft).clone();
            next.kind = QuestionKind::parse(&value).unwrap_or(next.kind);
            next.key.clear();
            draft.set(next);
        })
    };
    let set_domain = {
        let draft = draft.clone();
        Callback::from(move |event: Event| {
            let mut next = (*draft).clone();
            next.domain = select_value(&event);
            draft.set(next);
        })
    };
    let choice_input = |index: usize| {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            let mut next = (*draft).clone();
            if let Some(choice) = next.choices.get_mut(index) {
                *choice = input_value(&event);
            }
            draft.set(next);
        })
    };
    let remove_choice = |index: usize| {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            next.choices.remove(index);
            next.key.clear();
            draft.set(next);
        })
    };
    let add_choice = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            next.choices.push(String::new());
            draft.set(next);
        })
    };
    let mark_key = |index: usize| {
        let draft = draft.clone();
        Callback::from(move |_: Event| {
            let mut next = (*draft).clone();
            next.key = mark(next.kind, &next.key, &choice_id(index));
            draft.set(next);
        })
    };
    let save = {
        let (draft, refusal, saving, on_save) = (
            draft.clone(),
            refusal.clone(),
            saving.clone(),
            props.on_save.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            saving.set(true);
            let (refusal, saving) = (refusal.clone(), saving.clone());
            let told = Callback::from(move |outcome: Outcome| {
                saving.set(false);
                refusal.set(outcome.err());
            });
            on_save.emit(((*draft).clone(), told));
        })
    };

    let refused = refusal.as_ref().map(problems_of).unwrap_or_default();
    let problem = |field: &str| {
        let text = refused.get(field).or_else(|| live_problems.get(field));
        text.map(|reason| {
            let id = format!("problem-{field}");
            html! { <p class="field-problem" id={id}>{ format!("{field} {reason}") }</p> }
        })
    };
    let d = &*draft;
    let kind = d.kind;
    let choices = d.choices.iter().enumerate().map(|(index, text)| {
        let id = choice_id(index);
        let letter = id.to_ascii_uppercase();
        let in_key = d.key.contains(&id);
        let marker = match kind {
            QuestionKind::Ordering => Html::default(),
            _ => {
                let kind_attr = if kind == QuestionKind::Single { "radio" } else { "checkbox" };
                html! {
                    <label class="key-mark">
                        <input type={kind_attr} name="key" checked={in_key} onchange={mark_key(index)} />
                        { "correct" }
                    </label>
                }
            }
        };
        html! {
            <li class="choice-edit">
                <label>
                    <span>{ format!("Choice {letter}") }</span>
                    <input type="text" value={text.clone()} maxlength="500" oninput={choice_input(index)} />
                </label>
                { marker }
                if d.choices.len() > 2 {
                    <button type="button" class="link" onclick={remove_choice(index)}
                        aria-label={format!("Remove choice {letter}")}>{ "Remove" }</button>
                }
            </li>
        }
    });
    let order_input = {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            let mut next = (*draft).clone();
            next.key = parse_order(&input_value(&event));
            draft.set(next);
        })
    };
    html! {
        <div class="editor">
            <form class="editor-form" onsubmit={save}>
                if let Some(failure) = &*refusal {
                    <p class="form-error" role="alert">{ failure.message.clone() }</p>
                }
                <label>
                    <span>{ "Domain" }</span>
                    <select onchange={set_domain}>
                        { for props.domains.iter().map(|(code, name)| html! {
                            <option value={code.clone()} selected={*code == d.domain}>{ format!("{code} {name}") }</option>
                        }) }
                    </select>
                </label>
                { problem("domain") }
                <label>
                    <span>{ "Kind" }</span>
                    <select onchange={set_kind}>
                        { for [(QuestionKind::Single, "One answer"), (QuestionKind::Multi, "Several answers"), (QuestionKind::Ordering, "Put in order")]
                            .into_iter().map(|(k, label)| html! {
                                <option value={k.as_str()} selected={k == kind}>{ label }</option>
                            }) }
                    </select>
                </label>
                <label>
                    <span>{ "Stem (Markdown)" }</span>
                    <textarea rows="5" maxlength="4000" value={d.stem.clone()}
                        oninput={update(|d, v| d.stem = v)} />
                </label>
                { problem("stem") }
                <fieldset>
                    <legend>{ "Choices" }</legend>
                    <ol class="choices-edit">{ for choices }</ol>
                    if d.choices.len() < MAX_CHOICES {
                        <button type="button" class="secondary" onclick={add_choice}>{ "Add a choice" }</button>
                    }
                    { problem("choices") }
                </fieldset>
                if kind == QuestionKind::Ordering {
                    <label>
                        <span>{ "Correct order (choice letters, e.g. c, a, b)" }</span>
                        <input type="text" value={d.key.join(", ")} oninput={order_input} />
                    </label>
                }
                { problem("key") }
                <label>
                    <span>{ "Explanation (Markdown; discuss each choice as **A**, **B**, …)" }</span>
                    <textarea rows="6" maxlength="6000" value={d.explanation.clone()}
                        oninput={update(|d, v| d.explanation = v)} />
                </label>
                { problem("explanation") }
                <label>
                    <span>{ "References (one per line)" }</span>
                    <textarea rows="3" value={d.references.clone()}
                        oninput={update(|d, v| d.references = v)} />
                </label>
                { problem("references") }
                { props.children.clone() }
                <button type="submit" disabled={*saving}>{ props.action.clone() }</button>
            </form>
            <section class="editor-preview" aria-label="Preview">
                <h2>{ "As learners see it" }</h2>
                if let Some(question) = &*preview {
                    <QuestionCard question={question.clone()} number={1} total={1}
                        selection={question.solution.as_ref().map(|s| s.key.clone()).unwrap_or_default()} />
                } else {
                    <p class="loading" role="status">{ "Preparing the preview…" }</p>
                }
            </section>
        </div>
    }
}
