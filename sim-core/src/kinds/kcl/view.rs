//! What a KCL application's card shows (see [`crate::view`]).

use super::metrics as kcl;
use crate::engine::Simulation;
use crate::scenario::NodeIndex;
use crate::view::{NodeFigures, Reading, Tally, source_retention_ms};

/// Reads KCL application `node` off the engine.
pub(crate) fn read(sim: &Simulation, node: NodeIndex) -> Reading {
    let m = sim.metrics(node);
    Reading {
        figures: NodeFigures::Kcl {
            processed: m.last_second(kcl::RECORDS_PROCESSED),
            unread_ms: m.last_second(kcl::OLDEST_UNREAD_AGE),
            live_workers: m.last_second(kcl::LIVE_WORKERS),
            duplicates_total: m.total(kcl::DUPLICATE_RECORDS),
            retention_ms: source_retention_ms(sim, node),
        },
        tally: Tally::default(),
        gauge: None,
    }
}
