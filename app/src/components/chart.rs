//! Metric charts drawn with plotters on a canvas from the series the engine
//! sends a few times a second (kept outside signals; a trigger redraws).
//!
//! Each chart has a hover read-out (a DOM overlay that re-renders only when
//! the period under the cursor changes), an alarm threshold the user sets
//! (drawn as a dashed line; crossing it puts the chart and the node's card
//! in alarm), a table view and a PNG download. The window selector and the
//! CSV / JSON downloads sit above the charts.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use send_wrapper::SendWrapper;
use sim_core::NodeIndex;
use sim_core::metrics::Unit;
use sim_core::time::{SECOND, SimTime, format_clock};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::alarm::{Alarm, chart_unit};
use crate::engine::{ChartRequest, Export, Line};
use crate::format;
use crate::state::{ChartSpan, SimCtx};

/// Line colours, distinguishable for common colour-vision deficiencies.
const PALETTE: [RGBColor; 3] =
    [RGBColor(0, 114, 178), RGBColor(213, 94, 0), RGBColor(120, 94, 240)];
/// The alarm threshold line.
const ALARM_RED: RGBColor = RGBColor(201, 37, 45);

/// Where the last drawing put the plot, in CSS pixels of the canvas, so
/// the hover read-out maps the cursor back to time without redrawing.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct PlotFrame {
    x_start: f64,
    x_end: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl PlotFrame {
    /// Simulated seconds at horizontal pixel `x`, if inside the plot.
    fn seconds_at(&self, x: f64) -> Option<f64> {
        let width = self.right - self.left;
        (width > 0.0 && (self.left..=self.right).contains(&x))
            .then(|| self.x_start + (x - self.left) / width * (self.x_end - self.x_start))
    }

    /// Horizontal pixel of simulated second `t`.
    fn x_of(&self, t: f64) -> f64 {
        let span = (self.x_end - self.x_start).max(f64::EPSILON);
        self.left + (t - self.x_start) / span * (self.right - self.left)
    }
}

/// What the hover read-out shows: one period, its pixel and each series' value.
#[derive(Clone, Debug, PartialEq)]
struct Hover {
    x: f64,
    t: f64,
    values: Vec<Option<f64>>,
}

/// The value of `line` in the period nearest to second `t`.
fn nearest(line: &Line, t: f64) -> Option<(f64, f64)> {
    let i = line.points.partition_point(|p| p.0 < t);
    let candidates = [i.checked_sub(1), Some(i)];
    candidates
        .into_iter()
        .flatten()
        .filter_map(|j| line.points.get(j).copied())
        .min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()))
}

/// The read-out for the cursor at pixel `x`, if it is over the plot.
fn hover_at(frame: &PlotFrame, data: &[Line], x: f64) -> Option<Hover> {
    let t = frame.seconds_at(x)?;
    let anchor = data.iter().filter_map(|l| nearest(l, t)).next()?.0;
    let values = data.iter().map(|l| nearest(l, anchor).map(|p| p.1)).collect();
    Some(Hover { x: frame.x_of(anchor), t: anchor, values })
}

/// A chart of some of one node's metrics (all in the same unit).
#[component]
pub fn MetricChart(node: NodeIndex, title: &'static str, metrics: Vec<usize>) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let canvas = NodeRef::<Canvas>::new();
    // Only the metrics the node has (the run may have changed under a chart
    // being rebuilt): none draws an empty chart, never a failure.
    let defs: Vec<sim_core::metrics::MetricDef> = ctx.scenario.with_value(|v| {
        let table = v
            .scenario()
            .nodes
            .get(node.get())
            .map_or(&[][..], |n| sim_core::metrics::node_defs(&n.spec));
        metrics.iter().filter_map(|&k| table.get(k).copied()).collect()
    });
    let unit = defs.first().map_or(sim_core::metrics::Unit::Count, |d| d.unit);
    let unit_label = defs.first().map_or("", chart_unit);
    // The simulator's own figures say so: AWS publishes no such metric.
    let names: Vec<String> = defs
        .iter()
        .map(|d| match d.source {
            sim_core::metrics::Source::Aws => d.name.to_string(),
            sim_core::metrics::Source::Simulator => format!("{} (simulator)", d.name),
        })
        .collect();
    let legend = names
        .iter()
        .zip(PALETTE.iter().cycle())
        .map(|(name, c)| {
            let swatch = format!("background: rgb({}, {}, {})", c.0, c.1, c.2);
            view! {
                <span class="legend-item">
                    <span class="swatch" style=swatch></span>
                    {name.clone()}
                </span>
            }
        })
        .collect_view();
    let show_table = RwSignal::new(false);
    // The last drawing, for the hover read-out (no signals: it changes with every redraw).
    let frame = StoredValue::new(None::<PlotFrame>);
    let drawn = StoredValue::new(Vec::<Line>::new());
    let cursor = StoredValue::new(None::<f64>);
    let hover = RwSignal::new(None::<Hover>);
    let threshold = Memo::new(move |_| {
        ctx.charts.alarms.with(|alarms| {
            alarms.iter().find(|a| a.node == node && a.chart == title).map(|a| a.threshold)
        })
    });
    let alarming = Memo::new(move |_| {
        ctx.live.snapshot.with(|s| s.alarming.iter().any(|a| a.0 == node && a.1 == title))
    });
    let refresh_hover = move || {
        let next = cursor.get_value().and_then(|x| {
            frame.with_value(|f| f.as_ref().and_then(|f| drawn.with_value(|d| hover_at(f, d, x))))
        });
        // Only a different period (or a new value in it) touches the DOM.
        if hover.with_untracked(|h| *h != next) {
            hover.set(next);
        }
    };
    let size = canvas_size(canvas);
    let chart_metrics = metrics.clone();
    Effect::new(move |_| {
        ctx.charts.redraw.track();
        let line = threshold.get();
        let Some(size) = size.get() else { return };
        let Some(el) = canvas.get_untracked() else { return };
        // Series of another node (the engine has not heard of this chart yet,
        // or another scenario replaced the run) draw nothing.
        let Some((now, span, data)) = ctx.charts.data.with_value(|series| {
            let series = series.as_ref()?;
            let data = series.lines(node, title)?;
            // As many lines as the chart has metrics, or the run changed under it.
            (data.len() == chart_metrics.len()).then(|| (series.now, series.span, data.to_vec()))
        }) else {
            return;
        };
        if let Ok(Some(f)) = draw(el.clone(), size, &data, now, span, unit, line) {
            // The window shown, for tests and assistive tools (the pixels say the same).
            let _ = el.set_attribute("data-from-s", &f.x_start.to_string());
            let _ = el.set_attribute("data-to-s", &f.x_end.to_string());
            frame.set_value(Some(f));
        }
        drawn.set_value(data);
        refresh_hover();
    });
    let on_move = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = canvas.get_untracked() else { return };
        let x = f64::from(ev.client_x()) - el.get_bounding_client_rect().left();
        cursor.set_value(Some(x));
        refresh_hover();
    };
    let on_leave = move |_| {
        cursor.set_value(None);
        refresh_hover();
    };
    let readout_names = names.clone();
    let readout = move || {
        hover.get().map(|h| {
            let rows = readout_names
                .iter()
                .zip(&h.values)
                .zip(PALETTE.iter().cycle())
                .map(|((name, v), c)| {
                    let swatch = format!("background: rgb({}, {}, {})", c.0, c.1, c.2);
                    let value = v.map_or("–".to_string(), |v| format_value(unit, v));
                    view! {
                        <div class="readout-row">
                            <span class="swatch" style=swatch></span>
                            <span class="readout-name">{name.clone()}</span>
                            <span class="readout-value">{value}</span>
                        </div>
                    }
                })
                .collect_view();
            let (top, bottom) = frame.with_value(|f| f.map_or((0.0, 0.0), |f| (f.top, f.bottom)));
            // The box sits in the plot's top corner away from the cursor, so it never hides
            // the period read out and never leaves the chart.
            let box_style = frame.with_value(|f| match f {
                Some(f) if h.x > (f.left + f.right) / 2.0 => {
                    format!("left: {}px; top: {}px", f.left + 6.0, top + 6.0)
                }
                Some(f) => format!("right: calc(100% - {}px); top: {}px", f.right - 6.0, top + 6.0),
                None => String::new(),
            });
            view! {
                <div
                    class="hover-line"
                    style=format!("left: {}px; top: {top}px; height: {}px", h.x, bottom - top)
                ></div>
                <div class="readout" data-testid="chart-readout" style=box_style>
                    <div class="readout-time">{format_clock((h.t * SECOND as f64) as SimTime)}</div>
                    {rows}
                </div>
            }
        })
    };
    let set_threshold = move |text: String| {
        let text = text.trim().to_string();
        let metrics = metrics.clone();
        ctx.charts.alarms.update(|alarms| {
            alarms.retain(|a| !(a.node == node && a.chart == title));
            if let Ok(threshold) = text.parse::<f64>()
                && threshold.is_finite()
                && threshold >= 0.0
            {
                alarms.push(Alarm { node, chart: title.to_string(), metrics, threshold });
            }
        });
        ctx.send_alarms();
    };
    let save_png = move |_| {
        let Some(el) = canvas.get_untracked() else { return };
        let file = format!("shardplay-{}.png", file_stem(ctx, node, title));
        crate::download::save_canvas_png(&el, file, move |why| {
            ctx.tell(format!("The download failed: {why}"), true);
        });
    };
    let table_names = names;
    let table = move || {
        if !show_table.get() {
            return None;
        }
        ctx.charts.redraw.track();
        let data = drawn.get_value();
        Some(view! { <ChartTable names=table_names.clone() data=data unit=unit /> })
    };
    let slug = title.to_lowercase().replace(' ', "-");
    view! {
        <figure
            class="chart"
            class:alarming=move || alarming.get()
            data-testid=format!("chart-{slug}")
        >
            <figcaption>
                <span class="chart-title">{title}</span>
                <span class="chart-legend">{legend}</span>
                <span class="chart-actions">
                    <button
                        class="ghost-button chart-toggle"
                        aria-pressed=move || show_table.get().to_string()
                        title="Show the same numbers as a table"
                        on:click=move |_| show_table.update(|t| *t = !*t)
                    >
                        {move || if show_table.get() { "Chart" } else { "Table" }}
                    </button>
                    <button
                        class="ghost-button chart-toggle"
                        data-testid="chart-png"
                        title="Download this chart as a PNG image"
                        on:click=save_png
                    >
                        "PNG"
                    </button>
                </span>
            </figcaption>
            <div class="chart-alarm">
                <label title="Like a CloudWatch alarm: in alarm while the latest second of any line is at or above this value. Empty removes it.">
                    "Alarm at ≥ "
                    <input
                        type="number"
                        min="0"
                        step="any"
                        inputmode="decimal"
                        data-testid="alarm-input"
                        aria-label=format!("{title}: alarm threshold in {unit_label}")
                        prop:value=move || threshold.get().map(|t| t.to_string()).unwrap_or_default()
                        on:change:target=move |ev| set_threshold(ev.target().value())
                    />
                    <span class="alarm-unit">{unit_label}</span>
                </label>
                <span class="alarm-state" data-testid="alarm-state" role="status">
                    {move || match (threshold.get(), alarming.get()) {
                        (None, _) => "",
                        (Some(_), true) => "⚠ In alarm",
                        (Some(_), false) => "✓ OK",
                    }}
                </span>
            </div>
            <div
                class="chart-plot"
                class:hidden=move || show_table.get()
                on:mousemove=on_move
                on:mouseleave=on_leave
            >
                <canvas node_ref=canvas aria-label=format!("{title} chart") role="img"></canvas>
                {readout}
            </div>
            {table}
        </figure>
    }
}

/// The size of `canvas` in CSS pixels while it is in the page (`None`
/// before the first layout), kept by a ResizeObserver. A redraw reads it
/// instead of asking the element, which would force a layout in the middle of
/// a message, once per chart; and a resized window (a phone turned, a
/// projector's window) redraws the chart sharp even while the run is paused.
fn canvas_size(canvas: NodeRef<Canvas>) -> RwSignal<Option<(f64, f64)>> {
    let size = RwSignal::new(None);
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                let rect = entry.content_rect();
                size.set(Some((rect.width(), rect.height())));
            }
        });
        let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else {
            return;
        };
        observer.observe(&el);
        // `on_cleanup` wants `Send`; the browser runs it on this same thread.
        let kept = SendWrapper::new((observer, on_resize));
        on_cleanup(move || kept.take().0.disconnect());
    });
    size
}

/// A file-name-safe `node-chart` stem.
fn file_stem(ctx: SimCtx, node: NodeIndex, title: &str) -> String {
    let id = ctx.scenario.with_value(|v| v.scenario().node(node).id.clone());
    format!("{id}-{title}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

/// Rows shown in a chart's table view.
const TABLE_ROWS: usize = 20;

/// The chart's numbers as a table: the last periods, newest first.
#[component]
fn ChartTable(names: Vec<String>, data: Vec<Line>, unit: Unit) -> impl IntoView {
    // Every period any line has; a line without a datapoint there says so.
    let mut times: Vec<f64> = data.iter().flat_map(|l| l.points.iter().map(|p| p.0)).collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let rows = times
        .iter()
        .rev()
        .take(TABLE_ROWS)
        .map(|&t| {
            let cells = data
                .iter()
                .map(|l| {
                    let at = l.points.binary_search_by(|p| p.0.total_cmp(&t));
                    let v = at.map_or("no data".to_string(), |i| format_value(unit, l.points[i].1));
                    view! { <td class="num">{v}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <td>{format_clock((t * SECOND as f64) as SimTime)}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let heads = names.iter().map(|n| view! { <th class="num">{n.clone()}</th> }).collect_view();
    view! {
        <table class="chart-table" data-testid="chart-table">
            <thead>
                <tr>
                    <th>"Time"</th>
                    {heads}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn format_value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Milliseconds => format::millis(v),
        Unit::Bytes => format::bytes(v),
        Unit::Count => format::count(v),
        Unit::Seconds => format::millis(v * 1_000.0),
        Unit::Percent => format!("{}%", format::count(v.round())),
    }
}

/// Draws the lines (and the alarm threshold, dashed) for the window ending
/// at `now` on `canvas`, `(w, h)` CSS pixels; returns where the plot landed,
/// in CSS pixels.
fn draw(
    canvas: web_sys::HtmlCanvasElement,
    (w, h): (f64, f64),
    lines: &[Line],
    now: SimTime,
    span: SimTime,
    unit: Unit,
    threshold: Option<f64>,
) -> Result<Option<PlotFrame>, Box<dyn std::error::Error>> {
    let dpr = window().device_pixel_ratio().max(1.0);
    if w < 10.0 || h < 10.0 {
        return Ok(None);
    }
    // One device pixel per pixel. Resizing the bitmap reallocates it, so only
    // when the size changed; the fill below paints every pixel anyway.
    let (width, height) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    // Show at least 30 s so a fresh run is not squeezed against the left edge.
    let x_end = (now as f64 / SECOND as f64).max(30.0);
    let x_start = (x_end - span as f64 / SECOND as f64).max(0.0);
    // A floor per unit keeps an idle chart's axis meaningful (0 to 1 s, not 0 to 1 ms).
    let floor = match unit {
        Unit::Milliseconds => 1_000.0,
        Unit::Bytes => 1_024.0,
        Unit::Count => 10.0,
        Unit::Seconds => 1.0,
        Unit::Percent => 100.0,
    };
    let y_max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain(threshold)
        .fold(floor, f64::max)
        * 1.15;
    let px = |v: f64| (v * dpr) as i32;
    let font = |size: f64| ("system-ui, sans-serif", size * dpr).into_font();
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .margin_right(px(34.0))
        .x_label_area_size(px(26.0))
        .y_label_area_size(px(70.0))
        .build_cartesian_2d(x_start..x_end, 0.0..y_max)?;
    let y_fmt = move |v: &f64| format_value(unit, *v);
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 241, 245))
        .bold_line_style(RGBColor(224, 228, 234))
        .axis_style(RGBColor(170, 176, 186))
        .label_style(font(12.0).color(&RGBColor(75, 82, 94)))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|x| format_clock((x.max(0.0) * SECOND as f64) as SimTime))
        .y_label_formatter(&y_fmt)
        .draw()?;
    if let Some(level) = threshold {
        let style =
            ShapeStyle { color: ALARM_RED.to_rgba(), filled: false, stroke_width: px(2.0) as u32 };
        chart.draw_series(DashedLineSeries::new(
            [(x_start, level), (x_end, level)],
            px(8.0),
            px(5.0),
            style,
        ))?;
    }
    for (line, colour) in lines.iter().zip(PALETTE.iter().cycle()) {
        let style =
            ShapeStyle { color: colour.to_rgba(), filled: false, stroke_width: px(2.0) as u32 };
        chart.draw_series(LineSeries::new(line.points.iter().copied(), style))?;
    }
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    root.present()?;
    Ok(Some(PlotFrame {
        x_start,
        x_end,
        left: f64::from(xs.start) / dpr,
        right: f64::from(xs.end) / dpr,
        top: f64::from(ys.start) / dpr,
        bottom: f64::from(ys.end) / dpr,
    }))
}

/// The selected node's record latency since the start (MODEL.md, Latency):
/// p50, p90, p99 and the maximum from sim-core's view, with what it measures
/// on hover; nothing for kinds that measure none or before any record.
#[component]
fn LatencyLine(node: NodeIndex) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let kind = ctx.scenario.with_value(|v| v.scenario().node(node).spec.kind());
    let help = sim_core::view::latency_meaning(kind).unwrap_or("");
    let latency = Memo::new(move |_| {
        ctx.live
            .snapshot
            .with(|s| s.frame.nodes.get(node).and_then(|n| n.latency.zip(n.end_to_end)))
    });
    move || {
        latency.get().map(|(l, e)| {
            use sim_core::units::{millis, quantity};
            let text = format!(
                "Record latency: p50 {} · p90 {} · p99 {} · max {} ({} records)",
                millis(l.p50_ms),
                millis(l.p90_ms),
                millis(l.p99_ms),
                millis(l.max_ms),
                quantity(l.records as f64),
            );
            let end_to_end = format!(
                "End to end, from the producer: p50 {} · p90 {} · p99 {} · max {}",
                millis(e.p50_ms),
                millis(e.p90_ms),
                millis(e.p99_ms),
                millis(e.max_ms),
            );
            view! {
                <p class="charts-hint" data-testid="latency-line" title=help>{text}</p>
                <p class="charts-hint" data-testid="end-to-end-line"
                    title=sim_core::view::END_TO_END_MEANING>{end_to_end}</p>
                <LatencyHistogram node=node p=[l.p50_ms, l.p90_ms, l.p99_ms] />
            }
        })
    }
}

/// Size of the latency histogram, in SVG units.
const HIST_W: f64 = 480.0;
const HIST_H: f64 = 64.0;

/// Where a latency falls on the histogram's axis: octave `o` spans
/// `[o, o + 1)`, log2 inside it (the first octave, below 1 ms, linear).
fn octave_position(ms: f64) -> f64 {
    if ms < 1.0 { ms.max(0.0) } else { ms.log2() + 1.0 }
}

/// The selected node's records by octave of latency (each bar twice as
/// wide in ms as the one before), with the p50, p90 and p99 lines.
#[component]
fn LatencyHistogram(node: NodeIndex, p: [f64; 3]) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    move || {
        ctx.charts.redraw.track();
        let octaves = ctx.charts.data.with_value(|d| {
            d.as_ref().filter(|d| d.node == node).map(|d| d.latency.clone()).unwrap_or_default()
        });
        let (first, last) = (octaves.first()?, octaves.last()?);
        let from = octave_position(first.0 as f64);
        let width = (octave_position(last.1 as f64) - from).max(1.0);
        let x = move |ms: f64| (octave_position(ms) - from) / width * HIST_W;
        let top = octaves.iter().map(|o| o.2).fold(0.0, f64::max).max(1e-9);
        let bars = octaves
            .iter()
            .map(|&(lo, hi, n)| {
                let h = n / top * (HIST_H - 14.0);
                let (x0, x1) = (x(lo as f64), x(hi as f64));
                let tip = format!(
                    "{} to {}: {} records",
                    sim_core::units::millis(lo as f64),
                    sim_core::units::millis(hi as f64),
                    sim_core::units::quantity(n.round())
                );
                view! {
                    <rect class="latency-bar" x=x0 + 0.5 width=(x1 - x0 - 1.0).max(0.5)
                        y=HIST_H - 12.0 - h height=h data-records=n.round().to_string()>
                        <title>{tip}</title>
                    </rect>
                }
            })
            .collect::<Vec<_>>();
        let marks = ["p50", "p90", "p99"]
            .into_iter()
            .zip(p)
            .enumerate()
            .map(|(i, (name, ms))| {
                let at = x(ms).clamp(1.0, HIST_W - 1.0);
                view! {
                    <line class="latency-mark" x1=at x2=at y1="0" y2=HIST_H - 12.0 />
                    // Staggered: the three lines are often a few pixels apart.
                    <text class="latency-mark-label" x=at + 2.0 y=9.0 + 9.0 * i as f64>{name}</text>
                }
            })
            .collect::<Vec<_>>();
        let (low, high) =
            (sim_core::units::millis(first.0 as f64), sim_core::units::millis(last.1 as f64));
        let label =
            format!("Records by latency from {low} to {high}, with the p50, p90 and p99 lines");
        Some(view! {
            <svg class="latency-histogram" data-testid="latency-histogram" viewBox=format!("0 0 {HIST_W} {HIST_H}")
                role="img" aria-label=label>
                {bars}
                {marks}
                <text class="latency-axis" x="0" y=HIST_H - 1.0>{low}</text>
                <text class="latency-axis" x=HIST_W y=HIST_H - 1.0 text-anchor="end">{high}</text>
            </svg>
        })
    }
}

/// The charts of one node: the metrics that matter most for its kind, the
/// time window, and downloads of every series as CSV or JSON.
#[component]
pub fn NodeCharts(node: NodeIndex) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let charts =
        ctx.scenario.with_value(|v| sim_core::metrics::node_charts(&v.scenario().node(node).spec));
    // A rename is an edit that keeps the run going: follow it.
    let name = move || {
        ctx.revision.track();
        ctx.scenario
            .with_value(|v| v.scenario().nodes.get(node.get()).map(|n| n.label().to_string()))
            .unwrap_or_default()
    };
    // The engine sends the series of these charts from now on, in the window chosen.
    let request: Vec<(String, Vec<usize>)> =
        charts.iter().map(|&(title, metrics)| (title.to_string(), metrics.to_vec())).collect();
    Effect::new(move |_| {
        let span = ctx.charts.span.get();
        ctx.request_charts(Some(ChartRequest { node, charts: request.clone(), span }));
    });
    let spans = ChartSpan::CHOICES
        .iter()
        .map(|(_, key, label)| view! { <option value=*key>{*label}</option> })
        .collect_view();
    view! {
        <div class="charts-head">
            <h2 data-testid="charts-node">{name}</h2>
            <span class="charts-hint">"Select a card in the pipeline to chart it"</span>
            <label class="chart-window" title="How much simulated time the charts show; coarser periods (1 min, 1 h) beyond the last hour">
                "Window "
                <select
                    data-testid="chart-window"
                    prop:value=move || ctx.charts.span.get().key()
                    on:change:target=move |ev| {
                        if let Some(span) = ChartSpan::from_key(&ev.target().value()) {
                            ctx.charts.span.set(span);
                        }
                    }
                >
                    {spans}
                </select>
            </label>
            <button
                class="ghost-button"
                data-testid="download-csv"
                title="Every metric of every node, one row per second: time_s,resolution_s,node,metric,unit,value"
                on:click=move |_| ctx.export(Export::Csv)
            >
                "Download CSV"
            </button>
            <button
                class="ghost-button"
                data-testid="download-json"
                title="The same series as JSON: one entry per node and metric with its unit, statistic, resolution and [time_s, value] points"
                on:click=move |_| ctx.export(Export::Json)
            >
                "Download JSON"
            </button>
        </div>
        <LatencyLine node=node />
        <div class="charts-grid">
            {charts
                .iter()
                .map(|&(title, metrics)| view! { <MetricChart node=node title=title metrics=metrics.to_vec() /> })
                .collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(points: &[(f64, f64)]) -> Line {
        Line { points: points.to_vec() }
    }

    #[test]
    fn the_cursor_maps_to_the_nearest_period_of_every_line() {
        let frame = PlotFrame {
            x_start: 0.0,
            x_end: 10.0,
            left: 100.0,
            right: 200.0,
            top: 0.0,
            bottom: 50.0,
        };
        let data = [line(&[(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]), line(&[(1.0, 7.0), (2.0, 9.0)])];
        let h = hover_at(&frame, &data, 117.0).expect("over the plot");
        assert_eq!(h.t, 2.0, "1.7 s is nearest to the period at 2 s");
        assert_eq!(h.x, 120.0);
        assert_eq!(h.values, vec![Some(3.0), Some(9.0)]);
        assert_eq!(hover_at(&frame, &data, 99.0), None, "left of the plot");
        assert_eq!(hover_at(&frame, &[line(&[])], 150.0), None, "no data");
    }

    #[test]
    fn an_on_demand_stream_charts_its_write_capacity_against_its_writes() {
        // aws-facts 1.4: a new on-demand stream writes 4 MiB/s (4 shards of 1 MiB/s).
        let json = sim_core::BUNDLED_SCENARIOS
            .iter()
            .find(|(file, _)| *file == "on-demand-tripling.json")
            .unwrap()
            .1;
        let valid = sim_core::load_scenario(json).unwrap();
        let mut sim = sim_core::Simulation::new(&valid, 1);
        sim.run_until(30_000);
        let spec = &valid.scenario().nodes[1].spec;
        let (title, metrics) = sim_core::metrics::node_charts(spec)[1];
        assert_eq!(title, "Write capacity");
        let m = sim.metrics(NodeIndex::new(1));
        let [writes, capacity] = &crate::engine::lines(m, metrics, sim.now(), 60_000)[..] else {
            panic!()
        };
        assert_eq!(capacity.points.len(), 30);
        assert!(capacity.points.iter().all(|p| p.1 == 4.0 * 1_048_576.0), "{:?}", capacity.points);
        assert!(writes.points.iter().all(|p| p.1 > 1_000_000.0 && p.1 < 2_000_000.0));
    }
}
