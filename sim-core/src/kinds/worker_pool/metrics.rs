//! Worker pool metrics (the simulator's own names).

use crate::metrics::catalogue::{Chart, MetricDef, Unit};
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

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] = &[("Processing", &[PROCESSED]), ("Busy workers", &[BUSY_WORKERS])];
