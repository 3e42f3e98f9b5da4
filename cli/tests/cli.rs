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
fn cost_compares_provisioned_on_demand_standard_and_advantage() {
    let out = shardplay(&["cost", DEFAULT, "--duration", "10m", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(c["duration_s"], 600);
    assert_eq!(c["month_hours"], 730.0);
    assert_eq!(c["modes"][0]["mode"], "provisioned");
    assert_eq!(c["modes"][0]["as_given"], true);
    assert_eq!(c["modes"][1]["mode"], "on_demand");
    assert_eq!(c["modes"][1]["items"][0]["key"], "kds.on_demand.stream_hour");
    assert_eq!(c["modes"][2]["mode"], "on_demand_advantage");
    let advantage = c["modes"][2]["items"].as_array().unwrap();
    assert!(advantage.iter().any(|i| i["item"] == "On-demand Advantage minimum, data in"));
    // The provisioned column is the scenario's own run.
    let run = shardplay(&["run", DEFAULT, "--duration", "10m"]);
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(c["modes"][0]["total_usd"], summary["cost"]["total_usd"]);
    assert_eq!(c["modes"][0]["monthly_projection_usd"], summary["cost"]["monthly_projection_usd"]);
    // The default format is a table for people.
    let table = shardplay(&["cost", DEFAULT, "--duration", "60"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("Provisioned (as given)"), "{text}");
    assert!(text.contains("On-demand Standard") && text.contains("On-demand Advantage"), "{text}");
    assert!(text.contains(" is cheapest, "), "{text}");
    assert!(text.contains("monthly projection"), "{text}");
}

/// `compare`: the same producers on Kinesis and on MSK. Every figure is
/// checked against the price arithmetic: 4 shards at $0.015 an hour and
/// one PUT payload unit per 1,000-byte record at $0.014 a million; 3
/// kafka.m5.large brokers at $0.21 an hour, 3 x 100 GiB at $0.10 a
/// GB-month and two thirds of the client bytes (in and out) across zones
/// at $0.02 a GB (aws-facts 2.1; aws-facts-more 1.9), over a 730-hour month.
#[test]
fn compare_puts_kinesis_and_msk_side_by_side() {
    let file = "../scenarios/kinesis-vs-msk.json";
    let out = shardplay(&["compare", file, "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (k, m) = (&c["rows"][0], &c["rows"][1]);
    let close = |v: &serde_json::Value, want: f64| {
        let got = v.as_f64().unwrap();
        assert!((got - want).abs() < 1e-6 * want.max(1.0), "{got} vs {want}");
    };
    assert_eq!(k["service"], "kinesis_provisioned");
    assert_eq!(m["service"], "msk_provisioned");
    // Kinesis: 4 x $0.015 x 730 h = $43.80; 2,000 records/s x 3,600 s x
    // 730 h = 5.256 billion PUT units at $0.014 a million = $73.584.
    close(&k["monthly_usd"], 4.0 * 0.015 * 730.0 + 2_000.0 * 3_600.0 * 730.0 * 0.014 / 1e6);
    close(&k["capacity_bytes_per_s"], 4.0 * 1_048_576.0);
    assert_eq!(k["refused_writes"], 0);
    // MSK: 3 x $0.21 x 730 h = $459.90, 300 GiB at $0.10 = $30.00, and
    // (2 MB/s in + 2 MB/s read) x 2/3 x 2,628,000 s = 6,526.70 GB (of 2^30
    // bytes) across zones at $0.02 = $130.53: $620.43.
    let cross_az_gb = 4_000_000.0 * 2.0 / 3.0 * 730.0 * 3_600.0 / 1_073_741_824.0;
    close(&m["monthly_usd"], 3.0 * 0.21 * 730.0 + 300.0 * 0.10 + cross_az_gb * 0.02);
    // 3 brokers x 153.8 MB/s x 0.5 / 16 (an m5.large's assumed share).
    close(&m["capacity_bytes_per_s"], 3.0 * 153.8 * 0.5 / 16.0 * 1e6);
    close(&m["incoming_bytes_per_s"], 2_000.0 * 1_000.0);
    close(&m["headroom"], 1.0 - 2_000_000.0 / (3.0 * 153.8 * 0.5 / 16.0 * 1e6));
    assert_eq!(m["refused_writes"], 0);
    assert_eq!(m["lost_records"], 0);
    assert!(c["points"].as_array().unwrap().iter().any(|p| p["point"] == "Over the limit"));
    // The table for people.
    let table = shardplay(&["compare", file]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("Kinesis provisioned") && text.contains("MSK provisioned"), "{text}");
    assert!(text.contains("$117.38") && text.contains("$620.43"), "{text}");
    assert!(text.contains("3 x kafka.m5.large, 4 partitions"), "{text}");
    // Brokers that cannot spread over three AZs are refused by name.
    let bad = shardplay(&["compare", file, "--brokers", "4"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("brokers") && err.contains("multiple of 3"), "{err}");
}

/// `compare`'s MSK Serverless column, by hand (aws-facts-more 2.1, 2.3):
/// the same 2,000 records/s of 1,000 bytes on 4 partitions of a Serverless
/// cluster, over a 730-hour month: $0.75 x 730 h = $547.50 of cluster-hours;
/// 4 x $0.0015 x 730 h = $4.38 of partition-hours; 2 MB/s x 3,600 s x
/// 730 h = 5.256e12 bytes = 4,895.02 GB (of 2^30 bytes) in at $0.10 =
/// $489.50 and out at $0.05 = $244.75; storage of the 600 s run (k x 2 MB
/// held for a second after each second k < 600: 3.594e11 byte-seconds =
/// 1.27e-4 GB-months at $0.10) projected x 4,380 = $0.06. Total $1,286.19.
#[test]
fn compare_adds_an_msk_serverless_column() {
    let file = "../scenarios/kinesis-vs-msk.json";
    let out = shardplay(&["compare", file, "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &c["rows"][2];
    assert_eq!(s["service"], "msk_serverless");
    let gib = 1_073_741_824.0;
    let month_s = 730.0 * 3_600.0;
    let bytes = 2_000.0 * 1_000.0 * month_s;
    let byte_s = 599.0 * 600.0 / 2.0 * 2_000_000.0;
    let storage = byte_s / gib / month_s * 0.10 * (month_s / 600.0);
    let want = 0.75 * 730.0 + 4.0 * 0.0015 * 730.0 + bytes / gib * (0.10 + 0.05) + storage;
    let got = s["monthly_usd"].as_f64().unwrap();
    assert!((got - want).abs() < 0.005, "{got} vs {want}");
    assert_eq!(format!("{want:.2}"), "1286.19");
    // 4 partitions x 5 MB/s, well under the cluster's 200 MB/s.
    assert_eq!(s["capacity_bytes_per_s"].as_f64(), Some(20_000_000.0));
    assert_eq!(s["incoming_bytes_per_s"].as_f64(), Some(2_000_000.0));
    assert_eq!(s["refused_writes"], 0);
    assert_eq!(s["lost_records"], 0);
    // No broker-hours on Serverless, no Serverless lines on provisioned.
    let keys = |row: &serde_json::Value| -> Vec<String> {
        row["items"].as_array().unwrap().iter().map(|i| i["key"].as_str().unwrap().into()).collect()
    };
    assert!(keys(s).iter().all(|k| k.starts_with("msk_serverless.")), "{:?}", keys(s));
    assert!(keys(&c["rows"][1]).iter().all(|k| k.starts_with("msk.")));
    assert!(c["points"].as_array().unwrap().iter().all(|p| p["msk_serverless"].is_string()));
    let table = shardplay(&["compare", file]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("MSK Serverless") && text.contains("$1,286.19"), "{text}");
    assert!(text.contains("serverless, 4 partitions"), "{text}");
}

/// `compare --replications 1` is the plain comparison, byte for byte, in
/// both formats.
#[test]
fn compare_with_one_replication_is_the_plain_comparison() {
    let file = "../scenarios/kinesis-vs-msk.json";
    for format in ["table", "json"] {
        let plain = shardplay(&["compare", file, "--duration", "1m", "--format", format]);
        assert!(plain.status.success(), "{}", String::from_utf8_lossy(&plain.stderr));
        let one = shardplay(&[
            "compare",
            file,
            "--duration",
            "1m",
            "--format",
            format,
            "--replications",
            "1",
        ]);
        assert_eq!(plain.stdout, one.stdout, "{format}");
    }
}

/// `compare --replications N` on a noisy scenario (a hot key throttles a
/// different number of writes on every seed): the first seed's comparison
/// unchanged, then each service's figures over the seeds, recomputed here
/// from each seed's own plain comparison; every mean inside its interval;
/// more seeds, a narrower interval; the same bytes on one thread or two.
#[test]
fn compare_replications_report_intervals_and_repeat_exactly() {
    let base = ["compare", DEFAULT, "--duration", "1m", "--format", "json"];
    let with = |extra: &[&str]| {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let out = shardplay(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let five = with(&["--replications", "5", "--threads", "2"]);
    assert_eq!(five, with(&["--replications", "5", "--threads", "1"]));
    let mut c: serde_json::Value = serde_json::from_slice(&five).unwrap();
    let block = c.as_object_mut().unwrap().remove("replications").unwrap();
    let plain: serde_json::Value = serde_json::from_slice(&with(&[])).unwrap();
    assert_eq!(c, plain, "the first replication is the plain comparison");
    assert_eq!((block["n"].as_u64(), block["confidence"].as_f64()), (Some(5), Some(0.95)));
    let seeds: Vec<String> = block["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap().to_string())
        .collect();
    assert_eq!(seeds[0], "1", "the scenario's own seed first");
    let rows = block["rows"].as_array().unwrap();
    let services: Vec<&str> = rows.iter().map(|r| r["service"].as_str().unwrap()).collect();
    assert_eq!(services, ["kinesis_provisioned", "msk_provisioned", "msk_serverless"]);
    let figures = [
        "incoming_bytes_per_s",
        "headroom",
        "busiest_unit_load",
        "refused_writes",
        "producer_wait_max_ms",
        "lag_max_ms",
        "lost_records",
        "run_usd",
        "monthly_usd",
    ];
    let each: Vec<serde_json::Value> = seeds
        .iter()
        .map(|seed| serde_json::from_slice(&with(&["--seed", seed])).unwrap())
        .collect();
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    for (i, row) in rows.iter().enumerate() {
        for figure in figures {
            let ci = &row[figure];
            let values: Vec<f64> = each.iter().map(|c| f(&c["rows"][i][figure])).collect();
            let mean = values.iter().sum::<f64>() / 5.0;
            let sd = (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 4.0).sqrt();
            let scale = mean.abs().max(1.0);
            assert!((f(&ci["mean"]) - mean).abs() < 1e-9 * scale, "{figure}: {ci}");
            assert!((f(&ci["sd"]) - sd).abs() < 1e-9 * scale, "{figure}: {ci}");
            // t(0.975, 4) = 2.776 (the textbook's three decimals).
            let half = 2.776 * sd / 5f64.sqrt();
            assert!((f(&ci["half_width"]) - half).abs() < 1e-3 * half.max(1e-9), "{figure}");
            assert!(f(&ci["low"]) <= mean && mean <= f(&ci["high"]), "{figure}: {ci}");
        }
    }
    let refused = &rows[0]["refused_writes"];
    assert!(f(&refused["sd"]) > 0.0, "the hot key's throttling differs by seed: {refused}");
    assert!(f(&refused["low"]) < f(&refused["mean"]) && f(&refused["mean"]) < f(&refused["high"]));
    // Four times the seeds: t shrinks and √n doubles, so the interval narrows.
    let twenty: serde_json::Value =
        serde_json::from_slice(&with(&["--replications", "20"])).unwrap();
    let wide = f(&refused["half_width"]);
    let narrow = f(&twenty["replications"]["rows"][0]["refused_writes"]["half_width"]);
    assert!(0.0 < narrow && narrow < wide, "{narrow} vs {wide}");
    // The table: the first seed's columns, then the intervals.
    let table = shardplay(&["compare", DEFAULT, "--duration", "1m", "--replications", "5"]);
    let text = String::from_utf8(table.stdout).unwrap();
    let plain_table = shardplay(&["compare", DEFAULT, "--duration", "1m"]);
    let plain_text = String::from_utf8(plain_table.stdout).unwrap();
    let (figures_table, _) = plain_text.split_once("\nUnit of scale").unwrap();
    assert!(text.starts_with(figures_table), "{text}");
    assert!(text.contains("Over 5 seeds: mean ± half the 95% confidence interval"), "{text}");
    let refused_line = text.lines().filter(|l| l.starts_with("writes refused")).nth(1).unwrap();
    assert!(refused_line.contains(" ± ") && refused_line.contains(", sd "), "{refused_line}");
}

#[test]
fn the_summary_matches_the_engine_golden_file() {
    let out = shardplay(&["run", DEFAULT, "--duration", "10m", "--seed", "1"]);
    let golden = include_str!("../../sim-core/tests/golden/clickstream-seed1-600s.json");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), golden);
}

#[test]
fn health_names_each_node_by_its_display_name_with_the_reason() {
    let out = shardplay(&["run", DEFAULT, "--duration", "120", "--format", "health"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |name: &str| text.lines().find(|l| l.starts_with(name)).unwrap_or_default();
    // The hot key overloads one shard: the stream throttles, the producer
    // gives records up, and the reader keeps up with what gets in.
    assert!(line("events stream").contains("✖ Throttling writes"), "{text}");
    assert!(line("Web clicks").contains("✖ Dropping records"), "{text}");
    assert!(line("Analytics reader").contains("● Healthy"), "{text}");
    assert!(text.contains("refused attempts since the start"), "the tally is shown: {text}");
    // The rule's threshold and basis follow a warning, as on the card.
    let rule =
        sim_core::view::HEALTH_RULES.iter().find(|r| r.word == "✖ Throttling writes").unwrap();
    assert!(text.contains(&format!("why: {}", rule.when)), "{text}");
    assert!(text.contains(&format!("basis: {}", rule.basis)), "{text}");
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
    assert_eq!(out.status.code(), Some(2), "a value that does not parse is a usage error");
    let missing = shardplay(&["run", "/nonexistent/scenario.json"]);
    assert_eq!(missing.status.code(), Some(4), "an unreadable file is an I/O error");
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("cannot read /nonexistent/scenario.json: No such file"),
        "{missing:?}"
    );
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
    // The flags shaped the search, not the file: its run length and seed stay.
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sized).unwrap()).unwrap();
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DEFAULT).unwrap()).unwrap();
    assert_eq!(written["duration_s"], original["duration_s"]);
    assert_eq!(written["seed"], original["seed"]);
    assert_eq!(written["objectives"], original["objectives"]);
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

/// aws-facts 1.4: 900 records/s of 100 bytes count as 1 KiB each, 900 KiB/s
/// in and, read by three shared consumers, 2,700 KiB/s out: two shards by
/// the classic formula, where one meets every objective in the runs.
#[test]
fn autosize_shows_both_answers_when_the_classic_formula_differs() {
    let dir = std::env::temp_dir().join(format!("shardplay-formula-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("small-records.json");
    let consumer = |id: &str| serde_json::json!({ "id": id, "kind": "consumer", "params": {} });
    let scenario = serde_json::json!({
        "v": 1, "name": "small records", "seed": 1, "duration_s": 120,
        "nodes": [
            { "id": "p", "kind": "producer", "params": {
                "records_per_s": 900, "traffic": { "shape": "constant" },
                "record_size": { "dist": "fixed", "bytes": 100 },
                "keys": { "dist": "uniform", "count": 10000 }, "partition_key_bytes": 16 } },
            { "id": "s", "kind": "kinesis_stream",
              "params": { "capacity": { "mode": "provisioned", "shards": 1 } } },
            consumer("c0"), consumer("c1"), consumer("c2")
        ],
        "links": [
            { "from": "p", "to": "s" },
            { "from": "s", "to": "c0" }, { "from": "s", "to": "c1" }, { "from": "s", "to": "c2" }
        ]
    });
    std::fs::write(&file, scenario.to_string()).unwrap();
    let out = shardplay(&["autosize", file.to_str().unwrap(), "--out", "/dev/null"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("classic formula for s:")).unwrap();
    assert!(line.starts_with("classic formula for s: 2 shards "), "{line}");
    assert!(line.contains("counted as 1 KiB, 3 shared consumers"), "{line}");
    assert!(line.contains("the planner's answer: 1 shard ("), "{line}");
    assert!(line.contains("at 2 shards it meets every objective too"), "{line}");
    assert!(!line.contains("the same answer"), "{line}");
    let _ = std::fs::remove_dir_all(&dir);
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

/// MSK Serverless delays what Kinesis would refuse (aws-facts-more 2.1: a
/// partition takes 5 MB/s, over it the client is slowed down): without a
/// producer-wait objective any partition count "meets" and the planner
/// keeps one, whose producers wait tens of seconds. With
/// `--max-producer-wait 500ms` it asks for ceil(12 MB/s / 5 MB/s) = 3
/// partitions for the scenario's 12 MB/s bursts, and says why 2 fails.
#[test]
fn autosize_holds_msk_producers_to_a_wait_objective() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/msk-serverless-burst.json");
    let sized = std::env::temp_dir().join(format!("shardplay-msk-{}.json", std::process::id()));
    let partitions = |extra: &[&str]| {
        let mut args = vec!["autosize", file, "--duration", "5m", "--out", sized.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = shardplay(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&sized).unwrap()).unwrap();
        let partitions = written["nodes"][1]["params"]["partitions"].as_u64().unwrap();
        (partitions, String::from_utf8(out.stdout).unwrap())
    };
    let (free, _) = partitions(&[]);
    assert_eq!(free, 1, "no objective reads the wait: the fewest partitions");
    let (held, text) = partitions(&["--max-producer-wait", "500ms"]);
    assert_eq!(held, 3, "{text}");
    assert!(text.contains("kafka.partitions=2: producer wait"), "{text}");
    assert!(text.contains("ms over 500 ms"), "{text}");
    let _ = std::fs::remove_file(&sized);
}

// Hostile input and hostile plumbing: a closed pipe, a full disk, a missing
// directory, endless or oversized input, text that tries to drive the
// terminal, values no run can take. Nothing panics; every exit code is the
// documented one.

mod hostile {
    use std::io::Write;
    use std::process::{Command, Output, Stdio};

    use super::{DEFAULT, shardplay};

    const INVALID: i32 = 1;
    const USAGE: i32 = 2;
    const NOT_MET: i32 = 3;
    const IO: i32 = 4;
    const CLOSED_PIPE: i32 = 141;

    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("shardplay-hostile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    /// Runs with `input` on standard input.
    fn with_stdin(args: &[&str], input: &[u8]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shardplay"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // The command may stop reading early (that is the point of a limit).
        let _ = stdin.write_all(input);
        drop(stdin);
        child.wait_with_output().unwrap()
    }

    /// Runs with standard output a pipe whose reading end is closed before
    /// the command starts, as under `| head` once head has had its lines
    /// (closed after the start, a quick command could finish first).
    fn into_closed_pipe(args: &[&str]) -> Output {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        Command::new(env!("CARGO_BIN_EXE_shardplay"))
            .args(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    }

    fn assert_no_panic(out: &Output) {
        let err = text(&out.stderr);
        assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    }

    #[test]
    fn a_closed_pipe_ends_every_command_quietly_with_141() {
        let sized = temp("piped.autosized.json");
        let sized_arg = sized.to_str().unwrap();
        let commands: [&[&str]; 6] = [
            &["validate", DEFAULT],
            &["run", DEFAULT, "--duration", "2m", "--format", "csv"],
            &["cost", DEFAULT, "--duration", "1m"],
            &["sweep", DEFAULT, "--param", "events.capacity.shards", "--values", "1:40:1"],
            &["autosize", DEFAULT, "--duration", "1m", "--out", sized_arg],
            &["--help"],
        ];
        for args in commands {
            let out = into_closed_pipe(args);
            assert_eq!(out.status.code(), Some(CLOSED_PIPE), "{args:?}: {out:?}");
            assert_no_panic(&out);
            assert!(!text(&out.stderr).contains("cannot write"), "quietly: {out:?}");
        }
        // autosize wrote its result before its report: nothing is lost.
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&sized).unwrap()).unwrap();
        assert!(written["nodes"][1]["params"]["capacity"]["shards"].as_u64().unwrap() > 2);
    }

    #[test]
    fn a_full_disk_is_an_error_naming_the_file() {
        let run = shardplay(&["run", DEFAULT, "--duration", "1m", "--out", "/dev/full"]);
        assert_eq!(run.status.code(), Some(IO), "{run:?}");
        assert!(text(&run.stderr).contains("cannot write /dev/full: No space left"), "{run:?}");
        assert_no_panic(&run);
        let sized = shardplay(&["autosize", DEFAULT, "--duration", "1m", "--out", "/dev/full"]);
        assert_eq!(sized.status.code(), Some(IO), "{sized:?}");
        assert!(text(&sized.stderr).contains("cannot write /dev/full"), "{sized:?}");
        let report = text(&sized.stdout);
        assert!(report.contains("cheapest configuration") && !report.contains("wrote"), "{report}");
        // Standard output on a full disk is named too.
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_shardplay"))
            .args(["validate", DEFAULT])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(IO), "{out:?}");
        assert!(text(&out.stderr).contains("cannot write standard output"), "{out:?}");
    }

    #[test]
    fn output_into_a_missing_directory_is_refused_before_any_work() {
        let missing = temp("no-such-dir").join("out.json");
        let path = missing.to_str().unwrap();
        let sized = shardplay(&["autosize", DEFAULT, "--out", path]);
        assert_eq!(sized.status.code(), Some(IO), "{sized:?}");
        assert!(text(&sized.stderr).contains(&format!("cannot write {path}")), "{sized:?}");
        assert!(!text(&sized.stderr).contains("configurations run"), "refused before the search");
        assert!(!text(&sized.stdout).contains("wrote"), "{sized:?}");
        for args in [
            ["run", DEFAULT, "--out", path].as_slice(),
            &["sweep", DEFAULT, "--param", "seed", "--values", "1,2", "--out", path],
        ] {
            let out = shardplay(args);
            assert_eq!(out.status.code(), Some(IO), "{out:?}");
            assert!(out.stdout.is_empty(), "nothing ran: {out:?}");
            assert!(text(&out.stderr).contains(&format!("cannot write {path}")), "{out:?}");
        }
    }

    #[test]
    fn endless_or_oversized_input_is_refused_at_the_limit_unread() {
        let zero = shardplay(&["validate", "/dev/zero"]);
        assert_eq!(zero.status.code(), Some(INVALID), "{zero:?}");
        assert!(
            text(&zero.stderr)
                .contains("over the limit of 1,048,576 bytes (reading stopped there)"),
            "{zero:?}"
        );
        // A 200 MB file (sparse: nothing to write) is refused by its size,
        // which is only known without reading it.
        let huge = temp("huge.json");
        std::fs::File::create(&huge).unwrap().set_len(200 * 1_048_576).unwrap();
        let out = shardplay(&["run", huge.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(INVALID), "{out:?}");
        assert!(
            text(&out.stderr)
                .contains("the scenario is 209,715,200 bytes; the limit is 1,048,576 bytes"),
            "{out:?}"
        );
        let flood = with_stdin(&["validate", "-"], &vec![b' '; 3 * 1_048_576]);
        assert_eq!(flood.status.code(), Some(INVALID), "{flood:?}");
        assert!(text(&flood.stderr).starts_with("standard input: 1 problem"), "{flood:?}");
        assert!(text(&flood.stderr).contains("over the limit"), "{flood:?}");
        let binary = with_stdin(&["validate", "-"], b"{\"v\": \xff}");
        assert_eq!(binary.status.code(), Some(INVALID), "{binary:?}");
        assert!(text(&binary.stderr).contains("not UTF-8 text (byte 7 is not)"), "{binary:?}");
    }

    #[test]
    fn a_dash_reads_the_scenario_from_standard_input() {
        let scenario = std::fs::read(DEFAULT).unwrap();
        let args = ["run", "-", "--duration", "1m", "--seed", "3"];
        let piped = with_stdin(&args, &scenario);
        assert!(piped.status.success(), "{piped:?}");
        let from_file = shardplay(&["run", DEFAULT, "--duration", "1m", "--seed", "3"]);
        assert_eq!(piped.stdout, from_file.stdout);
        // There is no file to write beside, so autosize needs --out.
        let sized = with_stdin(&["autosize", "-"], &scenario);
        assert_eq!(sized.status.code(), Some(USAGE), "{sized:?}");
        assert!(text(&sized.stderr).contains("--out"), "{sized:?}");
    }

    #[test]
    fn a_share_link_runs_headless_in_every_form() {
        let scenario =
            sim_core::parse_scenario(&std::fs::read_to_string(DEFAULT).unwrap()).unwrap();
        let fragment = sim_core::share::encode_fragment(&scenario);
        let from_file = shardplay(&["run", DEFAULT, "--duration", "1m"]);
        for link in [
            format!("https://example.org/shardplay/#{fragment}"),
            format!("#{fragment}"),
            fragment.clone(),
        ] {
            let out = shardplay(&["run", &link, "--duration", "1m"]);
            assert!(out.status.success(), "{link}: {out:?}");
            assert_eq!(out.stdout, from_file.stdout, "{link}");
        }
        let damaged = shardplay(&["validate", &fragment[..fragment.len() / 2]]);
        assert_eq!(damaged.status.code(), Some(INVALID), "{damaged:?}");
        assert!(text(&damaged.stderr).contains("link: the link is damaged"), "{damaged:?}");
        let no_scenario = shardplay(&["validate", "https://example.org/shardplay/"]);
        assert_eq!(no_scenario.status.code(), Some(INVALID), "{no_scenario:?}");
        assert!(text(&no_scenario.stderr).contains("carries no scenario"), "{no_scenario:?}");
    }

    #[test]
    fn scenario_text_cannot_drive_the_terminal() {
        let mut scenario: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(DEFAULT).unwrap()).unwrap();
        scenario["name"] = "retitled\u{1b}]0;pwned\u{7} and cleared\u{1b}[2J".into();
        let named = temp("named.json");
        std::fs::write(&named, scenario.to_string()).unwrap();
        let cost = shardplay(&["cost", named.to_str().unwrap(), "--duration", "1m"]);
        assert!(cost.status.success(), "{cost:?}");
        let table = text(&cost.stdout);
        assert!(!table.contains('\u{1b}') && !table.contains('\u{7}'), "{table}");
        assert!(
            table.starts_with("retitled\\u{1b}]0;pwned\\u{7} and cleared\\u{1b}[2J — seed"),
            "{table}"
        );
        // JSON keeps the name, with what serde leaves raw (the one-byte CSI) escaped.
        scenario["name"] = "csi\u{9b}2J".into();
        std::fs::write(&named, scenario.to_string()).unwrap();
        let run = shardplay(&["run", named.to_str().unwrap(), "--duration", "1m"]);
        assert!(!text(&run.stdout).contains('\u{9b}'), "{run:?}");
        let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        assert_eq!(summary["scenario"], "csi\u{9b}2J");
        // Unknown values quoted in messages: escaped, and long ones cut.
        scenario["nodes"][0]["kind"] = "\u{1b}[2Jproducer".into();
        scenario["links"][0]["to"] = "x".repeat(5_000).into();
        std::fs::write(&named, scenario.to_string()).unwrap();
        let out = shardplay(&["validate", named.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(INVALID), "{out:?}");
        let err = text(&out.stderr);
        assert!(!err.contains('\u{1b}'), "{err}");
        assert!(err.contains("unknown variant `\\u{1b}[2Jproducer`"), "{err}");
        assert!(err.len() < 1_000, "the 5,000-character id is cut: {err}");
    }

    #[test]
    fn a_long_value_in_a_message_is_cut_with_its_length() {
        let mut scenario: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(DEFAULT).unwrap()).unwrap();
        scenario["links"][0]["to"] = "y".repeat(5_000).into();
        let file = temp("long-id.json");
        std::fs::write(&file, scenario.to_string()).unwrap();
        let out = shardplay(&["validate", file.to_str().unwrap()]);
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("no node has id \"{}…\" (5,000 characters)", "y".repeat(60))),
            "{err}"
        );
    }

    #[test]
    fn a_zero_duration_is_refused_by_every_command_like_the_files_own() {
        let sweep = ["sweep", DEFAULT, "--param", "seed", "--values", "1"];
        for command in [
            ["run", DEFAULT].as_slice(),
            &["cost", DEFAULT],
            &sweep,
            &["autosize", DEFAULT, "--out", "/dev/null"],
            &["validate", DEFAULT],
        ] {
            let out = shardplay(&[command, &["--duration", "0"]].concat());
            assert_eq!(out.status.code(), Some(INVALID), "{command:?}: {out:?}");
            let err = text(&out.stderr);
            assert!(
                err.contains("--duration: 0 is out of range; allowed 1 to 31,536,000 s"),
                "{err}"
            );
            assert!(out.stdout.is_empty(), "{command:?} ran: {out:?}");
        }
        // The same problem written in the file exits the same way.
        let mut scenario: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(DEFAULT).unwrap()).unwrap();
        scenario["duration_s"] = 0.into();
        let file = temp("zero.json");
        std::fs::write(&file, scenario.to_string()).unwrap();
        let out = shardplay(&["validate", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(INVALID), "{out:?}");
        assert!(text(&out.stderr).contains("duration_s: 0 is out of range"), "{out:?}");
    }

    /// The sweep's rows without the parameter's column.
    fn figures(out: &Output) -> Vec<String> {
        let table = text(&out.stdout);
        table
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("cheapest") && !l.starts_with("no value"))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
            .collect()
    }

    #[test]
    fn sweeping_the_seed_or_the_length_changes_the_runs() {
        let seeds = shardplay(&[
            "sweep",
            DEFAULT,
            "--param",
            "seed",
            "--values",
            "1,2",
            "--duration",
            "1m",
        ]);
        assert_eq!(seeds.status.code(), Some(NOT_MET), "two throttling runs: {seeds:?}");
        let rows = figures(&seeds);
        assert_eq!(rows.len(), 2, "{seeds:?}");
        assert_ne!(rows[0], rows[1], "each seed draws its own traffic");
        // Each row is the run `run --seed` gives.
        let csv = temp("seeds.csv");
        let args = ["sweep", DEFAULT, "--param", "seed", "--values", "2", "--duration", "1m"];
        shardplay(&[&args[..], &["--out", csv.to_str().unwrap()]].concat());
        let run = shardplay(&["run", DEFAULT, "--duration", "1m", "--seed", "2"]);
        let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        let throttled =
            &summary["nodes"]["events"]["metrics"]["WriteProvisionedThroughputExceeded"]["sum"];
        let row = std::fs::read_to_string(&csv).unwrap();
        let cells: Vec<&str> = row.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(cells[1].parse::<f64>().unwrap(), throttled.as_f64().unwrap(), "{row}");

        let lengths = shardplay(&["sweep", DEFAULT, "--param", "duration_s", "--values", "30,60"]);
        let rows = figures(&lengths);
        assert_eq!(rows.len(), 2, "{lengths:?}");
        assert_ne!(rows[0], rows[1], "a longer run throttles more");
    }

    #[test]
    fn sweeping_the_schema_version_is_refused() {
        let out = shardplay(&["sweep", DEFAULT, "--param", "v", "--values", "1,2"]);
        assert_eq!(out.status.code(), Some(INVALID), "{out:?}");
        assert!(text(&out.stderr).contains("v: is not a parameter a sweep can vary"), "{out:?}");
        assert!(out.stdout.is_empty(), "{out:?}");
    }

    #[test]
    fn exit_codes_are_the_documented_ones() {
        let help = shardplay(&["sweep", "--help"]);
        assert_eq!(help.status.code(), Some(0));
        let help = text(&help.stdout);
        for code in ["0 ", "1 ", "2 ", "3 ", "4 ", "141 "] {
            assert!(help.contains(&format!("\n  {code}")), "{code}: {help}");
        }
        assert_eq!(shardplay(&["validate", DEFAULT]).status.code(), Some(0));
        assert_eq!(shardplay(&["validate", DEFAULT, "--bogus"]).status.code(), Some(USAGE));
        assert_eq!(shardplay(&["validate", "/nonexistent"]).status.code(), Some(IO));
        // Objectives nobody can meet: 3 whether a flag or the file states them.
        let sweep = ["sweep", DEFAULT, "--param", "events.capacity.shards", "--values", "1,2"];
        let by_default = shardplay(&[&sweep[..], &["--duration", "1m"]].concat());
        assert_eq!(by_default.status.code(), Some(NOT_MET), "{by_default:?}");
        let strict = ["--duration", "1m", "--max-iterator-age", "0", "--values", "8"];
        let by_flag = shardplay(&[&sweep[..4], &strict[..]].concat());
        let mut scenario: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(DEFAULT).unwrap()).unwrap();
        scenario["objectives"] = serde_json::json!({ "max_iterator_age_p99_ms": 0 });
        let file = temp("strict.json");
        std::fs::write(&file, scenario.to_string()).unwrap();
        let by_file = shardplay(
            &[&["sweep", file.to_str().unwrap(), "--param", "events.capacity.shards"], &strict[..]]
                .concat(),
        );
        assert_eq!(by_flag.status.code(), Some(NOT_MET), "{by_flag:?}");
        assert_eq!(by_file.status.code(), Some(NOT_MET), "{by_file:?}");
        assert_eq!(by_flag.stdout, by_file.stdout);
        // An objective out of range: 1 whether a flag or the file states it.
        let flag = shardplay(&["autosize", DEFAULT, "--traffic", "0", "--out", "/dev/null"]);
        assert_eq!(flag.status.code(), Some(INVALID), "{flag:?}");
        assert!(text(&flag.stderr).contains("--traffic: 0 is out of range"), "{flag:?}");
        scenario["objectives"] = serde_json::json!({ "traffic_multiplier": 0 });
        std::fs::write(&file, scenario.to_string()).unwrap();
        let from_file = shardplay(&["autosize", file.to_str().unwrap(), "--out", "/dev/null"]);
        assert_eq!(from_file.status.code(), Some(INVALID), "{from_file:?}");
        assert!(
            text(&from_file.stderr).contains("objectives.traffic_multiplier: 0 is out of range"),
            "{from_file:?}"
        );
    }
}

#[test]
fn validate_prints_the_resource_estimate_and_run_refuses_what_exceeds_the_budget() {
    let out = shardplay(&["validate", DEFAULT]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("a run of 10 minutes holds at most"), "{text}");
    assert!(text.contains("fits the CLI (4.0 GiB") && text.contains("fits the browser (512 MiB"));
    // 10,000 shards polled every millisecond: valid on AWS's terms, too much
    // work to simulate.
    let dir = std::env::temp_dir().join(format!("shardplay-budget-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let busy = dir.join("busy.json");
    std::fs::write(
        &busy,
        r#"{ "v": 1, "name": "busy", "nodes": [
            { "id": "p", "kind": "producer", "params": {} },
            { "id": "s", "kind": "kinesis_stream", "params": { "capacity": { "mode": "provisioned", "shards": 10000 } } },
            { "id": "c", "kind": "consumer", "params": { "poll_interval_ms": 1 } }
        ], "links": [ { "from": "p", "to": "s" }, { "from": "s", "to": "c" } ] }"#,
    )
    .unwrap();
    let out = shardplay(&["validate", busy.to_str().unwrap()]);
    assert!(out.status.success(), "valid on AWS's terms");
    let out = shardplay(&["run", busy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("nodes[2].params: the run may take"), "{err}");
    assert!(err.contains("raise poll_interval_ms"), "{err}");
    // So do the other commands that run it, autosize before any candidate.
    let out = shardplay(&["cost", busy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let sized = dir.join("busy.autosized.json");
    let out = shardplay(&["autosize", busy.to_str().unwrap(), "--out", sized.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("nodes[2].params: the run may take"), "{err}");
    assert!(!err.contains("configurations run") && !sized.exists(), "{err}");
    // A year of `large` would take the CLI half a day: refused at once, by
    // its duration, with the longest run allowed.
    let large = concat!(env!("CARGO_MANIFEST_DIR"), "/../sim-core/benches/large.json");
    for command in ["run", "cost"] {
        let out = shardplay(&[command, large, "--duration", "365d"]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("duration_s: a run of 365 days may take"), "{err}");
        assert!(err.contains("run it for at most 8 days"), "{err}");
    }
}

#[test]
fn export_writes_each_format_with_its_header_and_resources() {
    let dir = std::env::temp_dir().join(format!("shardplay-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lambda = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/poison-message-dlq.json");
    let json_path = dir.join("t.json");
    let out = shardplay(&[
        "export",
        lambda,
        "--format",
        "cloudformation-json",
        "--out",
        json_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let template: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let types: Vec<&str> = template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["Type"].as_str().unwrap())
        .collect();
    for want in ["AWS::SQS::Queue", "AWS::Lambda::Function", "AWS::Lambda::EventSourceMapping"] {
        assert!(types.contains(&want), "{want} in {types:?}");
    }
    assert!(template["Description"].as_str().unwrap().contains("seed 1"));

    let yaml = shardplay(&["export", lambda, "--format", "cloudformation", "--seed", "9"]);
    assert!(yaml.status.success());
    let yaml = String::from_utf8(yaml.stdout).unwrap();
    assert!(yaml.starts_with("# Exported by Shardplay"), "{yaml}");
    assert!(yaml.contains("seed 9"), "the seed flag is the one exported");
    assert!(yaml.contains("Type: \"AWS::IAM::RolePolicy\""));

    let tf = shardplay(&["export", DEFAULT, "--format", "terraform"]);
    assert!(tf.status.success());
    let tf = String::from_utf8(tf.stdout).unwrap();
    assert!(tf.contains("resource \"aws_kinesis_stream\""), "{tf}");
    assert!(tf.contains("source  = \"hashicorp/aws\""));

    let bad = shardplay(&["export", DEFAULT, "--format", "pulumi"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cloudformation-json"));
    std::fs::remove_dir_all(&dir).ok();
}

/// An exported template imports as a scenario that runs with the same
/// traffic; what is not simulated goes to standard error; a hostile or
/// oversized template exits 1 with the reason, and nothing on stdout.
#[test]
fn import_reads_an_exported_template_back_and_refuses_a_hostile_one() {
    let dir = std::env::temp_dir().join(format!("shardplay-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lambda = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/poison-message-dlq.json");
    let template = dir.join("stack.yaml");
    let out = shardplay(&[
        "export",
        lambda,
        "--format",
        "cloudformation",
        "--out",
        template.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let scenario = dir.join("pipeline.json");
    let out =
        shardplay(&["import", template.to_str().unwrap(), "--out", scenario.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not simulated: SettleRole (AWS::IAM::Role)"), "{stderr}");
    assert!(stderr.contains("the scenario comes back whole"), "{stderr}");
    let read: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&scenario).unwrap()).unwrap();
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(lambda).unwrap()).unwrap();
    let rate = |s: &serde_json::Value| {
        s["nodes"].as_array().unwrap().iter().find(|n| n["kind"] == "producer").unwrap()["params"]
            ["records_per_s"]
            .as_f64()
    };
    assert_eq!(rate(&read), rate(&original), "the producer parameter carries the rate");
    let run = shardplay(&["run", scenario.to_str().unwrap(), "--duration", "30s"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    let bomb = dir.join("bomb.yaml");
    std::fs::write(&bomb, "a: &a [x, x]\nb: &b [*a, *a]\nResources: {}\n").unwrap();
    let out = shardplay(&["import", bomb.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("anchors or aliases"));

    let huge = dir.join("huge.yaml");
    std::fs::write(&huge, vec![b'#'; 2_000_000]).unwrap();
    let out = shardplay(&["import", huge.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("limit is 1,000,000 bytes"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A sweep prints the same bytes on one thread as on three (CSV included).
#[test]
fn sweep_output_does_not_depend_on_the_thread_count() {
    let dir = std::env::temp_dir().join(format!("shardplay-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |threads: &str| {
        let csv = dir.join(format!("points-{threads}.csv"));
        let args = [
            "sweep",
            DEFAULT,
            "--param",
            "events.capacity.shards",
            "--values",
            "2:5:1",
            "--duration",
            "1m",
            "--threads",
            threads,
            "--out",
            csv.to_str().unwrap(),
        ];
        let out = shardplay(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (out.stdout, std::fs::read(csv).unwrap())
    };
    let (one, three) = (run("1"), run("3"));
    assert_eq!(one, three);
    assert_eq!(String::from_utf8(one.1).unwrap().lines().count(), 5, "header and four points");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--replications N`: the first replication is the plain run (its summary
/// unchanged), the block's intervals are mean ± t × sd / √n of the runs'
/// own figures, and the bytes do not depend on the threads or the attempt.
#[test]
fn replications_report_intervals_and_repeat_exactly() {
    let base = ["run", DEFAULT, "--duration", "2m", "--seed", "7"];
    let with = |extra: &[&str]| {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let out = shardplay(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let a = with(&["--replications", "4"]);
    assert_eq!(a, with(&["--replications", "4", "--threads", "1"]));
    assert_eq!(a, with(&["--replications", "4", "--threads", "4"]));
    let mut summary: serde_json::Value = serde_json::from_slice(&a).unwrap();
    let block = summary.as_object_mut().unwrap().remove("replications").unwrap();
    let plain: serde_json::Value = serde_json::from_slice(&with(&[])).unwrap();
    assert_eq!(summary, plain, "the first replication is the plain run");
    assert_eq!(block["n"], 4);
    let seeds: Vec<u64> =
        block["seeds"].as_array().unwrap().iter().map(|s| s.as_u64().unwrap()).collect();
    assert_eq!(seeds[0], 7);
    // Each seed's own run gives the figure; the interval is recomputed here.
    let p99: Vec<(f64, f64)> = seeds
        .iter()
        .map(|seed| {
            let seed = seed.to_string();
            let out = shardplay(&["run", DEFAULT, "--duration", "2m", "--seed", &seed]);
            let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let node = &s["nodes"]["analytics"];
            let (hop, e2e) = (&node["latency"]["p99_ms"], &node["end_to_end_latency"]["p99_ms"]);
            (hop.as_f64().unwrap(), e2e.as_f64().unwrap())
        })
        .collect();
    // End to end too: each seed's own figure, averaged.
    let e2e_mean = p99.iter().map(|p| p.1).sum::<f64>() / 4.0;
    let e2e = block["end_to_end_p99_ms"]["analytics"]["mean"].as_f64().unwrap();
    assert!((e2e - e2e_mean).abs() < 1e-9 * e2e_mean, "{e2e} vs {e2e_mean}");
    assert!(e2e_mean >= p99.iter().map(|p| p.0).sum::<f64>() / 4.0, "end to end is the longer");
    let p99: Vec<f64> = p99.into_iter().map(|p| p.0).collect();
    let mean = p99.iter().sum::<f64>() / 4.0;
    let sd = (p99.iter().map(|c| (c - mean) * (c - mean)).sum::<f64>() / 3.0).sqrt();
    // t(0.975, 3) = 3.182 (the textbook's three decimals).
    let half = 3.182 * sd / 2.0;
    let interval = &block["latency_p99_ms"]["analytics"];
    assert!((interval["mean"].as_f64().unwrap() - mean).abs() < 1e-9 * mean);
    assert!((interval["half_width"].as_f64().unwrap() - half).abs() < 1e-3 * half.max(1.0));
    assert!(interval["low"].as_f64().unwrap() < mean && mean < interval["high"].as_f64().unwrap());
}

/// Every command's `--replications` takes 1 to 100 and refuses anything
/// else with the flag and the range: out of range, too large for any
/// count, negative, fractional or not a number at all; never a panic.
#[test]
fn replications_out_of_range_are_refused_with_the_range() {
    let sweep = ["sweep", DEFAULT, "--param", "events.capacity.shards", "--values", "2"];
    let commands: [&[&str]; 5] = [
        &["run", DEFAULT],
        &sweep,
        &["autosize", DEFAULT],
        &["cost", DEFAULT],
        &["compare", DEFAULT],
    ];
    for command in commands {
        for n in ["0", "101", "99999999999999999999999", "-1", "2.5", "many", ""] {
            let args: Vec<&str> = command.iter().copied().chain(["--replications", n]).collect();
            let out = shardplay(&args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains("--replications") && err.contains("1 to 100"), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    let out = shardplay(&["run", DEFAULT, "--replications", "3", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format json"));
}

/// `sweep --replications N` adds each point's intervals (table and CSV),
/// the same bytes on any number of threads; with N = 1 it is the plain sweep.
#[test]
fn sweep_replications_add_intervals_and_repeat_exactly() {
    let base = ["sweep", DEFAULT, "--param", "events.capacity.shards", "--values", "2,6"];
    let run = |extra: &[&str]| {
        let args: Vec<&str> =
            base.iter().chain(["--duration", "1m"].iter()).chain(extra).copied().collect();
        let out = shardplay(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let replicated = run(&["--replications", "3"]);
    assert_eq!(replicated, run(&["--replications", "3", "--threads", "1"]));
    assert_eq!(run(&["--replications", "1"]), run(&[]));
    let header = replicated.lines().next().unwrap();
    assert!(
        header.contains("throttled_pct_95ci") && header.contains("monthly_usd_95ci"),
        "{header}"
    );
    // Six shards never throttle: every seed agrees, a zero-width interval.
    let six = replicated.lines().nth(2).unwrap();
    assert!(six.contains("0.00% ± 0.00%"), "{six}");
}

/// `--warmup` is laid over the scenario like `--duration`: the summary
/// says it, its statistics leave it out, and a warm-up as long as the run
/// is refused under the flag's name.
#[test]
fn warmup_leaves_the_first_seconds_out_of_the_summary() {
    let summary = |extra: &[&str]| {
        let mut args = vec!["run", DEFAULT, "--duration", "60"];
        args.extend(extra);
        let out = shardplay(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let (whole, warmed) = (summary(&[]), summary(&["--warmup", "30s"]));
    assert_eq!(warmed["warmup_s"], 30);
    assert!(whole.get("warmup_s").is_none(), "absent without a warm-up");
    let incoming = |s: &serde_json::Value| {
        s["nodes"]["events"]["metrics"]["IncomingRecords"]["sum"].as_f64().unwrap()
    };
    assert!(incoming(&warmed) < incoming(&whole));
    assert_eq!(warmed["ledger"], whole["ledger"], "the run itself is the same");
    let out = shardplay(&["run", DEFAULT, "--duration", "60", "--warmup", "1m"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--warmup") && err.contains("before the run does"), "{err}");
}
