//! `/admin/audit`: what admins did, newest first, each change field by field.

use yew::prelude::*;

use super::AdminOnly;
use crate::api;
use crate::dom::local_time;
use crate::remote::{Remote, placeholder, use_remote};

/// A diff value as one line: strings as they are, anything else as JSON.
pub fn shown(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    }
}

#[component(AuditLog)]
pub fn audit_log() -> Html {
    let pages = use_state(Vec::<u64>::new);
    let before = pages.last().map(u64::to_string).unwrap_or_default();
    let (page, _) = use_remote(before, |before| async move {
        api::audit_log(&api::query(&[("before", &before), ("limit", "50")])).await
    });
    let body = placeholder(&*page, "the log").unwrap_or_else(|| {
        let Remote::Ready(page) = &*page else {
            return Html::default();
        };
        let older = page.next_before.map(|cursor| {
            let pages = pages.clone();
            Callback::from(move |_: MouseEvent| {
                let mut next = (*pages).clone();
                next.push(cursor);
                pages.set(next);
            })
        });
        html! {
            <>
                <table class="admin-table audit">
                    <thead><tr>
                        <th scope="col">{ "When" }</th><th scope="col">{ "Who" }</th>
                        <th scope="col">{ "Action" }</th><th scope="col">{ "Target" }</th>
                        <th scope="col">{ "Change" }</th>
                    </tr></thead>
                    <tbody>
                        { for page.entries.iter().map(|entry| {
                            let fields = entry.diff.as_object().cloned().unwrap_or_default();
                            html! {
                                <tr>
                                    <td>{ local_time(&entry.at) }</td>
                                    <td>{ entry.actor.clone() }</td>
                                    <td>{ entry.action.clone() }</td>
                                    <td>{ entry.target.clone() }</td>
                                    <td><dl class="diff">
                                        { for fields.iter().map(|(field, value)| match value.as_array() {
                                            Some(pair) if pair.len() == 2 => html! {
                                                <><dt>{ field.clone() }</dt>
                                                <dd><del>{ shown(&pair[0]) }</del><ins>{ shown(&pair[1]) }</ins></dd></>
                                            },
                                            _ => html! { <><dt>{ field.clone() }</dt><dd>{ shown(value) }</dd></> },
                                        }) }
                                    </dl></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                if let Some(older) = older {
                    <button type="button" class="secondary" onclick={older}>{ "Older entries" }</button>
                }
            </>
        }
    });
    html! {
        <AdminOnly>
            <section class="page">
                <h1>{ "Audit log" }</h1>
                { body }
            </section>
        </AdminOnly>
    }
}
