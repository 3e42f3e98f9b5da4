//! A modal dialog over the page (the gallery, the lessons, the export):
//! one shell, so each behaves alike for the keyboard and a screen reader.

use leptos::prelude::*;

/// A backdrop, then the dialog: its title (also its accessible name), an
/// optional hint beside it, a Close button, then `children`. Close, Escape
/// or a click on the backdrop closes it; while it is open the focus stays
/// inside it, and it returns to what opened it (`focus::use_dialog_focus`).
#[component]
pub fn Modal(
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// The heading.
    title: &'static str,
    /// The Close button's accessible name ("Close the gallery").
    close_label: &'static str,
    /// The dialog's `data-testid`.
    testid: &'static str,
    /// Classes of its own (size and layout).
    #[prop(optional)]
    class: &'static str,
    /// One line beside the title.
    #[prop(optional)]
    hint: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Section>::new();
    crate::focus::use_dialog_focus(open, dialog);
    let close = move || open.set(false);
    view! {
        <div class="modal-backdrop" class:shown=move || open.get() on:click=move |_| close()></div>
        <section
            class=format!("modal {class}")
            node_ref=dialog
            class:shown=move || open.get()
            role="dialog"
            aria-modal="true"
            aria-label=title
            data-testid=testid
        >
            <div class="modal-head">
                <h2>{title}</h2>
                {hint.map(|hint| view! { <span class="modal-hint">{hint}</span> })}
                <button class="ghost-button modal-close" aria-label=close_label on:click=move |_| close()>
                    "Close"
                </button>
            </div>
            {children()}
        </section>
    }
}
