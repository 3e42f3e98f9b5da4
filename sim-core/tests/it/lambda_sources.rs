//! Lambda's SNS and MSK event sources: a function an SNS topic invokes
//! asynchronously (aws-facts-more 5.2, aws-facts 5.3, 5.4) and the event
//! source mapping of an MSK topic (aws-facts-more 3).

use sim_core::NodeIndex;
use sim_core::metrics::{lambda, msk as kafka, sns};
use sim_core::scenario::{
    AsyncInvoke, ConsumerGroup, KeyDistribution, LambdaSpec, Link, MskSpec, Node, NodeSpec,
    ProducerSpec, ProvisionedPollers, QueueSpec, RecordSize, Scenario, SnsTopicSpec, Traffic,
};
use sim_core::{Simulation, validate};

use crate::fixtures::{pipeline, run, steady_producer};

fn node(id: &str, spec: NodeSpec) -> Node {
    Node { id: id.into(), name: String::new(), spec }
}

fn link(from: &str, to: &str) -> Link {
    Link { from: from.into(), to: to.into() }
}

/// A function that runs `ms` per invocation, exactly.
fn function(ms: f64, reserved: Option<u32>) -> LambdaSpec {
    LambdaSpec {
        overhead_ms: ms,
        per_record_ms: 0.0,
        jitter: 0.0,
        reserved_concurrency: reserved,
        ..LambdaSpec::default()
    }
}

/// producer -> topic -> (queue "q", function "f"), "f" -> on-failure "dlq"
/// when `on_failure`.
fn fan_out(rate: f64, f: LambdaSpec, on_failure: bool) -> Scenario {
    let mut nodes = vec![
        node("p", NodeSpec::Producer(steady_producer(rate, 1_000))),
        node("t", NodeSpec::SnsTopic(SnsTopicSpec::default())),
        node("q", NodeSpec::SqsQueue(QueueSpec::default())),
        node("f", NodeSpec::Lambda(f)),
    ];
    let mut links = vec![link("p", "t"), link("t", "q"), link("t", "f")];
    if on_failure {
        nodes.push(node("dlq", NodeSpec::SqsQueue(QueueSpec::default())));
        links.push(link("f", "dlq"));
    }
    Scenario { nodes, links, ..pipeline(ProducerSpec::default(), 1, None) }
}

const TOPIC: NodeIndex = NodeIndex::new(1);
const QUEUE: NodeIndex = NodeIndex::new(2);
const FUNC: NodeIndex = NodeIndex::new(3);

/// aws-facts-more 5.2, aws-facts 5.3: SNS hands every message to the
/// function's event queue (delivered at once, nothing for SNS to retry);
/// the function runs within its reserved concurrency, what finds no room
/// is throttled and retried; every event is in exactly one place.
#[test]
fn a_throttled_function_gets_every_message_and_the_counts_add_up() {
    // 50 messages/s into a function that can run 2 at a time for 100 ms:
    // at most 20 a second.
    let s = fan_out(50.0, function(100.0, Some(2)), false);
    let sim = run(&s, 120);
    let m = sim.metrics(FUNC);
    let published = sim.metrics(TOPIC).total(sns::PUBLISHED);
    assert!(published >= 5_900.0, "{published}");
    // The queue and the function each got every message.
    assert_eq!(sim.metrics(QUEUE).total(sim_core::metrics::queue::SENT), published);
    assert_eq!(sim.metrics(TOPIC).total(sns::DELIVERED), 2.0 * published);
    assert_eq!(sim.topic(TOPIC).unwrap().retrying, 0);
    let e = &sim.function(FUNC).unwrap().events;
    assert_eq!(e.received as f64, published);
    // published = processed + waiting + running + given up.
    assert_eq!(e.received, e.processed + e.held + e.running + e.to_destination + e.dropped);
    assert!(m.stats(lambda::CONCURRENT_EXECUTIONS).max <= 2.0);
    assert!(m.total(lambda::THROTTLES) > 0.0);
    // Capacity: 2 x 10 invocations a second at most. Throttled events wait
    // for their backoff, so the function does not run full.
    let processed = m.total(lambda::RECORDS_PROCESSED);
    assert_eq!(processed, e.processed as f64);
    assert!(processed <= 20.0 * 120.0 && processed > 0.0, "{processed}");
    assert_eq!(m.total(lambda::INVOCATIONS), processed + e.running as f64);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
    // Room enough: nothing throttled.
    let sim = run(&fan_out(10.0, function(100.0, Some(2)), false), 60);
    assert_eq!(sim.metrics(FUNC).total(lambda::THROTTLES), 0.0);
}

/// Latency of a function on a topic (MODEL.md, Latency): from the event's
/// arrival in the function's event queue to the end of the invocation that
/// succeeded. With room to run and 100 ms invocations every event takes
/// exactly 100 ms; end to end each also waited half its producer's 100 ms
/// batch on average before SNS handed it over at once: 150 ms.
#[test]
fn a_function_on_a_topic_measures_its_events_hop_and_end_to_end() {
    let sim = run(&fan_out(10.0, function(100.0, None), false), 60);
    let l = sim.latency(FUNC).expect("a function on a topic measures latency");
    let (hop, e2e) = (l.hop.summary().unwrap(), l.end_to_end.summary().unwrap());
    let processed = sim.function(FUNC).unwrap().events.processed;
    assert_eq!(hop.records, processed);
    assert_eq!((hop.mean_ms, hop.max_ms), (100.0, 100.0));
    assert_eq!((e2e.mean_ms, e2e.max_ms), (150.0, 150.0));
    assert!((e2e.p99_ms - 150.0).abs() <= 2.0, "{e2e:?}");
    // A throttled function's events that succeed on a retry waited for it
    // (aws-facts 5.4: 1 s, then doubling): their hop is a second or more.
    let busy = LambdaSpec { jitter: 0.5, ..function(100.0, Some(2)) };
    let sim = run(&fan_out(25.0, busy, false), 120);
    let slow = sim.latency(FUNC).unwrap().hop.summary().unwrap();
    assert!(slow.p50_ms < 160.0 && slow.max_ms >= 1_000.0, "{slow:?}");
}

/// aws-facts 5.4: a throttled event returns to the queue 1 s later, then
/// 2, 4, 8 ... s (at most 5 minutes) until it is older than the maximum
/// event age: with a 60 s age each event is tried at 0, 1, 3, 7, 15 and
/// 31 s (the waits run from whole seconds) and given up at its seventh
/// try, 63 s on. A function with no concurrency at all shows it.
#[test]
fn throttled_events_back_off_and_are_given_up_at_the_maximum_age() {
    let mut f = function(10.0, Some(0));
    f.async_invoke = AsyncInvoke { maximum_retry_attempts: 2, maximum_event_age_s: 60 };
    let s = fan_out(5.0, f, true);
    let sim = run(&s, 300);
    let e = &sim.function(FUNC).unwrap().events;
    assert_eq!(e.processed + e.running, 0);
    assert!(e.to_destination > 0);
    assert_eq!(e.received, e.held + e.to_destination);
    // A reference count of the tries throttled before the age runs out.
    let mut throttled_tries = 0;
    let (mut at, mut wait) = (0u64, 1_000u64);
    while at <= 60_000 {
        throttled_tries += 1;
        at += wait;
        wait = (wait * 2).min(300_000);
    }
    assert_eq!(throttled_tries, 6);
    // Each event given up was throttled 6 times; each still waiting 1 to 6.
    let throttles = sim.metrics(FUNC).total(lambda::THROTTLES) as u64;
    let given_up_throttles = throttled_tries * e.to_destination;
    assert!(throttles >= given_up_throttles + e.held, "{throttles}");
    assert!(throttles <= given_up_throttles + 6 * e.held, "{throttles}");
    // The on-failure queue got each event given up.
    let dlq = sim.node_index("dlq").unwrap();
    assert_eq!(sim.metrics(dlq).total(sim_core::metrics::queue::SENT), e.to_destination as f64);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// aws-facts 5.4: a failed invocation is retried twice by default, 1 and
/// then 2 minutes later, then given up: three invocations per event.
#[test]
fn failed_events_are_retried_maximum_retry_attempts_times() {
    for retries in [0, 2] {
        let mut f = function(10.0, None);
        f.error_rate = 1.0;
        f.async_invoke.maximum_retry_attempts = retries;
        let sim = run(&fan_out(2.0, f, true), 600);
        let e = &sim.function(FUNC).unwrap().events;
        let m = sim.metrics(FUNC);
        assert_eq!(m.total(lambda::ERRORS), m.total(lambda::INVOCATIONS));
        // Events given up had 1 + retries invocations; those waiting for a
        // retry had 1 to `retries`.
        let invocations = m.total(lambda::INVOCATIONS) as u64;
        let done = u64::from(1 + retries) * e.to_destination;
        assert!(invocations >= done + e.held && invocations <= done + u64::from(retries) * e.held);
        // A minute, then two: an event is given up 3 minutes after it came.
        let published = sim.metrics(TOPIC).total(sns::PUBLISHED) as u64;
        assert!(e.held <= if retries == 0 { 2 } else { 2 * 181 + 2 }, "{}", e.held);
        assert_eq!(e.to_destination + e.held + e.running, published);
        assert!(sim.ledger().balances(), "{:?}", sim.ledger());
    }
}

/// aws-facts-more 5.2: a FIFO topic delivers to SQS queues only; a function
/// has one trigger.
#[test]
fn a_fifo_topic_cannot_invoke_a_function() {
    let mut s = fan_out(1.0, function(10.0, None), false);
    s.node_mut(TOPIC).spec = NodeSpec::SnsTopic(SnsTopicSpec {
        topic_type: sim_core::scenario::TopicType::Fifo,
        ..SnsTopicSpec::default()
    });
    if let NodeSpec::SqsQueue(q) = &mut s.node_mut(QUEUE).spec {
        q.queue_type = sim_core::scenario::QueueType::Fifo;
    }
    let text = format!("{:?}", validate(&s).unwrap_err());
    assert!(text.contains("FIFO topics deliver to SQS queues only"), "{text}");
    // A second source for the same function is refused.
    let mut s = fan_out(1.0, function(10.0, None), false);
    s.links.push(link("q", "f"));
    assert!(validate(&s).is_err());
}

/// producer (`keys` over `rate` records/s) -> MSK cluster of `partitions`
/// partitions, no consumers of its own -> function "f".
fn msk(rate: f64, partitions: u32, f: LambdaSpec, on_failure: bool) -> Scenario {
    let p = ProducerSpec {
        records_per_s: rate,
        traffic: Traffic::Constant,
        record_size: RecordSize::Fixed { bytes: 199 },
        partition_key_bytes: 1,
        keys: KeyDistribution::Uniform { count: 1_000 },
        ..Default::default()
    };
    let m = MskSpec {
        partitions,
        consumer_group: ConsumerGroup { consumers: 0, ..ConsumerGroup::default() },
        ..MskSpec::default()
    };
    let mut nodes = vec![
        node("p", NodeSpec::Producer(p)),
        node("kafka", NodeSpec::MskCluster(m)),
        node("f", NodeSpec::Lambda(f)),
    ];
    let mut links = vec![link("p", "kafka"), link("kafka", "f")];
    if on_failure {
        nodes.push(node("dlq", NodeSpec::SqsQueue(QueueSpec::default())));
        links.push(link("f", "dlq"));
    }
    Scenario { nodes, links, ..pipeline(ProducerSpec::default(), 1, None) }
}

const CLUSTER: NodeIndex = NodeIndex::new(1);
const KFUNC: NodeIndex = NodeIndex::new(2);

/// A function that takes `ms_per_record` per record, exactly.
fn slow(ms_per_record: f64) -> LambdaSpec {
    LambdaSpec {
        overhead_ms: 0.0,
        per_record_ms: ms_per_record,
        jitter: 0.0,
        ..LambdaSpec::default()
    }
}

fn max_concurrency(sim: &Simulation) -> f64 {
    sim.metrics(KFUNC).stats(lambda::CONCURRENT_EXECUTIONS).max
}

/// aws-facts-more 3: one batch at a time per partition, so a function
/// falling behind scales to the partition count and no further: the
/// concurrency never exceeds the partitions, and more partitions raise
/// the ceiling.
#[test]
fn kafka_concurrency_never_exceeds_the_partition_count() {
    // 2,000 records/s; a record takes 5 ms: 10 concurrent invocations
    // would be needed.
    for partitions in [3, 6] {
        let sim = run(&msk(2_000.0, partitions, slow(5.0), false), 900);
        let peak = max_concurrency(&sim);
        assert_eq!(peak, f64::from(partitions), "{partitions} partitions");
        // Each partition processes at most 200 records/s, so the lag grows
        // by the difference.
        let processed = sim.metrics(KFUNC).total(lambda::RECORDS_PROCESSED);
        assert!(processed <= 200.0 * f64::from(partitions) * 900.0);
        let lag = sim.metrics(CLUSTER).last_second(kafka::SUM_OFFSET_LAG);
        assert!(lag > 0.0);
        assert!(sim.ledger().balances(), "{:?}", sim.ledger());
    }
}

/// aws-facts-more 3: offsets are committed after each batch succeeds, so
/// the lag the cluster shows for the function's group is what was written
/// and not yet processed; a function that keeps up leaves none behind.
#[test]
fn kafka_offsets_are_committed_after_success() {
    let sim = run(&msk(500.0, 4, slow(0.1), false), 120);
    let written = sim.metrics(CLUSTER).total(kafka::MESSAGES_IN);
    let processed = sim.metrics(KFUNC).total(lambda::RECORDS_PROCESSED);
    let lag = sim.metrics(CLUSTER).last_second(kafka::SUM_OFFSET_LAG);
    let cl = sim.msk_cluster(CLUSTER).unwrap();
    let committed: u64 = cl.partitions.iter().map(|p| p.esm[0]).sum();
    assert_eq!(processed as u64, committed);
    let end: u64 = cl.partitions.iter().map(|p| p.end_offset).sum();
    assert_eq!(written as u64, end);
    assert!((written - processed) <= 500.0 * 2.0, "{written} {processed} {lag}");
    // Batches of up to 100 (the default), sent within the 500 ms window.
    let invocations = sim.metrics(KFUNC).total(lambda::INVOCATIONS);
    assert!(invocations >= processed / 100.0);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// aws-facts-more 3: a failing batch is retried whole; with
/// `MaximumRetryAttempts` it is given up after that many retries, its
/// records skipped and the on-failure queue told once per batch.
#[test]
fn kafka_failed_batches_retry_then_are_given_up() {
    let mut f = slow(0.1);
    f.error_rate = 1.0;
    f.event_source.maximum_retry_attempts = 2;
    let sim = run(&msk(100.0, 2, f, true), 120);
    let m = sim.metrics(KFUNC);
    let f = sim.function(KFUNC).unwrap();
    assert_eq!(m.total(lambda::RECORDS_PROCESSED), 0.0);
    assert!(f.discarded > 0);
    let dlq = sim.node_index("dlq").unwrap();
    let notices = sim.metrics(dlq).total(sim_core::metrics::queue::SENT);
    // Three invocations for every batch given up, at most two more for
    // each partition's batch under way.
    let invocations = m.total(lambda::INVOCATIONS);
    assert!(invocations >= 3.0 * notices && invocations <= 3.0 * notices + 2.0 * 3.0);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// aws-facts-more 3: provisioned mode starts with its minimum pollers, each
/// running up to 5 invocations: one poller gives 5 at once at once.
#[test]
fn kafka_provisioned_pollers_run_five_invocations_each() {
    let mut f = slow(5.0);
    f.event_source.provisioned_pollers =
        Some(ProvisionedPollers { minimum_pollers: 1, maximum_pollers: 1 });
    let sim = run(&msk(2_000.0, 12, f, false), 120);
    assert_eq!(max_concurrency(&sim), 5.0);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// Provisioned mode is modelled for an MSK event source only: on a
/// function SNS invokes it would be ignored, so the scenario is refused with
/// the field named, while the same pollers on an MSK source validate.
#[test]
fn provisioned_pollers_off_an_msk_source_are_refused_by_name() {
    let mut f = function(10.0, None);
    f.event_source.provisioned_pollers =
        Some(ProvisionedPollers { minimum_pollers: 2, maximum_pollers: 4 });
    let issues = validate(&fan_out(100.0, f.clone(), false)).unwrap_err();
    let issue = issues
        .iter()
        .find(|i| i.path == "nodes[3].params.event_source.provisioned_pollers")
        .unwrap_or_else(|| panic!("{issues:?}"));
    assert!(issue.message.contains("MSK event source only"), "{}", issue.message);
    assert!(validate(&msk(100.0, 2, f, false)).is_ok());
}

/// aws-facts-more 5.3: when the function's endpoint fails (an outage, a
/// server-side error), SNS's AWS-managed policy retries the delivery, not
/// Lambda's queue; once it is back the retries get through and the
/// function has every message.
#[test]
fn an_endpoint_outage_is_retried_by_sns_not_by_lambda() {
    use sim_core::scenario::{Fault, Operation, ScheduledOp};
    let mut s = fan_out(20.0, function(10.0, None), false);
    s.schedule.push(ScheduledOp {
        at_s: Some(10),
        at_ms: None,
        node: "t".into(),
        op: Operation::Fault(Fault::EndpointsDown { for_s: 20 }),
    });
    let valid = validate(&s).expect("valid");
    let mut sim = Simulation::new(&valid, 3);
    sim.run_until(25_000);
    let retrying = sim.topic(TOPIC).unwrap().retrying;
    assert!(retrying > 0);
    assert_eq!(sim.metrics(FUNC).total(lambda::THROTTLES), 0.0);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
    // AWS-managed retries are at most 20 s apart: all through by 60 s.
    sim.run_until(60_000);
    assert_eq!(sim.topic(TOPIC).unwrap().retrying, 0);
    let published = sim.metrics(TOPIC).total(sns::PUBLISHED) as u64;
    assert_eq!(sim.function(FUNC).unwrap().events.received, published);
    assert!(sim.metrics(TOPIC).total(sns::RETRIES) > 0.0);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Every record is in exactly one place after every event, whatever the
    /// function's concurrency, errors and event age, and through an outage.
    #[test]
    fn an_sns_subscribed_function_balances_after_every_event(
        rate in 1.0..300.0f64,
        reserved in proptest::option::of(0u32..6),
        ms in 1.0..300.0f64,
        errors in 0.0..=1.0f64,
        retries in 0u32..=2,
        age in 60u32..=600,
        on_failure in proptest::bool::ANY,
        outage in proptest::option::of((1u64..20, 1u64..30)),
        seed in proptest::prelude::any::<u64>(),
    ) {
        use sim_core::scenario::{Fault, Operation, ScheduledOp};
        let mut f = function(ms, reserved);
        f.error_rate = errors;
        f.async_invoke = AsyncInvoke { maximum_retry_attempts: retries, maximum_event_age_s: age };
        let mut s = fan_out(rate, f, on_failure);
        if let Some((at_s, for_s)) = outage {
            s.schedule.push(ScheduledOp {
                at_s: Some(at_s),
                at_ms: None,
                node: "t".into(),
                op: Operation::Fault(Fault::EndpointsDown { for_s }),
            });
        }
        let valid = validate(&s).expect("valid");
        let mut sim = Simulation::new(&valid, seed);
        while sim.now() < 90_000 && sim.step() {
            let l = sim.ledger();
            proptest::prop_assert!(l.balances(), "at {} ms: {l:?}", sim.now());
        }
    }

    /// The same for an MSK event source: partitions, batch sizes, failures,
    /// provisioned pollers; and the concurrency never passes the partitions.
    #[test]
    fn an_msk_event_source_balances_and_stays_within_its_partitions(
        rate in 10.0..5_000.0f64,
        partitions in 1u32..12,
        per_record in 0.0..10.0f64,
        batch in 1u32..500,
        errors in 0.0..=1.0f64,
        retries in -1i32..3,
        provisioned in proptest::option::of(1u32..4),
        on_failure in proptest::bool::ANY,
        seed in proptest::prelude::any::<u64>(),
    ) {
        let mut f = slow(per_record);
        f.overhead_ms = 5.0;
        f.error_rate = errors;
        f.event_source.batch_size = Some(batch);
        f.event_source.maximum_retry_attempts = retries;
        f.event_source.provisioned_pollers = provisioned
            .map(|n| ProvisionedPollers { minimum_pollers: n, maximum_pollers: n + 2 });
        let s = msk(rate, partitions, f, on_failure);
        let valid = validate(&s).expect("valid");
        let mut sim = Simulation::new(&valid, seed);
        while sim.now() < 150_000 && sim.step() {
            let l = sim.ledger();
            proptest::prop_assert!(l.balances(), "at {} ms: {l:?}", sim.now());
            let running = sim.function(KFUNC).unwrap().running;
            proptest::prop_assert!(running <= partitions);
        }
    }
}

/// The planner turns what each source has: an MSK event source's batch
/// size (its partitions are the cluster's), an SNS-invoked function's
/// reserved concurrency (aws-facts 5.3) — never a queue's or a stream's
/// settings, which these sources ignore.
#[test]
fn the_planner_turns_the_knobs_each_source_has() {
    use sim_core::autosize::{Setting, knobs_of};
    let settings = |s: &Scenario, node: &str| -> Vec<String> {
        knobs_of(s)
            .into_iter()
            .filter(|k| k.node == node)
            .map(|k| match k.setting {
                Setting::Param(p) => p.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    };
    let s = msk(100.0, 4, slow(1.0), false);
    assert_eq!(settings(&s, "f"), ["event_source.batch_size"]);
    let s = fan_out(10.0, function(10.0, Some(8)), false);
    assert_eq!(settings(&s, "f"), ["reserved_concurrency"]);
    let k = knobs_of(&s).into_iter().find(|k| k.node == "f").unwrap();
    assert_eq!((k.initial, k.values.first(), k.values.last()), (8, Some(&1), Some(&1_000)));
}
