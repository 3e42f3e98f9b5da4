//! Bottom sheets on a phone (issue 24): the selected node's knobs and
//! charts, and the palette, slide up over the lower part of the screen
//! instead of sitting a long scroll below the canvas. Which one is open is
//! `Editor::sheet`; whether the screen is a phone is [`Phone`], the same
//! media query as `styles/screens.css`. Wider screens lay both out in the
//! page as before: there the sheet's wrapper is `display: contents` and its
//! header is hidden, and it carries no dialog role.
//!
//! A sheet is a non-modal dialog (`aria-modal="false"`): the canvas above
//! it stays live and reachable. It takes the focus when it opens (unless a
//! link already put it on one of its fields), gives it back to the card (or
//! the Add button) when Close or Escape shuts it, and scrolls on its own.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::editor::{Editor, Sheet, doc};

/// Phones, upright or held sideways: the screens that get sheets. Keep it
/// equal to the phone rules in `styles/screens.css`.
const PHONE_QUERY: &str = "(max-width: 700px), (max-width: 900px) and (max-height: 500px)";

/// Whether the page gets sheets: a phone's screen (follows rotation and
/// resizing), and neither presenter mode nor an embed, which show no
/// editing (their CSS hides what the sheets hold).
#[derive(Clone, Copy)]
pub struct Phone(Memo<bool>);

impl Phone {
    /// Watches the screen for the life of the calling owner.
    pub fn watch(presenting: RwSignal<bool>) -> Self {
        let matches =
            || window().match_media(PHONE_QUERY).ok().flatten().is_some_and(|m| m.matches());
        let screen = RwSignal::new(matches());
        let handle = window_event_listener(leptos::ev::resize, move |_| {
            let now = matches();
            if screen.get_untracked() != now {
                screen.set(now);
            }
        });
        on_cleanup(move || handle.remove());
        let embedded = super::embed::is_embedded();
        Phone(Memo::new(move |_| screen.get() && !embedded && !presenting.get()))
    }

    pub fn get(self) -> bool {
        self.0.get()
    }
}

/// Whether the node's sheet is on screen: a phone, the sheet open, and
/// exactly one node selected.
pub fn node_sheet_shown(editor: Editor, phone: Phone) -> Memo<bool> {
    Memo::new(move |_| {
        phone.get()
            && matches!(editor.sheet.get(), Sheet::Node { .. })
            && editor.selection.with(|s| s.len() == 1)
    })
}

/// Focuses an HTML or SVG element (a card is an SVG `<g>`).
pub(crate) fn focus_element(el: &web_sys::Element) {
    let focus = js_sys::Reflect::get(el, &"focus".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(focus) = focus {
        let _ = focus.call0(el);
    }
}

/// Whether a modal dialog (the gallery, the lessons, Export) is shown (they
/// stay in the page, with the class `shown` while open): its Escape is its
/// own.
fn modal_open() -> bool {
    document().query_selector("[aria-modal='true'].shown").ok().flatten().is_some()
}

/// Scrolls the page so the canvas starts at the top of the screen, above
/// the sheet (the page has room: it is padded by the sheet's height).
pub(crate) fn canvas_to_top() {
    let Some(canvas) = document().query_selector("svg.pipeline").ok().flatten() else { return };
    let top = canvas.get_bounding_client_rect().top();
    if top.abs() > 1.0 {
        let y = window().scroll_y().unwrap_or_default();
        window().scroll_to_with_x_and_y(0.0, (y + top - 4.0).max(0.0));
    }
}

/// What every sheet does: Escape closes it (unless a modal dialog is open
/// over it: its Escape is its own), and opening brings the canvas to the
/// top of the screen (under a phone's tall toolbar it would sit behind the
/// sheet), then runs `opened` once the sheet is drawn.
pub(crate) fn sheet_behaviour(
    shown: Memo<bool>,
    close: impl Fn() + Copy + 'static,
    opened: impl Fn() + Copy + 'static,
) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && shown.get_untracked() && !modal_open() {
            ev.prevent_default();
            close();
        }
    });
    on_cleanup(move || handle.remove());
    Effect::new(move |was: Option<bool>| {
        let now = shown.get();
        if now && was != Some(true) {
            canvas_to_top();
            request_animation_frame(opened);
        }
        now
    });
}

/// The selected node's card, to give the focus back to.
fn selected_card(editor: Editor) -> Option<web_sys::Element> {
    let id = editor.selection.with_untracked(|s| (s.len() == 1).then(|| s.first().cloned()))??;
    document().query_selector(&format!("[data-testid=\"node-{id}\"]")).ok().flatten()
}

/// Pans the canvas up so the selected card shows above the sheet: a card
/// low in a tall pipeline would sit under it.
fn card_above(editor: Editor, sheet: &web_sys::Element) {
    let Some(card) = selected_card(editor) else { return };
    let (c, s) = (card.get_bounding_client_rect(), sheet.get_bounding_client_rect());
    let under = c.bottom() - (s.top() - 12.0);
    if under > 0.0 {
        editor.viewport.update(|v| v.y -= under);
    }
}

/// The node's sheet around `children` (the inspector and the node's
/// interventions), with the node's charts under them while it is shown.
#[component]
pub fn NodeSheet(shown: Memo<bool>, charts: ViewFn, children: Children) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let sheet_ref = NodeRef::<leptos::html::Div>::new();
    let close_ref = NodeRef::<leptos::html::Button>::new();
    let full = move || matches!(editor.sheet.get(), Sheet::Node { full: true });
    let title = move || {
        let id = editor.selection.with(|s| s.first().cloned())?;
        editor.doc.with(|d| doc::index_of(d, &id).map(|i| d.nodes[i].label().to_string()))
    };
    // Close and Escape give the focus back to the card the sheet is about.
    let close = move || {
        editor.sheet.set(Sheet::Closed);
        if let Some(card) = selected_card(editor) {
            focus_element(&card);
        }
    };
    // Opened, the card shows above the sheet and the focus moves in,
    // unless a link to a knob already put it on that knob's field.
    sheet_behaviour(shown, close, move || {
        let (Some(sheet), Some(button)) = (sheet_ref.get_untracked(), close_ref.get_untracked())
        else {
            return;
        };
        card_above(editor, &sheet);
        let inside = document().active_element().is_some_and(|a| sheet.contains(Some(&a)));
        if !inside {
            let _ = button.focus();
        }
    });
    let toggle_full = move |_| {
        editor.sheet.update(|s| {
            if let Sheet::Node { full } = s {
                *full = !*full;
            }
        })
    };
    view! {
        <div
            class="sheet node-sheet"
            class:open=move || shown.get()
            class:full=full
            node_ref=sheet_ref
            role=move || shown.get().then_some("dialog")
            aria-modal=move || shown.get().then_some("false")
            aria-labelledby=move || shown.get().then_some("node-sheet-title")
            data-testid="node-sheet"
        >
            <header class="sheet-head">
                <span class="sheet-handle" aria-hidden="true"></span>
                <h2 id="node-sheet-title" data-testid="node-sheet-title">{title}</h2>
                <button
                    class="sheet-button"
                    data-testid="node-sheet-expand"
                    aria-pressed=move || full().to_string()
                    on:click=toggle_full
                >
                    "Full height"
                </button>
                <button
                    class="sheet-button"
                    data-testid="node-sheet-close"
                    node_ref=close_ref
                    on:click=move |_| close()
                >
                    <span aria-hidden="true">"✕ "</span>
                    "Close"
                </button>
            </header>
            <div class="sheet-body">
                {children()}
                {move || shown.get().then(|| charts.run())}
            </div>
        </div>
    }
}
