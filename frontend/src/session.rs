//! Who is using the app, shared through a context: loaded once from `/api/v1/auth/session`,
//! refreshed after anything that changes it.

use ptp_shared::{Me, UserKind};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub enum Identity {
    Loading,
    /// No session in this browser.
    Visitor,
    Guest(Me),
    Member(Me),
}

impl Identity {
    fn from_me(me: Option<Me>) -> Self {
        match me {
            None => Identity::Visitor,
            Some(me) if me.kind == UserKind::Member => Identity::Member(me),
            Some(me) => Identity::Guest(me),
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct SessionContext {
    pub identity: Identity,
    /// Reloads the identity (after sign-out, a profile change…).
    pub reload: Callback<()>,
    /// Replaces it with what an API call already returned.
    pub set: Callback<Option<Me>>,
}

#[derive(Properties, PartialEq)]
pub struct ProviderProps {
    pub children: Html,
}

#[component(SessionProvider)]
pub fn session_provider(props: &ProviderProps) -> Html {
    let identity = use_state(|| Identity::Loading);
    let reload = {
        let identity = identity.clone();
        use_callback((), move |(), _| {
            let identity = identity.clone();
            spawn_local(async move {
                // A failed lookup is not a sign-out: keep what we had, unless we had nothing.
                match crate::api::current_user().await {
                    Ok(me) => identity.set(Identity::from_me(me)),
                    Err(_) if *identity == Identity::Loading => identity.set(Identity::Visitor),
                    Err(_) => {}
                }
            });
        })
    };
    let set = {
        let identity = identity.clone();
        use_callback((), move |me: Option<Me>, _| {
            identity.set(Identity::from_me(me))
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| reload.emit(()));
    }
    let context = SessionContext {
        identity: (*identity).clone(),
        reload,
        set,
    };
    html! {
        <ContextProvider<SessionContext> context={context}>
            { props.children.clone() }
        </ContextProvider<SessionContext>>
    }
}

#[hook]
pub fn use_session() -> SessionContext {
    use_context::<SessionContext>().expect("SessionProvider wraps the app")
}
