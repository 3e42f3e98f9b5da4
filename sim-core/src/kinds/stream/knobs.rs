//! The settings of a stream the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{
    Knob, KnobSite, KnobsKind, MAX_SHARDS_TRIED, ON_DEMAND, Search, Setting, range,
};
use crate::engine::Simulation;
use crate::scenario::{Capacity, NodeIndex, StreamSpec};
use crate::sweep::{SweepKind, SweepPoint};

impl KnobsKind for StreamSpec {
    /// Its shard count, the fewest that meet the objectives (on demand starts
    /// the search at the formula).
    fn knobs(&self, site: &KnobSite) -> Vec<Knob> {
        let initial = match self.capacity {
            Capacity::Provisioned { shards } => shards,
            Capacity::OnDemand { .. } => ON_DEMAND,
        };
        vec![site.knob(Setting::Shards, range(1, MAX_SHARDS_TRIED), Search::Smallest, initial)]
    }
}

impl SweepKind for StreamSpec {
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint) {
        let m = sim.metrics(node);
        point.write_throttled += m.stats(super::metrics::WRITE_THROTTLED).sum;
        point.read_throttled += m.stats(super::metrics::READ_THROTTLED).sum;
        point.iterator_age_p99_ms =
            point.iterator_age_p99_ms.max(m.stats(super::metrics::ITERATOR_AGE).p99());
        point.shards += sim.stream(node).map_or(0, |s| s.open.len());
        point.incoming_bytes_per_s += m.stats(super::metrics::INCOMING_BYTES).avg();
        point.incoming_records_per_s += m.stats(super::metrics::INCOMING_RECORDS).avg();
        point.streams.push(crate::sweep::StreamFigures {
            id: sim.scenario().node(node).id.clone(),
            write_throttled: m.stats(super::metrics::WRITE_THROTTLED).sum,
            incoming_bytes_per_s: m.stats(super::metrics::INCOMING_BYTES).avg(),
            incoming_records_per_s: m.stats(super::metrics::INCOMING_RECORDS).avg(),
        });
    }
}
