//! A short first-run tour: four steps that point at play, a red card, a
//! chart and the gallery. It is skippable (a button, Escape), operable by
//! keyboard (its buttons take the focus), and remembered in local storage,
//! so once finished or skipped it never returns. It does not appear in an
//! embed, in presenter mode, or when the address carries a scenario someone
//! shared (they came for that scenario, not for a tour).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::SimCtx;

/// Local-storage key; its value says how the tour ended (`done`, `skipped`).
pub const TOUR_KEY: &str = "shardplay.tour";

/// Whether this page load may show the tour at all (no shared link in the
/// address); provided by the app shell.
#[derive(Clone, Copy)]
pub struct TourAllowed(pub bool);

struct Step {
    /// CSS selectors of what it points at, the first that exists wins.
    targets: &'static [&'static str],
    title: &'static str,
    text: &'static str,
}

const STEPS: [Step; 4] = [
    Step {
        targets: &["[data-testid=\"play-pause\"]"],
        title: "Play and pause",
        text: "The simulation runs on its own. Pause (or press Space) to stop time and read the numbers; Step moves one simulated second.",
    },
    Step {
        targets: &[
            "svg.pipeline .card.health-failing",
            "svg.pipeline .card.health-hot",
            "[data-testid=\"pipeline\"]",
        ],
        title: "Red means AWS says no",
        text: "A card turns amber, then red, when AWS would refuse or delay work: here a shard is throttled. Click a card to see its charts and change it in the inspector.",
    },
    Step {
        targets: &[".charts-panel .chart", "[data-testid=\"stat-throttled\"]"],
        title: "The charts of the selected card",
        text: "The metrics CloudWatch would show, second by second. Hover for values, or set an alarm; every figure above opens its arithmetic when clicked.",
    },
    Step {
        targets: &["[data-testid=\"gallery-open\"]"],
        title: "More scenarios",
        text: "The gallery opens other pipelines that go wrong in instructive ways, each with its story; Lessons walk you through fixing one.",
    },
];

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Whether the tour was finished or skipped before, in this browser.
fn seen() -> bool {
    storage().and_then(|s| s.get_item(TOUR_KEY).ok().flatten()).is_some()
}

fn remember(how: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(TOUR_KEY, how);
    }
}

/// The element step `i` points at.
fn target(i: usize) -> Option<web_sys::Element> {
    STEPS[i].targets.iter().find_map(|sel| document().query_selector(sel).ok().flatten())
}

/// The target's box on screen: left, top, width, height.
type Rect = (f64, f64, f64, f64);

fn measure(i: usize, scroll: bool) -> Option<Rect> {
    let el = target(i)?;
    if scroll {
        let r = el.get_bounding_client_rect();
        let h = window().inner_height().ok()?.as_f64()?;
        if r.top() < 0.0 || r.bottom() > h {
            el.scroll_into_view_with_bool(r.top() < 0.0);
        }
    }
    let r = el.get_bounding_client_rect();
    Some((r.left(), r.top(), r.width(), r.height()))
}

/// The tour, when it is due.
#[component]
pub fn Tour() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let allowed = use_context::<TourAllowed>().is_some_and(|a| a.0)
        && !seen()
        && !super::embed::is_embedded()
        && !ctx.screen.presenting.get_untracked();
    let step = RwSignal::new(allowed.then_some(0usize));
    let rect = RwSignal::new(None::<Rect>);
    let close = move |how: &'static str| {
        remember(how);
        step.set(None);
    };
    let go = move |delta: isize| match step.get_untracked() {
        Some(i) if i + 1 == STEPS.len() && delta > 0 => close("done"),
        Some(i) => step.set(Some(i.saturating_add_signed(delta).min(STEPS.len() - 1))),
        None => {}
    };
    // Each step: bring its target into view, point at it, focus "Next".
    Effect::new(move |_| {
        let Some(i) = step.get() else { return };
        request_animation_frame(move || {
            rect.set(measure(i, true));
            if let Some(next) =
                document().query_selector("[data-testid=\"tour-next\"]").ok().flatten()
                && let Ok(next) = next.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = next.focus();
            }
        });
    });
    let follow = move || {
        if let Some(i) = step.get_untracked() {
            let now = measure(i, false);
            if rect.get_untracked() != now {
                rect.set(now);
            }
        }
    };
    // The ring follows its target as the run moves: step 2's red card may turn red only after
    // the step opens (the pipeline is pointed at until then).
    Effect::new(move |_| {
        ctx.live.snapshot.track();
        follow();
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| follow());
    let scroll = window_event_listener(leptos::ev::scroll, move |_| follow());
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && step.get_untracked().is_some() {
            ev.prevent_default();
            close("skipped");
        }
    });
    on_cleanup(move || {
        resize.remove();
        scroll.remove();
        keys.remove();
    });
    move || {
        // Presenter mode hides it (for now: it has not been seen).
        let i = step.get().filter(|_| !ctx.screen.presenting.get())?;
        let s = &STEPS[i];
        let last = i + 1 == STEPS.len();
        let (ring, card) = match rect.get() {
            Some((l, t, w, h)) => {
                let (vw, vh) = (
                    window().inner_width().ok().and_then(|v| v.as_f64()).unwrap_or(1280.0),
                    window().inner_height().ok().and_then(|v| v.as_f64()).unwrap_or(720.0),
                );
                let ring = format!(
                    "left: {:.0}px; top: {:.0}px; width: {:.0}px; height: {:.0}px",
                    l - 6.0,
                    t - 6.0,
                    w + 12.0,
                    h + 12.0
                );
                let left = l.min(vw - 336.0).max(8.0);
                // Under the target when there is room, above it otherwise.
                let card = if t + h + 230.0 < vh {
                    format!("left: {left:.0}px; top: {:.0}px", t + h + 14.0)
                } else {
                    format!("left: {left:.0}px; bottom: {:.0}px", (vh - t + 14.0).max(8.0))
                };
                (Some(ring), card)
            }
            None => (None, "left: 50%; top: 30%; transform: translateX(-50%)".to_string()),
        };
        Some(view! {
            {ring.map(|style| view! { <div class="tour-ring" aria-hidden="true" style=style></div> })}
            <section
                class="tour"
                role="dialog"
                aria-modal="false"
                aria-labelledby="tour-title"
                aria-describedby="tour-text"
                data-testid="tour"
                data-step={(i + 1).to_string()}
                style=card
            >
                <p class="eyebrow">{format!("Welcome · {} of {}", i + 1, STEPS.len())}</p>
                <h2 id="tour-title">{s.title}</h2>
                <p id="tour-text">{s.text}</p>
                <div class="tour-actions">
                    <button type="button" class="ghost-button" data-testid="tour-skip" on:click=move |_| close("skipped")>
                        "Skip tour"
                    </button>
                    <span class="tour-gap"></span>
                    <button
                        type="button"
                        class="ghost-button"
                        data-testid="tour-back"
                        disabled={i == 0}
                        on:click=move |_| go(-1)
                    >
                        "Back"
                    </button>
                    <button type="button" class="action-button" data-testid="tour-next" on:click=move |_| go(1)>
                        {if last { "Done" } else { "Next" }}
                    </button>
                </div>
            </section>
        })
    }
}
