//! What the Kinesis Data Stream kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "Kinesis Data Stream",
    badge: "KDS",
    summary: "Kinesis Data Stream: each shard takes 1 MiB/s or 1,000 records/s of writes; the partition key's MD5 picks the shard.",
    sns_subscriber: None,
    rank: 1,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
