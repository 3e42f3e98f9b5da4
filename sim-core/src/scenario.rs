//! The scenario: plain serde data describing a pipeline, its parameters and
//! its layout. This is the input to [`crate::validate`]; it is never mutated
//! by the engine.
//!
//! Parameter names carry their units (`records_per_s`, `retention_h`,
//! `poll_interval_ms`). Every field has a default so scenario files stay short.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kinds::registry::node_kinds;

pub mod index;
pub mod lesson;
pub mod objectives;

pub use index::{NodeIndex, PerNode};

pub use crate::pricing::Pricing;

/// The schema version this build writes. Older versions are migrated on
/// load; newer ones are refused with a clear message.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole pipeline: nodes, links between them, where they sit on the
/// canvas, and how to run it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Schema version (see [`SCHEMA_VERSION`]).
    pub v: u32,
    /// The model version it was made under ([`crate::MODEL_VERSION`]);
    /// absent in files and links made before versions were stamped (model
    /// 1). Writing a scenario stamps the current one ([`Scenario::stamped`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version: Option<u32>,
    /// Human title, shown in the app and printed in summaries.
    pub name: String,
    /// One line explaining what the scenario shows.
    #[serde(default)]
    pub description: String,
    /// Short labels for the gallery (e.g. "hot shard", "on-demand").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Seed of every random stream in the run.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Default run length for headless runs, in seconds.
    #[serde(default = "default_duration_s")]
    pub duration_s: u64,
    /// Seconds at the start left out of the run's statistics (the
    /// summary's metric statistics, latency distributions, queue waits and
    /// the cards' tallies): every run starts empty, and a warm-up keeps
    /// that transient out of steady-state figures. The bill, the ledger
    /// and the charts still cover the whole run. Less than `duration_s`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub warmup_s: u64,
    /// The components of the pipeline.
    pub nodes: Vec<Node>,
    /// Directed data links between nodes (output port to input port).
    #[serde(default)]
    pub links: Vec<Link>,
    /// Canvas positions keyed by node id; kept apart from the model.
    #[serde(default)]
    pub layout: BTreeMap<String, Position>,
    /// Operations that happen during the run, such as resharding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<ScheduledOp>,
    /// Region, month length, free tier and price overrides for the bill;
    /// us-east-1 catalogue prices over a 730-hour month when absent.
    #[serde(default, skip_serializing_if = "Pricing::is_default")]
    pub pricing: Pricing,
    /// What the pipeline must achieve, for `sweep` and `autosize` (and the
    /// app's auto-size); the planner's defaults when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objectives: Option<objectives::Objectives>,
    /// A guided lesson on this scenario: narrative, goal, hints and a live
    /// success check (see [`crate::lesson`]). Optional, so files without
    /// one read as before; links carry it with the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<lesson::Lesson>,
}

impl Scenario {
    /// At most the factor node `node`'s scheduled traffic spikes put on its
    /// rate at once: overlapping spikes multiply (each comes off at its
    /// end, MODEL.md Faults).
    pub fn spike_peak(&self, node: &str) -> f64 {
        self.spike_factors(node).into_iter().map(|(_, f)| f).fold(1.0, f64::max)
    }

    /// Node `node`'s traffic spikes, each as (its index in the schedule, at
    /// most the factor on the rate while it runs from its start), in time
    /// order. With a factor below 1 taken as 1 (a bound), the product only
    /// rises when a spike starts, so its largest is at a start (a spike
    /// ending at that very second counted in).
    pub fn spike_factors(&self, node: &str) -> Vec<(usize, f64)> {
        let mut spikes: Vec<(usize, u64, u64, f64)> = self
            .schedule
            .iter()
            .enumerate()
            .filter(|(_, op)| op.node == node)
            .filter_map(|(k, op)| match op.op {
                Operation::Fault(Fault::TrafficSpike { multiplier, for_s }) => {
                    let at = op.time_ms();
                    Some((
                        k,
                        at,
                        at.saturating_add(for_s.saturating_mul(crate::time::SECOND)),
                        multiplier,
                    ))
                }
                _ => None,
            })
            .collect();
        spikes.sort_by_key(|&(k, start, _, _)| (start, k));
        let factor = |start| {
            let running = spikes.iter().filter(|&&(_, from, to, _)| from <= start && start <= to);
            running.map(|s| s.3.max(1.0)).product::<f64>()
        };
        spikes.iter().map(|&(k, start, _, _)| (k, factor(start))).collect()
    }

    /// The scenario as this build writes it: stamped with the current model
    /// version, since its numbers are now this model's.
    pub fn stamped(&self) -> Scenario {
        Scenario { model_version: Some(crate::MODEL_VERSION), ..self.clone() }
    }

    /// The node at `index`.
    pub fn node(&self, index: NodeIndex) -> &Node {
        &self.nodes[index.get()]
    }

    /// The node at `index`, to change.
    pub fn node_mut(&mut self, index: NodeIndex) -> &mut Node {
        &mut self.nodes[index.get()]
    }

    /// The index of the node with id `id`.
    pub fn index_of(&self, id: &str) -> Option<NodeIndex> {
        self.nodes.iter().position(|n| n.id == id).map(NodeIndex::new)
    }

    /// Every node's index with the node, in order.
    pub fn indexed_nodes(&self) -> impl DoubleEndedIterator<Item = (NodeIndex, &Node)> {
        self.nodes.iter().enumerate().map(|(i, n)| (NodeIndex::new(i), n))
    }
}

/// An operation on a node at a simulated time: `at_s` or `at_ms`, not both.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledOp {
    /// When, in seconds since the start; it runs after the second's
    /// bookkeeping tick and the producers' writes due then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_s: Option<u64>,
    /// When, in milliseconds since the start; it runs after everything
    /// else due in that millisecond, as a change made while the run is
    /// paused there does (the app writes its live changes so, in the order
    /// they were made, to reproduce a run in a link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<u64>,
    /// The id of the node it applies to.
    pub node: String,
    /// What happens.
    pub op: Operation,
}

impl ScheduledOp {
    /// An operation at second `at_s`.
    pub fn at_second(at_s: u64, node: impl Into<String>, op: Operation) -> Self {
        ScheduledOp { at_s: Some(at_s), at_ms: None, node: node.into(), op }
    }

    /// An operation after everything else due at millisecond `at_ms`.
    pub fn at_millisecond(at_ms: u64, node: impl Into<String>, op: Operation) -> Self {
        ScheduledOp { at_s: None, at_ms: Some(at_ms), node: node.into(), op }
    }

    /// When it runs, in milliseconds since the start.
    pub fn time_ms(&self) -> u64 {
        match (self.at_ms, self.at_s) {
            (Some(ms), _) => ms,
            (None, s) => s.unwrap_or(0).saturating_mul(crate::time::SECOND),
        }
    }
}

/// Something that happens to a node during a run: resharding or a fault.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Operation {
    /// Resharding a provisioned stream.
    Reshard(StreamOp),
    /// A fault injected into a node.
    Fault(Fault),
}

impl<'de> Deserialize<'de> for Operation {
    /// Reads the `kind` first, so an error names the right fields.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        let kind = value.get("kind").and_then(|k| k.as_str()).unwrap_or_default();
        let result = if Fault::KINDS.contains(&kind) {
            serde_json::from_value(value).map(Operation::Fault)
        } else {
            serde_json::from_value(value).map(Operation::Reshard)
        };
        result.map_err(D::Error::custom)
    }
}

/// A fault, scheduled in the scenario or applied at runtime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// A destination refuses deliveries for a while.
    DestinationDown {
        /// How long, in seconds.
        for_s: u64,
    },
    /// A delivery stream's transformation fails at a new rate.
    SetErrorRate {
        /// Probability that an invocation fails, 0 to 1.
        error_rate: f64,
    },
    /// A Lambda function's invocations fail at a new rate (transient errors:
    /// the event source retries the batch, or the queue redrives it).
    SetFunctionErrorRate {
        /// Probability that an invocation fails, 0 to 1.
        error_rate: f64,
    },
    /// A KCL worker dies; its leases expire and other workers take them.
    CrashWorker {
        /// Index of the worker, from 0.
        worker: u32,
    },
    /// A dead KCL worker comes back with no leases and steals its share.
    RestartWorker {
        /// Index of the worker, from 0.
        worker: u32,
    },
    /// A producer's rate is multiplied for a while.
    TrafficSpike {
        /// Rate factor during the spike.
        multiplier: f64,
        /// How long, in seconds.
        for_s: u64,
    },
    /// The endpoints of an SNS topic's subscriptions refuse deliveries for
    /// a while (server-side errors, retried by the delivery policy).
    EndpointsDown {
        /// How long, in seconds.
        for_s: u64,
    },
    /// An MSK broker goes down for a while: its partitions' leadership
    /// moves to in-sync followers after an election pause; a partition with
    /// no other replica is offline until the broker is back
    /// (aws-facts-more 1.4, 1.7).
    BrokerFailure {
        /// Index of the broker, from 0.
        broker: u32,
        /// How long, in seconds.
        for_s: u64,
    },
    /// An MSK topic's partition count is raised to `partitions` (Kafka only
    /// adds partitions; keys hash anew, aws-facts-more 1.5).
    AddPartitions {
        /// The topic's new partition count, above the current one.
        partitions: u32,
    },
    /// An MSK cluster's broker count is raised to `brokers`; existing
    /// partitions stay where they are until reassigned (aws-facts-more 1.5).
    AddBrokers {
        /// The cluster's new broker count, above the current one.
        brokers: u32,
    },
    /// A consumer of an MSK cluster's consumer group dies: after the session
    /// timeout its partitions go to the others, which re-process the
    /// records since its last commit (aws-facts-more 1.5).
    CrashConsumer {
        /// Index of the consumer, from 0.
        consumer: u32,
    },
    /// A producer's mean rate is set (`records_per_s`, as
    /// `Command::SetProducerRate` sets it: the base of its traffic shape).
    SetRate {
        /// The new mean rate, records per second.
        records_per_s: f64,
    },
    /// A Managed Service for Apache Flink application's parallelism is set
    /// by UpdateApplication (it restarts, down meanwhile; aws-facts-more 4.1).
    SetParallelism {
        /// The new parallelism.
        parallelism: u32,
    },
}

impl Fault {
    /// The `kind` names of faults in scenario files.
    pub const KINDS: [&'static str; 13] = [
        "destination_down",
        "set_error_rate",
        "set_function_error_rate",
        "crash_worker",
        "restart_worker",
        "traffic_spike",
        "endpoints_down",
        "broker_failure",
        "add_partitions",
        "add_brokers",
        "crash_consumer",
        "set_rate",
        "set_parallelism",
    ];

    /// The node kind the fault applies to.
    pub fn target_kind(&self) -> NodeKind {
        match self {
            Fault::DestinationDown { .. } => NodeKind::Destination,
            Fault::SetErrorRate { .. } => NodeKind::Firehose,
            Fault::SetFunctionErrorRate { .. } => NodeKind::Lambda,
            Fault::CrashWorker { .. } | Fault::RestartWorker { .. } => NodeKind::KclApp,
            Fault::TrafficSpike { .. } | Fault::SetRate { .. } => NodeKind::Producer,
            Fault::SetParallelism { .. } => NodeKind::FlinkApp,
            Fault::EndpointsDown { .. } => NodeKind::SnsTopic,
            Fault::BrokerFailure { .. }
            | Fault::AddPartitions { .. }
            | Fault::AddBrokers { .. }
            | Fault::CrashConsumer { .. } => NodeKind::MskCluster,
        }
    }
}

/// A resharding operation on a provisioned stream (aws-facts 1.6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StreamOp {
    /// SplitShard: one open shard becomes two children.
    SplitShard {
        /// Index of the shard to split (shards are numbered in creation order).
        shard: usize,
        /// First hash key of the upper child, as a decimal string; the middle
        /// of the parent's range when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_starting_hash_key: Option<String>,
    },
    /// MergeShards: two adjacent open shards become one child.
    MergeShards {
        /// Index of one shard.
        shard: usize,
        /// Index of the shard adjacent to it.
        adjacent_shard: usize,
    },
    /// UpdateShardCount with uniform scaling to a target number of open shards.
    UpdateShardCount {
        /// The number of open shards wanted.
        target: u32,
    },
}

fn default_seed() -> u64 {
    1
}

fn default_duration_s() -> u64 {
    600
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One component of the pipeline. It is read (`Deserialize`) by the
/// validation layer's node reader, `validate::parse_node`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    /// Unique id, used by links, the layout and the summary.
    pub id: String,
    /// Display name; defaults to the id.
    #[serde(default)]
    pub name: String,
    /// What the node is, with its parameters.
    #[serde(flatten)]
    pub spec: NodeSpec,
}

impl Node {
    /// The display name, falling back to the id.
    pub fn label(&self) -> &str {
        if self.name.is_empty() { &self.id } else { &self.name }
    }
}

node_kinds! { $
    /// Sends records into a Kinesis Data Stream.
    Producer(ProducerSpec) = "producer" in producer,
    /// A Kinesis Data Stream.
    KinesisStream(StreamSpec) = "kinesis_stream" in stream,
    /// A polling (shared-throughput) consumer of a stream.
    Consumer(ConsumerSpec) = "consumer" in consumer,
    /// A Kinesis Client Library application: workers holding shard leases.
    KclApp(KclSpec) = "kcl_app" in kcl,
    /// An Amazon Data Firehose delivery stream.
    Firehose(FirehoseSpec) = "firehose" in firehose,
    /// Where a Firehose delivery stream delivers: S3, Redshift, OpenSearch
    /// or an HTTP endpoint.
    Destination(DestinationSpec) = "destination" in destination,
    /// An Amazon SQS queue, standard or FIFO.
    SqsQueue(QueueSpec) = "sqs_queue" in queue,
    /// A pool of EC2 instances or containers reading a queue.
    WorkerPool(WorkerPoolSpec) = "worker_pool" in worker_pool,
    /// An AWS Lambda function with its event source mapping.
    Lambda(LambdaSpec) = "lambda" in lambda,
    /// An Amazon Managed Service for Apache Flink application.
    FlinkApp(FlinkSpec) = "flink_app" in flink,
    /// An Amazon SNS topic and its subscriptions.
    SnsTopic(SnsTopicSpec) = "sns_topic" in sns,
    /// An Amazon MSK cluster (provisioned or Serverless) with one topic and a
    /// consumer group.
    MskCluster(MskSpec) = "msk_cluster" in msk,
}

impl NodeKind {
    /// A human title for palettes and tooltips.
    pub fn title(self) -> &'static str {
        self.about().title
    }

    /// A short badge for node cards (a few capital letters).
    pub fn badge(self) -> &'static str {
        self.about().badge
    }

    /// One sentence that teaches what the AWS component does and which
    /// limits matter, for tooltips and the palette.
    pub fn summary(self) -> &'static str {
        self.about().summary
    }

    /// Where the kind usually sits in a left-to-right data flow (0 = a
    /// source); the auto-layout's tie-breaker for nodes without links.
    pub fn rank(self) -> usize {
        self.about().rank
    }
}

/// A directed link from one node's output to another's input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Id of the node sending data.
    pub from: String,
    /// Id of the node receiving data.
    pub to: String,
}

/// A canvas position in world units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_csv_parses_with_header_comments_and_blank_lines() {
        let rows = parse_replay_csv("time_s,records_per_s\n\n# warm-up\n0, 10\n60,2000.5\n");
        assert_eq!(rows, Ok(vec![(4, 0.0, 10.0), (5, 60.0, 2000.5)]));
    }

    #[test]
    fn replay_csv_errors_name_the_line() {
        let cases = [
            ("0,1\n1,2\n3", "line 3: expected `time_s,records_per_s`"),
            ("0,1\nten,2\n", "line 2: \"ten,2\" is not two numbers"),
            ("0,1\n5,1\n5,2\n", "line 3: time 5 is not after the previous line's 5"),
            ("0,1,2\n", "line 1: expected"),
            ("# nothing\n", "has no `time_s,records_per_s` rows"),
        ];
        for (csv, want) in cases {
            let err = parse_replay_csv(csv).unwrap_err();
            assert!(err.starts_with(want), "{csv:?}: {err}");
        }
    }

    /// A node read on its own (a message, a scenario through serde) reads
    /// as the scenario reader reads it, and a bad parameter is named with
    /// its path, as validation names it.
    #[test]
    fn a_node_reads_as_the_scenario_reader_reads_it() {
        let scenario = crate::parse_scenario(crate::DEFAULT_SCENARIO).unwrap();
        for node in &scenario.nodes {
            let alone: Node = serde_json::from_value(serde_json::to_value(node).unwrap()).unwrap();
            assert_eq!(&alone, node);
        }
        let bad = r#"{ "id": "s", "kind": "kinesis_stream",
            "params": { "capacity": { "mode": "provisioned", "shards": "two" } } }"#;
        let err = serde_json::from_str::<Node>(bad).unwrap_err().to_string();
        assert!(err.contains("params.capacity.shards"), "{err}");
    }

    #[test]
    fn replay_csv_is_capped_at_100_000_rows() {
        let csv: String = (0..=MAX_REPLAY_ROWS).map(|i| format!("{i},1\n")).collect();
        let err = parse_replay_csv(&csv).unwrap_err();
        assert!(err.starts_with("line 100001: more than 100000 rows"), "{err}");
    }

    #[test]
    fn older_producer_json_reads_as_before() {
        let json = r#"{ "records_per_s": 10, "traffic": { "shape": "constant" },
            "batching": { "max_buffered_ms": 250 } }"#;
        let p: ProducerSpec = serde_json::from_str(json).unwrap();
        assert_eq!(p.traffic, Traffic::Constant);
        assert_eq!(p.api, Api::default());
        assert_eq!(p.aggregation, None);
        assert_eq!(p.batching.max_buffered_ms, 250);
    }
}
