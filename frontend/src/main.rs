//! The PingToPass single-page app. Talks to the API under `/api` on its own origin.

fn main() {
    yew::Renderer::<ptp_frontend::App>::new().render();
}
