//! What a pipeline must achieve, as data: the scenario's optional
//! `objectives` block. Checking a run against it is
//! [`crate::objectives`]'s work.

use serde::{Deserialize, Serialize};

/// What a configuration must achieve. Every field is optional in JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Objectives {
    /// No record refused by a shard's write limits.
    pub no_write_throttling: bool,
    /// No GetRecords call refused by a shard's read limits.
    pub no_read_throttling: bool,
    /// `GetRecords.IteratorAgeMilliseconds` p99 at most this, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_iterator_age_p99_ms: Option<f64>,
    /// SQS `ApproximateAgeOfOldestMessage` at most this many seconds, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_oldest_message_age_s: Option<f64>,
    /// Firehose `DeliveryToS3.DataFreshness` at most this many seconds, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_data_freshness_s: Option<f64>,
    /// The p99 of record latency (put to processed, per measuring node;
    /// MODEL.md, Latency) at most this many ms everywhere, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_latency_p99_ms: Option<f64>,
    /// The p99 of end-to-end record latency (from birth at a producer,
    /// through every hand-off, to each measuring node; MODEL.md, Latency)
    /// at most this many ms everywhere, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_end_to_end_p99_ms: Option<f64>,
    /// The longest a record waits in a Kafka producer for an MSK cluster
    /// that slows it down (`ProducerWaitAge`, MODEL.md "Amazon MSK") at
    /// most this many ms, if set. Without it a planner takes a delay for
    /// free: MSK delays over-quota writes instead of refusing them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_producer_wait_ms: Option<f64>,
    /// Nothing lost: no record given up by a producer, expired from a stream
    /// or queue, dead-lettered, failed, or dropped by a Firehose.
    pub no_data_lost: bool,
    /// Producers' rates are multiplied by this (test against 2x today's peak).
    pub traffic_multiplier: f64,
}

impl Default for Objectives {
    fn default() -> Self {
        Objectives {
            no_write_throttling: true,
            no_read_throttling: false,
            max_iterator_age_p99_ms: None,
            max_oldest_message_age_s: None,
            max_data_freshness_s: None,
            max_latency_p99_ms: None,
            max_end_to_end_p99_ms: None,
            max_producer_wait_ms: None,
            no_data_lost: true,
            traffic_multiplier: 1.0,
        }
    }
}
