//! A Firehose destination: S3, Redshift, OpenSearch or an HTTP endpoint,
//! with its throughput, the fixed time of one delivery and when it is down.

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;
use crate::scenario::{DestinationSpec, DestinationType};
use crate::time::{MINUTE, SECOND, SimTime};

/// aws-facts 3.3: Redshift COPY and OpenSearch deliveries are retried every
/// 5 minutes.
pub const FIVE_MINUTE_RETRY_MS: SimTime = 5 * MINUTE;
/// How often S3 and HTTP endpoint deliveries are retried. aws-facts 3.3
/// gives no cadence for these; MODEL.md lists the choice.
pub const SHORT_RETRY_MS: SimTime = 10 * SECOND;

/// A destination's runtime state.
#[derive(Clone, Debug)]
pub struct Destination {
    /// Parameters.
    pub spec: DestinationSpec,
    /// Down until this time (set by a scheduled fault or a command), on
    /// top of the outage windows of the spec.
    pub down_until: SimTime,
    /// Records delivered to it.
    pub records: u64,
    /// Bytes delivered to it.
    pub bytes: u64,
}

impl Destination {
    /// A destination with nothing delivered yet.
    pub fn new(spec: DestinationSpec) -> Self {
        Destination { spec, down_until: 0, records: 0, bytes: 0 }
    }

    /// Whether it refuses deliveries at `now`.
    pub fn is_down(&self, now: SimTime) -> bool {
        now < self.down_until
            || self.spec.outages.iter().any(|w| w.from_s * SECOND <= now && now < w.to_s * SECOND)
    }

    /// How long delivering `bytes` takes: the fixed latency plus the bytes
    /// at the destination's throughput.
    pub fn delivery_ms(&self, bytes: u64) -> SimTime {
        let transfer = bytes as f64 * SECOND as f64 / self.spec.bytes_per_s.max(1.0);
        self.spec.latency_ms + libm::ceil(transfer) as SimTime
    }

    /// Time between delivery attempts after a failure.
    pub fn retry_interval_ms(&self) -> SimTime {
        match self.spec.destination_type {
            DestinationType::Redshift | DestinationType::Opensearch => FIVE_MINUTE_RETRY_MS,
            DestinationType::S3 | DestinationType::HttpEndpoint => SHORT_RETRY_MS,
        }
    }

    /// Whether it is an S3 bucket (whose retry duration is fixed at 24 h
    /// and which has no backup).
    pub fn is_s3(&self) -> bool {
        self.spec.destination_type == DestinationType::S3
    }
}
