//! MSK cluster metrics, in `AWS/Kafka` (aws-facts-more 1.7), plus the
//! simulator's own.

use crate::metrics::catalogue::{Chart, MetricDef, Unit};

/// Bytes the cluster took from producers (leaders only, replicas not counted).
pub const BYTES_IN: usize = 0;
/// Bytes the consumer group read.
pub const BYTES_OUT: usize = 1;
/// Records the cluster took from producers.
pub const MESSAGES_IN: usize = 2;
/// The fullest broker's disk, in percent.
pub const DISK_USED: usize = 3;
/// Offset lag of the partition furthest behind.
pub const MAX_OFFSET_LAG: usize = 4;
/// Offset lag summed over partitions.
pub const SUM_OFFSET_LAG: usize = 5;
/// Seconds to drain `MaxOffsetLag`.
pub const EST_MAX_TIME_LAG: usize = 6;
/// The simulator's own: the busiest broker's writes against its capacity, in percent.
pub const BROKER_WRITE_LOAD: usize = 7;
/// The simulator's own: age of the oldest record waiting in a producer.
pub const PRODUCER_WAIT: usize = 8;
/// The simulator's own: records lost after `delivery.timeout.ms`.
pub const RECORDS_LOST: usize = 9;
/// The simulator's own: records removed by retention before being read.
pub const RECORDS_EXPIRED: usize = 10;
/// The simulator's own: records the consumer group processed.
pub const RECORDS_CONSUMED: usize = 11;
/// The simulator's own: consumers with no partition.
pub const IDLE_CONSUMERS: usize = 12;

/// Serverless: the bytes the topic stores (one copy), in the slot of
/// `KafkaDataLogsDiskUsed` (a Serverless cluster has no broker disk).
pub const STORED_BYTES: usize = DISK_USED;
/// Serverless: `MaxEstimatedTimeLag`, the slot of provisioned
/// `EstimatedMaxTimeLag` (aws-facts-more 2.2 notes the different name).
pub const MAX_EST_TIME_LAG: usize = EST_MAX_TIME_LAG;
/// Serverless, the simulator's own: the busiest ingress quota's use (a
/// partition's 5 MBps or the cluster's 200 MBps), in percent; at 100
/// producers are slowed down. The slot of `BrokerWriteLoad`.
pub const QUOTA_LOAD: usize = BROKER_WRITE_LOAD;

/// The table, indexed by the constants above.
pub const DEFS: &[MetricDef] = &[
    MetricDef::sum("BytesInPerSec", Unit::Bytes),
    MetricDef::sum("BytesOutPerSec", Unit::Bytes),
    MetricDef::sum("MessagesInPerSec", Unit::Count),
    MetricDef::max("KafkaDataLogsDiskUsed", Unit::Percent),
    MetricDef::max("MaxOffsetLag", Unit::Count),
    MetricDef::max("SumOffsetLag", Unit::Count),
    MetricDef::max("EstimatedMaxTimeLag", Unit::Seconds),
    MetricDef::own_max("BrokerWriteLoad", Unit::Percent),
    MetricDef::own_max("ProducerWaitAge", Unit::Milliseconds),
    MetricDef::own_sum("RecordsLost", Unit::Count),
    MetricDef::own_sum("RecordsExpired", Unit::Count),
    MetricDef::own_sum("RecordsConsumed", Unit::Count),
    MetricDef::own_max("IdleConsumers", Unit::Count),
];

/// The table of a Serverless cluster: the same slots, with Serverless's
/// names where they differ (aws-facts-more 2.2).
pub const SERVERLESS_DEFS: &[MetricDef] = &[
    MetricDef::sum("BytesInPerSec", Unit::Bytes),
    MetricDef::sum("BytesOutPerSec", Unit::Bytes),
    MetricDef::sum("MessagesInPerSec", Unit::Count),
    MetricDef::own_max("StoredBytes", Unit::Bytes),
    MetricDef::max("MaxOffsetLag", Unit::Count),
    MetricDef::max("SumOffsetLag", Unit::Count),
    MetricDef::max("MaxEstimatedTimeLag", Unit::Seconds),
    MetricDef::own_max("QuotaLoad", Unit::Percent),
    MetricDef::own_max("ProducerWaitAge", Unit::Milliseconds),
    MetricDef::own_sum("RecordsLost", Unit::Count),
    MetricDef::own_sum("RecordsExpired", Unit::Count),
    MetricDef::own_sum("RecordsConsumed", Unit::Count),
    MetricDef::own_max("IdleConsumers", Unit::Count),
];

/// The charts the app shows first for a Serverless cluster.
pub const SERVERLESS_CHARTS: &[Chart] = &[
    ("Messages", &[MESSAGES_IN, RECORDS_CONSUMED]),
    ("Lag", &[SUM_OFFSET_LAG, MAX_OFFSET_LAG]),
    ("Quotas", &[QUOTA_LOAD]),
    ("Producer wait", &[PRODUCER_WAIT]),
];

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] = &[
    ("Messages", &[MESSAGES_IN, RECORDS_CONSUMED]),
    ("Lag", &[SUM_OFFSET_LAG, MAX_OFFSET_LAG]),
    ("Brokers", &[BROKER_WRITE_LOAD, DISK_USED]),
    ("Producer wait", &[PRODUCER_WAIT]),
];
