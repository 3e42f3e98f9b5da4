//! The settings of an MSK cluster the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, KnobsKind, Search, Setting};
use crate::engine::Simulation;
use crate::scenario::{MskSpec, NodeIndex};
use crate::sweep::{SweepKind, SweepPoint};

impl KnobsKind for MskSpec {
    /// Its broker count, the fewest brokers (in whole rows of Availability
    /// Zones, aws-facts-more 1.1) that meet the objectives.
    /// A Serverless cluster has no brokers: its knob is the partition count,
    /// the fewest (each takes 5 MBps in, up to 2,400; aws-facts-more 2.1).
    fn knobs(&self, site: &KnobSite) -> Vec<Knob> {
        if self.is_serverless() {
            let most = crate::scenario::serverless_quotas::MAX_PARTITIONS;
            let mut ladder: Vec<u32> = (1..=8).collect();
            let mut n = 8;
            while n < most {
                n = (n + n / 2).min(most);
                ladder.push(n);
            }
            if !ladder.contains(&self.partitions) {
                ladder.push(self.partitions);
                ladder.sort_unstable();
            }
            return vec![site.knob(
                Setting::Param("partitions"),
                ladder,
                Search::Smallest,
                self.partitions,
            )];
        }
        let azs = self.availability_zones.max(1);
        let ladder =
            (1..=60 / azs).map(|n| n * azs).filter(|&b| b >= self.replication_factor).collect();
        vec![site.knob(Setting::Param("brokers"), ladder, Search::Smallest, self.brokers)]
    }
}

// Records wait in producers while brokers are saturated, and in
// the log while the group is behind.
impl SweepKind for MskSpec {
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint) {
        let m = sim.metrics(node);
        let wait = m.stats(crate::metrics::msk::PRODUCER_WAIT).max;
        let lag_ms = m.stats(crate::metrics::msk::EST_MAX_TIME_LAG).max * 1_000.0;
        point.max_behind_ms = point.max_behind_ms.max(lag_ms).max(wait);
        point.producer_wait_ms = point.producer_wait_ms.max(wait);
    }
}
