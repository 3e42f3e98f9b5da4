//! `cargo bench -p sim-core --bench estimates`: the resource estimate
//! against what runs measure with their own accounting
//! (`Simulation::memory_bytes`, sampled every 10 simulated seconds), for
//! every bundled scenario over its duration, `large` and `every-kind` over
//! an hour, and the adversarial scenarios of `tests/it/hostile.rs` over 10
//! simulated minutes. Nothing is timed: the figures are counts, the same on
//! any machine. They go to docs/performance.md.

use sim_core::budget::{Budget, bytes, check_budget, estimate, measure};
use sim_core::{BUNDLED_SCENARIOS, load_scenario};

const YEAR_S: u64 = 365 * 86_400;

fn row(name: &str, json: &str, seconds: u64) {
    let valid = load_scenario(json).expect("a valid scenario");
    let e = estimate(&valid, seconds);
    let (peak, busiest) = measure(&valid, seconds);
    println!(
        "| {name} | {} | {} | {} | {:.1}x | {} | {} |",
        seconds,
        bytes(peak),
        bytes(e.peak_bytes),
        e.peak_bytes as f64 / peak as f64,
        busiest,
        e.events_per_sim_s
    );
}

/// A producer writing to a stream of `shards` shards kept `retention_h`,
/// read by `reader` (a consumer's params) if given.
fn stream_json(rate: u64, shards: u32, retention_h: u32, reader: Option<&str>) -> String {
    let (node, link) = match reader {
        Some(params) => (
            format!(r#", {{ "id": "c", "kind": "consumer", "params": {params} }}"#),
            r#", { "from": "s", "to": "c" }"#.to_string(),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        r#"{{ "v": 1, "name": "adversarial", "duration_s": {YEAR_S}, "nodes": [
            {{ "id": "p", "kind": "producer", "params": {{ "records_per_s": {rate},
                "keys": {{ "dist": "uniform", "count": 100000 }} }} }},
            {{ "id": "s", "kind": "kinesis_stream", "params": {{
                "capacity": {{ "mode": "provisioned", "shards": {shards} }}, "retention_h": {retention_h} }} }}{node}
        ], "links": [ {{ "from": "p", "to": "s" }}{link} ] }}"#
    )
}

fn adversarial(name: &str, json: &str, run_s: u64) {
    let valid = load_scenario(json).expect("a valid scenario");
    let year = estimate(&valid, YEAR_S);
    let verdict = |b: &Budget| match check_budget(&year, b) {
        Ok(()) => "runs".to_string(),
        Err(issue) => format!("refused: {}", issue.message),
    };
    println!("{name}");
    println!("  a year: at most {}, {} events/s", bytes(year.peak_bytes), year.events_per_sim_s);
    println!("  the browser: {}", verdict(&Budget::BROWSER));
    println!("  the CLI: {}", verdict(&Budget::CLI));
    if run_s > 0 {
        let e = estimate(&valid, run_s);
        let (peak, busiest) = measure(&valid, run_s);
        println!(
            "  {run_s} s run: measured {}, estimate {}; busiest {busiest} events/s, bound {}",
            bytes(peak),
            bytes(e.peak_bytes),
            e.events_per_sim_s
        );
    }
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    println!("| scenario | simulated s | measured peak | estimate | ratio | events/s | bound |");
    println!("|---|---|---|---|---|---|---|");
    for (file, json) in BUNDLED_SCENARIOS {
        let name = file.trim_end_matches(".json");
        if wanted(name) {
            let seconds = load_scenario(json).map(|v| v.scenario().duration_s).unwrap_or(600);
            row(name, json, seconds);
        }
    }
    for (name, json) in
        [("every-kind", include_str!("every-kind.json")), ("large", include_str!("large.json"))]
    {
        if wanted(name) {
            row(name, json, 3_600);
        }
    }
    if !wanted("adversarial") {
        return;
    }
    adversarial(
        "10,000 shards, 8,760 h of retention, read every 10 minutes (1,000,000 records/s)",
        &stream_json(1_000_000, 10_000, 8_760, Some(r#"{ "poll_interval_ms": 600000 }"#)),
        600,
    );
    let fifo = r#"{ "v": 1, "name": "fifo", "duration_s": 345600, "nodes": [
        { "id": "p", "kind": "producer", "params": { "records_per_s": 3000,
            "keys": { "dist": "uniform", "count": 10000 } } },
        { "id": "q", "kind": "sqs_queue", "params": { "queue_type": "fifo" } }
    ], "links": [ { "from": "p", "to": "q" } ] }"#;
    adversarial("10,000 FIFO message groups, unread (3,000 messages/s)", fifo, 600);
    let nodes: Vec<String> = (0..100)
        .flat_map(|i| {
            [
                format!(
                    r#"{{ "id": "p{i}", "kind": "producer", "params": {{ "records_per_s": 10 }} }}"#
                ),
                format!(r#"{{ "id": "s{i}", "kind": "kinesis_stream", "params": {{}} }}"#),
            ]
        })
        .collect();
    let links: Vec<String> =
        (0..100).map(|i| format!(r#"{{ "from": "p{i}", "to": "s{i}" }}"#)).collect();
    let many = format!(
        r#"{{ "v": 1, "name": "many", "duration_s": {YEAR_S}, "nodes": [{}], "links": [{}] }}"#,
        nodes.join(","),
        links.join(",")
    );
    adversarial("200 nodes (100 producers and streams) for a year", &many, 600);
    adversarial(
        "10,000 shards polled every millisecond",
        &stream_json(1_000, 10_000, 24, Some(r#"{ "poll_interval_ms": 1 }"#)),
        0,
    );
}
