//! What people see of a running simulation: a read-only view computed from
//! the engine at one instant, the same for the app (its cards, wires and
//! gauges), the CLI (`run --format health`) and anything that plans with
//! runs. Every figure is read from the node's metrics or state here, once.
//! Health (the [`health`] module) says how a node is doing: one table of
//! rules with their thresholds and reasons, the same everywhere the view is
//! shown.

use serde::{Deserialize, Serialize};

use crate::Ledger;
use crate::cost::CostItem;
use crate::engine::Simulation;
use crate::metrics::LatencySummary;
use crate::scenario::{NodeIndex, NodeKind, PerNode, with_kind};
use crate::units;

pub mod explain;
pub mod health;
mod wire;

pub use explain::{Explanation, Figure, Headline};

pub use health::{
    AgeThresholds, BACKLOG_GROWING_MS, BEHIND_MS, DELAYED_FRESHNESS_S, HEALTH_RULES, Health,
    HealthRule, LAGGING_MS, MESSAGES_WAITING_MS, NEAR_EXPIRY_SHARE, NEAR_LIMIT, THROTTLED_SHARE,
};

/// Headline figures of one node for the last closed simulated second.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NodeFigures {
    /// A producer.
    Producer {
        /// Records generated per second.
        generated: f64,
        /// Records accepted by the stream per second.
        put: f64,
        /// Records retried in the last second.
        retried: f64,
        /// Records given up after the last retry in the last second.
        given_up: f64,
    },
    /// A Kinesis stream.
    Stream {
        /// `IncomingRecords` per second.
        incoming: f64,
        /// `IncomingBytes` per second.
        incoming_bytes: f64,
        /// `WriteProvisionedThroughputExceeded` per second.
        throttled: f64,
        /// `ReadProvisionedThroughputExceeded` per second.
        read_throttled: f64,
        /// `GetRecords.IteratorAgeMilliseconds`.
        iterator_age_ms: f64,
        /// Throttled write attempts since the start.
        throttled_total: f64,
        /// The retention period, in ms.
        retention_ms: f64,
        /// Per shard: (write utilisation, read utilisation, throttled records).
        shards: Vec<ShardHeat>,
    },
    /// A polling consumer.
    Consumer {
        /// Records processed per second.
        processed: f64,
        /// The simulator's age of the oldest record not read yet: unlike
        /// `MillisBehindLatest` it grows while every call is refused.
        unread_ms: f64,
        /// Retention of the stream it reads, in ms (infinite if none).
        #[serde(with = "wire::never")]
        retention_ms: f64,
    },
    /// A Firehose delivery stream.
    Firehose {
        /// `IncomingRecords` per second.
        incoming: f64,
        /// `IncomingBytes` per second.
        incoming_bytes: f64,
        /// `ThrottledRecords` per second.
        throttled: f64,
        /// `DeliveryToS3.Records` per second.
        delivered: f64,
        /// `DeliveryToS3.DataFreshness`, in seconds.
        freshness_s: f64,
        /// Bytes in the buffer.
        buffered_bytes: f64,
        /// Records lost after the retry duration, since the start.
        lost_total: f64,
    },
    /// A KCL application.
    Kcl {
        /// Records processed per second (duplicates included).
        processed: f64,
        /// The simulator's age of the oldest record not read yet: unlike
        /// `MillisBehindLatest` it grows while every call is refused.
        unread_ms: f64,
        /// Live workers.
        live_workers: f64,
        /// Records processed again after failovers, since the start.
        duplicates_total: f64,
        /// Retention of the stream it reads, in ms (infinite if none).
        #[serde(with = "wire::never")]
        retention_ms: f64,
    },
    /// A Firehose destination.
    Destination {
        /// Records delivered per second.
        records: f64,
        /// Bytes delivered per second.
        bytes: f64,
        /// Whether it is down.
        down: bool,
    },
    /// An SQS queue.
    Queue {
        /// `ApproximateNumberOfMessagesVisible`.
        visible: f64,
        /// `ApproximateNumberOfMessagesNotVisible`.
        in_flight: f64,
        /// `ApproximateAgeOfOldestMessage`, in ms.
        oldest_age_ms: f64,
        /// `NumberOfMessagesSent` per second.
        sent: f64,
        /// Messages processed a second time, per second.
        duplicates: f64,
        /// Messages moved to the dead-letter queue, per second.
        dead_lettered: f64,
        /// Calls refused by a FIFO queue's limit, per second.
        throttled: f64,
        /// The message retention period, in ms.
        retention_ms: f64,
    },
    /// A worker pool.
    WorkerPool {
        /// Messages processed per second.
        processed: f64,
        /// Workers busy at the end of the second.
        busy: f64,
        /// Workers in the pool.
        workers: f64,
        /// Messages sent on per second.
        forwarded: f64,
    },
    /// A Lambda function.
    Lambda {
        /// `Invocations` per second.
        invocations: f64,
        /// `ConcurrentExecutions`.
        concurrency: f64,
        /// `Throttles` per second.
        throttles: f64,
        /// `Errors` per second.
        errors: f64,
        /// Records in successful batches per second.
        processed: f64,
        /// `IteratorAge` (stream sources), in ms.
        iterator_age_ms: f64,
        /// Retention of the stream it reads, in ms (infinite if none).
        #[serde(with = "wire::never")]
        retention_ms: f64,
    },
    /// A Managed Service for Apache Flink application.
    Flink {
        /// Records read in the last second (`numRecordsInPerSecond`).
        records_in: f64,
        /// Records its operators emitted in the last second.
        records_out: f64,
        /// How far behind the tip of its shards it reads, in ms.
        behind_ms: f64,
        /// CPU utilisation of its KPUs, in percent.
        cpu_percent: f64,
        /// KPUs, orchestration included.
        kpus: f64,
        /// Parallel subtasks now.
        parallelism: f64,
        /// Retention of the stream it reads, in ms.
        #[serde(with = "wire::never")]
        retention_ms: f64,
        /// Down while it rescales.
        rescaling: bool,
    },
    /// An SNS topic.
    Topic {
        /// `NumberOfMessagesPublished` per second.
        published: f64,
        /// Publishes refused by the quota per second.
        throttled: f64,
        /// `NumberOfNotificationsDelivered` per second.
        delivered: f64,
        /// `NumberOfNotificationsFilteredOut` per second.
        filtered: f64,
        /// `NumberOfNotificationsFailed` per second.
        failed: f64,
        /// Notifications waiting for a retry.
        retrying: f64,
    },
    /// An Amazon MSK cluster.
    Msk {
        /// `MessagesInPerSec`.
        messages_in: f64,
        /// `BytesInPerSec`.
        bytes_in: f64,
        /// Records the consumer group processed in the last second.
        consumed: f64,
        /// The busiest broker's writes against its capacity, in percent;
        /// on a Serverless cluster, the busiest ingress quota's use.
        broker_load_percent: f64,
        /// `KafkaDataLogsDiskUsed` of the fullest broker, in percent (0 on
        /// a Serverless cluster, which has no broker disk).
        disk_percent: f64,
        /// Whether it is an MSK Serverless cluster (quotas, no brokers).
        serverless: bool,
        /// `SumOffsetLag`.
        sum_offset_lag: f64,
        /// Age of the oldest record waiting in a producer, in ms.
        producer_wait_ms: f64,
        /// Records lost after `delivery.timeout.ms`, since the start.
        lost_total: f64,
        /// Consumers of the group with no partition.
        idle_consumers: f64,
        /// Brokers down now (a broker failure).
        brokers_down: f64,
        /// `OfflinePartitionsCount`: partitions with no live replica.
        offline_partitions: f64,
        /// `UnderReplicatedPartitions`: online partitions missing a replica.
        under_replicated: f64,
        /// Brokers holding no partition (added, never reassigned to).
        idle_brokers: f64,
        /// Records the group processed twice after a consumer crash, since
        /// the start.
        duplicates_total: f64,
        /// Keys hashing to another partition since partitions were added.
        keys_moved: f64,
        /// Consumers of the group that crashed.
        dead_consumers: f64,
        /// The topic's partitions now (partitions can be added).
        partitions: f64,
        /// The cluster's brokers now (0 on Serverless).
        brokers: f64,
    },
}

/// One open shard's load in the last closed second.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardHeat {
    /// The shard's index (its id within the stream).
    pub id: usize,
    /// Attempted writes against the shard's limit, 0 to 1+.
    pub write: f64,
    /// Reads against the 2 MiB/s limit, 0 to 1+.
    pub read: f64,
    /// Records rejected in that second.
    pub throttled: u64,
}

impl ShardHeat {
    /// Health of the shard from its write load.
    pub fn health(&self) -> Health {
        if self.throttled > 0 {
            Health::Failing
        } else if self.write >= NEAR_LIMIT || self.read >= NEAR_LIMIT {
            Health::Hot
        } else {
            Health::Ok
        }
    }
}

impl NodeFigures {
    /// The kind of node these figures are of.
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeFigures::Producer { .. } => NodeKind::Producer,
            NodeFigures::Stream { .. } => NodeKind::KinesisStream,
            NodeFigures::Consumer { .. } => NodeKind::Consumer,
            NodeFigures::Firehose { .. } => NodeKind::Firehose,
            NodeFigures::Kcl { .. } => NodeKind::KclApp,
            NodeFigures::Destination { .. } => NodeKind::Destination,
            NodeFigures::Queue { .. } => NodeKind::SqsQueue,
            NodeFigures::WorkerPool { .. } => NodeKind::WorkerPool,
            NodeFigures::Lambda { .. } => NodeKind::Lambda,
            NodeFigures::Flink { .. } => NodeKind::FlinkApp,
            NodeFigures::Topic { .. } => NodeKind::SnsTopic,
            NodeFigures::Msk { .. } => NodeKind::MskCluster,
        }
    }

    /// The health rule that applies (see [`health::judge`]): its colour,
    /// its word, and the threshold and basis behind it.
    pub fn status(&self) -> &'static HealthRule {
        health::judge(self)
    }

    /// Two headline lines: the main figure and a line of context.
    pub fn headline(&self) -> (String, String) {
        match self {
            NodeFigures::Producer { generated, put, given_up, .. } => (
                units::rate(*generated),
                if *given_up > 0.0 {
                    format!(
                        "{} accepted · {}/s given up",
                        units::count(*put),
                        units::count(*given_up)
                    )
                } else {
                    format!("{} accepted", units::rate(*put))
                },
            ),
            NodeFigures::Stream { incoming, incoming_bytes, shards, .. } => {
                let busiest = shards.iter().map(|s| s.write).fold(0.0, f64::max);
                (
                    units::rate(*incoming),
                    format!(
                        "{}/s · {} shard{} · busiest {} of limit",
                        units::bytes(*incoming_bytes),
                        shards.len(),
                        if shards.len() == 1 { "" } else { "s" },
                        units::percent(busiest)
                    ),
                )
            }
            NodeFigures::Consumer { processed, unread_ms, .. } => {
                (units::rate(*processed), format!("oldest unread {}", units::millis(*unread_ms)))
            }
            NodeFigures::Firehose { incoming, buffered_bytes, freshness_s, .. } => (
                units::rate(*incoming),
                format!(
                    "{} buffered · freshness {}",
                    units::bytes(*buffered_bytes),
                    units::millis(freshness_s * 1_000.0)
                ),
            ),
            NodeFigures::Kcl { processed, unread_ms, live_workers, duplicates_total, .. } => (
                units::rate(*processed),
                format!(
                    "{} worker{} · oldest unread {} · {} duplicates",
                    units::count(*live_workers),
                    if *live_workers == 1.0 { "" } else { "s" },
                    units::millis(*unread_ms),
                    units::count(*duplicates_total)
                ),
            ),
            NodeFigures::Destination { records, bytes, down } => (
                units::rate(*records),
                if *down {
                    "down: deliveries fail".into()
                } else {
                    format!("{}/s", units::bytes(*bytes))
                },
            ),
            NodeFigures::Queue { visible, in_flight, oldest_age_ms, .. } => (
                format!("{} visible", units::count(*visible)),
                format!(
                    "{} in flight · oldest {}",
                    units::count(*in_flight),
                    units::millis(*oldest_age_ms)
                ),
            ),
            NodeFigures::WorkerPool { processed, busy, workers, .. } => (
                units::rate(*processed),
                format!("{} of {} workers busy", units::count(*busy), units::count(*workers)),
            ),
            NodeFigures::Lambda {
                invocations,
                concurrency,
                throttles,
                iterator_age_ms,
                retention_ms,
                ..
            } => {
                let mut context = format!(
                    "{} invocations/s · {} throttled/s",
                    units::count(*invocations),
                    units::count(*throttles)
                );
                // Iterator age applies to stream sources only.
                if retention_ms.is_finite() {
                    context
                        .push_str(&format!(" · oldest unread {}", units::millis(*iterator_age_ms)));
                }
                (format!("{} running", units::count(*concurrency)), context)
            }
            NodeFigures::Flink {
                records_in, behind_ms, cpu_percent, kpus, parallelism, ..
            } => (
                units::rate(*records_in),
                format!(
                    "{} subtask{} · {} KPUs · CPU {}% · behind {}",
                    units::count(*parallelism),
                    if *parallelism == 1.0 { "" } else { "s" },
                    units::count(*kpus),
                    units::count(cpu_percent.round()),
                    units::millis(*behind_ms)
                ),
            ),
            NodeFigures::Topic { published, delivered, filtered, retrying, .. } => {
                let mut context = format!(
                    "{} delivered · {}/s filtered out",
                    units::rate(*delivered),
                    units::count(*filtered)
                );
                if *retrying > 0.0 {
                    context.push_str(&format!(" · {} retrying", units::count(*retrying)));
                }
                (units::rate(*published), context)
            }
            NodeFigures::Msk {
                messages_in,
                broker_load_percent,
                sum_offset_lag,
                serverless,
                brokers_down,
                offline_partitions,
                under_replicated,
                dead_consumers,
                ..
            } => {
                let mut context = format!(
                    "busiest {} {}% · lag {} records",
                    if *serverless { "quota" } else { "broker" },
                    units::count(broker_load_percent.round()),
                    units::count(*sum_offset_lag)
                );
                if *brokers_down > 0.0 {
                    context.push_str(&format!(
                        " · {} broker down · {} offline · {} under-replicated",
                        units::count(*brokers_down),
                        units::count(*offline_partitions),
                        units::count(*under_replicated)
                    ));
                }
                if *dead_consumers > 0.0 {
                    context
                        .push_str(&format!(" · {} consumer down", units::count(*dead_consumers)));
                }
                (units::rate(*messages_in), context)
            }
        }
    }
}

/// Records a node has lost or refused since the start, by cause: the
/// counter badges on its card. Zero where a cause does not apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Write attempts refused by a shard (`WriteProvisionedThroughputExceeded`).
    pub throttled: f64,
    /// Records that aged out of retention unread.
    pub expired: f64,
    /// Messages moved to a dead-letter queue.
    pub dead_lettered: f64,
    /// Records given up for good (retries exhausted).
    pub lost: f64,
}

impl Tally {
    /// The non-zero counters as (key, words, icon, value), for the card's
    /// badges: the key names it in styles and tests, the words say what
    /// is counted (attempts and records apart).
    pub fn badges(&self) -> Vec<(&'static str, &'static str, &'static str, f64)> {
        [
            ("throttled", "refused attempts", "⊘", self.throttled),
            ("expired", "records expired", "◷", self.expired),
            ("dead-lettered", "dead-lettered", "☠", self.dead_lettered),
            ("lost", "records lost", "✖", self.lost),
        ]
        .into_iter()
        .filter(|b| b.3 > 0.0)
        .collect()
    }
}

/// An age that tells how long data waits at a node (iterator age, oldest
/// message age), against the age at which data is lost.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AgeGauge {
    /// What the age measures, as the card shows it.
    pub label: &'static str,
    /// The age now, in milliseconds.
    pub ms: f64,
    /// The age at which records are dropped (the retention period).
    #[serde(with = "wire::never")]
    pub limit_ms: f64,
    /// Where it turns amber and red: its node's age rules.
    pub thresholds: AgeThresholds,
}

impl AgeGauge {
    /// How full the gauge is, 0 to 1, on a log scale from one second to
    /// the limit: a few seconds show, a day-long backlog fills it.
    pub fn fill(&self) -> f64 {
        if self.ms <= 1_000.0 || self.limit_ms <= 1_000.0 {
            return 0.0;
        }
        ((self.ms / 1_000.0).log10() / (self.limit_ms / 1_000.0).log10()).clamp(0.0, 1.0)
    }

    /// Health by age, by its node's age rules.
    pub fn health(&self) -> Health {
        self.thresholds.health(self.ms)
    }
}

/// Data waiting on a wire (NiFi's backlog bar): how full, how bad, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backlog {
    /// Bar fill, 0 to 1.
    pub fill: f64,
    /// Colour and icon of the bar.
    pub health: Health,
    /// What waits, in words.
    pub label: String,
}

/// One node as people see it: its figures, its health with the reason,
/// what it lost since the start and, where data waits, its age gauge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    /// Headline figures of the last closed second.
    pub figures: NodeFigures,
    /// How the node is doing.
    pub health: Health,
    /// Why, in words, with an icon so colour is never the only signal:
    /// the rule that applies, with its threshold and basis.
    #[serde(with = "wire::rule")]
    pub rule: &'static HealthRule,
    /// Losses and refusals since the start.
    pub tally: Tally,
    /// How long data waits here, against when it is lost; `None` for kinds
    /// where data does not wait.
    pub gauge: Option<AgeGauge>,
    /// The distribution of record latencies since the start (MODEL.md,
    /// Latency); `None` for kinds that measure none and before any record.
    pub latency: Option<LatencySummary>,
    /// The same records end to end: from their birth at a producer,
    /// through every hand-off, to the same point.
    pub end_to_end: Option<LatencySummary>,
}

/// One wire as people see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WireView {
    /// Records (or messages) per second flowing along it.
    pub flow: f64,
    /// Of those, refused per second.
    pub refused: f64,
    /// What waits on it, if anything.
    pub backlog: Option<Backlog>,
}

impl NodeFigures {
    /// Records (or messages) per second this node takes in, and of those
    /// refused per second (a write limit's refusals; 0 where it has none).
    fn intake(&self) -> (f64, f64) {
        match self {
            NodeFigures::Producer { .. } => (0.0, 0.0),
            NodeFigures::Stream { incoming, throttled, .. }
            | NodeFigures::Firehose { incoming, throttled, .. } => (*incoming, *throttled),
            NodeFigures::Consumer { processed, .. }
            | NodeFigures::Kcl { processed, .. }
            | NodeFigures::WorkerPool { processed, .. }
            | NodeFigures::Lambda { processed, .. } => (*processed, 0.0),
            NodeFigures::Flink { records_in, .. } => (*records_in, 0.0),
            NodeFigures::Destination { records, .. } => (*records, 0.0),
            // Its throttled figure counts calls, not messages.
            NodeFigures::Queue { sent, .. } => (*sent, 0.0),
            NodeFigures::Topic { published, throttled, .. } => (*published, *throttled),
            NodeFigures::Msk { messages_in, .. } => (*messages_in, 0.0),
        }
    }
}

/// Which figure a wire's label shows, decided by the kinds at its ends
/// (MODEL.md, Wires). The engine counts per node, not per wire, so it is
/// the figure that belongs to that wire alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireFigure {
    /// A producer writes to one node: what that node accepted from it.
    Put,
    /// A delivery stream to its one destination: what it delivered.
    Delivered,
    /// A queue to its dead-letter queue: the messages moved there.
    DeadLettered,
    /// A worker pool's output: what it forwarded.
    Forwarded,
    /// Any other wire: what the downstream node takes in (a reader reads
    /// one source).
    Intake,
}

impl WireFigure {
    /// The figure of a wire from a node of kind `from` to one of kind `to`.
    pub fn of(from: NodeKind, to: NodeKind) -> Self {
        match (from, to) {
            (NodeKind::Producer, _) => WireFigure::Put,
            (NodeKind::Firehose, NodeKind::Destination) => WireFigure::Delivered,
            (NodeKind::SqsQueue, NodeKind::SqsQueue) => WireFigure::DeadLettered,
            (NodeKind::WorkerPool, _) => WireFigure::Forwarded,
            _ => WireFigure::Intake,
        }
    }

    /// What the label of a wire into a node of kind `to` counts, in words
    /// (the wire's tooltip).
    pub fn meaning(self, to: NodeKind) -> String {
        match self {
            WireFigure::Put => "Records per second the next node accepted from this producer (it \
                writes to one node), and write attempts it refused, to be retried or given up."
                .into(),
            WireFigure::Delivered => {
                "Records per second the delivery stream delivered here.".into()
            }
            WireFigure::DeadLettered => {
                "Messages per second moved to the dead-letter queue after too many receives.".into()
            }
            WireFigure::Forwarded => "Messages per second the worker pool forwarded.".into(),
            WireFigure::Intake => format!(
                "Records per second the {} takes in (all of its inputs, if several wires feed it).",
                to.about().title
            ),
        }
    }
}

/// A journal entry (resharding, refusals) as people read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalView {
    /// Simulated time in milliseconds.
    pub t: u64,
    /// The node's display name.
    pub node: String,
    /// What happened.
    pub text: String,
    /// Whether it was refused.
    pub refused: bool,
}

/// Everything people see of a simulation, captured at one instant.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FrameView {
    /// Simulated time in milliseconds.
    pub now_ms: u64,
    /// Where every record is.
    pub ledger: Ledger,
    /// Cost so far.
    pub cost_usd: f64,
    /// Cost rate projected over the scenario's month (730 hours by default).
    pub monthly_usd: f64,
    /// The bill so far, by line item.
    pub cost_items: Vec<CostItem>,
    /// Every node, by node index.
    pub nodes: PerNode<NodeView>,
    /// The latest journal entries, newest first (at most [`JOURNAL_SHOWN`]).
    pub journal: Vec<JournalView>,
    /// What the headline figures are made of (see [`FrameView::explain`]).
    pub headline: Headline,
}

/// What a node's record latency measures (MODEL.md, Latency), in words for
/// a tooltip; `None` for kinds that measure none.
pub fn latency_meaning(kind: NodeKind) -> Option<&'static str> {
    with_kind!(kind, S => S::LATENCY_MEANING)
}

/// What a stream reader's latency measures.
pub(crate) const STREAM_READ_LATENCY: &str = "From each record's arrival at the stream to the \
    read that returned it (processing not included). Records of one read are taken as spread \
    evenly between its first and last arrival; percentiles are within 3.1% (a histogram bucket) \
    of the exact ones.";

/// What end-to-end latency measures, for the inspector's hover help.
pub const END_TO_END_MEANING: &str = "From each record's birth at the producer that made it \
    (halfway through the producer's batch, on average), through its retries and every hand-off, \
    to the same point as the line above. A group of records is taken to have spent the same time \
    upstream, their mean: the mean is exact, the percentiles leave out spread from earlier stages.";

/// How many journal entries a view carries.
pub const JOURNAL_SHOWN: usize = 6;

impl FrameView {
    /// Reads the view off a simulation.
    pub fn capture(sim: &Simulation) -> Self {
        let nodes = sim
            .slots()
            .indices()
            .map(|i| {
                let Reading { figures, tally, gauge } = read(sim, i);
                let rule = figures.status();
                let measured = sim.latency(i);
                let latency = measured.and_then(|l| l.hop.summary());
                let end_to_end = measured.and_then(|l| l.end_to_end.summary());
                NodeView { figures, health: rule.health, rule, tally, gauge, latency, end_to_end }
            })
            .collect();
        let cost_items = sim.cost().items();
        FrameView {
            now_ms: sim.now(),
            ledger: sim.ledger(),
            cost_usd: cost_items.iter().map(|i| i.usd).sum(),
            monthly_usd: sim.cost().monthly_projection_usd(sim.now()),
            cost_items,
            nodes,
            headline: Headline::capture(sim),
            journal: sim
                .journal_entries()
                .rev()
                .take(JOURNAL_SHOWN)
                .map(|e| JournalView {
                    t: e.t,
                    node: sim.scenario().node(e.node).label().to_string(),
                    text: e.text.clone(),
                    refused: e.refused,
                })
                .collect(),
        }
    }

    /// The figures of node `i`.
    pub fn figures(&self, i: NodeIndex) -> Option<&NodeFigures> {
        self.nodes.get(i).map(|n| &n.figures)
    }

    /// The wire from node `from` to node `to`.
    pub fn wire(&self, from: NodeIndex, to: NodeIndex) -> WireView {
        let (flow, refused) = self.wire_flow(from, to);
        WireView { flow, refused, backlog: self.wire_backlog(from, to) }
    }

    /// Records per second flowing along the wire from node `from` to
    /// node `to`, and how many of them were refused (what [`Self::wire`]
    /// gives, without formatting the backlog's words): the figure
    /// [`WireFigure::of`] its ends' kinds picks. `(0, 0)` for a node the view
    /// lacks.
    pub fn wire_flow(&self, from: NodeIndex, to: NodeIndex) -> (f64, f64) {
        use NodeFigures as F;
        let (Some(a), Some(b)) = (self.figures(from), self.figures(to)) else {
            return (0.0, 0.0);
        };
        match (WireFigure::of(a.kind(), b.kind()), a) {
            (WireFigure::Put, F::Producer { put, retried, given_up, .. }) => {
                (*put, retried + given_up)
            }
            (WireFigure::Delivered, F::Firehose { delivered, .. }) => (*delivered, 0.0),
            (WireFigure::DeadLettered, F::Queue { dead_lettered, .. }) => (*dead_lettered, 0.0),
            (WireFigure::Forwarded, F::WorkerPool { forwarded, .. }) => (*forwarded, 0.0),
            _ => b.intake(),
        }
    }

    /// What waits on the wire from `from` to `to`: records being retried
    /// after throttling on a producer's wire into a stream or a queue (the
    /// targets whose refusals it retries), messages in a queue (by the
    /// oldest one's age) on the queue's wire, unread records (the reader's
    /// lag) on a reader's wire. `None` where nothing waits.
    pub fn wire_backlog(&self, from: NodeIndex, to: NodeIndex) -> Option<Backlog> {
        match (self.figures(from)?, self.figures(to)?) {
            (
                NodeFigures::Producer { put, retried, given_up, .. },
                NodeFigures::Stream { .. } | NodeFigures::Queue { .. },
            ) => {
                let refused = retried + given_up;
                let tried = put + refused;
                let share = if tried > 0.0 { refused / tried } else { 0.0 };
                let health = if share >= THROTTLED_SHARE {
                    Health::Failing
                } else if share > 0.0 {
                    Health::Hot
                } else {
                    Health::Ok
                };
                Some(Backlog {
                    fill: share,
                    health,
                    label: format!(
                        "{} of write attempts refused, to be retried",
                        units::percent(share)
                    ),
                })
            }
            (NodeFigures::Queue { visible, oldest_age_ms, .. }, _) => {
                let gauge = self.nodes.get(from)?.gauge?;
                Some(Backlog {
                    fill: gauge.fill(),
                    health: gauge.health(),
                    label: format!(
                        "{} messages wait; the oldest for {}",
                        units::count(*visible),
                        units::millis(*oldest_age_ms)
                    ),
                })
            }
            // A reader's wire: what it has not read yet (the same age its
            // health rules judge).
            (_, reader) => {
                let (behind_ms, retention_ms) = health::reader_age(reader)?;
                let gauge = AgeGauge {
                    label: "",
                    ms: behind_ms,
                    limit_ms: retention_ms,
                    thresholds: AgeThresholds::reader(retention_ms),
                };
                Some(Backlog {
                    fill: gauge.fill(),
                    health: gauge.health(),
                    label: format!("{} of records wait unread", units::millis(behind_ms)),
                })
            }
        }
    }

    /// The first stream's figures, which the headline cards show.
    pub fn first_stream(&self) -> Option<&NodeFigures> {
        self.nodes.iter().map(|n| &n.figures).find(|f| matches!(f, NodeFigures::Stream { .. }))
    }
}

/// What a kind's `view.rs` reads off the engine for one of its nodes.
pub(crate) struct Reading {
    /// Its headline figures for the last closed second.
    pub figures: NodeFigures,
    /// Its losses and refusals since the start.
    pub tally: Tally,
    /// Its age gauge, if its kind has one.
    pub gauge: Option<AgeGauge>,
}

/// What the view asks of every kind. Each kind answers in its `view.rs`;
/// the view dispatches with `with_kind!` (`kinds/registry.rs`).
pub(crate) trait ViewKind {
    /// What its record latency measures, for a tooltip; `None` when it
    /// measures none.
    const LATENCY_MEANING: Option<&'static str>;
    /// Node `node` of this kind, read off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading;
}

/// Node `i` read by its kind's view.
fn read(sim: &Simulation, i: NodeIndex) -> Reading {
    with_kind!(sim.slots()[i].kind, S => S::read(sim, i))
}

/// Retention of the stream node `reader` reads, in ms; infinite when it
/// reads none (a queue's reader), so no expiry rule applies.
pub(crate) fn source_retention_ms(sim: &Simulation, reader: NodeIndex) -> f64 {
    let scenario = sim.scenario();
    let id = &scenario.node(reader).id;
    scenario
        .links
        .iter()
        .filter(|l| &l.to == id)
        .find_map(|l| {
            let from = scenario.index_of(&l.from)?;
            // A stream's retention, or an MSK topic's retention.ms
            // (aws-facts-more 1.6) for a function reading it.
            sim.stream(from)
                .map(|s| s.retention as f64)
                .or_else(|| sim.msk_cluster(from).map(|c| c.retention_ms() as f64))
        })
        .unwrap_or(f64::INFINITY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::queue;
    use crate::scenario::NodeSpec;
    use crate::{DEFAULT_SCENARIO, load_scenario};

    fn default_after(seconds: u64) -> FrameView {
        let valid = load_scenario(DEFAULT_SCENARIO).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(seconds * 1_000);
        FrameView::capture(&sim)
    }

    #[test]
    fn the_hot_key_streams_tally_counts_its_throttled_writes() {
        let snap = default_after(30);
        let NodeFigures::Stream { throttled_total, .. } = &snap.nodes[NodeIndex::new(1)].figures
        else {
            panic!()
        };
        assert!(*throttled_total > 0.0);
        assert_eq!(snap.nodes[NodeIndex::new(1)].tally.throttled, *throttled_total);
        assert_eq!(
            snap.nodes[NodeIndex::new(1)].tally.badges(),
            vec![("throttled", "refused attempts", "⊘", *throttled_total)]
        );
        assert!(
            snap.nodes[NodeIndex::new(2)].tally.badges().is_empty(),
            "the consumer lost nothing"
        );
    }

    #[test]
    fn streams_have_an_iterator_age_gauge_against_their_retention() {
        let snap = default_after(10);
        let gauge = snap.nodes[NodeIndex::new(1)].gauge.expect("a stream has a gauge");
        assert_eq!(gauge.limit_ms, 24.0 * 3_600_000.0);
        assert!(snap.nodes[NodeIndex::new(0)].gauge.is_none(), "a producer has none");
    }

    #[test]
    fn a_queue_counts_dead_lettered_messages_and_gauges_its_oldest_against_retention() {
        let json = crate::BUNDLED_SCENARIOS
            .iter()
            .find(|(file, _)| *file == "poison-message-dlq.json")
            .expect("bundled")
            .1;
        let valid = load_scenario(json).unwrap();
        let retention_s = match &valid.scenario().node(NodeIndex::new(1)).spec {
            NodeSpec::SqsQueue(q) => q.retention_s,
            _ => panic!("node 1 is the queue"),
        };
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(300_000);
        let snap = FrameView::capture(&sim);
        let moved = sim.metrics(NodeIndex::new(1)).total(queue::MOVED_TO_DLQ);
        assert!(moved > 0.0, "poison messages reach the DLQ in five minutes");
        assert_eq!(snap.nodes[NodeIndex::new(1)].tally.dead_lettered, moved);
        let gauge = snap.nodes[NodeIndex::new(1)].gauge.expect("a queue has an age gauge");
        assert_eq!(gauge.label, "Oldest message");
        assert_eq!(gauge.limit_ms, f64::from(retention_s) * 1_000.0);
        assert!(
            snap.wire(NodeIndex::new(1), NodeIndex::new(2)).backlog.is_some(),
            "the queue's wire shows what waits"
        );
    }

    #[test]
    fn age_gauges_fill_on_a_log_scale_up_to_the_limit() {
        let at = |ms| AgeGauge {
            label: "",
            ms,
            limit_ms: 86_400_000.0,
            thresholds: AgeThresholds::reader(86_400_000.0),
        };
        assert_eq!(at(500.0).fill(), 0.0);
        assert!((at(86_400_000.0).fill() - 1.0).abs() < 1e-9);
        assert!(at(60_000.0).fill() > 0.3 && at(60_000.0).fill() < 0.4, "a minute is a third");
        assert_eq!(at(60_000.0).health(), Health::Failing);
        assert_eq!(at(6_000.0).health(), Health::Hot);
    }

    #[test]
    fn a_throttled_producer_wire_shows_the_share_waiting_to_retry() {
        let snap = default_after(30);
        let backlog =
            snap.wire(NodeIndex::new(0), NodeIndex::new(1)).backlog.expect("producer to stream");
        assert!(backlog.fill > 0.0 && backlog.fill < 1.0);
        assert_eq!(backlog.health, Health::Failing, "the hot key throttles a large share");
        assert!(backlog.label.ends_with("of write attempts refused, to be retried"));
        assert!(
            snap.wire(NodeIndex::new(1), NodeIndex::new(2)).backlog.is_some(),
            "a consumer's wire shows its lag"
        );
        assert!(snap.wire(NodeIndex::new(2), NodeIndex::new(0)).backlog.is_none());
    }

    /// The view of bundled scenario `name` after `seconds`, and its node
    /// indices by id.
    fn bundled_after(name: &str, seconds: u64) -> (FrameView, impl Fn(&str) -> NodeIndex) {
        let json = crate::BUNDLED_SCENARIOS.iter().find(|(n, _)| n.starts_with(name)).unwrap().1;
        let valid = load_scenario(json).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(seconds * 1_000);
        let ids: Vec<String> = valid.scenario().nodes.iter().map(|n| n.id.clone()).collect();
        let index = move |id: &str| NodeIndex::new(ids.iter().position(|n| n == id).unwrap());
        (FrameView::capture(&sim), index)
    }

    #[test]
    fn each_producers_wire_carries_its_own_records_and_fan_in_adds_up() {
        // Two producers into one stream: each wire shows what its producer
        // put and had refused, not the stream's total twice.
        let mut json: serde_json::Value = serde_json::from_str(DEFAULT_SCENARIO).unwrap();
        let mut second = json["nodes"][0].clone();
        second["id"] = "second-producer".into();
        second["params"]["records_per_s"] = 300.0.into();
        let (first, stream) = (json["nodes"][0]["id"].clone(), json["nodes"][1]["id"].clone());
        json["nodes"].as_array_mut().unwrap().push(second);
        json["links"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({ "from": "second-producer", "to": stream }));
        let valid = load_scenario(&json.to_string()).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(30_000);
        let snap = FrameView::capture(&sim);
        let last = NodeIndex::new(snap.nodes.len() - 1);
        assert_eq!(first, valid.scenario().nodes[0].id.as_str(), "node 0 is the first producer");
        let (one, two) =
            (snap.wire(NodeIndex::new(0), NodeIndex::new(1)), snap.wire(last, NodeIndex::new(1)));
        for (p, wire) in [(NodeIndex::new(0), &one), (last, &two)] {
            let NodeFigures::Producer { put, retried, given_up, .. } = snap.nodes[p].figures else {
                panic!()
            };
            assert_eq!((wire.flow, wire.refused), (put, retried + given_up));
        }
        assert!(one.flow > two.flow && two.flow > 0.0, "{} and {}", one.flow, two.flow);
        let NodeFigures::Stream { incoming, .. } = snap.nodes[NodeIndex::new(1)].figures else {
            panic!()
        };
        assert_eq!(
            one.flow + two.flow,
            incoming,
            "the stream's IncomingRecords is both wires' sum"
        );
    }

    #[test]
    fn wires_through_topics_clusters_and_flink_carry_what_crosses_them() {
        // A producer's wire into a topic or a cluster, a topic's wire to a
        // queue and a stream's wire to a Flink application each showed 0/s.
        let (snap, at) = bundled_after("lesson-sns-fan-out", 120);
        let NodeFigures::Topic { published, .. } = snap.nodes[at("orders")].figures else {
            panic!()
        };
        let into_topic = snap.wire(at("orders-api"), at("orders")).flow;
        assert!(into_topic > 0.0 && into_topic == published, "{into_topic} against {published}");
        for queue in ["fulfil", "notify"] {
            let NodeFigures::Queue { sent, .. } = snap.nodes[at(queue)].figures else { panic!() };
            assert!(sent > 0.0);
            assert_eq!(snap.wire(at("orders"), at(queue)).flow, sent, "{queue}");
        }
        let (snap, at) = bundled_after("lesson-msk-partitions", 120);
        let NodeFigures::Msk { messages_in, .. } = snap.nodes[at("orders-cluster")].figures else {
            panic!()
        };
        assert!(messages_in > 0.0);
        assert_eq!(snap.wire(at("orders"), at("orders-cluster")).flow, messages_in);
        let (snap, at) = bundled_after("lesson-flink-parallelism", 120);
        let NodeFigures::Flink { records_in, .. } = snap.nodes[at("scoring")].figures else {
            panic!()
        };
        assert!(records_in > 0.0);
        assert_eq!(WireFigure::of(NodeKind::Producer, NodeKind::MskCluster), WireFigure::Put);
        assert!(WireFigure::Intake.meaning(NodeKind::FlinkApp).contains("Flink application"));
        let wire = snap.wire(at("payments-stream"), at("scoring"));
        assert_eq!(wire.flow, records_in);
        let NodeFigures::Flink { behind_ms, .. } = snap.nodes[at("scoring")].figures else {
            panic!()
        };
        let lag = wire.backlog.expect("a Flink application's wire shows its lag, as a consumer's");
        assert_eq!(lag.label, format!("{} of records wait unread", units::millis(behind_ms)));
    }

    #[test]
    fn health_names_the_limit_a_node_hits() {
        let snap = default_after(30);
        let stream = &snap.nodes[NodeIndex::new(1)];
        assert_eq!((stream.health, stream.rule.word), (Health::Failing, "✖ Throttling writes"));
        let NodeFigures::Stream { throttled, .. } = stream.figures else { panic!() };
        assert!(throttled > 0.0, "red because writes were refused in the last second");
        let wire = snap.wire(NodeIndex::new(0), NodeIndex::new(1));
        assert_eq!(wire.refused, throttled, "the producer's wire carries the refusals");
    }

    /// One reader of each kind, `unread_ms` behind a stream of 24 hours'
    /// retention.
    fn readers(unread_ms: f64) -> [NodeFigures; 3] {
        let retention_ms = 24.0 * 3_600_000.0;
        [
            NodeFigures::Consumer { processed: 1.0, unread_ms, retention_ms },
            NodeFigures::Kcl {
                processed: 1.0,
                unread_ms,
                live_workers: 1.0,
                duplicates_total: 0.0,
                retention_ms,
            },
            NodeFigures::Lambda {
                invocations: 1.0,
                concurrency: 1.0,
                throttles: 0.0,
                errors: 0.0,
                processed: 1.0,
                iterator_age_ms: unread_ms,
                retention_ms,
            },
        ]
    }

    #[test]
    fn every_reader_kind_is_amber_from_5_s_behind_and_red_from_a_minute() {
        // The symptom of issue 25: a Lambda function read "Healthy" 48 s
        // behind while a consumer was amber from 5 s.
        for reader in readers(48_000.0) {
            assert_eq!(reader.status().word, "▲ Lagging", "{reader:?}");
        }
        for reader in readers(LAGGING_MS - 1.0) {
            assert_eq!(reader.status().health, Health::Ok, "{reader:?}");
        }
        for reader in readers(BEHIND_MS) {
            assert_eq!(reader.status().word, "✖ Falling behind", "{reader:?}");
        }
    }

    #[test]
    fn a_reader_at_half_the_retention_is_red_as_awss_recommended_alarm() {
        // aws-facts 1.8: alarm when iterator age passes 50% of retention.
        let half_a_day = 12.0 * 3_600_000.0;
        for reader in readers(half_a_day) {
            let rule = reader.status();
            assert_eq!((rule.health, rule.word), (Health::Failing, "✖ Records near expiry"));
            assert!(rule.basis.contains("50% of retention"), "{}", rule.basis);
        }
        for reader in readers(half_a_day - 1.0) {
            assert_eq!(reader.status().word, "✖ Falling behind");
        }
    }

    #[test]
    fn a_stream_over_a_limit_without_refusals_says_so_not_near_limit() {
        // The symptom of issue 25: "busiest at 108%" with no throttling.
        let stream = |write: f64, throttled: f64| NodeFigures::Stream {
            incoming: 1_080.0,
            incoming_bytes: 1_080.0 * 100.0,
            throttled,
            read_throttled: 0.0,
            iterator_age_ms: 0.0,
            throttled_total: throttled,
            retention_ms: 24.0 * 3_600_000.0,
            shards: vec![ShardHeat { id: 0, write, read: 0.0, throttled: throttled as u64 }],
        };
        assert_eq!(stream(1.08, 0.0).status().word, "▲ At the write limit");
        assert_eq!(stream(1.08, 5.0).status().word, "✖ Throttling writes");
        assert_eq!(stream(0.8, 0.0).status().word, "▲ Near limit");
        assert_eq!(stream(0.5, 0.0).status().health, Health::Ok);
        assert!(stream(1.08, 0.0).headline().1.contains("busiest 108% of limit"));
    }

    #[test]
    fn a_card_gauge_and_wire_agree_on_a_readers_lag() {
        let snap = default_after(30);
        for (i, node) in snap.nodes.enumerate() {
            if let Some(gauge) = node.gauge
                && gauge.label == "Iterator age"
            {
                let expect = AgeThresholds::reader(gauge.limit_ms).health(gauge.ms);
                assert_eq!(gauge.health(), expect, "node {i}");
            }
        }
        let wire = snap
            .wire(NodeIndex::new(1), NodeIndex::new(2))
            .backlog
            .expect("a reader's wire shows its lag");
        assert_eq!(
            wire.health,
            snap.nodes[NodeIndex::new(2)].health,
            "the wire is coloured as the reader's card"
        );
    }

    #[test]
    fn every_rule_names_its_threshold_basis_and_aws_page() {
        for rule in HEALTH_RULES {
            assert!(!rule.kinds.is_empty() && !rule.when.is_empty(), "{}", rule.word);
            assert!(rule.basis.ends_with('.'), "{}: {}", rule.word, rule.basis);
            assert!(rule.source.starts_with("https://docs.aws.amazon.com/"), "{}", rule.word);
            let icon = match rule.health {
                Health::Failing => '✖',
                Health::Hot => '▲',
                Health::Ok => '●',
            };
            assert!(rule.word.starts_with(icon), "colour is never the only signal: {}", rule.word);
        }
        // Within a kind, no two rules share a word.
        for kind in NodeKind::ALL {
            let words: Vec<_> = health::rules_for(kind).map(|r| r.word).collect();
            let mut unique = words.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), words.len(), "{kind:?}");
        }
    }

    #[test]
    fn an_aggregating_producers_shard_load_counts_kinesis_records_and_bytes() {
        // The lesson's fix: 5,000 pings/s of 100 bytes, packed by the KPL
        // into one shard. The 1,000 records/s limit counts Kinesis records
        // (aws-facts 1.1), so the shard is loaded by its bytes, not 500%.
        let json = crate::BUNDLED_SCENARIOS
            .iter()
            .find(|(file, _)| *file == "lesson-small-records.json")
            .expect("bundled")
            .1
            .replace("\"shards\": 6", "\"shards\": 1")
            .replace(
                "\"records_per_s\": 5000,",
                "\"records_per_s\": 5000, \"aggregation\": { \"max_bytes\": 51200 },",
            );
        let valid = load_scenario(&json).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(60_000);
        let snap = FrameView::capture(&sim);
        let NodeFigures::Stream { shards, throttled, .. } = &snap.nodes[NodeIndex::new(1)].figures
        else {
            panic!()
        };
        let shard = &sim.stream(NodeIndex::new(1)).unwrap().shards[shards[0].id].last_second;
        assert!(shard.in_kinesis_records * 10 < shard.in_records, "packed: {shard:?}");
        assert_eq!(*throttled, 0.0);
        let by_bytes = shard.in_bytes as f64 / crate::kinds::stream::SHARD_WRITE_BYTES_PER_S;
        assert!((shards[0].write - by_bytes).abs() < 1e-12, "{} vs {by_bytes}", shards[0].write);
        assert!(shards[0].write < 0.7, "about 55%: {}", shards[0].write);
        assert_eq!(snap.nodes[NodeIndex::new(1)].health, Health::Ok);
    }
}
