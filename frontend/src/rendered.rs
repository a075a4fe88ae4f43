//! Question content arrives rendered: the server turned its Markdown into sanitized HTML once,
//! when it was stored (`ptp_domain::markdown`: raw HTML escaped, only http(s)/mailto links and
//! this site's images), so the SPA ships no Markdown renderer.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RenderedProps {
    /// HTML from the API's `…_html` fields, and nothing else.
    pub html: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    /// Inline content (choice texts, references): a `span`, not a `div`.
    #[prop_or_default]
    pub inline: bool,
}

#[component(Rendered)]
pub fn rendered(props: &RenderedProps) -> Html {
    let tag = if props.inline { "span" } else { "div" };
    html! {
        <@{tag} class={classes!("markdown", props.class.clone())}>
            { Html::from_html_unchecked(props.html.clone()) }
        </@>
    }
}
