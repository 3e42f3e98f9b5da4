//! What the Firehose delivery stream kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;
use crate::scenario::Subscriber;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "Firehose delivery stream",
    badge: "FH",
    summary: "Firehose: buffers records and delivers an object when the buffer reaches its size or its interval, whichever comes first.",
    sns_subscriber: Some(Subscriber::Firehose),
    rank: 2,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
