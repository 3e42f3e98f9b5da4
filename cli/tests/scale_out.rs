//! A sweep split across machines and joined again (`sweep --plan`,
//! `sweep --index I --of N`, `merge`), and the planner's confidence bound.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CLICKSTREAM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/clickstream.json");

/// Five shard counts for a minute, with two seeds each.
const SWEEP: [&str; 10] = [
    "sweep",
    CLICKSTREAM,
    "--param",
    "events.capacity.shards",
    "--values",
    "1:5:1",
    "--duration",
    "1m",
    "--replications",
    "2",
];

fn shardplay(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shardplay"));
    for name in ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "SLURM_ARRAY_TASK_ID"] {
        command.env_remove(name);
    }
    command.args(args).envs(env.iter().copied()).output().expect("shardplay runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shardplay-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs slice `index` of `of` as its own process, its index given the way
/// `how` says: a flag or a batch engine's variable.
fn run_slice(dir: &Path, index: u32, of: u32, how: &str) -> PathBuf {
    let part = dir.join(format!("part-{index}-of-{of}.json"));
    let (of_text, index_text) = (of.to_string(), index.to_string());
    let mut args: Vec<&str> = SWEEP.to_vec();
    args.extend(["--of", &of_text, "--out", path(&part)]);
    let out = if how == "--index" {
        args.extend(["--index", &index_text]);
        shardplay(&args, &[])
    } else {
        shardplay(&args, &[(how, &index_text)])
    };
    assert!(out.status.success(), "slice {index} of {of}: {}", stderr(&out));
    part
}

/// N slices run as separate processes and merged print what one machine
/// prints, table and CSV, byte for byte, however the sweep is split and
/// whichever batch engine hands out the index.
#[test]
fn merged_slices_equal_the_one_machine_sweep() {
    let dir = temp_dir("scale-out");
    let csv = dir.join("one.csv");
    let mut args: Vec<&str> = SWEEP.to_vec();
    args.extend(["--out", path(&csv)]);
    let one = shardplay(&args, &[]);
    assert!(one.status.success(), "{}", stderr(&one));
    let one_csv = std::fs::read(&csv).unwrap();
    let engines =
        ["--index", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "SLURM_ARRAY_TASK_ID"];
    // 7 slices for 5 points: two are empty, and still merge.
    for (of, how) in [(1, "--index"), (2, engines[1]), (3, engines[2]), (7, engines[3])] {
        let parts: Vec<PathBuf> = (0..of).rev().map(|i| run_slice(&dir, i, of, how)).collect();
        let merged_csv = dir.join(format!("merged-{of}.csv"));
        let mut args = vec!["merge"];
        args.extend(parts.iter().map(|p| path(p)));
        args.extend(["--out", path(&merged_csv)]);
        let merged = shardplay(&args, &[]);
        assert!(merged.status.success(), "{of} slices: {}", stderr(&merged));
        assert_eq!(
            String::from_utf8_lossy(&merged.stdout),
            String::from_utf8_lossy(&one.stdout),
            "{of} slices"
        );
        assert_eq!(std::fs::read(&merged_csv).unwrap(), one_csv, "{of} slices' CSV");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A missing, repeated, foreign or damaged part is refused by name, never
/// merged quietly.
#[test]
fn merge_refuses_a_missing_repeated_or_foreign_slice_by_its_index() {
    let dir = temp_dir("scale-out-refused");
    let parts: Vec<PathBuf> = (0..3).map(|i| run_slice(&dir, i, 3, "--index")).collect();
    let merge = |files: &[&Path]| {
        let mut args = vec!["merge"];
        args.extend(files.iter().map(|p| path(p)));
        shardplay(&args, &[])
    };
    let (a, b, c) = (parts[0].as_path(), parts[1].as_path(), parts[2].as_path());
    let missing = merge(&[a, c]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("slice 1 of 3 is missing"), "{}", stderr(&missing));
    let twice = merge(&[a, b, b, c]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(stderr(&twice).contains("slice 1 of 3 is given twice"), "{}", stderr(&twice));
    // A slice of another sweep (one more second) does not mix in.
    let foreign = dir.join("foreign.json");
    let mut args: Vec<&str> = SWEEP.iter().map(|a| if *a == "1m" { "61" } else { a }).collect();
    args.extend(["--of", "3", "--index", "1", "--out", path(&foreign)]);
    assert!(shardplay(&args, &[]).status.success());
    let mixed = merge(&[a, &foreign, c]);
    assert_eq!(mixed.status.code(), Some(2));
    assert!(stderr(&mixed).contains("different sweeps"), "{}", stderr(&mixed));
    // A part whose rows were edited to claim another slice's points.
    let text = std::fs::read_to_string(b).unwrap();
    let edited = dir.join("edited.json");
    std::fs::write(&edited, text.replace("\"slice\":1", "\"slice\":2")).unwrap();
    let wrong = merge(&[a, b, &edited]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("does not hold its points 3 to 4"), "{}", stderr(&wrong));
    // Not a part at all: the scenario file itself.
    let damaged = merge(&[Path::new(CLICKSTREAM)]);
    assert_eq!(damaged.status.code(), Some(1));
    assert!(stderr(&damaged).contains("is not a sweep part"), "{}", stderr(&damaged));
    let _ = std::fs::remove_dir_all(dir);
}

/// `--plan` lists every point and its slice, runs nothing, and agrees
/// with what each slice then runs.
#[test]
fn the_plan_lists_each_point_and_the_slice_that_runs_it() {
    let mut args: Vec<&str> = SWEEP.to_vec();
    args.extend(["--of", "2", "--plan"]);
    let out = shardplay(&args, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = plan["points"].as_array().unwrap();
    let slices: Vec<u64> = points.iter().map(|p| p["slice"].as_u64().unwrap()).collect();
    assert_eq!(slices, [0, 0, 1, 1, 1]);
    let values: Vec<f64> = points.iter().map(|p| p["value"].as_f64().unwrap()).collect();
    assert_eq!(values, [1.0, 2.0, 3.0, 4.0, 5.0]);
    let dir = temp_dir("scale-out-plan");
    let part: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run_slice(&dir, 1, 2, "--index")).unwrap()).unwrap();
    let rows: Vec<u64> =
        part["rows"].as_array().unwrap().iter().map(|r| r["index"].as_u64().unwrap()).collect();
    assert_eq!(rows, [2, 3, 4]);
    assert_eq!(part["sweep"], plan["sweep"]);
    let _ = std::fs::remove_dir_all(dir);
    // Without an index, a slice says where to give one.
    let mut args: Vec<&str> = SWEEP.to_vec();
    args.extend(["--of", "2"]);
    let out = shardplay(&args, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("SLURM_ARRAY_TASK_ID"), "{}", stderr(&out));
    let out = shardplay(&args, &[("AWS_BATCH_JOB_ARRAY_INDEX", "2")]);
    assert!(stderr(&out).contains("AWS_BATCH_JOB_ARRAY_INDEX is 2; with --of 2 it must be 0 to 1"));
    // A part that cannot be written fails before the slice runs.
    let mut args: Vec<&str> = SWEEP.to_vec();
    args.extend(["--of", "2", "--index", "0", "--out", "/nonexistent/part-0.json"]);
    let out = shardplay(&args, &[]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("/nonexistent/part-0.json"), "{}", stderr(&out));
}

/// A one-minute sweep of the clickstream at five shards with `extra`
/// flags: the exit code and the table's lines.
fn one_point(extra: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut args = vec!["sweep", CLICKSTREAM, "--param", "events.capacity.shards"];
    args.extend(["--values", "5", "--duration", "1m"]);
    args.extend(extra);
    let out = shardplay(&args, &[]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code(), stdout.lines().map(String::from).collect())
}

/// Five shards at 1.1 times the traffic, seed 4: this seed's minute has no
/// refused write, so one run calls the configuration good. Other seeds
/// refuse some, and with replications the planner judges the upper bound
/// of the 95% interval, which is above zero: not met, and it says why.
#[test]
fn a_configuration_good_on_one_seed_fails_at_95_percent_confidence() {
    let point = |replications: &str| {
        let (code, lines) =
            one_point(&["--traffic", "1.1", "--seed", "4", "--replications", replications]);
        (code, lines[1].clone())
    };
    let (code, one_seed) = point("1");
    let cells: Vec<&str> = one_seed.split_whitespace().collect();
    let meets = cells.iter().position(|c| *c == "true" || *c == "false").unwrap();
    assert_eq!((cells[1], cells[meets]), ("0", "true"), "one seed: no refusal, met: {one_seed}");
    assert_eq!(code, Some(0));
    let (code, five_seeds) = point("5");
    // The first seed's own figures are the same run's...
    assert!(five_seeds.split_whitespace().nth(1) == Some("0"), "{five_seeds}");
    // ...but the seeds together refuse writes, and the bound says so.
    assert!(five_seeds.contains(" false "), "{five_seeds}");
    assert!(five_seeds.contains("upper 95% bound over 5 seeds"), "{five_seeds}");
    assert_eq!(code, Some(3));
}

/// `--max-latency-p99` holds every consumer's record latency to a p99:
/// the clickstream's consumer polls once a second, so its records wait
/// about a second at p99; 10 s is met, 100 ms is not, and the table shows
/// the figure it judged.
#[test]
fn a_latency_objective_is_judged_on_the_p99_the_table_shows() {
    let sweep = |max: &str| {
        let (code, lines) = one_point(&["--max-latency-p99", max]);
        let column = lines[0].split_whitespace().position(|c| c == "latency_p99_ms").unwrap();
        let cell = lines[1].split_whitespace().nth(column).unwrap().to_string();
        (code, cell, lines[1].clone())
    };
    let (code, cell, row) = sweep("10s");
    assert_eq!(code, Some(0), "{row}");
    let p99: f64 = cell.replace(',', "").parse().unwrap();
    assert!(p99 > 100.0 && p99 < 10_000.0, "{row}");
    let (code, _, row) = sweep("100ms");
    assert_eq!(code, Some(3), "{row}");
    assert!(row.contains(&format!("record latency p99 {cell} ms over 100 ms")), "{row}");
    let bad = shardplay(
        &["sweep", CLICKSTREAM, "--param", "seed", "--values", "1", "--max-latency-p99", "soon"],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("500ms, 2s"), "{}", stderr(&bad));
}

/// The same minute, seed 4 at 1.1 times the traffic: alone, five shards
/// look enough; judged over five seeds at the 95% bound, autosize asks for
/// six, and lists five among the cheaper failures with the bound's reason.
#[test]
fn autosize_with_replications_does_not_size_for_a_lucky_seed() {
    let dir = temp_dir("autosize-replications");
    let sized = |replications: &str| {
        let out_file = dir.join(format!("sized-{replications}.json"));
        let args = [
            "autosize",
            CLICKSTREAM,
            "--duration",
            "1m",
            "--traffic",
            "1.1",
            "--seed",
            "4",
            "--replications",
            replications,
            "--out",
            path(&out_file),
        ];
        let out = shardplay(&args, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let scenario: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
        let events = scenario["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "events");
        let shards = events.unwrap()["params"]["capacity"]["shards"].as_u64().unwrap();
        (shards, String::from_utf8(out.stdout).unwrap())
    };
    let (one, _) = sized("1");
    let (five, report) = sized("5");
    assert_eq!(one + 1, five, "{report}");
    let line = format!("events.capacity={one} shards: upper 95% bound over 5 seeds:");
    assert!(report.contains(&line), "{report}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `cost --replications N`: the bill is the plain run's, the intervals are
/// those of N plain runs with the listed seeds, the saving is paired seed
/// by seed, and the bytes do not depend on the threads.
#[test]
fn cost_replications_are_n_plain_bills_and_a_paired_saving() {
    let cost = |extra: &[&str]| {
        let mut args = vec!["cost", CLICKSTREAM, "--duration", "1m", "--format", "json"];
        args.extend(extra);
        let out = shardplay(&args, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout
    };
    let replicated = cost(&["--replications", "3", "--threads", "1"]);
    assert_eq!(replicated, cost(&["--replications", "3", "--threads", "3"]));
    let mut json: serde_json::Value = serde_json::from_slice(&replicated).unwrap();
    let block = json.as_object_mut().unwrap().remove("replications").unwrap();
    let plain: serde_json::Value = serde_json::from_slice(&cost(&[])).unwrap();
    assert_eq!(json, plain, "the first replication is the plain bill");
    let monthly = |bill: &serde_json::Value, mode: &str| {
        let modes = bill["modes"].as_array().unwrap();
        let m = modes.iter().find(|m| m["mode"] == mode).unwrap();
        m["monthly_projection_usd"].as_f64().unwrap()
    };
    let (cheaper, than) = (block["cheaper"].as_str().unwrap(), block["than"].as_str().unwrap());
    let savings: Vec<f64> = block["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|seed| {
            let seed = seed.as_u64().unwrap().to_string();
            let bill: serde_json::Value =
                serde_json::from_slice(&cost(&["--seed", &seed])).unwrap();
            monthly(&bill, than) - monthly(&bill, cheaper)
        })
        .collect();
    let mean = savings.iter().sum::<f64>() / 3.0;
    let reported = block["monthly_saving_usd"]["mean"].as_f64().unwrap();
    assert!((reported - mean).abs() < 1e-9 * mean.abs().max(1.0), "{reported} vs {mean}");
    let low = block["monthly_saving_usd"]["low"].as_f64().unwrap();
    assert_eq!(block["cheaper_at_95"], low > 0.0);
}
