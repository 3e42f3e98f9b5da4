//! Lambda functions and their event source mappings: each rule of
//! aws-facts 5 the engine encodes.

use crate::fixtures::node;
use sim_core::metrics::{lambda, queue};
use sim_core::scenario::{
    EventSourceMapping, KeyDistribution, LambdaSpec, Link, Node, NodeSpec, ProducerSpec, QueueSpec,
    Scenario, Traffic,
};
use sim_core::{Simulation, validate};

use crate::queues::{queue_pipeline, sender};

/// producer -> queue -> Lambda function, with a dead-letter queue when
/// `dlq` is set.
fn lambda_on_queue(producer: ProducerSpec, q: QueueSpec, f: LambdaSpec, dlq: bool) -> Scenario {
    let mut s = queue_pipeline(producer, q, Default::default());
    s.nodes[2] = Node { id: "f".into(), name: String::new(), spec: NodeSpec::Lambda(f) };
    s.links[1] = Link { from: "q".into(), to: "f".into() };
    if dlq {
        s.nodes.push(Node {
            id: "dlq".into(),
            name: String::new(),
            spec: NodeSpec::SqsQueue(QueueSpec::default()),
        });
        s.links.push(Link { from: "q".into(), to: "dlq".into() });
    }
    s
}

fn run_checked(s: &Scenario, seconds: u64) -> Simulation {
    let valid = validate(s).unwrap_or_else(|e| panic!("{e:?}"));
    let mut sim = Simulation::new(&valid, 3);
    while sim.now() < seconds * 1_000 && sim.step() {
        let l = sim.ledger();
        assert!(l.balances(), "at {} ms: {l:?}", sim.now());
    }
    sim
}

fn steady(rate: f64) -> ProducerSpec {
    ProducerSpec { traffic: Traffic::Constant, ..sender(rate, 100) }
}

#[test]
fn aws_facts_4_3_poison_messages_end_in_the_dead_letter_queue_after_max_receive_count() {
    // 1% poison records; partial batch responses retry only those; after 3
    // receives, 20 s apart (the timeout of 5 s keeps the queue's visibility
    // timeout, aws-facts 5.2), each moves to the dead-letter queue.
    let f = LambdaSpec {
        poison_rate: 0.01,
        timeout_s: 5,
        event_source: EventSourceMapping { report_batch_item_failures: true, ..Default::default() },
        ..Default::default()
    };
    let q = QueueSpec { visibility_timeout_s: 20, max_receive_count: 3, ..Default::default() };
    let sim = run_checked(&lambda_on_queue(steady(100.0), q, f, true), 300);
    let l = sim.ledger();
    let sent = sim.metrics(node(1)).total(queue::SENT);
    let share = l.dead_lettered as f64 / sent;
    assert!((0.007..0.013).contains(&share), "{share} of {sent} dead-lettered: {l:?}");
    assert_eq!(sim.metrics(node(3)).total(queue::SENT), 0.0, "a redrive is no SendMessage");
    assert_eq!(sim.queue(node(3)).unwrap().visible_count, l.dead_lettered);
    // Without partial batch responses the whole batch fails with its poison
    // record, so clean messages are received again too.
    let f = LambdaSpec { poison_rate: 0.01, timeout_s: 5, ..Default::default() };
    let q = QueueSpec { visibility_timeout_s: 20, max_receive_count: 3, ..Default::default() };
    let all = run_checked(&lambda_on_queue(steady(100.0), q, f, true), 300);
    assert!(all.ledger().dead_lettered > 3 * l.dead_lettered, "{:?}", all.ledger());
    assert!(all.metrics(node(2)).total(lambda::ERRORS) > 0.0);
}

#[test]
fn aws_facts_5_3_a_throttled_batch_returns_after_the_visibility_timeout_as_a_receive() {
    // Reserved concurrency 0: every invocation is throttled, so messages
    // come back each visibility timeout and, after 2 receives, go to the
    // dead-letter queue.
    let f = LambdaSpec { reserved_concurrency: Some(0), ..Default::default() };
    let q = QueueSpec { visibility_timeout_s: 30, max_receive_count: 2, ..Default::default() };
    let sim = run_checked(&lambda_on_queue(steady(10.0), q, f, true), 200);
    let m = sim.metrics(node(2));
    assert!(m.total(lambda::THROTTLES) > 0.0);
    assert_eq!(m.total(lambda::INVOCATIONS), 0.0);
    let l = sim.ledger();
    assert_eq!(l.delivered, 0);
    // Messages sent in the first ~140 s have had two receives 30 s apart.
    assert!(l.dead_lettered > 1_000, "{l:?}");
    assert!(sim.metrics(node(1)).total(queue::RECEIVED) >= 2.0 * l.dead_lettered as f64);
}

#[test]
fn aws_facts_5_2_a_queue_event_source_starts_with_5_batches_and_adds_300_a_minute() {
    // A deep backlog and 10 s invocations: concurrency climbs 5 a second.
    let f = LambdaSpec {
        overhead_ms: 10_000.0,
        per_record_ms: 0.0,
        jitter: 0.0,
        timeout_s: 60,
        ..Default::default()
    };
    let q = QueueSpec { visibility_timeout_s: 360, ..Default::default() };
    let s = lambda_on_queue(steady(5_000.0), q, f, false);
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(2_000);
    let early = sim.metrics(node(2)).last_second(lambda::CONCURRENT_EXECUTIONS);
    assert!((5.0..=10.0).contains(&early), "{early} at 2 s");
    sim.run_until(61_000);
    let minute = sim.metrics(node(2)).last_second(lambda::CONCURRENT_EXECUTIONS);
    assert!((295.0..=310.0).contains(&minute), "{minute} after a minute");
    sim.run_until(300_000);
    let cap = sim.metrics(node(2)).stats(lambda::CONCURRENT_EXECUTIONS).max;
    assert_eq!(cap, 1_000.0, "account concurrency and the 1,000-batch cap");
}

#[test]
fn aws_facts_5_2_maximum_concurrency_caps_a_queue_event_source() {
    let f = LambdaSpec {
        overhead_ms: 2_000.0,
        event_source: EventSourceMapping { maximum_concurrency: Some(20), ..Default::default() },
        ..Default::default()
    };
    let sim = run_checked(&lambda_on_queue(steady(2_000.0), QueueSpec::default(), f, false), 120);
    assert_eq!(sim.metrics(node(2)).stats(lambda::CONCURRENT_EXECUTIONS).max, 20.0);
    assert_eq!(sim.metrics(node(2)).total(lambda::THROTTLES), 0.0);
}

#[test]
fn aws_facts_5_3_account_concurrency_is_shared_and_throttles_beyond_it() {
    // An account of 10 concurrent executions and a mapping that wants more.
    let f = LambdaSpec { account_concurrency: 10, overhead_ms: 5_000.0, ..Default::default() };
    let sim = run_checked(&lambda_on_queue(steady(500.0), QueueSpec::default(), f, false), 120);
    let m = sim.metrics(node(2));
    assert_eq!(m.stats(lambda::CONCURRENT_EXECUTIONS).max, 10.0);
    assert!(m.total(lambda::THROTTLES) > 0.0);
}

#[test]
fn aws_facts_5_2_batching_window_fills_batches_at_low_traffic() {
    // 20 messages/s into two concurrent batches (MaximumConcurrency 2) with
    // a 10,000 batch and a 2 s window: each batch gathers ~20 messages.
    let f = LambdaSpec {
        event_source: EventSourceMapping {
            batch_size: Some(10_000),
            batching_window_s: 2,
            maximum_concurrency: Some(2),
            ..Default::default()
        },
        ..Default::default()
    };
    let sim = run_checked(&lambda_on_queue(steady(20.0), QueueSpec::default(), f, false), 120);
    let m = sim.metrics(node(2));
    let per_batch = m.total(lambda::RECORDS_PROCESSED) / m.total(lambda::INVOCATIONS);
    assert!((15.0..=25.0).contains(&per_batch), "{per_batch} records per invocation");
}

#[test]
fn aws_facts_2_5_invocations_are_billed_per_request_and_gb_second() {
    let f = LambdaSpec {
        memory_mb: 1_024,
        overhead_ms: 100.0,
        per_record_ms: 0.0,
        jitter: 0.0,
        ..Default::default()
    };
    let sim = run_checked(&lambda_on_queue(steady(100.0), QueueSpec::default(), f, false), 60);
    let invocations = sim.metrics(node(2)).total(lambda::INVOCATIONS);
    let units = sim.cost().monthly;
    assert_eq!(units.lambda_requests as f64, invocations);
    // 1 GB for 100 ms each: MB × ms.
    assert_eq!(units.lambda_x86_mb_ms, 1_024 * 100 * invocations as u128);
}

#[test]
fn lambda_wiring_rules_cite_aws_facts() {
    // aws-facts 5.2: a FIFO queue's batches hold at most 10 messages; a
    // batch above 10 needs a window of at least 1 s.
    let f = LambdaSpec {
        event_source: EventSourceMapping { batch_size: Some(100), ..Default::default() },
        ..Default::default()
    };
    let fifo = QueueSpec { queue_type: sim_core::scenario::QueueType::Fifo, ..Default::default() };
    let issues: Vec<String> = validate(&lambda_on_queue(steady(1.0), fifo, f, false))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        issues.iter().any(|i| i.contains("100 is out of range for a FIFO queue; allowed 1 to 10")),
        "{issues:#?}"
    );
    assert!(
        issues.iter().any(|i| i.contains("needs a batching window of at least 1 s")),
        "{issues:#?}"
    );
    let f = LambdaSpec { memory_mb: 64, timeout_s: 901, ..Default::default() };
    let issues: Vec<String> =
        validate(&lambda_on_queue(steady(1.0), QueueSpec::default(), f, false))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
    assert!(
        issues.contains(
            &"nodes[2].params.memory_mb: 64 is out of range; allowed 128 to 10,240 MB".to_string()
        ),
        "{issues:#?}"
    );
    assert!(
        issues.contains(
            &"nodes[2].params.timeout_s: 901 is out of range; allowed 1 to 900 s".to_string()
        ),
        "{issues:#?}"
    );
}

#[test]
fn aws_facts_5_2_a_visibility_timeout_shorter_than_the_function_timeout_is_refused_on_the_wire() {
    // Lambda refuses the mapping (InvalidParameterValueException): the
    // problem names the wire from the queue to the function, with both
    // values and what AWS advises.
    let f = LambdaSpec { timeout_s: 60, ..Default::default() };
    let q = QueueSpec { visibility_timeout_s: 30, ..Default::default() };
    let issues = validate(&lambda_on_queue(steady(1.0), q.clone(), f.clone(), false)).unwrap_err();
    let wire: Vec<_> = issues.iter().filter(|i| i.path == "links[1]").collect();
    assert_eq!(wire.len(), 1, "{issues:#?}");
    let m = &wire[0].message;
    for part in ["30 s", "60 s", "InvalidParameterValueException", "at least 60 s", "360 s"] {
        assert!(m.contains(part), "{part:?} missing from {m:?}");
    }
    // Equal is allowed; the effective visibility then covers a batching
    // window too (window + timeout + 30 s, aws-facts 5.2).
    let f = LambdaSpec {
        event_source: EventSourceMapping { batching_window_s: 20, ..Default::default() },
        ..f
    };
    let q = QueueSpec { visibility_timeout_s: 60, ..q };
    let valid = validate(&lambda_on_queue(steady(1.0), q, f, false)).unwrap();
    let sim = Simulation::new(&valid, 1);
    assert_eq!(sim.function(node(2)).unwrap().visibility_ms(60), 110_000);
}

/// producer -> stream of `shards` -> Lambda, plus an on-failure queue when
/// `on_failure` is set.
fn lambda_on_stream(rate: f64, shards: u32, f: LambdaSpec, on_failure: bool) -> Scenario {
    let mut s = crate::fixtures::pipeline(steady(rate), shards, None);
    s.nodes.push(Node { id: "f".into(), name: String::new(), spec: NodeSpec::Lambda(f) });
    s.links.push(Link { from: "s".into(), to: "f".into() });
    if on_failure {
        s.nodes.push(Node {
            id: "failed".into(),
            name: String::new(),
            spec: NodeSpec::SqsQueue(QueueSpec::default()),
        });
        s.links.push(Link { from: "f".into(), to: "failed".into() });
    }
    s
}

fn stream_fn(per_record_ms: f64, es: EventSourceMapping) -> LambdaSpec {
    LambdaSpec {
        overhead_ms: 20.0,
        per_record_ms,
        jitter: 0.0,
        event_source: EventSourceMapping {
            starting_position: sim_core::scenario::StartPosition::TrimHorizon,
            ..es
        },
        ..Default::default()
    }
}

/// `rate` records/s of `keys` keys, written every 100 ms at a steady rate
/// (Poisson counts would add nothing these tests look at).
fn keyed(rate: f64, keys: u32) -> ProducerSpec {
    ProducerSpec { keys: KeyDistribution::Uniform { count: keys }, ..steady(rate) }
}

/// producer of `keys` keys -> one shard -> Lambda.
fn one_shard(rate: f64, keys: u32, f: LambdaSpec) -> Scenario {
    let mut s = lambda_on_stream(rate, 1, f, false);
    s.nodes[0].spec = NodeSpec::Producer(keyed(rate, keys));
    s
}

#[test]
fn aws_facts_5_1_reading_is_not_tied_to_the_batch_size() {
    // 300 records/s into one shard; BatchSize 10 and 10 ms a batch. The
    // poller reads what GetRecords returns (up to 10,000 records a call)
    // and invokes batches of 10 back to back: one batch slot handles
    // 10 records / 10 ms = 1,000 records/s, so it keeps up. A poller that
    // fetched only BatchSize records a call would be held to 10 records x
    // 5 calls/s = 50 records/s by the shard's read limit (aws-facts 1.1).
    let f = LambdaSpec {
        overhead_ms: 10.0,
        per_record_ms: 0.0,
        jitter: 0.0,
        event_source: EventSourceMapping {
            batch_size: Some(10),
            starting_position: sim_core::scenario::StartPosition::TrimHorizon,
            ..Default::default()
        },
        ..Default::default()
    };
    let sim = run_checked(&one_shard(300.0, 1_000, f), 300);
    let m = sim.metrics(node(2));
    let age = m.stats(lambda::ITERATOR_AGE);
    // Records wait for the once-a-second poll, then for the batches ahead
    // of theirs (at most 300 records = 30 batches = 300 ms).
    assert!(age.p99() <= 1_400.0, "IteratorAge p99 {} ms", age.p99());
    let produced = sim.metrics(node(0)).total(sim_core::metrics::producer::USER_RECORDS_PUT);
    let processed = m.total(lambda::RECORDS_PROCESSED);
    assert!(processed >= produced - 2.0 * 300.0, "{processed} of {produced} processed");
    let per_invocation = processed / m.total(lambda::INVOCATIONS);
    assert!(per_invocation <= 10.0, "{per_invocation} records per invocation");
}

#[test]
fn aws_facts_5_1_the_parallelization_factor_spreads_keys_not_a_hot_key() {
    // 600 records/s into one shard; a batch of 100 takes 20 + 4 x 100 =
    // 420 ms, so one batch slot handles at most 100 / 0.42 s = 238
    // records/s. Ten slots share 5,000 keys and keep up.
    let f = |pf| {
        stream_fn(
            4.0,
            EventSourceMapping {
                batch_size: Some(100),
                parallelization_factor: pf,
                ..Default::default()
            },
        )
    };
    let slot_capacity = 100.0 / 0.420;
    let many = run_checked(&one_shard(600.0, 5_000, f(10)), 300);
    let m = many.metrics(node(2));
    // A record waits for the once-a-second poll at most: the slots keep up.
    let age = m.stats(lambda::ITERATOR_AGE);
    assert!(age.p99() <= 1_000.0, "IteratorAge p99 {} ms with many keys", age.p99());
    let produced = many.metrics(node(0)).total(sim_core::metrics::producer::USER_RECORDS_PUT);
    assert!(m.total(lambda::RECORDS_PROCESSED) >= produced - 600.0, "{produced} produced");
    // aws-facts 5.1: at most shards x factor batches at once.
    assert_eq!(m.stats(lambda::CONCURRENT_EXECUTIONS).max, 10.0, "ten slots busy at times");
    // One key: every record belongs to one slot, which runs one batch at a
    // time (order per partition key), so factor 10 gets no more done than
    // factor 1. The same records reach the one slot in the same order from
    // the same reads, so the two runs are not merely close but identical.
    let hot_10 = run_checked(&one_shard(600.0, 1, f(10)), 300);
    let hot_1 = run_checked(&one_shard(600.0, 1, f(1)), 300);
    let (m10, m1) = (hot_10.metrics(node(2)), hot_1.metrics(node(2)));
    assert_eq!(m10.stats(lambda::CONCURRENT_EXECUTIONS).max, 1.0, "one key, one batch at a time");
    let (p10, p1) = (m10.total(lambda::RECORDS_PROCESSED), m1.total(lambda::RECORDS_PROCESSED));
    assert_eq!(p10, p1, "records processed at factor 10 and factor 1");
    let (a10, a1) = (m10.stats(lambda::ITERATOR_AGE), m1.stats(lambda::ITERATOR_AGE));
    assert_eq!((a10.p99(), a10.max), (a1.p99(), a1.max), "IteratorAge at factor 10 and 1");
    // Both run at one slot's capacity (the first second is spent polling).
    let per_s = p1 / 299.0;
    assert!((per_s - slot_capacity).abs() < 0.01 * slot_capacity, "{per_s}/s, one slot");
    let a1 = m1.last_second(lambda::ITERATOR_AGE);
    // The records waiting in the poller's buffer are not processed yet: the
    // simulator's own lag figure counts them, so it is at least IteratorAge.
    assert!(m1.last_second(lambda::OLDEST_UNREAD_AGE) >= a1, "lag below IteratorAge");
    // Falling behind: the newest record processed by 300 s arrived when the
    // producer had written that many (600 a second); IteratorAge is its age,
    // give or take a batch (420 ms) and the metric's one-second resolution.
    let expected = 300_000.0 - p1 / 600.0 * 1_000.0;
    assert!((a1 - expected).abs() < 1_500.0, "IteratorAge {a1} ms, about {expected} expected");
}

#[test]
fn aws_facts_5_1_parallelization_factor_lets_a_lagging_shard_catch_up() {
    // 800 records/s into one shard; batches of 100 take 420 ms. One batch
    // at a time manages ~230/s and falls behind; ten at a time keep up.
    let one = stream_fn(4.0, EventSourceMapping { batch_size: Some(100), ..Default::default() });
    let sim = run_checked(&lambda_on_stream(800.0, 1, one, false), 300);
    let behind = sim.metrics(node(2)).last_second(lambda::ITERATOR_AGE);
    assert!(behind > 60_000.0, "iterator age {behind} ms with factor 1");
    assert!(sim.metrics(node(2)).stats(lambda::CONCURRENT_EXECUTIONS).max <= 1.0);
    let ten = stream_fn(
        4.0,
        EventSourceMapping {
            batch_size: Some(100),
            parallelization_factor: 10,
            ..Default::default()
        },
    );
    let sim = run_checked(&lambda_on_stream(800.0, 1, ten, false), 300);
    let behind = sim.metrics(node(2)).stats(lambda::ITERATOR_AGE);
    assert!(behind.max < 5_000.0, "iterator age up to {} ms with factor 10", behind.max);
    assert!(sim.metrics(node(2)).stats(lambda::CONCURRENT_EXECUTIONS).max > 1.0);
}

#[test]
fn aws_facts_5_1_a_stream_batching_window_holds_small_batches_until_it_expires() {
    // 50 records/s into one shard, batches of up to 1,000. Without a window
    // each once-a-second poll invokes with ~50 records; a 10 s window lets
    // ~500 gather first: a tenth of the invocations. (IteratorAge measures
    // the batch's newest record, so the wait does not show there.)
    let run = |window| {
        let es = EventSourceMapping {
            batch_size: Some(1_000),
            batching_window_s: window,
            ..Default::default()
        };
        run_checked(&lambda_on_stream(50.0, 1, stream_fn(0.1, es), false), 300)
    };
    let (none, ten) = (run(0), run(10));
    let per_call = |sim: &Simulation| {
        let m = sim.metrics(node(2));
        m.total(lambda::RECORDS_PROCESSED) / m.total(lambda::INVOCATIONS)
    };
    assert!(per_call(&none) < 80.0, "{} records per invocation without a window", per_call(&none));
    assert!(per_call(&ten) > 400.0, "{} records per invocation with 10 s", per_call(&ten));
    // Every record still gets processed, a window's wait behind.
    let processed = |sim: &Simulation| sim.metrics(node(2)).total(lambda::RECORDS_PROCESSED);
    assert!(
        processed(&ten) >= processed(&none) - 600.0,
        "{} vs {}",
        processed(&ten),
        processed(&none)
    );
    // A full batch does not wait for the window: 500 records/s fill
    // batches of 100 at every poll, so a 60 s window changes little.
    let busy = |window| {
        let es = EventSourceMapping {
            batch_size: Some(100),
            batching_window_s: window,
            ..Default::default()
        };
        processed(&run_checked(&lambda_on_stream(500.0, 1, stream_fn(0.1, es), false), 120))
    };
    let (eager, windowed) = (busy(0), busy(60));
    assert!(windowed >= 0.95 * eager, "{windowed} processed with a window, {eager} without");
}

#[test]
fn aws_facts_5_1_a_failing_record_blocks_its_shard_until_retries_are_bounded() {
    let poison = |es| LambdaSpec { poison_rate: 0.001, ..stream_fn(0.1, es) };
    // Default: retry until the record expires; the shard stops.
    let sim =
        run_checked(&lambda_on_stream(100.0, 1, poison(EventSourceMapping::default()), false), 300);
    assert!(sim.metrics(node(2)).last_second(lambda::ITERATOR_AGE) > 200_000.0);
    assert_eq!(sim.function(node(2)).unwrap().discarded, 0);
    // Two retries: the bad batch goes to the on-failure queue and the shard moves on.
    let bounded = poison(EventSourceMapping { maximum_retry_attempts: 2, ..Default::default() });
    let sim = run_checked(&lambda_on_stream(100.0, 1, bounded, true), 300);
    let f = sim.function(node(2)).unwrap();
    assert!(f.discarded >= 100, "{} records given up", f.discarded);
    assert!(sim.metrics(node(2)).stats(lambda::ITERATOR_AGE).max < 10_000.0);
    assert!(sim.metrics(node(3)).total(queue::SENT) >= 1.0, "a notice in the on-failure queue");
    assert_eq!(sim.ledger().failed, f.discarded);
    // Bisecting gives up the bad records alone.
    let bisect = poison(EventSourceMapping {
        maximum_retry_attempts: 2,
        bisect_on_error: true,
        ..Default::default()
    });
    let sim = run_checked(&lambda_on_stream(100.0, 1, bisect, true), 300);
    let given_up = sim.function(node(2)).unwrap().discarded;
    assert!((10..=60).contains(&given_up), "{given_up} records given up, about 30 poison");
}

#[test]
fn aws_facts_5_1_maximum_record_age_skips_records_too_old_to_matter() {
    let f = LambdaSpec {
        poison_rate: 0.001,
        ..stream_fn(0.1, EventSourceMapping { maximum_record_age_s: 60, ..Default::default() })
    };
    let sim = run_checked(&lambda_on_stream(100.0, 1, f, false), 600);
    assert!(sim.function(node(2)).unwrap().discarded > 0);
    assert!(sim.metrics(node(2)).stats(lambda::ITERATOR_AGE).max < 70_000.0);
}

#[test]
fn aws_facts_2_5_each_invocation_is_billed_rounded_up_to_the_next_millisecond() {
    // 10.2 ms invocations bill 11 ms each (rounding to nearest would bill 10).
    let f = LambdaSpec {
        overhead_ms: 10.2,
        per_record_ms: 0.0,
        jitter: 0.0,
        memory_mb: 1_024,
        ..Default::default()
    };
    let sim = run_checked(&lambda_on_queue(steady(50.0), QueueSpec::default(), f, false), 120);
    let invocations = sim.metrics(node(2)).total(lambda::INVOCATIONS);
    let gb_s: f64 = sim
        .cost()
        .items()
        .iter()
        .filter(|i| i.key.starts_with("lambda.duration.x86"))
        .map(|i| i.units)
        .sum();
    assert!(invocations > 100.0);
    assert!((gb_s - invocations * 0.011).abs() < 1e-9, "{gb_s} GB-s for {invocations}");
}

#[test]
fn aws_facts_5_1_a_batch_is_capped_by_the_6_mb_invocation_payload() {
    // 256 KiB records (plus a 16-byte key), BatchSize 100 and a 30 s window
    // to gather them: the batch is released when the next record would
    // overflow the 6 MB synchronous payload (aws-facts 5.3), in which each
    // record's data travels base64-encoded (4 bytes for every 3).
    let record = 262_144 + 16;
    let fits = (6 * 1_048_576 / 4 * 3) / record;
    let producer = ProducerSpec {
        record_size: sim_core::scenario::RecordSize::Fixed { bytes: 262_144 },
        ..keyed(3.0, 100)
    };
    let f = LambdaSpec {
        overhead_ms: 0.0,
        per_record_ms: 10.0,
        ..stream_fn(
            10.0,
            EventSourceMapping {
                batch_size: Some(100),
                batching_window_s: 30,
                ..Default::default()
            },
        )
    };
    let mut s = one_shard(3.0, 100, f);
    s.nodes[0].spec = NodeSpec::Producer(producer);
    let sim = run_checked(&s, 300);
    let m = sim.metrics(node(2));
    assert_eq!(fits, 17);
    let per_invocation = m.total(lambda::RECORDS_PROCESSED) / m.total(lambda::INVOCATIONS);
    assert_eq!(per_invocation, fits as f64, "every batch is released full by bytes");
    assert_eq!(m.stats(lambda::DURATION).max, 10.0 * fits as f64, "no batch holds more");
}

#[test]
fn aws_facts_5_1_maximum_record_age_is_minus_one_or_60_s_to_7_days() {
    let issues = |age: i32| -> Vec<String> {
        let f =
            stream_fn(1.0, EventSourceMapping { maximum_record_age_s: age, ..Default::default() });
        match validate(&lambda_on_stream(10.0, 1, f, false)) {
            Ok(_) => Vec::new(),
            Err(issues) => issues.iter().map(ToString::to_string).collect(),
        }
    };
    for ok in [-1, 60, 3_600, 604_800] {
        assert_eq!(issues(ok), Vec::<String>::new(), "{ok} s");
    }
    for bad in [0, 30, 59] {
        assert_eq!(
            issues(bad),
            vec![format!(
                "nodes[2].params.event_source.maximum_record_age_s: {bad} is out of range; \
                 allowed -1 (no limit) or 60 to 604,800 s"
            )],
            "{bad} s"
        );
    }
    let over = issues(604_801);
    assert_eq!(over.len(), 1, "{over:#?}");
    assert!(over[0].contains("allowed -1 (no limit) or 60 to 604,800 s"), "{over:#?}");
    assert!(issues(-2)[0].contains("allowed -1 (no limit) or 60 to 604,800 s"));
}

#[test]
fn aws_facts_5_1_a_bad_record_blocks_its_keys_until_the_stream_expires_it() {
    // Default error handling retries a failing batch until its records
    // expire: the poison record holds its keys for the stream's 24 h
    // retention, then is dropped with the others past it, and the slot
    // moves on. One record a second, minute-long invocations (so retries
    // are a minute apart).
    let f = LambdaSpec {
        overhead_ms: 60_000.0,
        timeout_s: 120,
        poison_rate: 0.002,
        ..stream_fn(0.0, EventSourceMapping::default())
    };
    let s = one_shard(1.0, 10, f);
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 5);
    sim.run_until(3_600_000);
    let blocked_from = sim.metrics(node(2)).total(lambda::ERRORS);
    assert!(blocked_from > 0.0, "a poison record within the first hour");
    let before = sim.metrics(node(2)).total(lambda::RECORDS_PROCESSED);
    sim.run_until(86_400_000);
    // Blocked all day: retried every minute, nothing more processed.
    let m = sim.metrics(node(2));
    assert!(m.total(lambda::ERRORS) > 1_300.0, "{} failed attempts", m.total(lambda::ERRORS));
    assert!(m.total(lambda::RECORDS_PROCESSED) - before < 100.0);
    assert_eq!(sim.function(node(2)).unwrap().discarded, 0);
    assert!(m.stats(lambda::ITERATOR_AGE).max > 80_000_000.0, "the retried batch's age");
    assert!(m.last_second(lambda::OLDEST_UNREAD_AGE) > 80_000_000.0, "the records held behind it");
    // Past the first hour plus the retention, the poison record has
    // expired and the slot is processing again.
    sim.run_until(86_400_000 + 3_600_000 + 600_000);
    let f = sim.function(node(2)).unwrap();
    assert!(f.discarded > 0, "records given up at expiry");
    assert!(sim.metrics(node(2)).total(lambda::RECORDS_PROCESSED) > before + 1_000.0);
    assert!(sim.ledger().balances());
}

/// aws-facts 5.3: reserved concurrency is set aside from the account's
/// pool, so two functions cannot each reserve 900 of its 1,000; 500 each fit.
#[test]
fn aws_facts_5_3_reservations_together_fit_in_the_account() {
    let two = |reserved: u32| {
        let f = LambdaSpec { reserved_concurrency: Some(reserved), ..LambdaSpec::default() };
        let mut s = lambda_on_queue(steady(10.0), QueueSpec::default(), f, false);
        let copy: Vec<Node> =
            s.nodes.iter().map(|n| Node { id: format!("{}2", n.id), ..n.clone() }).collect();
        let links: Vec<Link> = s
            .links
            .iter()
            .map(|l| Link { from: format!("{}2", l.from), to: format!("{}2", l.to) })
            .collect();
        s.nodes.extend(copy);
        s.links.extend(links);
        validate(&s)
            .map(|_| ())
            .map_err(|issues| issues.iter().map(|i| i.to_string()).collect::<Vec<_>>())
    };
    assert_eq!(two(500), Ok(()));
    let refused = two(900).unwrap_err();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].starts_with("nodes[5].params.reserved_concurrency: 900"), "{refused:?}");
    assert!(refused[0].contains("makes 1,800"), "{refused:?}");
}
