use yew::prelude::*;

/// The exam catalogue. The catalogue API (`GET /api/v1/exams`) arrives with the learning core;
/// until then the page says so plainly rather than showing made-up exams.
#[component(Exams)]
pub fn exams() -> Html {
    html! {
        <section>
            <h1>{ "Exam catalogue" }</h1>
            <p class="empty-state" data-testid="catalogue-empty">
                { "No exams are published yet. CompTIA Security+, AWS Solutions Architect Associate and \
                   Cisco CCNA are being prepared." }
            </p>
        </section>
    }
}
