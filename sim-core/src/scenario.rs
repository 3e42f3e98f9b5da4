//! The scenario: plain serde data describing a pipeline, its parameters and
//! its layout. This is the input to [`crate::validate`]; it is never mutated
//! by the engine.
//!
//! Parameter names carry their units (`records_per_s`, `retention_h`,
//! `poll_interval_ms`). Every field has a default so scenario files stay short.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub mod lesson;
pub mod objectives;

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
    /// The scenario as this build writes it: stamped with the current model
    /// version, since its numbers are now this model's.
    pub fn stamped(&self) -> Scenario {
        Scenario { model_version: Some(crate::MODEL_VERSION), ..self.clone() }
    }
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
    pub op: Operation,
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
}

impl Fault {
    /// The `kind` names of faults in scenario files.
    pub const KINDS: [&'static str; 6] = [
        "destination_down",
        "set_error_rate",
        "set_function_error_rate",
        "crash_worker",
        "restart_worker",
        "traffic_spike",
    ];

    /// The node kind the fault applies to.
    pub fn target_kind(&self) -> NodeKind {
        match self {
            Fault::DestinationDown { .. } => NodeKind::Destination,
            Fault::SetErrorRate { .. } => NodeKind::Firehose,
            Fault::SetFunctionErrorRate { .. } => NodeKind::Lambda,
            Fault::CrashWorker { .. } | Fault::RestartWorker { .. } => NodeKind::KclApp,
            Fault::TrafficSpike { .. } => NodeKind::Producer,
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
    /// An Amazon Data Firehose delivery stream.
    Firehose(FirehoseSpec),
    /// Where a Firehose delivery stream delivers: S3, Redshift, OpenSearch
    /// or an HTTP endpoint.
    Destination(DestinationSpec),
    /// A Kinesis Client Library application: workers holding shard leases.
    KclApp(KclSpec),
    /// An Amazon SQS queue, standard or FIFO.
    SqsQueue(QueueSpec),
    /// A pool of EC2 instances or containers reading a queue.
    WorkerPool(WorkerPoolSpec),
    /// An AWS Lambda function with its event source mapping.
    Lambda(LambdaSpec),
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
    /// See [`NodeSpec::Firehose`].
    Firehose,
    /// See [`NodeSpec::Destination`].
    Destination,
    /// See [`NodeSpec::KclApp`].
    KclApp,
    /// See [`NodeSpec::SqsQueue`].
    SqsQueue,
    /// See [`NodeSpec::WorkerPool`].
    WorkerPool,
    /// See [`NodeSpec::Lambda`].
    Lambda,
}

impl NodeKind {
    /// Every kind, in palette order.
    pub const ALL: [NodeKind; 9] = [
        NodeKind::Producer,
        NodeKind::KinesisStream,
        NodeKind::Consumer,
        NodeKind::KclApp,
        NodeKind::Firehose,
        NodeKind::Destination,
        NodeKind::SqsQueue,
        NodeKind::WorkerPool,
        NodeKind::Lambda,
    ];

    /// The stable name used in scenario files and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Producer => "producer",
            NodeKind::KinesisStream => "kinesis_stream",
            NodeKind::Consumer => "consumer",
            NodeKind::Firehose => "firehose",
            NodeKind::Destination => "destination",
            NodeKind::KclApp => "kcl_app",
            NodeKind::SqsQueue => "sqs_queue",
            NodeKind::WorkerPool => "worker_pool",
            NodeKind::Lambda => "lambda",
        }
    }

    /// A human title for palettes and tooltips.
    pub fn title(self) -> &'static str {
        match self {
            NodeKind::Producer => "Producer",
            NodeKind::KinesisStream => "Kinesis Data Stream",
            NodeKind::Consumer => "Polling consumer",
            NodeKind::Firehose => "Firehose delivery stream",
            NodeKind::Destination => "Destination",
            NodeKind::KclApp => "KCL application",
            NodeKind::SqsQueue => "SQS queue",
            NodeKind::WorkerPool => "Worker pool",
            NodeKind::Lambda => "Lambda function",
        }
    }

    /// A short badge for node cards (a few capital letters).
    pub fn badge(self) -> &'static str {
        match self {
            NodeKind::Producer => "P",
            NodeKind::KinesisStream => "KDS",
            NodeKind::Consumer => "C",
            NodeKind::Firehose => "FH",
            NodeKind::Destination => "DST",
            NodeKind::KclApp => "KCL",
            NodeKind::SqsQueue => "SQS",
            NodeKind::WorkerPool => "EC2",
            NodeKind::Lambda => "λ",
        }
    }

    /// One sentence that teaches what the AWS component does and which
    /// limits matter, for tooltips and the palette.
    pub fn summary(self) -> &'static str {
        match self {
            NodeKind::Producer => {
                "Producer: batches records into PutRecords calls and retries the ones a shard throttles."
            }
            NodeKind::KinesisStream => {
                "Kinesis Data Stream: each shard takes 1 MiB/s or 1,000 records/s of writes; the partition key's MD5 picks the shard."
            }
            NodeKind::Consumer => {
                "Polling consumer: calls GetRecords on every shard (5 calls/s and 2 MiB/s per shard, shared by all such consumers)."
            }
            NodeKind::Firehose => {
                "Firehose: buffers records and delivers an object when the buffer reaches its size or its interval, whichever comes first."
            }
            NodeKind::Destination => {
                "Destination: where Firehose delivers (S3, Redshift, OpenSearch, HTTP); while it is down Firehose retries, then backs up to S3 or loses data."
            }
            NodeKind::KclApp => {
                "KCL application: workers lease shards and checkpoint; when a worker dies, others take its leases after the failover time and reprocess since the last checkpoint."
            }
            NodeKind::SqsQueue => {
                "SQS queue: consumers receive up to 10 messages a call; a message not deleted within the visibility timeout is delivered again."
            }
            NodeKind::WorkerPool => {
                "Worker pool: EC2 instances or containers, each receiving from a queue, processing, then deleting what it processed."
            }
            NodeKind::Lambda => {
                "Lambda function: an event source mapping polls a queue or a stream and invokes it in batches, within the account's 1,000 concurrent executions."
            }
        }
    }

    /// Where the kind usually sits in a left-to-right data flow (0 = a
    /// source); the auto-layout's tie-breaker for nodes without links.
    pub fn rank(self) -> usize {
        match self {
            NodeKind::Producer => 0,
            NodeKind::KinesisStream => 1,
            NodeKind::Consumer => 2,
            NodeKind::Firehose => 2,
            NodeKind::Destination => 3,
            NodeKind::KclApp => 2,
            NodeKind::SqsQueue => 1,
            NodeKind::WorkerPool => 2,
            NodeKind::Lambda => 2,
        }
    }
}

impl NodeSpec {
    /// A node of this kind with every parameter at its default, as the
    /// editor's palette adds it.
    pub fn default_for(kind: NodeKind) -> NodeSpec {
        match kind {
            NodeKind::Producer => NodeSpec::Producer(ProducerSpec::default()),
            NodeKind::KinesisStream => NodeSpec::KinesisStream(StreamSpec::default()),
            NodeKind::Consumer => NodeSpec::Consumer(ConsumerSpec::default()),
            NodeKind::Firehose => NodeSpec::Firehose(FirehoseSpec::default()),
            NodeKind::Destination => NodeSpec::Destination(DestinationSpec::default()),
            NodeKind::KclApp => NodeSpec::KclApp(KclSpec::default()),
            NodeKind::SqsQueue => NodeSpec::SqsQueue(QueueSpec::default()),
            NodeKind::WorkerPool => NodeSpec::WorkerPool(WorkerPoolSpec::default()),
            NodeKind::Lambda => NodeSpec::Lambda(LambdaSpec::default()),
        }
    }

    /// The kind of this node.
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeSpec::Producer(_) => NodeKind::Producer,
            NodeSpec::KinesisStream(_) => NodeKind::KinesisStream,
            NodeSpec::Consumer(_) => NodeKind::Consumer,
            NodeSpec::Firehose(_) => NodeKind::Firehose,
            NodeSpec::Destination(_) => NodeKind::Destination,
            NodeSpec::KclApp(_) => NodeKind::KclApp,
            NodeSpec::SqsQueue(_) => NodeKind::SqsQueue,
            NodeSpec::WorkerPool(_) => NodeKind::WorkerPool,
            NodeSpec::Lambda(_) => NodeKind::Lambda,
        }
    }
}

/// A producer writing to a stream with PutRecords or PutRecord.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProducerSpec {
    /// Mean user records per second (the base rate the traffic shape scales;
    /// for `step` the rate before the first step).
    pub records_per_s: f64,
    /// How arrivals are spread in time.
    pub traffic: Traffic,
    /// Size of each record's data blob.
    pub record_size: RecordSize,
    /// How partition keys are chosen.
    pub keys: KeyDistribution,
    /// Length of each partition key in bytes (counts toward the 1 MiB/s
    /// shard write limit and the PutRecords request size; aws-facts 1.1).
    pub partition_key_bytes: u32,
    /// Which write API the producer calls.
    pub api: Api,
    /// Buffering of records before they are sent.
    pub batching: Batching,
    /// KPL aggregation of user records into Kinesis records; off when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<Aggregation>,
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
            api: Api::default(),
            batching: Batching::default(),
            aggregation: None,
            retry: Retry::default(),
        }
    }
}

/// How arrivals are counted within a batch interval, given its mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrivals {
    /// Poisson counts around the mean.
    #[default]
    Poisson,
    /// Exactly the mean, fractions carried to the next batch.
    Constant,
}

/// One step of a [`Traffic::Step`] profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateStep {
    /// Simulated second at which this rate starts.
    pub at_s: f64,
    /// Mean records per second from then on.
    pub records_per_s: f64,
}

/// The arrival process of a producer: a rate over time (the shape) and how
/// counts scatter around it (`arrivals`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case", deny_unknown_fields)]
pub enum Traffic {
    /// Exactly `records_per_s`, spread evenly.
    Constant,
    /// Poisson arrivals with mean `records_per_s`.
    Poisson,
    /// A daily (or any period) cycle: `records_per_s × (1 + amplitude ×
    /// sin(2π (t + phase_s) / period_s))`.
    Diurnal {
        /// Relative swing, 0 to 1.
        amplitude: f64,
        /// Length of one cycle in seconds.
        #[serde(default = "default_period_s")]
        period_s: f64,
        /// Shift of the cycle in seconds.
        #[serde(default)]
        phase_s: f64,
        /// Poisson or constant counts.
        #[serde(default)]
        arrivals: Arrivals,
    },
    /// On/off bursts: each cycle starts with `on_s` seconds at
    /// `records_per_s × multiplier`, then `off_s` seconds at
    /// `records_per_s × off_multiplier`.
    Burst {
        /// Length of a burst in seconds.
        on_s: f64,
        /// Pause between bursts in seconds.
        off_s: f64,
        /// Rate factor during a burst.
        multiplier: f64,
        /// Rate factor between bursts (1 keeps the base rate, 0 is silence).
        #[serde(default = "one")]
        off_multiplier: f64,
        /// Poisson or constant counts.
        #[serde(default)]
        arrivals: Arrivals,
    },
    /// `records_per_s` until the first step, then each step's rate from its
    /// `at_s` on.
    Step {
        /// Steps in increasing `at_s`.
        steps: Vec<RateStep>,
        /// Poisson or constant counts.
        #[serde(default)]
        arrivals: Arrivals,
    },
    /// A recorded series: CSV text of `time_s,records_per_s` lines (an
    /// optional header line, blank lines and `#` comments are skipped).
    /// Each rate holds until the next line's time, the last one for ever;
    /// before the first line the rate is 0.
    Replay {
        /// The series, embedded in the scenario.
        csv: String,
        /// Poisson or constant counts.
        #[serde(default)]
        arrivals: Arrivals,
    },
}

fn default_period_s() -> f64 {
    86_400.0
}

fn one() -> f64 {
    1.0
}

/// Most rows a replay series may have.
pub const MAX_REPLAY_ROWS: usize = 100_000;

/// Parses a replay series into `(line, time_s, records_per_s)` rows, with
/// 1-based line numbers. Errors name the line. Value ranges are checked by
/// validation against `param_range`, not here.
pub fn parse_replay_csv(csv: &str) -> Result<Vec<(usize, f64, f64)>, String> {
    let mut rows: Vec<(usize, f64, f64)> = Vec::new();
    for (i, line) in csv.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split(',').map(str::trim);
        let (Some(t), Some(r), None) = (fields.next(), fields.next(), fields.next()) else {
            return Err(format!("line {n}: expected `time_s,records_per_s`, got {line:?}"));
        };
        let (t, r) = match (t.parse::<f64>(), r.parse::<f64>()) {
            (Ok(t), Ok(r)) => (t, r),
            _ if rows.is_empty() && t.parse::<f64>().is_err() && r.parse::<f64>().is_err() => {
                continue; // a header line
            }
            _ => return Err(format!("line {n}: {line:?} is not two numbers")),
        };
        if let Some(&(_, prev, _)) = rows.last()
            && (t <= prev || t.is_nan())
        {
            return Err(format!("line {n}: time {t} is not after the previous line's {prev}"));
        }
        if rows.len() == MAX_REPLAY_ROWS {
            return Err(format!("line {n}: more than {MAX_REPLAY_ROWS} rows"));
        }
        rows.push((n, t, r));
    }
    if rows.is_empty() {
        return Err("has no `time_s,records_per_s` rows".into());
    }
    Ok(rows)
}

/// The largest record data blob by default (aws-facts 1.1: 1 MiB).
pub const MAX_RECORD_BYTES: u32 = 1_048_576;

/// The size distribution of record data blobs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordSize {
    /// Every record has the same size.
    Fixed {
        /// Data blob bytes.
        bytes: u32,
    },
    /// Uniform over the whole bytes `min_bytes..=max_bytes`.
    Uniform {
        /// Smallest record.
        min_bytes: u32,
        /// Largest record.
        max_bytes: u32,
    },
    /// Log-normal with the given median and shape, rounded and clamped to
    /// 1 byte .. 1 MiB.
    LogNormal {
        /// Median data bytes (`exp(mu)`).
        median_bytes: f64,
        /// Standard deviation of the log size.
        sigma: f64,
    },
}

/// Standard normal CDF through `libm::erfc` (bit-identical everywhere).
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / core::f64::consts::SQRT_2)
}

impl RecordSize {
    /// Mean data bytes per record.
    pub fn mean_bytes(&self) -> f64 {
        self.moments().0
    }

    /// Mean and variance of one record's data bytes.
    pub fn moments(&self) -> (f64, f64) {
        match *self {
            RecordSize::Fixed { bytes } => (f64::from(bytes), 0.0),
            RecordSize::Uniform { min_bytes, max_bytes } => {
                let (a, b) = (f64::from(min_bytes), f64::from(max_bytes.max(min_bytes)));
                let w = b - a + 1.0;
                ((a + b) / 2.0, (w * w - 1.0) / 12.0)
            }
            RecordSize::LogNormal { median_bytes, sigma } => {
                // E[clamp(X, lo, hi)^k] for X log-normal(mu, sigma).
                let (lo, hi) = (1.0, f64::from(MAX_RECORD_BYTES));
                let mu = libm::log(median_bytes.max(1e-9));
                let s = sigma.max(1e-12);
                let (a, b) = ((libm::log(lo) - mu) / s, (libm::log(hi) - mu) / s);
                let raw = |k: f64| {
                    let core = libm::exp(k * mu + k * k * s * s / 2.0)
                        * (normal_cdf(b - k * s) - normal_cdf(a - k * s));
                    libm::pow(lo, k) * normal_cdf(a)
                        + core
                        + libm::pow(hi, k) * (1.0 - normal_cdf(b))
                };
                let (m1, m2) = (raw(1.0), raw(2.0));
                (m1, (m2 - m1 * m1).max(0.0))
            }
        }
    }

    /// The largest data blob this distribution can produce.
    pub fn max_bytes(&self) -> u32 {
        match *self {
            RecordSize::Fixed { bytes } => bytes,
            RecordSize::Uniform { min_bytes, max_bytes } => max_bytes.max(min_bytes),
            RecordSize::LogNormal { .. } => MAX_RECORD_BYTES,
        }
    }

    /// Expected billed chunks of `chunk` bytes per record, each record
    /// rounded up on its own and counted with `extra` bytes (a partition
    /// key) besides its data, at least one: `E[max(1, ceil((X + extra) /
    /// chunk))] = 1 + Σ_k P(X + extra > k · chunk)`. Exact for every size law,
    /// where rounding the mean size would under-bill a spread of sizes.
    pub fn expected_chunks(&self, chunk: u64, extra: u64) -> f64 {
        let chunk = chunk.max(1);
        let chunks = (u64::from(self.max_bytes()) + extra).div_ceil(chunk);
        1.0 + (1..chunks)
            .map(|k| self.exceedance((k * chunk).saturating_sub(extra) as f64))
            .sum::<f64>()
    }

    /// Probability that one record's data exceeds `x` bytes.
    pub fn exceedance(&self, x: f64) -> f64 {
        match *self {
            RecordSize::Fixed { bytes } => f64::from(u8::from(f64::from(bytes) > x)),
            RecordSize::Uniform { min_bytes, max_bytes } => {
                let (a, b) = (f64::from(min_bytes), f64::from(max_bytes.max(min_bytes)));
                // Whole bytes in (x, b] over whole bytes in [a, b].
                let above = (b - libm::floor(x).max(a - 1.0)).clamp(0.0, b - a + 1.0);
                above / (b - a + 1.0)
            }
            RecordSize::LogNormal { median_bytes, sigma } => {
                if x >= f64::from(MAX_RECORD_BYTES) {
                    0.0
                } else if x < 1.0 {
                    1.0
                } else {
                    let mu = libm::log(median_bytes.max(1e-9));
                    1.0 - normal_cdf((libm::log(x) - mu) / sigma.max(1e-12))
                }
            }
        }
    }
}

/// A 128-bit hash key given explicitly, with its share of the records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightedHashKey {
    /// The hash key as a decimal integer, 0 to 2^128 - 1 (aws-facts 1.2).
    pub hash_key: String,
    /// Relative weight of this hash key.
    #[serde(default = "one")]
    pub weight: f64,
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
    /// Zipf over `count` keys: key of rank k (`pk-{k-1}`) has weight
    /// `1 / k^s`. `s = 0` is uniform.
    Zipf {
        /// Number of distinct partition keys.
        count: u32,
        /// Exponent; larger concentrates more on the first keys.
        s: f64,
    },
    /// Records carry an `ExplicitHashKey` (aws-facts 1.2) that overrides the
    /// MD5 of the partition key: each listed hash key takes its weight's
    /// share of the records.
    ExplicitHashKey {
        /// The hash keys used, with weights.
        hash_keys: Vec<WeightedHashKey>,
    },
}

/// The write API a producer calls (aws-facts 1.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case", deny_unknown_fields)]
pub enum Api {
    /// PutRecords: many records per request, up to the caps below.
    PutRecords {
        /// Records per request (aws-facts 1.1: at most 500).
        #[serde(default = "default_max_records_per_request")]
        max_records_per_request: u32,
        /// Request size including partition keys (aws-facts 1.1: 5 MiB
        /// classic, 10 MiB current).
        #[serde(default = "default_max_request_bytes")]
        max_request_bytes: u64,
    },
    /// PutRecord: one request per (Kinesis) record.
    PutRecord,
}

impl Default for Api {
    fn default() -> Self {
        Api::PutRecords {
            max_records_per_request: default_max_records_per_request(),
            max_request_bytes: default_max_request_bytes(),
        }
    }
}

fn default_max_records_per_request() -> u32 {
    500
}

fn default_max_request_bytes() -> u64 {
    5 * 1_048_576
}

/// Buffering before records are sent, like the KPL's `RecordMaxBufferedTime`.
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

/// KPL aggregation: user records bound for one shard are packed into one
/// Kinesis record (KPL `AggregationMaxSize`, `AggregationMaxCount`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Aggregation {
    /// Largest aggregated record in bytes (KPL default 51,200; at most the
    /// 1 MiB record limit, aws-facts 1.1).
    pub max_bytes: u32,
    /// Most user records in one aggregated record.
    pub max_user_records: u32,
}

impl Default for Aggregation {
    fn default() -> Self {
        Aggregation { max_bytes: 51_200, max_user_records: u32::MAX }
    }
}

/// Retry policy for throttled records: exponential backoff with equal jitter.
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
    /// The largest data blob the stream accepts, in KiB (aws-facts 1.1:
    /// `MaxRecordSizeInKiB`, 1,024 by default, up to 10,240).
    #[serde(skip_serializing_if = "is_default_record_size")]
    pub max_record_size_kib: u32,
}

/// aws-facts 1.1: streams accept 1 MiB records unless raised.
pub const DEFAULT_MAX_RECORD_SIZE_KIB: u32 = 1_024;

fn is_default_record_size(kib: &u32) -> bool {
    *kib == DEFAULT_MAX_RECORD_SIZE_KIB
}

impl StreamSpec {
    /// The largest data blob a record may have, in bytes.
    pub fn max_record_bytes(&self) -> u64 {
        u64::from(self.max_record_size_kib) * 1_024
    }
}

impl Default for StreamSpec {
    fn default() -> Self {
        StreamSpec {
            capacity: Capacity::Provisioned { shards: 2 },
            retention_h: 24,
            max_record_size_kib: DEFAULT_MAX_RECORD_SIZE_KIB,
        }
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
        /// Write throughput the stream takes at once from the start, up to
        /// 10 GiB/s (On-demand Advantage's warm throughput, aws-facts 1.4).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warm_throughput_mib_s: Option<u32>,
    },
}

impl Capacity {
    /// Whether AWS manages the shards (on-demand mode).
    pub fn is_on_demand(&self) -> bool {
        matches!(self, Capacity::OnDemand { .. })
    }

    /// On demand with AWS's defaults: splits after 15 minutes, no warm
    /// throughput.
    pub fn on_demand() -> Self {
        Capacity::OnDemand {
            scale_up_delay_s: default_scale_up_delay_s(),
            warm_throughput_mib_s: None,
        }
    }
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
    /// What it sends on, when it is wired to a stream or a delivery stream.
    #[serde(skip_serializing_if = "Forward::is_default")]
    pub forward: Forward,
}

/// How a consumer's output relates to what it processed, when it forwards
/// to another stream or delivery stream.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Forward {
    /// Records sent per record processed (0.5 filters half out, 3 fans out).
    pub ratio: f64,
    /// Size of a record sent relative to the record processed.
    pub size_ratio: f64,
}

impl Default for Forward {
    fn default() -> Self {
        Forward { ratio: 1.0, size_ratio: 1.0 }
    }
}

impl Forward {
    /// Whether it is the default (one record out per record in, same size).
    pub fn is_default(&self) -> bool {
        *self == Forward::default()
    }
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
            forward: Forward::default(),
        }
    }
}

/// A KCL application reading a stream by GetRecords polling (aws-facts 6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KclSpec {
    /// Workers (application instances); each shard's lease is held by one.
    pub workers: u32,
    /// `failoverTimeMillis`: a lease not renewed for this long can be taken
    /// (aws-facts 6: 10,000 ms).
    pub failover_time_ms: u64,
    /// `idleTimeBetweenReadsInMillis` (aws-facts 6: 1,000 ms in KCL 1.x and
    /// 2.0 to 2.5, 1,500 ms later).
    pub idle_time_between_reads_ms: u64,
    /// `maxRecords` per GetRecords (aws-facts 6: 10,000).
    pub max_records: u32,
    /// Checkpoint after this many records processed on a shard (0: never by count).
    pub checkpoint_every_records: u64,
    /// Checkpoint when this long has passed since the last one (0: never by time).
    pub checkpoint_every_s: u64,
    /// Where a new lease starts reading.
    pub start: StartPosition,
    /// Fixed cost of processing one batch.
    pub overhead_ms: f64,
    /// Cost per record in a batch, in microseconds.
    pub per_record_us: f64,
    /// Relative jitter of processing time, 0 to 1 (uniform +/-).
    pub jitter: f64,
    /// What it sends on, when it is wired to a stream or a delivery stream.
    #[serde(skip_serializing_if = "Forward::is_default")]
    pub forward: Forward,
}

impl Default for KclSpec {
    fn default() -> Self {
        KclSpec {
            workers: 2,
            failover_time_ms: 10_000,
            idle_time_between_reads_ms: 1_000,
            max_records: 10_000,
            checkpoint_every_records: 10_000,
            checkpoint_every_s: 60,
            start: StartPosition::TrimHorizon,
            overhead_ms: 10.0,
            per_record_us: 100.0,
            jitter: 0.1,
            forward: Forward::default(),
        }
    }
}

impl KclSpec {
    /// The record processors' reading and processing, as a polling
    /// consumer's parameters.
    pub fn reader(&self) -> ConsumerSpec {
        ConsumerSpec {
            poll_interval_ms: self.idle_time_between_reads_ms,
            max_records_per_call: self.max_records,
            start: self.start,
            overhead_ms: self.overhead_ms,
            per_record_us: self.per_record_us,
            jitter: self.jitter,
            read_mode: ReadMode::Shared,
            forward: self.forward,
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

/// An Amazon Data Firehose delivery stream (aws-facts 3). Its source is
/// Direct PUT (producers wired to it) or one Kinesis stream wired to it;
/// its one destination is a [`DestinationSpec`] node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FirehoseSpec {
    /// `BufferingHints.SizeInMBs` (aws-facts 3.1: 1 to 128 MiB, default 5).
    pub buffer_size_mib: u32,
    /// `BufferingHints.IntervalInSeconds` (aws-facts 3.1: 0 to 900 s,
    /// default 300).
    pub buffer_interval_s: u64,
    /// How long a failed delivery is retried for destinations other than S3
    /// (aws-facts 3.3: 0 to 7,200 s); S3 always retries for 24 hours.
    pub retry_duration_s: u64,
    /// Whether records that exhaust the retry duration go to an S3 backup
    /// bucket (otherwise they are lost). Not used for an S3 destination.
    pub s3_backup: bool,
    /// Optional Lambda data transformation (aws-facts 3.4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform: Option<TransformSpec>,
}

impl Default for FirehoseSpec {
    fn default() -> Self {
        FirehoseSpec {
            buffer_size_mib: 5,
            buffer_interval_s: 300,
            retry_duration_s: 300,
            s3_backup: true,
            transform: None,
        }
    }
}

/// A Lambda function transforming records before buffering (aws-facts 3.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TransformSpec {
    /// Processor `BufferSizeInMBs` (aws-facts 3.4: 0.2 to 3 MB, default 1).
    pub buffer_size_mb: f64,
    /// Processor `BufferIntervalInSeconds` (aws-facts 3.4: default 60 s).
    pub buffer_interval_s: u64,
    /// Fixed duration of one invocation.
    pub overhead_ms: f64,
    /// Duration per record, in microseconds.
    pub per_record_us: f64,
    /// Probability that an invocation fails.
    pub error_rate: f64,
    /// `NumberOfRetries` (aws-facts 3.4: default 3).
    pub retries: u32,
    /// Output bytes per input byte (a transformation may shrink or grow records).
    pub size_ratio: f64,
}

impl Default for TransformSpec {
    fn default() -> Self {
        TransformSpec {
            buffer_size_mb: 1.0,
            buffer_interval_s: 60,
            overhead_ms: 20.0,
            per_record_us: 50.0,
            error_rate: 0.0,
            retries: 3,
            size_ratio: 1.0,
        }
    }
}

/// What a destination is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DestinationType {
    /// An S3 bucket: one object per flush.
    #[default]
    S3,
    /// Amazon Redshift: Firehose stages objects in S3 and loads each with a
    /// COPY, one at a time.
    Redshift,
    /// Amazon OpenSearch Service: bulk indexing requests.
    Opensearch,
    /// An HTTP endpoint (a partner or your own service).
    HttpEndpoint,
}

impl DestinationType {
    /// The stable name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            DestinationType::S3 => "s3",
            DestinationType::Redshift => "redshift",
            DestinationType::Opensearch => "opensearch",
            DestinationType::HttpEndpoint => "http_endpoint",
        }
    }
}

/// A window of simulated time in whole seconds, `[from_s, to_s)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Start, in seconds since the start of the run.
    pub from_s: u64,
    /// End (exclusive), in seconds since the start of the run.
    pub to_s: u64,
}

/// A Firehose destination: how fast it takes data and when it is down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DestinationSpec {
    /// S3, Redshift, OpenSearch or an HTTP endpoint.
    #[serde(rename = "type")]
    pub destination_type: DestinationType,
    /// Bytes per second one delivery (object, COPY, bulk request) moves.
    pub bytes_per_s: f64,
    /// Fixed time of one delivery (for Redshift, of one COPY).
    pub latency_ms: u64,
    /// When the destination refuses deliveries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outages: Vec<Window>,
}

impl Default for DestinationSpec {
    fn default() -> Self {
        DestinationSpec {
            destination_type: DestinationType::S3,
            bytes_per_s: 100.0 * 1_048_576.0,
            latency_ms: 200,
            outages: Vec::new(),
        }
    }
}

/// The type of an SQS queue (aws-facts 4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueType {
    /// At-least-once delivery, best-effort order, nearly unlimited calls.
    #[default]
    Standard,
    /// Exactly-once processing and order within a message group.
    Fifo,
}

/// An Amazon SQS queue. A link to another queue makes that queue its
/// dead-letter queue (the redrive policy's target).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueSpec {
    /// Standard or FIFO.
    pub queue_type: QueueType,
    /// FIFO high-throughput mode (`FifoThroughputLimit=perMessageGroupId`,
    /// aws-facts 4.2): 70,000 calls/s per action instead of 300.
    pub high_throughput: bool,
    /// How long a received message stays hidden (aws-facts 4.1: 0 s to 12 h,
    /// default 30 s).
    pub visibility_timeout_s: u32,
    /// Delay before a sent message becomes visible (aws-facts 4.1: 0 to 900 s).
    pub delay_s: u32,
    /// How long a message is kept (aws-facts 4.1: 60 s to 14 days, default
    /// 4 days), counted from its first enqueue.
    pub retention_s: u32,
    /// `MaximumMessageSize` (aws-facts 4.1: 1 KiB to 1 MiB, default 1 MiB).
    pub max_message_bytes: u32,
    /// The redrive policy's `maxReceiveCount` (aws-facts 4.3: 1 to 1,000);
    /// used when the queue is linked to a dead-letter queue.
    pub max_receive_count: u32,
}

impl Default for QueueSpec {
    fn default() -> Self {
        QueueSpec {
            queue_type: QueueType::Standard,
            high_throughput: false,
            visibility_timeout_s: 30,
            delay_s: 0,
            retention_s: 345_600,
            max_message_bytes: 1_048_576,
            max_receive_count: 5,
        }
    }
}

/// How long processing one message takes, around its mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceTime {
    /// Exponentially distributed (memoryless, as in M/M/c queueing).
    #[default]
    Exponential,
    /// Always exactly the mean.
    Fixed,
}

/// A pool of workers (EC2 instances, containers) that each receive from a
/// queue, process the messages one after another, then delete them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerPoolSpec {
    /// Number of workers, each with one receive loop.
    pub workers: u32,
    /// Mean processing time per message.
    pub per_message_ms: f64,
    /// Distribution of the per-message time.
    pub service: ServiceTime,
    /// `MaxNumberOfMessages` per ReceiveMessage (aws-facts 4.1: 1 to 10).
    pub max_messages: u32,
    /// `WaitTimeSeconds` (aws-facts 4.1: 0 = short polling, up to 20 s).
    pub wait_time_s: u32,
    /// Pause after an empty receive before the next one.
    pub empty_receive_pause_ms: u64,
    /// What is sent on to the linked node, if any.
    #[serde(skip_serializing_if = "Forward::is_default")]
    pub forward: Forward,
}

impl Default for WorkerPoolSpec {
    fn default() -> Self {
        WorkerPoolSpec {
            workers: 4,
            per_message_ms: 50.0,
            service: ServiceTime::Exponential,
            max_messages: 10,
            wait_time_s: 20,
            empty_receive_pause_ms: 1_000,
            forward: Forward::default(),
        }
    }
}

/// An AWS Lambda function and the event source mapping that invokes it. A
/// link from a queue or a stream is its event source; for a stream, a link
/// to a queue is its on-failure destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LambdaSpec {
    /// Memory in MB (aws-facts 5.3: 128 to 10,240); billed per GB-second.
    pub memory_mb: u32,
    /// Processor architecture (priced apart, aws-facts 2.5).
    pub arch: LambdaArch,
    /// Fixed time of one invocation.
    pub overhead_ms: f64,
    /// Time per record (or message) in the batch.
    pub per_record_ms: f64,
    /// Relative jitter of the duration, 0 to 1 (uniform +/-).
    pub jitter: f64,
    /// Function timeout (aws-facts 5.3: at most 900 s); a longer run fails.
    pub timeout_s: u32,
    /// Probability that an invocation fails as a whole (a transient error).
    pub error_rate: f64,
    /// Share of records that fail every time they are processed.
    pub poison_rate: f64,
    /// Reserved concurrency: this function's cap, set aside from the
    /// account's pool; none when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_concurrency: Option<u32>,
    /// The account's concurrent executions, shared by all functions
    /// (aws-facts 5.3: 1,000 by default). Every function of a scenario must
    /// give the same value.
    pub account_concurrency: u32,
    /// The event source mapping.
    pub event_source: EventSourceMapping,
}

impl Default for LambdaSpec {
    fn default() -> Self {
        LambdaSpec {
            memory_mb: 512,
            arch: LambdaArch::X86,
            overhead_ms: 20.0,
            per_record_ms: 5.0,
            jitter: 0.1,
            timeout_s: 30,
            error_rate: 0.0,
            poison_rate: 0.0,
            reserved_concurrency: None,
            account_concurrency: 1_000,
            event_source: EventSourceMapping::default(),
        }
    }
}

/// An event source mapping's settings (aws-facts 5.1 for streams, 5.2 for
/// queues). Settings that do not apply to the linked source are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventSourceMapping {
    /// `BatchSize`; 10 for a queue and 100 for a stream when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
    /// `MaximumBatchingWindowInSeconds` (0 to 300 s).
    pub batching_window_s: u32,
    /// Queue: `ScalingConfig.MaximumConcurrency` (2 to 1,000); none = 1,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_concurrency: Option<u32>,
    /// `ReportBatchItemFailures`: only failed records are retried.
    pub report_batch_item_failures: bool,
    /// Stream: concurrent batches per shard (1 to 10).
    pub parallelization_factor: u32,
    /// Stream: where reading starts.
    pub starting_position: StartPosition,
    /// Stream: split a failed batch in two and retry the halves.
    pub bisect_on_error: bool,
    /// Stream: retries of a failed batch, -1 = until the record expires.
    pub maximum_retry_attempts: i32,
    /// Stream: records older than this are skipped, -1 = no limit.
    pub maximum_record_age_s: i32,
}

impl Default for EventSourceMapping {
    fn default() -> Self {
        EventSourceMapping {
            batch_size: None,
            batching_window_s: 0,
            maximum_concurrency: None,
            report_batch_item_failures: false,
            parallelization_factor: 1,
            starting_position: StartPosition::Latest,
            bisect_on_error: false,
            maximum_retry_attempts: -1,
            maximum_record_age_s: -1,
        }
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

/// Lambda processor architecture (aws-facts 2.5 prices them apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LambdaArch {
    /// x86_64.
    X86,
    /// Arm (Graviton2).
    Arm,
}
