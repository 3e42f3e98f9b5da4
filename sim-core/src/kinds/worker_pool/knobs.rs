//! The settings of a worker pool the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, Search, Setting, range};
use crate::scenario::WorkerPoolSpec;

/// Its worker count, the fewest that meet the objectives.
pub(crate) fn of(site: &KnobSite, w: &WorkerPoolSpec) -> Vec<Knob> {
    vec![site.knob(Setting::Param("workers"), range(1, 10_000), Search::Smallest, w.workers)]
}
