//! What the planner turns and reads of a destination: no setting to turn
//! ([`crate::autosize::knobs_of`]), and the figures a sweep compares
//! ([`crate::sweep::measure`]).

use crate::autosize::{Knob, KnobSite, KnobsKind};
use crate::engine::Simulation;
use crate::scenario::{DestinationSpec, NodeIndex};
use crate::sweep::{SweepKind, SweepPoint};

/// Its speed is the user's assumption, not a setting AWS offers.
impl KnobsKind for DestinationSpec {
    fn knobs(&self, _: &KnobSite) -> Vec<Knob> {
        Vec::new()
    }
}

/// No figure of its own in a sweep's row.
impl SweepKind for DestinationSpec {
    fn measure(_: &Simulation, _: NodeIndex, _: &mut SweepPoint) {}
}
