//! When the app panics, the page must not die silently: a banner, built with
//! plain DOM calls (the reactive system may be broken by then), offers to
//! reload the last good scenario (the address bar always holds it) or to
//! start from the default one.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Installs the panic hook: the console message, then the banner.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_banner();
    }));
}

/// Shows the banner (once): after a panic in the page or in the engine's worker.
pub fn show_banner() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = document.body() else { return };
    if document.query_selector("[data-testid=recovery]").ok().flatten().is_some() {
        return;
    }
    let Ok(banner) = document.create_element("div") else { return };
    banner.set_class_name("recovery");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "recovery");
    let text =
        "Shardplay hit an internal error and stopped. Your scenario is safe in the address bar.";
    let Ok(message) = document.create_element("p") else { return };
    message.set_text_content(Some(text));
    let _ = banner.append_child(&message);
    add_button(&document, &banner, "Reload this scenario", "recovery-reload", false);
    add_button(&document, &banner, "Open the default scenario", "recovery-default", true);
    let _ = body.prepend_with_node_1(&banner);
}

/// A button that reloads the page without its query string (which may hold
/// a debug switch), keeping the scenario in the fragment unless `fresh`.
fn add_button(
    document: &web_sys::Document,
    banner: &web_sys::Element,
    label: &str,
    testid: &str,
    fresh: bool,
) {
    let Ok(button) = document.create_element("button") else { return };
    button.set_text_content(Some(label));
    let _ = button.set_attribute("data-testid", testid);
    let go = Closure::<dyn Fn()>::new(move || {
        let Some(window) = web_sys::window() else { return };
        let location = window.location();
        let path = location.pathname().unwrap_or_default();
        // `#default` skips the document kept in local storage, which may be what broke.
        let hash = if fresh { "#default".to_string() } else { location.hash().unwrap_or_default() };
        let same_page = location.search().unwrap_or_default().is_empty();
        if same_page && !fresh {
            // Only the fragment would change: navigating would not reload.
            let _ = location.reload();
        } else {
            let _ = location.replace(&format!("{path}{hash}"));
        }
    });
    if let Some(target) = button.dyn_ref::<web_sys::HtmlElement>() {
        target.set_onclick(Some(go.as_ref().unchecked_ref()));
    }
    // The banner lives until the page reloads.
    go.forget();
    let _ = banner.append_child(&button);
}

/// Test switch: with `debug=panic` in the query string the app panics a
/// second after it starts, so the end-to-end suite can check the banner.
pub fn panic_requested() -> bool {
    debug_flag("panic")
}

/// Whether the query string holds `debug=<name>`.
pub fn debug_flag(name: &str) -> bool {
    web_sys::window().and_then(|w| w.location().search().ok()).is_some_and(|q| {
        q.trim_start_matches('?').split('&').any(|p| p.strip_prefix("debug=") == Some(name))
    })
}
