//! SNS topic metrics, in `AWS/SNS` (aws-facts-more 5.4).

use crate::metrics::catalogue::{Chart, MetricDef, Unit};

/// Messages published (accepted).
pub const PUBLISHED: usize = 0;
/// Notifications an endpoint accepted.
pub const DELIVERED: usize = 1;
/// Notifications SNS stopped trying to deliver.
pub const FAILED: usize = 2;
/// Notifications a filter policy rejected.
pub const FILTERED_OUT: usize = 3;
/// Notifications moved to a subscription's dead-letter queue.
pub const REDRIVEN_TO_DLQ: usize = 4;
/// Mean size of the messages published this second.
pub const PUBLISH_SIZE: usize = 5;
/// The simulator's own: messages refused by the publish quota.
pub const THROTTLED: usize = 6;
/// The simulator's own: delivery retries made.
pub const RETRIES: usize = 7;
/// The simulator's own: notifications waiting for their next retry.
pub const RETRYING: usize = 8;

/// The table, indexed by the constants above.
pub const DEFS: &[MetricDef] = &[
    MetricDef::sum("NumberOfMessagesPublished", Unit::Count),
    MetricDef::sum("NumberOfNotificationsDelivered", Unit::Count),
    MetricDef::sum("NumberOfNotificationsFailed", Unit::Count),
    MetricDef::sum("NumberOfNotificationsFilteredOut", Unit::Count),
    MetricDef::sum("NumberOfNotificationsRedrivenToDlq", Unit::Count),
    MetricDef::max("PublishSize", Unit::Bytes),
    MetricDef::own_sum("PublishThrottled", Unit::Count),
    MetricDef::own_sum("DeliveryRetries", Unit::Count),
    MetricDef::own_max("NotificationsRetrying", Unit::Count),
];

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] = &[
    ("Messages", &[PUBLISHED, THROTTLED]),
    ("Notifications", &[DELIVERED, FILTERED_OUT, FAILED]),
    ("Retries", &[RETRYING, REDRIVEN_TO_DLQ]),
];
