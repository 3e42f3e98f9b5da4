//! Progress on long work: a bar on standard error when it is a terminal,
//! moving from the first simulated second, with the time left at the
//! measured pace. The pacing itself is pure functions, tested without a
//! terminal or a clock.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sim_core::Simulation;
use sim_core::time::SECOND;
use sim_core::units;

use crate::output::printable;

/// Wall time one slice of a run aims at, so the bar moves about ten times
/// a second whatever the scenario's speed.
const SLICE_WALL_S: f64 = 0.1;

/// Work done per wall second so far, once there is some to measure.
pub fn pace(done: f64, elapsed_s: f64) -> Option<f64> {
    (done > 0.0 && elapsed_s > 0.0).then(|| done / elapsed_s)
}

/// Where the next slice of a run stops: about a tenth of a second of wall
/// time at the measured pace (one simulated second before there is a
/// pace), at least a second on, never past the end.
pub fn next_stop(done_s: u64, end_s: u64, pace: Option<f64>) -> u64 {
    let step = pace.map_or(1.0, |p| (p * SLICE_WALL_S).floor()).max(1.0);
    done_s.saturating_add(step as u64).min(end_s)
}

/// Wall time measured before the time left is shown: the first slices
/// include warming up and would promise too long a wait.
const MEASURE_WALL_S: f64 = 0.5;

/// Wall seconds left to reach `total` at the pace measured so far, once
/// half a second of it has been measured.
pub fn eta_s(done: f64, total: f64, elapsed_s: f64) -> Option<f64> {
    let p = pace(done, elapsed_s).filter(|_| elapsed_s >= MEASURE_WALL_S)?;
    Some((total - done).max(0.0) / p)
}

/// Runs `sim` to `end_s` in slices of about a tenth of a second of wall
/// time, showing `after_slice` the run and the simulated seconds reached
/// after each. Stops early, returning false, when `after_slice` returns
/// false. (Slices do not change results: running in steps equals running
/// at once.)
pub fn run_in_slices(
    sim: &mut Simulation,
    end_s: u64,
    mut after_slice: impl FnMut(&Simulation, u64) -> bool,
) -> bool {
    let started = Instant::now();
    let start_s = sim.now() / SECOND;
    let mut done_s = start_s;
    while done_s < end_s {
        let measured = pace((done_s - start_s) as f64, started.elapsed().as_secs_f64());
        done_s = next_stop(done_s, end_s, measured);
        sim.run_until(done_s * SECOND);
        if !after_slice(sim, done_s) {
            return false;
        }
    }
    true
}

/// A progress bar on standard error, drawn only when it is a terminal.
pub struct Bar {
    bar: ProgressBar,
    started: Instant,
    total: u64,
    unit: &'static str,
}

impl Bar {
    /// A bar over `total` of `unit` (`simulated s`).
    pub fn new(total: u64, unit: &'static str) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(total), draw_target());
        if let Ok(style) = ProgressStyle::with_template("{wide_bar} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        let shown = Bar { bar, started: Instant::now(), total, unit };
        shown.set(0, "");
        shown
    }

    /// A spinner for work of unknown length, with the time spent.
    pub fn spinner() -> Bar {
        let bar = ProgressBar::with_draw_target(None, draw_target());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {wide_msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        Bar { bar, started: Instant::now(), total: 0, unit: "" }
    }

    /// Moves the bar to `done`, with `detail` (`, 2/10 points`) and the
    /// time left.
    pub fn set(&self, done: u64, detail: &str) {
        let elapsed_s = self.started.elapsed().as_secs_f64();
        let left = eta_s(done as f64, self.total as f64, elapsed_s)
            .map_or("measuring".to_string(), |s| units::millis(s * 1_000.0));
        self.bar.set_message(format!("{}{} · {left} left", self.unit, printable(detail)));
        self.bar.set_position(done);
    }

    /// Runs `write` with the bar off the terminal, so lines written
    /// meanwhile do not land on it.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        self.bar.suspend(write)
    }

    /// Says what a spinner is doing.
    pub fn say(&self, what: &str) {
        self.bar.set_message(printable(what).into_owned());
    }

    /// Wall time since the bar appeared.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Takes the bar off the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn draw_target() -> ProgressDrawTarget {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// `f` of every item on `threads` threads, the results in the items'
/// order whatever the threads (each result depends on its item alone).
pub fn each_on_threads<I: Sync, T: Send>(
    items: &[I],
    threads: usize,
    f: impl Fn(&I) -> T + Sync,
) -> Vec<T> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { return };
                    let result = f(item);
                    done.lock().expect("no panics").push((i, result));
                }
            });
        }
    });
    let mut done = done.into_inner().expect("no panics");
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_slice_is_one_simulated_second() {
        assert_eq!(next_stop(0, 3_600, None), 1);
        assert_eq!(next_stop(0, 3_600, pace(0.0, 0.0)), 1);
    }

    #[test]
    fn later_slices_take_a_tenth_of_a_second_at_the_measured_pace() {
        // 1 simulated second took 2 ms: 500 s per wall second, 50 s a slice.
        assert_eq!(next_stop(1, 3_600, pace(1.0, 0.002)), 51);
        // A slow scenario (a simulated second takes 3 s) still moves a second at a time.
        assert_eq!(next_stop(4, 3_600, pace(4.0, 12.0)), 5);
        // Never past the end, and a pace beyond u64 does not wrap.
        assert_eq!(next_stop(3_590, 3_600, Some(1e6)), 3_600);
        assert_eq!(next_stop(1, u64::MAX, Some(f64::INFINITY)), u64::MAX);
        assert_eq!(next_stop(1, 10, Some(f64::NAN)), 2);
    }

    #[test]
    fn the_time_left_follows_the_measured_pace() {
        // 600 of 3,600 simulated seconds in 2 s: 3,000 more take 10 s.
        assert_eq!(eta_s(600.0, 3_600.0, 2.0), Some(10.0));
        assert_eq!(eta_s(0.0, 3_600.0, 2.0), None, "nothing to measure yet");
        assert_eq!(eta_s(10.0, 3_600.0, 0.2), None, "too early to promise");
        assert_eq!(eta_s(3_600.0, 3_600.0, 5.0), Some(0.0));
        // Three of ten sweep points in 6 s: seven more take 14 s.
        assert_eq!(eta_s(3.0, 10.0, 6.0), Some(14.0));
    }
}
