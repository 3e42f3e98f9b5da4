//! The settings of a stream the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, MAX_SHARDS_TRIED, ON_DEMAND, Search, Setting, range};
use crate::scenario::{Capacity, StreamSpec};

/// Its shard count, the fewest that meet the objectives (on demand starts
/// the search at the formula).
pub(crate) fn of(site: &KnobSite, s: &StreamSpec) -> Vec<Knob> {
    let initial = match s.capacity {
        Capacity::Provisioned { shards } => shards,
        Capacity::OnDemand { .. } => ON_DEMAND,
    };
    vec![site.knob(Setting::Shards, range(1, MAX_SHARDS_TRIED), Search::Smallest, initial)]
}
