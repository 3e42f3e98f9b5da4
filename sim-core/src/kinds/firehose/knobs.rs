//! The settings of a delivery stream the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, KnobsKind, Search, Setting};
use crate::engine::Simulation;
use crate::scenario::{FirehoseSpec, NodeIndex};
use crate::sweep::{SweepKind, SweepPoint};

impl KnobsKind for FirehoseSpec {
    /// Its buffering hints, the largest that meet the objectives (fewer,
    /// larger objects cost less).
    fn knobs(&self, site: &KnobSite) -> Vec<Knob> {
        // aws-facts 3.1: BufferingHints 1 to 128 MiB and 0 to 900 s.
        let prefer_high = Search::Cheapest { prefer_high: true };
        let interval = vec![0, 60, 120, 300, 600, 900];
        let size = vec![1, 5, 16, 64, 128];
        vec![
            site.knob(Setting::Param("buffer_interval_s"), interval, prefer_high, {
                self.buffer_interval_s as u32
            }),
            site.knob(Setting::Param("buffer_size_mib"), size, prefer_high, self.buffer_size_mib),
        ]
    }
}

impl SweepKind for FirehoseSpec {
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint) {
        let m = sim.metrics(node);
        let freshness_s = m.stats(crate::metrics::firehose::DATA_FRESHNESS).max;
        point.data_freshness_s = point.data_freshness_s.max(freshness_s);
    }
}
