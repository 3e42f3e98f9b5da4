//! Amazon SNS HTTP/S subscriptions (aws-facts-more 5.2 to 5.5): the
//! default and custom delivery policies, phase by phase, during an
//! outage; NumberOfNotificationsFailed counting every failed attempt;
//! maxReceivesPerSecond; what validation refuses; the delivery price.

use sim_core::NodeIndex;
use sim_core::cost::{CostMeter, Delivered};
use sim_core::metrics::{destination, queue, sns};
use sim_core::pricing::Pricing;
use sim_core::scenario::{
    BackoffFunction, DestinationSpec, DestinationType, Fault, HttpDeliveryPolicy, Link, Node,
    NodeSpec, Operation, ProducerSpec, QueueSpec, Scenario, ScheduledOp, SnsTopicSpec,
    SubscriptionSpec, TopicType, Window,
};
use sim_core::{Command, Simulation, validate};

use crate::fixtures::{pipeline, steady_producer};

fn node(id: &str, spec: NodeSpec) -> Node {
    Node { id: id.into(), name: String::new(), spec }
}

fn link(from: &str, to: &str) -> Link {
    Link { from: from.into(), to: to.into() }
}

const TOPIC: NodeIndex = NodeIndex::new(1);
const WEB: NodeIndex = NodeIndex::new(2);

/// An HTTP endpoint down over `outage` (seconds, `[from, to)`).
fn endpoint(outage: Option<(u64, u64)>) -> DestinationSpec {
    DestinationSpec {
        destination_type: DestinationType::HttpEndpoint,
        outages: outage.map(|(from_s, to_s)| Window { from_s, to_s }).into_iter().collect(),
        ..DestinationSpec::default()
    }
}

/// producer (one PublishBatch round a second) -> topic -> HTTP endpoint
/// "web", with `settings` for its subscription; "dlq", a queue, is there
/// for a dead-letter queue.
fn webhook(rate: f64, web: DestinationSpec, settings: SubscriptionSpec) -> Scenario {
    let p = ProducerSpec {
        batching: sim_core::scenario::Batching { max_buffered_ms: 1_000 },
        ..steady_producer(rate, 500)
    };
    let topic = SnsTopicSpec {
        subscriptions: vec![SubscriptionSpec { endpoint: "web".into(), ..settings }],
        ..SnsTopicSpec::default()
    };
    Scenario {
        nodes: vec![
            node("p", NodeSpec::Producer(p)),
            node("t", NodeSpec::SnsTopic(topic)),
            node("web", NodeSpec::Destination(web)),
            node("dlq", NodeSpec::SqsQueue(QueueSpec::default())),
        ],
        links: vec![link("p", "t"), link("t", "web")],
        ..pipeline(ProducerSpec::default(), 1, None)
    }
}

/// Runs `s` with one publish round of `n` messages at 1 s (the producer
/// stops after it), and returns the simulation at `until_s` with the
/// second of every failed attempt (a second listed once per failure of
/// the cohort, so `n` times per attempt).
fn one_cohort(s: &Scenario, until_s: u64) -> (Simulation, Vec<(u64, f64)>) {
    let valid = validate(s).expect("valid");
    let mut sim = Simulation::new(&valid, 7);
    sim.run_until(1_500);
    sim.apply(Command::SetProducerRate { node: NodeIndex::new(0), records_per_s: 0.0 })
        .expect("rate");
    let mut failures = Vec::new();
    let mut seen = sim.metrics(TOPIC).total(sns::FAILED);
    assert!(seen > 0.0, "the first attempt at 1 s failed");
    failures.push((1, seen));
    for k in 2..=until_s {
        sim.run_until(k * 1_000 + 500);
        let now = sim.metrics(TOPIC).total(sns::FAILED);
        if now > seen {
            failures.push((k, now - seen));
        }
        seen = now;
        assert!(sim.ledger().balances(), "at {k} s: {:?}", sim.ledger());
    }
    (sim, failures)
}

/// The attempt times of a policy from AWS's documented rule
/// (aws-facts-more 5.3): the first attempt at `t0`, then `numNoDelayRetries`
/// at once, `numMinDelayRetries` `minDelayTarget` apart, the backoff
/// phase's `numRetries` less the other three from `minDelayTarget` (its
/// first) to `maxDelayTarget` (its last) in steady steps (linear), and
/// `numMaxDelayRetries` `maxDelayTarget` apart.
fn linear_schedule(p: &HttpDeliveryPolicy, t0: u64) -> Vec<u64> {
    let (min, max) = (u64::from(p.min_delay_target_s), u64::from(p.max_delay_target_s));
    let backoff =
        p.num_retries - p.num_no_delay_retries - p.num_min_delay_retries - p.num_max_delay_retries;
    let mut delays = vec![0; p.num_no_delay_retries as usize];
    delays.extend(std::iter::repeat_n(min, p.num_min_delay_retries as usize));
    delays.extend((0..backoff).map(|k| match backoff {
        1 => min,
        n => min + (max - min) * u64::from(k) / u64::from(n - 1),
    }));
    delays.extend(std::iter::repeat_n(max, p.num_max_delay_retries as usize));
    let mut t = t0;
    let mut out = vec![t];
    for d in delays {
        t += d;
        out.push(t);
    }
    out
}

/// The failures of `failures` spread back into one entry per attempt
/// second, `n` notifications a cohort.
fn attempt_seconds(failures: &[(u64, f64)], n: f64) -> Vec<u64> {
    let mut out = Vec::new();
    for &(at, count) in failures {
        assert_eq!(count % n, 0.0, "whole cohorts fail at {at} s: {count}");
        out.extend(std::iter::repeat_n(at, (count / n) as usize));
    }
    out
}

/// aws-facts-more 5.3: by default SNS retries an HTTP/S endpoint 3 times
/// 20 s apart, 4 attempts in all; then the notification goes to the
/// subscription's dead-letter queue, or is lost without one. 5.4: every
/// failed attempt counts in NumberOfNotificationsFailed.
#[test]
fn the_default_policy_is_four_attempts_20_s_apart_then_the_dlq_or_loss() {
    for dlq in [false, true] {
        let settings = SubscriptionSpec {
            dead_letter_queue: dlq.then(|| "dlq".to_string()),
            ..SubscriptionSpec::default()
        };
        let s = webhook(10.0, endpoint(Some((0, 1_000))), settings);
        let (sim, failures) = one_cohort(&s, 120);
        let published = sim.topic(TOPIC).unwrap().published as f64;
        assert_eq!(published, 10.0);
        let schedule = linear_schedule(&HttpDeliveryPolicy::default(), 1);
        assert_eq!(schedule, [1, 21, 41, 61]);
        assert_eq!(attempt_seconds(&failures, published), schedule);
        let m = sim.metrics(TOPIC);
        assert_eq!(m.total(sns::FAILED), 4.0 * published);
        assert_eq!(m.total(sns::DELIVERED), 0.0);
        assert_eq!(m.total(sns::RETRIES), 3.0 * published);
        assert_eq!(sim.metrics(WEB).total(destination::FAILED_ATTEMPTS), 4.0 * published);
        let t = sim.topic(TOPIC).unwrap();
        assert_eq!(t.retrying, 0);
        let ledger = sim.ledger();
        if dlq {
            assert_eq!(m.total(sns::REDRIVEN_TO_DLQ), published);
            assert_eq!(t.dead_lettered as f64, published);
            assert_eq!(sim.metrics(NodeIndex::new(3)).last_second(queue::VISIBLE), published);
            assert_eq!(ledger.dead_lettered as f64, published);
        } else {
            assert_eq!(m.total(sns::REDRIVEN_TO_DLQ), 0.0);
            assert_eq!(t.discarded as f64, published);
            assert_eq!(ledger.failed as f64, published);
        }
        assert!(ledger.balances(), "{ledger:?}");
    }
}

/// aws-facts-more 5.3: a custom policy's retries run in four phases:
/// immediate, pre-backoff at the minimum delay, backoff from the minimum
/// (first) to the maximum (last) delay, post-backoff at the maximum.
#[test]
fn a_custom_policy_retries_in_its_four_documented_phases() {
    let policy = HttpDeliveryPolicy {
        min_delay_target_s: 2,
        max_delay_target_s: 10,
        num_retries: 9,
        num_no_delay_retries: 1,
        num_min_delay_retries: 2,
        num_max_delay_retries: 2,
        backoff_function: BackoffFunction::Linear,
        max_receives_per_second: None,
    };
    let settings =
        SubscriptionSpec { delivery_policy: Some(policy), ..SubscriptionSpec::default() };
    let s = webhook(10.0, endpoint(Some((0, 1_000))), settings);
    let (sim, failures) = one_cohort(&s, 90);
    let schedule = linear_schedule(&policy, 1);
    // 1 at once, 2 two seconds apart, 4 from 2 s to 10 s (2, 4.67, 7.33,
    // 10: each retry runs on the next whole second), 2 ten seconds apart.
    assert_eq!(schedule.len(), 10);
    let attempts = attempt_seconds(&failures, 10.0);
    assert_eq!(attempts[..4], schedule[..4], "immediate and pre-backoff");
    // The backoff delays are not whole seconds: each retry waits for the
    // next second's tick, so an attempt is at most a second late, never
    // early, and the phases keep their order.
    let mut t = schedule[3];
    let mut expected = schedule[..4].to_vec();
    for k in 0..4u64 {
        let delay_ms = 2_000 + 8_000 * k / 3;
        t = (t * 1_000 + delay_ms).div_ceil(1_000);
        expected.push(t);
    }
    for _ in 0..2 {
        t += 10;
        expected.push(t);
    }
    assert_eq!(attempts, expected);
    assert_eq!(sim.metrics(TOPIC).total(sns::FAILED), 100.0);
    assert_eq!(sim.topic(TOPIC).unwrap().discarded, 10);
    // With whole-second backoff delays the schedule is the documented one
    // exactly: 3 backoff retries from 2 s to 10 s are 2, 6 and 10 s.
    let whole = HttpDeliveryPolicy { num_retries: 8, ..policy };
    let settings = SubscriptionSpec { delivery_policy: Some(whole), ..SubscriptionSpec::default() };
    let (_, failures) = one_cohort(&webhook(10.0, endpoint(Some((0, 1_000))), settings), 90);
    assert_eq!(attempt_seconds(&failures, 10.0), linear_schedule(&whole, 1));
    assert_eq!(linear_schedule(&whole, 1), [1, 1, 3, 5, 7, 13, 23, 33, 43]);
}

/// aws-facts-more 5.3: the backoff phase starts at the minimum delay and
/// ends at the maximum, whatever the function; AWS's graph has the
/// exponential function reach the maximum quickest, arithmetic and
/// geometric between it and linear.
#[test]
fn backoff_functions_run_from_the_minimum_to_the_maximum_delay() {
    let policy = |f| HttpDeliveryPolicy {
        min_delay_target_s: 5,
        max_delay_target_s: 260,
        num_retries: 10,
        backoff_function: f,
        ..HttpDeliveryPolicy::default()
    };
    let all = [
        BackoffFunction::Linear,
        BackoffFunction::Arithmetic,
        BackoffFunction::Geometric,
        BackoffFunction::Exponential,
    ];
    for f in all {
        assert_eq!(policy(f).delay_ms(0), Some(5_000), "{f:?}");
        assert_eq!(policy(f).delay_ms(9), Some(260_000), "{f:?}");
        assert_eq!(policy(f).delay_ms(10), None, "{f:?}");
        let delays: Vec<u64> = (0..10).filter_map(|k| policy(f).delay_ms(k)).collect();
        assert!(delays.windows(2).all(|w| w[0] <= w[1]), "{f:?} grows: {delays:?}");
    }
    // Linear: steady steps of (260 - 5) / 9 s.
    assert_eq!(policy(BackoffFunction::Linear).delay_ms(3), Some(90_000));
    let at = |f, k| policy(f).delay_ms(k).unwrap();
    for k in 1..9 {
        assert!(at(BackoffFunction::Linear, k) < at(BackoffFunction::Arithmetic, k));
        assert!(at(BackoffFunction::Arithmetic, k) < at(BackoffFunction::Geometric, k));
        assert!(at(BackoffFunction::Geometric, k) < at(BackoffFunction::Exponential, k));
    }
}

/// aws-facts-more 5.4: NumberOfNotificationsFailed counts every failed
/// attempt for HTTP/S, retries included; for SQS only a notification SNS
/// stopped trying (none here: the endpoint comes back in time).
#[test]
fn notifications_failed_counts_http_retries_but_not_sqs_retries() {
    // Down from 0 to 50 s: the attempts at 1, 21 and 41 s fail, the one at
    // 61 s gets through.
    let s = webhook(10.0, endpoint(Some((0, 50))), SubscriptionSpec::default());
    let (sim, failures) = one_cohort(&s, 100);
    assert_eq!(attempt_seconds(&failures, 10.0), [1, 21, 41]);
    let m = sim.metrics(TOPIC);
    assert_eq!(m.total(sns::FAILED), 30.0);
    assert_eq!(m.total(sns::DELIVERED), 10.0);
    assert_eq!(sim.metrics(WEB).total(destination::RECORDS), 10.0);
    assert_eq!(sim.destination(WEB).unwrap().records, 10);
    assert_eq!(sim.topic(TOPIC).unwrap().discarded, 0);
    assert!(sim.ledger().balances());
    // The same outage on an SQS subscription (the topic's endpoints
    // refuse deliveries): retried, delivered, never counted failed.
    let mut s = webhook(10.0, endpoint(None), SubscriptionSpec::default());
    s.links = vec![link("p", "t"), link("t", "dlq")];
    let NodeSpec::SnsTopic(t) = &mut s.node_mut(TOPIC).spec else { unreachable!() };
    t.subscriptions.clear();
    s.schedule.push(ScheduledOp {
        at_s: Some(0),
        at_ms: None,
        node: "t".into(),
        op: Operation::Fault(Fault::EndpointsDown { for_s: 50 }),
    });
    let valid = validate(&s).expect("valid");
    let mut sim = Simulation::new(&valid, 7);
    sim.run_until(1_500);
    sim.apply(Command::SetProducerRate { node: NodeIndex::new(0), records_per_s: 0.0 })
        .expect("rate");
    sim.run_until(100_000);
    let m = sim.metrics(TOPIC);
    assert!(m.total(sns::RETRIES) > 10.0);
    assert_eq!(m.total(sns::FAILED), 0.0);
    assert_eq!(m.total(sns::DELIVERED), 10.0);
    assert!(sim.ledger().balances());
}

/// The topic fault `endpoints_down` applies to HTTP/S subscriptions too
/// (a server-side error, retried by the subscription's policy).
#[test]
fn the_endpoints_down_fault_fails_http_deliveries_too() {
    let mut s = webhook(10.0, endpoint(None), SubscriptionSpec::default());
    s.schedule.push(ScheduledOp {
        at_s: Some(0),
        at_ms: None,
        node: "t".into(),
        op: Operation::Fault(Fault::EndpointsDown { for_s: 30 }),
    });
    let (sim, failures) = one_cohort(&s, 60);
    assert_eq!(attempt_seconds(&failures, 10.0), [1, 21]);
    assert_eq!(sim.metrics(TOPIC).total(sns::DELIVERED), 10.0);
}

/// aws-facts-more 5.3: maxReceivesPerSecond throttles the deliveries to a
/// subscription; the rest wait (a backlog, not failures).
#[test]
fn max_receives_per_second_caps_the_delivery_rate() {
    let policy =
        HttpDeliveryPolicy { max_receives_per_second: Some(10), ..HttpDeliveryPolicy::default() };
    let settings =
        SubscriptionSpec { delivery_policy: Some(policy), ..SubscriptionSpec::default() };
    let s = webhook(100.0, endpoint(None), settings);
    let valid = validate(&s).expect("valid");
    let mut sim = Simulation::new(&valid, 7);
    let mut last = 0.0;
    for k in 1..=60u64 {
        sim.run_until(k * 1_000 + 500);
        let delivered = sim.metrics(TOPIC).total(sns::DELIVERED);
        // One second deep: at most 10 a second, 20 in the first.
        assert!(delivered - last <= if k == 1 { 20.0 } else { 10.0 }, "{k} s: {delivered}");
        last = delivered;
        assert!(sim.ledger().balances(), "at {k} s: {:?}", sim.ledger());
    }
    let published = sim.topic(TOPIC).unwrap().published as f64;
    assert!(published >= 5_900.0, "{published}");
    assert!((590.0..=620.0).contains(&last), "about 10 a second: {last}");
    let sub = &sim.topic(TOPIC).unwrap().subs[0];
    assert_eq!(sub.held as f64, published - last, "the rest wait");
    assert_eq!(sim.metrics(TOPIC).total(sns::FAILED), 0.0);
    assert_eq!(sim.ledger().in_flight, sub.held);
}

fn issues(s: &Scenario) -> String {
    let issues = validate(s).expect_err("refused");
    issues.iter().map(|i| format!("{}: {}", i.path, i.message)).collect::<Vec<_>>().join("\n")
}

/// aws-facts-more 5.2, 5.3: what an HTTP/S subscription may be, each
/// refusal with its field and the reason.
#[test]
fn http_subscriptions_are_validated() {
    let ok = webhook(10.0, endpoint(None), SubscriptionSpec::default());
    assert!(validate(&ok).is_ok());
    // A FIFO topic cannot subscribe an HTTP/S endpoint.
    let mut s = ok.clone();
    let NodeSpec::SnsTopic(t) = &mut s.node_mut(TOPIC).spec else { unreachable!() };
    t.topic_type = TopicType::Fifo;
    let text = issues(&s);
    assert!(text.contains("FIFO topic \"t\" cannot deliver to HTTP/S endpoint \"web\""), "{text}");
    // Among destinations, SNS delivers to HTTP/S endpoints only.
    let s = webhook(10.0, DestinationSpec::default(), SubscriptionSpec::default());
    let text = issues(&s);
    assert!(text.contains("it is s3") && text.contains("http_endpoint"), "{text}");
    // Only HTTP/S policies can be changed.
    let mut s = ok.clone();
    s.links.push(link("t", "dlq"));
    let NodeSpec::SnsTopic(t) = &mut s.node_mut(TOPIC).spec else { unreachable!() };
    t.subscriptions.push(SubscriptionSpec {
        endpoint: "dlq".into(),
        delivery_policy: Some(HttpDeliveryPolicy::default()),
        ..SubscriptionSpec::default()
    });
    let text = issues(&s);
    assert!(text.contains("subscriptions[1].delivery_policy: only an HTTP/S"), "{text}");
    let with = |p: HttpDeliveryPolicy| {
        let settings = SubscriptionSpec { delivery_policy: Some(p), ..SubscriptionSpec::default() };
        webhook(10.0, endpoint(None), settings)
    };
    // AWS's own example is valid: 3 + 2 + 10 from 1 s to 60 s + 35 at 60 s.
    let example = HttpDeliveryPolicy {
        min_delay_target_s: 1,
        max_delay_target_s: 60,
        num_retries: 50,
        num_no_delay_retries: 3,
        num_min_delay_retries: 2,
        num_max_delay_retries: 35,
        backoff_function: BackoffFunction::Exponential,
        max_receives_per_second: Some(10),
    };
    assert!(validate(&with(example)).is_ok(), "{:?}", validate(&with(example)).err());
    // The total retry time is at most 3,600 s: 61 retries 60 s apart.
    let long = HttpDeliveryPolicy { num_retries: 100, num_max_delay_retries: 85, ..example };
    assert!(long.total_retry_ms() > 3_600_000);
    let text = issues(&with(long));
    assert!(
        text.contains("nodes[1].params.subscriptions[0].delivery_policy: its retries take"),
        "{text}"
    );
    assert!(text.contains("0 to 3,600 s"), "{text}");
    // Field ranges: numRetries 0 to 100, the minimum delay at most the
    // maximum, the phases within numRetries.
    let text = issues(&with(HttpDeliveryPolicy { num_retries: 101, ..example }));
    assert!(text.contains("delivery_policy.num_retries"), "{text}");
    assert!(text.contains("allowed 0 to 100"), "{text}");
    let text = issues(&with(HttpDeliveryPolicy { min_delay_target_s: 61, ..example }));
    assert!(text.contains("delivery_policy.min_delay_target_s"), "{text}");
    let text = issues(&with(HttpDeliveryPolicy { num_retries: 30, ..example }));
    assert!(text.contains("delivery_policy.num_retries: is 30, fewer than"), "{text}");
    let text = issues(&with(HttpDeliveryPolicy { max_receives_per_second: Some(0), ..example }));
    assert!(text.contains("delivery_policy.max_receives_per_second"), "{text}");
}

/// aws-facts-more 5.5: HTTP/S deliveries cost $0.60 per million after the
/// first 100,000 a month. Infracost prices 2 million at $1.20 (no free
/// tier, the project's default); with `pricing.free_tier`, $1.14.
#[test]
fn http_deliveries_are_billed_after_the_free_tier() {
    let line = |meter: &CostMeter, key: &str| {
        meter.items().into_iter().filter(|l| l.key.starts_with(key)).map(|l| l.usd).sum::<f64>()
    };
    let mut meter = CostMeter::with_pricing(&Pricing::default());
    meter.sns_deliveries(false, Delivered::Http, 2_000_000, 1_000);
    assert!((line(&meter, "sns.http_deliveries") - 1.20).abs() < 1e-9);
    assert!((meter.total_usd() - 1.20).abs() < 1e-9);
    let mut meter = CostMeter::with_pricing(&Pricing { free_tier: true, ..Pricing::default() });
    meter.sns_deliveries(false, Delivered::Http, 2_000_000, 1_000);
    assert!((meter.total_usd() - 1.14).abs() < 1e-9, "{}", meter.total_usd());
    // A run bills what its endpoint accepted, not failed attempts.
    let s = webhook(10.0, endpoint(Some((0, 50))), SubscriptionSpec::default());
    let (sim, _) = one_cohort(&s, 100);
    let items = sim.cost().items();
    let billed = items.iter().find(|l| l.key == "sns.http_deliveries").expect("a line");
    assert_eq!(billed.units, 10.0);
}
