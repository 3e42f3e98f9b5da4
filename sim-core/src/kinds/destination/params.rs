//! A Firehose destination's parameters: one row per path inside its `params`
//! (see [`crate::kinds::params`]).

use crate::kinds::params::Param;
use serde_json::Value;

/// The table, in the order the inspector shows the fields.
pub const PARAMS: &[Param] = &[
    Param::new(
        "type",
        "Where Firehose delivers: S3 objects, Redshift COPY loads, OpenSearch bulk requests or an HTTP endpoint. An SNS topic subscribes HTTP endpoints only (its HTTP/S subscriptions).",
    ),
    // Simulator bounds: a destination's speed and outages are the
    // user's assumptions, not AWS limits (MODEL.md, Firehose).
    Param::new("bytes_per_s", "How fast one delivery (object, COPY, bulk request) moves data.")
        .range(1_024.0, 10_737_418_240.0, "bytes/s"),
    Param::new("latency_ms", "Fixed time of one delivery.").range(0.0, 600_000.0, "ms"),
    Param::new(
        "outages",
        "Windows when the destination refuses deliveries, as a JSON list of {from_s, to_s}.",
    )
    .range(0.0, 100.0, "windows"),
    Param::unexplained("outages.from_s").range(0.0, 31_536_000.0, "s"),
    Param::unexplained("outages.to_s").range(0.0, 31_536_000.0, "s"),
];

/// Top-level parameters a file may leave out, with the value to show when
/// absent (see [`crate::params::optional_params`]).
pub fn optional() -> Vec<(&'static str, Value)> {
    vec![("outages", Value::Array(Vec::new()))]
}
