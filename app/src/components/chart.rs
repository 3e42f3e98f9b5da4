//! Metric charts drawn with plotters on a canvas, straight from the
//! simulation's series (never through signals), a few times a second.

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use sim_core::metrics::{NodeMetrics, Point};
use sim_core::time::{MINUTE, SECOND, SimTime, format_clock};

use crate::format;
use crate::state::SimCtx;

/// Line colours, distinguishable for common colour-vision deficiencies.
const PALETTE: [RGBColor; 3] =
    [RGBColor(0, 114, 178), RGBColor(213, 94, 0), RGBColor(120, 94, 240)];

/// One series to draw: its points in the window.
struct Line {
    points: Vec<(f64, f64)>,
}

/// The time window shown: wider at higher speeds so lines stay readable.
fn window_for(speed: u32) -> SimTime {
    match speed {
        0..=1 => 2 * MINUTE,
        2..=10 => 10 * MINUTE,
        11..=60 => 60 * MINUTE,
        _ => 24 * 60 * MINUTE,
    }
}

fn lines(m: &NodeMetrics, metrics: &[usize], now: SimTime, span: SimTime) -> Vec<Line> {
    let since = now.saturating_sub(span);
    metrics
        .iter()
        .map(|&k| {
            let def = m.defs()[k];
            let series = m.series(k);
            let tier = series.finest_covering(since);
            let points = series
                .tier(tier)
                .iter()
                .filter(|p| p.t >= since)
                .map(|p: &Point| {
                    // Per-second rates for Sum metrics at coarse tiers.
                    let per = match def.stat {
                        sim_core::metrics::Statistic::Sum => f64::from(p.n.max(1)),
                        sim_core::metrics::Statistic::Maximum => 1.0,
                    };
                    (p.t as f64 / SECOND as f64, p.value(def.stat) / per)
                })
                .collect();
            Line { points }
        })
        .collect()
}

/// A chart of some of one node's metrics (all in the same unit).
#[component]
pub fn MetricChart(node: usize, title: &'static str, metrics: Vec<usize>) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let canvas = NodeRef::<Canvas>::new();
    let unit = ctx.sim.with_value(|sim| sim.metrics(node).defs()[metrics[0]].unit);
    let legend = ctx.sim.with_value(|sim| {
        metrics
            .iter()
            .zip(PALETTE.iter().cycle())
            .map(|(&k, c)| {
                let swatch = format!("background: rgb({}, {}, {})", c.0, c.1, c.2);
                view! {
                    <span class="legend-item">
                        <span class="swatch" style=swatch></span>
                        {sim.metrics(node).defs()[k].name}
                    </span>
                }
            })
            .collect_view()
    });
    let names: Vec<&'static str> = ctx
        .sim
        .with_value(|sim| metrics.iter().map(|&k| sim.metrics(node).defs()[k].name).collect());
    let show_table = RwSignal::new(false);
    let table_metrics = metrics.clone();
    Effect::new(move |_| {
        ctx.charts.track();
        let Some(el) = canvas.get_untracked() else { return };
        let span = window_for(ctx.speed.get_untracked());
        let (now, data) = ctx
            .sim
            .with_value(|sim| (sim.now(), lines(sim.metrics(node), &metrics, sim.now(), span)));
        let _ = draw(el, &data, now, span, unit);
    });
    // The same numbers as a table: the last periods, newest first.
    let table = move || {
        if !show_table.get() {
            return None;
        }
        ctx.charts.track();
        let span = window_for(ctx.speed.get_untracked());
        let data =
            ctx.sim.with_value(|sim| lines(sim.metrics(node), &table_metrics, sim.now(), span));
        let periods = data.first().map_or(0, |l| l.points.len());
        let rows = (0..periods.min(TABLE_ROWS))
            .map(|back| {
                let i = periods - 1 - back;
                let t = data[0].points[i].0;
                let cells = data
                    .iter()
                    .map(|l| view! { <td class="num">{format_value(unit, l.points[i].1)}</td> })
                    .collect_view();
                view! {
                    <tr>
                        <td>{format_clock((t * SECOND as f64) as SimTime)}</td>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        let heads = names.iter().map(|n| view! { <th class="num">{*n}</th> }).collect_view();
        Some(view! {
            <table class="chart-table" data-testid="chart-table">
                <thead>
                    <tr>
                        <th>"Time"</th>
                        {heads}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        })
    };
    view! {
        <figure class="chart">
            <figcaption>
                <span class="chart-title">{title}</span>
                <span class="chart-legend">{legend}</span>
                <button
                    class="ghost-button chart-toggle"
                    aria-pressed=move || show_table.get().to_string()
                    title="Show the same numbers as a table"
                    on:click=move |_| show_table.update(|t| *t = !*t)
                >
                    {move || if show_table.get() { "Chart" } else { "Table" }}
                </button>
            </figcaption>
            <canvas
                node_ref=canvas
                aria-label=format!("{title} chart")
                role="img"
                class:hidden=move || show_table.get()
            ></canvas>
            {table}
        </figure>
    }
}

/// Rows shown in a chart's table view.
const TABLE_ROWS: usize = 20;

fn format_value(unit: sim_core::metrics::Unit, v: f64) -> String {
    match unit {
        sim_core::metrics::Unit::Milliseconds => format::millis(v),
        sim_core::metrics::Unit::Bytes => format::bytes(v),
        sim_core::metrics::Unit::Count => format::count(v),
        sim_core::metrics::Unit::Seconds => format::millis(v * 1_000.0),
    }
}

fn draw(
    canvas: web_sys::HtmlCanvasElement,
    lines: &[Line],
    now: SimTime,
    span: SimTime,
    unit: sim_core::metrics::Unit,
) -> Result<(), Box<dyn std::error::Error>> {
    let dpr = window().device_pixel_ratio().max(1.0);
    let (w, h) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
    if w < 10.0 || h < 10.0 {
        return Ok(());
    }
    canvas.set_width((w * dpr) as u32);
    canvas.set_height((h * dpr) as u32);
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    // Show at least 30 s so a fresh run is not squeezed against the left edge.
    let x_end = (now as f64 / SECOND as f64).max(30.0);
    let x_start = (x_end - span as f64 / SECOND as f64).max(0.0);
    // A floor per unit keeps an idle chart's axis meaningful (0 to 1 s, not 0 to 1 ms).
    let floor = match unit {
        sim_core::metrics::Unit::Milliseconds => 1_000.0,
        sim_core::metrics::Unit::Bytes => 1_024.0,
        sim_core::metrics::Unit::Count => 10.0,
        sim_core::metrics::Unit::Seconds => 1.0,
    };
    let y_max =
        lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)).fold(floor, f64::max) * 1.15;
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
    for (line, colour) in lines.iter().zip(PALETTE.iter().cycle()) {
        let style =
            ShapeStyle { color: colour.to_rgba(), filled: false, stroke_width: px(2.0) as u32 };
        chart.draw_series(LineSeries::new(line.points.iter().copied(), style))?;
    }
    root.present()?;
    Ok(())
}

/// The charts of one node: the metrics that matter most for its kind, a
/// CSV download of every series, all under the node's name.
#[component]
pub fn NodeCharts(node: usize) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let (kind, name) = ctx.scenario.with_value(|v| {
        let n = &v.scenario().nodes[node];
        (n.spec.kind(), n.label().to_string())
    });
    let charts = sim_core::metrics::default_charts(kind);
    view! {
        <div class="charts-head">
            <h2 data-testid="charts-node">{name}</h2>
            <span class="charts-hint">"Select a card in the pipeline to chart it"</span>
            <button
                class="ghost-button"
                data-testid="download-csv"
                title="Every metric of every node, one row per second: time_s,resolution_s,node,metric,unit,value"
                on:click=move |_| {
                    let csv = ctx.sim.with_value(sim_core::time_series_csv);
                    if let Err(why) = crate::download::save_text("shardplay-metrics.csv", "text/csv", &csv) {
                        ctx.tell(format!("The download failed: {why}"), true);
                    }
                }
            >
                "Download CSV"
            </button>
        </div>
        <div class="charts-grid">
            {charts
                .iter()
                .map(|&(title, metrics)| view! { <MetricChart node=node title=title metrics=metrics.to_vec() /> })
                .collect_view()}
        </div>
    }
}
