//! KCL application metrics: the KCL's own `RecordsProcessed` and
//! `MillisBehindLatest`, and the simulator's lease figures.

use crate::metrics::catalogue::{Chart, MetricDef, Unit};
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
    crate::metrics::catalogue::OLDEST_UNREAD,
];

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] =
    &[("Processing", &[RECORDS_PROCESSED, DUPLICATE_RECORDS]), ("Lag", &[MILLIS_BEHIND_LATEST])];
