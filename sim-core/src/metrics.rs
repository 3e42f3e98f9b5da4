//! Metrics with CloudWatch names and units, at one-second resolution, kept
//! in fixed-capacity tiers (1 s, 1 min, 1 h) so memory stays flat however
//! long a run lasts.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::scenario::{NodeKind, NodeSpec};
use crate::time::{HOUR, MINUTE, SECOND, SimTime};

/// CloudWatch unit of a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// A number of things (records, calls).
    Count,
    /// Bytes.
    Bytes,
    /// Milliseconds.
    Milliseconds,
    /// Seconds.
    Seconds,
}

impl Unit {
    /// The CloudWatch spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Bytes => "Bytes",
            Unit::Milliseconds => "Milliseconds",
            Unit::Seconds => "Seconds",
        }
    }
}

/// How samples within one period combine into the period's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    /// Total of the samples (counts, bytes).
    Sum,
    /// Largest sample (ages, gauges).
    Maximum,
}

impl Statistic {
    /// The CloudWatch spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Sum => "Sum",
            Statistic::Maximum => "Maximum",
        }
    }
}

/// Who publishes a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// AWS (or the AWS library the node stands for: the KPL, the KCL), under
    /// this name.
    Aws,
    /// The simulator: a figure AWS does not publish (records that expired
    /// unread, open shards, duplicates), shown so the run can be explained.
    Simulator,
}

/// What a second without a sample holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The gauge's last value (an age keeps growing between reads).
    Repeat,
    /// No datapoint, as in CloudWatch: the value comes only with a response
    /// (MillisBehindLatest is in successful GetRecords responses only, so a
    /// reader whose calls are all refused reports nothing, not 0).
    NoData,
}

/// A metric's identity: CloudWatch name, unit and natural statistic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricDef {
    /// CloudWatch metric name, e.g. `IncomingRecords`.
    pub name: &'static str,
    /// CloudWatch unit.
    pub unit: Unit,
    /// The statistic the UI and summary use for it.
    pub stat: Statistic,
    /// Whether AWS publishes it or the simulator adds it.
    pub source: Source,
    /// What a second without a sample holds.
    pub missing: Missing,
}

impl MetricDef {
    const fn new(name: &'static str, unit: Unit, stat: Statistic, source: Source) -> Self {
        MetricDef { name, unit, stat, source, missing: Missing::Repeat }
    }
    const fn sum(name: &'static str, unit: Unit) -> Self {
        Self::new(name, unit, Statistic::Sum, Source::Aws)
    }
    const fn max(name: &'static str, unit: Unit) -> Self {
        Self::new(name, unit, Statistic::Maximum, Source::Aws)
    }
    /// A Maximum that only a response reports: no datapoint without one.
    const fn reported(name: &'static str, unit: Unit) -> Self {
        MetricDef { missing: Missing::NoData, ..Self::max(name, unit) }
    }
    const fn own_sum(name: &'static str, unit: Unit) -> Self {
        Self::new(name, unit, Statistic::Sum, Source::Simulator)
    }
    const fn own_max(name: &'static str, unit: Unit) -> Self {
        Self::new(name, unit, Statistic::Maximum, Source::Simulator)
    }
}

/// Producer metrics, named after the KPL's CloudWatch metrics.
pub mod producer {
    use super::{MetricDef, Unit};
    /// Records handed to the producer by the application.
    pub const USER_RECORDS_RECEIVED: usize = 0;
    /// Records accepted by the stream.
    pub const USER_RECORDS_PUT: usize = 1;
    /// Bytes of data accepted by the stream.
    pub const USER_RECORDS_DATA_PUT: usize = 2;
    /// Records given up after the last retry.
    pub const USER_RECORD_EXPIRED: usize = 3;
    /// Retry attempts made.
    pub const RETRIES: usize = 4;
    /// Kinesis records accepted: aggregated records count once each.
    pub const KINESIS_RECORDS_PUT: usize = 5;
    /// PutRecords (or PutRecord) requests sent, retries included.
    pub const REQUESTS: usize = 6;
    /// The table, indexed by the constants above.
    pub const DEFS: &[MetricDef] = &[
        MetricDef::sum("UserRecordsReceived", Unit::Count),
        MetricDef::sum("UserRecordsPut", Unit::Count),
        MetricDef::sum("UserRecordsDataPut", Unit::Bytes),
        MetricDef::sum("UserRecordExpired", Unit::Count),
        MetricDef::sum("RetriesPerRecord", Unit::Count),
        MetricDef::sum("KinesisRecordsPut", Unit::Count),
        MetricDef::own_sum("Requests", Unit::Count),
    ];
}

/// Kinesis Data Streams stream-level metrics (aws-facts 1.8).
pub mod stream {
    use super::{MetricDef, Unit};
    /// Records accepted (PutRecords successful records).
    pub const INCOMING_RECORDS: usize = 0;
    /// Bytes accepted, data plus partition keys.
    pub const INCOMING_BYTES: usize = 1;
    /// Records rejected by the per-shard write limits.
    pub const WRITE_THROTTLED: usize = 2;
    /// GetRecords calls rejected by the per-shard read limits.
    pub const READ_THROTTLED: usize = 3;
    /// Records returned by GetRecords.
    pub const GET_RECORDS_RECORDS: usize = 4;
    /// Bytes returned by GetRecords.
    pub const GET_RECORDS_BYTES: usize = 5;
    /// Age of the last record returned by a GetRecords call.
    pub const ITERATOR_AGE: usize = 6;
    /// Records that reached the end of retention before every consumer read them.
    pub const EXPIRED_RECORDS: usize = 7;
    /// Records pushed to enhanced fan-out consumers.
    pub const EFO_RECORDS: usize = 8;
    /// Bytes pushed to enhanced fan-out consumers.
    pub const EFO_BYTES: usize = 9;
    /// Open shards at the end of the second.
    pub const OPEN_SHARDS: usize = 10;
    /// On-demand streams only, and the simulator's own (CloudWatch has no
    /// such metric): the bytes the open shards could accept in the period,
    /// 1 MiB/s each (aws-facts 1.1), to chart against `IncomingBytes`.
    pub const WRITE_CAPACITY: usize = 11;
    const ALL: [MetricDef; 12] = [
        MetricDef::sum("IncomingRecords", Unit::Count),
        MetricDef::sum("IncomingBytes", Unit::Bytes),
        MetricDef::sum("WriteProvisionedThroughputExceeded", Unit::Count),
        MetricDef::sum("ReadProvisionedThroughputExceeded", Unit::Count),
        MetricDef::sum("GetRecords.Records", Unit::Count),
        MetricDef::sum("GetRecords.Bytes", Unit::Bytes),
        MetricDef::reported("GetRecords.IteratorAgeMilliseconds", Unit::Milliseconds),
        MetricDef::own_sum("ExpiredRecords", Unit::Count),
        MetricDef::sum("SubscribeToShardEvent.Records", Unit::Count),
        MetricDef::sum("SubscribeToShardEvent.Bytes", Unit::Bytes),
        MetricDef::own_max("OpenShardCount", Unit::Count),
        MetricDef::own_sum("WriteCapacityBytes", Unit::Bytes),
    ];
    /// The table of a provisioned stream, indexed by the constants above.
    pub const DEFS: &[MetricDef] = ALL.split_at(WRITE_CAPACITY).0;
    /// The table of an on-demand stream: [`DEFS`] and the write capacity,
    /// which changes by itself only there.
    pub const ON_DEMAND_DEFS: &[MetricDef] = &ALL;
}

/// The simulator's age of the oldest record a reader has not read yet.
const OLDEST_UNREAD: MetricDef = MetricDef::own_max("OldestUnreadRecordAge", Unit::Milliseconds);

/// Polling consumer metrics, named after the KCL's.
pub mod consumer {
    use super::{MetricDef, Unit};
    /// Records whose processing finished.
    pub const RECORDS_PROCESSED: usize = 0;
    /// How far the consumer's reads are behind the tip of the shard.
    pub const MILLIS_BEHIND_LATEST: usize = 1;
    /// The simulator's own: age of the oldest record its readers have not
    /// read yet (the largest over shards, sampled every second). Unlike
    /// MillisBehindLatest it needs no successful call, so a starved reader
    /// shows it growing.
    pub const OLDEST_UNREAD_AGE: usize = 2;
    /// The table, indexed by the constants above.
    pub const DEFS: &[MetricDef] = &[
        MetricDef::sum("RecordsProcessed", Unit::Count),
        MetricDef::reported("MillisBehindLatest", Unit::Milliseconds),
        super::OLDEST_UNREAD,
    ];
}

/// Firehose delivery stream metrics (aws-facts 3.5, `AWS/Firehose`).
/// Deliveries to any destination count under `DeliveryToS3.*` (MODEL.md).
pub mod firehose {
    use super::{MetricDef, Unit};
    /// Records accepted (Direct PUT or read from the stream).
    pub const INCOMING_RECORDS: usize = 0;
    /// Bytes accepted.
    pub const INCOMING_BYTES: usize = 1;
    /// PutRecordBatch requests accepted.
    pub const INCOMING_PUT_REQUESTS: usize = 2;
    /// Records refused by the Direct PUT quotas.
    pub const THROTTLED_RECORDS: usize = 3;
    /// Records delivered.
    pub const DELIVERY_RECORDS: usize = 4;
    /// Bytes delivered.
    pub const DELIVERY_BYTES: usize = 5;
    /// Objects delivered.
    pub const DELIVERY_OBJECTS: usize = 6;
    /// Age of the oldest record not yet delivered, in seconds.
    pub const DATA_FRESHNESS: usize = 7;
    /// Records written to the S3 backup after the retry duration.
    pub const BACKUP_RECORDS: usize = 8;
    /// Records dropped after the retry duration (no backup).
    pub const RECORDS_LOST: usize = 9;
    /// Bytes in the buffer at the end of the second.
    pub const BUFFERED_BYTES: usize = 10;
    /// Records read from the source stream.
    pub const READ_FROM_STREAM_RECORDS: usize = 11;
    /// Bytes read from the source stream.
    pub const READ_FROM_STREAM_BYTES: usize = 12;
    /// Longest transformation invocation.
    pub const PROCESSING_DURATION: usize = 13;
    /// Transformation invocations that succeeded.
    pub const PROCESSING_SUCCESS: usize = 14;
    /// Records the transformation failed (sent to the error output).
    pub const PROCESSING_FAILED: usize = 15;
    /// How far the reads of the source stream are behind its tip.
    pub const KINESIS_MILLIS_BEHIND_LATEST: usize = 16;
    /// The simulator's own: age of the oldest record it has not read
    /// yet from its source stream (the largest over shards, sampled every second). Unlike
    /// MillisBehindLatest it needs no successful call, so a starved reader
    /// shows it growing.
    pub const OLDEST_UNREAD_AGE: usize = 17;
    /// The table, indexed by the constants above.
    pub const DEFS: &[MetricDef] = &[
        MetricDef::sum("IncomingRecords", Unit::Count),
        MetricDef::sum("IncomingBytes", Unit::Bytes),
        MetricDef::sum("IncomingPutRequests", Unit::Count),
        MetricDef::sum("ThrottledRecords", Unit::Count),
        MetricDef::sum("DeliveryToS3.Records", Unit::Count),
        MetricDef::sum("DeliveryToS3.Bytes", Unit::Bytes),
        MetricDef::sum("DeliveryToS3.ObjectCount", Unit::Count),
        MetricDef::max("DeliveryToS3.DataFreshness", Unit::Seconds),
        MetricDef::sum("BackupToS3.Records", Unit::Count),
        MetricDef::own_sum("RecordsLost", Unit::Count),
        MetricDef::own_max("BufferedBytes", Unit::Bytes),
        MetricDef::sum("DataReadFromKinesisStream.Records", Unit::Count),
        MetricDef::sum("DataReadFromKinesisStream.Bytes", Unit::Bytes),
        MetricDef::max("ExecuteProcessing.Duration", Unit::Milliseconds),
        MetricDef::sum("ExecuteProcessing.Success", Unit::Count),
        MetricDef::own_sum("ProcessingFailed.Records", Unit::Count),
        MetricDef::reported("KinesisMillisBehindLatest", Unit::Milliseconds),
        super::OLDEST_UNREAD,
    ];
}

/// Destination metrics (the simulator's names: each AWS service reports
/// its own).
pub mod destination {
    use super::{MetricDef, Unit};
    /// Records delivered.
    pub const RECORDS: usize = 0;
    /// Bytes delivered.
    pub const BYTES: usize = 1;
    /// Deliveries (objects, COPY commands, bulk requests) that succeeded.
    pub const DELIVERIES: usize = 2;
    /// Delivery attempts refused because the destination was down.
    pub const FAILED_ATTEMPTS: usize = 3;
    /// 1 when the destination was down at the end of the second.
    pub const DOWN: usize = 4;
    /// The table, indexed by the constants above.
    pub const DEFS: &[MetricDef] = &[
        MetricDef::own_sum("DeliveredRecords", Unit::Count),
        MetricDef::own_sum("DeliveredBytes", Unit::Bytes),
        MetricDef::own_sum("Deliveries", Unit::Count),
        MetricDef::own_sum("FailedDeliveryAttempts", Unit::Count),
        MetricDef::own_max("Down", Unit::Count),
    ];
}

/// KCL application metrics: the KCL's own `RecordsProcessed` and
/// `MillisBehindLatest`, and the simulator's lease figures.
pub mod kcl {
    use super::{MetricDef, Unit};
    /// Records whose processing finished (duplicates included).
    pub const RECORDS_PROCESSED: usize = 0;
    /// How far the record processors' reads are behind the tip.
    pub const MILLIS_BEHIND_LATEST: usize = 1;
    /// Records processed again after a failover (at-least-once).
    pub const DUPLICATE_RECORDS: usize = 2;
    /// Checkpoints written.
    pub const CHECKPOINTS: usize = 3;
    /// Live workers at the end of the second.
    pub const LIVE_WORKERS: usize = 4;
    /// Leases taken over from dead workers.
    pub const LEASES_TAKEN: usize = 5;
    /// The simulator's own: age of the oldest record its readers have not
    /// read yet (the largest over shards, sampled every second). Unlike
    /// MillisBehindLatest it needs no successful call, so a starved reader
    /// shows it growing.
    pub const OLDEST_UNREAD_AGE: usize = 6;
    /// The table, indexed by the constants above.
    pub const DEFS: &[MetricDef] = &[
        MetricDef::sum("RecordsProcessed", Unit::Count),
        MetricDef::reported("MillisBehindLatest", Unit::Milliseconds),
        MetricDef::own_sum("DuplicateRecords", Unit::Count),
        MetricDef::own_sum("Checkpoints", Unit::Count),
        MetricDef::own_max("LiveWorkers", Unit::Count),
        MetricDef::own_sum("LeasesTaken", Unit::Count),
        super::OLDEST_UNREAD,
    ];
}

/// SQS queue metrics (aws-facts 4.4, `AWS/SQS`), then the simulator's own.
pub mod queue {
    use super::{MetricDef, Unit};
    /// Messages accepted by SendMessage(Batch).
    pub const SENT: usize = 0;
    /// Average size of the messages sent in the second (CloudWatch keeps
    /// the distribution; the model keeps the largest per-call average).
    pub const SENT_SIZE: usize = 1;
    /// Messages returned by ReceiveMessage.
    pub const RECEIVED: usize = 2;
    /// Messages deleted.
    pub const DELETED: usize = 3;
    /// ReceiveMessage calls that returned nothing.
    pub const EMPTY_RECEIVES: usize = 4;
    /// Messages available for retrieval.
    pub const VISIBLE: usize = 5;
    /// Messages in flight (received, not yet deleted).
    pub const NOT_VISIBLE: usize = 6;
    /// Messages waiting for their delay.
    pub const DELAYED: usize = 7;
    /// Age of the oldest message not yet deleted (CloudWatch reports
    /// seconds; kept in milliseconds like the other ages).
    pub const OLDEST_AGE: usize = 8;
    /// Messages processed a second time (at-least-once delivery).
    pub const DUPLICATES: usize = 9;
    /// API calls refused by a FIFO queue's call limit (aws-facts 4.2).
    pub const THROTTLED_CALLS: usize = 10;
    /// Messages deleted by retention.
    pub const EXPIRED: usize = 11;
    /// Messages moved to the dead-letter queue.
    pub const MOVED_TO_DLQ: usize = 12;
    /// The table, indexed by the constants above.
    pub const DEFS: &[MetricDef] = &[
        MetricDef::sum("NumberOfMessagesSent", Unit::Count),
        MetricDef::max("SentMessageSize", Unit::Bytes),
        MetricDef::sum("NumberOfMessagesReceived", Unit::Count),
        MetricDef::sum("NumberOfMessagesDeleted", Unit::Count),
        MetricDef::sum("NumberOfEmptyReceives", Unit::Count),
        MetricDef::max("ApproximateNumberOfMessagesVisible", Unit::Count),
        MetricDef::max("ApproximateNumberOfMessagesNotVisible", Unit::Count),
        MetricDef::max("ApproximateNumberOfMessagesDelayed", Unit::Count),
        MetricDef::max("ApproximateAgeOfOldestMessage", Unit::Milliseconds),
        MetricDef::own_sum("DuplicateDeliveries", Unit::Count),
        MetricDef::own_sum("ThrottledCalls", Unit::Count),
        MetricDef::own_sum("ExpiredMessages", Unit::Count),
        MetricDef::own_sum("MessagesMovedToDeadLetterQueue", Unit::Count),
    ];
}

/// Worker pool metrics (the simulator's own names).
pub mod worker_pool {
    use super::{MetricDef, Unit};
    /// Messages whose processing finished.
    pub const PROCESSED: usize = 0;
    /// Workers processing a batch at the end of the second.
    pub const BUSY_WORKERS: usize = 1;
    /// Messages or records sent on to the linked node.
    pub const FORWARDED: usize = 2;
    /// The table, indexed by the constants above.
    pub const DEFS: &[MetricDef] = &[
        MetricDef::own_sum("MessagesProcessed", Unit::Count),
        MetricDef::own_max("BusyWorkers", Unit::Count),
        MetricDef::own_sum("MessagesForwarded", Unit::Count),
    ];
}

/// Lambda function metrics (aws-facts 5.3, `AWS/Lambda`).
pub mod lambda {
    use super::{MetricDef, Unit};
    /// Invocations (successful or failed; throttles are not invocations).
    pub const INVOCATIONS: usize = 0;
    /// Invocations that failed (errors and timeouts).
    pub const ERRORS: usize = 1;
    /// Invocation requests refused for lack of concurrency.
    pub const THROTTLES: usize = 2;
    /// Longest invocation in the second.
    pub const DURATION: usize = 3;
    /// Largest number of invocations running at once in the second.
    pub const CONCURRENT_EXECUTIONS: usize = 4;
    /// Stream sources: age of the last record of a batch when it was sent.
    pub const ITERATOR_AGE: usize = 5;
    /// Records (messages) in the batches that succeeded.
    pub const RECORDS_PROCESSED: usize = 6;
    /// The simulator's own: age of the oldest record its stream event source has
    /// not read yet, or read and holds unprocessed in its buffer (the largest
    /// over shards, sampled every second). Unlike IteratorAge it needs no
    /// invocation, so a starved or blocked event source shows it growing.
    pub const OLDEST_UNREAD_AGE: usize = 7;
    /// The table, indexed by the constants above.
    pub const DEFS: &[MetricDef] = &[
        MetricDef::sum("Invocations", Unit::Count),
        MetricDef::sum("Errors", Unit::Count),
        MetricDef::sum("Throttles", Unit::Count),
        MetricDef::reported("Duration", Unit::Milliseconds),
        MetricDef::max("ConcurrentExecutions", Unit::Count),
        MetricDef::reported("IteratorAge", Unit::Milliseconds),
        MetricDef::own_sum("RecordsProcessed", Unit::Count),
        super::OLDEST_UNREAD,
    ];
}

/// The metric table of a node: its kind's, and for an on-demand stream
/// also its write capacity.
pub fn node_defs(spec: &NodeSpec) -> &'static [MetricDef] {
    if is_on_demand(spec) { stream::ON_DEMAND_DEFS } else { defs(spec.kind()) }
}

fn is_on_demand(spec: &NodeSpec) -> bool {
    matches!(spec, NodeSpec::KinesisStream(s) if s.capacity.is_on_demand())
}

/// The metric table of a node kind (an on-demand stream has one more, see
/// [`node_defs`]).
pub fn defs(kind: NodeKind) -> &'static [MetricDef] {
    match kind {
        NodeKind::Producer => producer::DEFS,
        NodeKind::KinesisStream => stream::DEFS,
        NodeKind::Consumer => consumer::DEFS,
        NodeKind::Firehose => firehose::DEFS,
        NodeKind::Destination => destination::DEFS,
        NodeKind::KclApp => kcl::DEFS,
        NodeKind::SqsQueue => queue::DEFS,
        NodeKind::WorkerPool => worker_pool::DEFS,
        NodeKind::Lambda => lambda::DEFS,
    }
}

/// A chart: its title and the metrics drawn together on it (indices into
/// the node's table).
pub type Chart = (&'static str, &'static [usize]);

/// The charts the app shows first for a node: its kind's, and for an
/// on-demand stream its write capacity against what it took.
pub fn node_charts(spec: &NodeSpec) -> &'static [Chart] {
    if is_on_demand(spec) {
        &[
            STREAM_WRITES,
            ("Write capacity", &[stream::INCOMING_BYTES, stream::WRITE_CAPACITY]),
            STREAM_READ_LAG,
        ]
    } else {
        kind_charts(spec.kind())
    }
}

const STREAM_WRITES: Chart = ("Writes", &[stream::INCOMING_RECORDS, stream::WRITE_THROTTLED]);
const STREAM_READ_LAG: Chart = ("Read lag", &[stream::ITERATOR_AGE]);

/// The charts of a node kind.
fn kind_charts(kind: NodeKind) -> &'static [Chart] {
    match kind {
        NodeKind::Producer => &[
            ("Records", &[producer::USER_RECORDS_RECEIVED, producer::USER_RECORDS_PUT]),
            ("Retries and losses", &[producer::RETRIES, producer::USER_RECORD_EXPIRED]),
        ],
        NodeKind::KinesisStream => &[STREAM_WRITES, STREAM_READ_LAG],
        NodeKind::Consumer => &[
            ("Processing", &[consumer::RECORDS_PROCESSED]),
            ("Lag", &[consumer::MILLIS_BEHIND_LATEST]),
        ],
        NodeKind::Firehose => &[
            ("Freshness", &[firehose::DATA_FRESHNESS]),
            ("Incoming", &[firehose::INCOMING_BYTES, firehose::DELIVERY_BYTES]),
        ],
        NodeKind::Destination => {
            &[("Delivered", &[destination::BYTES]), ("Failures", &[destination::FAILED_ATTEMPTS])]
        }
        NodeKind::KclApp => &[
            ("Processing", &[kcl::RECORDS_PROCESSED, kcl::DUPLICATE_RECORDS]),
            ("Lag", &[kcl::MILLIS_BEHIND_LATEST]),
        ],
        NodeKind::SqsQueue => &[
            ("Backlog", &[queue::VISIBLE, queue::NOT_VISIBLE]),
            ("Age of oldest message", &[queue::OLDEST_AGE]),
        ],
        NodeKind::WorkerPool => &[
            ("Processing", &[worker_pool::PROCESSED]),
            ("Busy workers", &[worker_pool::BUSY_WORKERS]),
        ],
        NodeKind::Lambda => &[
            ("Concurrency", &[lambda::CONCURRENT_EXECUTIONS]),
            ("Throttles and errors", &[lambda::THROTTLES, lambda::ERRORS]),
        ],
    }
}

/// One aggregated period of a series.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// Start of the period.
    pub t: SimTime,
    /// Sum of the samples.
    pub sum: f64,
    /// Largest sample.
    pub max: f64,
    /// One-second datapoints aggregated: the period's seconds, less the
    /// seconds without a datapoint of a [`Missing::NoData`] metric. 0 means
    /// the period has no datapoint.
    pub n: u32,
}

impl Point {
    /// The period's value under `stat`.
    pub fn value(&self, stat: Statistic) -> f64 {
        match stat {
            Statistic::Sum => self.sum,
            Statistic::Maximum => self.max,
        }
    }

    /// Whether the period has a datapoint (see [`Missing::NoData`]).
    pub fn has_data(&self) -> bool {
        self.n > 0
    }

    /// Adds a later period of the same coarser period.
    fn absorb(&mut self, other: &Point) {
        self.sum += other.sum;
        if other.has_data() {
            self.max = if self.has_data() { self.max.max(other.max) } else { other.max };
        }
        self.n += other.n;
    }
}

/// Resolutions kept, finest first, with how many periods each holds.
pub const TIERS: [(SimTime, usize); 3] = [(SECOND, 3_600), (MINUTE, 1_440), (HOUR, 8_760)];

/// A downsampling time series: an hour of seconds, a day of minutes and a
/// year of hours.
#[derive(Clone, Debug, Default)]
pub struct Series {
    tiers: [VecDeque<Point>; 3],
    /// The coarser periods being filled (none yet at the start).
    partial: [Option<Point>; 3],
}

impl Series {
    /// Appends the one-second point starting at `t`.
    pub fn push_second(&mut self, point: Point) {
        self.push(0, point);
    }

    fn push(&mut self, tier: usize, point: Point) {
        let (res, cap) = TIERS[tier];
        let ring = &mut self.tiers[tier];
        if ring.len() == cap {
            ring.pop_front();
        } else if ring.len() == ring.capacity() {
            // Doubling, but never past the tier's length: a year of hours
            // is 8,760 points, not the 16,384 plain doubling would reserve.
            ring.reserve_exact(ring.len().clamp(4, cap - ring.len()));
        }
        ring.push_back(point);
        if let Some(&(next_res, _)) = TIERS.get(tier + 1) {
            let partial =
                self.partial[tier + 1].get_or_insert(Point { t: point.t, ..Point::default() });
            partial.absorb(&point);
            if point.t + res >= partial.t + next_res {
                let full = *partial;
                self.partial[tier + 1] = None;
                self.push(tier + 1, full);
            }
        }
    }

    /// Memory beyond its own struct, in bytes (see [`crate::memory`]).
    pub fn heap_bytes(&self) -> u64 {
        self.tiers.iter().map(|t| crate::memory::buffer::<Point>(t.capacity())).sum()
    }

    /// The points kept at one resolution (index into [`TIERS`]), oldest first.
    pub fn tier(&self, tier: usize) -> &VecDeque<Point> {
        &self.tiers[tier]
    }

    /// The most recent one-second point.
    pub fn last(&self) -> Option<&Point> {
        self.tiers[0].back()
    }

    /// The finest tier whose points reach back to `since`.
    pub fn finest_covering(&self, since: SimTime) -> usize {
        (0..TIERS.len())
            .find(|&i| self.tiers[i].front().is_some_and(|p| p.t <= since))
            .unwrap_or(TIERS.len() - 1)
    }
}

/// Whole-run statistics of one metric over its one-second values.
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    /// Sum of the per-second values.
    pub sum: f64,
    /// Largest per-second value.
    pub max: f64,
    /// Number of seconds with a datapoint.
    pub seconds: u64,
    histogram: BTreeMap<u32, u64>,
}

impl RunStats {
    fn record(&mut self, value: f64) {
        self.sum += value;
        self.max = if self.seconds == 0 { value } else { self.max.max(value) };
        self.seconds += 1;
        *self.histogram.entry(bucket_of(value)).or_default() += 1;
    }

    /// Memory beyond its own struct, in bytes: the histogram's buckets.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::btree::<u32, u64>(self.histogram.len())
    }

    /// Mean of the per-second values.
    pub fn avg(&self) -> f64 {
        if self.seconds == 0 { 0.0 } else { self.sum / self.seconds as f64 }
    }

    /// 99th percentile of the per-second values, to within 1/128 relative
    /// (exact below 128).
    pub fn p99(&self) -> f64 {
        let rank = (self.seconds * 99).div_ceil(100);
        let mut seen = 0;
        for (&bucket, &count) in &self.histogram {
            seen += count;
            if seen >= rank {
                return bucket_floor(bucket) as f64;
            }
        }
        0.0
    }
}

/// Log-linear histogram bucket: exact below 128, then 128 buckets per power of two.
fn bucket_of(value: f64) -> u32 {
    let x = if value.is_finite() && value > 0.0 { value.round() as u64 } else { 0 };
    if x < 128 {
        return x as u32;
    }
    let e = 63 - x.leading_zeros(); // >= 7
    let sub = (x >> (e - 7)) & 127;
    (e - 6) * 128 + sub as u32
}

fn bucket_floor(bucket: u32) -> u64 {
    if bucket < 128 {
        return u64::from(bucket);
    }
    let (e, sub) = (bucket / 128 + 6, u64::from(bucket % 128));
    (128 + sub) << (e - 7)
}

/// The metrics of one node: the current second's accumulators, the series
/// and the whole-run statistics, one per [`MetricDef`].
#[derive(Clone, Debug)]
pub struct NodeMetrics {
    defs: &'static [MetricDef],
    current: Vec<Point>,
    series: Vec<Series>,
    stats: Vec<RunStats>,
}

impl NodeMetrics {
    /// Empty metrics for the given table.
    pub fn new(defs: &'static [MetricDef]) -> Self {
        NodeMetrics {
            defs,
            current: vec![Point::default(); defs.len()],
            series: vec![Series::default(); defs.len()],
            stats: vec![RunStats::default(); defs.len()],
        }
    }

    /// Adds to a Sum metric in the current second.
    pub fn add(&mut self, metric: usize, amount: f64) {
        self.current[metric].sum += amount;
    }

    /// Records a sample of a Maximum metric in the current second.
    pub fn sample(&mut self, metric: usize, value: f64) {
        let p = &mut self.current[metric];
        p.max = if p.n == 0 { value } else { p.max.max(value) };
        p.n = 1;
    }

    /// The value accumulated so far in the current (unfinished) second.
    pub fn current(&self, metric: usize) -> f64 {
        self.current[metric].value(self.defs[metric].stat)
    }

    /// Closes the second starting at `t` and starts the next one.
    pub fn close_second(&mut self, t: SimTime) {
        for (i, def) in self.defs.iter().enumerate() {
            let cur = std::mem::take(&mut self.current[i]);
            // A gauge with no sample this second keeps its last value, as the
            // age of an unread record keeps growing between reads, unless
            // only a response reports it: then the second has no datapoint.
            let (value, n) = match (def.stat, def.missing) {
                (Statistic::Maximum, Missing::NoData) if cur.n == 0 => (0.0, 0),
                (Statistic::Maximum, Missing::Repeat) if cur.n == 0 => (self.last_second(i), 1),
                (stat, _) => (cur.value(stat), 1),
            };
            let point = Point { t, sum: cur.sum, max: value, n };
            self.series[i].push_second(point);
            if n > 0 {
                self.stats[i].record(value);
            }
        }
    }

    /// Memory beyond its own struct, in bytes (see [`crate::memory`]).
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::buffer;
        buffer::<Point>(self.current.capacity())
            + buffer::<Series>(self.series.capacity())
            + self.series.iter().map(Series::heap_bytes).sum::<u64>()
            + buffer::<RunStats>(self.stats.capacity())
            + self.stats.iter().map(RunStats::heap_bytes).sum::<u64>()
    }

    /// The metric table.
    pub fn defs(&self) -> &'static [MetricDef] {
        self.defs
    }

    /// The series of one metric.
    pub fn series(&self, metric: usize) -> &Series {
        &self.series[metric]
    }

    /// The whole-run statistics of one metric.
    pub fn stats(&self, metric: usize) -> &RunStats {
        &self.stats[metric]
    }

    /// A Sum metric's total since the start, including the unfinished second.
    pub fn total(&self, metric: usize) -> f64 {
        self.stats[metric].sum + self.current[metric].sum
    }

    /// The last closed second's value of a metric (0 before the first, and
    /// when that second has no datapoint: see [`NodeMetrics::latest`]).
    pub fn last_second(&self, metric: usize) -> f64 {
        self.latest(metric).unwrap_or(0.0)
    }

    /// The last closed second's datapoint of a metric, if it has one.
    pub fn latest(&self, metric: usize) -> Option<f64> {
        let point = self.series[metric].last()?;
        point.has_data().then(|| point.value(self.defs[metric].stat))
    }
}
