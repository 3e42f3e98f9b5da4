//! What the planner turns and reads of a polling consumer: no setting to turn
//! ([`crate::autosize::knobs_of`]), and the figures a sweep compares
//! ([`crate::sweep::measure`]).

use crate::autosize::{Knob, KnobSite, KnobsKind};
use crate::engine::Simulation;
use crate::scenario::{ConsumerSpec, NodeIndex};
use crate::sweep::{SweepKind, SweepPoint};

/// Its settings are the application's; the planner sizes the stream it reads.
impl KnobsKind for ConsumerSpec {
    fn knobs(&self, _: &KnobSite) -> Vec<Knob> {
        Vec::new()
    }
}

// MillisBehindLatest comes only with successful calls; the age of
// the oldest unread record also counts a reader starved of them.
impl SweepKind for ConsumerSpec {
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint) {
        let m = sim.metrics(node);
        let behind = m.stats(super::metrics::MILLIS_BEHIND_LATEST).max;
        let unread = m.stats(super::metrics::OLDEST_UNREAD_AGE).max;
        point.max_behind_ms = point.max_behind_ms.max(behind).max(unread);
    }
}
