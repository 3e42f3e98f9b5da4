//! The frame loop: advances the simulation on `requestAnimationFrame` within
//! a time budget and publishes snapshots a few times a second.
//!
//! Nothing reactive runs per frame: play state and speed are read untracked,
//! the simulation sits in a `StoredValue`, and the DOM only hears about it
//! through [`SimCtx::publish`] (about 8 times a second).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::state::SimCtx;

/// Longest wall-clock gap a frame accounts for; a background tab does not
/// come back to a burst of catch-up work.
const MAX_FRAME_MS: f64 = 250.0;
/// Wall-clock milliseconds of simulation work allowed per frame.
const BUDGET_MS: f64 = 8.0;
/// Wall-clock milliseconds of simulation per frame during a "jump to": the
/// page still repaints (and takes a Cancel click) about 25 times a second.
const JUMP_BUDGET_MS: f64 = 32.0;
/// Simulated milliseconds advanced between budget checks.
const SLICE_MS: u64 = 1_000;
/// Wall-clock milliseconds between snapshots.
const PUBLISH_EVERY_MS: f64 = 125.0;
/// Wall-clock milliseconds between chart redraws (plotters redraws a whole
/// canvas, so a few times a second is plenty).
const CHARTS_EVERY_MS: f64 = 250.0;

struct LoopState {
    last_frame: Option<f64>,
    carry_ms: f64,
    last_publish: f64,
    last_charts: f64,
    /// Recent frames as (interval since the previous frame, simulation ms),
    /// for the debug overlay.
    frames: std::collections::VecDeque<(f64, f64)>,
    last_stats: f64,
}

/// Frame timing for the debug overlay, over the last few seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameStats {
    /// Median time between frames.
    pub interval_p50_ms: f64,
    /// 95th percentile of the time between frames (16.7 ms at 60 fps).
    pub interval_p95_ms: f64,
    /// 95th percentile of the time spent simulating in a frame.
    pub sim_p95_ms: f64,
}

fn percentile(mut values: Vec<f64>, p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * p).round() as usize]
}

fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Starts the frame loop for `ctx`; it stops when the calling owner is cleaned up.
pub fn use_sim_loop(ctx: SimCtx) {
    let state = Rc::new(RefCell::new(LoopState {
        last_frame: None,
        carry_ms: 0.0,
        last_publish: 0.0,
        last_charts: 0.0,
        frames: std::collections::VecDeque::new(),
        last_stats: 0.0,
    }));
    type Frame = Rc<RefCell<Option<Box<dyn FnMut()>>>>;
    let frame: Frame = Rc::new(RefCell::new(None));
    let handle = Rc::new(RefCell::new(None::<AnimationFrameRequestHandle>));

    let (next, next_handle) = (frame.clone(), handle.clone());
    *frame.borrow_mut() = Some(Box::new(move || {
        run_frame(ctx, &mut state.borrow_mut());
        let again = next.clone();
        let scheduled = request_animation_frame_with_handle(move || {
            if let Some(f) = again.borrow_mut().as_mut() {
                f();
            }
        });
        *next_handle.borrow_mut() = scheduled.ok();
    }));
    if let Some(f) = frame.borrow_mut().as_mut() {
        f();
    }
    // `on_cleanup` wants `Send`; the browser runs it on this same thread.
    let handles = SendWrapper::new((frame, handle));
    on_cleanup(move || {
        let (frame, handle) = handles.take();
        if let Some(h) = handle.borrow_mut().take() {
            h.cancel();
        }
        // Dropping the closure breaks the frame -> closure -> frame cycle.
        frame.borrow_mut().take();
    });
}

fn run_frame(ctx: SimCtx, st: &mut LoopState) {
    let start = now_ms();
    if crate::components::offscreen() {
        // An embed out of view holds still, and resumes without a jump.
        st.last_frame = Some(start);
        return;
    }
    let interval = st.last_frame.map_or(0.0, |last| start - last);
    let dt = interval.clamp(0.0, MAX_FRAME_MS);
    st.last_frame = Some(start);
    simulate(ctx, st, start, dt);
    if ctx.perf.get_untracked().is_some() {
        track_frame(ctx, st, start, interval);
    }
}

/// Keeps a few seconds of frame timings and publishes them twice a second.
fn track_frame(ctx: SimCtx, st: &mut LoopState, start: f64, interval: f64) {
    if st.frames.len() == 240 {
        st.frames.pop_front();
    }
    st.frames.push_back((interval, now_ms() - start));
    if start - st.last_stats >= 500.0 {
        st.last_stats = start;
        let intervals: Vec<f64> = st.frames.iter().map(|f| f.0).collect();
        let sims: Vec<f64> = st.frames.iter().map(|f| f.1).collect();
        ctx.perf.set(Some(FrameStats {
            interval_p50_ms: percentile(intervals.clone(), 0.5),
            interval_p95_ms: percentile(intervals, 0.95),
            sim_p95_ms: percentile(sims, 0.95),
        }));
    }
}

/// Holds the run to the browser's budget each time it passes a simulated
/// minute (`sim_core::budget::check_run`): a run that outgrows it anyway
/// (changes made while it runs, a run far past its duration) pauses and
/// says why. Returns whether it stopped.
fn guard(ctx: SimCtx, before: sim_core::SimTime) -> bool {
    use sim_core::budget::{Budget, GUARD_INTERVAL_MS, check_run};
    let refused = ctx.sim.with_value(|sim| {
        let crossed = sim.now() / GUARD_INTERVAL_MS != before / GUARD_INTERVAL_MS;
        if crossed { check_run(sim, &Budget::BROWSER).err() } else { None }
    });
    let Some(why) = refused else { return false };
    ctx.cancel_jump();
    ctx.playing.set(false);
    ctx.tell(format!("Paused: {why}."), true);
    ctx.publish();
    true
}

/// Advances a "jump to" by one frame's budget, as fast as the budget allows.
fn jump(ctx: SimCtx, st: &mut LoopState, start: f64, to: sim_core::SimTime) {
    let before = ctx.sim.with_value(sim_core::Simulation::now);
    let reached = ctx.sim.try_update_value(|sim| {
        while sim.now() < to && now_ms() - start < JUMP_BUDGET_MS {
            sim.run_until((sim.now() + SLICE_MS).min(to));
        }
        sim.now() >= to
    });
    if guard(ctx, before) {
        return;
    }
    if reached == Some(true) {
        ctx.jump_done();
    } else if start - st.last_publish >= PUBLISH_EVERY_MS {
        st.last_publish = start;
        ctx.publish_figures();
    }
}

fn simulate(ctx: SimCtx, st: &mut LoopState, start: f64, dt: f64) {
    if let Some(target) = ctx.jump.get_untracked() {
        jump(ctx, st, start, target.to);
    } else if ctx.playing.get_untracked() {
        let want = dt * f64::from(ctx.speed.get_untracked()) + st.carry_ms;
        let whole = want.floor();
        st.carry_ms = want - whole;
        let mut behind = false;
        let before = ctx.sim.with_value(sim_core::Simulation::now);
        ctx.sim.update_value(|sim| {
            let target = sim.now() + whole as u64;
            while sim.now() < target {
                sim.run_until((sim.now() + SLICE_MS).min(target));
                if now_ms() - start > BUDGET_MS {
                    behind = sim.now() < target;
                    break;
                }
            }
        });
        if guard(ctx, before) {
            return;
        }
        if behind {
            st.carry_ms = 0.0;
        }
        if ctx.behind.get_untracked() != behind {
            ctx.behind.set(behind);
        }
        if start - st.last_publish >= PUBLISH_EVERY_MS {
            st.last_publish = start;
            ctx.publish_figures();
        }
        if start - st.last_charts >= CHARTS_EVERY_MS {
            st.last_charts = start;
            ctx.charts.notify();
        }
    }
}
