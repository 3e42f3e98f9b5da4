//! What the Lambda function kind says about itself (palette, tooltips,
//! auto-layout) and the tables the rest of the crate reads through it: its
//! registration data, read by [`crate::kinds::registry`].

use crate::kinds::registry::About;
use crate::scenario::Subscriber;

/// The kind's registration entry.
pub const ABOUT: About = About {
    title: "Lambda function",
    badge: "λ",
    summary: "Lambda function: an event source mapping polls a queue, a stream or an MSK topic (one batch per partition at a time) and invokes it in batches, or an SNS topic invokes it per message asynchronously; all within the account's 1,000 concurrent executions.",
    sns_subscriber: Some(Subscriber::Lambda),
    rank: 2,
    params: super::params::PARAMS,
    optional: super::params::optional,
    metrics: super::metrics::DEFS,
    charts: super::metrics::CHARTS,
};
