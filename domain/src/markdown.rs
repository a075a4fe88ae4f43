//! Question content is Markdown, rendered here once (when it is stored) to the HTML learners
//! see. Raw HTML in it is shown as text, never interpreted, so content (including AI-drafted
//! content) cannot inject markup or script. Links keep only http(s) and mailto destinations,
//! images only this site's own files; anything else is shown as its text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

fn safe_link(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// A path on this site (`/…`), not a protocol-relative URL to another host.
fn own_image(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//") && !url.starts_with("/\\")
}

/// Block content (a stem, an explanation): paragraphs, lists, code, tables.
pub fn to_html(markdown: &str) -> String {
    // A dropped link or image keeps its text; its end tag is dropped with it.
    let mut dropped: Vec<bool> = vec![];
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let keep = safe_link(dest_url);
            dropped.push(!keep);
            keep.then_some(event)
        }
        Event::Start(Tag::Image { ref dest_url, .. }) => {
            let keep = own_image(dest_url);
            dropped.push(!keep);
            keep.then_some(event)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            (!dropped.pop().unwrap_or(false)).then_some(event)
        }
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

/// Inline content (a choice, a reference): a lone paragraph loses its `<p>`, so it can sit in a
/// label or a list item; anything longer stays as blocks.
pub fn to_inline_html(markdown: &str) -> String {
    let rendered = to_html(markdown);
    let trimmed = rendered.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|inner| inner.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => rendered,
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

    #[test]
    fn inline_content_loses_a_lone_paragraph_only() {
        assert_eq!(to_inline_html("Port **443**"), "Port <strong>443</strong>");
        assert_eq!(to_inline_html("one\n\ntwo"), "<p>one</p>\n<p>two</p>\n");
        assert_eq!(to_inline_html("<b>x</b>"), "&lt;b&gt;x&lt;/b&gt;");
    }

    #[test]
    fn links_keep_only_http_and_mailto_and_images_only_the_sites_own() {
        assert_eq!(
            to_html("[docs](https://docs.aws.amazon.com/) or [mail](mailto:a@b.example)"),
            "<p><a href=\"https://docs.aws.amazon.com/\">docs</a> or <a href=\"mailto:a@b.example\">mail</a></p>\n"
        );
        for hostile in [
            "[x](javascript:alert(1))",
            "[x]( JavaScript:alert(1))",
            "[x](data:text/html,hi)",
            "[x](vbscript:msgbox)",
            "<javascript:alert(1)>",
        ] {
            let html = to_html(hostile);
            assert!(!html.contains("<a"), "{hostile} → {html}");
        }
        assert_eq!(to_html("[x](javascript:alert(1))"), "<p>x</p>\n");
        assert!(to_html("![diagram](/static/vlan.svg)").contains("<img src=\"/static/vlan.svg\""));
        for foreign in [
            "![t](https://tracker.example/p.gif)",
            "![t](//tracker.example/p.gif)",
            "![t](data:image/png;base64,AAAA)",
        ] {
            let html = to_html(foreign);
            assert!(!html.contains("<img"), "{foreign} → {html}");
            assert!(html.contains('t'), "the alt text stays: {html}");
        }
    }
}
