//! The engine host: the one owner of the [`Simulation`]. The page talks to
//! it in messages only, [`Command`]s in and [`Out`]s (views, chart series,
//! notices) out, so it can run in a dedicated Web Worker or, where no worker
//! starts, in the page itself, with the same code and the same numbers.
//!
//! Nothing here touches the DOM or the reactive graph: the host is a plain
//! state machine driven by [`Engine::handle`] and [`Engine::tick`] (which
//! takes the wall clock as a function), so it is tested natively.

use serde::{Deserialize, Serialize};
use sim_core::NodeIndex;
use sim_core::budget::{Budget, GUARD_INTERVAL_MS, check_run};
use sim_core::lesson::{CheckStatus, evaluate};
use sim_core::metrics::{NodeMetrics, Point, Statistic};
use sim_core::time::{DAY, HOUR, MINUTE, SECOND, SimTime, format_clock};
use sim_core::view::FrameView;
use sim_core::{Scenario, Simulation, ValidScenario, validate};

use crate::alarm::Alarm;

/// The time window of the charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// The charts the page shows: one node's, each a title and the metrics
/// drawn on it (indices into the node's metric table), over a window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartRequest {
    /// The node.
    pub node: NodeIndex,
    /// Each chart: its title and its metrics.
    pub charts: Vec<(String, Vec<usize>)>,
    /// The window shown.
    pub span: ChartSpan,
}

/// One series to draw: its points in the window, as (seconds, value).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// (simulated seconds, value), oldest first.
    pub points: Vec<(f64, f64)>,
}

/// The series of the charts asked for, at one instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartsView {
    /// The node.
    pub node: NodeIndex,
    /// Simulated time of the newest point.
    pub now: SimTime,
    /// The window, in milliseconds.
    pub span: SimTime,
    /// Each chart by title, one line per metric.
    pub charts: Vec<(String, Vec<Line>)>,
    /// The node's records by octave of latency since the start (`(first
    /// ms, end ms, records)`; empty for kinds that measure none).
    pub latency: Vec<(u64, u64, f64)>,
}

impl ChartsView {
    /// The lines of the chart titled `title` of node `node`, if present.
    pub fn lines(&self, node: NodeIndex, title: &str) -> Option<&[Line]> {
        (self.node == node)
            .then(|| self.charts.iter().find(|c| c.0 == title).map(|c| &c.1[..]))
            .flatten()
    }
}

/// What the page renders of the run, a few times a second.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// sim-core's view: figures, health, tallies, gauges, wires, cost.
    pub frame: FrameView,
    /// Chart alarms in alarm, as (node, chart title); see `alarm`.
    pub alarming: Vec<(NodeIndex, String)>,
    /// The open lesson's check (a pass stays a pass until a restart);
    /// `None` when the scenario has no lesson.
    pub lesson: Option<CheckStatus>,
    /// The engine could not keep up with the speed asked for.
    pub behind: bool,
}

/// The files the page can save of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Export {
    /// Every series as CSV (`sim_core::time_series_csv`).
    Csv,
    /// Every series as JSON (`sim_core::time_series_json`).
    Json,
}

/// A message to the engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Simulated time advances at the speed set.
    Play,
    /// Simulated time stands still (the view of that instant follows).
    Pause,
    /// Simulated seconds per wall-clock second.
    Speed(u32),
    /// Advances by this many milliseconds at once (the Step button).
    Step(SimTime),
    /// Runs `scenario` from time zero with its seed: a reset, another
    /// scenario, or an edit the run cannot absorb. With `charts`, the chart
    /// series follow at once (not when the nodes change: the page asks for
    /// the new node's charts).
    Restart {
        /// The scenario (validated again here; the same one is reused).
        #[serde(deserialize_with = "crate::worker::read_scenario")]
        scenario: Box<Scenario>,
        /// Whether to publish the chart series too.
        charts: bool,
    },
    /// An edit the run absorbs as a runtime change; if the run refuses it,
    /// it restarts from zero with `scenario` and says so.
    LiveEdit {
        /// The scenario as edited.
        #[serde(deserialize_with = "crate::worker::read_scenario")]
        scenario: Box<Scenario>,
        /// The runtime change.
        command: sim_core::Command,
    },
    /// A runtime change (an intervention); a refusal is told.
    Apply(sim_core::Command),
    /// Runs headless to simulated time `to`, then pauses (from zero again,
    /// with `scenario`, if it is in the past: the run is deterministic).
    JumpTo {
        /// Where to stop.
        to: SimTime,
        /// The scenario on screen.
        #[serde(deserialize_with = "crate::worker::read_scenario")]
        scenario: Box<Scenario>,
    },
    /// Stops a jump where it is, paused.
    CancelJump,
    /// The chart alarms set.
    Alarms(Vec<Alarm>),
    /// The charts the page shows, if any.
    Charts(Option<ChartRequest>),
    /// A file of every series.
    Export(Export),
}

/// A message from the engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Out {
    /// A fresh view of the run.
    View(Box<View>),
    /// Fresh chart series.
    Charts(ChartsView),
    /// A message for the notice bar.
    Notice {
        /// The text.
        text: String,
        /// Whether it reports a problem.
        is_error: bool,
    },
    /// A jump started (from where the run stood).
    Jumping(Jump),
    /// The engine stopped by itself or as asked: paused, no jump.
    Stopped,
    /// The scenario that reproduces the run as JSON text, live changes
    /// included as `at_ms` schedule entries (`Simulation::replay_scenario`);
    /// `None` while the run has taken no live change. Sent when it changes.
    Replay(Option<String>),
    /// A file to save.
    File {
        /// Its name.
        name: String,
        /// Its MIME type.
        mime: String,
        /// Its contents.
        text: String,
    },
}

/// How much wall-clock time the engine may spend per tick.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budgets {
    /// Milliseconds of simulation work per tick while playing.
    pub play_ms: f64,
    /// Milliseconds of simulation work per tick during a jump.
    pub jump_ms: f64,
}

impl Budgets {
    /// In the page: a frame keeps 8 ms for the simulation while playing,
    /// and 32 ms during a jump, so the page still repaints (and takes a
    /// Cancel click) about 25 times a second.
    pub const PAGE: Budgets = Budgets { play_ms: 8.0, jump_ms: 32.0 };

    /// In the engine's Web Worker: nothing else shares its thread, so a
    /// slice may take 16 ms whether playing or jumping; it yields after
    /// each, so a command (Pause, Cancel) waits at most about one slice.
    pub const WORKER: Budgets = Budgets { play_ms: 16.0, jump_ms: 16.0 };
}

/// Simulated milliseconds advanced between budget checks.
const SLICE_MS: u64 = 1_000;
/// Wall-clock milliseconds between views.
pub const VIEW_EVERY_MS: f64 = 125.0;
/// Wall-clock milliseconds between chart series (plotters redraws a whole
/// canvas, so a few times a second is plenty).
pub const CHARTS_EVERY_MS: f64 = 250.0;

/// The one owner of the simulation, with the play state it runs by.
pub struct Engine {
    valid: ValidScenario,
    sim: Simulation,
    playing: bool,
    speed: u32,
    jump: Option<Jump>,
    alarms: Vec<Alarm>,
    charts: Option<ChartRequest>,
    /// The open lesson passed in this run (the check looks at the last hour only).
    passed: bool,
    behind: bool,
    carry_ms: f64,
    last_view: f64,
    last_charts: f64,
}

impl Engine {
    /// Runs `valid` from time zero with its seed, playing at 1x.
    pub fn new(valid: ValidScenario) -> Self {
        let sim = Simulation::new(&valid, valid.scenario().seed);
        Engine {
            valid,
            sim,
            playing: true,
            speed: 1,
            jump: None,
            alarms: Vec::new(),
            charts: None,
            passed: false,
            behind: false,
            carry_ms: 0.0,
            last_view: 0.0,
            last_charts: 0.0,
        }
    }

    /// Simulated time now.
    pub fn now(&self) -> SimTime {
        self.sim.now()
    }

    /// Whether a jump is running.
    pub fn jumping(&self) -> bool {
        self.jump.is_some()
    }

    /// Whether simulated time advances by itself (playing or jumping).
    pub fn running(&self) -> bool {
        self.playing || self.jump.is_some()
    }

    /// Handles one command, appending what the page should hear.
    pub fn handle(&mut self, command: Command, out: &mut Vec<Out>) {
        match command {
            Command::Play => {
                self.playing = true;
                self.publish(out);
            }
            Command::Pause => {
                // A paused run sits on a whole simulated second, the time
                // its clock shows, so "Jump to" that time in a copied link
                // lands where it stands (at most 999 ms more).
                self.playing = false;
                self.sim.run_until(self.sim.now().next_multiple_of(SECOND));
                self.publish(out);
            }
            Command::Speed(speed) => self.speed = speed.max(1),
            Command::Step(ms) => {
                self.sim.run_until(self.sim.now() + ms);
                self.publish(out);
            }
            Command::Restart { scenario, charts } => {
                if let Err(text) = self.restart(&scenario) {
                    out.push(Out::Notice { text, is_error: true });
                }
                self.replay(out);
                self.view(out);
                if charts {
                    self.publish_charts(out);
                }
            }
            Command::LiveEdit { scenario, command } => match self.sim.apply(command) {
                Ok(()) => {
                    // The run goes on; a later restart starts from the edited scenario.
                    if let Ok(valid) = validate(&scenario) {
                        self.valid = valid;
                    }
                    self.replay(out);
                    self.publish(out);
                }
                Err(why) => {
                    if let Err(text) = self.restart(&scenario) {
                        out.push(Out::Notice { text, is_error: true });
                    }
                    self.replay(out);
                    self.publish(out);
                    let text = format!("{why}; the run restarted from zero with the new value.");
                    out.push(Out::Notice { text, is_error: false });
                }
            },
            Command::Apply(command) => {
                match self.sim.apply(command) {
                    Ok(()) => self.replay(out),
                    Err(why) => out.push(Out::Notice { text: why, is_error: true }),
                }
                self.publish(out);
            }
            Command::JumpTo { to, scenario } => {
                if to < self.sim.now() {
                    if let Err(text) = self.restart(&scenario) {
                        out.push(Out::Notice { text, is_error: true });
                    }
                    self.replay(out);
                    self.publish(out);
                }
                let jump = Jump { from: self.sim.now(), to };
                self.playing = false;
                self.jump = Some(jump);
                out.push(Out::Jumping(jump));
            }
            Command::CancelJump => self.cancel_jump(out),
            Command::Alarms(alarms) => {
                self.alarms = alarms;
                self.publish(out);
            }
            Command::Charts(request) => {
                self.charts = request;
                self.publish_charts(out);
            }
            Command::Export(export) => {
                let (name, mime, text) = match export {
                    Export::Csv => {
                        ("shardplay-metrics.csv", "text/csv", sim_core::time_series_csv(&self.sim))
                    }
                    Export::Json => (
                        "shardplay-metrics.json",
                        "application/json",
                        sim_core::time_series_json(&self.sim),
                    ),
                };
                out.push(Out::File { name: name.into(), mime: mime.into(), text });
            }
        }
    }

    /// Rebuilds the run from time zero for `scenario` (the one running is
    /// reused; another is validated first, and refused with the reason).
    fn restart(&mut self, scenario: &Scenario) -> Result<(), String> {
        let mut result = Ok(());
        if scenario != self.valid.scenario() {
            match validate(scenario) {
                Ok(valid) => self.valid = valid,
                Err(issues) => {
                    let text = sim_core::plain::issues_in_words(&issues, scenario).join("; ");
                    result = Err(format!("Change refused: {text}"));
                }
            }
        }
        self.sim = Simulation::new(&self.valid, self.valid.scenario().seed);
        self.passed = false;
        result
    }

    /// Tells the page the scenario that reproduces the run now.
    fn replay(&self, out: &mut Vec<Out>) {
        let json = self.sim.replay_scenario().and_then(|s| serde_json::to_string(&s).ok());
        out.push(Out::Replay(json));
    }

    fn cancel_jump(&mut self, out: &mut Vec<Out>) {
        if self.jump.take().is_some() {
            out.push(Out::Stopped);
            self.publish(out);
            let text = format!("Jump cancelled at {}.", format_clock(self.sim.now()));
            out.push(Out::Notice { text, is_error: false });
        }
    }

    /// The view of the run now (the lesson's pass latched).
    pub fn capture(&mut self) -> View {
        let sim = &self.sim;
        let status = sim.scenario().lesson.as_ref().map(|lesson| evaluate(&lesson.check, sim));
        let lesson = match status {
            Some(CheckStatus::Passed) => {
                self.passed = true;
                status
            }
            Some(_) if self.passed => Some(CheckStatus::Passed),
            other => other,
        };
        View {
            frame: FrameView::capture(sim),
            alarming: crate::alarm::firing(sim, &self.alarms),
            lesson,
            behind: self.behind,
        }
    }

    /// The chart series asked for, if any (nothing for a node the run lacks).
    pub fn chart_series(&self) -> Option<ChartsView> {
        let request = self.charts.as_ref()?;
        let sim = &self.sim;
        (request.node.get() < sim.slots().len()).then(|| {
            let now = sim.now();
            let span = request.span.millis(now, self.speed);
            let m = sim.metrics(request.node);
            let charts =
                request.charts.iter().map(|(t, ms)| (t.clone(), lines(m, ms, now, span))).collect();
            let latency = sim.latency(request.node).map_or_else(Vec::new, |l| l.hop.octaves());
            ChartsView { node: request.node, now, span, charts, latency }
        })
    }

    fn view(&mut self, out: &mut Vec<Out>) {
        out.push(Out::View(Box::new(self.capture())));
    }

    fn publish_charts(&self, out: &mut Vec<Out>) {
        if let Some(series) = self.chart_series() {
            out.push(Out::Charts(series));
        }
    }

    /// A view and the chart series.
    fn publish(&mut self, out: &mut Vec<Out>) {
        self.view(out);
        self.publish_charts(out);
    }

    /// Advances the run for `dt` wall-clock milliseconds at the speed set
    /// (or a jump as far as the budget allows), within the budget, reading
    /// the wall clock from `clock`; publishes views and chart series at
    /// their cadence.
    pub fn tick(&mut self, clock: &dyn Fn() -> f64, dt: f64, budgets: Budgets, out: &mut Vec<Out>) {
        let start = clock();
        if let Some(jump) = self.jump {
            let before = self.sim.now();
            while self.sim.now() < jump.to && clock() - start < budgets.jump_ms {
                self.sim.run_until((self.sim.now() + SLICE_MS).min(jump.to));
            }
            if self.guard(before, out) {
                return;
            }
            if self.sim.now() >= jump.to {
                self.jump = None;
                out.push(Out::Stopped);
                self.publish(out);
                let text = format!("Jumped to {} (paused).", format_clock(self.sim.now()));
                out.push(Out::Notice { text, is_error: false });
            } else if start - self.last_view >= VIEW_EVERY_MS {
                self.last_view = start;
                self.view(out);
            }
        } else if self.playing {
            let want = dt * f64::from(self.speed) + self.carry_ms;
            let whole = want.floor();
            self.carry_ms = want - whole;
            let before = self.sim.now();
            let target = before + whole as u64;
            let mut behind = false;
            while self.sim.now() < target {
                self.sim.run_until((self.sim.now() + SLICE_MS).min(target));
                if clock() - start > budgets.play_ms {
                    behind = self.sim.now() < target;
                    break;
                }
            }
            if self.guard(before, out) {
                return;
            }
            if behind {
                self.carry_ms = 0.0;
            }
            let flipped = self.behind != behind;
            self.behind = behind;
            if flipped || start - self.last_view >= VIEW_EVERY_MS {
                self.last_view = start;
                self.view(out);
            }
            if start - self.last_charts >= CHARTS_EVERY_MS {
                self.last_charts = start;
                self.publish_charts(out);
            }
        }
    }

    /// Holds the run to the browser's budget each time it passes a
    /// simulated minute (`sim_core::budget::check_run`): a run that outgrows
    /// it anyway (changes made while it runs, a run far past its duration)
    /// pauses and says why. Returns whether it stopped.
    fn guard(&mut self, before: SimTime, out: &mut Vec<Out>) -> bool {
        let crossed = self.sim.now() / GUARD_INTERVAL_MS != before / GUARD_INTERVAL_MS;
        let Some(why) = crossed.then(|| check_run(&self.sim, &Budget::BROWSER).err()).flatten()
        else {
            return false;
        };
        self.cancel_jump(out);
        self.playing = false;
        out.push(Out::Stopped);
        out.push(Out::Notice { text: format!("Paused: {why}."), is_error: true });
        self.publish(out);
        true
    }
}

/// The points of each metric since `now - span`, Sum metrics as per-second
/// rates (coarse tiers average their seconds).
pub fn lines(m: &NodeMetrics, metrics: &[usize], now: SimTime, span: SimTime) -> Vec<Line> {
    let since = now.saturating_sub(span);
    metrics
        .iter()
        // An index the node's metric table lacks (the run changed under the
        // chart) draws nothing rather than failing.
        .filter(|&&k| k < m.defs().len())
        .map(|&k| {
            let def = m.defs()[k];
            let series = m.series(k);
            let tier = series.finest_covering(since);
            let points = series
                .tier(tier)
                .iter()
                // A period without a datapoint is left out, as CloudWatch
                // leaves it out (a reader whose calls were all refused).
                .filter(|p| p.t >= since && p.has_data())
                .map(|p: &Point| {
                    let per = match def.stat {
                        Statistic::Sum => f64::from(p.n.max(1)),
                        Statistic::Maximum => 1.0,
                    };
                    (p.t as f64 / SECOND as f64, p.value(def.stat) / per)
                })
                .collect();
            Line { points }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn engine() -> Engine {
        Engine::new(sim_core::load_scenario(sim_core::DEFAULT_SCENARIO).unwrap())
    }

    fn scenario(e: &Engine) -> Box<Scenario> {
        Box::new(e.valid.scenario().clone())
    }

    fn views(out: &[Out]) -> Vec<&View> {
        out.iter().filter_map(|o| if let Out::View(v) = o { Some(&**v) } else { None }).collect()
    }

    fn notices(out: &[Out]) -> Vec<&str> {
        out.iter()
            .filter_map(|o| if let Out::Notice { text, .. } = o { Some(&text[..]) } else { None })
            .collect()
    }

    /// A wall clock that moves `step` milliseconds each time it is read.
    fn clock(step: f64) -> impl Fn() -> f64 {
        let t = Cell::new(0.0);
        move || {
            t.set(t.get() + step);
            t.get()
        }
    }

    #[test]
    fn a_tick_advances_by_wall_time_times_speed_and_views_carry_the_time() {
        let mut e = engine();
        let mut out = Vec::new();
        e.handle(Command::Speed(60), &mut out);
        // A clock that never moves: no budget is ever spent.
        e.tick(&|| 1_000.0, 100.0, Budgets::PAGE, &mut out);
        assert_eq!(e.now(), 6_000);
        let last = views(&out).pop().expect("the first tick publishes");
        assert_eq!(last.frame.now_ms, 6_000);
        assert!(!last.behind);
    }

    #[test]
    fn a_slow_clock_runs_behind_and_says_so() {
        let mut e = engine();
        let mut out = Vec::new();
        e.handle(Command::Speed(3_600), &mut out);
        // Each reading of the clock costs 5 ms: the 8 ms budget ends after two slices.
        e.tick(&clock(5.0), 1_000.0, Budgets::PAGE, &mut out);
        assert_eq!(e.now(), 2_000, "two one-second slices, not an hour");
        assert!(views(&out).last().unwrap().behind);
    }

    #[test]
    fn pause_stops_time_and_step_still_advances() {
        let mut e = engine();
        let mut out = Vec::new();
        e.handle(Command::Pause, &mut out);
        e.tick(&|| 0.0, 500.0, Budgets::PAGE, &mut out);
        assert_eq!(e.now(), 0);
        e.handle(Command::Step(1_000), &mut out);
        assert_eq!(e.now(), 1_000);
        assert_eq!(views(&out).last().unwrap().frame.now_ms, 1_000);
    }

    #[test]
    fn a_pause_lands_on_the_whole_second_the_clock_shows() {
        let mut e = engine();
        let mut out = Vec::new();
        e.handle(Command::Step(2_437), &mut out);
        e.handle(Command::Pause, &mut out);
        assert_eq!(e.now(), 3_000);
        e.handle(Command::Pause, &mut out);
        assert_eq!(e.now(), 3_000, "already on a whole second: it stays");
    }

    #[test]
    fn a_live_change_sends_the_scenario_that_replays_it_and_a_restart_drops_it() {
        let mut e = engine();
        let mut out = Vec::new();
        e.handle(Command::Step(1_250), &mut out);
        let rate =
            sim_core::Command::SetProducerRate { node: NodeIndex::new(0), records_per_s: 900.0 };
        e.handle(Command::Apply(rate), &mut out);
        let replay = out.iter().rev().find_map(|o| match o {
            Out::Replay(json) => Some(json.clone()),
            _ => None,
        });
        let json = replay.flatten().expect("a replay after a change");
        let replayed = sim_core::parse_scenario(&json).unwrap();
        assert_eq!(replayed.schedule.last().and_then(|op| op.at_ms), Some(1_250));
        out.clear();
        e.handle(Command::Restart { scenario: scenario(&e), charts: false }, &mut out);
        assert!(out.contains(&Out::Replay(None)));
    }

    #[test]
    fn a_jump_runs_to_its_time_then_pauses_and_tells() {
        let mut e = engine();
        let mut out = Vec::new();
        e.handle(Command::JumpTo { to: 120_000, scenario: scenario(&e) }, &mut out);
        assert_eq!(out, vec![Out::Jumping(Jump { from: 0, to: 120_000 })]);
        while e.jumping() {
            e.tick(&|| 0.0, 16.0, Budgets::PAGE, &mut out);
        }
        assert_eq!(e.now(), 120_000);
        assert!(!e.running(), "paused at the jump's end");
        assert!(out.contains(&Out::Stopped));
        assert_eq!(notices(&out), ["Jumped to 00:02:00 (paused)."]);
    }

    #[test]
    fn a_jump_into_the_past_restarts_and_a_cancel_stops_where_it_is() {
        let mut e = engine();
        let mut out = Vec::new();
        e.handle(Command::Step(10_000), &mut out);
        e.handle(Command::JumpTo { to: 3_600_000, scenario: scenario(&e) }, &mut out);
        e.tick(&clock(5.0), 16.0, Budgets::PAGE, &mut out);
        let at = e.now();
        assert!(at > 10_000 && at < 3_600_000, "{at}");
        out.clear();
        e.handle(Command::CancelJump, &mut out);
        assert!(!e.running());
        assert_eq!(out[0], Out::Stopped);
        assert_eq!(notices(&out), [format!("Jump cancelled at {}.", format_clock(at))]);
        out.clear();
        e.handle(Command::JumpTo { to: 5_000, scenario: scenario(&e) }, &mut out);
        assert_eq!(e.now(), 0, "the past is reached from zero again");
        assert!(out.contains(&Out::Jumping(Jump { from: 0, to: 5_000 })));
    }

    #[test]
    fn the_engine_gives_the_numbers_of_a_plain_run() {
        let valid = sim_core::load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        let mut plain = Simulation::new(&valid, valid.scenario().seed);
        plain.run_until(90_000);
        let mut e = Engine::new(valid);
        let mut out = Vec::new();
        e.handle(Command::Speed(600), &mut out);
        for _ in 0..9 {
            e.tick(&|| 0.0, 16.0, Budgets::PAGE, &mut out);
        }
        e.handle(Command::Pause, &mut out);
        e.handle(Command::Step(90_000 - e.now()), &mut out);
        assert_eq!(views(&out).last().unwrap().frame, FrameView::capture(&plain));
    }

    #[test]
    fn a_refused_command_is_told_and_a_refused_live_edit_restarts() {
        let mut e = engine();
        let mut out = Vec::new();
        let bad =
            sim_core::Command::SetFlinkParallelism { node: NodeIndex::new(0), parallelism: 2 };
        e.handle(Command::Apply(bad.clone()), &mut out);
        let told = notices(&out);
        assert_eq!(told.len(), 1, "{out:?}");
        out.clear();
        e.handle(Command::Step(5_000), &mut out);
        let scenario = Box::new(e.valid.scenario().clone());
        e.handle(Command::LiveEdit { scenario, command: bad }, &mut out);
        assert_eq!(e.now(), 0);
        assert!(notices(&out)[0].ends_with("the run restarted from zero with the new value."));
    }

    #[test]
    fn charts_follow_the_request_and_skip_a_node_the_run_lacks() {
        let mut e = engine();
        let mut out = Vec::new();
        e.handle(Command::Step(30_000), &mut out);
        let spec = &e.valid.scenario().nodes[1].spec;
        let (title, metrics) = sim_core::metrics::node_charts(spec)[0];
        let request = |node| ChartRequest {
            node: NodeIndex::new(node),
            charts: vec![(title.to_string(), metrics.to_vec())],
            span: ChartSpan::Last(MINUTE),
        };
        out.clear();
        e.handle(Command::Charts(Some(request(1))), &mut out);
        let [Out::Charts(series)] = &out[..] else { panic!("{out:?}") };
        let (stream, other) = (NodeIndex::new(1), NodeIndex::new(2));
        assert_eq!((series.node, series.now, series.span), (stream, 30_000, MINUTE));
        let lines = series.lines(stream, title).unwrap();
        assert_eq!(lines, lines_of(&e, stream, metrics));
        assert!(series.lines(other, title).is_none());
        out.clear();
        e.handle(Command::Charts(Some(request(99))), &mut out);
        assert!(out.is_empty());
    }

    fn lines_of(e: &Engine, node: NodeIndex, metrics: &[usize]) -> Vec<Line> {
        lines(e.sim.metrics(node), metrics, e.now(), MINUTE)
    }

    #[test]
    fn a_restart_with_another_scenario_runs_it_and_a_broken_one_is_refused() {
        let mut e = engine();
        let mut out = Vec::new();
        e.handle(Command::Step(5_000), &mut out);
        let mut other = e.valid.scenario().clone();
        other.seed += 1;
        e.handle(Command::Restart { scenario: Box::new(other.clone()), charts: false }, &mut out);
        assert_eq!((e.now(), e.valid.scenario().seed), (0, other.seed));
        other.nodes[0].id = String::new();
        out.clear();
        e.handle(Command::Restart { scenario: Box::new(other), charts: false }, &mut out);
        let notice = &notices(&out)[0];
        assert!(notice.starts_with("Change refused:"), "{out:?}");
        // In people's words: the node by its display name, not a document path.
        assert!(!notice.contains("nodes["), "{notice}");
    }

    #[test]
    fn commands_and_outs_survive_json() {
        let command = Command::Apply(sim_core::Command::SetProducerRate {
            node: NodeIndex::new(0),
            records_per_s: 2_500.0,
        });
        let text = serde_json::to_string(&command).unwrap();
        assert_eq!(serde_json::from_str::<Command>(&text).unwrap(), command);
        let out = Out::Jumping(Jump { from: 1, to: 2 });
        let text = serde_json::to_string(&out).unwrap();
        assert_eq!(serde_json::from_str::<Out>(&text).unwrap(), out);
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

    #[test]
    fn jump_progress_runs_from_zero_to_one() {
        let jump = Jump { from: 10_000, to: 20_000 };
        assert_eq!(jump.progress(10_000), 0.0);
        assert_eq!(jump.progress(15_000), 0.5);
        assert_eq!(jump.progress(25_000), 1.0);
    }
}
