//! The settings of a delivery stream the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, Search, Setting};
use crate::scenario::FirehoseSpec;

/// Its buffering hints, the largest that meet the objectives (fewer,
/// larger objects cost less).
pub(crate) fn of(site: &KnobSite, f: &FirehoseSpec) -> Vec<Knob> {
    // aws-facts 3.1: BufferingHints 1 to 128 MiB and 0 to 900 s.
    let prefer_high = Search::Cheapest { prefer_high: true };
    let interval = vec![0, 60, 120, 300, 600, 900];
    let size = vec![1, 5, 16, 64, 128];
    vec![
        site.knob(Setting::Param("buffer_interval_s"), interval, prefer_high, {
            f.buffer_interval_s as u32
        }),
        site.knob(Setting::Param("buffer_size_mib"), size, prefer_high, f.buffer_size_mib),
    ]
}
