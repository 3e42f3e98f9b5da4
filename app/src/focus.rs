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

/// Moves the focus into a dialog when `open` turns true (onto its first
/// button, its Close) and back to the control that had it, the one that
/// opened the dialog, when it turns false (Close, Escape, the backdrop).
/// While it is open, Tab and Shift+Tab go round its own controls (it is
/// modal: what is behind it is out of reach), and Escape closes it.
pub fn use_dialog_focus(
    open: leptos::prelude::RwSignal<bool>,
    dialog: leptos::prelude::NodeRef<leptos::html::Section>,
) {
    use leptos::prelude::*;
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if !open.get_untracked() {
            return;
        }
        if ev.key() == "Escape" {
            ev.prevent_default();
            open.set(false);
            return;
        }
        if ev.key() != "Tab" {
            return;
        }
        let Some(dialog) = dialog.get_untracked() else { return };
        const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])";
        let all = dialog.get_elements_by_tag_name("*");
        let items: Vec<web_sys::HtmlElement> = (0..all.length())
            .filter_map(|i| all.item(i))
            .filter(|el| el.matches(FOCUSABLE).unwrap_or(false))
            .filter_map(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|el| el.offset_parent().is_some())
            .collect();
        let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
        let active = document().active_element();
        let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.as_ref());
        let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
        let to = if !inside {
            Some(first)
        } else if ev.shift_key() && at(first) {
            Some(last)
        } else if !ev.shift_key() && at(last) {
            Some(first)
        } else {
            None
        };
        if let Some(el) = to {
            ev.prevent_default();
            let _ = el.focus();
        }
    });
    on_cleanup(move || handle.remove());
    Effect::new(move |was: Option<bool>| {
        let now = open.get();
        if now && was != Some(true) {
            let active = document().active_element().and_then(|e| e.dyn_into().ok());
            opener.set_value(active);
            request_animation_frame(move || {
                let first = dialog
                    .get_untracked()
                    .and_then(|d| d.query_selector("button").ok().flatten())
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(el) = first {
                    let _ = el.focus();
                }
            });
        } else if !now
            && was == Some(true)
            && let Some(el) = opener.get_value().filter(|el| el.is_connected())
        {
            let _ = el.focus();
        }
        now
    });
}
