//! A Lambda function and its event source mapping's spec: its part of the scenario document (data, read by
//! validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

use crate::kinds::consumer::spec::StartPosition;

/// An AWS Lambda function and the event source mapping that invokes it. A
/// link from a queue or a stream is its event source; for a stream, a link
/// to a queue is its on-failure destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LambdaSpec {
    /// Memory in MB (aws-facts 5.3: 128 to 10,240); billed per GB-second.
    pub memory_mb: u32,
    /// Processor architecture (priced apart, aws-facts 2.5).
    pub arch: LambdaArch,
    /// Fixed time of one invocation.
    pub overhead_ms: f64,
    /// Time per record (or message) in the batch.
    pub per_record_ms: f64,
    /// Relative jitter of the duration, 0 to 1 (uniform +/-).
    pub jitter: f64,
    /// Function timeout (aws-facts 5.3: at most 900 s); a longer run fails.
    pub timeout_s: u32,
    /// Probability that an invocation fails as a whole (a transient error).
    pub error_rate: f64,
    /// Share of records that fail every time they are processed.
    pub poison_rate: f64,
    /// Reserved concurrency: this function's cap, set aside from the
    /// account's pool; none when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_concurrency: Option<u32>,
    /// The account's concurrent executions, shared by all functions
    /// (aws-facts 5.3: 1,000 by default). Every function of a scenario must
    /// give the same value.
    pub account_concurrency: u32,
    /// The event source mapping.
    pub event_source: EventSourceMapping,
    /// Asynchronous invocation (an SNS subscription): the event queue's
    /// retries and maximum event age (aws-facts 5.4).
    #[serde(skip_serializing_if = "AsyncInvoke::is_default")]
    pub async_invoke: AsyncInvoke,
}

/// How Lambda handles the events of asynchronous invocations (aws-facts
/// 5.4: `PutFunctionEventInvokeConfig`). A function an SNS topic invokes
/// uses it; other sources ignore it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AsyncInvoke {
    /// `MaximumRetryAttempts`: retries after a function error (0 to 2).
    pub maximum_retry_attempts: u32,
    /// `MaximumEventAgeInSeconds`: an event older than this is given up
    /// (60 to 21,600 s).
    pub maximum_event_age_s: u32,
}

impl Default for AsyncInvoke {
    fn default() -> Self {
        AsyncInvoke { maximum_retry_attempts: 2, maximum_event_age_s: 21_600 }
    }
}

impl AsyncInvoke {
    /// Whether it holds AWS's defaults (then files leave it out).
    pub fn is_default(&self) -> bool {
        *self == AsyncInvoke::default()
    }
}

impl Default for LambdaSpec {
    fn default() -> Self {
        LambdaSpec {
            memory_mb: 512,
            arch: LambdaArch::X86,
            overhead_ms: 20.0,
            per_record_ms: 5.0,
            jitter: 0.1,
            timeout_s: 30,
            error_rate: 0.0,
            poison_rate: 0.0,
            reserved_concurrency: None,
            account_concurrency: 1_000,
            event_source: EventSourceMapping::default(),
            async_invoke: AsyncInvoke::default(),
        }
    }
}

/// An event source mapping's settings (aws-facts 5.1 for streams, 5.2 for
/// queues). Settings that do not apply to the linked source are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventSourceMapping {
    /// `BatchSize`; 10 for a queue and 100 for a stream when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
    /// `MaximumBatchingWindowInSeconds` (0 to 300 s).
    pub batching_window_s: u32,
    /// Queue: `ScalingConfig.MaximumConcurrency` (2 to 1,000); none = 1,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_concurrency: Option<u32>,
    /// `ReportBatchItemFailures`: only failed records are retried.
    pub report_batch_item_failures: bool,
    /// Stream: concurrent batches per shard (1 to 10).
    pub parallelization_factor: u32,
    /// Stream: where reading starts.
    pub starting_position: StartPosition,
    /// Stream: split a failed batch in two and retry the halves.
    pub bisect_on_error: bool,
    /// Stream: retries of a failed batch, -1 = until the record expires.
    pub maximum_retry_attempts: i32,
    /// Stream: records older than this are skipped, -1 = no limit.
    pub maximum_record_age_s: i32,
    /// MSK: provisioned mode's event pollers (aws-facts-more 3); on-demand
    /// scaling when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_pollers: Option<ProvisionedPollers>,
}

/// An MSK event source's provisioned mode (aws-facts-more 3:
/// `ProvisionedPollerConfig`): event pollers between a minimum and a
/// maximum, each running up to 5 concurrent invocations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProvisionedPollers {
    /// `MinimumPollers` (1 to 200, default 1).
    pub minimum_pollers: u32,
    /// `MaximumPollers` (1 to 2,000, default 200).
    pub maximum_pollers: u32,
}

impl Default for ProvisionedPollers {
    fn default() -> Self {
        ProvisionedPollers { minimum_pollers: 1, maximum_pollers: 200 }
    }
}

impl Default for EventSourceMapping {
    fn default() -> Self {
        EventSourceMapping {
            batch_size: None,
            batching_window_s: 0,
            maximum_concurrency: None,
            report_batch_item_failures: false,
            parallelization_factor: 1,
            starting_position: StartPosition::Latest,
            bisect_on_error: false,
            maximum_retry_attempts: -1,
            maximum_record_age_s: -1,
            provisioned_pollers: None,
        }
    }
}

/// Lambda processor architecture (aws-facts 2.5 prices them apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LambdaArch {
    /// x86_64.
    X86,
    /// Arm (Graviton2).
    Arm,
}
