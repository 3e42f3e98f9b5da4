//! SNS FIFO topics and their message groups (aws-facts-more 5.1, 5.2): the
//! publisher sets each message's group (here a producer's partition key),
//! each group takes at most 300 messages a second, and the topic passes the
//! group on to the SQS FIFO queues it delivers to, not to standard queues.

use sim_core::kinds::queue::HOT_GROUP;
use sim_core::metrics::{lambda, producer, queue, sns};
use sim_core::scenario::{
    FifoThroughputScope, KeyDistribution, Link, Node, NodeSpec, ProducerSpec, QueueSpec, QueueType,
    Scenario, SnsTopicSpec, TopicType,
};
use sim_core::{NodeIndex, Simulation, parse_scenario};

use crate::fixtures::{one_at_a_time, pipeline, run, steady_producer};

/// aws-facts-more 5.1: at most 300 messages a second per message group.
const PER_GROUP: f64 = 300.0;

fn node(id: &str, spec: NodeSpec) -> Node {
    Node { id: id.into(), name: String::new(), spec }
}

fn link(from: &str, to: &str) -> Link {
    Link { from: from.into(), to: to.into() }
}

fn fifo_topic(scope: FifoThroughputScope) -> SnsTopicSpec {
    SnsTopicSpec {
        topic_type: TopicType::Fifo,
        fifo_throughput_scope: scope,
        ..SnsTopicSpec::default()
    }
}

/// `rate` messages a second of 200 bytes, exactly, over `keys`.
fn publisher(rate: f64, keys: KeyDistribution) -> ProducerSpec {
    ProducerSpec { keys, ..steady_producer(rate, 200) }
}

/// Producers -> FIFO topic "t" (message-group scope, so only the groups'
/// limit and the account's 30,000 a second apply) -> FIFO queue "q" with
/// no reader.
fn publishers(producers: &[ProducerSpec]) -> Scenario {
    let topic = fifo_topic(FifoThroughputScope::MessageGroup);
    let q = QueueSpec { queue_type: QueueType::Fifo, ..QueueSpec::default() };
    let mut nodes = vec![node("t", NodeSpec::SnsTopic(topic)), node("q", NodeSpec::SqsQueue(q))];
    let mut links = vec![link("t", "q")];
    for (k, p) in producers.iter().enumerate() {
        nodes.push(node(&format!("p{k}"), NodeSpec::Producer(p.clone())));
        links.push(link(&format!("p{k}"), "t"));
    }
    Scenario { nodes, links, ..pipeline(ProducerSpec::default(), 1, None) }
}

fn published(sim: &Simulation) -> f64 {
    sim.metrics(sim.node_index("t").unwrap()).total(sns::PUBLISHED)
}

/// aws-facts-more 5.1: the 300 messages a second is per message group, and
/// the groups are the publisher's MessageGroupIds (5.2). 1,000 messages a
/// second over 10 keys is 100 a group: nothing throttled. The same rate on
/// one key is held to 300 a second (plus the bucket's first full second).
/// A hot key with half of 1,000 a second, 9 others sharing the rest:
/// Σ min(share × rate, 300) = min(500, 300) + 9 × min(55.6, 300) = 800 a
/// second, the hot group throttled at 300 while the cold ones publish all
/// they are given.
#[test]
fn the_300_per_group_limit_applies_to_each_of_the_publishers_groups() {
    let secs = 60;
    let rate = 1_000.0;
    let sim = run(&publishers(&[publisher(rate, KeyDistribution::Uniform { count: 10 })]), secs);
    let generated =
        sim.metrics(sim.node_index("p0").unwrap()).total(producer::USER_RECORDS_RECEIVED);
    assert_eq!(published(&sim), generated);
    assert_eq!(sim.metrics(sim.node_index("t").unwrap()).total(sns::THROTTLED), 0.0);
    let t = sim.topic(sim.node_index("t").unwrap()).unwrap();
    assert_eq!(t.groups.len(), 10);

    let sim = run(&publishers(&[publisher(rate, KeyDistribution::Uniform { count: 1 })]), secs);
    let one = published(&sim);
    assert!(one <= PER_GROUP * (secs as f64 + 1.0), "{one}");
    assert!(one >= PER_GROUP * (secs as f64 - 1.0), "{one}");
    assert!(sim.metrics(sim.node_index("t").unwrap()).total(sns::THROTTLED) > 0.0);

    let hot = KeyDistribution::HotKey { count: 9, hot_share: 0.5 };
    let sim = run(&publishers(&[publisher(rate, hot)]), secs);
    let t = sim.topic(sim.node_index("t").unwrap()).unwrap();
    let hot = t.groups[&HOT_GROUP].published as f64;
    assert!(hot <= PER_GROUP * (secs as f64 + 1.0), "{hot}");
    assert!(hot >= PER_GROUP * (secs as f64 - 1.0), "{hot}");
    // Each cold group publishes all it is given: 500 / 9 a second, within
    // the draw's noise (binomial: about 60 over a minute).
    let cold = rate * 0.5 / 9.0 * secs as f64;
    for (&id, g) in t.groups.iter().filter(|(id, _)| **id != HOT_GROUP) {
        let got = g.published as f64;
        assert!((got - cold).abs() < 0.05 * cold, "group {id}: {got} vs {cold}");
    }
    let per_s = published(&sim) / secs as f64;
    assert!((per_s - 800.0).abs() < 0.02 * 800.0, "{per_s} a second");
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());
}

/// aws-facts-more 5.1: a group is a MessageGroupId, whoever publishes in
/// it: two producers of 400 a second on the same one key share its 300 a
/// second (evenly: their publishes in the same millisecond share the
/// group's room in proportion), and listing them the other way round gives
/// the same figures.
#[test]
fn publishers_using_the_same_group_share_its_300_a_second() {
    let secs = 30;
    let one = || ProducerSpec {
        retry: sim_core::scenario::Retry { max_attempts: 1, ..Default::default() },
        ..publisher(400.0, KeyDistribution::Uniform { count: 1 })
    };
    let s = publishers(&[one(), one()]);
    let sim = run(&s, secs);
    let both = published(&sim);
    assert!(both <= PER_GROUP * (secs as f64 + 1.0), "{both}");
    assert!(both >= PER_GROUP * (secs as f64 - 1.0), "{both}");
    let put = |sim: &Simulation, k: usize| {
        let p = sim.node_index(&format!("p{k}")).unwrap();
        sim.metrics(p).total(producer::USER_RECORDS_PUT)
    };
    let (a, b) = (put(&sim, 0), put(&sim, 1));
    assert!((a - b).abs() / both < 0.01, "{a} vs {b}");
    let mut reversed = s.clone();
    reversed.nodes.reverse();
    let again = run(&reversed, secs);
    assert_eq!((put(&again, 0), put(&again, 1)), (a, b));
}

/// producer (100 messages/s over `keys`) -> FIFO topic -> FIFO queue "q"
/// -> function "f" ([`one_at_a_time`]), and a standard queue "std"
/// subscribed too, with no reader.
fn fan_out_to_a_function(keys: KeyDistribution) -> Scenario {
    let fifo = QueueSpec { queue_type: QueueType::Fifo, ..QueueSpec::default() };
    let nodes = vec![
        node("p", NodeSpec::Producer(publisher(100.0, keys))),
        node("t", NodeSpec::SnsTopic(fifo_topic(FifoThroughputScope::Topic))),
        node("q", NodeSpec::SqsQueue(fifo)),
        node("f", NodeSpec::Lambda(one_at_a_time())),
        node("std", NodeSpec::SqsQueue(QueueSpec::default())),
    ];
    let links = vec![link("p", "t"), link("t", "q"), link("q", "f"), link("t", "std")];
    Scenario { nodes, links, ..pipeline(ProducerSpec::default(), 1, None) }
}

/// aws-facts-more 5.2: a FIFO topic passes each message's group ID to an
/// SQS FIFO queue, so the queue's reader works on the groups in parallel
/// (aws-facts 4.1, 5.2: one batch per group in flight). A function taking
/// one message for 100 ms: one group allows one invocation at a time, 10
/// messages a second (batch_size / duration), so 100 a second on one key
/// falls behind; on 20 keys (5 a second each, each group busy half the
/// time) it keeps up, running λ × W = 100/s × 0.1 s = 10 invocations at
/// once on average, never more than the 20 groups. The standard queue gets
/// every message (in no group).
#[test]
fn a_fifo_queue_under_a_fifo_topic_keeps_the_publishers_groups() {
    let secs = 120;
    let sim = run(&fan_out_to_a_function(KeyDistribution::Uniform { count: 20 }), secs);
    let (f, q, std) = (
        sim.node_index("f").unwrap(),
        sim.node_index("q").unwrap(),
        sim.node_index("std").unwrap(),
    );
    let all = published(&sim);
    let processed = sim.metrics(f).total(lambda::RECORDS_PROCESSED);
    assert!(all >= 100.0 * (secs as f64 - 1.0), "{all}");
    // Every message but the last moment's.
    assert!(all - processed < 30.0, "{processed} of {all}");
    let concurrency = sim.metrics(f).stats(lambda::CONCURRENT_EXECUTIONS);
    assert!(concurrency.max <= 20.0, "one invocation per group at most: {}", concurrency.max);
    // Mean concurrency from the billed duration: invocations × 100 ms over
    // the run.
    let mb_ms = sim.cost().monthly.lambda_x86_mb_ms as f64;
    let mean = mb_ms / f64::from(one_at_a_time().memory_mb) / (secs * 1_000) as f64;
    assert!((mean - 10.0).abs() < 0.5, "mean concurrency {mean}");
    assert!(sim.queue(q).unwrap().oldest_age(sim.now()) < 2_000, "the function keeps up");
    assert_eq!(sim.metrics(std).total(queue::SENT), all);
    assert!(sim.ledger().balances(), "{:?}", sim.ledger());

    // One key: one group, one invocation at a time, 10 a second at most.
    let sim = run(&fan_out_to_a_function(KeyDistribution::Uniform { count: 1 }), secs);
    let f = sim.node_index("f").unwrap();
    let processed = sim.metrics(f).total(lambda::RECORDS_PROCESSED);
    assert!(processed <= 10.0 * secs as f64, "{processed}");
    assert!(processed >= 10.0 * (secs as f64 - 2.0), "{processed}");
    assert_eq!(sim.metrics(f).stats(lambda::CONCURRENT_EXECUTIONS).max, 1.0);
    assert_eq!(sim.metrics(sim.node_index("std").unwrap()).total(queue::SENT), published(&sim));
}

/// A topic's `message_groups` is gone (its publishers' keys say it now),
/// but files and links that still have it open, and save without it.
#[test]
fn a_file_with_the_old_message_groups_field_still_opens() {
    let json = r#"{"v": 1, "name": "old", "nodes": [
        {"id": "p", "kind": "producer", "params": {}},
        {"id": "t", "kind": "sns_topic", "params": {"topic_type": "fifo", "message_groups": 10}},
        {"id": "q", "kind": "sqs_queue", "params": {"queue_type": "fifo"}}],
        "links": [{"from": "p", "to": "t"}, {"from": "t", "to": "q"}]}"#;
    let s = parse_scenario(json).unwrap_or_else(|e| panic!("{e:?}"));
    let NodeSpec::SnsTopic(t) = &s.node(NodeIndex::new(1)).spec else { panic!("a topic") };
    assert!(t.is_fifo());
    assert!(sim_core::validate(&s).is_ok());
    let saved = serde_json::to_string(&s).unwrap();
    assert!(!saved.contains("message_groups"), "{saved}");
}
