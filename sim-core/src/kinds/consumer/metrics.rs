//! Polling consumer metrics, named after the KCL's.

use crate::metrics::catalogue::{Chart, MetricDef, Unit};
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
    crate::metrics::catalogue::OLDEST_UNREAD,
];

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] =
    &[("Processing", &[RECORDS_PROCESSED]), ("Lag", &[MILLIS_BEHIND_LATEST])];
