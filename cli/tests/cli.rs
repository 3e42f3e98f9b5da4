//! The `shardplay` binary as other tools use it.

use std::process::{Command, Output};

const DEFAULT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/clickstream.json");

fn shardplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shardplay")).args(args).output().expect("shardplay runs")
}

#[test]
fn run_prints_the_same_summary_for_the_same_seed() {
    let args = ["run", DEFAULT, "--duration", "600", "--seed", "1"];
    let (a, b) = (shardplay(&args), shardplay(&args));
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, b.stdout);
    let summary: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(summary["seed"], 1);
    assert_eq!(summary["duration_s"], 600);
    let stream = &summary["nodes"]["events"];
    assert_eq!(stream["kind"], "kinesis_stream");
    assert_eq!(stream["metrics"]["WriteProvisionedThroughputExceeded"]["unit"], "Count");
    let ledger = &summary["ledger"];
    let parts =
        ["delivered", "in_flight", "throttled_dropped", "expired", "dead_lettered", "failed"];
    let sum: u64 = parts.iter().map(|k| ledger[k].as_u64().unwrap()).sum();
    assert_eq!(ledger["produced"].as_u64().unwrap(), sum);
    assert!(summary["cost"]["total_usd"].as_f64().unwrap() > 0.0);
    // Per-shard figures add up to the stream's, and name the hot shard.
    let shards = stream["shards"].as_array().unwrap();
    assert_eq!(shards.len(), 2);
    let per_shard: u64 =
        shards.iter().map(|s| s["metrics"]["IncomingRecords"]["sum"].as_u64().unwrap()).sum();
    assert_eq!(per_shard as f64, stream["metrics"]["IncomingRecords"]["sum"].as_f64().unwrap());
    let throttling: Vec<bool> = shards
        .iter()
        .map(|s| s["metrics"]["WriteProvisionedThroughputExceeded"]["sum"].as_u64().unwrap() > 0)
        .collect();
    assert_eq!(
        throttling.iter().filter(|&&t| t).count(),
        1,
        "exactly the hot key's shard throttles"
    );
}

#[test]
fn cost_compares_provisioned_and_on_demand() {
    let out = shardplay(&["cost", DEFAULT, "--duration", "10m", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(c["duration_s"], 600);
    assert_eq!(c["month_hours"], 730.0);
    assert_eq!(c["modes"][0]["mode"], "provisioned");
    assert_eq!(c["modes"][0]["as_given"], true);
    assert_eq!(c["modes"][1]["mode"], "on_demand");
    assert_eq!(c["modes"][1]["items"][0]["key"], "kds.on_demand.stream_hour");
    // The provisioned column is the scenario's own run.
    let run = shardplay(&["run", DEFAULT, "--duration", "10m"]);
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(c["modes"][0]["total_usd"], summary["cost"]["total_usd"]);
    assert_eq!(c["modes"][0]["monthly_projection_usd"], summary["cost"]["monthly_projection_usd"]);
    // The default format is a table for people.
    let table = shardplay(&["cost", DEFAULT, "--duration", "60"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("provisioned (as given)") && text.contains("on-demand"), "{text}");
    assert!(text.contains("monthly projection"), "{text}");
}

#[test]
fn the_summary_matches_the_engine_golden_file() {
    let out = shardplay(&["run", DEFAULT, "--duration", "10m", "--seed", "1"]);
    let golden = include_str!("../../sim-core/tests/golden/clickstream-seed1-600s.json");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), golden);
}

#[test]
fn csv_writes_the_per_second_series() {
    let out = shardplay(&["run", DEFAULT, "--duration", "30s", "--format", "csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("time_s,resolution_s,node,metric,unit,value"));
    let incoming: Vec<&str> = lines.filter(|l| l.contains(",events,IncomingRecords,")).collect();
    assert_eq!(incoming.len(), 30, "one row per simulated second");
    assert!(incoming[0].starts_with("0,1,events,IncomingRecords,Count,"));
}

#[test]
fn validate_lists_every_problem_and_fails() {
    let dir = std::env::temp_dir().join(format!("shardplay-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    let text = std::fs::read_to_string(DEFAULT).unwrap();
    std::fs::write(
        &bad,
        text.replace("\"shards\": 2", "\"shards\": 0")
            .replace("\"retention_h\": 24", "\"retention_h\": 1"),
    )
    .unwrap();
    let out = shardplay(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("2 problems"), "{err}");
    assert!(
        err.contains(
            "nodes[1].params.capacity.shards: 0 is out of range; allowed 1 to 10,000 shards"
        ),
        "{err}"
    );
    assert!(
        err.contains("nodes[1].params.retention_h: 1 is out of range; allowed 24 to 8,760 h"),
        "{err}"
    );
    assert!(shardplay(&["validate", DEFAULT]).status.success());
}

#[test]
fn bad_arguments_are_refused_with_a_message() {
    let out = shardplay(&["run", DEFAULT, "--duration", "10 weeks"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown unit"));
    let missing = shardplay(&["run", "/nonexistent/scenario.json"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn sweep_runs_one_point_per_value_and_names_the_cheapest_healthy_one() {
    let args = [
        "sweep",
        DEFAULT,
        "--param",
        "events.capacity.shards",
        "--values",
        "2:6:2",
        "--duration",
        "2m",
    ];
    let (a, b) = (shardplay(&args), shardplay(&args));
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, b.stdout, "sweeps are deterministic whatever the thread timing");
    let text = String::from_utf8(a.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("events.capacity.shards  write_throttled"), "{text}");
    assert_eq!(lines.len(), 5, "header, three points, verdict: {text}");
    // 30% of 2,000 records/s on one key: 6 shards keep its shard under 1,000 records/s.
    assert!(
        lines[4].starts_with("cheapest meeting every objective: events.capacity.shards = 6"),
        "{text}"
    );
}

#[test]
fn sweep_refuses_an_unknown_parameter_or_value_with_the_reason() {
    let out = shardplay(&["sweep", DEFAULT, "--param", "nope.records_per_s", "--values", "1,2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no node has id \"nope\""));
    let out =
        shardplay(&["sweep", DEFAULT, "--param", "clicks.records_per_s", "--values", "5:1:1"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least `from`"));
}

#[test]
fn autosize_finds_the_fewest_shards_and_writes_the_sized_scenario() {
    let dir = std::env::temp_dir().join(format!("shardplay-autosize-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sized = dir.join("sized.json");
    let out =
        shardplay(&["autosize", DEFAULT, "--duration", "2m", "--out", sized.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let line =
        text.lines().find(|l| l.contains("fewest shards that meet every objective")).unwrap();
    let n: u32 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!((5..=8).contains(&n), "{text}");
    assert!(text.contains("classic formula") && text.contains("too optimistic"), "{text}");
    // The written scenario has that many shards and runs without write throttling.
    let check = shardplay(&["run", sized.to_str().unwrap(), "--duration", "2m"]);
    let summary: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(summary["nodes"]["events"]["shards"].as_array().unwrap().len() as u32, n);
    assert_eq!(
        summary["nodes"]["events"]["metrics"]["WriteProvisionedThroughputExceeded"]["sum"],
        0.0
    );
}

#[test]
fn autosize_says_when_no_shard_count_can_work() {
    let out = shardplay(&["autosize", DEFAULT, "--duration", "30s", "--traffic", "2"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("more shards stop helping"));
}

#[test]
fn sweep_checks_the_scenarios_objectives_and_a_flag_overrides_them() {
    let file =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/visibility-timeout-duplicates.json");
    let args = ["sweep", file, "--param", "resizers.workers", "--values", "10,200"];
    let out = shardplay(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    // The scenario asks for no message older than 600 s: 10 workers miss it.
    let ten = text.lines().nth(1).unwrap();
    assert!(ten.contains("false") && ten.contains("oldest message"), "{text}");
    assert!(text.contains("cheapest meeting every objective: resizers.workers = 200"), "{text}");
    let relaxed = shardplay(&[&args[..], &["--max-oldest-message-age", "2h"]].concat());
    let text = String::from_utf8(relaxed.stdout).unwrap();
    assert!(text.contains("cheapest meeting every objective: resizers.workers = 10"), "{text}");
}

#[test]
fn autosize_turns_a_lambdas_knobs_and_writes_them() {
    let file =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/lambda-parallelization-factor.json");
    let sized = std::env::temp_dir().join(format!("shardplay-lambda-{}.json", std::process::id()));
    let out = shardplay(&["autosize", file, "--out", sized.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("enrich-pf1.event_source.parallelization_factor"), "{text}");
    assert!(text.contains("cheaper configurations that fail"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("configurations run in"));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sized).unwrap()).unwrap();
    let pf = &written["nodes"][2]["params"]["event_source"]["parallelization_factor"];
    assert!(pf.as_u64().unwrap() > 1, "{pf}");
}
