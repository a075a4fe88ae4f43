//! "Report a problem" with a question: a modal dialog (the browser's own `<dialog>`, so focus is
//! trapped and Escape closes it) that files a report for the editors' queue.

use ptp_shared::{ReportQuestion, ReportReason};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::dom::input_value;

const REASONS: [(ReportReason, &str); 4] = [
    (ReportReason::WrongKey, "The marked answer is wrong"),
    (
        ReportReason::Unclear,
        "The question is unclear or ambiguous",
    ),
    (ReportReason::Typo, "Typo or formatting problem"),
    (
        ReportReason::Outdated,
        "Outdated for the current exam version",
    ),
];
const MAX_DETAILS: usize = 2000;

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub question: AttrValue,
}

#[derive(Clone, PartialEq)]
enum Sending {
    Idle,
    Busy,
    Sent,
    Failed(String),
}

#[component(ReportButton)]
pub fn report_button(props: &ReportProps) -> Html {
    let dialog = use_node_ref();
    let reason = use_state(|| None::<ReportReason>);
    let details = use_state(String::new);
    let sending = use_state(|| Sending::Idle);

    let open = {
        let (dialog, sending) = (dialog.clone(), sending.clone());
        Callback::from(move |_| {
            if *sending == Sending::Sent {
                sending.set(Sending::Idle);
            }
            if let Some(element) = dialog.cast::<web_sys::HtmlDialogElement>() {
                let _ = element.show_modal();
            }
        })
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_| {
            if let Some(element) = dialog.cast::<web_sys::HtmlDialogElement>() {
                element.close();
            }
        })
    };
    let submit = {
        let (reason, details, sending) = (reason.clone(), details.clone(), sending.clone());
        let question = props.question.to_string();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(chosen) = *reason else {
                return sending.set(Sending::Failed("Pick what is wrong.".into()));
            };
            let report = ReportQuestion {
                reason: chosen,
                details: details.trim().to_string(),
            };
            let (question, sending, details) = (question.clone(), sending.clone(), details.clone());
            sending.set(Sending::Busy);
            spawn_local(async move {
                match crate::api::report_question(&question, &report).await {
                    Ok(_) => {
                        details.set(String::new());
                        sending.set(Sending::Sent);
                    }
                    Err(failure) => sending.set(Sending::Failed(failure.message)),
                }
            });
        })
    };
    let title_id = format!("report-title-{}", props.question);
    html! {
        <>
            <button type="button" class="link-button" onclick={open}>{ "Report a problem" }</button>
            <dialog ref={dialog} class="dialog" aria-labelledby={title_id.clone()}>
                if *sending == Sending::Sent {
                    <h2 id={title_id.clone()}>{ "Thanks for the report" }</h2>
                    <p>{ "An editor will look at this question. If it changes, everyone sees the corrected version." }</p>
                    <button type="button" class="button" onclick={close.clone()}>{ "Close" }</button>
                } else {
                    <form class="form" onsubmit={submit}>
                        <h2 id={title_id.clone()}>{ "Report a problem with this question" }</h2>
                        <fieldset>
                            <legend>{ "What is wrong?" }</legend>
                            { for REASONS.iter().map(|(value, label)| {
                                let (value, reason) = (*value, reason.clone());
                                html! {
                                    <label class="checkbox">
                                        <input type="radio" name={format!("reason-{}", title_id)} checked={*reason == Some(value)}
                                            onclick={Callback::from(move |_| reason.set(Some(value)))} />
                                        { *label }
                                    </label>
                                }
                            }) }
                        </fieldset>
                        <label>
                            { "Details (optional)" }
                            <textarea rows="4" maxlength={MAX_DETAILS.to_string()} value={(*details).clone()}
                                oninput={{ let details = details.clone(); Callback::from(move |e: InputEvent| details.set(input_value(&e))) }} />
                        </label>
                        if let Sending::Failed(message) = &*sending {
                            <p class="form-error" role="alert">{ message.clone() }</p>
                        }
                        <div class="actions">
                            <button class="button" type="submit" disabled={*sending == Sending::Busy}>{ "Send report" }</button>
                            <button class="button button-secondary" type="button" onclick={close}>{ "Cancel" }</button>
                        </div>
                    </form>
                }
            </dialog>
        </>
    }
}
