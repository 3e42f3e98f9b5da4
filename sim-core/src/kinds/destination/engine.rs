//! What the engine's shared paths ask of a Firehose destination (see
//! [`crate::engine::EngineKind`]).

use crate::engine::{EngineKind, Simulation};
use crate::kinds::sns::Endpoint;
use crate::kinds::{Batch, Target};
use crate::metrics::Latencies;
use crate::scenario::{DestinationSpec, NodeIndex};

impl EngineKind for DestinationSpec {
    fn accept(_: &mut Simulation, _: usize, _: Batch) -> u64 {
        0
    }

    fn offered(_: &mut Simulation, _: usize, _: usize) -> bool {
        false
    }

    fn producer_target(_: usize) -> Option<Target> {
        None
    }

    // aws-facts-more 5.3: an HTTP/S endpoint.
    fn sns_endpoint(slot: usize) -> Option<Endpoint> {
        Some(Endpoint::Http(slot))
    }

    fn latency(_: &Simulation, _: NodeIndex, _: usize) -> Option<&Latencies> {
        None
    }
}
