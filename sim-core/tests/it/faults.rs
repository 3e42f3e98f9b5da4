//! Faults, scheduled in the scenario or applied at runtime: a destination
//! down, an error-rate change, a worker crash (see `kcl.rs`), a traffic
//! spike. Each is journalled.

use crate::fixtures::node;
use sim_core::NodeIndex;
use sim_core::metrics::{destination, firehose, producer};
use sim_core::scenario::{Fault, FirehoseSpec, Operation, ScheduledOp, TransformSpec};
use sim_core::{Command, Simulation, parse_scenario, validate};

use crate::fixtures::{delivery_pipeline, run, steady_producer};

fn at(at_s: u64, node: &str, fault: Fault) -> ScheduledOp {
    ScheduledOp { at_s: Some(at_s), at_ms: None, node: node.into(), op: Operation::Fault(fault) }
}

fn pipeline() -> sim_core::Scenario {
    let fh = FirehoseSpec { buffer_size_mib: 1, buffer_interval_s: 10, ..Default::default() };
    delivery_pipeline(steady_producer(100.0, 1_000), fh, Default::default())
}

/// A scheduled `destination_down` refuses deliveries for `for_s` seconds;
/// S3 retries (aws-facts 3.3), so nothing is lost and delivery resumes.
#[test]
fn destination_down_from_t1_to_t2() {
    let mut scenario = pipeline();
    scenario.schedule.push(at(30, "dst", Fault::DestinationDown { for_s: 60 }));
    let sim = run(&scenario, 200);
    let d = sim.metrics(node(2));
    assert!(d.total(destination::FAILED_ATTEMPTS) >= 5.0);
    // Down from 30 s to 90 s: the gauge, read at the end of each second,
    // shows it for the seconds ending at 31 s to 89 s.
    let down: Vec<f64> = d.series(destination::DOWN).tier(0).iter().map(|p| p.max).collect();
    assert_eq!(down[29], 0.0);
    assert_eq!(down[30], 1.0);
    assert_eq!(down[88], 1.0);
    assert_eq!(down[89], 0.0);
    let l = sim.ledger();
    assert!(l.lost == 0 && l.balances() && l.delivered > 15_000, "{l:?}");
    assert!(sim.journal_entries().any(|e| e.text == "destination down for 60 s"));
}

/// `set_error_rate` changes a transformation's failure rate mid-run.
#[test]
fn error_rate_change() {
    let mut scenario = pipeline();
    let fh = FirehoseSpec {
        transform: Some(TransformSpec { buffer_size_mb: 0.2, ..Default::default() }),
        ..FirehoseSpec::default()
    };
    scenario.nodes[1].spec = sim_core::NodeSpec::Firehose(fh);
    scenario.schedule.push(at(30, "fh", Fault::SetErrorRate { error_rate: 1.0 }));
    let sim = run(&scenario, 60);
    let failed = sim.metrics(node(1)).series(firehose::PROCESSING_FAILED);
    let before: f64 = failed.tier(0).iter().take(29).map(|p| p.sum).sum();
    let after: f64 = failed.tier(0).iter().skip(32).map(|p| p.sum).sum();
    assert_eq!(before, 0.0);
    assert!(after > 0.0);
    assert!(sim.ledger().balances());
}

/// `traffic_spike` multiplies a producer's rate for a while, then takes
/// the factor off again.
#[test]
fn traffic_spike() {
    let mut scenario = pipeline();
    scenario.schedule.push(at(10, "p", Fault::TrafficSpike { multiplier: 5.0, for_s: 10 }));
    let sim = run(&scenario, 30);
    let per_s: Vec<f64> = sim
        .metrics(node(0))
        .series(producer::USER_RECORDS_RECEIVED)
        .tier(0)
        .iter()
        .map(|p| p.sum)
        .collect();
    assert_eq!(per_s[5], 100.0);
    assert_eq!(per_s[15], 500.0);
    assert_eq!(per_s[25], 100.0);
    assert!(sim.journal_entries().any(|e| e.text == "traffic spike over"));
}

/// Faults arrive as runtime commands too; a fault aimed at the wrong kind
/// of node, or out of range, is refused and the run goes on.
#[test]
fn faults_as_runtime_commands() {
    let valid = validate(&pipeline()).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(5_000);
    sim.apply(Command::Fault { node: node(2), fault: Fault::DestinationDown { for_s: 30 } })
        .unwrap();
    let wrong =
        sim.apply(Command::Fault { node: node(1), fault: Fault::DestinationDown { for_s: 1 } });
    assert_eq!(wrong, Err("node 1 is a firehose, not a destination".into()));
    let no_transform =
        sim.apply(Command::Fault { node: node(1), fault: Fault::SetErrorRate { error_rate: 0.5 } });
    assert_eq!(no_transform, Err("this delivery stream has no transformation".into()));
    let bad =
        sim.apply(Command::Fault { node: node(1), fault: Fault::SetErrorRate { error_rate: 2.0 } });
    assert!(bad.unwrap_err().contains("out of range; allowed 0 to 1"));
    sim.run_until(20_000);
    assert!(sim.destination(node(2)).unwrap().is_down(20_000));
    assert!(!sim.destination(node(2)).unwrap().is_down(35_001));
    assert!(sim.journal_entries().any(|e| e.refused));
}

/// Scenario files spell faults with a `kind`, beside resharding; a fault
/// on the wrong kind of node or a worker that does not exist is an issue.
#[test]
fn faults_in_scenario_files_are_validated() {
    let mut scenario = pipeline();
    scenario.schedule = vec![
        at(10, "fh", Fault::DestinationDown { for_s: 5 }),
        at(10, "p", Fault::TrafficSpike { multiplier: 2_000.0, for_s: 5 }),
    ];
    let json = serde_json::to_string(&scenario).unwrap();
    assert!(json.contains(r#""kind":"destination_down","for_s":5"#), "{json}");
    let parsed = parse_scenario(&json).unwrap();
    assert_eq!(parsed.schedule, scenario.schedule);
    let issues = validate(&parsed).unwrap_err();
    let text: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
    assert!(text.contains(
        &"schedule[0].node: \"fh\" is a firehose; this operation applies to a destination".into()
    ));
    assert!(text.iter().any(|t| t.starts_with("schedule[1].op.multiplier: 2,000 is out of range")));
    let bad = json.replace("destination_down", "destination_sideways");
    assert!(parse_scenario(&bad).is_err());
}

/// `set_function_error_rate` changes a Lambda function's failure rate
/// mid-run: failed batches of the poison-message scenario's queue source
/// come back after the visibility timeout, so errors follow the new rate.
#[test]
fn function_error_rate_change() {
    let json = sim_core::BUNDLED_SCENARIOS
        .iter()
        .find(|(file, _)| *file == "poison-message-dlq.json")
        .expect("bundled")
        .1;
    let valid = sim_core::load_scenario(json).unwrap();
    let function = NodeIndex::new(2);
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(60_000);
    let errors = |sim: &Simulation| sim.metrics(function).total(sim_core::metrics::lambda::ERRORS);
    let invocations =
        |sim: &Simulation| sim.metrics(function).total(sim_core::metrics::lambda::INVOCATIONS);
    let (e0, i0) = (errors(&sim), invocations(&sim));
    let fault = Fault::SetFunctionErrorRate { error_rate: 1.0 };
    sim.apply(Command::Fault { node: function, fault }).unwrap();
    sim.run_until(120_000);
    let (e1, i1) = (errors(&sim), invocations(&sim));
    assert!(e0 < i0 / 2.0, "before: only poison messages fail ({e0} of {i0})");
    assert!(i1 > i0, "the function keeps being invoked");
    // Invocations that straddle a boundary may count on either side of it.
    assert!(
        (e1 - e0) >= 0.95 * (i1 - i0),
        "after: every invocation fails ({} of {})",
        e1 - e0,
        i1 - i0
    );
    assert!(sim.journal_entries().any(|e| e.text == "function error rate set to 1"));
    let bad = Fault::SetFunctionErrorRate { error_rate: 1.5 };
    assert!(
        sim.apply(Command::Fault { node: function, fault: bad })
            .unwrap_err()
            .contains("allowed 0 to 1")
    );
    let wrong = Fault::SetFunctionErrorRate { error_rate: 0.5 };
    assert!(
        sim.apply(Command::Fault { node: node(1), fault: wrong }).is_err(),
        "node 1 is the queue"
    );
    assert!(sim.ledger().balances());
}
