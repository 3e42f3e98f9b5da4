//! The address bar as the scenario's home: the URL fragment always holds the
//! current scenario (`#s=...`, see `sim_core::share`), so copying the
//! address shares exactly what is on screen, and opening it reproduces the
//! run bit for bit.

use leptos::prelude::*;
use sim_core::plain::summarize;
use sim_core::share::{decode_fragment, encode_fragment, has_scenario};
use sim_core::{Issue, Scenario, ValidScenario};

/// The scenario a link carries, if the page was opened with one: `Ok(None)`
/// without a scenario, `Err` with the notice to show when the link is
/// damaged or its pipeline does not run here.
pub fn scenario_from_link(showing: &str) -> Result<Option<ValidScenario>, String> {
    let hash = window().location().hash().unwrap_or_default();
    if !has_scenario(&hash) {
        return Ok(None);
    }
    let scenario = decode_fragment(&hash).map_err(|issues| explain(&issues, showing))?;
    crate::editor::admit(&scenario).map(Some).map_err(|issues| {
        let words = sim_core::plain::issues_in_words(&issues, &scenario);
        format!(
            "This link's pipeline does not run here: {}. Meanwhile this is {showing}.",
            summarize(&words)
        )
    })
}

/// Writes the scenario into the address bar without adding a history entry
/// (edits to the scenario on screen).
pub fn write_link(valid: &ValidScenario) {
    write_scenario(valid.scenario());
}

/// Writes a scenario that may not run yet (an editor draft) into the
/// address bar, without adding a history entry.
pub fn write_scenario(scenario: &Scenario) {
    let url = format!("#{}", encode_fragment(scenario));
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Writes the scenario into the address bar as a new history entry
/// (opening another scenario: Back returns to the previous one).
pub fn push_link(valid: &ValidScenario) {
    let url = format!("#{}", encode_fragment(valid.scenario()));
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Explains a link that could not be opened, for the notice bar, in
/// people's words: what to do about it, not the parser's internals;
/// `showing` names what is on screen instead ("the default scenario").
pub fn explain(issues: &[Issue], showing: &str) -> String {
    let newer = issues.iter().any(|i| i.message.contains("newer than this build"));
    let what = if newer {
        "it was made with a newer Shardplay. Reload the page to update, then open it again"
    } else {
        "it is damaged or cut short (links sometimes lose their end when copied). Ask whoever \
         sent it for the link again"
    };
    format!("This link could not be opened: {what}. Meanwhile this is {showing}.")
}

/// Copies the current address to the clipboard, reporting the outcome.
pub fn copy_link(done: impl Fn(Result<(), String>) + 'static) {
    let href = window().location().href().unwrap_or_default();
    let promise = window().navigator().clipboard().write_text(&href);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => done(Ok(())),
            Err(_) => done(Err(href)),
        }
    });
}
