//! What a producer's card shows (see [`crate::view`]): its records for the
//! last closed second and what it gave up since the start.

use super::metrics as producer;
use crate::engine::Simulation;
use crate::scenario::{NodeIndex, ProducerSpec};
use crate::view::{NodeFigures, Reading, Tally, ViewKind};

impl ViewKind for ProducerSpec {
    const LATENCY_MEANING: Option<&'static str> = None;

    /// Reads producer `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        Reading {
            figures: NodeFigures::Producer {
                generated: m.last_second(producer::USER_RECORDS_RECEIVED),
                put: m.last_second(producer::USER_RECORDS_PUT),
                retried: m.last_second(producer::RETRIES),
                given_up: m.last_second(producer::USER_RECORD_EXPIRED),
            },
            tally: Tally { lost: m.total(producer::USER_RECORD_EXPIRED), ..Tally::default() },
            gauge: None,
        }
    }
}
