//! A stream consumer's spec: its part of the scenario document (data, read by
//! validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

/// A shared-throughput polling consumer (GetRecords), one reader per shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsumerSpec {
    /// Idle time between reads of a shard (KCL `idleTimeBetweenReadsInMillis`).
    pub poll_interval_ms: u64,
    /// GetRecords `Limit` (aws-facts 1.1: at most 10,000).
    pub max_records_per_call: u32,
    /// Where reading starts.
    pub start: StartPosition,
    /// Fixed cost of processing one batch.
    pub overhead_ms: f64,
    /// Cost per record in a batch, in microseconds.
    pub per_record_us: f64,
    /// Relative jitter of processing time, 0 to 1 (uniform +/-).
    pub jitter: f64,
    /// Shared-throughput polling or enhanced fan-out (aws-facts 1.5).
    pub read_mode: ReadMode,
    /// What it sends on, when it is wired to a stream or a delivery stream.
    #[serde(skip_serializing_if = "Forward::is_default")]
    pub forward: Forward,
}

/// How a consumer's output relates to what it processed, when it forwards
/// to another stream or delivery stream.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Forward {
    /// Records sent per record processed (0.5 filters half out, 3 fans out).
    pub ratio: f64,
    /// Size of a record sent relative to the record processed.
    pub size_ratio: f64,
}

impl Default for Forward {
    fn default() -> Self {
        Forward { ratio: 1.0, size_ratio: 1.0 }
    }
}

impl Forward {
    /// Whether it is the default (one record out per record in, same size).
    pub fn is_default(&self) -> bool {
        *self == Forward::default()
    }
}

impl Default for ConsumerSpec {
    fn default() -> Self {
        ConsumerSpec {
            poll_interval_ms: 1000,
            max_records_per_call: 10_000,
            start: StartPosition::TrimHorizon,
            overhead_ms: 10.0,
            per_record_us: 100.0,
            jitter: 0.1,
            read_mode: ReadMode::Shared,
            forward: Forward::default(),
        }
    }
}

/// How a consumer reads a stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadMode {
    /// GetRecords polling: 5 calls/s and 2 MiB/s per shard shared by all
    /// polling consumers (aws-facts 1.1).
    #[default]
    Shared,
    /// Enhanced fan-out: records pushed over SubscribeToShard, 2 MiB/s per
    /// shard for this consumer alone, ~70 ms propagation (aws-facts 1.5).
    EnhancedFanOut,
}

/// Shard iterator type for the first read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartPosition {
    /// The oldest record still retained.
    TrimHorizon,
    /// Only records written after the consumer starts.
    Latest,
}
