//! Producer metrics, named after the KPL's CloudWatch metrics (aws-facts
//! 1.8a): every target a producer writes to books them.

use crate::metrics::catalogue::{Chart, MetricDef, Unit};
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

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] = &[
    ("Records", &[USER_RECORDS_RECEIVED, USER_RECORDS_PUT]),
    ("Retries and losses", &[RETRIES, USER_RECORD_EXPIRED]),
];
