//! A Firehose destination's spec: its part of the scenario document (data, read by
//! validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

/// What a destination is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DestinationType {
    /// An S3 bucket: one object per flush.
    #[default]
    S3,
    /// Amazon Redshift: Firehose stages objects in S3 and loads each with a
    /// COPY, one at a time.
    Redshift,
    /// Amazon OpenSearch Service: bulk indexing requests.
    Opensearch,
    /// An HTTP endpoint (a partner or your own service).
    HttpEndpoint,
}

impl DestinationType {
    /// Its name in people's words.
    pub fn title(self) -> &'static str {
        match self {
            DestinationType::S3 => "Amazon S3",
            DestinationType::Redshift => "Amazon Redshift",
            DestinationType::Opensearch => "Amazon OpenSearch Service",
            DestinationType::HttpEndpoint => "an HTTP endpoint",
        }
    }

    /// The stable name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            DestinationType::S3 => "s3",
            DestinationType::Redshift => "redshift",
            DestinationType::Opensearch => "opensearch",
            DestinationType::HttpEndpoint => "http_endpoint",
        }
    }
}

/// A window of simulated time in whole seconds, `[from_s, to_s)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Start, in seconds since the start of the run.
    pub from_s: u64,
    /// End (exclusive), in seconds since the start of the run.
    pub to_s: u64,
}

/// A Firehose destination: how fast it takes data and when it is down.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DestinationSpec {
    /// S3, Redshift, OpenSearch or an HTTP endpoint.
    #[serde(rename = "type")]
    pub destination_type: DestinationType,
    /// Bytes per second one delivery (object, COPY, bulk request) moves.
    pub bytes_per_s: f64,
    /// Fixed time of one delivery (for Redshift, of one COPY).
    pub latency_ms: u64,
    /// When the destination refuses deliveries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outages: Vec<Window>,
}

impl Default for DestinationSpec {
    fn default() -> Self {
        DestinationSpec {
            destination_type: DestinationType::S3,
            bytes_per_s: 100.0 * 1_048_576.0,
            latency_ms: 200,
            outages: Vec::new(),
        }
    }
}
