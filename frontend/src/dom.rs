//! Small helpers over the browser's DOM.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The text of an `<input>` or `<textarea>` event.
pub fn input_value(event: &InputEvent) -> String {
    let target = event.target();
    if let Some(area) = target
        .as_ref()
        .and_then(|t| t.dyn_ref::<web_sys::HtmlTextAreaElement>())
    {
        return area.value();
    }
    event
        .target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

/// The value a `<select>`'s change event chose.
pub fn select_value(event: &Event) -> String {
    event
        .target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

/// A shortcut key meant for the page: not typed into a field, not activating a focused button or
/// link, not a browser shortcut, and no modal dialog open.
pub fn is_page_shortcut(event: &KeyboardEvent) -> bool {
    if event.ctrl_key() || event.meta_key() || event.alt_key() || event.default_prevented() {
        return false;
    }
    let document = gloo::utils::document();
    if document
        .query_selector("dialog[open]")
        .ok()
        .flatten()
        .is_some()
    {
        return false;
    }
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return true;
    };
    let typing = matches!(element.tag_name().as_str(), "TEXTAREA" | "SELECT")
        || element
            .dyn_ref::<web_sys::HtmlInputElement>()
            .is_some_and(|input| !matches!(input.type_().as_str(), "radio" | "checkbox"));
    let activating =
        event.key() == "Enter" && matches!(element.tag_name().as_str(), "BUTTON" | "A");
    !typing && !activating
}

/// Calls the latest `handler` on every keydown anywhere on the page while the component lives.
#[hook]
pub fn use_keydown(handler: Callback<KeyboardEvent>) {
    let latest = use_mut_ref(|| handler.clone());
    *latest.borrow_mut() = handler;
    use_effect_with((), move |_| {
        let document = gloo::utils::document();
        // Not passive: handled shortcuts cancel the browser's default (Enter, digits).
        let options = EventListenerOptions::enable_prevent_default();
        let listener =
            EventListener::new_with_options(&document, "keydown", options, move |event| {
                if let Some(event) = event.dyn_ref::<KeyboardEvent>() {
                    let handler = latest.borrow().clone();
                    handler.emit(event.clone());
                }
            });
        move || drop(listener)
    });
}

/// Scrolls to the top and moves focus to the element with `id` (a heading), so keyboard and
/// screen-reader users land on the new content.
pub fn focus_heading(id: &str) {
    gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
    if let Some(element) = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// An RFC 3339 time from the API in the reader's own time zone and format.
pub fn local_time(rfc3339: &str) -> String {
    local(rfc3339, &[("dateStyle", "medium"), ("timeStyle", "short")])
}

/// The day of an RFC 3339 time from the API, in the reader's own time zone and format.
pub fn local_date(rfc3339: &str) -> String {
    local(rfc3339, &[("dateStyle", "long")])
}

fn local(rfc3339: &str, style: &[(&str, &str)]) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_string();
    }
    let options = js_sys::Object::new();
    for (key, value) in style {
        let _ = js_sys::Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    date.to_locale_string("default", &options).into()
}

/// Leaves the app for `url` (Stripe's checkout or billing portal), keeping this page in the
/// history so the browser's Back button returns here.
pub fn go_to(url: &str) {
    let _ = gloo::utils::window().location().assign(url);
}
