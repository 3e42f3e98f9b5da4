//! The pipeline editor's state and its one way of changing the document.
//!
//! The document is a [`Scenario`] (graph, parameters, layout) held in a
//! signal; the simulation never is. Every edit goes through
//! [`Editor::edit`], which records one undo step, saves the document, and
//! brings the running simulation along: unchanged (a move or a rename),
//! live through a `Command` (a rate, a shard count), or restarted from zero
//! with a notice (anything structural). A document that does not validate
//! yet (a producer not wired) is kept as a draft and nothing runs until it
//! does. Transient state (selection, viewport, a wire being drawn) is not
//! history and never enters the document.

pub mod doc;
pub mod flow;
pub mod gesture;
pub mod history;
pub mod inspect;
pub mod keys;
pub mod storage;
pub mod viewport;

use sim_core::NodeIndex;
use std::collections::BTreeSet;

use leptos::prelude::*;
use sim_core::params::live_edit;
use sim_core::scenario::Position;
use sim_core::{Command, Issue, Scenario, ValidScenario, validate};

use crate::state::SimCtx;
use doc::Fragment;
use flow::Flow;
use history::History;
use viewport::Viewport;

/// The bottom sheet on a phone: the selected node's inspector (half the
/// screen, or all of it), or the palette. One at a time; wider screens show
/// both in the page and ignore this.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sheet {
    #[default]
    Closed,
    /// The selected node's knobs and charts; `full` fills the screen.
    Node { full: bool },
    /// The palette, to add a node.
    Palette,
}

/// The editor's handles, shared through context. `Copy`.
#[derive(Clone, Copy)]
pub struct Editor {
    /// The document.
    pub doc: RwSignal<Scenario>,
    /// Selected nodes, by id; changed only by [`Editor::select`].
    pub selection: ReadSignal<BTreeSet<String>>,
    set_selection: WriteSignal<BTreeSet<String>>,
    /// The selected wire, as (from, to) ids.
    pub selected_link: RwSignal<Option<(String, String)>>,
    /// Pan and zoom of the canvas.
    pub viewport: RwSignal<Viewport>,
    /// Which way the canvas draws the layout (top to bottom on an upright
    /// phone); chosen when the view is fitted.
    pub flow: RwSignal<Flow>,
    /// The output port a wire starts from while one is being drawn (by
    /// drag, or by keyboard: Enter on an output port, then on an input port).
    pub wiring_from: RwSignal<Option<String>>,
    /// Whether moves snap to the grid.
    pub snap: RwSignal<bool>,
    /// Why the document does not run yet (empty when it runs), each with
    /// the path of what it is about (`links[3]` for a wire).
    pub problems: RwSignal<Vec<Issue>>,
    /// Whether undo / redo have a step (for the buttons).
    pub can_undo: RwSignal<bool>,
    /// See `can_undo`.
    pub can_redo: RwSignal<bool>,
    /// The last pointer position over the canvas, in canvas world units
    /// (keys add nodes there).
    pub cursor: StoredValue<Option<(f64, f64)>>,
    /// Size of the canvas on screen, for fit and centring.
    pub screen: StoredValue<(f64, f64)>,
    /// Space held over the canvas (any drag then pans), and whether it
    /// dragged; a tap of Space still plays or pauses.
    pub space: StoredValue<Option<bool>>,
    /// The bottom sheet a phone shows, if any (wider screens ignore it).
    pub sheet: RwSignal<Sheet>,
    history: StoredValue<History<Scenario>>,
    clipboard: StoredValue<Option<Fragment>>,
    ctx: SimCtx,
}

/// Grid spacing in world units (snap, arrow-key moves).
pub const GRID: f64 = 20.0;

impl Editor {
    /// The editor for document `doc`, whose validated form (or an empty
    /// run, for a draft) `ctx` already runs.
    pub fn new(ctx: SimCtx, doc: Scenario) -> Self {
        let problems = admit(&doc).err().unwrap_or_default();
        ctx.set_draft(!problems.is_empty());
        let (selection, set_selection) = signal(BTreeSet::new());
        Editor {
            doc: RwSignal::new(doc),
            selection,
            set_selection,
            selected_link: RwSignal::new(None),
            viewport: RwSignal::new(Viewport::default()),
            flow: RwSignal::new(Flow::Across),
            wiring_from: RwSignal::new(None),
            snap: RwSignal::new(true),
            problems: RwSignal::new(problems),
            can_undo: RwSignal::new(false),
            can_redo: RwSignal::new(false),
            cursor: StoredValue::new(None),
            screen: StoredValue::new((800.0, 420.0)),
            space: StoredValue::new(None),
            sheet: RwSignal::new(Sheet::Closed),
            history: StoredValue::new(History::default()),
            clipboard: StoredValue::new(None),
            ctx,
        }
    }

    /// Edits the document as one undo step; returns what `change` returns.
    pub fn edit<R>(&self, change: impl FnOnce(&mut Scenario) -> R) -> R {
        let before = self.doc.get_untracked();
        let mut after = before.clone();
        let out = change(&mut after);
        self.commit(before, after);
        out
    }

    /// Records `before -> after` as one undo step and applies `after`.
    pub fn commit(&self, before: Scenario, after: Scenario) {
        if before == after {
            self.doc.set(after);
            return;
        }
        self.history.update_value(|h| h.record(before.clone(), &after));
        self.apply(&after);
    }

    /// Steps back one edit.
    pub fn undo(&self) {
        let current = self.doc.get_untracked();
        if let Some(previous) = self.history.try_update_value(|h| h.undo(current)).flatten() {
            self.apply(&previous);
        }
    }

    /// Steps forward one undone edit.
    pub fn redo(&self) {
        let current = self.doc.get_untracked();
        if let Some(next) = self.history.try_update_value(|h| h.redo(current)).flatten() {
            self.apply(&next);
        }
    }

    /// Replaces the document with an empty one ("New"), undoably.
    pub fn new_document(&self) {
        self.edit(|s| *s = doc::empty());
        self.fit();
        self.ctx.tell("New empty pipeline: add nodes from the palette.", false);
    }

    /// Opens a scenario file's text, undoably, or says exactly why not.
    pub fn open_text(&self, file_name: &str, text: &str) {
        if sim_core::infra::import::is_template(text) {
            return self.open_template(file_name, text);
        }
        match sim_core::parse_scenario(text) {
            Ok(scenario) => {
                let older_model = sim_core::model_notice(&scenario);
                self.edit(|s| *s = scenario);
                self.fit();
                match older_model {
                    Some(text) => self.ctx.tell_model_change(format!("Opened {file_name}. {text}")),
                    None => self.ctx.tell(format!("Opened {file_name}."), false),
                }
            }
            Err(issues) => self.ctx.tell(
                format!("{file_name} could not be opened: {}", sim_core::plain::summarize(&issues)),
                true,
            ),
        }
    }

    /// Opens a CloudFormation template as the pipeline it describes
    /// (undoable), saying what was assumed and what is not simulated. The
    /// importer is in the infrastructure module, downloaded on first use.
    fn open_template(&self, file_name: &str, text: &str) {
        let (editor, file_name, text) = (*self, file_name.to_owned(), text.to_owned());
        // The first import downloads the module: say something is happening.
        self.ctx.tell("Reading the CloudFormation template…", false);
        leptos::task::spawn_local(async move {
            match crate::infra::import(&text).await {
                Ok(imported) => editor.opened_template(&file_name, imported),
                Err(why) => {
                    editor.ctx.tell(format!("{file_name} could not be imported: {why}"), true)
                }
            }
        });
    }

    /// Puts an imported template's pipeline on the canvas and says what
    /// the import assumed and left out.
    fn opened_template(&self, file_name: &str, imported: crate::infra::Imported) {
        let nodes = imported.scenario.nodes.len();
        self.edit(|s| *s = imported.scenario);
        self.fit();
        let mut words = format!("Imported {file_name} as {nodes} nodes.");
        if let Some(restored) = &imported.restored {
            words.push_str(&format!(" {restored}"));
        }
        let list = |items: &[String], n: usize| {
            let mut text = items.iter().take(n).cloned().collect::<Vec<_>>().join(" ");
            if items.len() > n {
                text.push_str(&format!(" (and {} more)", items.len() - n));
            }
            text
        };
        if !imported.assumptions.is_empty() {
            words.push_str(&format!(" Assumed: {}", list(&imported.assumptions, 3)));
        }
        if !imported.skipped.is_empty() {
            words.push_str(&format!(" Not simulated: {}.", list(&imported.skipped, 6)));
        }
        self.ctx.tell(words, false);
    }

    /// The document as a scenario file.
    pub fn file_text(&self) -> String {
        self.doc.with_untracked(|s| serde_json::to_string_pretty(&s.stamped()).unwrap_or_default())
    }

    fn apply(&self, doc: &Scenario) {
        self.doc.set(doc.clone());
        let ids: BTreeSet<String> = doc.nodes.iter().map(|n| n.id.clone()).collect();
        self.select(|sel| sel.retain(|id| ids.contains(id)));
        if let Some((from, to)) = self.selected_link.get_untracked()
            && !doc.links.iter().any(|l| l.from == from && l.to == to)
        {
            self.selected_link.set(None);
        }
        self.push(doc);
        self.history.with_value(|h| {
            self.can_undo.set(h.can_undo());
            self.can_redo.set(h.can_redo());
        });
        storage::save(doc);
    }

    /// Brings the simulation in line with the document.
    fn push(&self, doc: &Scenario) {
        let ctx = self.ctx;
        let running = ctx.scenario.with_value(|v| v.scenario().clone());
        let charted = ctx
            .charts
            .node
            .get_untracked()
            .and_then(|i| running.nodes.get(i.get()))
            .map(|n| n.id.clone());
        let valid = match admit(doc) {
            Ok(valid) => valid,
            Err(issues) => {
                self.set_problems(issues);
                let idle = idle_run(doc);
                let was_running = !running.nodes.is_empty();
                ctx.scenario.set_value(idle);
                ctx.charts.node.set(None);
                if was_running {
                    ctx.restart_figures();
                    ctx.structure.update(|n| *n += 1);
                }
                ctx.revision.update(|r| *r += 1);
                // The address bar holds the draft, so a reload or a copied
                // link shows exactly what is on the canvas.
                crate::link::write_scenario(doc);
                return;
            }
        };
        self.set_problems(Vec::new());
        let change = classify(&running, doc);
        ctx.scenario.set_value(valid);
        ctx.edited();
        match change {
            Change::Cosmetic => {}
            // Before the run has started an edit is an edit of the scenario:
            // start again from zero with it, quietly.
            Change::Live(_) if ctx.live.snapshot.with_untracked(|s| s.frame.now_ms) == 0 => {
                ctx.reset()
            }
            Change::Live(command) => ctx.live_edit(command),
            Change::Structural => {
                ctx.charts.node.set(None);
                ctx.restart_figures();
                ctx.structure.update(|n| *n += 1);
                let index = |id: &str| doc::index_of(doc, id);
                let selected = self
                    .selection
                    .with_untracked(|s| (s.len() == 1).then(|| s.first().cloned()).flatten());
                ctx.charts
                    .node
                    .set(selected.or(charted).and_then(|id| index(&id)).map(NodeIndex::new));
                let text = if running.nodes.is_empty() {
                    "The pipeline is complete: it runs from zero."
                } else {
                    "The pipeline changed: the run restarted from zero."
                };
                ctx.tell(text, false);
            }
        }
    }

    /// Why the document does not run (empty when it runs); the clock
    /// follows (`SimCtx::set_draft`).
    fn set_problems(&self, issues: Vec<Issue>) {
        self.ctx.set_draft(!issues.is_empty());
        self.problems.set(issues);
    }

    /// Opens a scenario (the gallery, a lesson, the picker) from time zero:
    /// one undo step, and a new browser history entry, so Back returns to
    /// the previous one.
    pub fn open(&self, valid: ValidScenario) {
        crate::link::push_link(&valid);
        self.follow_link(valid);
    }

    /// Opens the scenario a link just brought in (the address already
    /// holds it), as one undo step.
    pub fn follow_link(&self, valid: ValidScenario) {
        let current = valid.scenario().clone();
        self.ctx.run_another(valid);
        let before = self.doc.get_untracked();
        self.history.update_value(|h| h.record(before, &current));
        self.set_problems(Vec::new());
        self.doc.set(current.clone());
        self.select(BTreeSet::clear);
        self.selected_link.set(None);
        self.history.with_value(|h| {
            self.can_undo.set(h.can_undo());
            self.can_redo.set(h.can_redo());
        });
        storage::save(&current);
    }

    /// Selects exactly node `id` (and charts it when it runs).
    pub fn select_only(&self, id: &str) {
        self.select(|sel| *sel = [id.to_string()].into());
        self.selected_link.set(None);
    }

    /// Changes the selection, and what follows from it: one node selected
    /// is also the charted one (the chart stays when none is), and a node's
    /// sheet, being about one node, closes when none or several are.
    pub fn select(&self, change: impl FnOnce(&mut BTreeSet<String>)) {
        self.set_selection.update(change);
        let only =
            self.selection.with_untracked(|s| (s.len() == 1).then(|| s.first().cloned()).flatten());
        match only {
            Some(id) => self.chart(&id),
            None if matches!(self.sheet.get_untracked(), Sheet::Node { .. }) => {
                self.sheet.set(Sheet::Closed)
            }
            None => {}
        }
    }

    /// Opens the selected node's sheet (on a phone: a tap on its card, Enter
    /// on it, a link to one of its knobs), unless it is open already.
    pub fn open_node_sheet(&self) {
        if !matches!(self.sheet.get_untracked(), Sheet::Node { .. }) {
            self.sheet.set(Sheet::Node { full: false });
        }
    }

    /// Shows node `id`'s charts if the simulation runs it.
    pub fn chart(&self, id: &str) {
        let index =
            self.ctx.scenario.with_value(|v| doc::index_of(v.scenario(), id)).map(NodeIndex::new);
        if index.is_some() && self.ctx.charts.node.get_untracked() != index {
            self.ctx.charts.node.set(index);
        }
    }

    /// Deletes the selected nodes, or else the selected wire.
    pub fn delete_selection(&self) {
        let nodes = self.selection.get_untracked();
        if !nodes.is_empty() {
            self.edit(|s| doc::remove_nodes(s, &nodes));
            self.select(BTreeSet::clear);
        } else if let Some((from, to)) = self.selected_link.get_untracked() {
            self.edit(|s| doc::disconnect(s, &from, &to));
            self.selected_link.set(None);
        }
    }

    /// Copies the selected nodes and the wires among them.
    pub fn copy(&self) {
        let ids = self.selection.get_untracked();
        if !ids.is_empty() {
            let fragment = self.doc.with_untracked(|s| doc::copy(s, &ids));
            self.clipboard.set_value(Some(fragment));
        }
    }

    /// Pastes the copied nodes beside the originals and selects them.
    pub fn paste(&self) {
        let Some(fragment) = self.clipboard.get_value() else { return };
        let offset = (2.0 * GRID, 2.0 * GRID);
        let ids = self.edit(|s| doc::paste(s, &fragment, offset));
        // The next paste lands a step further on.
        self.clipboard.set_value(Some(Fragment {
            positions: fragment
                .positions
                .iter()
                .map(|p| sim_core::scenario::Position { x: p.x + offset.0, y: p.y + offset.1 })
                .collect(),
            ..fragment
        }));
        self.select(|sel| *sel = ids);
    }

    /// Copies and pastes in one step.
    pub fn duplicate(&self) {
        self.copy();
        self.paste();
    }

    /// Selects every node.
    pub fn select_all(&self) {
        let every = self.doc.with_untracked(|s| s.nodes.iter().map(|n| n.id.clone()).collect());
        self.select(|sel| *sel = every);
    }

    /// Adds a node of `kind` centred on canvas point `at` (snapped, and moved
    /// across the flow past any card already there); selects it and returns
    /// its id.
    pub fn add_at(&self, kind: sim_core::NodeKind, at: (f64, f64)) -> String {
        // The layout's corner under the canvas's, whichever way it is drawn.
        let corner = (at.0 - doc::CARD_W / 2.0, at.1 - doc::CARD_H / 2.0);
        let (mut x, mut y) = self.flow.get_untracked().to_layout(corner);
        if self.snap.get_untracked() {
            (x, y) = (doc::snap(x, GRID), doc::snap(y, GRID));
        }
        let taken = self.doc.with_untracked(doc::positions);
        while taken
            .iter()
            .any(|p| (p.x - x).abs() < doc::CARD_W * 0.6 && (p.y - y).abs() < doc::CARD_H * 0.6)
        {
            y += doc::CARD_H + 2.0 * GRID;
        }
        let id = self.edit(|s| doc::add_node(s, kind, sim_core::scenario::Position { x, y }));
        self.select_only(&id);
        // A node added beside the last one may land off the canvas: bring
        // it into view, so each press of Add shows what it added.
        let at = self.flow.get_untracked().place(sim_core::scenario::Position { x, y });
        let card = (at.x, at.y, at.x + doc::CARD_W, at.y + doc::CARD_H);
        let screen = self.screen.get_value();
        self.viewport.update(|v| *v = v.reveal(card, screen, 2.0 * GRID));
        id
    }

    /// Where a new node goes: after the one selected node, along the flow
    /// (the next step of a pipeline), else under the pointer (`use_cursor`, for keys) or in
    /// the middle of the view.
    pub fn next_spot(&self, use_cursor: bool) -> (f64, f64) {
        let only =
            self.selection.with_untracked(|s| (s.len() == 1).then(|| s.first().cloned()).flatten());
        let beside = only.and_then(|id| {
            self.doc.with_untracked(|d| {
                let i = doc::index_of(d, &id)?;
                let p = doc::positions(d)[i];
                let next = Position { x: p.x + doc::CARD_W + 6.0 * GRID, y: p.y };
                let at = self.flow.get_untracked().place(next);
                Some((at.x + doc::CARD_W / 2.0, at.y + doc::CARD_H / 2.0))
            })
        });
        beside.or(if use_cursor { self.cursor.get_value() } else { None }).unwrap_or_else(|| {
            let (w, h) = self.screen.get_value();
            self.viewport.get_untracked().to_world(w / 2.0, h / 2.0)
        })
    }

    /// Wires `from -> to`, or says why sim-core refuses.
    pub fn connect(&self, from: &str, to: &str) {
        // The notice names the nodes as their cards do.
        let (a, b) = self.doc.with_untracked(|s| {
            let name =
                |id: &str| doc::index_of(s, id).map_or(id, |i| s.nodes[i].label()).to_owned();
            (name(from), name(to))
        });
        match self.doc.with_untracked(|s| doc::can_connect(s, from, to)) {
            Ok(()) => {
                self.edit(|s| doc::connect(s, from, to).ok());
                self.ctx.tell(format!("Wired {a} → {b}."), false);
            }
            Err(why) => self.ctx.tell(format!("Cannot wire {a} → {b}: {why}."), true),
        }
        self.wiring_from.set(None);
    }

    /// Fits every node into the view (larger in presenter mode, for the
    /// back of the room).
    pub fn fit(&self) {
        let screen = self.screen.get_value();
        let layout = self.doc.with_untracked(doc::positions);
        let flow = Flow::for_screen(&layout, screen);
        if self.flow.get_untracked() != flow {
            self.flow.set(flow);
        }
        let placed: Vec<Position> = layout.into_iter().map(|p| flow.place(p)).collect();
        let bounds =
            doc::bounds(&placed).map(|(x0, y0, x1, y1)| (x0, y0 - doc::COUNTERS_H, x1, y1));
        // Presenting, the pipeline gets every pixel it can: a narrower
        // margin; so it does on a phone.
        let (pad, max_zoom) = if self.ctx.screen.presenting.get_untracked() {
            (20.0, 1.6)
        } else if screen.0 < flow::PHONE_WIDTH {
            (12.0, 1.0)
        } else {
            (40.0, 1.0)
        };
        self.viewport.set(match bounds {
            Some(b) => Viewport::fit(b, screen, pad, max_zoom),
            None => Viewport::default(),
        });
    }

    /// Whether Space is held to pan; marks the hold as a drag.
    pub fn space_pans(&self) -> bool {
        let held = self.space.get_value().is_some();
        if held {
            self.space.set_value(Some(true));
        }
        held
    }

    /// Zooms by `factor` around the middle of the view.
    pub fn zoom(&self, factor: f64) {
        let (w, h) = self.screen.get_value();
        self.viewport.update(|v| *v = v.zoom_at(w / 2.0, h / 2.0, factor));
    }
}

/// How far an edit reaches into a running simulation.
enum Change {
    /// Layout or names only: the run goes on.
    Cosmetic,
    /// One parameter the engine can change mid-run.
    Live(Command),
    /// Anything else: the run restarts from zero.
    Structural,
}

fn classify(running: &Scenario, doc: &Scenario) -> Change {
    let strip = |s: &Scenario| {
        let mut s = s.clone();
        s.layout.clear();
        for n in &mut s.nodes {
            n.name.clear();
        }
        s
    };
    let (a, b) = (strip(running), strip(doc));
    if a == b {
        return Change::Cosmetic;
    }
    if a.nodes.len() != b.nodes.len() || a.nodes.iter().zip(&b.nodes).any(|(x, y)| x.id != y.id) {
        return Change::Structural;
    }
    let differing: Vec<usize> = (0..a.nodes.len()).filter(|&i| a.nodes[i] != b.nodes[i]).collect();
    let (mut a_rest, mut b_rest) = (a.clone(), b.clone());
    a_rest.nodes.clear();
    b_rest.nodes.clear();
    match differing.as_slice() {
        [i] if a_rest == b_rest => {
            live_edit(NodeIndex::new(*i), &a.nodes[*i].spec, &b.nodes[*i].spec)
                .map_or(Change::Structural, Change::Live)
        }
        _ => Change::Structural,
    }
}

/// The document validated and within what the browser can run (a phone's
/// memory, sim_core::budget): otherwise it stays a draft that says why.
pub fn admit(doc: &Scenario) -> Result<ValidScenario, Vec<sim_core::Issue>> {
    sim_core::budget::admit(doc, &sim_core::budget::Budget::BROWSER)
}

/// What runs while the document is a draft: nothing, under its name.
pub fn idle_run(doc: &Scenario) -> ValidScenario {
    let idle = Scenario {
        nodes: Vec::new(),
        links: Vec::new(),
        layout: Default::default(),
        schedule: Vec::new(),
        ..doc.clone()
    };
    validate(&idle)
        .or_else(|_| validate(&Scenario { name: doc.name.clone(), ..doc::empty() }))
        .or_else(|_| validate(&doc::empty()))
        .expect("an empty scenario is valid")
}

/// Provides the editor for `ctx` running `doc`.
pub fn provide_editor(ctx: SimCtx, doc: Scenario) -> Editor {
    let editor = Editor::new(ctx, doc);
    provide_context(editor);
    editor
}
