//! What a worker pool's card shows (see [`crate::view`]).

use super::metrics as worker_pool;
use crate::engine::Simulation;
use crate::scenario::{NodeIndex, WorkerPoolSpec};
use crate::view::{NodeFigures, Reading, Tally, ViewKind};

impl ViewKind for WorkerPoolSpec {
    const LATENCY_MEANING: Option<&'static str> = None;

    /// Reads worker pool `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        Reading {
            figures: NodeFigures::WorkerPool {
                processed: m.last_second(worker_pool::PROCESSED),
                busy: m.last_second(worker_pool::BUSY_WORKERS),
                workers: sim.worker_pool(node).map_or(0.0, |p| p.workers.len() as f64),
                forwarded: m.last_second(worker_pool::FORWARDED),
            },
            tally: Tally::default(),
            gauge: None,
        }
    }
}
