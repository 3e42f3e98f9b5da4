//! What the Worker pool kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "Worker pool",
    badge: "EC2",
    summary: "Worker pool: EC2 instances or containers, each receiving from a queue, processing, then deleting what it processed.",
    sns_subscriber: None,
    rank: 2,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
