//! What the KCL application kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "KCL application",
    badge: "KCL",
    summary: "KCL application: workers lease shards and checkpoint; when a worker dies, others take its leases after the failover time and reprocess since the last checkpoint.",
    sns_subscriber: None,
    rank: 2,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
