//! SQS queues and worker pools: each rule of aws-facts 4 that the engine
//! encodes, and the queueing accuracy check against Erlang C.

use crate::fixtures::node;
use sim_core::NodeIndex;
use sim_core::metrics;
use sim_core::scenario::{
    Batching, Forward, KeyDistribution, Link, Node, NodeSpec, ProducerSpec, QueueSpec, QueueType,
    RecordSize, Scenario, ServiceTime, Traffic, WorkerPoolSpec,
};
use sim_core::{Simulation, validate};

/// producer -> queue -> worker pool, plus any extra nodes and links.
pub fn queue_pipeline(producer: ProducerSpec, queue: QueueSpec, pool: WorkerPoolSpec) -> Scenario {
    let node = |id: &str, spec| Node { id: id.into(), name: String::new(), spec };
    Scenario {
        v: 1,
        model_version: None,
        name: "queue test".into(),
        description: String::new(),
        tags: Vec::new(),
        seed: 7,
        duration_s: 60,
        warmup_s: 0,
        nodes: vec![
            node("p", NodeSpec::Producer(producer)),
            node("q", NodeSpec::SqsQueue(queue)),
            node("w", NodeSpec::WorkerPool(pool)),
        ],
        links: vec![
            Link { from: "p".into(), to: "q".into() },
            Link { from: "q".into(), to: "w".into() },
        ],
        layout: Default::default(),
        schedule: Vec::new(),
        pricing: Default::default(),
        objectives: None,
        lesson: None,
    }
}

/// A Poisson producer of 1 KiB messages at `rate`, batching every `batch_ms`.
pub fn sender(rate: f64, batch_ms: u64) -> ProducerSpec {
    ProducerSpec {
        records_per_s: rate,
        traffic: Traffic::Poisson,
        record_size: RecordSize::Fixed { bytes: 1024 },
        keys: KeyDistribution::Uniform { count: 10 },
        batching: Batching { max_buffered_ms: batch_ms },
        ..Default::default()
    }
}

fn run_seed(s: &Scenario, seed: u64, seconds: u64) -> Simulation {
    let valid = validate(s).unwrap_or_else(|e| panic!("{e:?}"));
    let mut sim = Simulation::new(&valid, seed);
    sim.run_until(seconds * 1_000);
    sim
}

/// Erlang C for M/M/c: (probability of waiting, mean wait Wq, mean number
/// waiting Lq) for arrival rate `lambda`, service rate `mu` per server and
/// `c` servers.
pub fn erlang_c(lambda: f64, mu: f64, c: u32) -> (f64, f64, f64) {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    assert!(rho < 1.0, "unstable queue");
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c) / (1.0 - rho); // a^c / c! / (1 - rho)
    let p_wait = last / (sum + last);
    let wq = p_wait / (f64::from(c) * mu - lambda);
    (p_wait, wq, lambda * wq)
}

/// M/M/4 at 50% load as a queue and a worker pool: Poisson sends at 2
/// messages/s (batched every 100 ms, so arrivals seldom share a batch),
/// four workers receiving one message at a time with exponential 1 s
/// service, long polling.
pub fn mm4_half_load() -> Scenario {
    queue_pipeline(
        sender(2.0, 100),
        QueueSpec { visibility_timeout_s: 600, ..Default::default() },
        WorkerPoolSpec {
            workers: 4,
            per_message_ms: 1_000.0,
            service: ServiceTime::Exponential,
            max_messages: 1,
            wait_time_s: 20,
            ..Default::default()
        },
    )
}

#[test]
fn erlang_c_helper_matches_known_values() {
    // M/M/1: Wq = rho / (mu - lambda).
    let (p, wq, lq) = erlang_c(0.5, 1.0, 1);
    assert!((p - 0.5).abs() < 1e-12 && (wq - 1.0).abs() < 1e-12 && (lq - 0.5).abs() < 1e-12);
    // M/M/2 with a = 1: C = 1/3, Wq = 1/3.
    let (p, wq, _) = erlang_c(1.0, 1.0, 2);
    assert!((p - 1.0 / 3.0).abs() < 1e-12 && (wq - 1.0 / 3.0).abs() < 1e-12);
}

#[test]
fn erlang_c_an_sqs_queue_with_c_workers_matches_mean_wait_and_queue_length() {
    // M/M/4 at 50% load (`mm4_half_load`). Over 400,000 s (about 800,000 messages) the run's mean wait before the
    // first receive and its time-average of visible messages match Erlang C.
    // Seeds 1 to 8 land between -1.9% and +1.7% (mean -0.1%: the 100 ms
    // batching adds no visible bias); seed 3 is within 0.5%.
    let sim = run_seed(&mm4_half_load(), 3, 400_000);
    let q = sim.queue(node(1)).unwrap();
    let (_, wq, lq) = erlang_c(2.0, 1.0, 4);
    let wait_s = q.mean_wait_ms() / 1_000.0;
    let visible = q.mean_visible(sim.now());
    assert!(q.first_receives > 790_000, "{} messages", q.first_receives);
    assert!((wait_s / wq - 1.0).abs() < 0.03, "mean wait {wait_s:.4} s vs Erlang C {wq:.4} s");
    assert!((visible / lq - 1.0).abs() < 0.03, "mean queue {visible:.4} vs Erlang C {lq:.4}");
    assert!(sim.ledger().balances());
}

fn pool(workers: u32, per_message_ms: f64, service: ServiceTime) -> WorkerPoolSpec {
    WorkerPoolSpec { workers, per_message_ms, service, ..Default::default() }
}

fn total(sim: &Simulation, node: usize, metric: usize) -> f64 {
    let node = NodeIndex::new(node);
    sim.metrics(node).total(metric)
}

#[test]
fn aws_facts_4_visibility_timeout_shorter_than_processing_delivers_again_as_duplicates() {
    // Processing takes 45 s; the message becomes visible again after 30 s,
    // another worker receives it and processes it too. Each message is
    // delivered once in the ledger; the second processing is a duplicate.
    let s = queue_pipeline(
        sender(0.5, 100),
        QueueSpec { visibility_timeout_s: 30, ..Default::default() },
        WorkerPoolSpec { max_messages: 1, ..pool(8, 45_000.0, ServiceTime::Fixed) },
    );
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 7);
    while sim.now() < 600_000 && sim.step() {
        let l = sim.ledger();
        assert!(l.balances(), "at {} ms: {l:?}", sim.now());
    }
    let q = sim.queue(node(1)).unwrap();
    assert!(q.duplicates > 0, "no duplicates: {q:?}");
    assert_eq!(total(&sim, 1, metrics::queue::DUPLICATES), q.duplicates as f64);
    let processed = total(&sim, 2, metrics::worker_pool::PROCESSED) as u64;
    assert_eq!(processed, q.delivered + q.duplicates);
    // With a visibility timeout longer than processing, no duplicates.
    let mut long = s.clone();
    long.nodes[1].spec =
        NodeSpec::SqsQueue(QueueSpec { visibility_timeout_s: 60, ..Default::default() });
    let sim = run_seed(&long, 7, 600);
    assert_eq!(sim.queue(node(1)).unwrap().duplicates, 0);
}

#[test]
fn aws_facts_4_1_long_polling_counts_one_empty_receive_per_wait() {
    // Nothing is sent: a worker long-polling 20 s comes back empty every
    // 20 s; short polling with a 1 s pause comes back empty every second.
    let s = queue_pipeline(
        sender(0.0, 100),
        QueueSpec::default(),
        WorkerPoolSpec { wait_time_s: 20, ..pool(1, 10.0, ServiceTime::Fixed) },
    );
    let sim = run_seed(&s, 1, 100);
    assert_eq!(total(&sim, 1, metrics::queue::EMPTY_RECEIVES), 5.0);
    let mut short = s.clone();
    short.nodes[2].spec = NodeSpec::WorkerPool(WorkerPoolSpec {
        wait_time_s: 0,
        ..pool(1, 10.0, ServiceTime::Fixed)
    });
    let sim = run_seed(&short, 1, 100);
    assert_eq!(total(&sim, 1, metrics::queue::EMPTY_RECEIVES), 101.0);
}

#[test]
fn aws_facts_4_1_long_polling_returns_as_soon_as_a_message_arrives() {
    // One message a second, processed in 0 ms: a waiting long poll answers
    // at once, so the wait in the queue is zero.
    let s = queue_pipeline(
        ProducerSpec { traffic: Traffic::Constant, ..sender(1.0, 1_000) },
        QueueSpec::default(),
        pool(1, 0.0, ServiceTime::Fixed),
    );
    let sim = run_seed(&s, 1, 60);
    let q = sim.queue(node(1)).unwrap();
    assert!(q.first_receives >= 59, "{q:?}");
    assert_eq!(q.mean_wait_ms(), 0.0);
    assert_eq!(total(&sim, 1, metrics::queue::EMPTY_RECEIVES), 0.0);
}

#[test]
fn aws_facts_4_1_delay_hides_new_messages_for_delay_s() {
    let s = queue_pipeline(
        ProducerSpec { traffic: Traffic::Constant, ..sender(10.0, 100) },
        QueueSpec { delay_s: 60, ..Default::default() },
        pool(4, 1.0, ServiceTime::Fixed),
    );
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(60_000);
    assert_eq!(sim.metrics(node(2)).total(metrics::worker_pool::PROCESSED), 0.0);
    assert!(sim.metrics(node(1)).last_second(metrics::queue::DELAYED) >= 590.0);
    sim.run_until(120_000);
    let processed = sim.metrics(node(2)).total(metrics::worker_pool::PROCESSED);
    assert!((590.0..=610.0).contains(&processed), "{processed}");
}

#[test]
fn aws_facts_4_1_retention_deletes_messages_nobody_received() {
    // 10 messages/s into a 60 s retention queue that a slow pool cannot
    // keep up with: the oldest expire and are counted.
    let s = queue_pipeline(
        ProducerSpec { traffic: Traffic::Constant, ..sender(10.0, 100) },
        QueueSpec { retention_s: 60, ..Default::default() },
        WorkerPoolSpec { max_messages: 1, ..pool(1, 1_000.0, ServiceTime::Fixed) },
    );
    let sim = run_seed(&s, 1, 600);
    let l = sim.ledger();
    assert!(l.balances(), "{l:?}");
    assert!(l.expired > 4_000, "{l:?}");
    assert_eq!(total(&sim, 1, metrics::queue::EXPIRED), l.expired as f64);
    // Nothing in the queue is older than the retention period.
    assert!(sim.metrics(node(1)).last_second(metrics::queue::OLDEST_AGE) <= 61_000.0);
}

#[test]
fn aws_facts_4_2_fifo_sends_are_capped_at_300_calls_per_second() {
    // 5,000 messages/s in batches of 10 need 500 SendMessageBatch calls a
    // second; a FIFO queue takes 300 (3,000 messages/s). High-throughput
    // mode takes them all.
    let producer = ProducerSpec {
        traffic: Traffic::Constant,
        retry: sim_core::scenario::Retry { max_attempts: 1, ..Default::default() },
        ..sender(5_000.0, 100)
    };
    let fifo = QueueSpec { queue_type: QueueType::Fifo, ..Default::default() };
    let s = queue_pipeline(producer.clone(), fifo.clone(), pool(100, 1.0, ServiceTime::Fixed));
    let sim = run_seed(&s, 1, 60);
    let sent = sim.metrics(node(1)).stats(metrics::queue::SENT).avg();
    assert!((2_900.0..=3_100.0).contains(&sent), "{sent} messages/s");
    assert!(total(&sim, 1, metrics::queue::THROTTLED_CALLS) > 0.0);
    let high = QueueSpec { high_throughput: true, ..fifo };
    let sim = run_seed(&queue_pipeline(producer, high, pool(100, 1.0, ServiceTime::Fixed)), 1, 60);
    let sent = sim.metrics(node(1)).stats(metrics::queue::SENT).avg();
    assert!((4_950.0..=5_050.0).contains(&sent), "{sent} messages/s");
}

#[test]
fn aws_facts_4_2_fifo_receives_one_batch_per_message_group_at_a_time() {
    // One message group: however many workers, one batch is in flight at
    // a time, so throughput is one worker's.
    let producer = ProducerSpec {
        keys: KeyDistribution::Uniform { count: 1 },
        traffic: Traffic::Constant,
        ..sender(100.0, 100)
    };
    let fifo = QueueSpec { queue_type: QueueType::Fifo, ..Default::default() };
    let s = queue_pipeline(producer.clone(), fifo.clone(), pool(10, 100.0, ServiceTime::Fixed));
    let sim = run_seed(&s, 1, 60);
    let per_s = sim.metrics(node(2)).stats(metrics::worker_pool::PROCESSED).avg();
    assert!((9.0..=10.5).contains(&per_s), "{per_s} messages/s with one group");
    assert!(sim.metrics(node(2)).stats(metrics::worker_pool::BUSY_WORKERS).max <= 1.0);
    // Ten groups keep ten workers busy.
    let many = ProducerSpec { keys: KeyDistribution::Uniform { count: 10 }, ..producer };
    let sim = run_seed(&queue_pipeline(many, fifo, pool(10, 100.0, ServiceTime::Fixed)), 1, 60);
    assert!(sim.metrics(node(2)).stats(metrics::worker_pool::PROCESSED).avg() > 50.0);
}

#[test]
fn aws_facts_2_4_every_sqs_call_is_a_billed_request() {
    // 100 messages/s of 1 KiB sent 10 to a call: 10 sends a second, plus
    // receives and deletes; empty receives are billed too.
    let s = queue_pipeline(
        ProducerSpec { traffic: Traffic::Constant, ..sender(100.0, 1_000) },
        QueueSpec::default(),
        pool(1, 1.0, ServiceTime::Fixed),
    );
    let sim = run_seed(&s, 1, 100);
    let m = sim.metrics(node(1));
    let receives =
        m.total(metrics::queue::RECEIVED) / 10.0 + m.total(metrics::queue::EMPTY_RECEIVES);
    let sends = m.total(metrics::queue::SENT) / 10.0;
    let deletes = m.total(metrics::queue::DELETED) / 10.0;
    let billed = sim.cost().monthly.sqs_standard_requests as f64;
    assert!(
        (billed - (sends + receives + deletes)).abs() <= 3.0,
        "{billed} vs {sends} + {receives} + {deletes}"
    );
}

#[test]
fn a_worker_pool_forwards_what_it_processed_with_ratio_and_size() {
    // Each message processed becomes two of half the size in a second queue.
    let mut s = queue_pipeline(
        ProducerSpec { traffic: Traffic::Constant, ..sender(50.0, 100) },
        QueueSpec::default(),
        WorkerPoolSpec {
            forward: Forward { ratio: 2.0, size_ratio: 0.5 },
            ..pool(4, 1.0, ServiceTime::Fixed)
        },
    );
    s.nodes.push(Node {
        id: "q2".into(),
        name: String::new(),
        spec: NodeSpec::SqsQueue(QueueSpec::default()),
    });
    s.links.push(Link { from: "w".into(), to: "q2".into() });
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    while sim.now() < 60_000 && sim.step() {
        assert!(sim.ledger().balances());
    }
    let processed = sim.metrics(node(2)).total(metrics::worker_pool::PROCESSED);
    let sent_on = sim.metrics(node(3)).total(metrics::queue::SENT);
    assert_eq!(sent_on, 2.0 * processed);
    assert_eq!(sim.metrics(node(3)).stats(metrics::queue::SENT_SIZE).max, 512.0);
    assert!(sim.ledger().produced as f64 >= processed * 3.0);
}

fn issues(s: &Scenario) -> Vec<String> {
    match validate(s) {
        Ok(_) => vec![],
        Err(issues) => issues.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn queue_and_worker_pool_parameters_are_checked_against_aws_facts() {
    let s = queue_pipeline(
        sender(1.0, 100),
        QueueSpec {
            visibility_timeout_s: 43_201,
            delay_s: 901,
            retention_s: 59,
            max_message_bytes: 512,
            max_receive_count: 1_001,
            ..Default::default()
        },
        WorkerPoolSpec { max_messages: 11, wait_time_s: 21, ..Default::default() },
    );
    let found = issues(&s);
    for want in [
        "nodes[1].params.visibility_timeout_s: 43,201 is out of range; allowed 0 to 43,200 s",
        "nodes[1].params.delay_s: 901 is out of range; allowed 0 to 900 s",
        "nodes[1].params.retention_s: 59 is out of range; allowed 60 to 1,209,600 s",
        "nodes[1].params.max_message_bytes: 512 is out of range; allowed 1,024 to 1,048,576 bytes",
        "nodes[1].params.max_receive_count: 1,001 is out of range; allowed 1 to 1,000 receives",
        "nodes[2].params.max_messages: 11 is out of range; allowed 1 to 10 messages",
        "nodes[2].params.wait_time_s: 21 is out of range; allowed 0 to 20 s",
        "nodes[0].params.record_size: records of up to 1,024 bytes do not fit the queue's max_message_bytes (512)",
    ] {
        assert!(found.iter().any(|i| i == want), "missing {want:?} in {found:#?}");
    }
}

#[test]
fn queue_wires_are_refused_with_a_reason() {
    use sim_core::NodeKind::*;
    assert_eq!(
        sim_core::link_rule(SqsQueue, Consumer),
        Err("a queue is read by a worker pool or a Lambda function, not by a Kinesis consumer")
    );
    assert!(sim_core::link_rule(KinesisStream, WorkerPool).unwrap_err().contains("reads a queue"));
    assert!(sim_core::link_rule(SqsQueue, SqsQueue).is_ok(), "a dead-letter queue");
    assert!(sim_core::link_rule(WorkerPool, KinesisStream).is_ok(), "forwarding");
    // aws-facts 4.3: a FIFO queue needs a FIFO dead-letter queue.
    let mut s = queue_pipeline(
        sender(1.0, 100),
        QueueSpec { queue_type: QueueType::Fifo, ..Default::default() },
        WorkerPoolSpec::default(),
    );
    s.nodes.push(Node {
        id: "dlq".into(),
        name: String::new(),
        spec: NodeSpec::SqsQueue(QueueSpec::default()),
    });
    s.links.push(Link { from: "q".into(), to: "dlq".into() });
    let found = issues(&s);
    assert!(
        found
            .iter()
            .any(|i| i.contains("its dead-letter queue is Standard; AWS requires the same type")),
        "{found:#?}"
    );
    // A worker pool must read a queue.
    s.links.retain(|l| l.to != "w");
    assert!(issues(&s).iter().any(|i| i.contains("worker pool \"w\" does not read any queue")));
}

/// aws-facts 4.1: `DelaySeconds` hides each new message for 60 s, and idle
/// long-polling workers take it the moment it shows, processing it in 1 ms
/// per message. Every message's latency (first send to delete, MODEL.md,
/// Latency) is therefore the delay plus at most a receive's batch of
/// processing: all of them, p50 to max, from 60 s to 60 s and a few ms.
#[test]
fn delayed_messages_wait_the_delay_send_to_delete() {
    let s = queue_pipeline(
        ProducerSpec { traffic: Traffic::Constant, ..sender(10.0, 100) },
        QueueSpec { delay_s: 60, ..Default::default() },
        pool(4, 1.0, ServiceTime::Fixed),
    );
    let sim = run_seed(&s, 1, 180);
    let l = sim
        .latency(NodeIndex::new(1))
        .and_then(|h| h.hop.summary())
        .expect("messages were deleted");
    // One message a 100 ms batch; those sent at 0.1 s to 119.9 s show by
    // 179.9 s and are deleted by the end at 180 s: 1,199 messages (the one
    // sent at 120 s shows at 180 s and is still being processed).
    assert_eq!(l.records, 1_199);
    let processing = 10.0; // at most a receive of 10 messages at 1 ms each
    for (what, v) in [("p50", l.p50_ms), ("p90", l.p90_ms), ("p99", l.p99_ms), ("max", l.max_ms)] {
        assert!((60_000.0..=60_000.0 + processing + 1.0).contains(&v), "{what} {v}");
    }
    assert!(sim.latency(node(2)).is_none(), "the worker pool measures none; its queue does");
}

/// A hand-off does not restart the clock end to end (MODEL.md, Latency):
/// messages delayed 60 s in a first queue, processed and forwarded to a
/// second queue that delays them 30 s more. The second queue's own hop is
/// its 30 s; end to end each message also waited its producer's batch (one
/// message a 100 ms batch, made 50 ms before it on average), the first
/// queue's 60 s and both receives' processing.
#[test]
fn end_to_end_latency_adds_up_every_stage_a_message_went_through() {
    let mut s = queue_pipeline(
        ProducerSpec { traffic: Traffic::Constant, ..sender(10.0, 100) },
        QueueSpec { delay_s: 60, ..Default::default() },
        WorkerPoolSpec {
            forward: Forward { ratio: 1.0, size_ratio: 1.0 },
            ..pool(4, 1.0, ServiceTime::Fixed)
        },
    );
    let node = |id: &str, spec| Node { id: id.into(), name: String::new(), spec };
    s.nodes.push(node("q2", NodeSpec::SqsQueue(QueueSpec { delay_s: 30, ..Default::default() })));
    s.nodes.push(node("w2", NodeSpec::WorkerPool(pool(4, 1.0, ServiceTime::Fixed))));
    s.links.push(Link { from: "w".into(), to: "q2".into() });
    s.links.push(Link { from: "q2".into(), to: "w2".into() });
    let sim = run_seed(&s, 1, 300);
    let processing = 10.0; // at most a receive of 10 messages at 1 ms each
    let first = sim.latency(NodeIndex::new(1)).expect("the first queue measures");
    let second = sim.latency(NodeIndex::new(3)).expect("the second queue measures");
    let (hop, e2e) = (second.hop.summary().unwrap(), second.end_to_end.summary().unwrap());
    assert_eq!(hop.records, e2e.records);
    for (what, v) in [("p50", hop.p50_ms), ("p99", hop.p99_ms), ("max", hop.max_ms)] {
        assert!((30_000.0..=30_000.0 + processing + 1.0).contains(&v), "hop {what} {v}");
    }
    let least = 50.0 + 60_000.0 + 30_000.0;
    for (what, v) in [("p50", e2e.p50_ms), ("p99", e2e.p99_ms), ("max", e2e.max_ms)] {
        assert!((least..=least + 2.0 * (processing + 1.0)).contains(&v), "end to end {what} {v}");
    }
    // The first queue's end to end is its hop plus the producer's batch.
    let (hop1, e2e1) = (first.hop.summary().unwrap(), first.end_to_end.summary().unwrap());
    assert!((e2e1.mean_ms - hop1.mean_ms - 50.0).abs() < 1e-9, "{e2e1:?} vs {hop1:?}");
}
