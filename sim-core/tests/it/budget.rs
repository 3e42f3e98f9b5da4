//! The resource estimate bounds what runs hold and do, closely enough to
//! be useful, and the budget gates what a host can run.

use crate::fixtures::node;
use sim_core::budget::{Budget, ResourceEstimate, check_budget, check_run, estimate, measure};
use sim_core::engine::MemoryPart;
use sim_core::kinds::stream::ON_DEMAND_MAX_SHARDS;
use sim_core::units::format_number;
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

/// A run the CLI would take half a day over is refused before it starts:
/// `large` for a year is 1.3 trillion events. The message names
/// `duration_s` and the longest run allowed, and that run is accepted;
/// the default scenario's year (3.8 billion) still runs.
#[test]
fn the_cli_bounds_a_runs_total_work_by_its_duration() {
    let large = load_scenario(include_str!("../../benches/large.json")).unwrap();
    let year = 365 * 86_400;
    let e = estimate(&large, year);
    let issue = check_budget(&e, &Budget::CLI).expect_err("a year of large is refused");
    assert_eq!(issue.path, "duration_s");
    let total = e.events_per_sim_s * year;
    assert!(issue.message.contains(&format_number(total as f64)), "{issue}");
    let longest: u64 = issue
        .message
        .split("duration_s up to ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .map(|n| n.replace(',', "").parse().unwrap())
        .expect("the longest run is named");
    assert_eq!(longest, Budget::CLI.events_per_run / estimate(&large, longest).events_per_sim_s);
    assert_eq!(check_budget(&estimate(&large, longest), &Budget::CLI), Ok(()));
    assert!(check_budget(&estimate(&large, longest + 1), &Budget::CLI).is_err());
    // The browser plays as it goes: it bounds the rate, not the total.
    assert_eq!(check_budget(&e, &Budget::BROWSER), Ok(()));
    let default = load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
    assert_eq!(check_budget(&estimate(&default, year), &Budget::CLI), Ok(()));
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

/// Producer → provisioned stream of 4 shards → consumer forwarding `ratio`
/// records per record → on-demand stream (scaling after a minute) → a
/// consumer forwarding `back` records per record into the first stream
/// (none when 0; then the first stream is on-demand too), for an hour.
fn forwarding_into_on_demand(ratio: f64, back: f64) -> String {
    let mut json = serde_json::json!({
        "v": 1, "name": "forwarding", "seed": 1, "duration_s": 3_600,
        "nodes": [
            { "id": "p", "kind": "producer", "params": {
                "records_per_s": 2_000, "record_size": { "dist": "fixed", "bytes": 1_000 },
                "keys": { "dist": "uniform", "count": 10_000 } } },
            { "id": "s1", "kind": "kinesis_stream",
              "params": { "capacity": { "mode": "provisioned", "shards": 4 } } },
            { "id": "c1", "kind": "consumer",
              "params": { "forward": { "ratio": ratio, "size_ratio": 1 } } },
            { "id": "s2", "kind": "kinesis_stream",
              "params": { "capacity": { "mode": "on_demand", "scale_up_delay_s": 60 } } },
            { "id": "c2", "kind": "consumer", "params": {} }
        ],
        "links": [
            { "from": "p", "to": "s1" }, { "from": "s1", "to": "c1" },
            { "from": "c1", "to": "s2" }, { "from": "s2", "to": "c2" }
        ]
    });
    if back > 0.0 {
        json["nodes"][4]["params"]["forward"] =
            serde_json::json!({ "ratio": back, "size_ratio": 1 });
        json["links"].as_array_mut().unwrap().push(serde_json::json!({ "from": "c2", "to": "s1" }));
        json["nodes"][1]["params"] = json["nodes"][3]["params"].clone();
    }
    json.to_string()
}

/// aws-facts 1.4: on-demand adds shards for what is written to the stream,
/// and a reader that forwards writes up to the read limit of the shards it
/// reads (2 MiB/s each) times its ratio. The bound counts those shards, so
/// it holds the run's shards and logs once scaling has split them.
#[test]
fn the_estimate_bounds_an_on_demand_stream_a_reader_forwards_into() {
    let valid = load_scenario(&forwarding_into_on_demand(4.0, 0.0)).unwrap();
    let seconds = 300;
    let e = estimate(&valid, seconds);
    // The stream's own parts of the bound (its readers' are counted apart).
    let of = |part| {
        let parts = e.memory.iter().filter(|p| p.node == Some(node(3)) && p.kind == Some(part));
        parts.map(|p| p.amount).sum::<u64>()
    };
    let (logs, state) = (of(MemoryPart::ShardLogs), of(MemoryPart::Shards));
    let mut sim = Simulation::new(&valid, 1);
    for t in (10..=seconds).step_by(10) {
        sim.run_until(t * 1_000);
        let s2 = sim.stream(node(3)).unwrap();
        let (held, own) = (s2.log_bytes(), s2.heap_bytes() - s2.log_bytes());
        assert!(logs >= held, "at {t} s: logs {logs} < {held}{}", explain(&e));
        assert!(
            state >= own,
            "at {t} s, {} shards: {state} < {own}{}",
            s2.shards.len(),
            explain(&e)
        );
    }
    let opened = sim.stream(node(3)).unwrap().shards.len();
    assert!(opened > 8, "on-demand scaling split the stream: {opened} shards");
    let (_, busiest) = measure(&valid, seconds);
    assert!(e.events_per_sim_s >= busiest, "{} < {busiest} events/s", e.events_per_sim_s);
}

/// Streams that feed each other through readers: a loop that amplifies
/// has no bound short of what AWS allows a stream (aws-facts 1.4: 10 GiB/s,
/// 10,240 shards of 1 MiB/s), so an hour of it is refused up front, with a
/// remedy an on-demand stream has (it has no capacity.shards); a loop that
/// damps keeps a bound that holds its run.
#[test]
fn a_loop_of_forwarding_readers_is_bounded_by_how_it_amplifies() {
    let valid = load_scenario(&forwarding_into_on_demand(4.0, 4.0)).unwrap();
    let e = estimate(&valid, valid.scenario().duration_s);
    let most = ON_DEMAND_MAX_SHARDS as u64;
    let logs = e.memory.iter().find(|p| p.what.starts_with("shard logs of \"s2\"")).unwrap();
    assert!(
        logs.what.contains(&format!("{} shards", format_number(2.0 * most as f64))),
        "{logs:?}"
    );
    let refusal = check_budget(&e, &Budget::BROWSER).unwrap_err();
    assert!(refusal.message.contains("retention_h"), "{}", refusal.message);
    assert!(!refusal.message.contains("capacity.shards"), "{}", refusal.message);

    let valid = load_scenario(&forwarding_into_on_demand(0.05, 0.05)).unwrap();
    let e = estimate(&valid, valid.scenario().duration_s);
    assert_eq!(check_budget(&e, &Budget::BROWSER), Ok(()));
    let e = estimate(&valid, 120);
    let (peak, busiest) = measure(&valid, 120);
    assert!(e.peak_bytes >= peak, "{} < measured {peak}", e.peak_bytes);
    assert!(e.events_per_sim_s >= busiest, "{} < {busiest} events/s", e.events_per_sim_s);
}

/// Spikes running together multiply a producer's rate (MODEL.md, Faults),
/// so the bound takes their product: ×30 twice at once is bounded as
/// generously as one ×900 spike, which an on-demand stream's shards show.
#[test]
fn the_estimate_takes_overlapping_spikes_together() {
    use sim_core::scenario::{Capacity, Fault, NodeSpec, Operation, ScheduledOp};

    use crate::fixtures::{pipeline, producer};

    let spike = |multiplier, at_s| {
        let op = Operation::Fault(Fault::TrafficSpike { multiplier, for_s: 60 });
        ScheduledOp::at_second(at_s, "p", op)
    };
    let mut s = pipeline(producer(1_000.0), 4, None);
    if let NodeSpec::KinesisStream(spec) = &mut s.nodes[1].spec {
        spec.capacity = Capacity::on_demand();
    }
    let mut bound = |schedule| {
        s.schedule = schedule;
        estimate(&sim_core::validate(&s).unwrap(), 600)
    };
    let single = bound(vec![spike(900.0, 10)]);
    let together = bound(vec![spike(30.0, 10), spike(30.0, 20)]);
    assert!(
        together.peak_bytes >= single.peak_bytes,
        "{}{}",
        together.peak_bytes,
        explain(&single)
    );
    assert!(together.events_per_sim_s >= single.events_per_sim_s);
}
