//! What the reactive UI reads: sim-core's [`FrameView`] of the run, plus
//! the chart alarms (set in the app) that are in alarm.
//!
//! The simulation itself never lives in a signal: the frame loop publishes a
//! fresh [`Snapshot`] a few times a second, and only the DOM read-outs that
//! changed re-render.

use sim_core::Simulation;
use sim_core::view::FrameView;

/// Everything the reactive UI shows, captured at one instant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// The engine's view: figures, health, tallies, gauges, wires, cost.
    pub frame: FrameView,
    /// Chart alarms in alarm, as (node, chart title); see `alarm`.
    pub alarming: Vec<(usize, &'static str)>,
}

impl Snapshot {
    /// Reads the view off a simulation (no alarm in alarm yet).
    pub fn capture(sim: &Simulation) -> Self {
        Snapshot { frame: FrameView::capture(sim), alarming: Vec::new() }
    }
}
