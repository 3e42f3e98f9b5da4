//! A run with live changes (runtime commands between `run_until` calls) is
//! reproduced bit for bit from its replay scenario: the scenario it started
//! from with the changes as `at_ms` schedule entries (what a copied link
//! carries).

use sim_core::digest::run_digest;
use sim_core::scenario::{Fault, Operation, ScheduledOp, StreamOp};
use sim_core::{Command, Simulation, load_scenario, summarize, validate};

fn bundled(name: &str) -> sim_core::ValidScenario {
    let (_, json) = sim_core::BUNDLED_SCENARIOS
        .iter()
        .find(|(file, _)| *file == name)
        .unwrap_or_else(|| panic!("{name} is bundled"));
    load_scenario(json).unwrap()
}

/// Runs `valid` with `changes` applied live at their times (each after
/// `run_until` that time, as the app's engine does), then to `end`.
fn live(valid: &sim_core::ValidScenario, changes: &[(u64, Command)], end: u64) -> Simulation {
    let mut sim = Simulation::new(valid, valid.scenario().seed);
    for (t, command) in changes {
        sim.run_until(*t);
        sim.apply(command.clone()).expect("the run takes the change");
    }
    sim.run_until(end);
    sim
}

fn replayed(sim: &Simulation, end: u64) -> Simulation {
    let scenario = sim.replay_scenario().expect("changes were made");
    // The replay scenario is a valid document, and survives its JSON form.
    let text = serde_json::to_string(&scenario).unwrap();
    let valid = load_scenario(&text).expect("the replay scenario validates");
    let mut again = Simulation::new(&valid, valid.scenario().seed);
    again.run_until(end);
    again
}

#[test]
fn live_changes_replay_bit_for_bit() {
    let valid = bundled("clickstream.json");
    let index = |id: &str| valid.scenario().index_of(id).unwrap();
    let (stream, producer) = (index("events"), index("clicks"));
    // Mid-second times, two changes in one millisecond, every command form
    // a stream and a producer take.
    let changes = [
        (45_437, Command::Reshard { node: stream, op: StreamOp::UpdateShardCount { target: 3 } }),
        (61_002, Command::SetProducerRate { node: producer, records_per_s: 2_600.0 }),
        (
            61_002,
            Command::Reshard {
                node: stream,
                op: StreamOp::SplitShard { shard: 3, new_starting_hash_key: None },
            },
        ),
        (
            90_000,
            Command::Fault {
                node: producer,
                fault: Fault::TrafficSpike { multiplier: 1.5, for_s: 20 },
            },
        ),
    ];
    let end = 226_437;
    let sim = live(&valid, &changes, end);
    let again = replayed(&sim, end);
    assert_eq!(run_digest(&sim), run_digest(&again));
    assert_eq!(
        serde_json::to_string(&summarize(&sim)).unwrap(),
        serde_json::to_string(&summarize(&again)).unwrap()
    );
    let journal = |s: &Simulation| s.journal_entries().map(|e| e.text.clone()).collect::<Vec<_>>();
    assert_eq!(journal(&sim), journal(&again));
    // The changes are in order, at the millisecond each took effect.
    let ops = sim.live_changes();
    let times: Vec<_> = ops.iter().map(|op| op.at_ms).collect();
    assert_eq!(times, [Some(45_437), Some(61_002), Some(61_002), Some(90_000)]);
    assert_eq!(
        ops[1],
        ScheduledOp::at_millisecond(
            61_002,
            "clicks",
            Operation::Fault(Fault::SetRate { records_per_s: 2_600.0 })
        )
    );
    // Without the changes the run differs: they are what the link adds.
    let mut plain = Simulation::new(&valid, valid.scenario().seed);
    plain.run_until(end);
    assert_ne!(run_digest(&plain), run_digest(&sim));
}

#[test]
fn a_run_without_changes_has_no_replay_scenario() {
    let valid = bundled("clickstream.json");
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(5_000);
    assert_eq!(sim.replay_scenario(), None);
    // A refused change is no change.
    let stream = valid.scenario().index_of("events").unwrap();
    let refused = Command::Reshard { node: stream, op: StreamOp::UpdateShardCount { target: 40 } };
    assert!(sim.apply(refused).is_err());
    assert_eq!(sim.replay_scenario(), None);
}

#[test]
fn flink_parallelism_replays() {
    let valid = bundled("flink-autoscaling.json");
    let app = valid.scenario().index_of("sessions").unwrap();
    let changes = [(30_250, Command::SetFlinkParallelism { node: app, parallelism: 4 })];
    let sim = live(&valid, &changes, 120_000);
    assert_eq!(run_digest(&sim), run_digest(&replayed(&sim, 120_000)));
}

#[test]
fn schedule_times_and_live_forms_are_validated() {
    let mut scenario = bundled("clickstream.json").scenario().clone();
    let rate = |r: f64| Operation::Fault(Fault::SetRate { records_per_s: r });
    scenario.schedule = vec![
        ScheduledOp { at_s: Some(1), at_ms: Some(1_500), node: "clicks".into(), op: rate(10.0) },
        ScheduledOp { at_s: None, at_ms: None, node: "clicks".into(), op: rate(10.0) },
        ScheduledOp::at_millisecond(1_500, "clicks", rate(-1.0)),
        ScheduledOp::at_millisecond(
            1_500,
            "events",
            Operation::Fault(Fault::SetParallelism { parallelism: 2 }),
        ),
    ];
    let issues = validate(&scenario).unwrap_err();
    let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        ["schedule[0]", "schedule[1]", "schedule[2].op.records_per_s", "schedule[3].node"],
        "{issues:?}"
    );
    // The JSON form: at_ms alone, and the kinds by name.
    let op: ScheduledOp = serde_json::from_str(
        r#"{"at_ms": 61002, "node": "clicks", "op": {"kind": "set_rate", "records_per_s": 2600}}"#,
    )
    .unwrap();
    assert_eq!(op, ScheduledOp::at_millisecond(61_002, "clicks", rate(2_600.0)));
    assert_eq!(
        serde_json::to_string(&op).unwrap(),
        r#"{"at_ms":61002,"node":"clicks","op":{"kind":"set_rate","records_per_s":2600.0}}"#
    );
}
