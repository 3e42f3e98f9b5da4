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

/// The scenario a shared link must carry to reproduce the run: the
/// document (`doc`, what the address bar holds) while the run has taken no
/// live change; otherwise the scenario the run started from with its live
/// changes as `at_ms` schedule entries (`replay`, from the engine), under the
/// document's names and layout (cosmetic: they change no figure). Also the
/// number of live changes it carries.
pub fn shared_scenario(doc: &Scenario, replay: Option<&str>) -> (Scenario, usize) {
    let Some(mut run) = replay.and_then(|json| sim_core::parse_scenario(json).ok()) else {
        return (doc.clone(), 0);
    };
    // The schedule is never edited live: what the run added is its end.
    let changes = run.schedule.len().saturating_sub(doc.schedule.len());
    run.name = doc.name.clone();
    run.description = doc.description.clone();
    run.layout = doc.layout.clone();
    for node in &mut run.nodes {
        if let Some(named) = doc.nodes.iter().find(|n| n.id == node.id) {
            node.name = named.name.clone();
        }
    }
    (run, changes)
}

/// The address of this page with `scenario` in its fragment.
pub fn href_for(scenario: &Scenario) -> String {
    let href = window().location().href().unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}#{}", encode_fragment(scenario))
}

/// Copies `href` to the clipboard, reporting the outcome.
pub fn copy_link(href: String, done: impl Fn(Result<(), String>) + 'static) {
    let promise = window().navigator().clipboard().write_text(&href);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => done(Ok(())),
            Err(_) => done(Err(href)),
        }
    });
}
