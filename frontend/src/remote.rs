//! Data loaded from the API, and a hook that loads it when its inputs change.

use std::future::Future;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::ApiFailure;

#[derive(Debug, Clone, PartialEq)]
pub enum Remote<T> {
    Loading,
    Ready(T),
    Failed(ApiFailure),
}

/// Loads with `load(deps)` whenever `deps` change; `reload` runs it again. Only the newest
/// load lands: a slower, older answer (for inputs since changed) is dropped.
#[hook]
pub fn use_remote<T, D, F, Fut>(deps: D, load: F) -> (UseStateHandle<Remote<T>>, Callback<()>)
where
    T: Clone + PartialEq + 'static,
    D: Clone + PartialEq + 'static,
    F: Fn(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiFailure>> + 'static,
{
    let state = use_state(|| Remote::Loading);
    let latest = use_mut_ref(|| 0u64);
    let load = std::rc::Rc::new(load);
    let run = {
        let state = state.clone();
        let deps = deps.clone();
        let load = load.clone();
        let latest = latest.clone();
        Callback::from(move |()| {
            let (state, future) = (state.clone(), load(deps.clone()));
            let generation = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            let latest = latest.clone();
            spawn_local(async move {
                let outcome = future.await;
                if *latest.borrow() != generation {
                    return;
                }
                state.set(match outcome {
                    Ok(value) => Remote::Ready(value),
                    Err(failure) => Remote::Failed(failure),
                });
            });
        })
    };
    {
        let run = run.clone();
        let state = state.clone();
        use_effect_with(deps, move |_| {
            state.set(Remote::Loading);
            run.emit(());
        });
    }
    (state, run)
}

/// The usual rendering of loading and failure.
pub fn placeholder<T>(remote: &Remote<T>, what: &str) -> Option<Html> {
    match remote {
        Remote::Loading => {
            Some(html! { <p class="loading" role="status">{ format!("Loading {what}…") }</p> })
        }
        Remote::Failed(failure) => {
            Some(html! { <p class="form-error" role="alert">{ failure.message.clone() }</p> })
        }
        Remote::Ready(_) => None,
    }
}
