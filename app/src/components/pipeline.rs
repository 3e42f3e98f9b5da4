//! The pipeline canvas: an SVG editor for the document (cards, ports,
//! wires) that also shows the run (live figures, health, per-shard heat,
//! flow on the wires).
//!
//! Pointer gestures: drag the background to pan, shift-drag to box-select,
//! drag a card to move the selection (one undo step per drag), drag from an
//! output port (right, or bottom) to an input port (left, or top) to wire,
//! wheel to zoom at the cursor. Keyboard: see `editor_keys`. Everything is
//! drawn generically from `NodeKind`'s presentation and `Snapshot`; wiring
//! legality comes from `sim_core::link_rule` through
//! `editor::doc::can_connect`. An upright phone draws the layout top to
//! bottom (`editor::flow`): every position here is the canvas's.

use sim_core::NodeIndex;
use std::collections::{BTreeMap, BTreeSet};

use leptos::ev::{PointerEvent, WheelEvent};
use leptos::prelude::*;
use sim_core::scenario::Position;
use sim_core::{NodeKind, link_rule};
use wasm_bindgen::JsCast;

use super::decor::{NodeBadges, WireFlow, WireShape};
use crate::editor::doc::COUNTERS_H;
pub(crate) use crate::editor::doc::{CARD_H, CARD_W, positions};
use crate::editor::flow::Flow;
use crate::editor::gesture::{self, Gestures, Moved, Press, Target};
use crate::editor::{Editor, GRID, doc};
use crate::format;
use crate::snapshot::Snapshot;
use crate::state::SimCtx;
use sim_core::view::{Health, NodeFigures, NodeView, ShardHeat, WireFigure};

/// Most wires whose flow is animated; past that the dashes stand still (a
/// moving dash repaints the whole drawing every frame).
const MAX_ANIMATED_WIRES: usize = 16;
/// Radius of a port circle.
const PORT_R: f64 = 9.0;
/// Room for a card's sub-line ("1.3 MiB/s · 2 shards · busiest 270% of
/// limit"), and a generous width of one of its characters: a longer line is
/// squeezed into the card rather than drawn past its edge.
const SUB_ROOM: f64 = CARD_W - 30.0;
const SUB_CHAR_W: f64 = 6.9;

/// The SVG viewBox around every card, with `pad` around them; `None`
/// without nodes (gallery thumbnails).
pub(crate) fn view_box(pos: &[Position], pad: f64) -> Option<String> {
    let (x0, y0, x1, y1) = doc::bounds(pos)?;
    Some(format!("{} {} {} {}", x0 - pad, y0 - pad, x1 - x0 + 2.0 * pad, y1 - y0 + 2.0 * pad))
}

/// The part of the world the canvas shows, in world units. A card or wire
/// outside it keeps its last figures and takes no part in a view (a big
/// pipeline's view changed some 570 texts, most of them off screen); it
/// catches up as soon as it comes into view.
#[derive(Clone, Copy, Debug, PartialEq)]
struct OnScreen {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl OnScreen {
    /// Room around a box for what is drawn beside it (counters, wire labels,
    /// a backlog bar).
    const MARGIN: f64 = 100.0;

    /// Whether any of the box from `a` to `b` (corners in any order), with
    /// a margin around, is on screen.
    fn shows(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let m = Self::MARGIN;
        a.0.min(b.0) - m < self.x1
            && a.0.max(b.0) + m > self.x0
            && a.1.min(b.1) - m < self.y1
            && a.1.max(b.1) + m > self.y0
    }
}

/// What `read` finds in the run's snapshot for a card or wire: followed
/// while it is `shown`, read once, untracked, for one never shown.
fn live<T>(ctx: SimCtx, shown: bool, read: impl FnOnce(&Snapshot) -> T) -> T {
    if shown { ctx.live.snapshot.with(read) } else { ctx.live.snapshot.with_untracked(read) }
}

/// Whether any kind may send to `kind` (it has an input port).
fn has_input(kind: NodeKind) -> bool {
    NodeKind::ALL.iter().any(|&from| link_rule(from, kind).is_ok())
}

/// Whether `kind` may send to any kind (it has an output port).
fn has_output(kind: NodeKind) -> bool {
    NodeKind::ALL.iter().any(|&to| link_rule(kind, to).is_ok())
}

/// The pointer's position relative to the canvas, in screen pixels.
fn local(ev: &leptos::ev::MouseEvent) -> (f64, f64) {
    let rect = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.get_bounding_client_rect());
    match rect {
        Some(r) => (f64::from(ev.client_x()) - r.left(), f64::from(ev.client_y()) - r.top()),
        None => (f64::from(ev.client_x()), f64::from(ev.client_y())),
    }
}

/// The id of the input port under a client point, if any.
fn input_port_at(x: i32, y: i32) -> Option<String> {
    let el = document().element_from_point(x as f32, y as f32)?;
    el.closest("[data-in-port]").ok()??.get_attribute("data-in-port")
}

/// The canvas.
#[component]
pub fn PipelineView() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let editor = expect_context::<Editor>();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let gestures = StoredValue::new(Gestures::default());
    // Whether the last pointer let go was a tap on one card (its click opens
    // the node's sheet).
    let tapped_card = StoredValue::new(false);
    let wire_end = RwSignal::new(None::<(f64, f64)>);
    let marquee = RwSignal::new(None::<(f64, f64, f64, f64)>);
    // The pointer's position relative to the canvas, whichever element the
    // event reached (a card, a port).
    let on_canvas = move |ev: &PointerEvent| {
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        match svg_ref.get_untracked() {
            Some(svg) => {
                let r = svg.get_bounding_client_rect();
                (x - r.left(), y - r.top())
            }
            None => (x, y),
        }
    };
    // Where every card is drawn, computed once per document change (or
    // turn of the flow).
    let placed: Memo<BTreeMap<String, Position>> = Memo::new(move |_| {
        let flow = editor.flow.get();
        editor.doc.with(|s| {
            s.nodes
                .iter()
                .map(|n| n.id.clone())
                .zip(positions(s).into_iter().map(|p| flow.place(p)))
                .collect()
        })
    });
    // The cards being dragged, shown moved; the document changes once, when
    // the drag ends, so a pointer move redraws only them and their wires.
    let moving = RwSignal::new(None::<Moved>);
    // Where each card is drawn.
    let layout: Memo<BTreeMap<String, Position>> = Memo::new(move |_| {
        let mut at = placed.get();
        if let Some(m) = moving.get() {
            for id in &m.ids {
                if let Some(p) = at.get_mut(id) {
                    (p.x, p.y) = (p.x + m.dx, p.y + m.dy);
                }
            }
        }
        at
    });
    provide_context(layout);

    let canvas = RwSignal::new(editor.screen.get_value());
    let measure = move || {
        if let Some(svg) = svg_ref.get_untracked() {
            let r = svg.get_bounding_client_rect();
            if r.width() > 0.0 {
                let size = (r.width(), r.height());
                editor.screen.set_value(size);
                if canvas.get_untracked() != size {
                    canvas.set(size);
                }
            }
        }
    };
    let on_screen = Memo::new(move |_| {
        let v = editor.viewport.get();
        let (width, height) = canvas.get();
        let ((x0, y0), (x1, y1)) = (v.to_world(0.0, 0.0), v.to_world(width, height));
        OnScreen { x0, y0, x1, y1 }
    });
    provide_context(on_screen);
    // The particles stand still while the run does: SMIL animations keep
    // their own clock, so a paused run's wires would still flow (as if it
    // played) and repaint the whole canvas every frame.
    Effect::new(move |_| {
        let runs = ctx.clock.playing.get() || ctx.clock.jump.with(Option::is_some);
        if let Some(svg) = svg_ref.get() {
            let svg = svg.unchecked_into::<web_sys::SvgsvgElement>();
            if runs {
                svg.unpause_animations();
            } else {
                svg.pause_animations();
            }
        }
    });
    // Fit the document once the canvas has a size, and again when presenter
    // mode changes it.
    Effect::new(move |_| {
        ctx.screen.presenting.track();
        if svg_ref.get().is_some() {
            request_animation_frame(move || {
                measure();
                editor.fit();
            });
        }
    });
    // A phone turned sideways (or a window resized) gets its pipeline fitted
    // again to the canvas's new width.
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        let (width, _) = editor.screen.get_value();
        measure();
        if (editor.screen.get_value().0 - width).abs() > 1.0 {
            editor.fit();
        }
    });
    on_cleanup(move || resize.remove());

    // Does what the gesture machine answers (editor/gesture.rs).
    let apply = move |effects: Vec<gesture::Effect>| {
        use gesture::Effect as E;
        for effect in effects {
            match effect {
                E::Viewport(v) => editor.viewport.set(v),
                E::ClearSelection => {
                    editor.select(BTreeSet::clear);
                    editor.selected_link.set(None);
                }
                E::ToggleSelected(id) => editor.select(|s| {
                    if !s.remove(&id) {
                        s.insert(id);
                    }
                }),
                E::SelectOnly(id) => editor.select_only(&id),
                E::Chart(id) => editor.chart(&id),
                E::ClearSelectedLink => editor.selected_link.set(None),
                E::ShowMoved(shown) => moving.set(shown),
                E::CommitMove(moved) => {
                    moving.set(None);
                    if moved.is_move() {
                        let (dx, dy) = editor.flow.get_untracked().to_layout((moved.dx, moved.dy));
                        editor.edit(|s| doc::move_nodes(s, &moved.ids, dx, dy));
                    }
                }
                // A tap on a card opens the node's sheet on a phone (its
                // knobs and charts), once the tap's click is over (see
                // `on_click`).
                E::TappedCard(_) => {
                    tapped_card.set_value(editor.selection.with_untracked(|s| s.len() == 1));
                }
                E::WireFrom(id) => editor.wiring_from.set(Some(id)),
                E::StopWiring => editor.wiring_from.set(None),
                E::WireEnd(at) => wire_end.set(at),
                E::Connect { from, to } => editor.connect(&from, &to),
                E::ExplainTapWiring(from) => ctx.tell(
                    format!("Wiring from {from}: tap an input port (lit in green); tap the canvas to cancel."),
                    false,
                ),
                E::Marquee(rect) => marquee.set(rect),
                E::SelectBox { rect: (x0, y0, x1, y1), add } => {
                    let hit: Vec<String> = layout.with_untracked(|l| {
                        l.iter()
                            .filter(|(_, p)| {
                                p.x < x1 && p.x + CARD_W > x0 && p.y < y1 && p.y + CARD_H > y0
                            })
                            .map(|(id, _)| id.clone())
                            .collect()
                    });
                    editor.select(|sel| {
                        if !add {
                            sel.clear();
                        }
                        sel.extend(hit);
                    });
                }
            }
        }
    };
    // A press on the canvas, a card or a port: the machine decides, and the
    // canvas captures the pointers it takes. Returns whether it took it.
    let press = move |ev: &PointerEvent, target: Target| {
        measure();
        let p = Press {
            pointer: ev.pointer_id(),
            primary: ev.is_primary(),
            at: on_canvas(ev),
            shift: ev.shift_key(),
            space_pans: editor.space_pans(),
            presenting: ctx.screen.presenting.get_untracked(),
        };
        let viewport = editor.viewport.get_untracked();
        let answer = gestures.try_update_value(|g| g.press(p, target, viewport));
        let (effects, taken) = answer.unwrap_or_default();
        apply(effects);
        if taken {
            capture(ev);
        }
        taken
    };
    let on_pointerdown = move |ev: PointerEvent| {
        if ev.button() == 0 || ev.button() == 1 {
            press(&ev, Target::Background);
        }
    };
    let on_pointermove = move |ev: PointerEvent| {
        let at = on_canvas(&ev);
        let viewport = editor.viewport.get_untracked();
        editor.cursor.set_value(Some(viewport.to_world(at.0, at.1)));
        let snap = editor.snap.get_untracked().then(|| editor.flow.get_untracked());
        let answer = gestures.try_update_value(|g| g.drag(ev.pointer_id(), at, viewport, snap));
        apply(answer.unwrap_or_default());
    };
    // The sheet a tap on a card opens appears under the finger, so it
    // opens on the tap's click, the last event of a tap: opened on
    // pointerup, the click would land in it (on a field's label, which
    // focuses the field and raises the keyboard).
    let on_click = move |_| {
        if tapped_card.get_value() {
            tapped_card.set_value(false);
            editor.open_node_sheet();
        }
    };
    let on_pointerup = move |ev: PointerEvent| {
        tapped_card.set_value(false);
        let (at, over) = (on_canvas(&ev), input_port_at(ev.client_x(), ev.client_y()));
        let answer = gestures.try_update_value(|g| g.release(ev.pointer_id(), at, over));
        apply(answer.unwrap_or_default());
    };
    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let at = local(&ev);
        let factor = (-ev.delta_y() * 0.0015).exp();
        editor.viewport.update(|v| *v = v.zoom_at(at.0, at.1, factor));
    };
    let on_pointerleave = move |_| editor.cursor.set_value(None);
    let on_pointercancel = move |ev: PointerEvent| {
        gestures.update_value(|g| g.cancel(ev.pointer_id()));
    };
    // The keyboard's focus never sits outside the canvas: a card, port or
    // wire Tab reaches is panned into view (with a margin).
    let on_focusin = move |ev: leptos::ev::FocusEvent| {
        let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return;
        };
        let Some(svg) = svg_ref.get_untracked() else { return };
        if el.tag_name().eq_ignore_ascii_case("svg") {
            return;
        }
        // A card's own box, not its health note under it.
        let shape = el.query_selector(".card-bg").ok().flatten().unwrap_or(el);
        let (r, c) = (shape.get_bounding_client_rect(), svg.get_bounding_client_rect());
        let shift = |lo: f64, hi: f64, view_lo: f64, view_hi: f64| {
            let m = 16.0;
            if lo < view_lo + m {
                view_lo + m - lo
            } else if hi > view_hi - m {
                (view_hi - m - hi).max(view_lo + m - lo)
            } else {
                0.0
            }
        };
        let dx = shift(r.left(), r.right(), c.left(), c.right());
        let dy = shift(r.top(), r.bottom(), c.top(), c.bottom());
        if dx != 0.0 || dy != 0.0 {
            editor.viewport.update(|v| {
                v.x += dx;
                v.y += dy;
            });
        }
    };

    // A card's pointerdown starts a move (or, on a port, a wire).
    let start_move = Callback::new(move |(ev, id): (PointerEvent, String)| {
        let selection = editor.selection.get_untracked();
        press(&ev, Target::Card { id, selection });
    });
    let start_wire = Callback::new(move |(ev, id): (PointerEvent, String)| {
        press(&ev, Target::OutputPort(id));
    });
    // An input port only ends wires, but a finger on it may start a pinch.
    let press_port = Callback::new(move |ev: PointerEvent| {
        if !press(&ev, Target::InputPort) {
            ev.stop_propagation();
        }
    });

    let node_ids = Memo::new(move |_| {
        editor.doc.with(|s| s.nodes.iter().map(|n| n.id.clone()).collect::<Vec<_>>())
    });
    let link_ids = Memo::new(move |_| {
        editor
            .doc
            .with(|s| s.links.iter().map(|l| (l.from.clone(), l.to.clone())).collect::<Vec<_>>())
    });
    let calm = move || link_ids.with(|l| l.len() > MAX_ANIMATED_WIRES);
    let empty = move || node_ids.with(Vec::is_empty);
    let temp_wire = move || {
        let end = wire_end.get()?;
        let from = editor.wiring_from.get()?;
        let a = layout.with(|l| l.get(&from).copied())?;
        let flow = editor.flow.get();
        let port = flow.output_port();
        let d = flow.curve((a.x + port.0, a.y + port.1), end);
        Some(view! { <path class="wire-draft" d=d /> })
    };
    let marquee_rect = move || {
        marquee.get().map(|(x0, y0, x1, y1)| {
            view! { <rect class="marquee" x=x0 y=y0 width=x1 - x0 height=y1 - y0 /> }
        })
    };
    let grid = move || {
        let v = editor.viewport.get();
        let size = GRID * 2.0 * v.zoom;
        format!("{} {} {size} {size}", v.x, v.y)
    };
    view! {
        <div class="canvas-wrap">
            <svg
                class="pipeline"
                class:calm=calm
                class:wiring=move || editor.wiring_from.with(Option::is_some)
                node_ref=svg_ref
                tabindex="0"
                role="application"
                aria-roledescription="pipeline editor"
                aria-label="Pipeline canvas. Drag to pan, wheel to zoom, Shift+drag to select. Tab to cards and ports; Enter on an output port then on an input port wires them."
                data-testid="pipeline"
                on:pointerdown=on_pointerdown
                on:pointermove=on_pointermove
                on:pointerup=on_pointerup
                on:click=on_click
                on:pointerleave=on_pointerleave
                on:pointercancel=on_pointercancel
                on:focusin=on_focusin
                on:wheel=on_wheel
            >
                <defs>
                    <pattern
                        id="canvas-grid"
                        patternUnits="userSpaceOnUse"
                        width=move || GRID * 2.0 * editor.viewport.get().zoom
                        height=move || GRID * 2.0 * editor.viewport.get().zoom
                        x=move || editor.viewport.get().x
                        y=move || editor.viewport.get().y
                        data-grid=grid
                    >
                        <circle cx="1" cy="1" r="1" class="grid-dot" />
                    </pattern>
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
                <rect class="canvas-bg" width="100%" height="100%" fill="url(#canvas-grid)" />
                <g class="world" transform=move || editor.viewport.get().transform()>
                    <g class="wires">
                        <For
                            each=move || with_flow(editor.flow.get(), link_ids.get())
                            key=|l| l.clone()
                            children=move |((from, to), flow)| view! { <Wire from=from to=to flow=flow animated=Signal::derive(move || !calm()) /> }
                        />
                        {temp_wire}
                    </g>
                    <g class="cards">
                        <For
                            each=move || with_flow(editor.flow.get(), node_ids.get())
                            key=|id| id.clone()
                            children=move |(id, flow)| {
                                view! { <NodeCard id=id flow=flow start_move=start_move start_wire=start_wire press_port=press_port /> }
                            }
                        />
                    </g>
                    {marquee_rect}
                </g>
            </svg>
            <Show when=empty>
                <p class="empty-canvas" data-testid="empty-canvas">
                    "This scenario has no nodes yet. Add one from the palette (or press its number key), or open a scenario from the Gallery."
                </p>
            </Show>
        </div>
    }
    .into_any()
}

/// Cards and wires are drawn for one flow (their ports and labels stay put):
/// a turn of the flow, which is rare, draws them again.
fn with_flow<T>(flow: Flow, items: Vec<T>) -> Vec<(T, Flow)> {
    items.into_iter().map(|item| (item, flow)).collect()
}

fn capture(ev: &PointerEvent) {
    if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
        // Capture on the canvas, so a drag that leaves it still ends cleanly.
        let canvas = el.closest("svg.pipeline").ok().flatten().unwrap_or(el);
        let _ = canvas.set_pointer_capture(ev.pointer_id());
    }
    ev.stop_propagation();
}

#[component]
fn Wire(
    from: String,
    to: String,
    flow: Flow,
    #[prop(into)] animated: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let editor = expect_context::<Editor>();
    let layout = expect_context::<Memo<BTreeMap<String, Position>>>();
    let ends = {
        let (from, to) = (from.clone(), to.clone());
        Memo::new(move |_| layout.with(|l| Some((*l.get(&from)?, *l.get(&to)?))))
    };
    let indices = {
        let (from, to) = (from.clone(), to.clone());
        Memo::new(move |_| {
            editor.doc.with(|s| Some((doc::index_of(s, &from)?, doc::index_of(s, &to)?)))
        })
    };
    // From just past the output port to just before the input port (the
    // arrowhead's room).
    let span = move || {
        ends.get().map(|(a, b)| {
            let (out, input) = (flow.output_port(), flow.input_port());
            let start = flow.offset((a.x + out.0, a.y + out.1), PORT_R, 0.0);
            let end = flow.offset((b.x + input.0, b.y + input.1), -PORT_R - 2.0, 0.0);
            (start, end)
        })
    };
    let on_screen = expect_context::<Memo<OnScreen>>();
    let shown = Memo::new(move |_| span().is_some_and(|(a, b)| on_screen.get().shows(a, b)));
    // Off screen, a wire keeps its last figures (`OnScreen`); one never
    // shown reads them once, without following the run.
    let traffic = Memo::new(move |last: Option<&(f64, f64)>| {
        let shown = shown.get();
        if let (false, Some(last)) = (shown, last) {
            return *last;
        }
        let running = editor.problems.with(Vec::is_empty);
        match (running, indices.get()) {
            (true, Some((a, b))) => {
                live(ctx, shown, |s| s.frame.wire_flow(NodeIndex::new(a), NodeIndex::new(b)))
            }
            _ => (0.0, 0.0),
        }
    });
    // What validation says about this wire (a Lambda function's queue that
    // hides messages for less than its timeout, say).
    let problem = {
        let (from, to) = (from.clone(), to.clone());
        Memo::new(move |_| {
            let index =
                editor.doc.with(|s| s.links.iter().position(|l| l.from == from && l.to == to))?;
            let path = format!("links[{index}]");
            editor.problems.with(|p| p.iter().find(|i| i.path == path).map(|i| i.message.clone()))
        })
    };
    // What its label counts (its tooltip, unless it has a problem to tell).
    let meaning = {
        let (from, to) = (from.clone(), to.clone());
        Memo::new(move |_| {
            editor.doc.with(|s| {
                let kind = |id: &str| s.nodes.iter().find(|n| n.id == id).map(|n| n.spec.kind());
                let (a, b) = (kind(&from)?, kind(&to)?);
                Some(WireFigure::of(a, b).meaning(b))
            })
        })
    };
    let me = (from.clone(), to.clone());
    let selected = {
        let me = me.clone();
        move || editor.selected_link.with(|l| l.as_ref() == Some(&me))
    };
    let class = {
        let selected = selected.clone();
        move || {
            let (rate, refused) = traffic.get();
            let mut c = String::from("wire");
            if rate > 0.0 {
                c.push_str(" flowing");
            }
            if refused > 0.0 {
                c.push_str(" refusing");
            }
            if selected() {
                c.push_str(" selected");
            }
            if problem.with(Option::is_some) {
                c.push_str(" invalid");
            }
            c
        }
    };
    // Its path, and the middle of it.
    let geometry =
        move || span().map(|(a, b)| (flow.curve(a, b), (a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0));
    let shape = Signal::derive(move || {
        let (a, b) = span()?;
        let length = (b.0 - a.0).hypot(b.1 - a.1) * 1.1;
        geometry().map(|(path, mx, my)| WireShape { path, length, mid: (mx, my), flow })
    });
    // Its figures above and below a wire drawn across, beside one drawn down:
    // offsets from its middle, and how they are anchored.
    let (labels_x, above, below, anchor) = match flow {
        Flow::Across => (0.0, -12.0, 24.0, "middle"),
        Flow::Down => (16.0, -6.0, 14.0, "start"),
    };
    let running_ends = Signal::derive(move || {
        if editor.problems.with(Vec::is_empty) && shown.get() { indices.get() } else { None }
    });
    let d = move || geometry().map(|g| g.0).unwrap_or_default();
    let mx = move || geometry().map_or(0.0, |g| g.1);
    let my = move || geometry().map_or(0.0, |g| g.2);
    let label = move || format::rate(traffic.get().0);
    let refused = move || {
        let refused = traffic.get().1;
        (refused > 0.0).then(|| format!("✖ {}/s refused", format::count(refused)))
    };
    let pick = {
        let me = me.clone();
        move || {
            editor.select(BTreeSet::clear);
            editor.selected_link.set(Some(me.clone()));
        }
    };
    let pick_key = pick.clone();
    view! {
        <g
            class=class
            data-testid=format!("wire-{from}-{to}")
            tabindex="0"
            role="button"
            aria-pressed=move || selected().to_string()
            aria-label={
                let (from, to) = (from.clone(), to.clone());
                // Its visible figures are part of its name (WCAG 2.5.3), and
                // its ends are named as their cards are.
                move || {
                    let (from, to) = editor.doc.with(|s| {
                        let name = |id: &str| {
                            s.nodes.iter().find(|n| n.id == id).map_or(id, |n| n.label()).to_owned()
                        };
                        (name(&from), name(&to))
                    });
                    let shown = match refused() {
                        Some(r) => format!("{} {r}", label()),
                        None => label(),
                    };
                    match problem.get() {
                        Some(why) => format!("Wire from {from} to {to}: ✖ {why} {shown} (Enter selects, Delete removes)"),
                        None => format!("Wire from {from} to {to}: {shown} (Enter selects, Delete removes)"),
                    }
                }
            }
            data-problem=move || problem.get()
            on:pointerdown=move |ev: PointerEvent| {
                ev.stop_propagation();
                pick();
            }
            on:keydown=move |ev| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    ev.stop_propagation();
                    pick_key();
                }
            }
        >
            <title>
                {move || match problem.get() {
                    Some(why) => format!("✖ {why}"),
                    None => meaning.get().unwrap_or_default(),
                }}
            </title>
            <path class="wire-hit" d=d />
            <path class="wire-base" d=d marker-end="url(#arrow)" />
            <path class="wire-flow" d=d />
            <text class="wire-label" x=move || mx() + labels_x y=move || my() + above text-anchor=anchor>
                {label}
            </text>
            <text
                class="wire-label refused"
                x=move || mx() + labels_x
                y=move || my() + below
                text-anchor=anchor
            >
                {refused}
            </text>
            <WireFlow ends=running_ends shape=shape animated=animated />
        </g>
    }
}

/// Splits `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[component]
fn NodeCard(
    id: String,
    flow: Flow,
    start_move: Callback<(PointerEvent, String)>,
    start_wire: Callback<(PointerEvent, String)>,
    press_port: Callback<PointerEvent>,
) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let editor = expect_context::<Editor>();
    let layout = expect_context::<Memo<BTreeMap<String, Position>>>();
    let node = {
        let id = id.clone();
        Memo::new(move |_| {
            editor.doc.with(|s| doc::index_of(s, &id).map(|i| (i, s.nodes[i].clone())))
        })
    };
    let at = {
        let id = id.clone();
        Memo::new(move |_| {
            layout.with(|l| l.get(&id).copied().unwrap_or(Position { x: 0.0, y: 0.0 }))
        })
    };
    let kind = node
        .with_untracked(|n| n.as_ref().map(|(_, n)| n.spec.kind()))
        .unwrap_or(NodeKind::Producer);
    let label =
        move || node.with(|n| n.as_ref().map(|(_, n)| n.label().to_string()).unwrap_or_default());
    let on_screen = expect_context::<Memo<OnScreen>>();
    let shown = Memo::new(move |_| {
        let p = at.get();
        on_screen.get().shows((p.x, p.y - COUNTERS_H), (p.x + CARD_W, p.y + CARD_H))
    });
    // Off screen, a card keeps its last figures (`OnScreen`); one never
    // shown reads them once, without following the run.
    let figures = Memo::new(move |last: Option<&Option<NodeView>>| {
        let shown = shown.get();
        if let (false, Some(last)) = (shown, last) {
            return last.clone();
        }
        let index = node.with(|n| n.as_ref().map(|(i, _)| *i))?;
        if !editor.problems.with(Vec::is_empty) {
            return None;
        }
        live(ctx, shown, |s| s.frame.nodes.get(NodeIndex::new(index)).cloned())
    });
    let running_index = Signal::derive(move || {
        let index = node.with(|n| n.as_ref().map(|(i, _)| *i))?;
        (editor.problems.with(Vec::is_empty) && shown.get()).then_some(index)
    });
    // The card's health class and word; a card not running is neither
    // healthy nor not: grey, not green.
    let status = move || {
        figures.with(|f| match f {
            Some(n) => (n.health.class(), n.rule.word),
            None => ("idle", "○ Not running"),
        })
    };
    // The health rule's threshold and basis: the card's title on hover, its
    // description for screen readers, and a note under it on focus.
    let why = move || {
        figures.with(|f| match f {
            Some(n) if n.health == Health::Ok => health_watch(kind),
            Some(n) => n.rule.explain(),
            None => "Not running: fix the scenario's problems and the card comes alive.".into(),
        })
    };
    let selected = {
        let id = id.clone();
        Memo::new(move |_| editor.selection.with(|s| s.contains(&id)))
    };
    // While a wire is being drawn: whether this card may receive it, and why not.
    let wiring = {
        let id = id.clone();
        Memo::new(move |_| {
            let from = editor.wiring_from.get()?;
            if from == id {
                return Some(Err(String::new()));
            }
            Some(editor.doc.with(|s| doc::can_connect(s, &from, &id)))
        })
    };
    let class = move || {
        let mut c = format!("card kind-{} health-{}", kind.as_str(), status().0);
        if selected.get() {
            c.push_str(" selected");
        }
        c
    };
    let group_class = move || match wiring.get() {
        Some(Ok(())) => "node target-legal",
        Some(Err(why)) if !why.is_empty() => "node target-illegal",
        _ => "node",
    };
    let lines =
        move || figures.with(|n| n.as_ref().map(|n| n.figures.headline()).unwrap_or_default());
    let shards = move || match figures.get() {
        Some(NodeView { figures: NodeFigures::Stream { shards, .. }, .. }) => {
            Some(view! { <ShardStrip shards=shards /> })
        }
        _ => None,
    };
    let why_id = id.clone();
    let why_not = move || match wiring.get() {
        Some(Err(why)) if !why.is_empty() => {
            let lines = wrap(&format!("✖ {why}"), 30);
            let height = 16.0 + 22.0 * lines.len() as f64;
            Some(view! {
                <g class="why-not illegal" data-testid=format!("why-not-{why_id}") transform=format!("translate(0 {})", CARD_H + 8.0)>
                    <rect width=CARD_W height=height rx="8" />
                    {lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, line)| view! { <text x="12" y=26.0 + 22.0 * i as f64>{line}</text> })
                        .collect_view()}
                </g>
            }.into_any())
        }
        Some(Ok(())) => Some(
            view! {
                <g class="why-not legal" transform=format!("translate(0 {})", CARD_H + 8.0)>
                    <text x="12" y="20">
                        {format!("✔ drop the wire on the {} port", flow.input_edge())}
                    </text>
                </g>
            }
            .into_any(),
        ),
        _ => None,
    };
    // Enter selects this node alone; Shift+Enter adds it to (or takes it
    // out of) the selection, the keyboard's Shift+click.
    let select = {
        let id = id.clone();
        move |add: bool| {
            if add {
                editor.select(|s| {
                    if !s.remove(&id) {
                        s.insert(id.clone());
                    }
                });
            } else {
                editor.select_only(&id);
                editor.open_node_sheet();
            }
        }
    };
    let (id_move, id_in, id_out, id_out_key, id_in_key) =
        (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
    let input_port = has_input(kind).then(|| {
        let id = id_in.clone();
        view! {
            <circle
                class="port port-in"
                cx=flow.input_port().0
                cy=flow.input_port().1
                r=PORT_R
                tabindex="0"
                role="button"
                data-in-port=id.clone()
                data-testid=format!("in-{id}")
                aria-label=move || format!("Input port of {} (Enter finishes a wire here)", label())
                on:pointerdown=move |ev: PointerEvent| press_port.run(ev)
                on:click={
                    let id = id.clone();
                    move |_| {
                        if let Some(from) = editor.wiring_from.get_untracked() {
                            editor.connect(&from, &id);
                        }
                    }
                }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        ev.prevent_default();
                        ev.stop_propagation();
                        match editor.wiring_from.get_untracked() {
                            Some(from) => editor.connect(&from, &id_in_key),
                            None => ctx.tell("Choose an output port first (Enter on it), then this input port.", false),
                        }
                    }
                }
            >
                <title>"Input: wires arrive here"</title>
            </circle>
        }
    });
    let output_port = has_output(kind).then(|| {
        let id = id_out.clone();
        view! {
            <circle
                class="port port-out"
                class:armed=move || editor.wiring_from.with(|f| f.as_deref() == Some(id_out.as_str()))
                cx=flow.output_port().0
                cy=flow.output_port().1
                r=PORT_R
                tabindex="0"
                role="button"
                data-testid=format!("out-{id}")
                aria-label=move || format!("Output port of {} (Enter starts a wire; then Enter on an input port)", label())
                on:pointerdown={
                    let id = id.clone();
                    move |ev: PointerEvent| {
                        if ev.button() == 0 {
                            start_wire.run((ev, id.clone()));
                        }
                    }
                }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        ev.prevent_default();
                        ev.stop_propagation();
                        editor.wiring_from.set(Some(id_out_key.clone()));
                        ctx.tell(
                            format!("Wiring from {}: Tab to an input port (lit in green) and press Enter; Escape cancels.", label()),
                            false,
                        );
                    }
                }
            >
                <title>"Output: drag to an input port to wire"</title>
            </circle>
        }
    });
    view! {
        <g class=group_class transform=move || { let p = at.get(); format!("translate({} {})", p.x, p.y) }>
            <g
                class=class
                data-testid=format!("node-{id}")
                data-kind=kind.as_str()
                tabindex="0"
                role="button"
                aria-pressed=move || selected.get().to_string()
                aria-label=move || {
                    // The card's visible text, in order, then what Enter does: a
                    // voice-control user says what they see (WCAG 2.5.3).
                    let (figure, sub) = lines();
                    format!(
                        "{} {}: {} {} {figure} {sub} (Enter selects it and shows its charts and parameters)",
                        kind.badge(),
                        kind.title(),
                        label(),
                        status().1,
                    )
                }
                aria-description=why
                on:pointerdown=move |ev: PointerEvent| {
                    if ev.button() == 0 {
                        start_move.run((ev, id_move.clone()));
                    }
                }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        ev.prevent_default();
                        ev.stop_propagation();
                        select(ev.shift_key());
                    }
                }
            >
                <title>{move || format!("{}\n\n{}", kind.summary(), why())}</title>
                <rect class="card-ring" x="-6" y="-6" width=CARD_W + 12.0 height=CARD_H + 12.0 rx="16" />
                <rect class="card-bg" width=CARD_W height=CARD_H rx="12" />
                <rect class="card-accent" width="6" height=CARD_H rx="3" />
                <g class="badge" transform="translate(18 16)">
                    <rect width="44" height="26" rx="6" />
                    // Each text ends in a space (not drawn): read together, the
                    // card's words stay apart, as its name has them.
                    <text x="22" y="18" text-anchor="middle">
                        {kind.badge()}
                        " "
                    </text>
                </g>
                <text class="card-kind" x="72" y="24">
                    {kind.title()}
                    " "
                </text>
                <text class="card-name" x="72" y="44">
                    {label}
                    " "
                </text>
                <text class="card-health" x="18" y="74">
                    {move || status().1}
                    " "
                </text>
                <text class="card-figure" x="18" y="104">
                    {move || lines().0}
                    " "
                </text>
                <text
                    class="card-sub"
                    x="18"
                    y="126"
                    textLength=move || (lines().1.chars().count() as f64 * SUB_CHAR_W > SUB_ROOM).then_some(SUB_ROOM)
                    lengthAdjust="spacingAndGlyphs"
                >
                    {move || lines().1}
                    " "
                </text>
                {shards}
            </g>
            // Beside the card, not in it: their text is no part of the card's
            // name, and they never take the card's pointer (.node-badges).
            <NodeBadges index=running_index width=CARD_W height=CARD_H flow=flow />
            <HealthNote text=Signal::derive(why) />
            {input_port}
            {output_port}
            {why_not}
        </g>
    }
}

/// What a healthy card of `kind` watches: its rules' words and thresholds.
fn health_watch(kind: NodeKind) -> String {
    let watched: Vec<String> = sim_core::view::health::rules_for(kind)
        .map(|r| format!("{} at {}", r.word, r.when))
        .collect();
    if watched.is_empty() {
        "● Healthy: this kind has no warnings.".into()
    } else {
        format!("● Healthy: none of these applies: {}.", watched.join("; "))
    }
}

/// The health rule's threshold and basis under a card, shown while the
/// card has focus or the pointer (CSS), so keyboard and touch reach it too.
#[component]
fn HealthNote(#[prop(into)] text: Signal<String>) -> impl IntoView {
    let lines = Memo::new(move |_| wrap(&text.get(), 44));
    view! {
        <g class="health-note" aria-hidden="true" transform=format!("translate(0 {})", CARD_H + 8.0)>
            <rect width=CARD_W height=move || 12.0 + 18.0 * lines.with(Vec::len) as f64 rx="8" />
            {move || {
                lines
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, line)| view! { <text x="10" y=20.0 + 18.0 * i as f64>{line}</text> })
                    .collect_view()
            }}
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
                    format!(", {} write attempts refused", s.throttled)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_follow_sim_cores_wiring_rule() {
        for kind in NodeKind::ALL {
            let ins = NodeKind::ALL.iter().filter(|&&f| link_rule(f, kind).is_ok()).count();
            assert_eq!(has_input(kind), ins > 0, "{kind:?}");
        }
        assert!(has_output(NodeKind::Producer) && !has_input(NodeKind::Producer));
    }

    #[test]
    fn long_reasons_wrap_at_spaces() {
        let lines =
            wrap("a producer cannot write to a consumer directly; put a stream between them", 40);
        assert!(lines.len() >= 2 && lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "a producer cannot write to a consumer directly; put a stream between them"
        );
    }
}
