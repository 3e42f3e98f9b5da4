//! What the MSK cluster kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it.

use crate::kinds::registry::About;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "MSK cluster",
    badge: "MSK",
    summary: "Amazon MSK (managed Apache Kafka): brokers host a topic's partitions; a key goes to partition murmur2(key) mod partitions, so a hot key loads one partition and its brokers; a saturated broker delays producers instead of refusing them, and each partition is read by one consumer of the group.",
    sns_subscriber: None,
    rank: 1,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
