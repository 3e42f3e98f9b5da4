//! The resource estimate bounds what runs hold and do, closely enough to
//! be useful, and the budget gates what a host can run.

use sim_core::budget::{Budget, ResourceEstimate, check_budget, check_run, estimate};
use sim_core::{BUNDLED_SCENARIOS, Simulation, ValidScenario, load_scenario};

/// The longest stretch a bundled scenario is run for here (debug builds):
/// past the five minutes after which cohorts are coalesced. The coarser
/// tiers are checked on a single shard (nodes/stream.rs).
const MAX_RUN_S: u64 = 600;

/// Runs `valid` for `horizon_s`, sampling every 10 simulated seconds: the
/// peak of its own memory accounting and the most events scheduled in any
/// 10-second stretch, per second.
fn measure(valid: &ValidScenario, horizon_s: u64) -> (u64, u64) {
    let mut sim = Simulation::new(valid, valid.scenario().seed);
    let (mut peak, mut busiest, mut events) = (sim.memory_bytes(), 0, 0);
    for t in (10..=horizon_s).step_by(10) {
        sim.run_until(t * 1_000);
        peak = peak.max(sim.memory_bytes());
        let now = sim.events_scheduled();
        busiest = busiest.max((now - events).div_ceil(10));
        events = now;
    }
    (peak, busiest)
}

fn explain(e: &ResourceEstimate) -> String {
    e.memory.iter().map(|p| format!("\n  {} {}", p.amount, p.what)).collect()
}

#[test]
fn the_estimate_bounds_every_bundled_run_within_four_times() {
    for (file, json) in BUNDLED_SCENARIOS {
        let valid = load_scenario(json).unwrap();
        let horizon_s = valid.scenario().duration_s.min(MAX_RUN_S);
        let e = estimate(&valid, horizon_s);
        let (peak, busiest) = measure(&valid, horizon_s);
        assert!(e.peak_bytes >= peak, "{file}: {} < measured {peak}{}", e.peak_bytes, explain(&e));
        assert!(
            e.peak_bytes <= 4 * peak,
            "{file}: {} > 4 × measured {peak}{}",
            e.peak_bytes,
            explain(&e)
        );
        assert!(
            e.events_per_sim_s >= busiest,
            "{file}: {} < {busiest} events/s",
            e.events_per_sim_s
        );
    }
}

#[test]
fn every_bundled_scenario_and_large_fit_the_browser_and_the_cli() {
    let large = include_str!("../../benches/large.json");
    let every = BUNDLED_SCENARIOS.iter().copied().chain([("large.json", large)]);
    for (file, json) in every {
        let valid = load_scenario(json).unwrap();
        let e = estimate(&valid, valid.scenario().duration_s);
        for budget in [Budget::BROWSER, Budget::CLI] {
            assert_eq!(check_budget(&e, &budget), Ok(()), "{file} in {}", budget.host);
        }
    }
}

#[test]
fn the_guard_stops_a_run_that_outgrows_its_budget() {
    let valid = load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(60_000);
    assert_eq!(check_run(&sim, &Budget::BROWSER), Ok(()));
    // A budget the run's state already fills nine tenths of.
    let tight = Budget::BROWSER.with_memory(sim.memory_bytes() * 10 / 9);
    let why = check_run(&sim, &tight).unwrap_err();
    assert!(why.starts_with("at 00:01:00 the run holds"), "{why}");
    let parts = sim.memory_parts();
    let (largest, _) = parts.iter().max_by_key(|p| p.1).unwrap();
    assert!(why.contains(largest.name()) && why.ends_with("the browser allows"), "{why}");
}
