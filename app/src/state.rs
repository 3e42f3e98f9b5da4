//! The app's shared state: the simulation (outside the reactive graph) and
//! the few signals the UI reacts to.

use leptos::prelude::*;
use sim_core::{Command, Scenario, Simulation, ValidScenario, validate};

use crate::snapshot::Snapshot;

/// Speeds offered in the toolbar (simulated seconds per wall-clock second).
pub const SPEEDS: [u32; 5] = [1, 10, 60, 600, 3600];

/// Handles shared through context. `Copy`, so components take it freely.
#[derive(Clone, Copy)]
pub struct SimCtx {
    /// The validated scenario being run.
    pub scenario: StoredValue<ValidScenario>,
    /// The one simulation; stepped only by the frame loop and the commands below.
    pub sim: StoredValue<Simulation>,
    /// What the UI shows, refreshed a few times a second.
    pub snapshot: RwSignal<Snapshot>,
    /// Whether simulated time advances.
    pub playing: RwSignal<bool>,
    /// Simulated seconds per wall-clock second.
    pub speed: RwSignal<u32>,
    /// Charts redraw when this fires (a few times a second and on demand).
    pub charts: Trigger,
    /// A message for the user (a restart, a refused change).
    pub notice: RwSignal<Option<Notice>>,
    /// The frame loop could not keep up with the requested speed.
    pub behind: RwSignal<bool>,
    /// Bumped when a different scenario is opened; the workbench rebuilds.
    pub generation: RwSignal<u64>,
    /// The node whose charts are shown (by node index).
    pub selected: RwSignal<Option<usize>>,
    /// Bumped by every edit to the scenario on screen (see [`SimCtx::edited`]).
    pub revision: RwSignal<u64>,
    /// Bumped when the running scenario's nodes or wires change (the editor
    /// restarts the run); per-node panels rebuild on it.
    pub structure: RwSignal<u64>,
    /// Presenter mode: large type, high contrast, no editing chrome (P key).
    pub presenting: RwSignal<bool>,
    /// Frame timings while the debug overlay is on (`?debug=perf` or the D key).
    pub perf: RwSignal<Option<crate::sim_loop::FrameStats>>,
}

/// A message shown in the notice bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a problem (as opposed to information).
    pub is_error: bool,
}

impl SimCtx {
    /// State for a validated scenario, playing from time zero.
    pub fn new(valid: ValidScenario) -> Self {
        let sim = Simulation::new(&valid, valid.scenario().seed);
        let snapshot = Snapshot::capture(&sim);
        SimCtx {
            scenario: StoredValue::new(valid),
            sim: StoredValue::new(sim),
            snapshot: RwSignal::new(snapshot),
            playing: RwSignal::new(true),
            speed: RwSignal::new(1),
            charts: Trigger::new(),
            notice: RwSignal::new(None),
            behind: RwSignal::new(false),
            generation: RwSignal::new(0),
            selected: RwSignal::new(None),
            perf: RwSignal::new(None),
            presenting: RwSignal::new(false),
            revision: RwSignal::new(0),
            structure: RwSignal::new(0),
        }
    }

    /// Publishes a fresh snapshot and asks the charts to redraw.
    pub fn publish(&self) {
        self.publish_figures();
        self.charts.notify();
    }

    /// Publishes a fresh snapshot only (the frame loop redraws charts less
    /// often than it refreshes figures).
    pub fn publish_figures(&self) {
        let snapshot = self.sim.with_value(Snapshot::capture);
        self.snapshot.set(snapshot);
    }

    /// Plays or pauses, publishing the exact state at the moment of pausing.
    pub fn toggle_play(&self) {
        self.playing.update(|p| *p = !*p);
        self.publish();
    }

    /// Restarts the run from time zero with the same scenario and seed.
    pub fn reset(&self) {
        self.restart_figures();
        self.charts.notify();
    }

    /// Restarts the run from time zero and publishes its figures, leaving
    /// the charts alone (the editor rebuilds them when nodes change, and a
    /// chart must not draw a node that no longer exists).
    pub fn restart_figures(&self) {
        let valid = self.scenario.get_value();
        self.sim.set_value(Simulation::new(&valid, valid.scenario().seed));
        self.publish_figures();
    }

    /// Advances simulated time by `ms` at once (the Step button).
    pub fn step(&self, ms: u64) {
        self.sim.update_value(|sim| sim.run_until(sim.now() + ms));
        self.publish();
    }

    /// Applies a runtime change, reporting a refusal in the notice bar.
    pub fn command(&self, command: Command) {
        let result = self.sim.try_update_value(|sim| sim.apply(command));
        if let Some(Err(why)) = result {
            self.tell(why, true);
        }
        self.publish();
    }

    /// Replaces the scenario after an edit that the running simulation
    /// cannot absorb, restarting from zero and saying so.
    pub fn restart_with(&self, scenario: Scenario, why: &str) {
        match validate(&scenario) {
            Ok(valid) => {
                self.scenario.set_value(valid);
                self.edited();
                self.reset();
                self.tell(format!("{why}: the run restarted from zero."), false);
            }
            Err(issues) => {
                let text = issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
                self.tell(format!("Change refused: {text}"), true);
            }
        }
    }

    /// Writes the current scenario into the address bar (see `link`).
    pub fn sync_link(&self) {
        self.scenario.with_value(crate::link::write_link);
    }

    /// After an edit to the scenario on screen: the address bar follows, and
    /// results computed from the old scenario (a mode comparison) are dropped.
    pub fn edited(&self) {
        self.sync_link();
        self.revision.update(|r| *r += 1);
    }

    /// Opens another scenario from time zero as a new history entry, so the
    /// browser's Back button returns to the previous one.
    pub fn open(&self, valid: ValidScenario) {
        crate::link::push_link(&valid);
        self.show(valid);
    }

    /// Opens the scenario a link just brought in (the address already holds it).
    pub fn follow_link(&self, valid: ValidScenario) {
        self.show(valid);
    }

    /// Replaces the scenario and rebuilds the workbench from time zero.
    fn show(&self, valid: ValidScenario) {
        let name = valid.scenario().name.clone();
        self.scenario.set_value(valid);
        self.reset();
        self.notice.set(None);
        self.generation.update(|g| *g += 1);
        self.tell(format!("Opened “{name}”."), false);
    }

    /// Shows a message in the notice bar.
    pub fn tell(&self, text: impl Into<String>, is_error: bool) {
        self.notice.set(Some(Notice { text: text.into(), is_error }));
    }
}
