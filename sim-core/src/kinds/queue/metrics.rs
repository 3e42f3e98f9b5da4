//! SQS queue metrics (aws-facts 4.4, `AWS/SQS`), then the simulator's own.

use crate::metrics::catalogue::{Chart, MetricDef, Unit};
/// Messages accepted by SendMessage(Batch).
pub const SENT: usize = 0;
/// Average size of the messages sent in the second (CloudWatch keeps
/// the distribution; the model keeps the largest per-call average).
pub const SENT_SIZE: usize = 1;
/// Messages returned by ReceiveMessage.
pub const RECEIVED: usize = 2;
/// Messages deleted.
pub const DELETED: usize = 3;
/// ReceiveMessage calls that returned nothing.
pub const EMPTY_RECEIVES: usize = 4;
/// Messages available for retrieval.
pub const VISIBLE: usize = 5;
/// Messages in flight (received, not yet deleted).
pub const NOT_VISIBLE: usize = 6;
/// Messages waiting for their delay.
pub const DELAYED: usize = 7;
/// Age of the oldest message not yet deleted (CloudWatch reports
/// seconds; kept in milliseconds like the other ages).
pub const OLDEST_AGE: usize = 8;
/// Messages processed a second time (at-least-once delivery).
pub const DUPLICATES: usize = 9;
/// API calls refused by a FIFO queue's call limit (aws-facts 4.2).
pub const THROTTLED_CALLS: usize = 10;
/// Messages deleted by retention.
pub const EXPIRED: usize = 11;
/// Messages moved to the dead-letter queue.
pub const MOVED_TO_DLQ: usize = 12;
/// The table, indexed by the constants above.
pub const DEFS: &[MetricDef] = &[
    MetricDef::sum("NumberOfMessagesSent", Unit::Count),
    MetricDef::max("SentMessageSize", Unit::Bytes),
    MetricDef::sum("NumberOfMessagesReceived", Unit::Count),
    MetricDef::sum("NumberOfMessagesDeleted", Unit::Count),
    MetricDef::sum("NumberOfEmptyReceives", Unit::Count),
    MetricDef::max("ApproximateNumberOfMessagesVisible", Unit::Count),
    MetricDef::max("ApproximateNumberOfMessagesNotVisible", Unit::Count),
    MetricDef::max("ApproximateNumberOfMessagesDelayed", Unit::Count),
    MetricDef::max("ApproximateAgeOfOldestMessage", Unit::Milliseconds),
    MetricDef::own_sum("DuplicateDeliveries", Unit::Count),
    MetricDef::own_sum("ThrottledCalls", Unit::Count),
    MetricDef::own_sum("ExpiredMessages", Unit::Count),
    MetricDef::own_sum("MessagesMovedToDeadLetterQueue", Unit::Count),
];

/// The charts the app shows first for the kind.
pub const CHARTS: &[Chart] =
    &[("Backlog", &[VISIBLE, NOT_VISIBLE]), ("Age of oldest message", &[OLDEST_AGE])];
