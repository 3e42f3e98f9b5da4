//! What an SNS topic's card shows (see [`crate::view`]): publishes against
//! the quota, notifications delivered, filtered out, retrying and failed.

use super::metrics as sns;
use crate::engine::Simulation;
use crate::scenario::{NodeIndex, SnsTopicSpec};
use crate::view::{NodeFigures, Reading, Tally, ViewKind};

impl ViewKind for SnsTopicSpec {
    const LATENCY_MEANING: Option<&'static str> = None;

    /// Reads SNS topic `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        let lost = sim.topic(node).map_or(0, |t| t.discarded) as f64;
        Reading {
            figures: NodeFigures::Topic {
                published: m.last_second(sns::PUBLISHED),
                throttled: m.last_second(sns::THROTTLED),
                delivered: m.last_second(sns::DELIVERED),
                filtered: m.last_second(sns::FILTERED_OUT),
                failed: m.last_second(sns::FAILED),
                retrying: m.last_second(sns::RETRYING),
            },
            tally: Tally {
                throttled: m.total(sns::THROTTLED),
                dead_lettered: m.total(sns::REDRIVEN_TO_DLQ),
                lost,
                ..Tally::default()
            },
            gauge: None,
        }
    }
}
