//! "Try it": the knobs worth turning in this scenario, each a link to its
//! one control in the inspector of its node (a producer's rate and key mix,
//! a stream's shard count), the run's events and the keyboard shortcuts.
//! No knob is duplicated here: one concept, one control, one label.

use leptos::prelude::*;
use sim_core::NodeIndex;
use sim_core::scenario::{Capacity, KeyDistribution, NodeSpec};

use crate::editor::Editor;
use crate::format;
use crate::state::SimCtx;
use sim_core::view::NodeFigures;

/// The "Try it" panel.
#[component]
pub fn Controls() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    // Rebuilt when the pipeline changes (in the editor's inspector too), so
    // the values shown are the scenario's.
    let links = move || {
        ctx.structure.track();
        ctx.revision.track();
        links_for(ctx.scenario.with_value(|v| v.scenario().nodes.clone()))
    };
    view! {
        <div class="controls" data-testid="controls">
            <h2>"Try it"</h2>
            <ul class="try-links">{links}</ul>
            <EventLog />
            <p class="hint">
                "Keys: " <kbd>"Space"</kbd> " play/pause · " <kbd>"."</kbd> " step · " <kbd>"R"</kbd>
                " reset"
            </p>
        </div>
    }
}

/// One link per knob: it selects the node and focuses the knob's field.
#[component]
fn TryLink(
    id: String,
    path: &'static str,
    testid: String,
    #[prop(into)] name: String,
    what: &'static str,
    children: Children,
) -> impl IntoView {
    let editor = expect_context::<Editor>();
    view! {
        <li>
            <button
                type="button"
                class="try-link"
                data-testid=testid
                title=format!("Select {name} and go to its {what} in the inspector")
                on:click=move |_| super::inspector::focus_param(editor, &id, path)
            >
                <span class="try-name">{name.clone()}</span>
                <span class="try-what">{what}": " {children()}</span>
                <span class="try-go" aria-hidden="true">"›"</span>
            </button>
        </li>
    }
}

fn links_for(nodes: Vec<sim_core::scenario::Node>) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    nodes
        .into_iter()
        .enumerate()
        .map(|(i, node)| {
            let (id, name) = (node.id.clone(), node.label().to_string());
            // Only producers and provisioned streams have a knob here; `if let`, not a match
            // with a wildcard arm, so a new kind is not silently left out of a `match`.
            if let NodeSpec::Producer(p) = &node.spec {
                    let rate = format::rate(p.records_per_s);
                    let keys = match p.keys {
                        KeyDistribution::HotKey { hot_share, .. } => {
                            format!("{} on one hot key", format::percent(hot_share))
                        }
                        KeyDistribution::Uniform { count } => format!("{count} keys, even"),
                        KeyDistribution::Zipf { count, .. } => format!("{count} keys, skewed"),
                        KeyDistribution::ExplicitHashKey { .. } => "explicit hash keys".into(),
                    };
                    view! {
                        <TryLink id=id.clone() path="records_per_s" testid=format!("goto-rate-{i}") name=name.clone() what="rate">
                            {rate}
                        </TryLink>
                        <TryLink id=id path="keys" testid=format!("goto-keys-{i}") name=name what="partition keys">
                            {keys}
                        </TryLink>
                    }
                    .into_any()
            } else if let NodeSpec::KinesisStream(s) = &node.spec
                && let Capacity::Provisioned { shards: configured } = s.capacity
            {
                    // Before the run's first frame, the shards it starts with.
                    let open = Memo::new(move |_| {
                        ctx.live.snapshot.with(|s| match s.frame.figures(NodeIndex::new(i)) {
                            Some(NodeFigures::Stream { shards, .. }) => shards.len(),
                            _ => configured as usize,
                        })
                    });
                    view! {
                        <TryLink id=id path="capacity.shards" testid=format!("goto-shards-{i}") name=name what="shards">
                            <span data-testid=format!("shards-{i}")>{move || open.get()}</span>
                            " open"
                        </TryLink>
                    }
                    .into_any()
            } else {
                ().into_any()
            }
        })
        .collect_view()
}

/// What happened in the run: resharding, and what AWS refused and why.
#[component]
fn EventLog() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let events = Memo::new(move |_| ctx.live.snapshot.with(|s| s.frame.journal.clone()));
    view! {
        <Show when=move || !events.with(Vec::is_empty)>
            <section class="events" aria-label="Run events" data-testid="events">
                <h3>"Events"</h3>
                <ul>
                    {move || {
                        events
                            .get()
                            .into_iter()
                            .map(|e| {
                                view! {
                                    <li class:refused=e.refused>
                                        <span class="event-time">{sim_core::time::format_clock(e.t)}</span>
                                        <span class="event-text">{format!("{}: {}", e.node, e.text)}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
        </Show>
    }
}
