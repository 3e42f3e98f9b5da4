//! The settings of an MSK cluster the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, Search, Setting};
use crate::scenario::MskSpec;

/// Its broker count, the fewest brokers (in whole rows of Availability
/// Zones, aws-facts-more 1.1) that meet the objectives.
pub(crate) fn of(site: &KnobSite, m: &MskSpec) -> Vec<Knob> {
    let azs = m.availability_zones.max(1);
    let ladder = (1..=60 / azs).map(|n| n * azs).filter(|&b| b >= m.replication_factor).collect();
    vec![site.knob(Setting::Param("brokers"), ladder, Search::Smallest, m.brokers)]
}
