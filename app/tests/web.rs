//! Browser tests (wasm-bindgen-test in headless Chromium): the app mounts
//! and runs, and the engine gives the same bytes in wasm as natively.

#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_timers::future::sleep;
use leptos::prelude::*;
use sim_core::{DEFAULT_SCENARIO, Simulation, load_scenario, summarize};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The native golden file: the wasm run must reproduce it byte for byte.
const GOLDEN: &str = include_str!("../../sim-core/tests/golden/clickstream-seed1-600s.json");

#[wasm_bindgen_test]
fn the_engine_in_wasm_matches_the_native_golden_summary() {
    let valid = load_scenario(DEFAULT_SCENARIO).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(600_000);
    let actual = serde_json::to_string_pretty(&summarize(&sim)).unwrap() + "\n";
    assert!(actual == GOLDEN, "wasm summary differs from the native golden file:\n{actual}");
}

/// Digests of every bundled scenario with three seeds, computed natively.
const DIGESTS: &str = include_str!("../../sim-core/tests/golden/digests.txt");

#[wasm_bindgen_test]
fn every_reference_run_in_wasm_matches_its_native_digest() {
    let mut checked = 0;
    for line in DIGESTS.lines() {
        let mut parts = line.split(' ');
        let (file, seed, native) =
            (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        let wasm = sim_core::digest::reference_digest(file, seed.parse().unwrap()).unwrap();
        assert_eq!(wasm, native, "{file} with seed {seed} differs between wasm and native");
        checked += 1;
    }
    assert_eq!(checked, sim_core::digest::reference_runs().count());
}

fn query(selector: &str) -> web_sys::Element {
    document().query_selector(selector).unwrap().unwrap_or_else(|| panic!("{selector} is missing"))
}

fn sim_ms() -> u64 {
    query("[data-testid=sim-clock]").get_attribute("data-ms").unwrap().parse().unwrap()
}

#[wasm_bindgen_test]
async fn the_app_mounts_plays_and_pauses() {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.unchecked_into(), app::App);

    assert_eq!(query("[data-testid=app]").get_attribute("data-ready").as_deref(), Some("true"));
    let start = sim_ms();
    sleep(Duration::from_millis(700)).await;
    let later = sim_ms();
    assert!(later > start, "simulated time advances while playing ({start} -> {later})");

    let button: web_sys::HtmlElement = query("[data-testid=play-pause]").unchecked_into();
    assert_eq!(button.get_attribute("aria-pressed").as_deref(), Some("true"));
    button.click();
    sleep(Duration::from_millis(200)).await;
    assert_eq!(button.get_attribute("aria-pressed").as_deref(), Some("false"));
    let paused_at = sim_ms();
    sleep(Duration::from_millis(500)).await;
    assert_eq!(sim_ms(), paused_at, "time stands still while paused");
    drop(handle);
}
