//! A Firehose delivery stream's spec: its part of the scenario document (data, read by
//! validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

/// An Amazon Data Firehose delivery stream (aws-facts 3). Its source is
/// Direct PUT (producers wired to it) or one Kinesis stream wired to it;
/// its one destination is a [`DestinationSpec`] node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FirehoseSpec {
    /// `BufferingHints.SizeInMBs` (aws-facts 3.1: 1 to 128 MiB, default 5).
    pub buffer_size_mib: u32,
    /// `BufferingHints.IntervalInSeconds` (aws-facts 3.1: 0 to 900 s,
    /// default 300).
    pub buffer_interval_s: u64,
    /// How long a failed delivery is retried for destinations other than S3
    /// (aws-facts 3.3: 0 to 7,200 s); S3 always retries for 24 hours.
    pub retry_duration_s: u64,
    /// Whether records that exhaust the retry duration go to an S3 backup
    /// bucket (otherwise they are lost). Not used for an S3 destination.
    pub s3_backup: bool,
    /// Optional Lambda data transformation (aws-facts 3.4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform: Option<TransformSpec>,
    /// Record format conversion, JSON to Parquet or ORC, for an S3
    /// destination (aws-facts 3.6), billed on the ingested GB (2.3). Left
    /// out of a file when off, so files and links without it are unchanged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub format_conversion: bool,
}

impl Default for FirehoseSpec {
    fn default() -> Self {
        FirehoseSpec {
            buffer_size_mib: 5,
            buffer_interval_s: 300,
            retry_duration_s: 300,
            s3_backup: true,
            transform: None,
            format_conversion: false,
        }
    }
}

/// A Lambda function transforming records before buffering (aws-facts 3.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TransformSpec {
    /// Processor `BufferSizeInMBs` (aws-facts 3.4: 0.2 to 3 MB, default 1).
    pub buffer_size_mb: f64,
    /// Processor `BufferIntervalInSeconds` (aws-facts 3.4: default 60 s).
    pub buffer_interval_s: u64,
    /// Fixed duration of one invocation.
    pub overhead_ms: f64,
    /// Duration per record, in microseconds.
    pub per_record_us: f64,
    /// Probability that an invocation fails.
    pub error_rate: f64,
    /// `NumberOfRetries` (aws-facts 3.4: default 3).
    pub retries: u32,
    /// Output bytes per input byte (a transformation may shrink or grow records).
    pub size_ratio: f64,
}

impl Default for TransformSpec {
    fn default() -> Self {
        TransformSpec {
            buffer_size_mb: 1.0,
            buffer_interval_s: 60,
            overhead_ms: 20.0,
            per_record_us: 50.0,
            error_rate: 0.0,
            retries: 3,
            size_ratio: 1.0,
        }
    }
}
