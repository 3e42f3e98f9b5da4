//! "Jump to" a simulated time: the frame loop runs headless towards it in
//! time-sliced chunks (see `sim_loop`), with progress and a Cancel button;
//! the clock next to it keeps moving.

use leptos::prelude::*;
use sim_core::time::format_clock;

use crate::state::{SimCtx, parse_jump};

/// A field that takes `90s`, `10m`, `2h` or `1d`, or the progress of a jump.
#[component]
pub fn JumpTo() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let go = move || match parse_jump(&text.get_untracked()) {
        Ok(to) => {
            error.set(None);
            ctx.jump_to(to);
        }
        Err(why) => error.set(Some(why)),
    };
    let progress = move || {
        let jump = ctx.clock.jump.get()?;
        let now = ctx.live.snapshot.with(|s| s.frame.now_ms);
        let done = jump.progress(now);
        Some(view! {
            <div class="jump-running" data-testid="jump-progress" data-progress=done.to_string()>
                <span class="jump-label">{format!("→ {}", format_clock(jump.to))}</span>
                <progress max="1" value=done.to_string() aria-label="Jump progress"></progress>
                <span class="jump-percent">{format!("{:.0}%", done * 100.0)}</span>
                <button
                    class="ghost-button"
                    data-testid="jump-cancel"
                    on:click=move |_| ctx.cancel_jump()
                >
                    "Cancel"
                </button>
            </div>
        })
    };
    view! {
        <form
            class="jump"
            class:invalid=move || error.get().is_some()
            class:hidden=move || ctx.clock.jump.get().is_some()
            on:submit=move |ev| {
                ev.prevent_default();
                go();
            }
        >
            <label
                for="jump-input"
                title="Run headless, as fast as the browser can, to a simulated time (90s, 10m, 2h, 1d, or a clock time such as 00:10:00); a time in the past replays from zero, with the same seed"
            >
                "Jump to"
            </label>
            <input
                id="jump-input"
                data-testid="jump-input"
                type="text"
                size="6"
                placeholder="10m"
                aria-label="Jump to a simulated time, e.g. 90s, 10m, 2h"
                aria-describedby="jump-error"
                prop:value=move || text.get()
                on:input:target=move |ev| text.set(ev.target().value())
            />
            <button class="ghost-button" type="submit" data-testid="jump-go">
                "Go"
            </button>
        </form>
        <span id="jump-error" class="jump-error" role="alert">
            {move || error.get()}
        </span>
        {progress}
    }
}
