//! KCL applications (aws-facts 6): leases, checkpoints, worker crashes with
//! failover and reprocessing, resharding; and forwarding between stages.

use crate::fixtures::node;
use sim_core::NodeIndex;
use sim_core::metrics::{kcl, stream};
use sim_core::scenario::{
    ConsumerSpec, Fault, FirehoseSpec, Forward, KclSpec, Link, Node, NodeSpec, Operation,
    ScheduledOp, StreamOp,
};
use sim_core::{Command, Simulation, validate};

use crate::fixtures::{delivery_pipeline, pipeline, run, steady_producer};

const STREAM: NodeIndex = NodeIndex::new(1);
const APP: NodeIndex = NodeIndex::new(2);

/// producer (`rate` records/s) -> stream (`shards`) -> KCL application.
fn kcl_pipeline(rate: f64, shards: u32, app: KclSpec) -> sim_core::Scenario {
    let mut s = pipeline(steady_producer(rate, 200), shards, None);
    s.nodes.push(Node { id: "app".into(), name: String::new(), spec: NodeSpec::KclApp(app) });
    s.links.push(Link { from: "s".into(), to: "app".into() });
    s
}

fn crash_at(at_s: u64, worker: u32) -> ScheduledOp {
    ScheduledOp {
        at_s: Some(at_s),
        at_ms: None,
        node: "app".into(),
        op: Operation::Fault(Fault::CrashWorker { worker }),
    }
}

/// aws-facts 6: each shard is leased by one worker; leases are spread
/// evenly, and every record is processed once when nothing fails.
#[test]
fn leases_one_per_shard_and_every_record_processed_once() {
    let app = KclSpec { workers: 3, jitter: 0.0, ..Default::default() };
    let sim = run(&kcl_pipeline(1_000.0, 6, app), 60);
    let k = sim.kcl_app(APP).unwrap();
    assert_eq!(k.lease_counts(), vec![2, 2, 2]);
    let written = sim.metrics(STREAM).total(stream::INCOMING_RECORDS);
    let processed = sim.metrics(APP).total(kcl::RECORDS_PROCESSED);
    assert!(written - processed <= 1_000.0 * 1.2, "{written} {processed}");
    assert_eq!(k.duplicates, 0);
    assert!(sim.ledger().balances());
}

/// aws-facts 6: idleTimeBetweenReadsInMillis is 1,000 ms by default, so a
/// record processor is never much more than a second behind.
#[test]
fn idle_time_between_reads_1000_ms_default() {
    assert_eq!(KclSpec::default().idle_time_between_reads_ms, 1_000);
    assert_eq!(KclSpec::default().failover_time_ms, 10_000);
    let sim = run(&kcl_pipeline(500.0, 2, KclSpec::default()), 60);
    let behind = sim.metrics(APP).stats(kcl::MILLIS_BEHIND_LATEST).max;
    assert!(behind <= 1_200.0, "{behind}");
}

/// aws-facts 6: when a worker dies its leases expire after
/// failoverTimeMillis (10 s) and are taken at the next lease-taker run
/// (every 20,050 ms); the new owner resumes from the last checkpoint, so
/// what was processed after it is processed again (at-least-once).
#[test]
fn worker_crash_fails_over_after_failover_time_and_reprocesses_since_checkpoint() {
    let app = KclSpec {
        workers: 2,
        checkpoint_every_records: 0,
        checkpoint_every_s: 60,
        jitter: 0.0,
        ..Default::default()
    };
    let mut scenario = kcl_pipeline(400.0, 2, app);
    scenario.schedule.push(crash_at(100, 0));
    let valid = validate(&scenario).unwrap();
    let mut sim = Simulation::new(&valid, 7);
    sim.run_until(100_000);
    let lease = sim.kcl_app(APP).unwrap().leases[0].clone();
    let position = sim.kcl_readers(APP).unwrap().readers[0].read;
    assert_eq!(lease.owner, Some(0));
    // Worker 0's shard stops at the crash; its lease is taken at 120.3 s:
    // ceil((100 s + 10 s) / 20.05 s) x 20.05 s.
    sim.run_until(120_299);
    // The dead worker's lease has not expired for the taker yet.
    assert_eq!(sim.kcl_app(APP).unwrap().leases[0].owner, Some(0));
    assert_eq!(sim.kcl_app(APP).unwrap().leases_taken, 0);
    sim.run_until(120_300);
    let k = sim.kcl_app(APP).unwrap();
    assert_eq!(k.leases[0].owner, Some(1));
    assert_eq!(k.leases_taken, 1);
    // Everything read after the checkpoint (about 40 s of one shard's
    // share, about 200 records/s) is processed again.
    let duplicates = k.duplicates;
    assert_eq!(duplicates, position - lease.checkpoint);
    assert!((7_000..=9_600).contains(&duplicates), "{duplicates}");
    sim.run_until(200_000);
    let m = sim.metrics(APP);
    assert_eq!(m.total(kcl::DUPLICATE_RECORDS) as u64, duplicates);
    assert_eq!(m.total(kcl::LEASES_TAKEN), 1.0);
    // The stalled shard shows as lag (about a second without the crash).
    let behind = m.stats(kcl::MILLIS_BEHIND_LATEST).max;
    assert!(behind >= 5_000.0, "{behind}");
    assert_eq!(m.last_second(kcl::LIVE_WORKERS), 1.0);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
    let texts: Vec<&str> = sim.journal_entries().map(|e| e.text.as_str()).collect();
    assert!(texts.iter().any(|t| t.starts_with("worker 0 crashed holding 1 lease")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("worker 0's 1 lease taken over")), "{texts:?}");
}

/// A crash can also be a runtime command; with every worker dead no shard
/// is processed, and crashing a dead worker is refused and journalled.
#[test]
fn worker_crash_as_a_runtime_command() {
    let scenario = kcl_pipeline(200.0, 2, KclSpec::default());
    let valid = validate(&scenario).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(10_000);
    for worker in [0, 1] {
        sim.apply(Command::Fault { node: APP, fault: Fault::CrashWorker { worker } }).unwrap();
    }
    let again = sim.apply(Command::Fault { node: APP, fault: Fault::CrashWorker { worker: 1 } });
    assert_eq!(again, Err("worker 1 is already down".into()));
    let wrong = sim.apply(Command::Fault { node: STREAM, fault: Fault::CrashWorker { worker: 0 } });
    assert!(wrong.unwrap_err().contains("not a kcl_app"));
    sim.run_until(60_000);
    let processed_then = sim.metrics(APP).total(kcl::RECORDS_PROCESSED);
    sim.run_until(120_000);
    assert_eq!(sim.metrics(APP).total(kcl::RECORDS_PROCESSED), processed_then);
    assert!(sim.ledger().balances());
    assert!(sim.journal_entries().any(|e| e.text.contains("no live worker")));
}

/// aws-facts 6: after a reshard children are processed only after their
/// parent's lease completes; the new shards get leases of their own.
#[test]
fn parents_before_children_after_reshard() {
    let mut scenario = kcl_pipeline(400.0, 1, KclSpec { workers: 2, ..Default::default() });
    scenario.schedule.push(ScheduledOp {
        at_s: Some(30),
        at_ms: None,
        node: "s".into(),
        op: Operation::Reshard(StreamOp::SplitShard { shard: 0, new_starting_hash_key: None }),
    });
    let sim = run(&scenario, 90);
    let k = sim.kcl_app(APP).unwrap();
    assert_eq!(k.leases.len(), 3);
    assert_eq!(k.lease_counts(), vec![2, 1]);
    let readers = &sim.kcl_readers(APP).unwrap().readers;
    assert_eq!(readers[0].state, sim_core::kinds::ReaderState::Finished);
    assert_eq!(readers[0].read, sim.shards(STREAM).unwrap()[0].appended);
    assert!(readers[1].read > 0 && readers[2].read > 0);
    assert!(sim.ledger().balances());
}

/// aws-facts 2.1: a PUT payload unit is a 25 KB chunk of a record's
/// payload, whoever writes it. Records of exactly 25,600 bytes of data
/// (with 16-byte keys) cost one unit each from the producer and one each
/// when a consumer forwards them to a second stream, not two.
#[test]
fn forwarded_records_are_billed_on_their_data() {
    let mut scenario = pipeline(
        steady_producer(10.0, 25_600),
        1,
        Some(ConsumerSpec {
            forward: Forward { ratio: 1.0, size_ratio: 1.0 },
            ..Default::default()
        }),
    );
    let stream2 = scenario.nodes[1].clone();
    scenario.nodes.push(Node { id: "s2".into(), ..stream2 });
    scenario.links.push(Link { from: "c".into(), to: "s2".into() });
    let sim = run(&scenario, 120);
    let written = |n: usize| sim.metrics(node(n)).total(stream::INCOMING_RECORDS) as u64;
    assert!(written(3) > 1_000, "{} forwarded", written(3));
    assert_eq!(sim.cost().put_payload_units, written(1) + written(3));
}

/// Forwarding: a consumer sends `ratio` records per record processed, each
/// `size_ratio` times the size, to the next stream, whose own consumer
/// reads them; every stage balances.
#[test]
fn consumer_forwards_with_ratio_and_size_change() {
    let forward = Forward { ratio: 2.0, size_ratio: 0.5 };
    let mut scenario = pipeline(
        steady_producer(300.0, 1_000),
        1,
        Some(ConsumerSpec { forward, ..Default::default() }),
    );
    let stream2 = scenario.nodes[1].clone();
    scenario.nodes.push(Node { id: "s2".into(), ..stream2 });
    scenario.nodes.push(Node {
        id: "c2".into(),
        name: String::new(),
        spec: NodeSpec::Consumer(ConsumerSpec::default()),
    });
    scenario.links.push(Link { from: "c".into(), to: "s2".into() });
    scenario.links.push(Link { from: "s2".into(), to: "c2".into() });
    let sim = run(&scenario, 60);
    let processed = sim.metrics(node(2)).total(sim_core::metrics::consumer::RECORDS_PROCESSED);
    let s2 = sim.metrics(node(3));
    let (records, bytes) = (s2.total(stream::INCOMING_RECORDS), s2.total(stream::INCOMING_BYTES));
    assert_eq!(records, 2.0 * processed);
    // The 1,000 data bytes halved, written with the 16-byte key each
    // record was read with (aws-facts 1.1: the stream counts keys).
    assert_eq!(bytes, records * (1_000.0 * 0.5 + 16.0));
    assert!(sim.metrics(node(4)).total(sim_core::metrics::consumer::RECORDS_PROCESSED) > 0.0);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// A multi-stage pipeline: stream -> KCL application -> Firehose (Direct
/// PUT) -> S3.
#[test]
fn kcl_forwards_to_a_delivery_stream() {
    let mut scenario = kcl_pipeline(500.0, 2, KclSpec::default());
    let fh = FirehoseSpec { buffer_size_mib: 1, buffer_interval_s: 10, ..Default::default() };
    let tail = delivery_pipeline(steady_producer(1.0, 1), fh, Default::default());
    scenario.nodes.extend(tail.nodes.into_iter().skip(1));
    scenario.links.push(Link { from: "app".into(), to: "fh".into() });
    scenario.links.push(Link { from: "fh".into(), to: "dst".into() });
    let sim = run(&scenario, 60);
    let f = sim.firehose(node(3)).unwrap();
    assert!(f.delivered > 20_000, "{}", f.delivered);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// Forwarding wiring: not into the stream a consumer reads (a loop), and
/// not into a delivery stream that reads a stream (Direct PUT disabled,
/// aws-facts 3.2).
#[test]
fn forwarding_wiring_is_validated() {
    let mut scenario = pipeline(steady_producer(10.0, 10), 1, Some(ConsumerSpec::default()));
    scenario.links.push(Link { from: "c".into(), to: "s".into() });
    let issues = validate(&scenario).unwrap_err();
    assert!(issues.iter().any(|i| i.message.contains("forwards to the stream it reads")));
    assert_eq!(
        sim_core::link_rule(sim_core::NodeKind::KclApp, sim_core::NodeKind::Consumer),
        Err(
            "a consumer forwards to a stream or a delivery stream, which other consumers then read"
        )
    );
}

/// aws-facts 6: KCL parameters are checked against the one range table:
/// maxRecords at most 10,000, idle time at least 200 ms.
#[test]
fn kcl_parameters_are_validated() {
    let app = KclSpec {
        workers: 0,
        max_records: 10_001,
        idle_time_between_reads_ms: 100,
        forward: Forward { ratio: -1.0, size_ratio: 1.0 },
        ..Default::default()
    };
    let issues = validate(&kcl_pipeline(10.0, 1, app)).unwrap_err();
    let text: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
    for want in [
        "nodes[2].params.workers: 0 is out of range; allowed 1 to 1,000 workers",
        "nodes[2].params.max_records: 10,001 is out of range; allowed 1 to 10,000 records",
        "nodes[2].params.idle_time_between_reads_ms: 100 is out of range; allowed 200 to 600,000 ms",
        "nodes[2].params.forward.ratio: -1 is out of range; allowed 0 to 100 records per record",
    ] {
        assert!(text.iter().any(|t| t == want), "missing {want:?} in {text:#?}");
    }
}

/// aws-facts 6: a worker that comes back holds no lease; each lease-taker
/// run (every 20,050 ms) it steals one lease (maxLeasesToStealAtOneTime 1)
/// until leases are balanced, and a stolen shard resumes from its last
/// checkpoint.
#[test]
fn restarted_worker_steals_leases_one_per_taker_run() {
    let mut scenario = kcl_pipeline(400.0, 4, KclSpec { workers: 2, ..Default::default() });
    scenario.schedule.push(crash_at(10, 1));
    scenario.schedule.push(ScheduledOp {
        at_s: Some(60),
        at_ms: None,
        node: "app".into(),
        op: Operation::Fault(Fault::RestartWorker { worker: 1 }),
    });
    let valid = validate(&scenario).unwrap();
    let mut sim = Simulation::new(&valid, 3);
    sim.run_until(59_000);
    assert_eq!(sim.kcl_app(APP).unwrap().lease_counts(), vec![4, 0]);
    // Taker runs at 60.15 s and 80.2 s: one lease each.
    sim.run_until(60_150);
    assert_eq!(sim.kcl_app(APP).unwrap().lease_counts(), vec![3, 1]);
    sim.run_until(80_200);
    assert_eq!(sim.kcl_app(APP).unwrap().lease_counts(), vec![2, 2]);
    sim.run_until(150_000);
    let k = sim.kcl_app(APP).unwrap();
    assert_eq!(k.lease_counts(), vec![2, 2]);
    assert_eq!(k.leases_taken, 4);
    assert!(sim.ledger().balances());
    assert!(sim.journal_entries().any(|e| e.text.starts_with("lease balancing: 1 lease stolen")));
}
