//! What the Destination kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;
use crate::scenario::Subscriber;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "Destination",
    badge: "DST",
    summary: "Destination: where Firehose delivers (S3, Redshift, OpenSearch, HTTP), or an SNS topic's HTTP/S endpoint; while it is down Firehose retries, then backs up to S3 or loses data, and SNS retries by the subscription's delivery policy.",
    sns_subscriber: Some(Subscriber::Http),
    rank: 3,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
