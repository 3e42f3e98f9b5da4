//! SQS calls as AWS counts them: FIFO partitions (aws-facts 4.2), whole
//! SendMessageBatch calls admitted, counted and billed as one number, and
//! each call billed by its own payload's 64 KB chunks (aws-facts 2.4).

use crate::fixtures::node;
use sim_core::metrics::{producer, queue, worker_pool};
use sim_core::rng::NodeRng;
use sim_core::scenario::{
    KeyDistribution, Link, Node, NodeSpec, ProducerSpec, QueueSpec, QueueType, RecordSize, Retry,
    Scenario, ServiceTime, Traffic, WorkerPoolSpec,
};
use sim_core::{Simulation, validate};

use crate::queues::{queue_pipeline, sender};

/// producer -> queue, nobody reading: only sends are billed.
fn unread(producer: ProducerSpec, queue: QueueSpec) -> Scenario {
    let mut s = queue_pipeline(producer, queue, WorkerPoolSpec::default());
    s.nodes.truncate(2);
    s.links = vec![Link { from: "p".into(), to: "q".into() }];
    s
}

fn run(s: &Scenario, seconds: u64) -> Simulation {
    let valid = validate(s).unwrap_or_else(|e| panic!("{e:?}"));
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(seconds * 1_000);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
    sim
}

/// Per-second sums of a metric, oldest first.
fn per_second(sim: &Simulation, node: usize, metric: usize) -> Vec<f64> {
    let node = sim_core::NodeIndex::new(node);
    sim.metrics(node).series(metric).tier(0).iter().map(|p| p.sum).collect()
}

fn fifo(high_throughput: bool) -> QueueSpec {
    QueueSpec { queue_type: QueueType::Fifo, high_throughput, ..Default::default() }
}

fn steady(rate: f64, groups: u32) -> ProducerSpec {
    ProducerSpec {
        traffic: Traffic::Constant,
        keys: KeyDistribution::Uniform { count: groups },
        retry: Retry { max_attempts: 1, ..Default::default() },
        ..sender(rate, 100)
    }
}

#[test]
fn aws_facts_4_2_one_message_group_never_exceeds_one_partition_in_high_throughput_mode() {
    // High-throughput mode scales by partition and a message group lives on
    // one: 10,000 messages/s in one group get 300 calls of 10 a second,
    // however high the queue-wide quota.
    let sim = run(&unread(steady(10_000.0, 1), fifo(true)), 60);
    let sent = per_second(&sim, 1, queue::SENT);
    assert!(sent.iter().all(|&s| s <= 3_000.0), "{sent:?}");
    assert!(sent.iter().skip(1).all(|&s| s >= 2_990.0), "{sent:?}");
    let calls = per_second(&sim, 0, producer::REQUESTS);
    assert!(calls.iter().all(|&c| c <= 300.0), "{calls:?}");
    assert!(sim.metrics(node(1)).total(queue::THROTTLED_CALLS) > 0.0);
    // A thousand groups spread over the partitions: all 10,000 get in.
    let sim = run(&unread(steady(10_000.0, 1_000), fifo(true)), 60);
    assert_eq!(sim.metrics(node(1)).total(queue::THROTTLED_CALLS), 0.0);
    let wanted = sim.metrics(node(0)).total(producer::USER_RECORDS_RECEIVED);
    assert_eq!(sim.metrics(node(1)).total(queue::SENT), wanted);
}

#[test]
fn aws_facts_4_2_fifo_sends_are_admitted_counted_and_billed_as_whole_calls() {
    // 4,000 messages/s of 600 bytes over 20 groups want 400 calls a second;
    // the queue takes 300 whole calls each second and refuses the rest. The
    // calls taken, the messages sent (10 a call) and the requests billed
    // (one per call: 6,000 bytes a call) are the same calls.
    let p = ProducerSpec { record_size: RecordSize::Fixed { bytes: 600 }, ..steady(4_000.0, 20) };
    let sim = run(&unread(p, fifo(false)), 120);
    let calls = per_second(&sim, 0, producer::REQUESTS);
    assert!(calls.iter().all(|&c| c <= 300.0), "{calls:?}");
    assert!(calls.iter().all(|&c| c == 300.0), "the queue is never idle: {calls:?}");
    let m = sim.metrics(node(1));
    let admitted = sim.metrics(node(0)).total(producer::REQUESTS);
    assert_eq!(m.total(queue::SENT), 10.0 * admitted);
    assert_eq!(sim.cost().monthly.sqs_fifo_requests as f64, admitted);
    // Refused: what the producer wanted beyond 300 calls a second.
    assert_eq!(m.total(queue::THROTTLED_CALLS), 400.0 * 120.0 - admitted);
}

/// A log-normal size, as the producer draws one: rounded, 1 byte to 1 MiB.
fn size(rng: &mut NodeRng, median: f64, sigma: f64) -> u64 {
    libm::round(rng.log_normal(median, sigma)).clamp(1.0, 1_048_576.0) as u64
}

#[test]
fn aws_facts_2_4_varied_message_sizes_are_billed_by_each_calls_own_payload() {
    // Log-normal sizes (median 16 KB, sigma 1.5: a message in six passes
    // 64 KB). Each call is billed on the sum of its own messages, not on
    // the average message.
    let (median, sigma) = (16_000.0, 1.5);
    let p = ProducerSpec {
        record_size: RecordSize::LogNormal { median_bytes: median, sigma },
        ..steady(500.0, 1)
    };

    // Sends: 50 messages every 100 ms, packed 10 a call under 1 MiB.
    let sim = run(&unread(p.clone(), QueueSpec::default()), 600);
    let sends = 6_000.0;
    let mut rng = NodeRng::new(99, "reference");
    let trials = 50_000;
    let mut per_send = 0;
    for _ in 0..trials {
        let (mut n, mut payload) = (0, 0);
        for _ in 0..50 {
            let s = size(&mut rng, median, sigma);
            if n == 10 || (n > 0 && payload + s > 1_048_576) {
                per_send += payload.div_ceil(65_536);
                (n, payload) = (0, 0);
            }
            n += 1;
            payload += s;
        }
        per_send += payload.div_ceil(65_536);
    }
    let expected = sends * per_send as f64 / trials as f64;
    let billed = sim.cost().monthly.sqs_standard_requests as f64;
    // 6,000 sends of about 40 requests (each within about 16): the run
    // scatters by 0.5%, the reference by 0.2%; 2% is nearly four standard
    // deviations.
    assert!((billed / expected - 1.0).abs() < 0.02, "billed {billed}, expected {expected}");

    // Receives of one message each: a call bills the message's own chunks.
    let pool = WorkerPoolSpec {
        workers: 50,
        per_message_ms: 1.0,
        service: ServiceTime::Fixed,
        max_messages: 1,
        ..Default::default()
    };
    let sim = run(&queue_pipeline(p, QueueSpec::default(), pool), 300);
    let m = sim.metrics(node(1));
    let received = m.total(queue::RECEIVED);
    let per_message =
        (0..200_000).map(|_| size(&mut rng, median, sigma).div_ceil(65_536)).sum::<u64>() as f64
            / 200_000.0;
    let deletes = sim.metrics(node(2)).total(worker_pool::PROCESSED);
    let expected =
        expected / 2.0 + received * per_message + deletes + m.total(queue::EMPTY_RECEIVES);
    let billed = sim.cost().monthly.sqs_standard_requests as f64;
    assert!((billed / expected - 1.0).abs() < 0.02, "billed {billed}, expected {expected}");
    // The average message (e^1.125 x 16 KB = 49 KB) is one chunk: billing
    // it would miss about 30% of the receives' requests.
    assert!(per_message > 1.35, "{per_message}");
}

#[test]
fn a_node_forwarding_to_a_fifo_queue_is_held_to_its_call_limit() {
    // A worker pool forwarding 5,000 messages/s of one key into a FIFO
    // queue: one message group on one partition, so 300 calls of 10 a
    // second get in, the rest are refused.
    let one_key =
        ProducerSpec { keys: KeyDistribution::Uniform { count: 1 }, ..steady(5_000.0, 50) };
    let mut s = queue_pipeline(
        one_key,
        QueueSpec::default(),
        WorkerPoolSpec {
            workers: 200,
            per_message_ms: 1.0,
            service: ServiceTime::Fixed,
            ..Default::default()
        },
    );
    s.nodes.push(Node {
        id: "f".into(),
        name: String::new(),
        spec: NodeSpec::SqsQueue(fifo(true)),
    });
    s.links.push(Link { from: "w".into(), to: "f".into() });
    let sim = run(&s, 60);
    let sent = per_second(&sim, 3, queue::SENT);
    assert!(sent.iter().all(|&c| c <= 3_000.0), "{sent:?}");
    assert!(sim.metrics(node(3)).total(queue::THROTTLED_CALLS) > 0.0);
    assert!(sim.ledger().throttled_dropped > 0);
}
