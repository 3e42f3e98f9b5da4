//! A stream consumer (polling or enhanced fan-out)'s parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::{Param, json};
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    Param::new("read_mode", "Shared polling splits 2 MiB/s and 5 calls/s per shard among consumers; enhanced fan-out gives each its own 2 MiB/s push."),
    Param::new("poll_interval_ms", "Idle time between GetRecords calls on a shard (KCL idleTimeBetweenReadsInMillis). A refused call (ReadProvisionedThroughputExceeded) is retried after this interval (at least 200 ms) times a random 0.5 to 1.5: the simulator's stand-in for the SDK's jittered backoff, whose exact policy AWS does not document.").range(1.0, 600_000.0, "ms"),
    // aws-facts 1.1: GetRecords returns at most 10,000 records per call.
    Param::new("max_records_per_call", "GetRecords Limit: at most 10,000 records per call.").range(1.0, 10_000.0, "records"),
    Param::new("start", "TRIM_HORIZON reads from the oldest retained record; LATEST only new ones."),
    Param::new("overhead_ms", "Fixed processing time per batch.").range(0.0, 900_000.0, "ms"),
    Param::new("per_record_us", "Processing time per record; with the overhead it decides whether the consumer keeps up.").range(0.0, 1_000_000.0, "µs"),
    Param::new("jitter", "Random ± spread of processing time, 0 to 1.").range(0.0, 1.0, ""),
    Param::new("forward", "What it sends on when wired to a stream or a delivery stream."),
    // Simulator bounds (MODEL.md, Forwarding): no AWS limit applies.
    Param::new("forward.ratio", "Records sent per record processed: 0.5 filters half out, 3 fans out.").range(0.0, 100.0, "records per record"),
    Param::new("forward.size_ratio", "Size of a record sent relative to the data of the record processed (its partition key is not data). Into a stream it keeps the key it was read with, which counts toward the shard's 1 MiB/s but not toward PUT payload units (an assumption: AWS does not say).").range(0.01, 100.0, "x"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![("forward", json(crate::scenario::Forward::default()))]
}
