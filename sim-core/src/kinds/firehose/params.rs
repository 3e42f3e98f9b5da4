//! A Firehose delivery stream's parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::Param;
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    // aws-facts 3.1: BufferingHints.SizeInMBs is 1 to 128 (MiB).
    Param::new("buffer_size_mib", "Firehose flushes when this much data is buffered (1 to 128 MiB), or at the interval, whichever comes first.").range(1.0, 128.0, "MiB"),
    // aws-facts 3.1: BufferingHints.IntervalInSeconds is 0 to 900.
    Param::new("buffer_interval_s", "Firehose flushes when the oldest buffered record is this old (0 to 900 s), or at the size, whichever comes first.").range(0.0, 900.0, "s"),
    // aws-facts 3.3: Redshift, OpenSearch, Splunk and HTTP endpoints
    // retry for 0 to 7,200 s (S3 always 24 h).
    Param::new("retry_duration_s", "How long a failed delivery is retried (not S3: S3 retries for 24 hours).").range(0.0, 7_200.0, "s"),
    Param::new("s3_backup", "Records that outlive the retry duration go to an S3 backup bucket instead of being lost."),
    Param::new("transform", "An optional Lambda function that transforms records before they are buffered."),
    // aws-facts 3.6 and 2.3: S3 only; billed per GB on the 5 KB-rounded ingestion.
    Param::new("format_conversion", "Converts JSON records to Parquet or ORC before writing them to S3 (S3 destinations only), for a price per GB on the same 5 KB-rounded data as ingestion. Objects keep the records' size here: AWS gives no ratio."),
    // aws-facts 3.4: the processor's BufferSizeInMBs is 0.2 to 3 MB.
    Param::new("transform.buffer_size_mb", "Data per Lambda invocation (0.2 to 3 MB).").range(0.2, 3.0, "MB"),
    // aws-facts 3.4: BufferIntervalInSeconds, default 60 s; the 60 to
    // 900 s range is the API reference's, not yet in aws-facts.
    Param::new("transform.buffer_interval_s", "Longest wait to fill one invocation's batch.").range(60.0, 900.0, "s"),
    // aws-facts 5.3: a Lambda function runs at most 900 s.
    Param::new("transform.overhead_ms", "Fixed duration of one invocation.").range(0.0, 900_000.0, "ms"),
    // Simulator bounds: per-record time, failure probability, resizing.
    Param::new("transform.per_record_us", "Invocation time per record.").range(0.0, 1_000_000.0, "µs"),
    Param::new("transform.error_rate", "Share of invocations that fail and are retried.").range(0.0, 1.0, ""),
    // aws-facts 3.4: NumberOfRetries, default 3; the 0 to 300 range is
    // the API reference's, not yet in aws-facts.
    Param::new("transform.retries", "NumberOfRetries of a failed invocation before its records fail.").range(0.0, 300.0, "retries"),
    Param::new("transform.size_ratio", "Output bytes per input byte: a transformation may shrink or grow records.").range(0.01, 100.0, "x"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![("transform", Value::Null)]
}
