//! Kinesis Data Streams stream-level metrics (aws-facts 1.8).

use crate::metrics::catalogue::{Chart, MetricDef, Unit};
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

/// The stream's writes against what it refused.
pub const WRITES: Chart = ("Writes", &[INCOMING_RECORDS, WRITE_THROTTLED]);
/// How far behind its readers are.
pub const READ_LAG: Chart = ("Read lag", &[ITERATOR_AGE]);
/// An on-demand stream's charts: its write capacity against what it took.
pub const ON_DEMAND_CHARTS: &[Chart] =
    &[WRITES, ("Write capacity", &[INCOMING_BYTES, WRITE_CAPACITY]), READ_LAG];

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] = &[WRITES, READ_LAG];
