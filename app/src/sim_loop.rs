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
/// Simulated milliseconds advanced between budget checks.
const SLICE_MS: u64 = 1_000;
/// Wall-clock milliseconds between snapshots.
const PUBLISH_EVERY_MS: f64 = 125.0;

struct LoopState {
    last_frame: Option<f64>,
    carry_ms: f64,
    last_publish: f64,
}

fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Starts the frame loop for `ctx`; it stops when the calling owner is cleaned up.
pub fn use_sim_loop(ctx: SimCtx) {
    let state =
        Rc::new(RefCell::new(LoopState { last_frame: None, carry_ms: 0.0, last_publish: 0.0 }));
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
    let dt = st.last_frame.map_or(0.0, |last| (start - last).clamp(0.0, MAX_FRAME_MS));
    st.last_frame = Some(start);
    if ctx.playing.get_untracked() {
        let want = dt * f64::from(ctx.speed.get_untracked()) + st.carry_ms;
        let whole = want.floor();
        st.carry_ms = want - whole;
        let mut behind = false;
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
        if behind {
            st.carry_ms = 0.0;
        }
        if ctx.behind.get_untracked() != behind {
            ctx.behind.set(behind);
        }
        if start - st.last_publish >= PUBLISH_EVERY_MS {
            st.last_publish = start;
            ctx.publish();
        }
    }
}
