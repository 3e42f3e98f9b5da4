//! What a polling consumer's card shows (see [`crate::view`]).

use super::metrics as consumer;
use crate::engine::Simulation;
use crate::scenario::{ConsumerSpec, NodeIndex};
use crate::view::{
    NodeFigures, Reading, STREAM_READ_LATENCY, Tally, ViewKind, source_retention_ms,
};

impl ViewKind for ConsumerSpec {
    const LATENCY_MEANING: Option<&'static str> = Some(STREAM_READ_LATENCY);

    /// Reads consumer `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        Reading {
            figures: NodeFigures::Consumer {
                processed: m.last_second(consumer::RECORDS_PROCESSED),
                unread_ms: m.last_second(consumer::OLDEST_UNREAD_AGE),
                retention_ms: source_retention_ms(sim, node),
            },
            tally: Tally::default(),
            gauge: None,
        }
    }
}
