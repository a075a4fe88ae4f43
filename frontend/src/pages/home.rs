use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;

#[component(Home)]
pub fn home() -> Html {
    html! {
        <section class="hero">
            <h1>{ "Pass your IT certification on the first try" }</h1>
            <p class="lede">
                { "Practise real exam objectives with instant feedback and explanations, sit timed mock exams \
                   scored like the real ones, and review your mistakes when you are about to forget them." }
            </p>
            <Link<Route> to={Route::Exams} classes="button">{ "Browse exams" }</Link<Route>>
            <ul class="features">
                <li><h2>{ "Practice" }</h2><p>{ "Every answer explained: why the key is right and each distractor wrong." }</p></li>
                <li><h2>{ "Mock exams" }</h2><p>{ "Timed, scaled and ruled like CompTIA, AWS and Cisco run them." }</p></li>
                <li><h2>{ "Readiness" }</h2><p>{ "See your chance of passing, domain by domain." }</p></li>
            </ul>
        </section>
    }
}
