//! `cargo bench -p sim-core --bench scenarios`: wall time and peak memory of
//! whole runs, one line per scenario. Not a statistics harness: each run is
//! long enough (seconds) that one measurement is telling, and the figures go
//! to the README's performance section.
//!
//! `BENCH_LARGE_S` sets how many simulated seconds of the `large` scenario
//! (DESIGN.md section 6) to run; the default is 60, the design target is 3600.
//! `long` runs the default scenario for `BENCH_LONG_DAYS` (30) simulated days.
//! `every-kind` runs a pipeline with every node kind for `BENCH_EVERY_KIND_S`
//! (3,600) simulated seconds. `on-demand-keys` runs an on-demand stream with
//! 1,000,000 partition keys through a daily cycle for `BENCH_ON_DEMAND_KEYS_S`
//! (86,400) simulated seconds. `unread-queue` runs a standard queue nobody
//! reads for `BENCH_UNREAD_DAYS` (30) days and `fifo-groups` a FIFO queue
//! with 10,000 sparse message groups for `BENCH_FIFO_DAYS` (1): their cost
//! and memory must not grow with the backlog (docs/performance.md).

use std::time::Instant;

use sim_core::{BUNDLED_SCENARIOS, Simulation, load_scenario};

const LARGE: &str = include_str!("large.json");
/// Every node kind in one pipeline (see its description).
const EVERY_KIND: &str = include_str!("every-kind.json");
/// An on-demand stream that keeps splitting, with 1,000,000 partition keys.
const ON_DEMAND_KEYS: &str = include_str!("on-demand-keys.json");
/// A standard queue nobody reads: a 4-day backlog (see its description).
const UNREAD_QUEUE: &str = include_str!("unread-queue.json");
/// An unread FIFO queue with 10,000 sparse message groups.
const FIFO_GROUPS: &str = include_str!("fifo-groups.json");

/// Peak resident memory of this process so far (Linux), in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn bench(name: &str, json: &str, seconds: u64) {
    let valid = load_scenario(json).expect("bench scenario is valid");
    let start = Instant::now();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(seconds * 1_000);
    let wall = start.elapsed().as_secs_f64();
    let l = sim.ledger();
    assert!(l.balances());
    println!(
        "{name:<28} {:>9} simulated s {wall:>8.3} s wall {:>10.0}x real time  peak {:>6.1} MB  {} records",
        seconds,
        seconds as f64 / wall,
        peak_mb(),
        l.produced
    );
}

/// Simulated days of a scenario, with peak memory after the first, seventh
/// and last day: it must stay flat.
fn long_run(name: &str, json: &str, days: u64) {
    let valid = load_scenario(json).expect("bench scenario is valid");
    let start = Instant::now();
    let mut sim = Simulation::new(&valid, 1);
    for day in 1..=days {
        sim.run_until(day * 86_400_000);
        if day == 1 || day == 7 || day == days {
            println!(
                "{name:<28} day {day:>3}: {:>8.1} s wall, peak {:>6.1} MB, {} records",
                start.elapsed().as_secs_f64(),
                peak_mb(),
                sim.ledger().produced
            );
        }
    }
    assert!(sim.ledger().balances());
}

fn days_from(var: &str, default: u64) -> u64 {
    std::env::var(var).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn main() {
    // `cargo bench` passes --bench; a filter argument selects scenarios by name.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    // Memory first: the long run's peak must not include the others'.
    if wanted("long") {
        let days = days_from("BENCH_LONG_DAYS", 30);
        long_run("long (clickstream)", BUNDLED_SCENARIOS[0].1, days);
    }
    if wanted("unread-queue") {
        long_run("unread-queue", UNREAD_QUEUE, days_from("BENCH_UNREAD_DAYS", 30));
    }
    if wanted("fifo-groups") {
        long_run("fifo-groups", FIFO_GROUPS, days_from("BENCH_FIFO_DAYS", 1));
    }
    for (file, json) in BUNDLED_SCENARIOS {
        let name = file.trim_end_matches(".json");
        if wanted(name) {
            let seconds = load_scenario(json).map(|v| v.scenario().duration_s).unwrap_or(600);
            bench(name, json, seconds);
        }
    }
    if wanted("every-kind") {
        let seconds =
            std::env::var("BENCH_EVERY_KIND_S").ok().and_then(|s| s.parse().ok()).unwrap_or(3_600);
        bench("every-kind", EVERY_KIND, seconds);
    }
    if wanted("on-demand-keys") {
        let seconds = std::env::var("BENCH_ON_DEMAND_KEYS_S")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(86_400);
        bench("on-demand-keys", ON_DEMAND_KEYS, seconds);
    }
    if wanted("large") {
        let seconds =
            std::env::var("BENCH_LARGE_S").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
        bench("large", LARGE, seconds);
    }
}
