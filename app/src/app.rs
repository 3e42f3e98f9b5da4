//! The application shell: opens the scenario the link carries (or the
//! default one), starts the frame loop and lays out the page.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use sim_core::share::{decode_fragment, has_scenario};
use sim_core::{DEFAULT_SCENARIO, Scenario, load_scenario};

use crate::components::{
    Controls, CostBreakdown, EditorBar, Inspector, Interventions, LedgerBar, LessonPanel,
    ModeCompare, NodeCharts, NodeSheet, NoticeBar, Palette, Phone, PipelineView, ReplicationsPanel,
    ServiceCompare, StatCards, Toolbar, Tour, TourAllowed, node_sheet_shown,
};
use crate::editor;
use crate::link;
use crate::sim_loop::use_sim_loop;
use crate::state::SimCtx;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let default = match load_scenario(DEFAULT_SCENARIO) {
        Ok(valid) => valid,
        Err(issues) => {
            // Only reachable if a bundled scenario is broken; say so plainly.
            let text = issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
            return view! {
                <main class="fatal" data-testid="app" data-ready="false">
                    <h1>"The built-in scenario failed to load"</h1>
                    <pre>{text}</pre>
                </main>
            }
            .into_any();
        }
    };
    // Someone shared a link to a scenario (not this browser's own saved one):
    // they came for that scenario, so the first-run tour waits.
    provide_context(TourAllowed(!shared_link()));
    let (doc, problem) = initial_document(default.scenario().clone());
    let older_model = sim_core::model_notice(&doc);
    let running = editor::admit(&doc).unwrap_or_else(|_| editor::idle_run(&doc));
    let runs = !running.scenario().nodes.is_empty() || doc.nodes.is_empty();
    let ctx = SimCtx::new(running);
    provide_context(ctx);
    let editor = editor::provide_editor(ctx, doc.clone());
    match problem {
        Some(text) => ctx.tell(text, true),
        None if runs => ctx.sync_link(),
        None => link::write_scenario(&doc),
    }
    if let (None, Some(text)) = (problem_shown(&ctx), older_model) {
        ctx.tell_model_change(text);
    }
    editor::keys::use_editor_keys(editor, ctx);
    use_sim_loop(ctx);
    use_shortcuts(ctx);
    use_link_changes(ctx, editor);
    use_presenter_mode(ctx);
    crate::components::use_embed_mode();
    if crate::recovery::debug_flag("perf") {
        ctx.screen.perf.set(Some(Default::default()));
    }
    if crate::recovery::panic_requested() {
        set_timeout(
            || panic!("debug=panic: a deliberate panic to test the recovery banner"),
            std::time::Duration::from_secs(1),
        );
    }
    // Opening another scenario rebuilds everything below (the tour stays).
    view! {
        {move || {
            ctx.generation.track();
            view! { <Workbench /> }
        }}
        <Tour />
    }
    .into_any()
}

/// Whether the address carries a scenario other than the one this browser
/// saved with it (a link someone shared).
fn shared_link() -> bool {
    let hash = window().location().hash().unwrap_or_default();
    has_scenario(&hash) && editor::storage::load().is_none_or(|(_, saved)| saved != hash)
}

/// The document to open: the link's scenario (a draft that does not run
/// yet included), or the document kept in local storage when the address
/// is the one saved with it or carries none, or the default scenario. A
/// damaged link says why (and is left in the address bar).
fn initial_document(default: Scenario) -> (Scenario, Option<String>) {
    let hash = window().location().hash().unwrap_or_default();
    let stored = editor::storage::load();
    if has_scenario(&hash) {
        if let Some((doc, saved)) = stored
            && saved == hash
        {
            return (doc, None);
        }
        return match decode_fragment(&hash) {
            Ok(doc) => (doc, None),
            Err(issues) => (default, Some(link::explain(&issues, "the default scenario"))),
        };
    }
    match stored {
        Some((doc, _)) if hash.is_empty() => (doc, None),
        _ => (default, None),
    }
}

/// The notice already on screen, if it reports a problem.
fn problem_shown(ctx: &SimCtx) -> Option<crate::state::Notice> {
    ctx.screen.notice.get_untracked().filter(|n| n.is_error)
}

/// A link pasted into the address bar of an open tab opens its scenario.
fn use_link_changes(ctx: SimCtx, editor: editor::Editor) {
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        match link::scenario_from_link("the current scenario") {
            Ok(Some(valid)) => editor.follow_link(valid),
            Ok(None) => {}
            Err(notice) => ctx.tell(notice, true),
        }
    });
    on_cleanup(move || handle.remove());
}

#[component]
fn Workbench() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    // The charts follow the selected node; a stream is selected at first.
    let first_stream = ctx.scenario.with_value(|v| {
        v.scenario()
            .indexed_nodes()
            .find(|(_, n)| n.spec.kind() == sim_core::NodeKind::KinesisStream)
            .map(|(i, _)| i)
    });
    ctx.charts.node.set(first_stream);
    // The selected node and its chart set: the charts rebuild when either
    // changes, e.g. when another scenario puts an on-demand stream (with its
    // write-capacity chart) where a provisioned one was. A node the run no
    // longer has (the editor is mid-change) has no charts.
    let chart_set = Memo::new(move |_| {
        ctx.generation.track();
        ctx.structure.track();
        ctx.revision.track();
        let node = ctx.charts.node.get()?;
        ctx.scenario.with_value(|v| {
            let spec = &v.scenario().nodes.get(node.get())?.spec;
            Some((node, sim_core::metrics::node_charts(spec)))
        })
    });
    let charts = move || chart_set.get().map(|(node, _)| view! { <NodeCharts node=node /> });
    // On a phone the node's knobs and charts are a bottom sheet; its charts
    // move into it while it is shown (one copy of them at a time).
    let editor = expect_context::<editor::Editor>();
    let phone = Phone::watch(ctx.screen.presenting);
    provide_context(phone);
    let in_sheet = node_sheet_shown(editor, phone);
    view! {
        // Ready once the engine's first view is on screen (from the worker,
        // a moment after the page mounts).
        <div class="shell" data-testid="app" data-ready=move || ctx.live.started.get().to_string()>
            <Toolbar />
            <NoticeBar />
            <PerfOverlay />
            <main class="workbench">
                <section class="canvas-panel" aria-label="Pipeline editor">
                    <EditorBar />
                    <div class="canvas-row">
                        <Palette />
                        <PipelineView />
                    </div>
                </section>
                <aside class="side-panel">
                    <LessonPanel />
                    <NodeSheet shown=in_sheet charts=ViewFn::from(charts)>
                        <Inspector />
                        <Interventions />
                    </NodeSheet>
                    <Controls />
                </aside>
                <section class="stats-panel" aria-label="Live figures">
                    <StatCards />
                    <LedgerBar />
                    <CostBreakdown />
                    <ReplicationsPanel />
                    <ModeCompare />
                    <ServiceCompare />
                </section>
                <section class="charts-panel" aria-label="Charts of the selected node">
                    {move || (!in_sheet.get()).then(charts)}
                </section>
            </main>
        </div>
    }
}

/// Frame timings, for checking the 60 fps budget by eye (D toggles it).
#[component]
fn PerfOverlay() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    move || {
        ctx.screen.perf.get().map(|s| {
            view! {
                <div class="perf-overlay" data-testid="perf-overlay" aria-live="off">
                    {format!(
                        "frame p50 {:.1} ms · p95 {:.1} ms · simulation p95 {:.2} ms/{}",
                        s.interval_p50_ms,
                        s.interval_p95_ms,
                        s.sim_p95_ms,
                        if s.in_worker { "slice in the worker" } else { "frame in the page" },
                    )}
                </div>
            }
        })
    }
}

/// Presenter mode puts a class on the root element, so type scales with
/// `rem` everywhere; `?present` in the address starts in it.
fn use_presenter_mode(ctx: SimCtx) {
    let starts_presenting = window()
        .location()
        .search()
        .unwrap_or_default()
        .trim_start_matches('?')
        .split('&')
        .any(|p| p == "present");
    ctx.screen.presenting.set(starts_presenting);
    Effect::new(move |_| {
        let on = ctx.screen.presenting.get();
        if let Some(root) = document().document_element() {
            let _ = root.class_list().toggle_with_force("presenting", on);
        }
    });
}

/// Space: play / pause; `.`: step one second; `r`: reset; `p`: presenter
/// mode; `d`: frame timings; `n` (and `→` when presenting): the lesson's
/// next hint, `←` when presenting: back one. They work wherever the focus
/// is but in a text field (Space and Enter stay a focused button's own),
/// and not when a modifier is held.
fn use_shortcuts(ctx: SimCtx) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || crate::focus::leave_to_focused(&ev) {
            return;
        }
        match ev.key().as_str() {
            " " => {
                ev.prevent_default();
                ctx.toggle_play();
            }
            "." => ctx.step(1_000),
            "p" | "P" => ctx.screen.presenting.update(|p| *p = !*p),
            "d" | "D" => ctx
                .screen
                .perf
                .update(|p| *p = if p.is_some() { None } else { Some(Default::default()) }),
            "r" | "R" => ctx.reset(),
            "n" | "N" => ctx.step_lesson(1),
            "ArrowRight" if ctx.screen.presenting.get_untracked() => ctx.step_lesson(1),
            "ArrowLeft" if ctx.screen.presenting.get_untracked() => ctx.step_lesson(-1),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}
