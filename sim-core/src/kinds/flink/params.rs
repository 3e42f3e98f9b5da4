//! A Flink application's parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::{Param, json};
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    // aws-facts-more 4.1: Parallelism is ParallelismPerKPU x the KPU quota
    // (64 KPUs today) at most: 8 x 64.
    Param::new("parallelism", "Parallel subtasks. Each shard is read by one subtask, so subtasks beyond the shard count idle. With autoscaling on, the floor it never scales below.").range(1.0, 512.0, "subtasks"),
    Param::new("parallelism_per_kpu", "ParallelismPerKPU: subtasks sharing one KPU (1 vCPU, 4 GB). KPUs = parallelism / this; CPU-bound work gains nothing from more than 1, blocking I/O does.").range(1.0, 8.0, "subtasks per KPU"),
    Param::new("autoscaling", "AutoScalingEnabled: doubles parallelism after 15 minutes at 75% CPU or more, halves it after 6 hours under 10%; the application is down while it rescales."),
    // Simulator bound: the application's own cost (aws-facts-more 4.1).
    Param::new("per_record_us", "CPU time a record costs the job: AWS publishes no figure, it is your code's. It sets CPU utilisation, and so whether the job keeps up and autoscales.").range(0.0, 1_000_000.0, "µs"),
    Param::new("scaling_downtime_s", "How long the application stops processing while it rescales (AWS documents the downtime, not its length).").range(0.0, 3_600.0, "s"),
    Param::new("read_mode", "Polling shares each shard's 5 reads/s and 2 MiB/s with every polling consumer; enhanced fan-out gets 2 MiB/s per shard of its own."),
    // aws-facts-more 4.5: 200 ms (old consumer), 250 ms (new source's idle
    // fetch interval); at least 200 ms keeps within 5 calls/s.
    Param::new("poll_interval_ms", "Pause between GetRecords calls on a shard: 200 ms is 5 calls a second, a shard's whole read quota.").range(200.0, 600_000.0, "ms"),
    Param::new("start", "LATEST (the connector's default) reads only new records; TRIM_HORIZON from the oldest retained one."),
    Param::new("forward", "Its operators: a filter keeps a share of the records, a map changes their size."),
    // Simulator bounds (MODEL.md, Forwarding): no AWS limit applies.
    Param::new("forward.ratio", "Records sent per record processed: 0.2 is a filter keeping a fifth, 2 a flatMap doubling them.").range(0.0, 100.0, "records per record"),
    Param::new("forward.size_ratio", "Size of a record sent relative to the record processed (a map that trims or enriches).").range(0.01, 100.0, "x"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![("forward", json(crate::scenario::Forward::default()))]
}
