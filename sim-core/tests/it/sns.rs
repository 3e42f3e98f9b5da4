//! Amazon SNS topics (aws-facts-more 5): fan-out through filter policies,
//! the publish quotas, delivery retries by the documented policies, the
//! subscription dead-letter queue, and the publish and delivery prices.

use sim_core::metrics::{queue, sns};
use sim_core::scenario::{
    Fault, FifoThroughputScope, FirehoseSpec, Link, Node, NodeSpec, Operation, ProducerSpec,
    QueueSpec, QueueType, Scenario, ScheduledOp, SnsTopicSpec, SubscriptionSpec, TopicType,
};
use sim_core::{NodeIndex, NodeKind};
use sim_core::{Simulation, validate};

use crate::fixtures::{pipeline, run, steady_producer};

fn node(id: &str, spec: NodeSpec) -> Node {
    Node { id: id.into(), name: String::new(), spec }
}

fn link(from: &str, to: &str) -> Link {
    Link { from: from.into(), to: to.into() }
}

fn sub(endpoint: &str, filter_share: f64, raw: bool) -> SubscriptionSpec {
    SubscriptionSpec {
        endpoint: endpoint.into(),
        filter_share,
        raw_delivery: raw,
        dead_letter_queue: None,
        delivery_policy: None,
    }
}

/// producer -> topic -> one queue per subscription (no readers: the
/// queues keep what they get).
fn fan_out(p: ProducerSpec, topic: SnsTopicSpec, queues: &[(&str, QueueType)]) -> Scenario {
    let mut nodes = vec![node("p", NodeSpec::Producer(p)), node("t", NodeSpec::SnsTopic(topic))];
    let mut links = vec![link("p", "t")];
    for (id, queue_type) in queues {
        let q = QueueSpec { queue_type: *queue_type, ..QueueSpec::default() };
        nodes.push(node(id, NodeSpec::SqsQueue(q)));
        links.push(link("t", id));
    }
    Scenario { nodes, links, ..pipeline(ProducerSpec::default(), 1, None) }
}

const TOPIC: NodeIndex = NodeIndex::new(1);

fn total(sim: &Simulation, node: NodeIndex, metric: usize) -> f64 {
    sim.metrics(node).total(metric)
}

/// aws-facts-more 5.2, 5.4: every subscription gets a copy of each message
/// its filter policy matches; the rest are counted as filtered out, not
/// delivered; raw delivery sends the body alone, otherwise the envelope is
/// added.
#[test]
fn fan_out_delivers_each_message_to_every_subscription_minus_filtered() {
    let topic = SnsTopicSpec {
        subscriptions: vec![sub("all", 1.0, true), sub("half", 0.5, false), sub("few", 0.2, true)],
        ..SnsTopicSpec::default()
    };
    let standard = QueueType::Standard;
    let s = fan_out(
        steady_producer(100.0, 1_000),
        topic,
        &[("all", standard), ("half", standard), ("few", standard)],
    );
    let sim = run(&s, 60);
    let published = total(&sim, TOPIC, sns::PUBLISHED);
    assert!(published >= 5_800.0, "{published}");
    assert_eq!(sim.topic(TOPIC).unwrap().published as f64, published);
    let sent = |q| total(&sim, NodeIndex::new(q), queue::SENT);
    // The filter's share over the run, whole messages (rounded down).
    let share = |f: f64| (published * f).floor();
    assert_eq!(sent(2), published);
    assert_eq!(sent(3), share(0.5));
    assert_eq!(sent(4), share(0.2));
    let delivered = total(&sim, TOPIC, sns::DELIVERED);
    assert_eq!(delivered, sent(2) + sent(3) + sent(4));
    let filtered = total(&sim, TOPIC, sns::FILTERED_OUT);
    assert_eq!(filtered, 3.0 * published - delivered);
    assert_eq!(total(&sim, TOPIC, sns::FAILED), 0.0);
    // Raw: the 1,000-byte body; otherwise the envelope on top.
    let size = |q: NodeIndex| sim.metrics(q).stats(queue::SENT_SIZE).max;
    assert_eq!(size(NodeIndex::new(2)), 1_000.0);
    assert_eq!(size(NodeIndex::new(3)), 1_000.0 + sim_core::kinds::sns::ENVELOPE_BYTES as f64);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// aws-facts-more 5.1: a standard topic takes the account's Regional
/// quota (300 messages/s in the smallest Regions); over it publishes are
/// throttled and the publisher retries.
#[test]
fn publishes_over_the_quota_are_throttled() {
    let topic = SnsTopicSpec { publish_quota_per_s: 300, ..SnsTopicSpec::default() };
    let secs = 60;
    let sim = run(&fan_out(steady_producer(500.0, 200), topic, &[]), secs);
    let published = total(&sim, TOPIC, sns::PUBLISHED);
    // At most a second's quota at the start plus 300 a second.
    assert!(published <= 300.0 * (secs as f64 + 1.0), "{published}");
    assert!(published >= 300.0 * (secs as f64 - 2.0), "{published}");
    assert!(total(&sim, TOPIC, sns::THROTTLED) > 0.0);
    let view = sim_core::view::FrameView::capture(&sim);
    assert_eq!(view.nodes[TOPIC].figures.status().word, "✖ Throttling publishes");
    assert!(sim.ledger().balances());
}

/// aws-facts-more 5.1: the publish quota is the account's in the Region,
/// 30,000 messages a second in us-east-1 for standard topics (Publish and
/// PublishBatch messages combined).
const US_EAST_1_STANDARD_QUOTA: f64 = 30_000.0;

/// One producer per topic, each topic with one queue: producer `p{k}`
/// publishes to topic `t{k}`, which fans out to queue `q{k}`.
fn topics_side_by_side(rates: &[f64], topics: &[SnsTopicSpec]) -> Scenario {
    let mut s = Scenario {
        nodes: Vec::new(),
        links: Vec::new(),
        ..pipeline(ProducerSpec::default(), 1, None)
    };
    for (k, (&rate, topic)) in rates.iter().zip(topics).enumerate() {
        let queue_type = if topic.is_fifo() { QueueType::Fifo } else { QueueType::Standard };
        let q = QueueSpec { queue_type, ..QueueSpec::default() };
        s.nodes.push(node(&format!("p{k}"), NodeSpec::Producer(steady_producer(rate, 100))));
        s.nodes.push(node(&format!("t{k}"), NodeSpec::SnsTopic(topic.clone())));
        s.nodes.push(node(&format!("q{k}"), NodeSpec::SqsQueue(q)));
        s.links.push(link(&format!("p{k}"), &format!("t{k}")));
        s.links.push(link(&format!("t{k}"), &format!("q{k}")));
    }
    s
}

/// Messages topic `t{k}` published over the run.
fn published_by(sim: &Simulation, k: usize) -> f64 {
    total(sim, sim.node_index(&format!("t{k}")).unwrap(), sns::PUBLISHED)
}

/// aws-facts-more 5.1: the Regional publish quota belongs to the account,
/// not to a topic. Two standard topics whose publishers ask 20,000
/// messages a second each (40,000 together) are throttled to the account's
/// 30,000 in total, a second's worth at the start aside (the bucket starts
/// full), and share it evenly: neither topic is favoured by the order its
/// publishes ran in. A topic alone under the quota loses nothing.
#[test]
fn standard_topics_share_the_accounts_publish_quota() {
    let secs = 60;
    let quota = US_EAST_1_STANDARD_QUOTA;
    let standard = SnsTopicSpec::default();
    assert_eq!(f64::from(standard.publish_quota_per_s), quota, "the us-east-1 default");
    let s = topics_side_by_side(&[20_000.0, 20_000.0], &[standard.clone(), standard.clone()]);
    let sim = run(&s, secs);
    let (one, two) = (published_by(&sim, 0), published_by(&sim, 1));
    let both = one + two;
    assert!(both <= quota * (secs as f64 + 1.0), "{both}");
    assert!(both >= quota * (secs as f64 - 1.0), "{both}");
    // Even shares: symmetric publishers get the same (their retries, drawn
    // apart, land in different milliseconds, so not to the message).
    assert!((one - two).abs() / both < 0.001, "{one} vs {two}");
    for k in 0..2 {
        let t = sim.node_index(&format!("t{k}")).unwrap();
        assert!(total(&sim, t, sns::THROTTLED) > 0.0, "topic {k}");
    }
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());

    // One topic under the quota: every message it is given is published.
    let sim = run(&topics_side_by_side(&[20_000.0], &[standard]), secs);
    let p = sim.node_index("p0").unwrap();
    let generated = total(&sim, p, sim_core::metrics::producer::USER_RECORDS_RECEIVED);
    assert_eq!(published_by(&sim, 0), generated);
    assert_eq!(total(&sim, sim.node_index("t0").unwrap(), sns::THROTTLED), 0.0);
}

/// Publishes due in the same millisecond share the account's quota in
/// proportion to their messages: a publisher of 30,000 messages a second
/// and one of 10,000 (each retrying nothing) lose the same share of what
/// they publish, so three times as many messages for the first. The same
/// scenario with the nodes listed the other way round gives each topic the
/// same figures.
#[test]
fn simultaneous_publishes_share_the_account_quota_in_proportion() {
    let secs = 30;
    let quota = US_EAST_1_STANDARD_QUOTA;
    let mut s =
        topics_side_by_side(&[30_000.0, 10_000.0], &[standard_with(30_000), standard_with(30_000)]);
    for n in &mut s.nodes {
        if let NodeSpec::Producer(p) = &mut n.spec {
            p.retry.max_attempts = 1;
        }
    }
    let sim = run(&s, secs);
    let (big, small) = (published_by(&sim, 0), published_by(&sim, 1));
    // The bucket starts a second full: 30,000 a second in all after that.
    assert!(big + small <= quota * (secs as f64 + 1.0), "{}", big + small);
    assert!(big + small >= quota * (secs as f64 - 1.0), "{}", big + small);
    let throttled =
        |k: usize| total(&sim, sim.node_index(&format!("t{k}")).unwrap(), sns::THROTTLED);
    let ratio = throttled(0) / throttled(1);
    assert!((ratio - 3.0).abs() < 0.03, "{} vs {}", throttled(0), throttled(1));
    assert!((big / small - 3.0).abs() < 0.03, "{big} vs {small}");
    let mut reversed = s.clone();
    reversed.nodes.reverse();
    let again = run(&reversed, secs);
    assert_eq!((published_by(&again, 0), published_by(&again, 1)), (big, small));
}

/// aws-facts-more 5.1: standard and FIFO topics have quotas of their own
/// (the table's two columns), each shared by every topic of its type: a
/// FIFO topic publishes in full beside standard topics at their quota, and
/// two FIFO topics with message-group scope share the FIFO quota (3,000 a
/// second outside the largest Regions). A topic of each type states its
/// type's quota; topics of one type that state different ones are refused.
#[test]
fn standard_and_fifo_topics_draw_on_separate_account_quotas() {
    let secs = 30;
    let fifo = |quota| SnsTopicSpec {
        topic_type: TopicType::Fifo,
        fifo_throughput_scope: FifoThroughputScope::MessageGroup,
        publish_quota_per_s: quota,
        ..SnsTopicSpec::default()
    };
    let standard = SnsTopicSpec::default();
    let s = topics_side_by_side(
        &[20_000.0, 20_000.0, 2_000.0],
        &[standard.clone(), standard.clone(), fifo(30_000)],
    );
    let sim = run(&s, secs);
    let standard_total = published_by(&sim, 0) + published_by(&sim, 1);
    assert!(standard_total <= US_EAST_1_STANDARD_QUOTA * (secs as f64 + 1.0));
    let p = sim.node_index("p2").unwrap();
    let generated = total(&sim, p, sim_core::metrics::producer::USER_RECORDS_RECEIVED);
    assert_eq!(published_by(&sim, 2), generated, "the FIFO topic is not throttled");

    let fifo_quota = 3_000.0;
    let s = topics_side_by_side(&[2_000.0, 2_000.0], &[fifo(3_000), fifo(3_000)]);
    let sim = run(&s, secs);
    let both = published_by(&sim, 0) + published_by(&sim, 1);
    assert!(both <= fifo_quota * (secs as f64 + 1.0), "{both}");
    assert!(both >= fifo_quota * (secs as f64 - 1.0), "{both}");

    let s = topics_side_by_side(&[1.0, 1.0], &[standard.clone(), standard_with(9_000)]);
    let text = issues(&s);
    assert!(
        text.contains("nodes[4].params.publish_quota_per_s: 9,000 differs from \"t0\"'s 30,000"),
        "{text}"
    );
    assert!(
        text.contains(
            "standard topics share the account's publish quota in the Region, so give each the \
             same value (1 to 1,000,000 messages/s)"
        ),
        "{text}"
    );
    // A FIFO topic may state another figure than the standard topics.
    let s = topics_side_by_side(&[1.0, 1.0], &[standard, fifo(3_000)]);
    assert!(validate(&s).is_ok());
}

fn standard_with(quota: u32) -> SnsTopicSpec {
    SnsTopicSpec { publish_quota_per_s: quota, ..SnsTopicSpec::default() }
}

/// aws-facts-more 5.3: an SQS endpoint that fails (server-side errors) is
/// retried by the AWS-managed policy (3 at once, 2 a second apart, 10
/// backing off to 20 s, then every 20 s), so once it is back every
/// notification arrives and none fails.
#[test]
fn an_outage_is_retried_and_everything_arrives_afterwards() {
    let mut s =
        fan_out(steady_producer(50.0, 500), SnsTopicSpec::default(), &[("q", QueueType::Standard)]);
    s.schedule.push(ScheduledOp {
        at_s: Some(10),
        at_ms: None,
        node: "t".into(),
        op: Operation::Fault(Fault::EndpointsDown { for_s: 30 }),
    });
    let valid = validate(&s).expect("valid");
    let mut sim = Simulation::new(&valid, 7);
    sim.run_until(30_000);
    let retrying = sim.topic(TOPIC).unwrap().retrying;
    assert!(retrying > 900, "twenty seconds of messages wait: {retrying}");
    assert!(total(&sim, TOPIC, sns::RETRIES) > 0.0);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
    // Back at 40 s; retries come at most 20 s apart.
    sim.run_until(90_000);
    let t = sim.topic(TOPIC).unwrap();
    assert_eq!(t.retrying, 0);
    assert_eq!(total(&sim, NodeIndex::new(2), queue::SENT), t.published as f64);
    assert_eq!(total(&sim, TOPIC, sns::FAILED), 0.0);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// aws-facts-more 5.3: Firehose's throttling errors follow the
/// customer-managed policy (2 retries 10 s apart, 10 backing off from 10 s
/// to 600 s, 38 every 600 s: 50); when they run out the notifications go
/// to the subscription's dead-letter queue, no sooner than the policy's
/// delays add up to.
#[test]
fn throttled_firehose_deliveries_go_to_the_dead_letter_queue_when_the_policy_ends() {
    // 40 messages/s of 200 KB: 8 MB/s against Firehose's 5 MiB/s, so
    // the backlog of retries keeps growing and some run out.
    let p = ProducerSpec {
        batching: sim_core::scenario::Batching { max_buffered_ms: 1_000 },
        ..steady_producer(40.0, 200_000)
    };
    let topic = SnsTopicSpec {
        subscriptions: vec![SubscriptionSpec {
            dead_letter_queue: Some("dlq".into()),
            ..sub("fh", 1.0, true)
        }],
        ..SnsTopicSpec::default()
    };
    let mut s = fan_out(p, topic, &[("dlq", QueueType::Standard)]);
    s.links.retain(|l| l.to != "dlq");
    s.nodes.push(node("fh", NodeSpec::Firehose(FirehoseSpec::default())));
    s.nodes.push(node("dst", NodeSpec::Destination(Default::default())));
    s.links.push(link("t", "fh"));
    s.links.push(link("fh", "dst"));
    let valid = validate(&s).expect("valid");
    let mut sim = Simulation::new(&valid, 7);
    // The documented delays, added up: 2 x 10 s, 10 from 10 s to 600 s
    // exponentially, 38 x 600 s.
    let backoff: f64 = (0..10).map(|k| 10.0 * 60f64.powf(f64::from(k) / 9.0)).sum();
    let policy_s = 20.0 + backoff + 38.0 * 600.0;
    let first = (policy_s as u64).saturating_sub(5);
    sim.run_until(first * 1_000);
    assert!(total(&sim, TOPIC, sns::RETRIES) > 0.0);
    assert_eq!(total(&sim, TOPIC, sns::REDRIVEN_TO_DLQ), 0.0, "not before {policy_s} s");
    // Early notifications get through on a retry while the backlog is
    // small; later ones run out of retries.
    sim.run_until((2.0 * policy_s) as u64 * 1_000);
    let redriven = total(&sim, TOPIC, sns::REDRIVEN_TO_DLQ);
    assert!(redriven > 0.0);
    assert_eq!(total(&sim, TOPIC, sns::FAILED), redriven);
    assert_eq!(sim.topic(TOPIC).unwrap().dead_lettered as f64, redriven);
    assert_eq!(sim.metrics(NodeIndex::new(2)).last_second(queue::VISIBLE), redriven);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// aws-facts-more 5.5: each 64 KB chunk of a PublishBatch call is billed as
/// one request at $0.50 per million; deliveries to SQS are free, to
/// Firehose $0.19 per million notifications.
#[test]
fn publishes_are_billed_per_64_kb_chunk_and_firehose_deliveries_per_notification() {
    // 100 KB messages: 2 to a 256 KiB PublishBatch call, 4 chunks a call.
    let secs = 60;
    let s = fan_out(steady_producer(100.0, 102_400), SnsTopicSpec::default(), &[]);
    let sim = run(&s, secs);
    let published = sim.topic(TOPIC).unwrap().published;
    let per_call = 262_144 / 102_400;
    let requests = published.div_ceil(per_call) * (per_call * 102_400).div_ceil(65_536);
    let items = sim.cost().items();
    let line = items.iter().find(|l| l.key == "sns.publish").expect("a publish line");
    assert_eq!(line.units, requests as f64);
    assert!((line.usd - requests as f64 * 0.50 / 1e6).abs() < 1e-12);
    // 1 KB notifications to Firehose (raw): one each; to SQS: none billed.
    let topic = SnsTopicSpec {
        subscriptions: vec![sub("fh", 1.0, true), sub("q", 1.0, true)],
        ..SnsTopicSpec::default()
    };
    let mut s = fan_out(steady_producer(100.0, 1_000), topic, &[("q", QueueType::Standard)]);
    s.nodes.push(node("fh", NodeSpec::Firehose(FirehoseSpec::default())));
    s.nodes.push(node("dst", NodeSpec::Destination(Default::default())));
    s.links.push(link("t", "fh"));
    s.links.push(link("fh", "dst"));
    let sim = run(&s, secs);
    let to_firehose = sim
        .topic(TOPIC)
        .unwrap()
        .subs
        .iter()
        .find(|s| s.node == NodeIndex::new(3))
        .unwrap()
        .delivered;
    assert!(to_firehose > 0);
    let items = sim.cost().items();
    let line = items.iter().find(|l| l.key == "sns.firehose_deliveries").expect("a line");
    assert_eq!(line.units, to_firehose as f64);
    assert!((line.usd - to_firehose as f64 * 0.19 / 1e6).abs() < 1e-12);
    assert!(items.iter().all(|l| !l.key.starts_with("sns.") || l.key != "sns.sqs"));
}

fn issues(s: &Scenario) -> String {
    let issues = validate(s).expect_err("refused");
    issues.iter().map(|i| format!("{}: {}", i.path, i.message)).collect::<Vec<_>>().join("\n")
}

/// aws-facts-more 5.1 to 5.3: what a topic may be wired to, and its
/// subscriptions' settings, refused with the field and the reason.
#[test]
fn topic_wiring_and_settings_are_validated() {
    let standard = QueueType::Standard;
    // A standard topic cannot deliver to a FIFO queue.
    let s = fan_out(steady_producer(1.0, 100), SnsTopicSpec::default(), &[("q", QueueType::Fifo)]);
    assert!(issues(&s).contains("cannot deliver to FIFO queue"), "{}", issues(&s));
    // A FIFO topic cannot deliver to Firehose, and needs a FIFO DLQ.
    let fifo = SnsTopicSpec {
        topic_type: TopicType::Fifo,
        subscriptions: vec![SubscriptionSpec {
            dead_letter_queue: Some("dlq".into()),
            ..sub("q", 1.0, false)
        }],
        ..SnsTopicSpec::default()
    };
    let mut s = fan_out(steady_producer(1.0, 100), fifo, &[("q", QueueType::Fifo)]);
    s.nodes.push(node("dlq", NodeSpec::SqsQueue(QueueSpec::default())));
    s.nodes.push(node("fh", NodeSpec::Firehose(FirehoseSpec::default())));
    s.nodes.push(node("dst", NodeSpec::Destination(Default::default())));
    s.links.push(link("t", "fh"));
    s.links.push(link("fh", "dst"));
    let text = issues(&s);
    assert!(text.contains("FIFO topics deliver to SQS queues only"), "{text}");
    assert!(text.contains("nodes[1].params.subscriptions[0].dead_letter_queue"), "{text}");
    // Settings for an endpoint that is not linked; a share out of range.
    let topic =
        SnsTopicSpec { subscriptions: vec![sub("nowhere", 1.5, false)], ..SnsTopicSpec::default() };
    let text = issues(&fan_out(steady_producer(1.0, 100), topic, &[("q", standard)]));
    assert!(text.contains("subscriptions[0].endpoint: \"nowhere\" is not linked"), "{text}");
    assert!(text.contains("subscriptions[0].filter_share"), "{text}");
    assert!(text.contains("allowed 0 to 1"), "{text}");
    // A message larger than 256 KiB can never be published.
    let text = issues(&fan_out(steady_producer(1.0, 300_000), SnsTopicSpec::default(), &[]));
    assert!(text.contains("262,144 bytes"), "{text}");
    // Links a topic cannot have, each with its reason.
    use sim_core::scenario::NodeKind::*;
    let rule = sim_core::validate::link_rule;
    assert!(rule(SnsTopic, SqsQueue).is_ok() && rule(SnsTopic, Firehose).is_ok());
    assert!(rule(Producer, SnsTopic).is_ok() && rule(Consumer, SnsTopic).is_ok());
    assert!(rule(SnsTopic, Lambda).is_ok() && rule(SnsTopic, Destination).is_ok());
    assert!(rule(KinesisStream, SnsTopic).is_err());
    assert!(rule(SnsTopic, KinesisStream).is_err());
}

/// A consumer forwarding what it read publishes to the topic, which fans
/// it out; every record stays accounted for.
#[test]
fn a_forwarding_consumer_publishes_to_a_topic() {
    let mut s = pipeline(
        steady_producer(200.0, 500),
        1,
        Some(sim_core::scenario::ConsumerSpec {
            forward: sim_core::scenario::Forward::default(),
            ..Default::default()
        }),
    );
    s.nodes.push(node("t", NodeSpec::SnsTopic(SnsTopicSpec::default())));
    s.nodes.push(node("q1", NodeSpec::SqsQueue(QueueSpec::default())));
    s.nodes.push(node("q2", NodeSpec::SqsQueue(QueueSpec::default())));
    s.links.extend([link("c", "t"), link("t", "q1"), link("t", "q2")]);
    let sim = run(&s, 30);
    let published = total(&sim, NodeIndex::new(3), sns::PUBLISHED);
    assert!(published > 0.0);
    assert_eq!(total(&sim, NodeIndex::new(4), queue::SENT), published);
    assert_eq!(total(&sim, NodeIndex::new(5), queue::SENT), published);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 16, ..Default::default() })]

    /// Published messages end at the topic; each notification is a new
    /// record at its endpoint, in flight while it waits for a retry, then
    /// delivered, dead-lettered or discarded: the ledger balances after
    /// every event through throttling, filters and an endpoint outage.
    #[test]
    fn a_topic_balances_after_every_event(
        p in crate::conservation::arb_producer(),
        quota in 50u32..5_000,
        subs in proptest::collection::vec((0.0..=1.0f64, proptest::bool::ANY), 1..4),
        outage in proptest::option::of((1u64..20, 1u64..30)),
        dlq in proptest::bool::ANY,
        seed in proptest::prelude::any::<u64>(),
    ) {
        let ids: Vec<String> = (0..subs.len()).map(|i| format!("q{i}")).collect();
        let topic = SnsTopicSpec {
            publish_quota_per_s: quota,
            subscriptions: subs
                .iter()
                .zip(&ids)
                .enumerate()
                .map(|(i, (&(share, raw), id))| SubscriptionSpec {
                    dead_letter_queue: (dlq && i == 0).then(|| "dlq".to_string()),
                    ..sub(id, share, raw)
                })
                .collect(),
            ..SnsTopicSpec::default()
        };
        let queues: Vec<(&str, QueueType)> =
            ids.iter().map(|id| (id.as_str(), QueueType::Standard)).collect();
        let mut s = fan_out(p, topic, &queues);
        s.nodes.push(node("dlq", NodeSpec::SqsQueue(QueueSpec::default())));
        if let Some((at_s, for_s)) = outage {
            s.schedule.push(ScheduledOp {
                at_s: Some(at_s),
                at_ms: None,
                node: "t".into(),
                op: Operation::Fault(Fault::EndpointsDown { for_s }),
            });
        }
        let Ok(valid) = validate(&s) else { return Ok(()) };
        let mut sim = Simulation::new(&valid, seed);
        while sim.now() < 40_000 && sim.step() {
            let l = sim.ledger();
            proptest::prop_assert!(l.balances(), "at {} ms: {l:?}", sim.now());
        }
    }
}

/// The kinds a topic may subscribe (the link rules) are the kinds whose
/// registration says what a subscription to them delivers to (used by the
/// engine and the export): one cannot change without the other.
#[test]
fn a_topic_subscribes_exactly_the_kinds_registered_as_subscribers() {
    for kind in NodeKind::ALL {
        assert_eq!(
            sim_core::link_rule(NodeKind::SnsTopic, kind).is_ok(),
            kind.about().sns_subscriber.is_some(),
            "{kind:?}"
        );
    }
}
