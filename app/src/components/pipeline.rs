//! The pipeline drawn as SVG: node cards with live figures and health, a
//! per-shard heat strip on streams, and wires whose look follows the flow.

use leptos::prelude::*;
use sim_core::scenario::{Node, Position};
use sim_core::{NodeKind, Scenario};

use crate::format;
use crate::snapshot::{Health, NodeFigures, ShardHeat};
use crate::state::SimCtx;

pub(crate) const CARD_W: f64 = 280.0;
pub(crate) const CARD_H: f64 = 158.0;
const PAD: f64 = 36.0;
/// Most wires whose flow is animated (see `PipelineView`).
const MAX_ANIMATED_WIRES: usize = 16;

/// Where each node sits: the scenario's layout, or, for nodes without a
/// position, columns by data flow (producers, streams, consumers) stacked
/// top to bottom.
pub(crate) fn positions(scenario: &Scenario) -> Vec<Position> {
    let mut rows = [0usize; NodeKind::ALL.len()];
    scenario
        .nodes
        .iter()
        .map(|n| {
            scenario.layout.get(&n.id).copied().unwrap_or_else(|| {
                let column = n.spec.kind().rank();
                let row = rows[column];
                rows[column] += 1;
                Position { x: column as f64 * 440.0, y: row as f64 * (CARD_H + 32.0) }
            })
        })
        .collect()
}

/// The SVG viewBox around every card, with `pad` around them; `None`
/// without nodes.
pub(crate) fn view_box(pos: &[Position], pad: f64) -> Option<String> {
    let first = pos.first()?;
    let (mut min, mut max) = ((first.x, first.y), (first.x, first.y));
    for p in pos {
        min = (min.0.min(p.x), min.1.min(p.y));
        max = (max.0.max(p.x), max.1.max(p.y));
    }
    Some(format!(
        "{} {} {} {}",
        min.0 - pad,
        min.1 - pad,
        max.0 - min.0 + CARD_W + 2.0 * pad,
        max.1 - min.1 + CARD_H + 2.0 * pad
    ))
}

/// The pipeline canvas.
#[component]
pub fn PipelineView() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let (nodes, links, pos) = ctx.scenario.with_value(|v| {
        let s = v.scenario();
        let links: Vec<(usize, usize)> = s
            .links
            .iter()
            .filter_map(|l| {
                let from = s.nodes.iter().position(|n| n.id == l.from)?;
                let to = s.nodes.iter().position(|n| n.id == l.to)?;
                Some((from, to))
            })
            .collect();
        (s.nodes.clone(), links, positions(s))
    });
    let Some(view_box) = view_box(&pos, PAD) else {
        return view! {
            <p class="empty-canvas" data-testid="empty-canvas">
                "This scenario has no nodes yet. Open one from the Gallery to see a pipeline run."
            </p>
        }
        .into_any();
    };
    // Animated dashes repaint the whole drawing every frame; with many wires
    // that costs the frame rate, so large pipelines show still dashes.
    let class = if links.len() > MAX_ANIMATED_WIRES { "pipeline calm" } else { "pipeline" };
    let wires = links
        .into_iter()
        .map(|(from, to)| view! { <Wire from=from to=to a=pos[from] b=pos[to] /> })
        .collect_view();
    let cards = nodes
        .into_iter()
        .enumerate()
        .map(|(i, node)| view! { <NodeCard index=i node=node at=pos[i] /> })
        .collect_view();
    view! {
        <svg
            class=class
            viewBox=view_box
            role="img"
            aria-label="Pipeline diagram with live figures"
            data-testid="pipeline"
        >
            <defs>
                <marker
                    id="arrow"
                    viewBox="0 0 10 10"
                    refX="9"
                    refY="5"
                    markerWidth="7"
                    markerHeight="7"
                    orient="auto-start-reverse"
                >
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            <g class="wires">{wires}</g>
            <g class="cards">{cards}</g>
        </svg>
    }
    .into_any()
}

#[component]
fn Wire(from: usize, to: usize, a: Position, b: Position) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let (x1, y1) = (a.x + CARD_W, a.y + CARD_H / 2.0);
    let (x2, y2) = (b.x - 4.0, b.y + CARD_H / 2.0);
    let bend = ((x2 - x1) / 2.0).max(40.0);
    let d = format!("M {x1} {y1} C {} {y1}, {} {y2}, {x2} {y2}", x1 + bend, x2 - bend);
    let flow = Memo::new(move |_| ctx.snapshot.with(|s| s.wire_flow(from, to)));
    let class = move || {
        let (rate, refused) = flow.get();
        let mut c = String::from("wire");
        if rate > 0.0 {
            c.push_str(" flowing");
        }
        if refused > 0.0 {
            c.push_str(" refusing");
        }
        c
    };
    let label = move || format::rate(flow.get().0);
    let refused = move || {
        let refused = flow.get().1;
        (refused > 0.0).then(|| format!("✖ {}/s refused", format::count(refused)))
    };
    let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    view! {
        <g class=class>
            <path class="wire-base" d=d.clone() marker-end="url(#arrow)" />
            <path class="wire-flow" d=d />
            <text class="wire-label" x=mx y=my - 12.0 text-anchor="middle">
                {label}
            </text>
            <text class="wire-label refused" x=mx y=my + 24.0 text-anchor="middle">
                {refused}
            </text>
        </g>
    }
}

#[component]
fn NodeCard(index: usize, node: Node, at: Position) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let kind = node.spec.kind();
    let figures = Memo::new(move |_| ctx.snapshot.with(|s| s.nodes.get(index).cloned()));
    let status = move || figures.with(|f| f.as_ref().map_or((Health::Ok, ""), NodeFigures::status));
    let selected = move || ctx.selected.get() == Some(index);
    let class = move || {
        let chosen = if selected() { " selected" } else { "" };
        format!("card kind-{} health-{}{chosen}", kind.as_str(), status().0.class())
    };
    let select = move || ctx.selected.set(Some(index));
    let lines = move || figures.with(|f| f.as_ref().map(NodeFigures::headline).unwrap_or_default());
    let shards = move || match figures.get() {
        Some(NodeFigures::Stream { shards, .. }) => Some(view! { <ShardStrip shards=shards /> }),
        _ => None,
    };
    view! {
        <g
            class=class
            transform=format!("translate({} {})", at.x, at.y)
            data-testid=format!("node-{}", node.id)
            tabindex="0"
            role="button"
            aria-pressed=move || selected().to_string()
            aria-label=format!("{}: {} (show its charts)", kind.title(), node.label())
            on:click=move |_| select()
            on:keydown=move |ev| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    select();
                }
            }
        >
            <title>{kind.summary()}</title>
            <rect class="card-ring" x="-6" y="-6" width=CARD_W + 12.0 height=CARD_H + 12.0 rx="16" />
            <rect class="card-bg" width=CARD_W height=CARD_H rx="12" />
            <rect class="card-accent" width="6" height=CARD_H rx="3" />
            <g class="badge" transform="translate(18 16)">
                <rect width="44" height="26" rx="6" />
                <text x="22" y="18" text-anchor="middle">
                    {kind.badge()}
                </text>
            </g>
            <text class="card-kind" x="72" y="24">
                {kind.title()}
            </text>
            <text class="card-name" x="72" y="44">
                {node.label().to_string()}
            </text>
            <text class="card-health" x="18" y="74">
                {move || status().1}
            </text>
            <text class="card-figure" x="18" y="104">
                {move || lines().0}
            </text>
            <text class="card-sub" x="18" y="126">
                {move || lines().1}
            </text>
            {shards}
        </g>
    }
}

/// One cell per shard coloured by write load; hover a cell for its figures.
#[component]
fn ShardStrip(shards: Vec<ShardHeat>) -> impl IntoView {
    // Past MAX_CELLS shards, each cell stands for a run of neighbours and
    // shows the busiest: the hot spot stays visible and the DOM stays small.
    const MAX_CELLS: usize = 64;
    let per_cell = shards.len().div_ceil(MAX_CELLS).max(1);
    let groups: Vec<&[ShardHeat]> = shards.chunks(per_cell).collect();
    let n = groups.len().max(1);
    let (x0, width, y) = (18.0, CARD_W - 36.0, 136.0);
    let cell = width / n as f64;
    let gap = if cell > 6.0 { 2.0 } else { 0.0 };
    let cells = groups
        .iter()
        .enumerate()
        .map(|(i, group)| {
            let s = group
                .iter()
                .copied()
                .max_by(|a, b| a.write.total_cmp(&b.write))
                .unwrap_or(group[0]);
            let which = match group {
                [only] => format!("shard {}", only.id),
                _ => format!(
                    "shards {} to {} (busiest {})",
                    group[0].id,
                    group[group.len() - 1].id,
                    s.id
                ),
            };
            let tip = format!(
                "{which}: writes {} of limit, reads {} of limit{}",
                format::percent(s.write),
                format::percent(s.read),
                if s.throttled > 0 {
                    format!(", {} records throttled", s.throttled)
                } else {
                    String::new()
                }
            );
            view! {
                <rect
                    class=format!("shard-cell health-{}", s.health().class())
                    x=x0 + i as f64 * cell
                    y=y
                    width=(cell - gap).max(0.5)
                    height="12"
                    rx="3"
                >
                    <title>{tip}</title>
                </rect>
            }
        })
        .collect_view();
    view! { <g class="shard-strip" data-testid="shard-strip">{cells}</g> }
}
