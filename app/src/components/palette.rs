//! The palette: one button per node kind the engine knows (`NodeKind::ALL`),
//! so a kind added to sim-core appears here with no app code. Click (or
//! Enter) adds the kind beside the selected node or in the middle of the
//! view; drag it onto the canvas to place it there; number keys add it at
//! the pointer.

use leptos::prelude::*;
use sim_core::NodeKind;

use crate::editor::Editor;

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
        let Some(svg) = document().query_selector("svg.pipeline").ok().flatten() else { return };
        let r = svg.get_bounding_client_rect();
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        if x >= r.left() && x <= r.right() && y >= r.top() && y <= r.bottom() {
            let world = editor.viewport.get_untracked().to_world(x - r.left(), y - r.top());
            editor.add_at(kind, world);
        }
    });
    on_cleanup(move || handle.remove());
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
                        }
                    >
                        <span class="palette-badge" aria-hidden="true">{kind.badge()}</span>
                        <span class="palette-title">
                            <span class="sr-only">"Add a "</span>
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
            <ul>{items}</ul>
        </nav>
    }
}
