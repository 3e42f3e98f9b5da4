//! The palette: one button per node kind the engine knows (`NodeKind::ALL`),
//! so a kind added to sim-core appears here with no app code. Click (or
//! Enter) adds the kind beside the selected node or in the middle of the
//! view; drag it onto the canvas to place it there; number keys add it at
//! the pointer. On a phone the list is a bottom sheet behind an "Add a
//! node" button: a tap on a kind adds it and closes the sheet.

use leptos::prelude::*;
use sim_core::NodeKind;

use super::sheet::{Phone, focus_element, sheet_behaviour};
use crate::editor::{Editor, Sheet};

/// The number key that adds `NodeKind::ALL[index]`, if it has one.
pub fn key_for(index: usize) -> Option<char> {
    char::from_digit(u32::try_from(index + 1).ok()?, 10).filter(|_| index < 9)
}

/// The palette.
#[component]
pub fn Palette() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let dragging = StoredValue::new(None::<NodeKind>);
    // A drag from the palette ends wherever the pointer is let go; over the
    // canvas it places the node there.
    let handle = window_event_listener(leptos::ev::pointerup, move |ev| {
        let Some(kind) = dragging.get_value() else { return };
        dragging.set_value(None);
        // Let go on the palette itself: a click, which adds it (the sheet on
        // a phone may lie over the canvas).
        let on_palette = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest(".palette").ok().flatten())
            .is_some();
        if on_palette {
            return;
        }
        let Some(svg) = document().query_selector("svg.pipeline").ok().flatten() else { return };
        let r = svg.get_bounding_client_rect();
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        if x >= r.left() && x <= r.right() && y >= r.top() && y <= r.bottom() {
            let world = editor.viewport.get_untracked().to_world(x - r.left(), y - r.top());
            editor.add_at(kind, world);
        }
    });
    on_cleanup(move || handle.remove());
    let phone = expect_context::<Phone>();
    let open_ref = NodeRef::<leptos::html::Button>::new();
    let sheet_ref = NodeRef::<leptos::html::Div>::new();
    let shown = Memo::new(move |_| phone.get() && editor.sheet.get() == Sheet::Palette);
    // Closing gives the focus back to the Add button.
    let close = move || {
        editor.sheet.set(Sheet::Closed);
        if let Some(button) = open_ref.get_untracked() {
            let _ = button.focus();
        }
    };
    // Opened, the focus moves onto the first kind.
    sheet_behaviour(shown, close, move || {
        let first = sheet_ref
            .get_untracked()
            .and_then(|s| s.query_selector(".palette-item").ok().flatten());
        if let Some(first) = first {
            focus_element(&first);
        }
    });
    let items = NodeKind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let key = key_for(i);
            let hint = match key {
                Some(k) => format!("{} Click or Enter adds it; drag it onto the canvas; key {k} adds it at the pointer.", kind.summary()),
                None => format!("{} Click or Enter adds it; drag it onto the canvas.", kind.summary()),
            };
            view! {
                <li>
                    <button
                        class=format!("palette-item kind-{}", kind.as_str())
                        data-testid=format!("palette-{}", kind.as_str())
                        data-key=key.map(String::from)
                        title=hint
                        on:pointerdown=move |ev| {
                            if ev.button() == 0 {
                                dragging.set_value(Some(kind));
                            }
                        }
                        on:click=move |_| {
                            dragging.set_value(None);
                            editor.add_at(kind, editor.next_spot(false));
                            if shown.get_untracked() {
                                close();
                            }
                        }
                    >
                        <span class="palette-badge" aria-hidden="true">{kind.badge()}</span>
                        <span class="palette-title">
                            <span class="sr-only">{format!("Add {} ", article(kind.title()))}</span>
                            {kind.title()}
                        </span>
                        {key.map(|k| view! { <kbd aria-hidden="true">{k.to_string()}</kbd> })}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="palette editor-chrome" aria-label="Add a node" data-testid="palette">
            <h2 class="eyebrow">"Add"</h2>
            <button
                class="palette-open"
                data-testid="add-node"
                node_ref=open_ref
                aria-expanded=move || shown.get().to_string()
                aria-controls="palette-sheet"
                on:click=move |_| editor.sheet.set(Sheet::Palette)
            >
                <span aria-hidden="true">"+ "</span>
                "Add a node"
            </button>
            <div
                id="palette-sheet"
                class="sheet palette-sheet"
                class:open=move || shown.get()
                node_ref=sheet_ref
                role=move || shown.get().then_some("dialog")
                aria-modal=move || shown.get().then_some("false")
                aria-labelledby=move || shown.get().then_some("palette-sheet-title")
                data-testid="add-sheet"
            >
                <header class="sheet-head">
                    <span class="sheet-handle" aria-hidden="true"></span>
                    <h2 id="palette-sheet-title">"Add a node"</h2>
                    <button
                        class="sheet-button"
                        data-testid="add-sheet-close"
                        on:click=move |_| close()
                    >
                        <span aria-hidden="true">"✕ "</span>
                        "Close"
                    </button>
                </header>
                <ul class="sheet-body">{items}</ul>
            </div>
        </nav>
    }
}

/// "a" or "an" before `title`, by how it is said: an initialism by its
/// first letter's name ("an SQS queue", "a KCL application"), a word by its
/// first letter.
fn article(title: &str) -> &'static str {
    let mut letters = title.chars();
    let (first, second) = (letters.next().unwrap_or(' '), letters.next().unwrap_or(' '));
    let vowel_sound = if second.is_ascii_uppercase() {
        "AEFHILMNORSX".contains(first)
    } else {
        "AEIOUaeiou".contains(first)
    };
    if vowel_sound { "an" } else { "a" }
}

#[cfg(test)]
mod tests {
    #[test]
    fn articles_follow_how_a_title_is_said() {
        for (title, article) in [
            ("SQS queue", "an"),
            ("MSK cluster", "an"),
            ("KCL application", "a"),
            ("Lambda function", "a"),
            ("Flink application", "a"),
            ("Producer", "a"),
        ] {
            assert_eq!(super::article(title), article, "{title}");
        }
    }
}
