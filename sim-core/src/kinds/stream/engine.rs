//! What the engine's shared paths ask of a Kinesis stream (see
//! [`crate::engine::EngineKind`]).

use crate::engine::{EngineKind, Simulation};
use crate::kinds::{Batch, Target};
use crate::metrics::Latencies;
use crate::scenario::{NodeIndex, StreamSpec};

impl EngineKind for StreamSpec {
    fn accept(sim: &mut Simulation, slot: usize, _: NodeIndex, batch: Batch) -> u64 {
        sim.stream_take(slot, batch)
    }

    fn offered(_: &mut Simulation, _: usize, _: usize) -> bool {
        false
    }

    fn producer_target(slot: usize) -> Option<Target> {
        Some(Target::Stream(slot))
    }

    fn latency(_: &Simulation, _: NodeIndex, _: usize) -> Option<&Latencies> {
        None
    }
}
