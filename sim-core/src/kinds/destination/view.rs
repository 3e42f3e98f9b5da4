//! What a destination's card shows (see [`crate::view`]).

use super::metrics as destination;
use crate::engine::Simulation;
use crate::scenario::NodeIndex;
use crate::view::{NodeFigures, Reading, Tally};

/// Reads destination `node` off the engine.
pub(crate) fn read(sim: &Simulation, node: NodeIndex) -> Reading {
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
