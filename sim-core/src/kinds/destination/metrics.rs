//! Destination metrics (the simulator's names: each AWS service reports
//! its own).

use crate::metrics::catalogue::{Chart, MetricDef, Unit};
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

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] = &[("Delivered", &[BYTES]), ("Failures", &[FAILED_ATTEMPTS])];
