use ptp_shared::{ApiKeyInfo, CreateApiKey, Scope};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::dom::input_value;

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::ProfileRead => "Read your profile",
        Scope::CatalogRead => "Read exams and questions",
        Scope::ProgressRead => "Read your progress",
        Scope::SessionsWrite => "Start and answer practice sessions",
    }
}

fn day(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}

#[derive(Properties, PartialEq)]
pub struct ApiKeysProps {
    /// Bumped when keys changed elsewhere on the page (revoke all): the list loads again.
    pub generation: u32,
}

#[component(ApiKeys)]
pub fn api_keys(props: &ApiKeysProps) -> Html {
    let keys = use_state(|| None::<Vec<ApiKeyInfo>>);
    let error = use_state(|| None::<String>);
    let name = use_state(String::new);
    let chosen = use_state(|| vec![Scope::ProfileRead]);
    let created = use_state(|| None::<String>);
    let copied = use_state(|| false);

    let reload = {
        let (keys, error) = (keys.clone(), error.clone());
        use_callback((), move |(), _| {
            let (keys, error) = (keys.clone(), error.clone());
            spawn_local(async move {
                match api::api_keys().await {
                    Ok(list) => keys.set(Some(list.keys)),
                    Err(failure) => error.set(Some(failure.message)),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with(props.generation, move |_| reload.emit(()));
    }

    let create = {
        let (name, chosen, created, error, reload, copied) = (
            name.clone(),
            chosen.clone(),
            created.clone(),
            error.clone(),
            reload.clone(),
            copied.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let request = CreateApiKey {
                name: (*name).clone(),
                scopes: (*chosen).clone(),
            };
            let (name, created, error, reload, copied) = (
                name.clone(),
                created.clone(),
                error.clone(),
                reload.clone(),
                copied.clone(),
            );
            spawn_local(async move {
                match api::create_api_key(&request).await {
                    Ok(new) => {
                        created.set(Some(new.secret));
                        copied.set(false);
                        name.set(String::new());
                        error.set(None);
                        reload.emit(());
                    }
                    Err(failure) => error.set(Some(failure.message)),
                }
            });
        })
    };
    let toggle_scope = |scope: Scope| {
        let chosen = chosen.clone();
        Callback::from(move |_| {
            let mut next = (*chosen).clone();
            if let Some(at) = next.iter().position(|s| *s == scope) {
                next.remove(at);
            } else {
                next.push(scope);
            }
            chosen.set(next);
        })
    };
    let copy = {
        let (created, copied) = (created.clone(), copied.clone());
        Callback::from(move |_| {
            if let Some(secret) = &*created {
                let clipboard = gloo::utils::window().navigator().clipboard();
                let copied = copied.clone();
                let promise = clipboard.write_text(secret);
                spawn_local(async move {
                    if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                        copied.set(true);
                    }
                });
            }
        })
    };
    let revoke = |id: String| {
        let (reload, error) = (reload.clone(), error.clone());
        Callback::from(move |_| {
            let (id, reload, error) = (id.clone(), reload.clone(), error.clone());
            spawn_local(async move {
                match api::revoke_api_key(&id).await {
                    Ok(()) => reload.emit(()),
                    Err(failure) => error.set(Some(failure.message)),
                }
            });
        })
    };

    html! {
        <section class="card" aria-labelledby="keys-heading">
            <h2 id="keys-heading">{ "API keys" }</h2>
            <p>{ "Let other tools use the PingToPass API on your behalf. A key can do only what its scopes allow. " }
               <a href="/api/docs">{ "API documentation" }</a></p>
            if let Some(secret) = &*created {
                <div class="secret" role="status" data-testid="new-api-key">
                    <p><strong>{ "Copy your new key now: it will not be shown again." }</strong></p>
                    <code data-testid="api-key-secret">{ secret.clone() }</code>
                    <button class="button button-small" onclick={copy}>{ if *copied { "Copied" } else { "Copy" } }</button>
                </div>
            }
            <form class="form" onsubmit={create}>
                <label>
                    { "Key name" }
                    <input type="text" maxlength="60" required=true value={(*name).clone()}
                        oninput={{ let name = name.clone(); Callback::from(move |e: InputEvent| name.set(input_value(&e))) }}
                        placeholder="e.g. Study dashboard" />
                </label>
                <fieldset>
                    <legend>{ "Scopes" }</legend>
                    { for Scope::ALL.into_iter().map(|scope| html! {
                        <label class="checkbox">
                            <input type="checkbox" checked={chosen.contains(&scope)} onclick={toggle_scope(scope)} />
                            <code>{ scope.as_str() }</code>{ " — " }{ scope_label(scope) }
                        </label>
                    }) }
                </fieldset>
                <button class="button" type="submit">{ "Create key" }</button>
            </form>
            if let Some(text) = &*error {
                <p class="form-error" role="alert">{ text.clone() }</p>
            }
            { match &*keys {
                None => html! { <p>{ "Loading keys…" }</p> },
                Some(list) if list.is_empty() => html! { <p class="empty-state">{ "No API keys yet." }</p> },
                Some(list) => html! {
                    <div class="table-scroll">
                    <table class="keys">
                        <thead><tr><th>{ "Name" }</th><th>{ "Key" }</th><th>{ "Scopes" }</th><th>{ "Created" }</th><th>{ "Last used" }</th><th></th></tr></thead>
                        <tbody>
                        { for list.iter().map(|key| html! {
                            <tr class={classes!(key.revoked_at.is_some().then_some("revoked"))}>
                                <td>{ key.name.clone() }</td>
                                <td><code>{ key.hint.clone() }</code></td>
                                <td>{ key.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ") }</td>
                                <td>{ day(&key.created_at).to_string() }</td>
                                <td>{ key.last_used_at.as_deref().map(day).unwrap_or("never").to_string() }</td>
                                <td>
                                    if key.revoked_at.is_some() {
                                        { "Revoked" }
                                    } else {
                                        <button class="button button-small button-danger" onclick={revoke(key.id.clone())}
                                            aria-label={format!("Revoke {}", key.name)}>{ "Revoke" }</button>
                                    }
                                </td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    </div>
                },
            } }
        </section>
    }
}
