//! Question stems and explanations are Markdown. Raw HTML in them is shown as text, never
//! interpreted, so content (including AI-drafted content) cannot inject markup or script.

use pulldown_cmark::{Event, Options, Parser, html};
use yew::prelude::*;

pub fn to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

#[derive(Properties, PartialEq)]
pub struct MarkdownProps {
    pub source: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    /// Inline content (choice texts): no wrapping paragraph.
    #[prop_or_default]
    pub inline: bool,
}

#[component(Markdown)]
pub fn markdown(props: &MarkdownProps) -> Html {
    let mut rendered = to_html(&props.source);
    if props.inline {
        let trimmed = rendered.trim();
        if let Some(inner) = trimmed
            .strip_prefix("<p>")
            .and_then(|t| t.strip_suffix("</p>"))
            && !inner.contains("<p>")
        {
            rendered = inner.to_string();
        }
    }
    let tag = if props.inline { "span" } else { "div" };
    html! {
        <@{tag} class={classes!("markdown", props.class.clone())}>
            { Html::from_html_unchecked(AttrValue::from(rendered)) }
        </@>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_html_stays_text() {
        assert_eq!(
            to_html("**A** is right"),
            "<p><strong>A</strong> is right</p>\n"
        );
        assert!(to_html("```\nshow ip route\n```").contains("<pre><code>show ip route"));
        let hostile = to_html("<script>alert(1)</script> and <img src=x onerror=alert(1)>");
        assert!(
            !hostile.contains("<script") && !hostile.contains("<img"),
            "{hostile}"
        );
        assert!(hostile.contains("&lt;script&gt;"));
    }
}
