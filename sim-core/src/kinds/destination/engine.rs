//! What the engine's shared paths ask of a Firehose destination (see
//! [`crate::engine::EngineKind`]).

use crate::engine::{EngineKind, Simulation};
use crate::kinds::{Batch, Target};
use crate::metrics::Latencies;
use crate::scenario::{DestinationSpec, NodeIndex};

impl EngineKind for DestinationSpec {
    fn accept(_: &mut Simulation, _: usize, _: NodeIndex, _: Batch) -> u64 {
        0
    }

    fn offered(_: &mut Simulation, _: usize, _: usize) -> bool {
        false
    }

    fn producer_target(_: usize) -> Option<Target> {
        None
    }

    fn latency(_: &Simulation, _: NodeIndex, _: usize) -> Option<&Latencies> {
        None
    }
}
