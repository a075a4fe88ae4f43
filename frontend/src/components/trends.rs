//! "What candidates say on X": the exam's current trend card (made hourly from the last day's
//! posts), with its age and links to the posts it is drawn from. Nothing at all when there is
//! no card: an exam with too few posts shows no invented trend.

use ptp_shared::{ExamTrends, TrendCard};
use yew::prelude::*;

use crate::remote::{Remote, use_remote};

#[derive(Properties, PartialEq)]
pub struct TrendsProps {
    pub exam: AttrValue,
}

/// "12 minutes ago", "3 hours ago" — from the card's time and the reader's clock.
fn age(rfc3339: &str) -> String {
    let made = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339)).get_time();
    if made.is_nan() {
        return String::new();
    }
    let minutes = ((js_sys::Date::now() - made) / 60_000.0).max(0.0) as u64;
    match minutes {
        0 => "just now".into(),
        1 => "1 minute ago".into(),
        m if m < 60 => format!("{m} minutes ago"),
        m if m < 120 => "1 hour ago".into(),
        m => format!("{} hours ago", m / 60),
    }
}

fn list(title: &str, items: &[String]) -> Html {
    if items.is_empty() {
        return Html::default();
    }
    html! {
        <>
            <h3>{ title.to_string() }</h3>
            <ul>{ for items.iter().map(|item| html! { <li>{ item.clone() }</li> }) }</ul>
        </>
    }
}

fn card(card: &TrendCard) -> Html {
    html! {
        <section class="card trends" aria-labelledby="trends-heading">
            <h2 id="trends-heading">{ "What candidates say on X" }</h2>
            <p class="muted">
                { format!("From {} posts of the last 24 hours · updated {} · summarised by AI", card.post_count, age(&card.generated_at)) }
            </p>
            <p>{ card.summary.clone() }</p>
            { list("On the exam now", &card.topics) }
            { list("Tips", &card.tips) }
            { list("Changes reported", &card.changes) }
            <p class="muted">{ "Posts used: " }
                { for card.posts.iter().enumerate().map(|(i, post)| html! {
                    <>
                        if i > 0 { { " · " } }
                        <a href={post.url.clone()} rel="noopener noreferrer nofollow" target="_blank">{ format!("post {}", i + 1) }</a>
                    </>
                }) }
            </p>
        </section>
    }
}

#[component(ExamTrendsCard)]
pub fn exam_trends_card(props: &TrendsProps) -> Html {
    let (trends, _) = use_remote(props.exam.to_string(), |code: String| async move {
        crate::api::exam_trends(&code).await
    });
    match &*trends {
        Remote::Ready(ExamTrends {
            card: Some(found), ..
        }) => card(found),
        // No card, still loading, or unreachable: the page is complete without it.
        _ => Html::default(),
    }
}
