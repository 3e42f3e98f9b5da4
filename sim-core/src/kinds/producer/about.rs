//! What the Producer kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "Producer",
    badge: "P",
    summary: "Producer: batches records into PutRecords calls and retries the ones a shard throttles.",
    sns_subscriber: None,
    rank: 0,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
