//! What the SQS queue kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;
use crate::scenario::Subscriber;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "SQS queue",
    badge: "SQS",
    summary: "SQS queue: consumers receive up to 10 messages a call; a message not deleted within the visibility timeout is delivered again.",
    sns_subscriber: Some(Subscriber::Queue),
    rank: 1,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
