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
