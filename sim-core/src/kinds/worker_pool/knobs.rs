//! The settings of a worker pool the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, KnobsKind, Search, Setting, range};
use crate::engine::Simulation;
use crate::scenario::{NodeIndex, WorkerPoolSpec};
use crate::sweep::{SweepKind, SweepPoint};

impl KnobsKind for WorkerPoolSpec {
    /// Its worker count, the fewest that meet the objectives.
    fn knobs(&self, site: &KnobSite) -> Vec<Knob> {
        vec![site.knob(Setting::Param("workers"), range(1, 10_000), Search::Smallest, self.workers)]
    }
}

/// No figure of its own in a sweep's row.
impl SweepKind for WorkerPoolSpec {
    fn measure(_: &Simulation, _: NodeIndex, _: &mut SweepPoint) {}
}
