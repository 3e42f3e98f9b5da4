//! What the Flink application kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "Flink application",
    badge: "MSF",
    summary: "Managed Service for Apache Flink: parallel subtasks read a stream's shards (one subtask per shard at most) and process on KPUs (1 vCPU each); when they cannot keep up, backpressure makes it fall behind.",
    sns_subscriber: None,
    rank: 2,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
