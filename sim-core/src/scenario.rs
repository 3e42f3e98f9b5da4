//! The scenario: plain serde data describing a pipeline, its parameters and
//! its layout. This is the input to [`crate::validate`]; it is never mutated
//! by the engine.
//!
//! Parameter names carry their units (`records_per_s`, `retention_h`,
//! `poll_interval_ms`). Every field has a default so scenario files stay short.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    /// Human title, shown in the app and printed in summaries.
    pub name: String,
    /// One line explaining what the scenario shows.
    #[serde(default)]
    pub description: String,
    /// Seed of every random stream in the run.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Default run length for headless runs, in seconds.
    #[serde(default = "default_duration_s")]
    pub duration_s: u64,
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
}

/// An operation on a node at a simulated time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledOp {
    /// When, in seconds since the start.
    pub at_s: u64,
    /// The id of the node it applies to.
    pub node: String,
    /// What happens.
    pub op: StreamOp,
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

/// One component of the pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

/// The kind of a node together with its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "params", rename_all = "snake_case")]
pub enum NodeSpec {
    /// Sends records into a Kinesis Data Stream.
    Producer(ProducerSpec),
    /// A Kinesis Data Stream.
    KinesisStream(StreamSpec),
    /// A polling (shared-throughput) consumer of a stream.
    Consumer(ConsumerSpec),
}

/// The kind of a node without its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// See [`NodeSpec::Producer`].
    Producer,
    /// See [`NodeSpec::KinesisStream`].
    KinesisStream,
    /// See [`NodeSpec::Consumer`].
    Consumer,
}

impl NodeKind {
    /// Every kind, in palette order.
    pub const ALL: [NodeKind; 3] =
        [NodeKind::Producer, NodeKind::KinesisStream, NodeKind::Consumer];

    /// The stable name used in scenario files and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Producer => "producer",
            NodeKind::KinesisStream => "kinesis_stream",
            NodeKind::Consumer => "consumer",
        }
    }

    /// A human title for palettes and tooltips.
    pub fn title(self) -> &'static str {
        match self {
            NodeKind::Producer => "Producer",
            NodeKind::KinesisStream => "Kinesis Data Stream",
            NodeKind::Consumer => "Polling consumer",
        }
    }
}

impl NodeSpec {
    /// The kind of this node.
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeSpec::Producer(_) => NodeKind::Producer,
            NodeSpec::KinesisStream(_) => NodeKind::KinesisStream,
            NodeSpec::Consumer(_) => NodeKind::Consumer,
        }
    }
}

/// A producer writing to a stream with PutRecords.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProducerSpec {
    /// Mean user records per second.
    pub records_per_s: f64,
    /// How arrivals are spread in time.
    pub traffic: Traffic,
    /// Size of each record's data blob.
    pub record_size: RecordSize,
    /// How partition keys are chosen.
    pub keys: KeyDistribution,
    /// Length of each partition key in bytes (counts toward the 1 MiB/s
    /// shard write limit; aws-facts 1.1).
    pub partition_key_bytes: u32,
    /// Batching of records into PutRecords calls.
    pub batching: Batching,
    /// Retries of records rejected by throttling.
    pub retry: Retry,
}

impl Default for ProducerSpec {
    fn default() -> Self {
        ProducerSpec {
            records_per_s: 500.0,
            traffic: Traffic::Poisson,
            record_size: RecordSize::Fixed { bytes: 1024 },
            keys: KeyDistribution::Uniform { count: 1000 },
            partition_key_bytes: 16,
            batching: Batching::default(),
            retry: Retry::default(),
        }
    }
}

/// The arrival process of a producer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case", deny_unknown_fields)]
pub enum Traffic {
    /// Exactly `records_per_s`, spread evenly.
    Constant,
    /// Poisson arrivals with mean `records_per_s`.
    Poisson,
}

/// The size distribution of record data blobs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordSize {
    /// Every record has the same size.
    Fixed {
        /// Data blob bytes.
        bytes: u32,
    },
}

impl RecordSize {
    /// Mean data bytes per record.
    pub fn mean_bytes(&self) -> f64 {
        match self {
            RecordSize::Fixed { bytes } => f64::from(*bytes),
        }
    }
}

/// How a producer picks partition keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyDistribution {
    /// Uniform over `count` distinct keys.
    Uniform {
        /// Number of distinct partition keys.
        count: u32,
    },
    /// One hot key takes `hot_share` of the records; the rest are uniform
    /// over `count` other keys.
    HotKey {
        /// Number of distinct keys besides the hot one.
        count: u32,
        /// Share of records carrying the hot key, 0 to 1.
        hot_share: f64,
    },
}

/// PutRecords batching, like the KPL's `RecordMaxBufferedTime`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Batching {
    /// Records wait at most this long in the producer before being sent.
    pub max_buffered_ms: u64,
}

impl Default for Batching {
    fn default() -> Self {
        Batching { max_buffered_ms: 100 }
    }
}

/// Retry policy for throttled records: exponential backoff with full jitter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retry {
    /// Total attempts per record including the first; 1 means no retry.
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles per attempt.
    pub base_backoff_ms: u64,
    /// Cap on a single backoff.
    pub max_backoff_ms: u64,
}

impl Default for Retry {
    fn default() -> Self {
        Retry { max_attempts: 3, base_backoff_ms: 100, max_backoff_ms: 5_000 }
    }
}

/// A Kinesis Data Stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StreamSpec {
    /// Capacity mode.
    pub capacity: Capacity,
    /// Retention period in hours (aws-facts 1.3: 24 to 8,760).
    pub retention_h: u32,
}

impl Default for StreamSpec {
    fn default() -> Self {
        StreamSpec { capacity: Capacity::Provisioned { shards: 2 }, retention_h: 24 }
    }
}

/// Capacity mode of a stream (aws-facts 1.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum Capacity {
    /// A fixed number of shards, each with its own limits.
    Provisioned {
        /// Number of open shards at the start.
        shards: u32,
    },
    /// AWS adds shards as traffic grows; billed per stream-hour and per GB.
    OnDemand {
        /// How long a shard must take more than 500 KB/s before AWS splits
        /// it ("within 15 minutes", aws-facts 1.4).
        #[serde(default = "default_scale_up_delay_s")]
        scale_up_delay_s: u64,
    },
}

fn default_scale_up_delay_s() -> u64 {
    900
}

/// A shared-throughput polling consumer (GetRecords), one reader per shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsumerSpec {
    /// Idle time between reads of a shard (KCL `idleTimeBetweenReadsInMillis`).
    pub poll_interval_ms: u64,
    /// GetRecords `Limit` (aws-facts 1.1: at most 10,000).
    pub max_records_per_call: u32,
    /// Where reading starts.
    pub start: StartPosition,
    /// Fixed cost of processing one batch.
    pub overhead_ms: f64,
    /// Cost per record in a batch, in microseconds.
    pub per_record_us: f64,
    /// Relative jitter of processing time, 0 to 1 (uniform +/-).
    pub jitter: f64,
    /// Shared-throughput polling or enhanced fan-out (aws-facts 1.5).
    pub read_mode: ReadMode,
}

impl Default for ConsumerSpec {
    fn default() -> Self {
        ConsumerSpec {
            poll_interval_ms: 1000,
            max_records_per_call: 10_000,
            start: StartPosition::TrimHorizon,
            overhead_ms: 10.0,
            per_record_us: 100.0,
            jitter: 0.1,
            read_mode: ReadMode::Shared,
        }
    }
}

/// How a consumer reads a stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadMode {
    /// GetRecords polling: 5 calls/s and 2 MiB/s per shard shared by all
    /// polling consumers (aws-facts 1.1).
    #[default]
    Shared,
    /// Enhanced fan-out: records pushed over SubscribeToShard, 2 MiB/s per
    /// shard for this consumer alone, ~70 ms propagation (aws-facts 1.5).
    EnhancedFanOut,
}

/// Shard iterator type for the first read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartPosition {
    /// The oldest record still retained.
    TrimHorizon,
    /// Only records written after the consumer starts.
    Latest,
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
