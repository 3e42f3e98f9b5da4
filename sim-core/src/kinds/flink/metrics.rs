//! Flink application metrics, in `AWS/KinesisAnalytics` (aws-facts-more 4.7).

use crate::metrics::catalogue::{Chart, MetricDef, Unit};

/// Records its source read.
pub const RECORDS_IN: usize = 0;
/// Records its operators emitted.
pub const RECORDS_OUT: usize = 1;
/// How far its reads are behind the tip of the shards.
pub const MILLIS_BEHIND_LATEST: usize = 2;
/// KPUs, the orchestration KPU included.
pub const KPUS: usize = 3;
/// Share of its vCPUs busy, in percent.
pub const CPU_UTILIZATION: usize = 4;
/// Milliseconds a subtask was busy, per second (averaged over subtasks).
pub const BUSY_TIME: usize = 5;
/// Milliseconds it was down rescaling this second.
pub const DOWNTIME: usize = 6;
/// The simulator's own: its parallelism now.
pub const PARALLELISM: usize = 7;
/// The simulator's own: age of the oldest record not read yet.
pub const OLDEST_UNREAD_AGE: usize = 8;

/// The table, indexed by the constants above.
pub const DEFS: &[MetricDef] = &[
    // aws-facts-more 4.7: the service reports them per second; summed per
    // second here, so a second's value is the rate.
    MetricDef::sum("numRecordsInPerSecond", Unit::Count),
    MetricDef::sum("numRecordsOutPerSecond", Unit::Count),
    MetricDef::reported("millisBehindLatest", Unit::Milliseconds),
    MetricDef::max("KPUs", Unit::Count),
    MetricDef::max("cpuUtilization", Unit::Percent),
    MetricDef::max("busyTimeMsPerSecond", Unit::Milliseconds),
    MetricDef::max("downtime", Unit::Milliseconds),
    MetricDef::own_max("Parallelism", Unit::Count),
    crate::metrics::catalogue::OLDEST_UNREAD,
];

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] = &[
    ("Records", &[RECORDS_IN, RECORDS_OUT]),
    ("Lag", &[MILLIS_BEHIND_LATEST]),
    ("CPU", &[CPU_UTILIZATION]),
    ("KPUs", &[KPUS]),
];
