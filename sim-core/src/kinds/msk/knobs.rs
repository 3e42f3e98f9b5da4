//! The settings of an MSK cluster the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, Search, Setting};
use crate::scenario::MskSpec;

/// Its broker count, the fewest brokers (in whole rows of Availability
/// Zones, aws-facts-more 1.1) that meet the objectives.
/// A Serverless cluster has no brokers: its knob is the partition count,
/// the fewest (each takes 5 MBps in, up to 2,400; aws-facts-more 2.1).
pub(crate) fn of(site: &KnobSite, m: &MskSpec) -> Vec<Knob> {
    if m.is_serverless() {
        let most = crate::scenario::serverless_quotas::MAX_PARTITIONS;
        let mut ladder: Vec<u32> = (1..=8).collect();
        let mut n = 8;
        while n < most {
            n = (n + n / 2).min(most);
            ladder.push(n);
        }
        if !ladder.contains(&m.partitions) {
            ladder.push(m.partitions);
            ladder.sort_unstable();
        }
        return vec![site.knob(
            Setting::Param("partitions"),
            ladder,
            Search::Smallest,
            m.partitions,
        )];
    }
    let azs = m.availability_zones.max(1);
    let ladder = (1..=60 / azs).map(|n| n * azs).filter(|&b| b >= m.replication_factor).collect();
    vec![site.knob(Setting::Param("brokers"), ladder, Search::Smallest, m.brokers)]
}
