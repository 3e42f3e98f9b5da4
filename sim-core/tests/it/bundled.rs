//! Every scenario shipped in `scenarios/` loads, runs and balances, and the
//! list compiled into the app and CLI is the folder's whole content.

use sim_core::{BUNDLED_SCENARIOS, Simulation, load_scenario};

#[test]
fn every_bundled_scenario_loads_runs_and_balances() {
    for (file, json) in BUNDLED_SCENARIOS {
        let valid = load_scenario(json).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let mut sim = Simulation::new(&valid, valid.scenario().seed);
        sim.run_until(120_000);
        let l = sim.ledger();
        assert!(l.produced > 0 && l.balances(), "{file}: {l:?}");
        // A node that reports a latency says what it measures (the app's
        // tooltip), and its percentiles are in order.
        let view = sim_core::view::FrameView::capture(&sim);
        for (node, spec) in view.nodes.iter().zip(&valid.scenario().nodes) {
            if let Some(latency) = node.latency {
                let kind = spec.spec.kind();
                assert!(sim_core::view::latency_meaning(kind).is_some(), "{file}: {kind:?}");
                assert!(latency.p50_ms <= latency.p99_ms && latency.p99_ms <= latency.max_ms);
            }
        }
    }
}

#[test]
fn the_bundle_lists_every_file_in_the_scenarios_folder() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut bundled: Vec<String> = BUNDLED_SCENARIOS.iter().map(|(f, _)| f.to_string()).collect();
    bundled.sort();
    assert_eq!(on_disk, bundled);
}

#[test]
fn bundled_scenarios_are_stamped_with_this_model_version() {
    // A file made under another model opens with a notice; the bundled
    // ones are re-checked (golden digests, lessons, claims) with each
    // model version, so they carry the current one.
    for (file, json) in BUNDLED_SCENARIOS {
        let scenario = sim_core::parse_scenario(json).unwrap();
        assert_eq!(scenario.model_version, Some(sim_core::MODEL_VERSION), "{file}");
        assert_eq!(sim_core::model_notice(&scenario), None, "{file}");
    }
}

#[test]
fn a_scenario_from_an_older_model_says_its_numbers_may_differ() {
    let (_, json) = BUNDLED_SCENARIOS[0];
    let mut old = sim_core::parse_scenario(json).unwrap();
    old.model_version = None;
    let notice = sim_core::model_notice(&old).expect("made before versions: model 1");
    assert!(notice.contains("model 1") && notice.contains("numbers may differ"), "{notice}");
    // Sharing it again stamps what it now runs under.
    let link = sim_core::share::encode_fragment(&old);
    let back = sim_core::share::decode_fragment(&link).unwrap();
    assert_eq!(back.model_version, Some(sim_core::MODEL_VERSION));
    // Summaries say which model made their numbers.
    let valid = load_scenario(json).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(5_000);
    assert_eq!(sim_core::summarize(&sim).model_version, sim_core::MODEL_VERSION);
}
