//! What the planner turns and reads of a producer: no setting to turn
//! ([`crate::autosize::knobs_of`]), and the figures a sweep compares
//! ([`crate::sweep::measure`]).

use crate::autosize::{Knob, KnobSite, KnobsKind};
use crate::engine::Simulation;
use crate::scenario::{NodeIndex, ProducerSpec};
use crate::sweep::{SweepKind, SweepPoint};

/// A producer is the load the planner sizes for, not a setting it turns.
impl KnobsKind for ProducerSpec {
    fn knobs(&self, _: &KnobSite) -> Vec<Knob> {
        Vec::new()
    }
}

/// No figure of its own in a sweep's row.
impl SweepKind for ProducerSpec {
    fn measure(_: &Simulation, _: NodeIndex, _: &mut SweepPoint) {}
}
