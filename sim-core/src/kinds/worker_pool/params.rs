//! A pool of SQS workers's parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::{Param, json};
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    Param::new("workers", "EC2 instances or containers, each with one receive loop.")
        .range(1.0, 10_000.0, "workers"),
    Param::new("per_message_ms", "Mean time to process one message.").range(
        0.0,
        43_200_000.0,
        "ms",
    ),
    Param::new(
        "service",
        "Exponential times vary like independent jobs (M/M/c); fixed times never vary.",
    ),
    // aws-facts 4.1: MaxNumberOfMessages 1 to 10.
    Param::new("max_messages", "MaxNumberOfMessages per ReceiveMessage call (1 to 10).")
        .range(1.0, 10.0, "messages"),
    // aws-facts 4.1: WaitTimeSeconds 0 (short polling) to 20 s.
    Param::new(
        "wait_time_s",
        "Long polling: how long a receive waits for a message (0 = short polling).",
    )
    .range(0.0, 20.0, "s"),
    Param::new("empty_receive_pause_ms", "Pause after an empty short-polling receive.")
        .range(1.0, 600_000.0, "ms"),
    Param::new(
        "forward",
        "What a worker sends on to the linked stream, delivery stream or queue. Into a FIFO queue each message goes in the message group of the key it was written with (AWS leaves the group to your code; keeping each key's order is the model's choice), so a hot key stays one slow group.",
    ),
    // Simulator bounds (MODEL.md, Forwarding): no AWS limit applies.
    Param::new(
        "forward.ratio",
        "Messages sent on per message processed (0.5 filters half out, 3 fans out).",
    )
    .range(0.0, 100.0, "records per record"),
    Param::new("forward.size_ratio", "Size of what is sent on relative to what was processed.")
        .range(0.01, 100.0, "x"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![("forward", json(crate::scenario::Forward::default()))]
}
