//! The resource estimate bounds what runs hold and do, closely enough to
//! be useful, and the budget gates what a host can run.

use crate::fixtures::node;
use sim_core::budget::{Budget, ResourceEstimate, check_budget, check_run, estimate, measure};
use sim_core::{BUNDLED_SCENARIOS, Simulation, load_scenario};

/// The longest stretch a bundled scenario is run for here (debug builds):
/// past the five minutes after which cohorts are coalesced. The coarser
/// tiers are checked on a single shard (kinds/stream/mod.rs).
const MAX_RUN_S: u64 = 600;

fn explain(e: &ResourceEstimate) -> String {
    e.memory.iter().map(|p| format!("\n  {} {}", p.amount, p.what)).collect()
}

#[test]
fn the_estimate_bounds_every_bundled_run_within_five_times() {
    for (file, json) in BUNDLED_SCENARIOS {
        let valid = load_scenario(json).unwrap();
        let horizon_s = valid.scenario().duration_s.min(MAX_RUN_S);
        let e = estimate(&valid, horizon_s);
        let (peak, busiest) = measure(&valid, horizon_s);
        assert!(e.peak_bytes >= peak, "{file}: {} < measured {peak}{}", e.peak_bytes, explain(&e));
        assert!(
            // Five, not less: the logs' buffers grow by doubling, so the
            // bound on their capacity can be twice what a run reaches.
            e.peak_bytes <= 5 * peak,
            "{file}: {} > 5 × measured {peak}{}",
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
    // A budget the run's state already fills 95 % of: past the nine tenths
    // at which the guard stops a run.
    let tight = Budget::BROWSER.with_memory(sim.memory_bytes() * 20 / 19);
    let why = check_run(&sim, &tight).unwrap_err();
    assert!(why.starts_with("at 00:01:00 the run holds"), "{why}");
    let parts = sim.memory_parts();
    let (largest, _) = parts.iter().max_by_key(|p| p.1).unwrap();
    assert!(why.contains(largest.name()) && why.ends_with("the browser allows"), "{why}");
}

/// Throttled producers keep refused records in their group's retry
/// calendar; the bound counts it by the calendar's own shape (an entry per
/// batch time and attempt, a piece per shard and due time, never more
/// pieces than records in flight), so it holds for a few shards refusing
/// most, for many shards each refusing a little, and for one hot shard
/// among many (there the bound, not knowing which shards refuse, is loose).
#[test]
fn the_estimate_bounds_producers_that_retry_refused_records() {
    use sim_core::scenario::{KeyDistribution, RecordSize, Retry};

    use crate::fixtures::{pipeline, producer};

    let retry = Retry { max_attempts: 10, base_backoff_ms: 50, max_backoff_ms: 2_000 };
    let with_retry = |mut p: sim_core::scenario::ProducerSpec| {
        p.retry = retry.clone();
        p
    };
    // aws-facts 1.1: a shard takes 1,000 records/s. Five times that on 4
    // shards; a fifth more on 50, of one size or of varying size.
    let flood = with_retry(producer(20_000.0));
    let mut over = with_retry(producer(60_000.0));
    over.keys = KeyDistribution::Uniform { count: 100_000 };
    let mut varied = over.clone();
    varied.record_size = RecordSize::Uniform { min_bytes: 100, max_bytes: 900 };
    let mut hot = with_retry(producer(5_000.0));
    hot.keys = KeyDistribution::HotKey { count: 10_000, hot_share: 0.5 };
    // Loose where the bound cannot know better: which shards refuse (a hot
    // key), or pieces that never merge (each batch of varying sizes keeps
    // its own average size, so the bound is a piece per record waiting).
    let cases = [
        ("flood", pipeline(flood, 4, None), true),
        ("over", pipeline(over, 50, None), true),
        ("varied", pipeline(varied, 50, None), false),
        ("hot", pipeline(hot, 500, None), false),
    ];
    for (name, s, close) in cases {
        let valid = sim_core::validate(&s).unwrap();
        // Backoffs reach their cap within seconds: half a minute shows it.
        let e = estimate(&valid, 30);
        let (peak, busiest) = measure(&valid, 30);
        assert!(e.peak_bytes >= peak, "{name}: {} < measured {peak}{}", e.peak_bytes, explain(&e));
        if close {
            let most = 4 * peak;
            assert!(e.peak_bytes <= most, "{name}: {} > 4 × {peak}{}", e.peak_bytes, explain(&e));
        }
        assert!(e.events_per_sim_s >= busiest, "{name}: {} < {busiest}", e.events_per_sim_s);
        // Records did wait for their retries: the calendar was exercised.
        let sim = crate::fixtures::run(&s, 5);
        let retried = sim.metrics(node(0)).total(sim_core::metrics::producer::RETRIES);
        assert!(retried > 1_000.0, "{name}: {retried} records retried");
    }
}
