//! The page's frame loop. With the engine in the page (`host`'s fallback)
//! it hands the engine (`engine`) the wall time that passed and a time
//! budget on each `requestAnimationFrame`, and renders the views it sends
//! back (about 8 times a second). With the engine in its worker it only
//! measures the frames, tells the worker to hold still while nobody can see
//! the run, and gives a worker that does not start up.
//!
//! Nothing reactive runs per frame: the engine sits in a `StoredValue` (or
//! the worker), and the DOM only hears about it through the views it posts.
//! Play state and speed reach the engine as commands, from the signals the
//! toolbar sets.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::state::SimCtx;

/// Longest wall-clock gap a frame accounts for; a background tab does not
/// come back to a burst of catch-up work.
const MAX_FRAME_MS: f64 = 250.0;

struct LoopState {
    last_frame: Option<f64>,
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
    /// 95th percentile of the time spent simulating in a frame (or, with
    /// the engine in its worker, in one of the worker's slices).
    pub sim_p95_ms: f64,
    /// Whether the engine runs in its worker.
    pub in_worker: bool,
}

/// The `p` quantile (0 to 1) of `values`, the nearest rank; 0 when empty.
pub(crate) fn percentile(mut values: Vec<f64>, p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * p).round() as usize]
}

pub(crate) fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Starts the frame loop for `ctx`; it stops when the calling owner is cleaned up.
pub fn use_sim_loop(ctx: SimCtx) {
    let state = Rc::new(RefCell::new(LoopState {
        last_frame: None,
        frames: std::collections::VecDeque::new(),
        last_stats: 0.0,
    }));
    type Frame = Rc<RefCell<Option<Box<dyn FnMut()>>>>;
    let frame: Frame = Rc::new(RefCell::new(None));
    let handle = Rc::new(RefCell::new(None::<AnimationFrameRequestHandle>));
    // A hidden tab gets no frames: its worker must hear that by itself.
    let visibility = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || update_hold(ctx));
    let _ = document().add_event_listener_with_callback(
        "visibilitychange",
        wasm_bindgen::JsCast::unchecked_ref(visibility.as_ref()),
    );
    visibility.forget();

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

/// Tells a worker to hold still while nobody can see the run: a hidden tab,
/// or an embed scrolled out of view.
fn update_hold(ctx: SimCtx) {
    let hold = document().hidden() || crate::components::offscreen();
    ctx.host.update_value(|host| host.hold(hold));
}

fn run_frame(ctx: SimCtx, st: &mut LoopState) {
    let start = now_ms();
    if ctx.host.with_value(|host| host.overdue(start)) {
        let why =
            format!("the engine worker was not up within {} s", crate::host::STARTUP_MS / 1e3);
        crate::host::fall_back(ctx, &why);
    }
    update_hold(ctx);
    if crate::components::offscreen() {
        // An embed out of view holds still, and resumes without a jump.
        st.last_frame = Some(start);
        return;
    }
    let interval = st.last_frame.map_or(0.0, |last| start - last);
    let dt = interval.clamp(0.0, MAX_FRAME_MS);
    st.last_frame = Some(start);
    simulate(ctx, dt);
    if ctx.screen.perf.get_untracked().is_some() {
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
        let worker = ctx.host.with_value(crate::host::Host::slice_p95_ms);
        ctx.screen.perf.set(Some(FrameStats {
            interval_p50_ms: percentile(intervals.clone(), 0.5),
            interval_p95_ms: percentile(intervals, 0.95),
            sim_p95_ms: worker.unwrap_or_else(|| percentile(sims, 0.95)),
            in_worker: worker.is_some(),
        }));
    }
}

/// Lets an engine in the page advance by `dt` of wall time within a
/// frame's budget (a worker runs by itself).
fn simulate(ctx: SimCtx, dt: f64) {
    let out = ctx.host.try_update_value(|host| host.tick(dt)).unwrap_or_default();
    if !out.is_empty() {
        ctx.receive(out);
    }
}
