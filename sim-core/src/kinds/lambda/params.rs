//! A Lambda function and its event source mapping's parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::{Param, json};
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    // aws-facts 5.3: memory 128 to 10,240 MB.
    Param::new("memory_mb", "Function memory; billed per GB-second (1,769 MB is about 1 vCPU).").range(128.0, 10_240.0, "MB"),
    Param::new("arch", "x86 or Arm (Graviton), priced apart."),
    Param::new("overhead_ms", "Fixed duration of one invocation.").range(0.0, 900_000.0, "ms"),
    Param::new("per_record_ms", "Invocation time per record or message in the batch.").range(0.0, 900_000.0, "ms"),
    Param::new("jitter", "Relative random spread of the duration (0.1 = ±10%).").range(0.0, 1.0, ""),
    // aws-facts 5.3: the timeout is at most 900 s.
    Param::new("timeout_s", "An invocation running longer fails (at most 900 s).").range(1.0, 900.0, "s"),
    Param::new("error_rate", "Share of invocations that fail as a whole (transient errors).").range(0.0, 1.0, ""),
    Param::new("poison_rate", "Share of records that fail every time they are processed.").range(0.0, 1.0, ""),
    // aws-facts 5.3: 1,000 concurrent executions by default, "tens of
    // thousands" on request.
    Param::new("reserved_concurrency", "This function's cap, set aside from the account's pool.").range(0.0, 100_000.0, "executions"),
    Param::new("account_concurrency", "Concurrent executions the account's functions share (1,000 by default).").range(1.0, 100_000.0, "executions"),
    Param::new("event_source", "How Lambda polls its queue, stream or MSK topic and batches records."),
    // aws-facts 5.1 and 5.2: BatchSize 1 to 10,000.
    Param::new("event_source.batch_size", "Most records per invocation (queue: 10 by default, stream: 100, within the 6 MB payload); a stream's poller still reads up to 10,000 a call and sends batches back to back.").range(1.0, 10_000.0, "records"),
    // aws-facts 5.1 and 5.2: MaximumBatchingWindowInSeconds 0 to 300.
    Param::new("event_source.batching_window_s", "Longest wait to fill a batch before invoking; on a stream the records wait read, in the poller's buffer.").range(0.0, 300.0, "s"),
    // aws-facts 5.2: ScalingConfig.MaximumConcurrency 2 to 1,000.
    Param::new("event_source.maximum_concurrency", "Queue: most concurrent invocations this event source starts (2 to 1,000).").range(2.0, 1_000.0, "batches"),
    Param::new("event_source.report_batch_item_failures", "Partial batch response: only failed records are retried."),
    // aws-facts 5.1: ParallelizationFactor 1 to 10.
    Param::new("event_source.parallelization_factor", "Stream: concurrent batches per shard (1 to 10); a partition key always goes to the same batch, so many keys spread out but one hot key gains nothing.").range(1.0, 10.0, "batches/shard"),
    Param::new("event_source.starting_position", "Stream: where reading starts."),
    Param::new("event_source.bisect_on_error", "Stream: split a failed batch in two to isolate bad records."),
    // aws-facts 5.1: MaximumRetryAttempts -1 (until expiry) to 10,000.
    Param::new("event_source.maximum_retry_attempts", "Stream: retries of a failed batch; -1 retries until the record expires.").range(-1.0, 10_000.0, "retries"),
    // aws-facts 5.1: MaximumRecordAgeInSeconds -1 (no limit) or 60 to
    // 604,800; validation refuses 0 to 59 as well.
    Param::new("event_source.maximum_record_age_s", "Stream or MSK: give up failed or throttled batches older than this (60 s to 7 days); -1 means no limit.").range(-1.0, 604_800.0, "s"),
    // aws-facts-more 3: provisioned mode, MinimumPollers 1 to 200 and
    // MaximumPollers 1 to 2,000; each poller runs up to 5 invocations.
    Param::new("event_source.provisioned_pollers", "MSK: provisioned mode, event pollers you set (each runs up to 5 concurrent invocations, billed per EPU-hour); absent, on-demand scaling: one poller at first, re-evaluated every minute from the offset lag, at most one per partition."),
    Param::new("event_source.provisioned_pollers.minimum_pollers", "MSK provisioned mode: event pollers kept at least (1 to 200).").range(1.0, 200.0, "pollers"),
    Param::new("event_source.provisioned_pollers.maximum_pollers", "MSK provisioned mode: most event pollers (1 to 2,000).").range(1.0, 2_000.0, "pollers"),
    Param::new("async_invoke", "SNS subscription: Lambda queues each event and invokes the function asynchronously; throttled events return to the queue with a backoff from 1 s to 5 min until the maximum event age, failed ones are retried 1 and 2 minutes later. Not documented, so not modelled: how a long queue slows reads."),
    // aws-facts 5.4: MaximumRetryAttempts 0 to 2 (default 2).
    Param::new("async_invoke.maximum_retry_attempts", "SNS subscription: retries after a function error (0 to 2), 1 minute then 2 minutes later.").range(0.0, 2.0, "retries"),
    // aws-facts 5.4: MaximumEventAgeInSeconds 60 to 21,600 (default 6 h).
    Param::new("async_invoke.maximum_event_age_s", "SNS subscription: events older than this are given up (to the on-failure queue if wired), throttled or not (60 s to 6 h).").range(60.0, 21_600.0, "s"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![
        ("reserved_concurrency", Value::Null),
        ("async_invoke", json(crate::scenario::AsyncInvoke::default())),
    ]
}
