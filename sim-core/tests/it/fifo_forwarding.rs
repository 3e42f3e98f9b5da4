//! What a forwarding stage (a worker pool, the one kind validation lets
//! send to a queue) sends into an SQS FIFO queue keeps the message groups
//! of the keys it was written with
//! (MODEL.md, "Forwarding into a FIFO queue"): AWS leaves the
//! `MessageGroupId` to the code (aws-facts 4.2), and keeping each key's
//! order is what a FIFO queue is for. The queue's reader then works on the
//! groups in parallel (aws-facts 5.2: concurrency bounded by the groups),
//! not on one group at a time.

use sim_core::metrics::lambda;
use sim_core::scenario::{
    KeyDistribution, Link, Node, NodeSpec, ProducerSpec, QueueSpec, QueueType, Scenario,
    WorkerPoolSpec,
};

use crate::fixtures::{one_at_a_time, pipeline, run, steady_producer};

fn node(id: &str, spec: NodeSpec) -> Node {
    Node { id: id.into(), name: String::new(), spec }
}

fn link(from: &str, to: &str) -> Link {
    Link { from: from.into(), to: to.into() }
}

/// producer (100 records/s over `keys`) -> `source` -> `stage` (forwards
/// every record) -> FIFO queue "q" -> function "f" ([`one_at_a_time`]).
fn forwarded(keys: KeyDistribution, source: NodeSpec, stage: NodeSpec) -> Scenario {
    let p = ProducerSpec { keys, ..steady_producer(100.0, 200) };
    let fifo = QueueSpec { queue_type: QueueType::Fifo, ..QueueSpec::default() };
    let nodes = vec![
        node("p", NodeSpec::Producer(p)),
        node("src", source),
        node("stage", stage),
        node("q", NodeSpec::SqsQueue(fifo)),
        node("f", NodeSpec::Lambda(one_at_a_time())),
    ];
    let links = vec![link("p", "src"), link("src", "stage"), link("stage", "q"), link("q", "f")];
    Scenario { nodes, links, ..pipeline(ProducerSpec::default(), 1, None) }
}

/// A pool of 20 workers forwarding what it processes, on a standard queue
/// (whose messages have no group) and on a FIFO queue (whose groups are
/// the producer's keys).
fn stages() -> [(&'static str, NodeSpec, NodeSpec); 2] {
    let workers = NodeSpec::WorkerPool(WorkerPoolSpec { workers: 20, ..WorkerPoolSpec::default() });
    let fifo = QueueSpec { queue_type: QueueType::Fifo, ..QueueSpec::default() };
    [
        ("from a standard queue", NodeSpec::SqsQueue(QueueSpec::default()), workers.clone()),
        ("from a FIFO queue", NodeSpec::SqsQueue(fifo), workers),
    ]
}

/// 100 messages a second over 20 keys: 5 a second a group, each group busy
/// half the time, so the function keeps up running λ × W = 100/s × 0.1 s =
/// 10 invocations at once on average and never more than the 20 groups.
/// On one key it is one group: one invocation at a time, 10 a second.
#[test]
fn a_forwarding_stage_keeps_the_groups_of_the_keys() {
    let secs = 120;
    for (what, source, stage) in stages() {
        let keys = KeyDistribution::Uniform { count: 20 };
        let sim = run(&forwarded(keys, source.clone(), stage.clone()), secs);
        let f = sim.node_index("f").unwrap();
        let processed = sim.metrics(f).total(lambda::RECORDS_PROCESSED);
        assert!(processed >= 100.0 * (secs as f64 - 3.0), "{what}: {processed}");
        let concurrency = sim.metrics(f).stats(lambda::CONCURRENT_EXECUTIONS);
        assert!(concurrency.max <= 20.0, "{what}: one per group: {}", concurrency.max);
        let mb_ms = sim.cost().monthly.lambda_x86_mb_ms as f64;
        let mean = mb_ms / f64::from(one_at_a_time().memory_mb) / (secs * 1_000) as f64;
        assert!((mean - 10.0).abs() < 0.5, "{what}: mean concurrency {mean}");
        assert!(sim.ledger().balances(), "{what}: {:?}", sim.ledger());

        let sim = run(&forwarded(KeyDistribution::Uniform { count: 1 }, source, stage), secs);
        let f = sim.node_index("f").unwrap();
        let processed = sim.metrics(f).total(lambda::RECORDS_PROCESSED);
        assert!(processed <= 10.0 * secs as f64, "{what}: {processed}");
        assert!(processed >= 10.0 * (secs as f64 - 3.0), "{what}: {processed}");
        assert_eq!(sim.metrics(f).stats(lambda::CONCURRENT_EXECUTIONS).max, 1.0, "{what}");
    }
}

/// A hot key is one group: with half of 100 a second on it, that group
/// alone needs 50 invocations of 100 ms a second, five times what one at a
/// time allows, so its messages wait while the other keys' flow; the
/// function runs 10 a second for the hot group plus the other 50.
#[test]
fn a_hot_key_forwarded_is_one_slow_group() {
    let secs = 120;
    let [(_, queue, workers), _] = stages();
    let keys = KeyDistribution::HotKey { count: 20, hot_share: 0.5 };
    let sim = run(&forwarded(keys, queue, workers), secs);
    let f = sim.node_index("f").unwrap();
    let per_s = sim.metrics(f).total(lambda::RECORDS_PROCESSED) / secs as f64;
    // Reference: min(50, 10) for the hot group + 50 for the rest.
    assert!((per_s - 60.0).abs() < 3.0, "{per_s} a second");
}

/// The resource estimate counts the groups a forwarding stage fills: 2,000
/// keys forwarded into a FIFO queue nothing reads hold a cohort per group
/// and second, and the run stays within the bound.
#[test]
fn the_estimate_bounds_the_groups_a_stage_forwards() {
    let [(_, queue, workers), _] = stages();
    let mut s = forwarded(KeyDistribution::Uniform { count: 2_000 }, queue, workers);
    s.nodes.pop();
    s.links.pop();
    let valid = sim_core::validate(&s).unwrap();
    let (peak, busiest) = sim_core::budget::measure(&valid, 120);
    let e = sim_core::budget::estimate(&valid, 120);
    assert!(peak <= e.peak_bytes, "{peak} > {}", e.peak_bytes);
    assert!(busiest <= e.events_per_sim_s, "{busiest} > {}", e.events_per_sim_s);
}
