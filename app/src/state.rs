//! The app's shared state: the simulation (outside the reactive graph) and
//! the few signals the UI reacts to.

use leptos::prelude::*;
use sim_core::lesson::{CheckStatus, evaluate};
use sim_core::time::{DAY, HOUR, MINUTE, SimTime, format_clock};
use sim_core::{Command, Scenario, Simulation, ValidScenario, validate};

use crate::alarm::Alarm;
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
    /// The open lesson's check in the current run, refreshed with the
    /// snapshot; `None` when the scenario has no lesson.
    pub lesson_status: RwSignal<Option<CheckStatus>>,
    /// How far the open lesson has been stepped through: hints revealed,
    /// then the solution (see [`SimCtx::step_lesson`]).
    pub lesson_step: RwSignal<usize>,
    /// How much simulated time the charts show.
    pub chart_span: RwSignal<ChartSpan>,
    /// Alarm thresholds set on charts; kept across resets, dropped with the scenario.
    pub alarms: RwSignal<Vec<Alarm>>,
    /// A "jump to" in progress: the frame loop runs headless towards it.
    pub jump: RwSignal<Option<Jump>>,
}

/// The time window of the charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartSpan {
    /// Wider at higher speeds, so lines stay readable.
    Auto,
    /// The last this many milliseconds.
    Last(SimTime),
    /// Everything since the start (at the finest resolution kept that far back).
    All,
}

impl ChartSpan {
    /// The choices offered, with their labels; `value` is the `<select>` key.
    pub const CHOICES: [(ChartSpan, &'static str, &'static str); 6] = [
        (ChartSpan::Auto, "auto", "Auto (follows speed)"),
        (ChartSpan::Last(MINUTE), "1m", "Last 1 min"),
        (ChartSpan::Last(5 * MINUTE), "5m", "Last 5 min"),
        (ChartSpan::Last(HOUR), "1h", "Last 1 h"),
        (ChartSpan::Last(DAY), "1d", "Last 24 h"),
        (ChartSpan::All, "all", "Since the start"),
    ];

    /// The `<select>` key of this span.
    pub fn key(self) -> &'static str {
        Self::CHOICES.iter().find(|c| c.0 == self).map_or("auto", |c| c.1)
    }

    /// The span with `<select>` key `key`.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::CHOICES.iter().find(|c| c.1 == key).map(|c| c.0)
    }

    /// Milliseconds shown at time `now` and simulation speed `speed`.
    pub fn millis(self, now: SimTime, speed: u32) -> SimTime {
        match self {
            ChartSpan::Auto => match speed {
                0..=1 => 2 * MINUTE,
                2..=10 => 10 * MINUTE,
                11..=60 => HOUR,
                _ => DAY,
            },
            ChartSpan::Last(span) => span,
            ChartSpan::All => now.max(1),
        }
    }
}

/// A "jump to" a simulated time in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jump {
    /// Where the jump started.
    pub from: SimTime,
    /// Where it stops.
    pub to: SimTime,
}

impl Jump {
    /// Share done at simulated time `now`, 0 to 1.
    pub fn progress(&self, now: SimTime) -> f64 {
        let total = self.to.saturating_sub(self.from).max(1);
        (now.saturating_sub(self.from) as f64 / total as f64).clamp(0.0, 1.0)
    }
}

/// Longest "jump to" accepted: the charts keep a year of hours.
pub const MAX_JUMP: SimTime = 365 * DAY;

/// Parses a "jump to" time such as `90s`, `10m`, `2h`, `1d` or `600` (seconds).
pub fn parse_jump(text: &str) -> Result<SimTime, String> {
    let seconds = sim_core::time::parse_duration_s(text)?;
    let ms = seconds.saturating_mul(1_000);
    if ms > MAX_JUMP {
        return Err(format!("{} is beyond the longest jump, 365 days", text.trim()));
    }
    Ok(ms)
}

/// A message shown in the notice bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a problem (as opposed to information).
    pub is_error: bool,
    /// A link to read more: its words and address.
    pub more: Option<(&'static str, &'static str)>,
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
            chart_span: RwSignal::new(ChartSpan::Auto),
            alarms: RwSignal::new(Vec::new()),
            jump: RwSignal::new(None),
            lesson_status: RwSignal::new(None),
            lesson_step: RwSignal::new(0),
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
        let snapshot = self.alarms.with_untracked(|alarms| {
            self.sim.with_value(|sim| {
                let mut snapshot = Snapshot::capture(sim);
                snapshot.alarming = crate::alarm::firing(sim, alarms);
                snapshot
            })
        });
        self.snapshot.set(snapshot);
        self.publish_lesson_status();
    }

    /// Evaluates the open lesson's check. A pass stays a pass for the rest
    /// of the run (the check looks at the last hour only); a reset clears it.
    fn publish_lesson_status(&self) {
        let status = self.sim.with_value(|sim| {
            sim.scenario().lesson.as_ref().map(|lesson| evaluate(&lesson.check, sim))
        });
        let latched = self.lesson_status.with_untracked(|s| matches!(s, Some(CheckStatus::Passed)));
        let status = if latched && status.is_some() { Some(CheckStatus::Passed) } else { status };
        if self.lesson_status.with_untracked(|s| *s != status) {
            self.lesson_status.set(status);
        }
    }

    /// Steps through the open lesson: `1` reveals the next hint (and after
    /// the last hint the solution), `-1` takes the last one back.
    pub fn step_lesson(&self, delta: isize) {
        let Some(steps) = self.scenario.with_value(|v| {
            v.scenario().lesson.as_ref().map(|l| l.hints.len() + usize::from(!l.fix.is_empty()))
        }) else {
            return;
        };
        self.lesson_step.update(|s| *s = s.saturating_add_signed(delta).min(steps));
    }

    /// Plays or pauses, publishing the exact state at the moment of pausing.
    pub fn toggle_play(&self) {
        self.playing.update(|p| *p = !*p);
        self.publish();
    }

    /// Runs headless to simulated time `to` (from zero again if it is in
    /// the past: the run is deterministic), pausing when it gets there.
    pub fn jump_to(&self, to: SimTime) {
        if to < self.sim.with_value(Simulation::now) {
            self.reset();
        }
        let from = self.sim.with_value(Simulation::now);
        self.playing.set(false);
        self.jump.set(Some(Jump { from, to }));
    }

    /// Stops a jump where it is, paused.
    pub fn cancel_jump(&self) {
        if self.jump.get_untracked().is_some() {
            self.jump.set(None);
            self.publish();
            let now = self.sim.with_value(Simulation::now);
            self.tell(format!("Jump cancelled at {}.", format_clock(now)), false);
        }
    }

    /// Called by the frame loop when a jump reaches its time.
    pub fn jump_done(&self) {
        self.jump.set(None);
        self.publish();
        let now = self.sim.with_value(Simulation::now);
        self.tell(format!("Jumped to {} (paused).", format_clock(now)), false);
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
        self.lesson_status.set(None);
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
        self.alarms.set(Vec::new());
        self.jump.set(None);
        self.lesson_step.set(0);
        self.reset();
        self.notice.set(None);
        self.generation.update(|g| *g += 1);
        match self.scenario.with_value(|v| sim_core::model_notice(v.scenario())) {
            Some(text) => self.tell_model_change(format!("Opened “{name}”. {text}")),
            None => self.tell(format!("Opened “{name}”."), false),
        }
    }

    /// Shows a message in the notice bar.
    pub fn tell(&self, text: impl Into<String>, is_error: bool) {
        self.notice.set(Some(Notice { text: text.into(), is_error, more: None }));
    }

    /// Says that a scenario was made under another model version, with a
    /// link to what changed (see `sim_core::model_notice`).
    pub fn tell_model_change(&self, text: String) {
        let more = Some(("What changed", sim_core::MODEL_CHANGELOG));
        self.notice.set(Some(Notice { text, is_error: false, more }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jump_times_take_units_and_stop_at_a_year() {
        assert_eq!(parse_jump("90s"), Ok(90_000));
        assert_eq!(parse_jump(" 10m "), Ok(600_000));
        assert_eq!(parse_jump("2h"), Ok(7_200_000));
        assert_eq!(parse_jump("600"), Ok(600_000));
        assert!(parse_jump("2 hours").unwrap_err().contains("unknown unit"));
        assert!(parse_jump("400d").unwrap_err().contains("365 days"));
    }

    #[test]
    fn jump_progress_runs_from_zero_to_one() {
        let jump = Jump { from: 10_000, to: 20_000 };
        assert_eq!(jump.progress(10_000), 0.0);
        assert_eq!(jump.progress(15_000), 0.5);
        assert_eq!(jump.progress(25_000), 1.0);
    }

    #[test]
    fn chart_spans_round_trip_through_their_keys() {
        for (span, key, _) in ChartSpan::CHOICES {
            assert_eq!(ChartSpan::from_key(key), Some(span));
            assert_eq!(span.key(), key);
        }
        assert_eq!(ChartSpan::All.millis(90_000, 1), 90_000);
        assert_eq!(ChartSpan::Auto.millis(90_000, 60), HOUR);
    }
}
