//! Managed Service for Apache Flink applications (aws-facts-more 4): shards
//! read by subtasks, KPUs, backpressure, autoscaling and KPU billing.

use sim_core::NodeIndex;
use sim_core::metrics::{flink, stream};
use sim_core::scenario::{FirehoseSpec, FlinkSpec, Forward, Link, Node, NodeSpec};

use crate::fixtures::{pipeline, run, steady_producer};

const STREAM: NodeIndex = NodeIndex::new(1);
const APP: NodeIndex = NodeIndex::new(2);

/// producer (`rate` records/s) -> stream (`shards`) -> Flink application.
fn flink_pipeline(rate: f64, shards: u32, app: FlinkSpec) -> sim_core::Scenario {
    let mut s = pipeline(steady_producer(rate, 200), shards, None);
    s.nodes.push(Node { id: "app".into(), name: String::new(), spec: NodeSpec::FlinkApp(app) });
    s.links.push(Link { from: "s".into(), to: "app".into() });
    s
}

/// One millisecond of CPU a record: a vCPU does 1,000 records a second.
fn app(parallelism: u32) -> FlinkSpec {
    FlinkSpec {
        parallelism,
        autoscaling: false,
        per_record_us: 1_000.0,
        start: sim_core::scenario::StartPosition::TrimHorizon,
        ..FlinkSpec::default()
    }
}

/// aws-facts-more 4.1, 4.4, 4.5: with too few subtasks the job processes
/// what its vCPUs can (1,000 records/s each) and falls behind; with one
/// subtask per shard it keeps up; subtasks beyond the shard count idle, so
/// parallelism 8 on 4 shards processes no more than 4 and costs more KPUs.
#[test]
fn subtasks_beyond_the_shard_count_idle_and_too_few_fall_behind() {
    let (rate, secs) = (2_800.0, 120);
    let one = run(&flink_pipeline(rate, 4, app(1)), secs);
    let four = run(&flink_pipeline(rate, 4, app(4)), secs);
    let eight = run(&flink_pipeline(rate, 4, app(8)), secs);
    let processed = |s: &sim_core::Simulation| s.metrics(APP).total(flink::RECORDS_IN);
    let written = four.metrics(STREAM).total(stream::INCOMING_RECORDS);
    // One vCPU: at most 1,000 records a second.
    assert!(processed(&one) <= 1_000.0 * secs as f64, "{}", processed(&one));
    assert!(processed(&one) >= 0.9 * 1_000.0 * secs as f64, "{}", processed(&one));
    let behind = |s: &sim_core::Simulation| s.metrics(APP).stats(flink::OLDEST_UNREAD_AGE).max;
    assert!(behind(&one) > 60_000.0, "one subtask falls a minute behind: {}", behind(&one));
    // Four: keeps up within a couple of seconds of the tip.
    assert!(written - processed(&four) <= rate * 2.0, "{written} {}", processed(&four));
    assert!(behind(&four) < 3_000.0, "{}", behind(&four));
    // Eight: the same work as four, done no faster, on twice the KPUs.
    assert!((processed(&eight) - processed(&four)).abs() <= rate, "{}", processed(&eight));
    let kpus = |s: &sim_core::Simulation| s.metrics(APP).last_second(flink::KPUS);
    assert_eq!(kpus(&four), 5.0, "4 KPUs and the orchestration KPU");
    assert_eq!(kpus(&eight), 9.0);
    let cpu = |s: &sim_core::Simulation| s.metrics(APP).stats(flink::CPU_UTILIZATION).avg();
    assert!(cpu(&eight) < 0.6 * cpu(&four), "{} vs {}", cpu(&eight), cpu(&four));
    for s in [&one, &four, &eight] {
        assert!(s.ledger().balances());
    }
}

/// aws-facts-more 4.1: KPUs are Parallelism / ParallelismPerKPU; subtasks
/// sharing a KPU share its vCPU, so CPU-bound work does no more on 4
/// subtasks at 4 per KPU than on one subtask.
#[test]
fn subtasks_on_one_kpu_share_its_vcpu() {
    let shared = FlinkSpec { parallelism_per_kpu: 4, ..app(4) };
    let sim = run(&flink_pipeline(2_800.0, 4, shared), 60);
    assert_eq!(sim.metrics(APP).last_second(flink::KPUS), 2.0, "1 KPU + orchestration");
    assert!(sim.metrics(APP).total(flink::RECORDS_IN) <= 60_000.0);
}

/// aws-facts-more 4.2: autoscaling doubles parallelism after 15
/// consecutive one-minute datapoints at 75% CPU or more, and the job is down
/// while it rescales.
#[test]
fn autoscaling_doubles_parallelism_after_15_minutes_at_75_percent() {
    let spec = FlinkSpec { autoscaling: true, scaling_downtime_s: 60, ..app(1) };
    let sim = run(&flink_pipeline(1_500.0, 2, spec), 17 * 60);
    let m = sim.metrics(APP);
    let seconds = m.series(flink::PARALLELISM).tier(0);
    let scaled = seconds.iter().find(|p| p.max >= 2.0).expect("it scaled up");
    // The 15th one-minute datapoint closes at 900 s; the next second runs
    // at parallelism 2.
    assert_eq!(scaled.t, 15 * 60 * 1_000, "scaled at the end of minute 15");
    assert_eq!(m.last_second(flink::PARALLELISM), 2.0);
    let down: f64 = m.series(flink::DOWNTIME).tier(0).iter().map(|p| p.max).sum();
    assert_eq!(down, 60_000.0, "down for its 60 s");
}

/// aws-facts-more 4.8: $0.11 per KPU-hour with one orchestration KPU per
/// application, and 50 GB of running storage per KPU at $0.10 a GB-month.
#[test]
fn kpu_hours_bill_the_orchestration_kpu_and_storage_per_kpu() {
    let sim = run(&flink_pipeline(100.0, 4, app(4)), 3_600);
    let items = sim.cost().items();
    let line = |key: &str| items.iter().find(|i| i.key == key).cloned().expect(key);
    let kpu = line("flink.kpu_hour");
    assert!((kpu.units - 5.0).abs() < 1e-9, "{}", kpu.units);
    assert!((kpu.usd - 5.0 * 0.11).abs() < 1e-9, "{}", kpu.usd);
    let storage = line("flink.running_storage_gb_month");
    let month_hours = sim.cost().prices().month_hours;
    let gb_months = 4.0 * 50.0 / month_hours;
    assert!((storage.units - gb_months).abs() < 1e-9, "{} vs {gb_months}", storage.units);
    assert!((storage.usd - gb_months * 0.10).abs() < 1e-9);
}

/// aws-facts-more 4.6: a Flink sink is another stream or a delivery stream;
/// its operators (a filter, a map) decide what it emits, and every record
/// stays in the conservation ledger.
#[test]
fn operators_filter_and_resize_what_it_writes_to_its_sink() {
    let mut s = flink_pipeline(
        1_000.0,
        2,
        FlinkSpec { forward: Forward { ratio: 0.25, size_ratio: 0.5 }, ..app(2) },
    );
    s.nodes.push(Node {
        id: "fh".into(),
        name: String::new(),
        spec: NodeSpec::Firehose(FirehoseSpec::default()),
    });
    s.nodes.push(Node {
        id: "dst".into(),
        name: String::new(),
        spec: NodeSpec::Destination(Default::default()),
    });
    s.links.push(Link { from: "app".into(), to: "fh".into() });
    s.links.push(Link { from: "fh".into(), to: "dst".into() });
    let sim = run(&s, 120);
    let m = sim.metrics(APP);
    let (read, out) = (m.total(flink::RECORDS_IN), m.total(flink::RECORDS_OUT));
    // Records are counted in as the vCPUs work and out when their batch
    // ends: they differ by the batches in processing, under a second's worth.
    assert!((out - read * 0.25).abs() <= 0.25 * 1_000.0, "{read} in, {out} out");
    assert!(out <= read * 0.25 + 1.0, "{read} in, {out} out");
    assert!(sim.ledger().balances());
}

/// aws-facts-more 4.1, 4.2: UpdateApplication with a new parallelism takes
/// effect in the running application after its restart's downtime; an
/// edit of parallelism alone in the inspector is that command, not a
/// restart of the run; a value past ParallelismPerKPU x 64 is refused.
#[test]
fn update_application_changes_parallelism_while_it_runs() {
    let scenario = flink_pipeline(2_800.0, 4, app(1));
    let valid = sim_core::validate(&scenario).unwrap();
    let mut sim = sim_core::Simulation::new(&valid, 1);
    sim.run_until(60_000);
    let before = scenario.node(APP).spec.clone();
    let after = NodeSpec::FlinkApp(FlinkSpec { parallelism: 4, ..app(1) });
    let command = sim_core::params::live_edit(APP, &before, &after).expect("a live edit");
    sim.apply(command).unwrap();
    sim.run_until(62_000);
    assert_eq!(sim.metrics(APP).last_second(flink::KPUS), 5.0);
    assert_eq!(sim.metrics(APP).last_second(flink::DOWNTIME), 1_000.0, "restarting");
    // Down for 60 s, then four vCPUs drain the backlog at 4,000 records/s.
    sim.run_until(130_000);
    let done = sim.metrics(APP).total(flink::RECORDS_IN);
    sim.run_until(190_000);
    let per_s = (sim.metrics(APP).total(flink::RECORDS_IN) - done) / 60.0;
    assert!((3_600.0..=4_000.0).contains(&per_s), "{per_s} records/s");
    let too_many = sim_core::Command::SetFlinkParallelism { node: APP, parallelism: 65 };
    let why = sim.apply(too_many).unwrap_err();
    assert!(why.contains("allowed 1 to 64"), "{why}");
}
