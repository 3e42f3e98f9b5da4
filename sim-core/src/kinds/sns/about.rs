//! What the SNS topic kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "SNS topic",
    badge: "SNS",
    summary: "Amazon SNS topic: every message published is pushed to each subscription (SQS queues, Lambda functions invoked asynchronously, Firehose, HTTP/S endpoints) whose filter policy matches; failed deliveries are retried by the endpoint's delivery policy (an HTTP/S subscription's own), then go to the subscription's dead-letter queue.",
    sns_subscriber: None,
    rank: 1,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
