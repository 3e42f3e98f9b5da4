//! The metric exports: the JSON export carries exactly the CSV's numbers,
//! grouped by series, with names, units and resolutions.

use sim_core::{Simulation, time_series_csv, time_series_json};

use crate::fixtures::default_scenario;

fn after(seconds: u64) -> Simulation {
    let valid = default_scenario();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(seconds * 1_000);
    sim
}

/// The JSON export flattened to CSV rows, for comparing the two.
fn json_as_csv_rows(json: &str) -> Vec<String> {
    let export: serde_json::Value = serde_json::from_str(json).expect("the export is JSON");
    let mut rows = Vec::new();
    for s in export["series"].as_array().expect("a list of series") {
        for p in s["points"].as_array().expect("a list of points") {
            rows.push(format!(
                "{},{},{},{},{},{}",
                p[0],
                s["resolution_s"],
                s["node"].as_str().unwrap(),
                s["metric"].as_str().unwrap(),
                s["unit"].as_str().unwrap(),
                p[1].as_f64().map(|v| v.to_string()).unwrap_or_default()
            ));
        }
    }
    rows
}

#[test]
fn the_json_export_holds_the_same_periods_and_values_as_the_csv() {
    let sim = after(90);
    let csv = time_series_csv(&sim);
    let csv_rows: Vec<String> = csv.lines().skip(1).map(str::to_string).collect();
    assert!(csv_rows.len() > 90, "a row per second and metric");
    assert_eq!(json_as_csv_rows(&time_series_json(&sim)), csv_rows);
}

#[test]
fn the_json_export_names_each_series_and_the_run() {
    let sim = after(30);
    let export: serde_json::Value = serde_json::from_str(&time_series_json(&sim)).unwrap();
    assert_eq!(export["now_s"], 30);
    assert_eq!(export["seed"], 1);
    let writes = export["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["node"] == "events" && s["metric"] == "WriteProvisionedThroughputExceeded")
        .expect("the stream's throttling series is exported");
    assert_eq!(writes["kind"], "kinesis_stream");
    assert_eq!(writes["unit"], "Count");
    assert_eq!(writes["statistic"], "Sum");
    assert_eq!(writes["resolution_s"], 1);
    assert_eq!(writes["points"].as_array().unwrap().len(), 30);
    let age = export["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["metric"] == "GetRecords.IteratorAgeMilliseconds")
        .unwrap();
    assert_eq!(age["statistic"], "Maximum");
    assert_eq!(age["unit"], "Milliseconds");
}
