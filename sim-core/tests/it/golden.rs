//! The CLI summary of the default scenario, checked in. The browser test
//! compares against the same file, so native and wasm runs must agree bit
//! for bit. Regenerate after an intended model change with
//! `UPDATE_GOLDEN=1 cargo test -p sim-core --test it golden`.

use sim_core::{Simulation, summarize};

use crate::fixtures::default_scenario;

const GOLDEN: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/clickstream-seed1-600s.json");

#[test]
fn default_scenario_summary_matches_the_golden_file() {
    let valid = default_scenario();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(600_000);
    check(GOLDEN, &(serde_json::to_string_pretty(&summarize(&sim)).unwrap() + "\n"));
}

/// Compares `actual` with a checked-in file, or rewrites the file when
/// `UPDATE_GOLDEN` is set.
fn check(path: &str, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(path).expect("golden file exists");
    assert!(
        actual == expected,
        "output differs from {path}; rerun with UPDATE_GOLDEN=1 if the change is intended"
    );
}

const DIGESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/digests.txt");

/// Digests of every bundled scenario with three seeds; the browser test
/// recomputes them in wasm and must get the same lines.
#[test]
fn reference_run_digests_match_the_golden_file() {
    let actual: String = sim_core::digest::reference_runs()
        .map(|(file, seed)| {
            format!("{file} {seed} {}\n", sim_core::digest::reference_digest(file, seed).unwrap())
        })
        .collect();
    check(DIGESTS, &actual);
}
