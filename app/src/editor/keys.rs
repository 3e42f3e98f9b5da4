//! The editor's keyboard shortcuts (Node-RED's keymap where it has one).
//!
//! Anywhere but a text field: Ctrl+Z undo, Ctrl+Shift+Z / Ctrl+Y redo.
//! With the focus on the canvas (or nowhere): Delete / Backspace delete,
//! Ctrl+C / Ctrl+V / Ctrl+D copy, paste, duplicate, Ctrl+A select all,
//! arrows move the selection by a grid step (Shift: five) or pan the view,
//! Shift+1 fits, Ctrl + / Ctrl - zoom, 1 to 9 add the palette's kinds,
//! Escape cancels a wire and clears the selection. Space held with the
//! pointer over the canvas turns any drag into a pan (a tap of Space still
//! plays or pauses). Presenter mode has no editing, so none of these apply
//! there.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use sim_core::NodeKind;
use wasm_bindgen::JsCast;

use super::{Editor, GRID, doc};
use crate::state::SimCtx;

fn in_text_field(ev: &KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| crate::focus::is_text_field(&el))
}

/// Whether the canvas's keys apply: the focus is on the canvas, on nothing
/// in particular, or on a button outside a dialog (a click on the toolbar
/// leaves the focus there; the keys should not stop working).
fn canvas_focused() -> bool {
    match document().active_element() {
        None => true,
        Some(el) => {
            el.tag_name() == "BODY"
                || el.closest(".canvas-panel").ok().flatten().is_some()
                || (el.tag_name() == "BUTTON" && !crate::focus::in_dialog(&el))
        }
    }
}

/// Installs the shortcuts for the life of the calling owner.
pub fn use_editor_keys(editor: Editor, ctx: SimCtx) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ctx.screen.presenting.get_untracked() || in_text_field(&ev) || ev.alt_key() {
            return;
        }
        let ctrl = ev.ctrl_key() || ev.meta_key();
        let key = ev.key();
        if key == " " && !ctrl && editor.cursor.get_value().is_some() && canvas_itself_focused() {
            // Held over the canvas: a drag pans. The play / pause shortcut
            // waits for the key to come up without a drag.
            ev.prevent_default();
            ev.stop_immediate_propagation();
            if editor.space.get_value().is_none() {
                editor.space.set_value(Some(false));
            }
            return;
        }
        let handled = match (ctrl, key.as_str()) {
            (true, "z") | (true, "Z") if ev.shift_key() => {
                editor.redo();
                true
            }
            (true, "z") => {
                editor.undo();
                true
            }
            (true, "y") | (true, "Y") => {
                editor.redo();
                true
            }
            _ if !canvas_focused() => false,
            (true, "c") => {
                editor.copy();
                true
            }
            (true, "v") => {
                editor.paste();
                true
            }
            (true, "d") => {
                editor.duplicate();
                true
            }
            (true, "a") => {
                editor.select_all();
                true
            }
            (true, "=") | (true, "+") => {
                editor.zoom(1.2);
                true
            }
            (true, "-") => {
                editor.zoom(1.0 / 1.2);
                true
            }
            (true, _) => false,
            (false, "Delete") | (false, "Backspace") => {
                editor.delete_selection();
                true
            }
            (false, "Escape") => {
                editor.wiring_from.set(None);
                editor.select(std::collections::BTreeSet::clear);
                editor.selected_link.set(None);
                true
            }
            (false, "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") => {
                let step = if ev.shift_key() { 5.0 * GRID } else { GRID };
                let (dx, dy) = match key.as_str() {
                    "ArrowLeft" => (-step, 0.0),
                    "ArrowRight" => (step, 0.0),
                    "ArrowUp" => (0.0, -step),
                    _ => (0.0, step),
                };
                let ids = editor.selection.get_untracked();
                if ids.is_empty() {
                    editor.viewport.update(|v| {
                        v.x -= dx * 2.0;
                        v.y -= dy * 2.0;
                    });
                } else {
                    let (dx, dy) = editor.flow.get_untracked().step((dx, dy));
                    editor.edit(|s| doc::move_nodes(s, &ids, dx, dy));
                }
                true
            }
            _ if ev.code() == "Digit1" && ev.shift_key() => {
                editor.fit();
                true
            }
            (false, digit) if !ev.shift_key() => match digit.parse::<usize>() {
                Ok(n) if (1..=9).contains(&n) && n <= NodeKind::ALL.len() => {
                    editor.add_at(NodeKind::ALL[n - 1], editor.next_spot(true));
                    true
                }
                _ => false,
            },
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    let release = window_event_listener(leptos::ev::keyup, move |ev: KeyboardEvent| {
        if ev.key() == " "
            && let Some(dragged) = editor.space.get_value()
        {
            editor.space.set_value(None);
            ev.prevent_default();
            if !dragged {
                ctx.toggle_play();
            }
        }
    });
    on_cleanup(move || {
        handle.remove();
        release.remove();
    });
}

/// Whether the focus is on the canvas drawing itself (or on nothing), so
/// Space is not meant for a focused button or card.
fn canvas_itself_focused() -> bool {
    match document().active_element() {
        None => true,
        Some(el) => {
            el.tag_name() == "BODY"
                || el.closest("svg.pipeline").ok().flatten().is_some_and(|svg| svg == el)
        }
    }
}
