//! SNS FIFO topics and their message groups (aws-facts-more 5.1, 5.2): the
//! publisher sets each message's group (here a producer's partition key),
//! each group takes at most 300 messages a second, and the topic passes the
//! group on to the SQS FIFO queues it delivers to, not to standard queues.

use sim_core::kinds::queue::HOT_GROUP;
use sim_core::metrics::{producer, sns};
use sim_core::scenario::{
    FifoThroughputScope, KeyDistribution, Link, Node, NodeSpec, ProducerSpec, QueueSpec, QueueType,
    Scenario, SnsTopicSpec, TopicType,
};
use sim_core::{NodeIndex, Simulation, parse_scenario};

use crate::fixtures::{pipeline, run, steady_producer};

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
