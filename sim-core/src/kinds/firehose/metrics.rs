//! Firehose delivery stream metrics (aws-facts 3.5, `AWS/Firehose`).
//! Deliveries to any destination count under `DeliveryToS3.*` (MODEL.md).

use crate::metrics::catalogue::{Chart, MetricDef, Unit};
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
    crate::metrics::catalogue::OLDEST_UNREAD,
];

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] =
    &[("Freshness", &[DATA_FRESHNESS]), ("Incoming", &[INCOMING_BYTES, DELIVERY_BYTES])];
