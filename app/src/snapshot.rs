//! A small, comparable picture of the simulation that the reactive UI reads.
//!
//! The simulation itself never lives in a signal: the frame loop publishes a
//! fresh [`Snapshot`] a few times a second, and only the DOM read-outs that
//! changed re-render.

use sim_core::metrics::{
    consumer, destination, firehose, kcl, lambda, producer, queue, stream, worker_pool,
};
use sim_core::{Ledger, NodeKind, Simulation};

use crate::format;

/// Headline figures of one node for the last closed simulated second.
#[derive(Clone, Debug, PartialEq)]
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
    },
}

/// One open shard's load in the last closed second.
#[derive(Clone, Copy, Debug, PartialEq)]
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

/// Health of a node, shown as colour plus an icon and a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// Comfortably within limits.
    Ok,
    /// Close to a limit (70% or more).
    Hot,
    /// Throttling, lagging or dropping.
    Failing,
}

impl Health {
    /// CSS class suffix.
    pub fn class(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Hot => "hot",
            Health::Failing => "failing",
        }
    }
}

impl ShardHeat {
    /// Health of the shard from its write load.
    pub fn health(&self) -> Health {
        if self.throttled > 0 {
            Health::Failing
        } else if self.write >= 0.7 || self.read >= 0.7 {
            Health::Hot
        } else {
            Health::Ok
        }
    }
}

impl NodeFigures {
    /// Health of the node and the words that explain it (shown with an
    /// icon, so colour is never the only signal).
    pub fn status(&self) -> (Health, &'static str) {
        match self {
            NodeFigures::Producer { given_up, .. } if *given_up > 0.0 => {
                (Health::Failing, "✖ Dropping records")
            }
            NodeFigures::Producer { retried, .. } if *retried > 0.0 => (Health::Hot, "▲ Retrying"),
            NodeFigures::Stream { throttled, .. } if *throttled > 0.0 => {
                (Health::Failing, "✖ Throttling writes")
            }
            NodeFigures::Stream { read_throttled, .. } if *read_throttled > 0.0 => {
                (Health::Failing, "✖ Throttling reads")
            }
            NodeFigures::Stream { shards, .. }
                if shards.iter().any(|s| s.health() != Health::Ok) =>
            {
                (Health::Hot, "▲ Near limit")
            }
            NodeFigures::Consumer { unread_ms, .. } if *unread_ms >= 60_000.0 => {
                (Health::Failing, "✖ Falling behind")
            }
            NodeFigures::Consumer { unread_ms, .. } if *unread_ms >= 5_000.0 => {
                (Health::Hot, "▲ Lagging")
            }
            NodeFigures::Firehose { lost_total, .. } if *lost_total > 0.0 => {
                (Health::Failing, "✖ Data lost")
            }
            NodeFigures::Firehose { throttled, .. } if *throttled > 0.0 => {
                (Health::Failing, "✖ Throttling puts")
            }
            NodeFigures::Firehose { freshness_s, .. } if *freshness_s >= 900.0 => {
                (Health::Hot, "▲ Delivery delayed")
            }
            NodeFigures::Destination { down: true, .. } => (Health::Failing, "✖ Down"),
            NodeFigures::Kcl { live_workers, .. } if *live_workers < 1.0 => {
                (Health::Failing, "✖ No live worker")
            }
            NodeFigures::Kcl { unread_ms, .. } if *unread_ms >= 60_000.0 => {
                (Health::Failing, "✖ Falling behind")
            }
            NodeFigures::Kcl { unread_ms, .. } if *unread_ms >= 5_000.0 => {
                (Health::Hot, "▲ Lagging")
            }
            NodeFigures::Queue { throttled, .. } if *throttled > 0.0 => {
                (Health::Failing, "✖ Throttling calls")
            }
            NodeFigures::Queue { oldest_age_ms, .. } if *oldest_age_ms >= 300_000.0 => {
                (Health::Failing, "✖ Backlog growing")
            }
            NodeFigures::Queue { dead_lettered, .. } if *dead_lettered > 0.0 => {
                (Health::Hot, "▲ Dead-lettering")
            }
            NodeFigures::Queue { duplicates, .. } if *duplicates > 0.0 => {
                (Health::Hot, "▲ Duplicate deliveries")
            }
            NodeFigures::Queue { oldest_age_ms, .. } if *oldest_age_ms >= 30_000.0 => {
                (Health::Hot, "▲ Messages waiting")
            }
            NodeFigures::WorkerPool { busy, workers, .. } if *busy >= *workers => {
                (Health::Hot, "▲ All workers busy")
            }
            NodeFigures::Lambda { throttles, .. } if *throttles > 0.0 => {
                (Health::Failing, "✖ Throttled")
            }
            NodeFigures::Lambda { iterator_age_ms, .. } if *iterator_age_ms >= 60_000.0 => {
                (Health::Failing, "✖ Falling behind")
            }
            NodeFigures::Lambda { errors, .. } if *errors > 0.0 => (Health::Hot, "▲ Errors"),
            _ => (Health::Ok, "● Healthy"),
        }
    }

    /// Two headline lines: the main figure and a line of context.
    pub fn headline(&self) -> (String, String) {
        match self {
            NodeFigures::Producer { generated, put, given_up, .. } => (
                format::rate(*generated),
                if *given_up > 0.0 {
                    format!(
                        "{} accepted · {}/s given up",
                        format::count(*put),
                        format::count(*given_up)
                    )
                } else {
                    format!("{} accepted", format::rate(*put))
                },
            ),
            NodeFigures::Stream { incoming, incoming_bytes, shards, .. } => {
                let busiest = shards.iter().map(|s| s.write).fold(0.0, f64::max);
                (
                    format::rate(*incoming),
                    format!(
                        "{}/s · {} shard{} · busiest at {}",
                        format::bytes(*incoming_bytes),
                        shards.len(),
                        if shards.len() == 1 { "" } else { "s" },
                        format::percent(busiest)
                    ),
                )
            }
            NodeFigures::Consumer { processed, unread_ms } => {
                (format::rate(*processed), format!("oldest unread {}", format::millis(*unread_ms)))
            }
            NodeFigures::Firehose { incoming, buffered_bytes, freshness_s, .. } => (
                format::rate(*incoming),
                format!(
                    "{} buffered · freshness {}",
                    format::bytes(*buffered_bytes),
                    format::millis(freshness_s * 1_000.0)
                ),
            ),
            NodeFigures::Kcl { processed, unread_ms, live_workers, duplicates_total } => (
                format::rate(*processed),
                format!(
                    "{} worker{} · oldest unread {} · {} duplicates",
                    format::count(*live_workers),
                    if *live_workers == 1.0 { "" } else { "s" },
                    format::millis(*unread_ms),
                    format::count(*duplicates_total)
                ),
            ),
            NodeFigures::Destination { records, bytes, down } => (
                format::rate(*records),
                if *down {
                    "down: deliveries fail".into()
                } else {
                    format!("{}/s", format::bytes(*bytes))
                },
            ),
            NodeFigures::Queue { visible, in_flight, oldest_age_ms, .. } => (
                format!("{} visible", format::count(*visible)),
                format!(
                    "{} in flight · oldest {}",
                    format::count(*in_flight),
                    format::millis(*oldest_age_ms)
                ),
            ),
            NodeFigures::WorkerPool { processed, busy, workers, .. } => (
                format::rate(*processed),
                format!("{} of {} workers busy", format::count(*busy), format::count(*workers)),
            ),
            NodeFigures::Lambda { invocations, concurrency, throttles, .. } => (
                format!("{} running", format::count(*concurrency)),
                format!(
                    "{} invocations · {}/s throttled",
                    format::rate(*invocations),
                    format::count(*throttles)
                ),
            ),
        }
    }
}

/// Records a node has lost or refused since the start, by cause: the
/// counter badges on its card. Zero where a cause does not apply.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
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
    /// The non-zero counters as (name, icon, value), for the card's badges.
    pub fn badges(&self) -> Vec<(&'static str, &'static str, f64)> {
        [
            ("throttled", "⊘", self.throttled),
            ("expired", "◷", self.expired),
            ("dead-lettered", "☠", self.dead_lettered),
            ("lost", "✖", self.lost),
        ]
        .into_iter()
        .filter(|b| b.2 > 0.0)
        .collect()
    }
}

/// An age that tells how long data waits at a node (iterator age, oldest
/// message age), against the age at which data is lost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AgeGauge {
    /// What the age measures, as the card shows it.
    pub label: &'static str,
    /// The age now, in milliseconds.
    pub ms: f64,
    /// The age at which records are dropped (the retention period).
    pub limit_ms: f64,
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

    /// Health by age: amber from 5 s, red from a minute (as a consumer's lag).
    pub fn health(&self) -> Health {
        backlog_health(self.ms)
    }
}

/// Health of data that has waited `ms`: the thresholds a consumer's lag uses.
fn backlog_health(ms: f64) -> Health {
    if ms >= 60_000.0 {
        Health::Failing
    } else if ms >= 5_000.0 {
        Health::Hot
    } else {
        Health::Ok
    }
}

/// Data waiting on a wire (NiFi's backlog bar): how full, how bad, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Backlog {
    /// Bar fill, 0 to 1.
    pub fill: f64,
    /// Colour and icon of the bar.
    pub health: Health,
    /// What waits, in words.
    pub label: String,
}

/// Everything the reactive UI shows, captured at one instant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Simulated time in milliseconds.
    pub now_ms: u64,
    /// Where every record is.
    pub ledger: Ledger,
    /// Cost so far.
    pub cost_usd: f64,
    /// Cost rate projected over the scenario's month (730 hours by default).
    pub monthly_usd: f64,
    /// The bill so far, by line item.
    pub cost_items: Vec<sim_core::cost::CostItem>,
    /// Figures per node, by node index.
    pub nodes: Vec<NodeFigures>,
    /// The latest journal entries (resharding, refusals), newest first.
    pub events: Vec<Event>,
    /// Chart alarms in alarm, as (node, chart title); see `alarm`.
    pub alarming: Vec<(usize, &'static str)>,
    /// Losses and refusals since the start, by node index.
    pub tallies: Vec<Tally>,
    /// Age gauges, by node index (`None` for kinds where data does not wait).
    pub gauges: Vec<Option<AgeGauge>>,
}

/// A journal entry as the UI shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Simulated time in milliseconds.
    pub t: u64,
    /// The node's display name.
    pub node: String,
    /// What happened.
    pub text: String,
    /// Whether it was refused.
    pub refused: bool,
}

/// How many journal entries the UI lists.
const EVENTS_SHOWN: usize = 6;

impl Snapshot {
    /// Reads the figures off a simulation.
    pub fn capture(sim: &Simulation) -> Self {
        let nodes = sim
            .slots()
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let m = sim.metrics(i);
                match slot.kind {
                    NodeKind::Producer => NodeFigures::Producer {
                        generated: m.last_second(producer::USER_RECORDS_RECEIVED),
                        put: m.last_second(producer::USER_RECORDS_PUT),
                        retried: m.last_second(producer::RETRIES),
                        given_up: m.last_second(producer::USER_RECORD_EXPIRED),
                    },
                    NodeKind::KinesisStream => NodeFigures::Stream {
                        incoming: m.last_second(stream::INCOMING_RECORDS),
                        incoming_bytes: m.last_second(stream::INCOMING_BYTES),
                        throttled: m.last_second(stream::WRITE_THROTTLED),
                        read_throttled: m.last_second(stream::READ_THROTTLED),
                        iterator_age_ms: m.last_second(stream::ITERATOR_AGE),
                        throttled_total: m.total(stream::WRITE_THROTTLED),
                        shards: sim
                            .stream(i)
                            .map(|s| {
                                s.open
                                    .iter()
                                    .map(|&id| {
                                        let shard = &s.shards[id];
                                        ShardHeat {
                                            id,
                                            write: shard.write_utilisation(),
                                            read: shard.read_utilisation(),
                                            throttled: shard.last_second.throttled,
                                        }
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    },
                    NodeKind::Consumer => NodeFigures::Consumer {
                        processed: m.last_second(consumer::RECORDS_PROCESSED),
                        unread_ms: m.last_second(consumer::OLDEST_UNREAD_AGE),
                    },
                    NodeKind::Firehose => NodeFigures::Firehose {
                        incoming: m.last_second(firehose::INCOMING_RECORDS),
                        incoming_bytes: m.last_second(firehose::INCOMING_BYTES),
                        throttled: m.last_second(firehose::THROTTLED_RECORDS),
                        delivered: m.last_second(firehose::DELIVERY_RECORDS),
                        freshness_s: m.last_second(firehose::DATA_FRESHNESS),
                        buffered_bytes: m.last_second(firehose::BUFFERED_BYTES),
                        lost_total: m.total(firehose::RECORDS_LOST),
                    },
                    NodeKind::KclApp => NodeFigures::Kcl {
                        processed: m.last_second(kcl::RECORDS_PROCESSED),
                        unread_ms: m.last_second(kcl::OLDEST_UNREAD_AGE),
                        live_workers: m.last_second(kcl::LIVE_WORKERS),
                        duplicates_total: m.total(kcl::DUPLICATE_RECORDS),
                    },
                    NodeKind::Destination => NodeFigures::Destination {
                        records: m.last_second(destination::RECORDS),
                        bytes: m.last_second(destination::BYTES),
                        down: m.last_second(destination::DOWN) > 0.0,
                    },
                    NodeKind::SqsQueue => NodeFigures::Queue {
                        visible: m.last_second(queue::VISIBLE),
                        in_flight: m.last_second(queue::NOT_VISIBLE),
                        oldest_age_ms: m.last_second(queue::OLDEST_AGE),
                        sent: m.last_second(queue::SENT),
                        duplicates: m.last_second(queue::DUPLICATES),
                        dead_lettered: m.last_second(queue::MOVED_TO_DLQ),
                        throttled: m.last_second(queue::THROTTLED_CALLS),
                    },
                    NodeKind::WorkerPool => NodeFigures::WorkerPool {
                        processed: m.last_second(worker_pool::PROCESSED),
                        busy: m.last_second(worker_pool::BUSY_WORKERS),
                        workers: sim.worker_pool(i).map_or(0.0, |p| p.workers.len() as f64),
                        forwarded: m.last_second(worker_pool::FORWARDED),
                    },
                    NodeKind::Lambda => NodeFigures::Lambda {
                        invocations: m.last_second(lambda::INVOCATIONS),
                        concurrency: m.last_second(lambda::CONCURRENT_EXECUTIONS),
                        throttles: m.last_second(lambda::THROTTLES),
                        errors: m.last_second(lambda::ERRORS),
                        processed: m.last_second(lambda::RECORDS_PROCESSED),
                        // A stream source whose polls are refused reports no
                        // IteratorAge; its unread records still age.
                        iterator_age_ms: m
                            .last_second(lambda::ITERATOR_AGE)
                            .max(m.last_second(lambda::OLDEST_UNREAD_AGE)),
                    },
                }
            })
            .collect();
        let tallies = (0..sim.slots().len()).map(|i| tally(sim, i)).collect();
        let gauges = (0..sim.slots().len()).map(|i| gauge(sim, i)).collect();
        let cost_items = sim.cost().items();
        Snapshot {
            now_ms: sim.now(),
            ledger: sim.ledger(),
            cost_usd: cost_items.iter().map(|i| i.usd).sum(),
            monthly_usd: sim.cost().monthly_projection_usd(sim.now()),
            cost_items,
            nodes,
            events: sim
                .journal_entries()
                .rev()
                .take(EVENTS_SHOWN)
                .map(|e| Event {
                    t: e.t,
                    node: sim.scenario().nodes[e.node].label().to_string(),
                    text: e.text.clone(),
                    refused: e.refused,
                })
                .collect(),
            alarming: Vec::new(),
            tallies,
            gauges,
        }
    }

    /// Records per second flowing along the wire from node `from` to
    /// node `to`, and how many of them were refused.
    pub fn wire_flow(&self, from: usize, to: usize) -> (f64, f64) {
        match (self.nodes.get(from), self.nodes.get(to)) {
            (
                Some(NodeFigures::Producer { .. }),
                Some(NodeFigures::Stream { incoming, throttled, .. }),
            ) => (*incoming, *throttled),
            (
                Some(
                    NodeFigures::Producer { .. }
                    | NodeFigures::Stream { .. }
                    | NodeFigures::Consumer { .. }
                    | NodeFigures::Kcl { .. },
                ),
                Some(NodeFigures::Firehose { incoming, throttled, .. }),
            ) => (*incoming, *throttled),
            (
                Some(NodeFigures::Firehose { delivered, .. }),
                Some(NodeFigures::Destination { .. }),
            ) => (*delivered, 0.0),
            (
                _,
                Some(NodeFigures::Consumer { processed, .. } | NodeFigures::Kcl { processed, .. }),
            ) => (*processed, 0.0),
            (
                Some(NodeFigures::Consumer { .. } | NodeFigures::Kcl { .. }),
                Some(NodeFigures::Stream { incoming, throttled, .. }),
            ) => (*incoming, *throttled),
            (
                Some(NodeFigures::Producer { retried, given_up, .. }),
                Some(NodeFigures::Queue { sent, .. }),
            ) => (*sent, retried + given_up),
            // A queue's link to another queue carries its dead letters.
            (Some(NodeFigures::Queue { dead_lettered, .. }), Some(NodeFigures::Queue { .. })) => {
                (*dead_lettered, 0.0)
            }
            (Some(NodeFigures::WorkerPool { forwarded, .. }), _) => (*forwarded, 0.0),
            (_, Some(NodeFigures::WorkerPool { processed, .. })) => (*processed, 0.0),
            (_, Some(NodeFigures::Lambda { processed, .. })) => (*processed, 0.0),
            // A function's link to a queue carries notices of failed batches.
            (Some(NodeFigures::Lambda { .. }), Some(NodeFigures::Queue { sent, .. })) => {
                (*sent, 0.0)
            }
            _ => (0.0, 0.0),
        }
    }

    /// What waits on the wire from `from` to `to`: records being retried
    /// after throttling on a producer's wire, messages in a queue (by the
    /// oldest one's age) on the queue's wire, unread records (the reader's
    /// lag) on a stream reader's wire. `None` where nothing waits.
    pub fn wire_backlog(&self, from: usize, to: usize) -> Option<Backlog> {
        match (self.nodes.get(from)?, self.nodes.get(to)?) {
            (NodeFigures::Producer { .. }, NodeFigures::Stream { incoming, throttled, .. }) => {
                let tried = incoming + throttled;
                let share = if tried > 0.0 { throttled / tried } else { 0.0 };
                let health = if share >= 0.1 {
                    Health::Failing
                } else if share > 0.0 {
                    Health::Hot
                } else {
                    Health::Ok
                };
                Some(Backlog {
                    fill: share,
                    health,
                    label: format!("{} of writes wait to retry", format::percent(share)),
                })
            }
            (NodeFigures::Queue { visible, oldest_age_ms, .. }, _) => {
                let gauge = self.gauges.get(from).copied().flatten()?;
                Some(Backlog {
                    fill: gauge.fill(),
                    health: gauge.health(),
                    label: format!(
                        "{} messages wait; the oldest for {}",
                        format::count(*visible),
                        format::millis(*oldest_age_ms)
                    ),
                })
            }
            (
                _,
                NodeFigures::Consumer { unread_ms: behind_ms, .. }
                | NodeFigures::Kcl { unread_ms: behind_ms, .. }
                | NodeFigures::Lambda { iterator_age_ms: behind_ms, .. },
            ) => {
                let gauge = AgeGauge { label: "", ms: *behind_ms, limit_ms: 24.0 * 3_600_000.0 };
                Some(Backlog {
                    fill: gauge.fill(),
                    health: gauge.health(),
                    label: format!("{} of records wait unread", format::millis(*behind_ms)),
                })
            }
            _ => None,
        }
    }

    /// The first stream's figures, which the headline cards show.
    pub fn first_stream(&self) -> Option<&NodeFigures> {
        self.nodes.iter().find(|n| matches!(n, NodeFigures::Stream { .. }))
    }
}

/// A node's losses and refusals since the start (see [`Tally`]).
fn tally(sim: &Simulation, node: usize) -> Tally {
    let m = sim.metrics(node);
    match sim.slots()[node].kind {
        NodeKind::Producer => {
            Tally { lost: m.total(producer::USER_RECORD_EXPIRED), ..Tally::default() }
        }
        NodeKind::KinesisStream => Tally {
            throttled: m.total(stream::WRITE_THROTTLED),
            expired: m.total(stream::EXPIRED_RECORDS),
            ..Tally::default()
        },
        NodeKind::Firehose => Tally {
            throttled: m.total(firehose::THROTTLED_RECORDS),
            lost: m.total(firehose::RECORDS_LOST),
            ..Tally::default()
        },
        NodeKind::SqsQueue => Tally {
            expired: m.total(queue::EXPIRED),
            dead_lettered: m.total(queue::MOVED_TO_DLQ),
            ..Tally::default()
        },
        NodeKind::Consumer
        | NodeKind::KclApp
        | NodeKind::Destination
        | NodeKind::WorkerPool
        | NodeKind::Lambda => Tally::default(),
    }
}

/// A node's age gauge: a stream's iterator age against its retention.
fn gauge(sim: &Simulation, node: usize) -> Option<AgeGauge> {
    match &sim.scenario().nodes[node].spec {
        sim_core::NodeSpec::KinesisStream(spec) => Some(AgeGauge {
            label: "Iterator age",
            ms: sim.metrics(node).last_second(stream::ITERATOR_AGE),
            limit_ms: f64::from(spec.retention_h) * 3_600_000.0,
        }),
        // Firehose holds undeliverable data for up to 24 hours (aws-facts 3).
        sim_core::NodeSpec::Firehose(_) => Some(AgeGauge {
            label: "Data freshness",
            ms: sim.metrics(node).last_second(firehose::DATA_FRESHNESS) * 1_000.0,
            limit_ms: 24.0 * 3_600_000.0,
        }),
        sim_core::NodeSpec::SqsQueue(spec) => Some(AgeGauge {
            label: "Oldest message",
            ms: sim.metrics(node).last_second(queue::OLDEST_AGE),
            limit_ms: f64::from(spec.retention_s) * 1_000.0,
        }),
        sim_core::NodeSpec::Producer(_)
        | sim_core::NodeSpec::Consumer(_)
        | sim_core::NodeSpec::KclApp(_)
        | sim_core::NodeSpec::Destination(_)
        | sim_core::NodeSpec::WorkerPool(_)
        | sim_core::NodeSpec::Lambda(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{DEFAULT_SCENARIO, load_scenario};

    fn default_after(seconds: u64) -> Snapshot {
        let valid = load_scenario(DEFAULT_SCENARIO).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(seconds * 1_000);
        Snapshot::capture(&sim)
    }

    #[test]
    fn the_hot_key_streams_tally_counts_its_throttled_writes() {
        let snap = default_after(30);
        let NodeFigures::Stream { throttled_total, .. } = &snap.nodes[1] else { panic!() };
        assert!(*throttled_total > 0.0);
        assert_eq!(snap.tallies[1].throttled, *throttled_total);
        assert_eq!(snap.tallies[1].badges(), vec![("throttled", "⊘", *throttled_total)]);
        assert!(snap.tallies[2].badges().is_empty(), "the consumer lost nothing");
    }

    #[test]
    fn streams_have_an_iterator_age_gauge_against_their_retention() {
        let snap = default_after(10);
        let gauge = snap.gauges[1].expect("a stream has a gauge");
        assert_eq!(gauge.limit_ms, 24.0 * 3_600_000.0);
        assert!(snap.gauges[0].is_none(), "a producer has none");
    }

    #[test]
    fn a_queue_counts_dead_lettered_messages_and_gauges_its_oldest_against_retention() {
        let json = sim_core::BUNDLED_SCENARIOS
            .iter()
            .find(|(file, _)| *file == "poison-message-dlq.json")
            .expect("bundled")
            .1;
        let valid = load_scenario(json).unwrap();
        let retention_s = match &valid.scenario().nodes[1].spec {
            sim_core::NodeSpec::SqsQueue(q) => q.retention_s,
            _ => panic!("node 1 is the queue"),
        };
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(300_000);
        let snap = Snapshot::capture(&sim);
        let moved = sim.metrics(1).total(queue::MOVED_TO_DLQ);
        assert!(moved > 0.0, "poison messages reach the DLQ in five minutes");
        assert_eq!(snap.tallies[1].dead_lettered, moved);
        let gauge = snap.gauges[1].expect("a queue has an age gauge");
        assert_eq!(gauge.label, "Oldest message");
        assert_eq!(gauge.limit_ms, f64::from(retention_s) * 1_000.0);
        assert!(snap.wire_backlog(1, 2).is_some(), "the queue's wire shows what waits");
    }

    #[test]
    fn age_gauges_fill_on_a_log_scale_up_to_the_limit() {
        let at = |ms| AgeGauge { label: "", ms, limit_ms: 86_400_000.0 };
        assert_eq!(at(500.0).fill(), 0.0);
        assert!((at(86_400_000.0).fill() - 1.0).abs() < 1e-9);
        assert!(at(60_000.0).fill() > 0.3 && at(60_000.0).fill() < 0.4, "a minute is a third");
        assert_eq!(at(60_000.0).health(), Health::Failing);
        assert_eq!(at(6_000.0).health(), Health::Hot);
    }

    #[test]
    fn a_throttled_producer_wire_shows_the_share_waiting_to_retry() {
        let snap = default_after(30);
        let backlog = snap.wire_backlog(0, 1).expect("producer to stream");
        assert!(backlog.fill > 0.0 && backlog.fill < 1.0);
        assert_eq!(backlog.health, Health::Failing, "the hot key throttles a large share");
        assert!(backlog.label.ends_with("of writes wait to retry"));
        assert!(snap.wire_backlog(1, 2).is_some(), "a consumer's wire shows its lag");
        assert!(snap.wire_backlog(2, 0).is_none());
    }
}
