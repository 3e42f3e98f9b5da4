//! What the planner turns and reads of a KCL application: no setting to turn
//! ([`crate::autosize::knobs_of`]), and the figures a sweep compares
//! ([`crate::sweep::measure`]).

use crate::autosize::{Knob, KnobSite, KnobsKind};
use crate::engine::Simulation;
use crate::scenario::{KclSpec, NodeIndex};
use crate::sweep::{SweepKind, SweepPoint};

/// Its workers are the application's; the planner sizes the stream it reads.
impl KnobsKind for KclSpec {
    fn knobs(&self, _: &KnobSite) -> Vec<Knob> {
        Vec::new()
    }
}

impl SweepKind for KclSpec {
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint) {
        let m = sim.metrics(node);
        let behind = m.stats(crate::metrics::kcl::MILLIS_BEHIND_LATEST).max;
        let unread = m.stats(crate::metrics::kcl::OLDEST_UNREAD_AGE).max;
        point.max_behind_ms = point.max_behind_ms.max(behind).max(unread);
    }
}
