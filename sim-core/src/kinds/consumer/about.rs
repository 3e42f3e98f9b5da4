//! What the Polling consumer kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "Polling consumer",
    badge: "C",
    summary: "Polling consumer: calls GetRecords on every shard (5 calls/s and 2 MiB/s per shard, shared by all such consumers).",
    sns_subscriber: None,
    rank: 2,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
