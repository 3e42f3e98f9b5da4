//! Small scenarios built in code, so each test states what it depends on.

use sim_core::NodeIndex;
use sim_core::scenario::{
    Capacity, ConsumerSpec, DestinationSpec, EventSourceMapping, FirehoseSpec, KeyDistribution,
    LambdaSpec, Link, Node, NodeSpec, ProducerSpec, RecordSize, Scenario, StreamSpec, Traffic,
};
use sim_core::{DEFAULT_SCENARIO, Simulation, ValidScenario, load_scenario, validate};

/// The scenario the app opens with.
/// The node at position `i` of a fixture's node list.
pub fn node(i: usize) -> NodeIndex {
    NodeIndex::new(i)
}

pub fn default_scenario() -> ValidScenario {
    load_scenario(DEFAULT_SCENARIO).expect("the bundled default scenario is valid")
}

/// producer -> stream with `shards` -> optional polling consumer.
pub fn pipeline(producer: ProducerSpec, shards: u32, consumer: Option<ConsumerSpec>) -> Scenario {
    let mut nodes = vec![
        Node { id: "p".into(), name: String::new(), spec: NodeSpec::Producer(producer) },
        Node {
            id: "s".into(),
            name: String::new(),
            spec: NodeSpec::KinesisStream(StreamSpec {
                capacity: Capacity::Provisioned { shards },
                ..Default::default()
            }),
        },
    ];
    let mut links = vec![Link { from: "p".into(), to: "s".into() }];
    if let Some(c) = consumer {
        nodes.push(Node { id: "c".into(), name: String::new(), spec: NodeSpec::Consumer(c) });
        links.push(Link { from: "s".into(), to: "c".into() });
    }
    Scenario {
        v: 1,
        model_version: None,
        name: "test".into(),
        description: String::new(),
        tags: Vec::new(),
        seed: 7,
        duration_s: 60,
        warmup_s: 0,
        nodes,
        links,
        layout: Default::default(),
        schedule: Vec::new(),
        pricing: Default::default(),
        objectives: None,
        lesson: None,
    }
}

/// A producer at `rate` records/s with uniform keys.
pub fn producer(rate: f64) -> ProducerSpec {
    ProducerSpec {
        records_per_s: rate,
        keys: KeyDistribution::Uniform { count: 1000 },
        ..Default::default()
    }
}

/// Builds and runs a scenario for `seconds`.
pub fn run(scenario: &Scenario, seconds: u64) -> Simulation {
    let valid = validate(scenario).expect("test scenario is valid");
    let mut sim = Simulation::new(&valid, scenario.seed);
    sim.run_until(seconds * 1_000);
    sim
}

/// producer -> Firehose (Direct PUT) -> destination.
pub fn delivery_pipeline(
    producer: ProducerSpec,
    firehose: FirehoseSpec,
    destination: DestinationSpec,
) -> Scenario {
    let node = |id: &str, spec| Node { id: id.into(), name: String::new(), spec };
    Scenario {
        nodes: vec![
            node("p", NodeSpec::Producer(producer)),
            node("fh", NodeSpec::Firehose(firehose)),
            node("dst", NodeSpec::Destination(destination)),
        ],
        links: vec![
            Link { from: "p".into(), to: "fh".into() },
            Link { from: "fh".into(), to: "dst".into() },
        ],
        ..pipeline(ProducerSpec::default(), 1, None)
    }
}

/// A producer sending exactly `rate` records/s of `bytes` each, in 100 ms
/// batches.
pub fn steady_producer(rate: f64, bytes: u32) -> ProducerSpec {
    ProducerSpec {
        records_per_s: rate,
        traffic: Traffic::Constant,
        record_size: RecordSize::Fixed { bytes },
        ..Default::default()
    }
}

/// A function that runs exactly 100 ms per invocation of one message.
pub fn one_at_a_time() -> LambdaSpec {
    LambdaSpec {
        overhead_ms: 100.0,
        per_record_ms: 0.0,
        jitter: 0.0,
        event_source: EventSourceMapping { batch_size: Some(1), ..Default::default() },
        ..LambdaSpec::default()
    }
}
