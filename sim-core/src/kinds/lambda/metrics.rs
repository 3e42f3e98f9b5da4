//! Lambda function metrics (aws-facts 5.3, `AWS/Lambda`).

use crate::metrics::catalogue::{Chart, MetricDef, Unit};
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
    crate::metrics::catalogue::OLDEST_UNREAD,
];

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] =
    &[("Concurrency", &[CONCURRENT_EXECUTIONS]), ("Throttles and errors", &[THROTTLES, ERRORS])];
