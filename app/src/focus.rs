//! Where the keyboard focus is, for the shortcuts: they work whenever the
//! focus is not in a text field, so clicking a button does not switch them
//! off; only the keys a focused control uses itself (Space and Enter on a
//! button, a link or a checkbox) are left to it.

use leptos::ev::KeyboardEvent;
use wasm_bindgen::JsCast;

/// Whether the element receives typed text (or arrow keys as a value):
/// text inputs, sliders, selects, text areas, editable content.
pub fn is_text_field(el: &web_sys::Element) -> bool {
    match el.tag_name().as_str() {
        "SELECT" | "TEXTAREA" => true,
        "INPUT" => !matches!(
            el.get_attribute("type").as_deref(),
            Some("checkbox" | "radio" | "button" | "submit" | "reset")
        ),
        _ => el.get_attribute("contenteditable").is_some_and(|v| v != "false"),
    }
}

/// Whether the element acts on Space and Enter itself (a button, a link, a
/// checkbox or anything with a button's role).
pub fn is_activatable(el: &web_sys::Element) -> bool {
    matches!(el.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY" | "INPUT")
        || matches!(el.get_attribute("role").as_deref(), Some("button" | "tab" | "link"))
}

fn target(ev: &KeyboardEvent) -> Option<web_sys::Element> {
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

/// Whether a shortcut should leave this key press alone: typing in a text
/// field, or Space / Enter on a control that uses them.
pub fn leave_to_focused(ev: &KeyboardEvent) -> bool {
    target(ev).is_some_and(|el| {
        is_text_field(&el) || (matches!(ev.key().as_str(), " " | "Enter") && is_activatable(&el))
    })
}

/// Whether the focus is inside a dialog (its keys are its own).
pub fn in_dialog(el: &web_sys::Element) -> bool {
    el.closest("dialog, [role=dialog]").ok().flatten().is_some()
}
