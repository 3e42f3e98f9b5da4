//! The app's shared state: the engine host (the one owner of the
//! simulation, spoken to in messages) and the few signals the UI reacts to.

use leptos::prelude::*;
use sim_core::lesson::CheckStatus;
use sim_core::time::{DAY, SimTime};
use sim_core::{NodeIndex, ValidScenario};

use crate::alarm::Alarm;
use crate::engine::{ChartRequest, ChartsView, Command, Export, Out};
pub use crate::engine::{ChartSpan, Jump};
use crate::host::Host;
use crate::snapshot::Snapshot;

/// Speeds offered in the toolbar (simulated seconds per wall-clock second).
pub const SPEEDS: [u32; 5] = [1, 10, 60, 600, 3600];

/// Handles shared through context. `Copy`, so components take it freely,
/// or only the concern they need (`let clock = ctx.clock;`).
///
/// It owns the channel to the engine and the run's scenario; the signals
/// the UI reacts to are grouped by concern, each written in one place:
/// [`Clock`] by the play / pause / speed / jump methods below and the
/// engine's own stop, [`Live`] only by what the engine sends, [`Charts`]
/// and [`Screen`] by the user's choices, [`LessonProgress`] by both.
#[derive(Clone, Copy)]
pub struct SimCtx {
    /// The validated scenario being run; only the editor changes it.
    pub scenario: StoredValue<ValidScenario>,
    /// Where the engine, the one owner of the simulation, runs: a Web
    /// Worker, or the page where none starts (`host`). The page sends it
    /// [`Command`]s and renders the views it sends back (see [`SimCtx::send`]).
    pub host: StoredValue<Host, LocalStorage>,
    /// Commands sent when the page last showed a notice of its own: a
    /// worker's notice from before them is dropped, as a page host's would
    /// have been overwritten (see [`SimCtx::receive_late`]).
    told_after: StoredValue<u64>,
    /// Bumped when a different scenario is opened; the workbench rebuilds.
    pub generation: RwSignal<u64>,
    /// Bumped by every edit to the scenario on screen (see [`SimCtx::edited`]).
    pub revision: RwSignal<u64>,
    /// Bumped when the running scenario's nodes or wires change (the editor
    /// restarts the run); per-node panels rebuild on it.
    pub structure: RwSignal<u64>,
    /// Play, pause, speed, a jump.
    pub clock: Clock,
    /// What the engine last sent.
    pub live: Live,
    /// The charts below the canvas.
    pub charts: Charts,
    /// The open lesson's hints and solution revealed.
    pub lesson: LessonProgress,
    /// Notices, presenter mode, the frame overlay.
    pub screen: Screen,
}

/// Whether and how fast simulated time advances.
#[derive(Clone, Copy)]
pub struct Clock {
    /// Whether simulated time advances.
    pub playing: RwSignal<bool>,
    /// Simulated seconds per wall-clock second.
    pub speed: RwSignal<u32>,
    /// A "jump to" in progress: the engine runs headless towards it.
    pub jump: RwSignal<Option<Jump>>,
    /// The engine could not keep up with the requested speed.
    pub behind: RwSignal<bool>,
    /// While the document is a draft (it does not validate, so nothing
    /// runs): whether the clock ran when the draft began (see
    /// [`SimCtx::set_draft`]).
    draft: StoredValue<Option<bool>>,
}

/// What the engine last sent: the run as the UI shows it.
#[derive(Clone, Copy)]
pub struct Live {
    /// The engine has sent its first view: the figures on screen are live.
    pub started: RwSignal<bool>,
    /// What the UI shows, refreshed a few times a second.
    pub snapshot: RwSignal<Snapshot>,
    /// The open lesson's check in the current run, refreshed with the
    /// snapshot; `None` when the scenario has no lesson.
    pub lesson_status: RwSignal<Option<CheckStatus>>,
    /// The scenario that reproduces the run, live changes included, as
    /// JSON text (`Out::Replay`); `None` while the run has taken none.
    pub replay: StoredValue<Option<String>>,
}

/// The charts: whose, over how long, their alarms, and their series.
#[derive(Clone, Copy)]
pub struct Charts {
    /// The node of the run whose charts are shown.
    pub node: RwSignal<Option<NodeIndex>>,
    /// How much simulated time the charts show.
    pub span: RwSignal<ChartSpan>,
    /// Alarm thresholds set on charts; kept across resets, dropped with the scenario.
    pub alarms: RwSignal<Vec<Alarm>>,
    /// The latest series the engine sent; charts redraw from them.
    pub data: StoredValue<Option<ChartsView>>,
    /// Charts redraw when this fires (a few times a second and on demand).
    pub redraw: Trigger,
}

/// How far the open lesson has been stepped through: hints revealed, then
/// the solution (see [`SimCtx::step_lesson`]).
#[derive(Clone, Copy)]
pub struct LessonProgress {
    pub step: RwSignal<usize>,
}

/// How the page presents itself.
#[derive(Clone, Copy)]
pub struct Screen {
    /// A message for the user (a restart, a refused change).
    pub notice: RwSignal<Option<Notice>>,
    /// Presenter mode: large type, high contrast, no editing chrome (P key).
    pub presenting: RwSignal<bool>,
    /// Frame timings while the debug overlay is on (`?debug=perf` or the D key).
    pub perf: RwSignal<Option<crate::sim_loop::FrameStats>>,
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
    /// State for a validated scenario, playing from time zero, and its
    /// engine started (in a worker if one starts; see `host`).
    pub fn new(valid: ValidScenario) -> Self {
        let ctx = SimCtx {
            scenario: StoredValue::new(valid.clone()),
            host: StoredValue::new_local(Host::Unstarted),
            told_after: StoredValue::new(0),
            generation: RwSignal::new(0),
            revision: RwSignal::new(0),
            structure: RwSignal::new(0),
            clock: Clock {
                playing: RwSignal::new(true),
                speed: RwSignal::new(1),
                jump: RwSignal::new(None),
                behind: RwSignal::new(false),
                draft: StoredValue::new(None),
            },
            live: Live {
                started: RwSignal::new(false),
                snapshot: RwSignal::new(Snapshot::default()),
                lesson_status: RwSignal::new(None),
                replay: StoredValue::new(None),
            },
            charts: Charts {
                node: RwSignal::new(None),
                span: RwSignal::new(ChartSpan::Auto),
                alarms: RwSignal::new(Vec::new()),
                data: StoredValue::new(None),
                redraw: Trigger::new(),
            },
            lesson: LessonProgress { step: RwSignal::new(0) },
            screen: Screen {
                notice: RwSignal::new(None),
                presenting: RwSignal::new(false),
                perf: RwSignal::new(None),
            },
        };
        crate::host::start(ctx, valid);
        ctx
    }

    /// Sends a command to the engine; what it answers is rendered when it
    /// comes (at once from an engine in the page).
    pub fn send(&self, command: Command) {
        let out = self.host.try_update_value(|host| host.send(command)).unwrap_or_default();
        self.receive(out);
    }

    /// Renders what the worker's engine sent after handling `handled`
    /// commands. A notice it sent before handling the commands sent before
    /// the page's own latest notice is dropped: with the engine in the page
    /// it came first and was overwritten at once (an edit's refusal, then
    /// the page saying it restarted), so it must not land on top now.
    pub fn receive_late(&self, handled: u64, mut out: Vec<Out>) {
        if handled < self.told_after.get_value() {
            out.retain(|o| !matches!(o, Out::Notice { .. }));
        }
        self.receive(out);
    }

    /// Renders what the engine sent: views, chart series, notices, stops.
    pub fn receive(&self, out: Vec<Out>) {
        for message in out {
            match message {
                Out::View(view) => {
                    let crate::engine::View { frame, alarming, lesson, behind } = *view;
                    self.live.snapshot.set(Snapshot { frame, alarming });
                    if !self.live.started.get_untracked() {
                        self.live.started.set(true);
                    }
                    if self.live.lesson_status.with_untracked(|s| *s != lesson) {
                        self.live.lesson_status.set(lesson);
                    }
                    if self.clock.behind.get_untracked() != behind {
                        self.clock.behind.set(behind);
                    }
                }
                Out::Charts(series) => {
                    self.charts.data.set_value(Some(series));
                    self.charts.redraw.notify();
                }
                Out::Notice { text, is_error } => {
                    self.screen.notice.set(Some(Notice { text, is_error, more: None }));
                }
                Out::Jumping(jump) => self.clock.jump.set(Some(jump)),
                Out::Stopped => {
                    if self.clock.jump.get_untracked().is_some() {
                        self.clock.jump.set(None);
                    }
                    // The engine stopped by itself: only the page follows.
                    if self.clock.playing.get_untracked() {
                        self.clock.playing.set(false);
                    }
                }
                Out::Replay(json) => self.live.replay.set_value(json),
                Out::File { name, mime, text } => {
                    if let Err(why) = crate::download::save_text(&name, &mime, &text) {
                        self.tell(format!("The download failed: {why}"), true);
                    }
                }
            }
        }
    }

    /// Sends the chart alarms set to the engine (it judges them with each view).
    pub fn send_alarms(&self) {
        self.send(Command::Alarms(self.charts.alarms.get_untracked()));
    }

    /// Asks the engine for the series of these charts (or none).
    pub fn request_charts(&self, request: Option<ChartRequest>) {
        self.send(Command::Charts(request));
    }

    /// Asks the engine for a file of every series; it is saved when it comes.
    pub fn export(&self, export: Export) {
        self.send(Command::Export(export));
    }

    /// Steps through the open lesson: `1` reveals the next hint (and after
    /// the last hint the solution), `-1` takes the last one back.
    pub fn step_lesson(&self, delta: isize) {
        let Some(steps) = self.scenario.with_value(|v| {
            v.scenario().lesson.as_ref().map(|l| l.hints.len() + usize::from(!l.fix.is_empty()))
        }) else {
            return;
        };
        self.lesson.step.update(|s| *s = s.saturating_add_signed(delta).min(steps));
    }

    /// Plays or pauses the run: the page's state and the engine's in one
    /// step (the engine publishes the exact state at the moment of pausing).
    /// The one writer of `playing` but the engine's own stop (`receive`).
    /// A draft runs nothing, so Play waits until it runs.
    pub fn set_playing(&self, on: bool) {
        if on && self.clock.draft.get_value().is_some() {
            self.tell("Play waits until the pipeline runs: fix what “Not running yet” lists above the canvas.", true);
            return;
        }
        if self.clock.playing.get_untracked() != on {
            self.clock.playing.set(on);
            self.send(if on { Command::Play } else { Command::Pause });
        }
    }

    /// Plays if paused, pauses if playing.
    pub fn toggle_play(&self) {
        self.set_playing(!self.clock.playing.get_untracked());
    }

    /// The document on screen is a draft (`true`) or runs. A draft runs
    /// nothing, so no simulated time should pass: the clock stops while it
    /// lasts, and starts again by itself once the document runs if the
    /// draft stopped it.
    pub fn set_draft(&self, draft: bool) {
        match (draft, self.clock.draft.get_value()) {
            (true, None) => {
                let was_playing = self.clock.playing.get_untracked();
                self.set_playing(false);
                self.clock.draft.set_value(Some(was_playing));
            }
            (false, Some(was_playing)) => {
                self.clock.draft.set_value(None);
                self.set_playing(was_playing);
            }
            _ => {}
        }
    }

    /// Sets simulated seconds per wall second, in the page and the engine.
    pub fn set_speed(&self, speed: u32) {
        if self.clock.speed.get_untracked() != speed {
            self.clock.speed.set(speed);
            self.send(Command::Speed(speed));
        }
    }

    /// Runs headless to simulated time `to` (from zero again if it is in
    /// the past: the run is deterministic), pausing when it gets there.
    pub fn jump_to(&self, to: SimTime) {
        self.set_playing(false);
        let scenario = Box::new(self.scenario.with_value(|v| v.scenario().clone()));
        self.send(Command::JumpTo { to, scenario });
    }

    /// Stops a jump where it is, paused.
    pub fn cancel_jump(&self) {
        if self.clock.jump.get_untracked().is_some() {
            self.send(Command::CancelJump);
        }
    }

    /// Restarts the run from time zero with the same scenario and seed.
    pub fn reset(&self) {
        self.restart(true);
    }

    /// Restarts the run from time zero and publishes its figures, leaving
    /// the charts alone (the editor rebuilds them when nodes change, and a
    /// chart must not draw a node that no longer exists).
    pub fn restart_figures(&self) {
        self.restart(false);
    }

    /// Restarts the engine with the scenario on screen.
    fn restart(&self, charts: bool) {
        let scenario = Box::new(self.scenario.with_value(|v| v.scenario().clone()));
        self.send(Command::Restart { scenario, charts });
    }

    /// Advances simulated time by `ms` at once (the Step button).
    pub fn step(&self, ms: u64) {
        self.send(Command::Step(ms));
    }

    /// Applies a runtime change, reporting a refusal in the notice bar.
    pub fn command(&self, command: sim_core::Command) {
        self.send(Command::Apply(command));
    }

    /// After an edit the run absorbs as `command` (the scenario on screen is
    /// already the edited one): if the run refuses it, it restarts from zero
    /// with the new value and says so.
    pub fn live_edit(&self, command: sim_core::Command) {
        let scenario = Box::new(self.scenario.with_value(|v| v.scenario().clone()));
        self.send(Command::LiveEdit { scenario, command });
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

    /// Runs another scenario from time zero (opened from the gallery, a
    /// lesson, a link): the old one's alarms, jump and lesson steps are
    /// dropped and the workbench rebuilds. The editor's `open` calls it.
    pub fn run_another(&self, valid: ValidScenario) {
        let name = valid.scenario().name.clone();
        self.scenario.set_value(valid);
        self.charts.alarms.set(Vec::new());
        self.clock.jump.set(None);
        self.lesson.step.set(0);
        self.send(Command::Alarms(Vec::new()));
        self.reset();
        self.screen.notice.set(None);
        self.generation.update(|g| *g += 1);
        match self.scenario.with_value(|v| sim_core::model_notice(v.scenario())) {
            Some(text) => self.tell_model_change(format!("Opened “{name}”. {text}")),
            None => self.tell(format!("Opened “{name}”."), false),
        }
    }

    /// Shows a message in the notice bar.
    pub fn tell(&self, text: impl Into<String>, is_error: bool) {
        self.told_after.set_value(self.host.with_value(Host::sent));
        self.screen.notice.set(Some(Notice { text: text.into(), is_error, more: None }));
    }

    /// Says that a scenario was made under another model version, with a
    /// link to what changed (see `sim_core::model_notice`).
    pub fn tell_model_change(&self, text: String) {
        let more = Some(("What changed", sim_core::MODEL_CHANGELOG));
        self.told_after.set_value(self.host.with_value(Host::sent));
        self.screen.notice.set(Some(Notice { text, is_error: false, more }));
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
        assert_eq!(parse_jump("00:02:00"), Ok(120_000));
        assert!(parse_jump("2 fortnights").unwrap_err().contains("unknown unit"));
        assert!(parse_jump("400d").unwrap_err().contains("365 days"));
    }
}
