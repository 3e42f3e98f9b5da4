//! The document in the browser's local storage, so a reload (or a later
//! visit) finds the pipeline as it was left, drafts that do not run yet
//! included. Stored with the address-bar fragment written with it: a
//! different link in the address bar wins over the stored document.

use serde::{Deserialize, Serialize};
use sim_core::Scenario;

const KEY: &str = "shardplay.document";

#[derive(Serialize, Deserialize)]
struct Stored {
    /// The fragment (`#s=...`) the address bar held when this was saved.
    hash: String,
    /// The document, as a scenario file's JSON.
    scenario: serde_json::Value,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Saves `doc` with the current address-bar fragment; storage being full or
/// off only loses the convenience, so failures are ignored.
pub fn save(doc: &Scenario) {
    let Some(storage) = storage() else { return };
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let Ok(scenario) = serde_json::to_value(doc) else { return };
    if let Ok(text) = serde_json::to_string(&Stored { hash, scenario }) {
        let _ = storage.set_item(KEY, &text);
    }
}

/// The stored document and the fragment saved with it; `None` when there
/// is none or it no longer parses (a newer build's document, say).
pub fn load() -> Option<(Scenario, String)> {
    let text = storage()?.get_item(KEY).ok()??;
    let stored: Stored = serde_json::from_str(&text).ok()?;
    let scenario = sim_core::parse_scenario(&stored.scenario.to_string()).ok()?;
    Some((scenario, stored.hash))
}
