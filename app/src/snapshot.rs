//! What the reactive UI reads: sim-core's [`FrameView`] of the run, plus
//! the chart alarms (set in the app) that are in alarm.
//!
//! The simulation itself never lives in the page's reactive graph: the
//! engine (`engine`) posts a fresh view a few times a second, and only the
//! DOM read-outs that changed re-render.

use sim_core::NodeIndex;
use sim_core::view::FrameView;

/// Everything the reactive UI shows, captured at one instant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// The engine's view: figures, health, tallies, gauges, wires, cost.
    pub frame: FrameView,
    /// Chart alarms in alarm, as (node, chart title); see `alarm`.
    pub alarming: Vec<(NodeIndex, String)>,
}
