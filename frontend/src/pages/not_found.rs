use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;

#[component(NotFound)]
pub fn not_found() -> Html {
    html! {
        <section>
            <h1>{ "Page not found" }</h1>
            <p>{ "There is nothing at this address. It may have moved, or the link may be mistyped." }</p>
            <Link<Route> to={Route::Home} classes="button">{ "Go to the home page" }</Link<Route>>
        </section>
    }
}
