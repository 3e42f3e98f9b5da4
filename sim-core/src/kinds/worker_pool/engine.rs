//! What the engine's shared paths ask of a worker pool (see
//! [`crate::engine::EngineKind`]).

use crate::engine::{EngineKind, Simulation};
use crate::kinds::{Batch, Target};
use crate::metrics::Latencies;
use crate::scenario::{NodeIndex, WorkerPoolSpec};

impl EngineKind for WorkerPoolSpec {
    fn accept(_: &mut Simulation, _: usize, _: NodeIndex, _: Batch) -> u64 {
        0
    }

    fn offered(sim: &mut Simulation, slot: usize, worker: usize) -> bool {
        if !sim.worker_takes(slot, worker) {
            return false;
        }
        let w = &mut sim.pools[slot].workers[worker];
        w.waiting = false;
        w.token = w.token.wrapping_add(1);
        true
    }

    fn producer_target(_: usize) -> Option<Target> {
        None
    }

    fn latency(_: &Simulation, _: NodeIndex, _: usize) -> Option<&Latencies> {
        None
    }
}
