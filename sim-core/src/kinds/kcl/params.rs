//! A KCL application's parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::{Param, json};
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    Param::new("forward", "What it sends on when wired to a stream or a delivery stream."),
    // Simulator bounds (MODEL.md, Forwarding): no AWS limit applies.
    Param::new("forward.ratio", "Records sent per record processed: 0.5 filters half out, 3 fans out.").range(0.0, 100.0, "records per record"),
    Param::new("forward.size_ratio", "Size of a record sent relative to the record processed.").range(0.01, 100.0, "x"),
    // Simulator bound: aws-facts 6 sets no limit on workers.
    Param::new("workers", "Application instances; each shard's lease is held by one worker, so more shards than workers means some work several.").range(1.0, 1_000.0, "workers"),
    // aws-facts 6: failoverTimeMillis defaults to 10,000 ms.
    Param::new("failover_time_ms", "KCL failoverTimeMillis: a lease not renewed this long is taken over by another worker.").range(1_000.0, 600_000.0, "ms"),
    // aws-facts 6: idleTimeBetweenReadsInMillis is 1,000 ms (1.x, 2.0
    // to 2.5) or 1,500 ms; KCL's minimum is 200 ms.
    Param::new("idle_time_between_reads_ms", "KCL idleTimeBetweenReadsInMillis: the pause between GetRecords calls on a shard. A refused call (ReadProvisionedThroughputExceeded) is retried after this interval (at least 200 ms) times a random 0.5 to 1.5: the simulator's stand-in for the SDK's jittered backoff, whose exact policy AWS does not document.").range(200.0, 600_000.0, "ms"),
    // aws-facts 6 and 1.1: maxRecords is at most 10,000.
    Param::new("max_records", "KCL maxRecords: at most 10,000 records per GetRecords call.").range(1.0, 10_000.0, "records"),
    // Checkpoint cadence and processing time are the application's
    // choice (aws-facts 6); simulator bounds.
    Param::new("checkpoint_every_records", "Checkpoint after this many records on a shard (0: never by count); records after the last checkpoint are read again after a failover.").range(0.0, 1_000_000_000.0, "records"),
    Param::new("checkpoint_every_s", "Checkpoint at least this often (0: never by time).").range(0.0, 86_400.0, "s"),
    Param::new("start", "TRIM_HORIZON reads from the oldest retained record; LATEST only new ones."),
    Param::new("overhead_ms", "Fixed processing time per batch.").range(0.0, 900_000.0, "ms"),
    Param::new("per_record_us", "Processing time per record; with the overhead it decides whether the workers keep up.").range(0.0, 1_000_000.0, "µs"),
    Param::new("jitter", "Random ± spread of processing time, 0 to 1.").range(0.0, 1.0, ""),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![("forward", json(crate::scenario::Forward::default()))]
}
