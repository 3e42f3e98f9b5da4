//! Embeds for courses and blog posts: `?embed` in the address shows only
//! the canvas, the play controls, the clock and the headline figures
//! (styles/screens.css, on `html.embedded`), sized to its iframe, with a
//! link that opens the same scenario in the full app. "Copy embed code"
//! gives the iframe snippet for the scenario on screen.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::SimCtx;

/// The query's parameters other than `embed`.
fn other_params(search: &str) -> Vec<&str> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && *p != "embed" && !p.starts_with("embed="))
        .collect()
}

/// Whether the address asks for the embedded view (`?embed`).
pub fn is_embedded() -> bool {
    let search = window().location().search().unwrap_or_default();
    search.trim_start_matches('?').split('&').any(|p| p == "embed" || p.starts_with("embed="))
}

thread_local! {
    /// Whether an embedded page is scrolled out of its host page's view.
    static OFFSCREEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the run should hold still because nobody can see it: an embed
/// scrolled out of view. (A hidden tab gets no animation frames at all.)
pub fn offscreen() -> bool {
    OFFSCREEN.with(std::cell::Cell::get)
}

/// Marks the page as embedded when the address asks for it, and then
/// watches whether the frame is in the host page's view.
pub fn use_embed_mode() {
    let embedded = is_embedded();
    if let Some(root) = document().document_element() {
        let _ = root.class_list().toggle_with_force("embedded", embedded);
    }
    if embedded {
        watch_visibility();
    }
}

/// An IntersectionObserver on this document's root: its implicit root is
/// the top-level viewport, so it sees the iframe scrolled out of the host
/// page (through js_sys, which needs no web-sys features).
fn watch_visibility() {
    use wasm_bindgen::closure::Closure;
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(|entries: js_sys::Array| {
        let last = entries.get(entries.length().saturating_sub(1));
        let seen = js_sys::Reflect::get(&last, &"isIntersecting".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        OFFSCREEN.with(|o| o.set(!seen));
    });
    let observer = js_sys::Reflect::get(&window(), &"IntersectionObserver".into())
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
        .and_then(|c| js_sys::Reflect::construct(&c, &js_sys::Array::of1(callback.as_ref())).ok());
    let Some(observer) = observer else { return };
    let observe = js_sys::Reflect::get(&observer, &"observe".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let (Some(observe), Some(root)) = (observe, document().document_element()) {
        let _ = observe.call1(&observer, &root);
    }
    // The observer lives as long as the page.
    callback.forget();
}

/// This page's address without its query and fragment.
fn page_address() -> String {
    let loc = window().location();
    format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
}

/// The full app on the scenario on screen: the address without `embed`.
fn full_app_href() -> String {
    let loc = window().location();
    let kept = other_params(&loc.search().unwrap_or_default()).join("&");
    let query = if kept.is_empty() { String::new() } else { format!("?{kept}") };
    format!("{}{query}{}", page_address(), loc.hash().unwrap_or_default())
}

/// `text` safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The iframe snippet that embeds the scenario on screen.
fn embed_code(title: &str) -> String {
    let hash = window().location().hash().unwrap_or_default();
    format!(
        r#"<iframe src="{}?embed{}" title="Shardplay: {}" width="100%" height="520" style="border:0" loading="lazy"></iframe>"#,
        attribute(&page_address()),
        attribute(&hash),
        attribute(title),
    )
}

/// "Open in Shardplay": shown only when embedded; opens the same scenario
/// (the link's fragment, as it is when clicked) in a new tab.
#[component]
pub fn OpenInShardplay() -> impl IntoView {
    view! {
        <a
            class="open-full"
            data-testid="open-full"
            href=full_app_href()
            target="_blank"
            rel="noopener"
            on:click=|ev| {
                if let Some(a) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    let _ = a.set_attribute("href", &full_app_href());
                }
            }
        >
            "Open in Shardplay ↗"
        </a>
    }
}

/// Copies the iframe snippet for the scenario on screen.
#[component]
pub fn CopyEmbed() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let editor = expect_context::<crate::editor::Editor>();
    let copy = move |_| {
        let code = embed_code(&editor.doc.with_untracked(|d| d.name.clone()));
        let promise = window().navigator().clipboard().write_text(&code);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => ctx
                    .tell("Embed code copied: paste it into a course page or a blog post.", false),
                Err(_) => ctx.tell(format!("Copy this into your page to embed it: {code}"), false),
            }
        });
    };
    view! {
        <button
            data-testid="copy-embed"
            title="Copy the HTML that embeds this scenario in a course page or a blog post (an iframe with the canvas, the play controls and the headline figures)"
            on:click=copy
        >
            "Copy embed code"
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_is_taken_out_of_the_query_and_nothing_else() {
        assert_eq!(other_params("?embed"), Vec::<&str>::new());
        assert_eq!(other_params("?present&embed&debug=perf"), vec!["present", "debug=perf"]);
        assert_eq!(other_params(""), Vec::<&str>::new());
    }

    #[test]
    fn attributes_are_escaped() {
        assert_eq!(attribute(r#"a "b" <c> & d"#), "a &quot;b&quot; &lt;c&gt; &amp; d");
    }
}
