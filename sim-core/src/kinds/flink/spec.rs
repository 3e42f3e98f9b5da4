//! A Managed Service for Apache Flink application's spec: its part of the
//! scenario document (data, read by validation and the engine; see
//! [`crate::scenario`]).

use serde::{Deserialize, Serialize};

use crate::kinds::consumer::spec::{ConsumerSpec, Forward, ReadMode, StartPosition};

/// An Amazon Managed Service for Apache Flink application reading one
/// Kinesis stream and, when wired on, writing to a stream or a delivery
/// stream (aws-facts-more 4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlinkSpec {
    /// `Parallelism`: parallel subtasks of the job (aws-facts-more 4.1:
    /// default 1). With autoscaling it is the floor scaling never goes below.
    pub parallelism: u32,
    /// `ParallelismPerKPU`: subtasks sharing one KPU's vCPU (aws-facts-more
    /// 4.1: default 1, at most 8).
    pub parallelism_per_kpu: u32,
    /// `AutoScalingEnabled` (aws-facts-more 4.2: on by default).
    pub autoscaling: bool,
    /// CPU time one record costs the job, in microseconds: AWS publishes no
    /// such figure, it is the application's (like a Lambda's duration).
    pub per_record_us: f64,
    /// How long the application is down while it changes parallelism
    /// (aws-facts-more 4.2 says it is down, not for how long).
    pub scaling_downtime_s: u32,
    /// Polling (the connector's default) or enhanced fan-out (aws-facts-more 4.5).
    pub read_mode: ReadMode,
    /// Pause between GetRecords calls on a shard (aws-facts-more 4.5: the
    /// `FlinkKinesisConsumer`'s 200 ms; 5 calls a second is the shard's
    /// whole read quota).
    pub poll_interval_ms: u64,
    /// Where reading starts (aws-facts-more 4.5: LATEST by default).
    pub start: StartPosition,
    /// Its operators, as what it sends on per record processed: a filter
    /// keeps `ratio` of the records, a map changes their size by `size_ratio`.
    #[serde(skip_serializing_if = "Forward::is_default")]
    pub forward: Forward,
}

impl Default for FlinkSpec {
    fn default() -> Self {
        FlinkSpec {
            parallelism: 1,
            parallelism_per_kpu: 1,
            autoscaling: true,
            per_record_us: 500.0,
            scaling_downtime_s: 60,
            read_mode: ReadMode::Shared,
            poll_interval_ms: 200,
            start: StartPosition::Latest,
            forward: Forward::default(),
        }
    }
}

/// aws-facts-more 4.1: the KPU quota per application today (64; 32 before).
pub const MAX_KPUS: u32 = 64;

impl FlinkSpec {
    /// aws-facts-more 4.1: parallelism is at most ParallelismPerKPU times
    /// the KPU quota.
    pub fn max_parallelism(&self) -> u32 {
        self.parallelism_per_kpu.max(1) * MAX_KPUS
    }

    /// The source's reading, as a polling consumer's parameters; processing
    /// time is the application's own (see the kind's `engine.rs`).
    pub fn reader(&self) -> ConsumerSpec {
        ConsumerSpec {
            poll_interval_ms: self.poll_interval_ms,
            // aws-facts-more 4.5: GetRecords takes up to 10,000 records.
            max_records_per_call: 10_000,
            start: self.start,
            overhead_ms: 0.0,
            per_record_us: self.per_record_us,
            jitter: 0.0,
            read_mode: self.read_mode,
            forward: self.forward,
        }
    }
}
