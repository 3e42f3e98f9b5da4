//! What a KCL application's card shows (see [`crate::view`]).

use super::metrics as kcl;
use crate::engine::Simulation;
use crate::scenario::{KclSpec, NodeIndex};
use crate::view::{
    NodeFigures, Reading, STREAM_READ_LATENCY, Tally, ViewKind, source_retention_ms,
};

impl ViewKind for KclSpec {
    const LATENCY_MEANING: Option<&'static str> = Some(STREAM_READ_LATENCY);

    /// Reads KCL application `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
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
}
