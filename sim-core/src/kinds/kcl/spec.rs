//! A KCL application's spec: its part of the scenario document (data, read by
//! validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

use crate::kinds::consumer::spec::{ConsumerSpec, Forward, ReadMode, StartPosition};

/// A KCL application reading a stream by GetRecords polling (aws-facts 6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KclSpec {
    /// Workers (application instances); each shard's lease is held by one.
    pub workers: u32,
    /// `failoverTimeMillis`: a lease not renewed for this long can be taken
    /// (aws-facts 6: 10,000 ms).
    pub failover_time_ms: u64,
    /// `idleTimeBetweenReadsInMillis` (aws-facts 6: 1,000 ms in KCL 1.x and
    /// 2.0 to 2.5, 1,500 ms later).
    pub idle_time_between_reads_ms: u64,
    /// `maxRecords` per GetRecords (aws-facts 6: 10,000).
    pub max_records: u32,
    /// Checkpoint after this many records processed on a shard (0: never by count).
    pub checkpoint_every_records: u64,
    /// Checkpoint when this long has passed since the last one (0: never by time).
    pub checkpoint_every_s: u64,
    /// Where a new lease starts reading.
    pub start: StartPosition,
    /// Fixed cost of processing one batch.
    pub overhead_ms: f64,
    /// Cost per record in a batch, in microseconds.
    pub per_record_us: f64,
    /// Relative jitter of processing time, 0 to 1 (uniform +/-).
    pub jitter: f64,
    /// What it sends on, when it is wired to a stream or a delivery stream.
    #[serde(skip_serializing_if = "Forward::is_default")]
    pub forward: Forward,
}

impl Default for KclSpec {
    fn default() -> Self {
        KclSpec {
            workers: 2,
            failover_time_ms: 10_000,
            idle_time_between_reads_ms: 1_000,
            max_records: 10_000,
            checkpoint_every_records: 10_000,
            checkpoint_every_s: 60,
            start: StartPosition::TrimHorizon,
            overhead_ms: 10.0,
            per_record_us: 100.0,
            jitter: 0.1,
            forward: Forward::default(),
        }
    }
}

impl KclSpec {
    /// The record processors' reading and processing, as a polling
    /// consumer's parameters.
    pub fn reader(&self) -> ConsumerSpec {
        ConsumerSpec {
            poll_interval_ms: self.idle_time_between_reads_ms,
            max_records_per_call: self.max_records,
            start: self.start,
            overhead_ms: self.overhead_ms,
            per_record_us: self.per_record_us,
            jitter: self.jitter,
            read_mode: ReadMode::Shared,
            forward: self.forward,
        }
    }
}
