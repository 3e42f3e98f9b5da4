//! Shared-throughput reads vs enhanced fan-out (aws-facts 1.1, 1.5).

use crate::fixtures::node;
use sim_core::NodeIndex;
use sim_core::metrics::{consumer, stream};
use sim_core::scenario::{ConsumerSpec, Link, Node, NodeSpec, ReadMode, Scenario};
use sim_core::{Simulation, validate};

use crate::fixtures::{pipeline, producer, run, steady_producer};

/// A 1-shard stream at `rate` records/s read by `n` consumers in `mode`.
fn with_consumers(rate: f64, n: usize, mode: ReadMode) -> Scenario {
    let mut scenario = pipeline(producer(rate), 1, None);
    for i in 0..n {
        let id = format!("c{i}");
        let spec = ConsumerSpec { read_mode: mode, poll_interval_ms: 200, ..Default::default() };
        scenario.nodes.push(Node {
            id: id.clone(),
            name: String::new(),
            spec: NodeSpec::Consumer(spec),
        });
        scenario.links.push(Link { from: "s".into(), to: id });
    }
    scenario
}

fn fan_out(n: usize, mode: ReadMode) -> Simulation {
    let valid = validate(&with_consumers(900.0, n, mode)).unwrap();
    let mut sim = Simulation::new(&valid, 5);
    sim.run_until(300_000);
    sim
}

#[test]
fn five_polling_consumers_share_five_calls_per_second() {
    // aws-facts 1.1: 5 GetRecords calls/s per shard, shared by all polling
    // consumers; polling every 200 ms each, five consumers ask for 25/s.
    let sim = fan_out(5, ReadMode::Shared);
    assert!(sim.metrics(node(1)).stats(stream::READ_THROTTLED).sum > 1_000.0);
    assert_eq!(sim.metrics(node(1)).stats(stream::EFO_RECORDS).sum, 0.0);
    assert!(sim.ledger().balances());
}

#[test]
fn five_enhanced_fan_out_consumers_each_get_their_own_pipe() {
    // aws-facts 1.5: 2 MiB/s per shard per consumer, ~70 ms propagation.
    let sim = fan_out(5, ReadMode::EnhancedFanOut);
    assert_eq!(sim.metrics(node(1)).stats(stream::READ_THROTTLED).sum, 0.0);
    let produced = sim.ledger().produced as f64;
    let pushed = sim.metrics(node(1)).stats(stream::EFO_RECORDS).sum
        + sim.metrics(node(1)).current(stream::EFO_RECORDS);
    assert!(
        pushed > 4.9 * produced,
        "every consumer receives every record: {pushed} vs {produced}"
    );
    for node in NodeIndex::all(7).skip(2) {
        let behind = sim.metrics(node).stats(consumer::MILLIS_BEHIND_LATEST);
        assert!(behind.max < 1_000.0, "consumer {node} stays near the tip: {}", behind.max);
    }
    assert!(sim.ledger().balances());
}

#[test]
fn more_than_twenty_enhanced_fan_out_consumers_are_refused() {
    let issues = validate(&with_consumers(10.0, 21, ReadMode::EnhancedFanOut)).unwrap_err();
    assert!(issues[0].message.contains("at most 20"), "{issues:?}");
}

#[test]
fn a_forwarding_consumer_retries_a_throttled_put_like_the_sdk() {
    // A consumer polling every 2 s hands 1,040 records at once to a
    // one-shard stream whose bucket holds 1,000: the 40 refused records are
    // retried with backoff (as the SDK retries a throttled PutRecords) and
    // get in once the bucket refills, instead of being dropped at once.
    use sim_core::scenario::{Forward, StreamSpec};
    let forwarder = ConsumerSpec {
        poll_interval_ms: 2_000,
        forward: Forward { ratio: 1.0, size_ratio: 1.0 },
        ..Default::default()
    };
    let mut scenario = pipeline(steady_producer(520.0, 100), 2, Some(forwarder));
    scenario.nodes.push(Node {
        id: "next".into(),
        name: String::new(),
        spec: NodeSpec::KinesisStream(StreamSpec {
            capacity: sim_core::scenario::Capacity::Provisioned { shards: 1 },
            ..Default::default()
        }),
    });
    scenario.links.push(Link { from: "c".into(), to: "next".into() });
    let sim = run(&scenario, 120);
    let next = sim.node_index("next").unwrap();
    let m = sim.metrics(next);
    assert!(m.total(sim_core::metrics::stream::WRITE_THROTTLED) > 0.0, "the bursts are refused");
    let l = sim.ledger();
    assert_eq!(l.throttled_dropped, 0, "{l:?}");
    assert!(l.balances());
}

/// aws-facts 1.5: within its 2 MiB/s a pushed record reaches an enhanced
/// fan-out consumer about 70 ms after it arrived, so every record's latency
/// (arrival to read, MODEL.md, Latency) is exactly the propagation delay,
/// and every record pushed is counted once.
#[test]
fn enhanced_fan_out_latency_is_the_propagation_delay() {
    let sim = fan_out(2, ReadMode::EnhancedFanOut);
    for node in 2..4 {
        let s = sim
            .latency(NodeIndex::new(node))
            .and_then(|h| h.hop.summary())
            .expect("records were pushed");
        let propagation = sim_core::kinds::consumer::EFO_PROPAGATION_MS as f64;
        assert_eq!(
            (s.p50_ms, s.p99_ms, s.max_ms, s.mean_ms),
            (propagation, propagation, propagation, propagation)
        );
        assert!(s.records > 0 && s.records <= sim.ledger().produced);
    }
}
