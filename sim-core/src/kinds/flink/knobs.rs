//! The settings of a Flink application the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, KnobsKind, Search, Setting};
use crate::engine::Simulation;
use crate::scenario::{FlinkSpec, NodeIndex};
use crate::sweep::{SweepKind, SweepPoint};

impl KnobsKind for FlinkSpec {
    /// Its parallelism, the fewest subtasks that meet the objectives (past one
    /// per shard more only idle, aws-facts-more 4.5).
    fn knobs(&self, site: &KnobSite) -> Vec<Knob> {
        let most = self.max_parallelism();
        let ladder =
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].into_iter().filter(|&p| p <= most).collect();
        vec![site.knob(Setting::Param("parallelism"), ladder, Search::Smallest, self.parallelism)]
    }
}

impl SweepKind for FlinkSpec {
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint) {
        let m = sim.metrics(node);
        let behind = m.stats(crate::metrics::flink::MILLIS_BEHIND_LATEST).max;
        let unread = m.stats(crate::metrics::flink::OLDEST_UNREAD_AGE).max;
        point.max_behind_ms = point.max_behind_ms.max(behind).max(unread);
    }
}
