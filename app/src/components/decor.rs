//! What the pipeline canvas draws over its wires and cards while a run
//! plays: particles whose density and speed follow the measured records/s
//! (log scale), NiFi-style backlog bars where data waits, counter badges
//! for refused and lost records, an age gauge, and the alarm mark.
//!
//! Each piece takes geometry and node indices as props and reads
//! `ctx.live.snapshot` through memos: nothing here runs per frame. Particles
//! are SVG `animateMotion` driven by two numbers per wire (count and
//! duration, in half-decade steps), so the DOM changes only when the rate
//! moves to another step; `prefers-reduced-motion` removes them and keeps
//! every number. Icons are glyphs DejaVu Sans has (no emoji font needed).

use leptos::prelude::*;
use sim_core::NodeIndex;

use crate::editor::doc::COUNTERS_H;
use crate::editor::flow::Flow;
use crate::format;
use crate::state::SimCtx;
use sim_core::view::{AgeGauge, Backlog, Health};

/// Particles on a wire `length` pixels long carrying `rate` records/s: how
/// many, and how many seconds each takes to cross. `None` when idle.
pub(crate) fn particles(rate: f64, length: f64) -> Option<(usize, f64)> {
    if rate.is_nan() || rate <= 0.0 {
        return None;
    }
    // Half-decade steps: 1, 3, 10, 30, ... records/s.
    let level = ((rate + 1.0).log10() * 2.0).round() / 2.0;
    let speed_px_s = 40.0 + 45.0 * level;
    let count = (length / 140.0 * (0.5 + level / 2.0)).round().clamp(1.0, 14.0) as usize;
    Some((count, (length / speed_px_s * 10.0).round() / 10.0))
}

/// Whether the user asked the system for less motion.
fn reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|q| q.matches())
}

/// A wire's shape: its SVG path, approximate length and middle point.
#[derive(Clone, Debug, PartialEq)]
pub struct WireShape {
    /// The SVG path.
    pub path: String,
    /// Approximate length in canvas units.
    pub length: f64,
    /// The middle of the wire.
    pub mid: (f64, f64),
    /// Which way it runs: the backlog bar goes under a wire drawn across,
    /// left of one drawn down (its figures are on the right).
    pub flow: Flow,
}

/// Flow decoration of a wire: `ends` are the node indices it joins (`None`
/// while the document does not run), `shape` its geometry (it follows a
/// dragged card). `animated` is false for large pipelines (their particles
/// would cost the frame rate); the backlog bar stays.
#[component]
pub fn WireFlow(
    #[prop(into)] ends: Signal<Option<(usize, usize)>>,
    #[prop(into)] shape: Signal<Option<WireShape>>,
    #[prop(into)] animated: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let motion_allowed = !reduced_motion();
    let dots = Memo::new(move |_| {
        if !(motion_allowed && animated.get()) {
            return None;
        }
        let (from, to) = ends.get()?;
        let length = shape.with(|s| s.as_ref().map(|s| s.length))?;
        ctx.live.snapshot.with(|s| {
            particles(s.frame.wire_flow(NodeIndex::new(from), NodeIndex::new(to)).0, length)
        })
    });
    let path = Memo::new(move |_| shape.with(|s| s.as_ref().map(|s| s.path.clone())));
    let particles = move || {
        let (count, seconds) = dots.get()?;
        let path = path.get()?;
        Some(
            (0..count)
                .map(|i| {
                    let begin = format!("-{:.2}s", seconds * i as f64 / count as f64);
                    view! {
                        <circle class="particle" r="4">
                            <animateMotion
                                dur=format!("{seconds}s")
                                begin=begin
                                repeatCount="indefinite"
                                path=path.clone()
                            />
                        </circle>
                    }
                })
                .collect_view(),
        )
    };
    let backlog = Memo::new(move |_| {
        let (from, to) = ends.get()?;
        ctx.live.snapshot.with(|s| s.frame.wire_backlog(NodeIndex::new(from), NodeIndex::new(to)))
    });
    let mid = Memo::new(move |_| shape.with(|s| s.as_ref().map(|s| (s.mid, s.flow))));
    let bar = move || {
        let (mid, flow) = mid.get()?;
        backlog.get().map(|b| view! { <BacklogBar backlog=b mid=mid flow=flow /> })
    };
    view! {
        <g
            class="wire-decor"
            data-testid="wire-decor"
            data-particles=move || dots.get().map_or(0, |d| d.0).to_string()
        >
            <g class="particles" aria-hidden="true">{particles}</g>
            {bar}
        </g>
    }
}

const BAR_W: f64 = 72.0;

#[component]
fn BacklogBar(backlog: Backlog, mid: (f64, f64), flow: Flow) -> impl IntoView {
    let (x, y) = match flow {
        Flow::Across => (mid.0 - BAR_W / 2.0 + 8.0, mid.1 + 2.0),
        Flow::Down => (mid.0 - BAR_W - 12.0, mid.1 - 4.0),
    };
    let icon = match backlog.health {
        Health::Ok => "●",
        Health::Hot => "▲",
        Health::Failing => "✖",
    };
    let fill_w = if backlog.fill > 0.0 { (BAR_W * backlog.fill).max(3.0) } else { 0.0 };
    view! {
        <g
            class=format!("backlog health-{}", backlog.health.class())
            data-testid="backlog"
            data-fill=backlog.fill.to_string()
        >
            <title>{backlog.label.clone()}</title>
            <text class="backlog-icon" x=x - 6.0 y=y + 8.0 text-anchor="end">
                {icon}
            </text>
            <rect class="backlog-track" x=x y=y width=BAR_W height="9" rx="4.5" />
            <rect class="backlog-fill" x=x y=y width=fill_w height="9" rx="4.5" />
        </g>
    }
}

/// Badges on a node's card, in the card's coordinates (`width` wide):
/// counters above it, the age gauge at its right, and a red dashed ring
/// with "ALARM" while one of its charts is in alarm. `index` is the node's
/// index in the running simulation (`None` while the document does not run).
/// Drawn `Down`, the counters keep right of the card's middle, where its
/// incoming wires arrive.
#[component]
pub fn NodeBadges(
    #[prop(into)] index: Signal<Option<usize>>,
    width: f64,
    height: f64,
    flow: Flow,
) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let tally = Memo::new(move |_| {
        ctx.live.snapshot.with(|s| s.frame.nodes.get(NodeIndex::new(index.get()?)).map(|n| n.tally))
    });
    let gauge = Memo::new(move |_| {
        ctx.live.snapshot.with(|s| s.frame.nodes.get(NodeIndex::new(index.get()?))?.gauge)
    });
    let alarming = Memo::new(move |_| {
        index.get().is_some_and(|i| {
            ctx.live.snapshot.with(|s| s.alarming.iter().any(|a| a.0 == NodeIndex::new(i)))
        })
    });
    let counters = move || {
        let badges = tally.get().map(|t| t.badges()).unwrap_or_default();
        let texts: Vec<String> = badges
            .iter()
            .map(|(_, words, icon, value)| format!("{icon} {} {words}", format::count(*value)))
            .collect();
        // Wide enough for the text at 13px (about 7.5px a character).
        let widths: Vec<f64> =
            texts.iter().map(|t| 16.0 + 7.5 * t.chars().count() as f64).collect();
        let used: f64 = widths.iter().map(|w| w + 6.0).sum();
        let mut right = match flow {
            Flow::Across => width,
            Flow::Down => width + (width / 2.0 + 16.0 - (width - used + 6.0)).max(0.0),
        };
        badges
            .into_iter()
            .zip(texts)
            .zip(widths)
            .map(|(((name, _, _, value), text), w)| {
                right -= w + 6.0;
                view! {
                    <g
                        class=format!("counter counter-{name}")
                        transform=format!("translate({} {})", right + 6.0, -COUNTERS_H)
                        data-testid=format!("counter-{name}-{}", index.get().unwrap_or(0))
                        data-value=value.to_string()
                    >
                        <rect width=w height="24" rx="12" />
                        <text x=w / 2.0 y="17" text-anchor="middle">
                            {text}
                        </text>
                    </g>
                }
            })
            .collect_view()
    };
    let gauge_view = move || gauge.get().map(|g| view! { <Gauge gauge=g x=width - 18.0 /> });
    let alarm = move || {
        alarming.get().then(|| {
            view! {
                <g
                    class="alarm-mark"
                    data-testid=format!("alarm-badge-{}", index.get().unwrap_or(0))
                >
                    <rect
                        class="alarm-ring"
                        x="-4"
                        y="-4"
                        width=width + 8.0
                        height=height + 8.0
                        rx="14"
                    />
                    <g transform=format!("translate(0 {})", -COUNTERS_H)>
                        <rect width="92" height="24" rx="12" />
                        <text x="46" y="17" text-anchor="middle">
                            "⚠ ALARM"
                        </text>
                    </g>
                </g>
            }
        })
    };
    view! {
        <g class="node-badges">{alarm} {counters} {gauge_view}</g>
    }
}

const GAUGE_W: f64 = 76.0;

/// An age read-out with a bar (log scale up to the retention period),
/// right-aligned at `x` on the card's health line.
#[component]
fn Gauge(gauge: AgeGauge, x: f64) -> impl IntoView {
    let tip = format!(
        "{}: {} (records are lost at {})",
        gauge.label,
        format::millis(gauge.ms),
        format::millis(gauge.limit_ms)
    );
    view! {
        <g
            class=format!("age-gauge health-{}", gauge.health().class())
            data-testid="age-gauge"
            data-ms=gauge.ms.to_string()
        >
            <title>{tip}</title>
            <text class="gauge-text" x=x y="70" text-anchor="end">
                {format!("◷ {}", format::millis(gauge.ms))}
            </text>
            <rect class="gauge-track" x=x - GAUGE_W y="76" width=GAUGE_W height="5" rx="2.5" />
            <rect
                class="gauge-fill"
                x=x - GAUGE_W
                y="76"
                width=GAUGE_W * gauge.fill()
                height="5"
                rx="2.5"
            />
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::particles;

    #[test]
    fn particles_grow_denser_and_faster_with_the_log_of_the_rate() {
        assert_eq!(particles(0.0, 300.0), None);
        assert_eq!(particles(f64::NAN, 300.0), None);
        let (slow_n, slow_s) = particles(10.0, 300.0).unwrap();
        let (fast_n, fast_s) = particles(100_000.0, 300.0).unwrap();
        assert!(fast_n > slow_n, "{fast_n} > {slow_n}");
        assert!(fast_s < slow_s, "{fast_s} < {slow_s}");
        assert_eq!(particles(2_000.0, 300.0), particles(2_100.0, 300.0), "same half-decade");
        assert!(particles(1e12, 10_000.0).unwrap().0 <= 14, "capped per wire");
    }
}
