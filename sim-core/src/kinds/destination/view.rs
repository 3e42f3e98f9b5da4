//! What a destination's card shows (see [`crate::view`]).

use super::metrics as destination;
use crate::engine::Simulation;
use crate::scenario::{DestinationSpec, NodeIndex};
use crate::view::{NodeFigures, Reading, Tally, ViewKind};

impl ViewKind for DestinationSpec {
    const LATENCY_MEANING: Option<&'static str> = None;

    /// Reads destination `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        Reading {
            figures: NodeFigures::Destination {
                records: m.last_second(destination::RECORDS),
                bytes: m.last_second(destination::BYTES),
                down: m.last_second(destination::DOWN) > 0.0,
            },
            tally: Tally::default(),
            gauge: None,
        }
    }
}
