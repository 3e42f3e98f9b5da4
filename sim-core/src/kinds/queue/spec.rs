//! An SQS queue's spec: its part of the scenario document (data, read by
//! validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

/// The type of an SQS queue (aws-facts 4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueType {
    /// At-least-once delivery, best-effort order, nearly unlimited calls.
    #[default]
    Standard,
    /// Exactly-once processing and order within a message group.
    Fifo,
}

/// An Amazon SQS queue. A link to another queue makes that queue its
/// dead-letter queue (the redrive policy's target).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueSpec {
    /// Standard or FIFO.
    pub queue_type: QueueType,
    /// FIFO high-throughput mode (`FifoThroughputLimit=perMessageGroupId`,
    /// aws-facts 4.2): 70,000 calls/s per action instead of 300.
    pub high_throughput: bool,
    /// How long a received message stays hidden (aws-facts 4.1: 0 s to 12 h,
    /// default 30 s).
    pub visibility_timeout_s: u32,
    /// Delay before a sent message becomes visible (aws-facts 4.1: 0 to 900 s).
    pub delay_s: u32,
    /// How long a message is kept (aws-facts 4.1: 60 s to 14 days, default
    /// 4 days), counted from its first enqueue.
    pub retention_s: u32,
    /// `MaximumMessageSize` (aws-facts 4.1: 1 KiB to 1 MiB, default 1 MiB).
    pub max_message_bytes: u32,
    /// The redrive policy's `maxReceiveCount` (aws-facts 4.3: 1 to 1,000);
    /// used when the queue is linked to a dead-letter queue.
    pub max_receive_count: u32,
}

impl Default for QueueSpec {
    fn default() -> Self {
        QueueSpec {
            queue_type: QueueType::Standard,
            high_throughput: false,
            visibility_timeout_s: 30,
            delay_s: 0,
            retention_s: 345_600,
            max_message_bytes: 1_048_576,
            max_receive_count: 5,
        }
    }
}
