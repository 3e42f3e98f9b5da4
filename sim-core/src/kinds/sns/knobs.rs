//! What the planner turns and reads of an SNS topic: no setting to turn
//! ([`crate::autosize::knobs_of`]), and the figures a sweep compares
//! ([`crate::sweep::measure`]).

use crate::autosize::{Knob, KnobSite, KnobsKind};
use crate::engine::Simulation;
use crate::scenario::{NodeIndex, SnsTopicSpec};
use crate::sweep::{SweepKind, SweepPoint};

/// A topic has no throughput setting to size; the planner sizes what it feeds.
impl KnobsKind for SnsTopicSpec {
    fn knobs(&self, _: &KnobSite) -> Vec<Knob> {
        Vec::new()
    }
}

// Publishes over the quota are a topic's throttled writes.
impl SweepKind for SnsTopicSpec {
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint) {
        let m = sim.metrics(node);
        point.write_throttled += m.stats(crate::metrics::sns::THROTTLED).sum;
    }
}
