//! An SQS queue's parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::Param;
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    Param::new("queue_type", "Standard: at-least-once, nearly unlimited calls. FIFO: order per message group, 300 calls/s per action."),
    Param::new("high_throughput", "FIFO high-throughput mode: 70,000 calls/s per action (us-east-1), 300 per partition; each message group stays on one partition. Assumed here: 234 partitions, groups placed by the MD5 of their id (AWS documents neither)."),
    // aws-facts 4.1: visibility timeout 0 s to 12 h.
    Param::new("visibility_timeout_s", "How long a received message stays hidden; if it is not deleted by then, it is delivered again. A Lambda function's timeout must not exceed it.").range(0.0, 43_200.0, "s"),
    // aws-facts 4.1: delay 0 to 900 s (15 minutes).
    Param::new("delay_s", "How long a new message stays invisible before it can be received.").range(0.0, 900.0, "s"),
    // aws-facts 4.1: retention 60 s to 1,209,600 s (14 days).
    Param::new("retention_s", "How long a message is kept before SQS deletes it, counted from its first send.").range(60.0, 1_209_600.0, "s"),
    // aws-facts 4.1: MaximumMessageSize 1,024 to 1,048,576 bytes.
    Param::new("max_message_bytes", "Largest message (and SendMessageBatch) the queue takes.").range(1_024.0, 1_048_576.0, "bytes"),
    // aws-facts 4.3: maxReceiveCount 1 to 1,000.
    Param::new("max_receive_count", "Receives without a delete after which a message moves to the dead-letter queue (a linked queue).").range(1.0, 1_000.0, "receives"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    Vec::new()
}
