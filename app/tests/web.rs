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

/// What the engine worker posts reads back on the page as it was sent, for
/// every bundled scenario's view at the start and after a simulated minute
/// (infinities and NaN included, which JSON would lose), and an idle run's.
#[wasm_bindgen_test]
fn every_view_crosses_from_the_worker_to_the_page() {
    use app::engine::{Command, Engine};
    use app::worker::{ToPage, from_js, to_js};
    let mut runs = vec![app::editor::idle_run(&app::editor::doc::empty())];
    for (_, json) in sim_core::BUNDLED_SCENARIOS {
        runs.push(load_scenario(json).unwrap());
    }
    for valid in runs {
        let name = valid.scenario().name.clone();
        let mut engine = Engine::new(valid);
        for step in [0, 60_000] {
            let mut out = Vec::new();
            engine.handle(Command::Step(step), &mut out);
            let sent = ToPage::Outs { handled: 1, outs: out };
            let back = to_js(&sent).and_then(from_js);
            // sim-core leaves a cost line's price key and quote out of its
            // serialized form; the page shows neither.
            let ToPage::Outs { outs: mut expected, .. } = sent else { unreachable!() };
            for o in &mut expected {
                if let app::engine::Out::View(v) = o {
                    for item in &mut v.frame.cost_items {
                        (item.key, item.quoted_usd, item.per) = (String::new(), 0.0, 0.0);
                    }
                }
            }
            let Some(ToPage::Outs { outs: back, .. }) = back else {
                panic!("{name} at {step} ms: not read back")
            };
            // NaN is never equal to itself: compare what the page would show.
            assert_eq!(format!("{back:?}"), format!("{expected:?}"), "{name} at {step} ms");
        }
    }
}
