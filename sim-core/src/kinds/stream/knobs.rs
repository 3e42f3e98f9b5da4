//! The settings of a stream the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{
    Knob, KnobSite, KnobsKind, MAX_SHARDS_TRIED, ON_DEMAND, Search, Setting, range,
};
use crate::engine::Simulation;
use crate::scenario::{Capacity, NodeIndex, NodeSpec, StreamSpec};
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
            incoming_data_bytes_per_s: data_bytes_per_s(sim, node),
            incoming_records_per_s: m.stats(super::metrics::INCOMING_RECORDS).avg(),
        });
    }
}

/// Bytes of record data a second the stream took: `IncomingBytes` (data
/// and partition key of every record, as the write limit counts them,
/// aws-facts 1.1) less the keys of the user records its producers wrote
/// one to a Kinesis record. An aggregate's data holds its user records'
/// keys, and a record another node hands on counts at the size it arrives
/// with (the model gives it no key of its own).
fn data_bytes_per_s(sim: &Simulation, node: NodeIndex) -> f64 {
    let scenario = sim.scenario();
    let id = &scenario.node(node).id;
    let writes_here = |from: &str| scenario.links.iter().any(|l| l.from == from && &l.to == id);
    let keys: f64 = scenario
        .indexed_nodes()
        .filter(|(_, n)| writes_here(&n.id))
        .map(|(i, n)| {
            let NodeSpec::Producer(p) = &n.spec else { return 0.0 };
            if p.aggregation.is_some() {
                return 0.0;
            }
            let put = sim.metrics(i).stats(crate::metrics::producer::USER_RECORDS_PUT).avg();
            put * f64::from(p.partition_key_bytes)
        })
        .sum();
    (sim.metrics(node).stats(super::metrics::INCOMING_BYTES).avg() - keys).max(0.0)
}
