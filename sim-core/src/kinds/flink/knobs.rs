//! The settings of a Flink application the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, Search, Setting};
use crate::scenario::FlinkSpec;

/// Its parallelism, the fewest subtasks that meet the objectives (past one
/// per shard more only idle, aws-facts-more 4.5).
pub(crate) fn of(site: &KnobSite, f: &FlinkSpec) -> Vec<Knob> {
    let most = f.max_parallelism();
    let ladder =
        [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].into_iter().filter(|&p| p <= most).collect();
    vec![site.knob(Setting::Param("parallelism"), ladder, Search::Smallest, f.parallelism)]
}
