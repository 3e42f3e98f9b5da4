//! The side panel: the parameters a learner turns to see what happens.
//!
//! Rates and shard counts apply live (the shard count through
//! UpdateShardCount, with AWS's limits); a new key mix restarts the run from
//! zero with a notice. Ranges come from sim-core's `param_range`.

use leptos::prelude::*;
use sim_core::scenario::{KeyDistribution, NodeSpec, StreamOp};
use sim_core::{Command, NodeKind, param_range};

use crate::state::SimCtx;
use sim_core::view::NodeFigures;

/// Parameter controls for the scenario's producers and streams.
#[component]
pub fn Controls() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    // Rebuilt when the pipeline changes (in the editor's inspector too), so
    // the values shown are the scenario's.
    let groups = move || {
        ctx.structure.track();
        ctx.revision.track();
        controls_for(ctx.scenario.with_value(|v| v.scenario().nodes.clone()))
    };
    view! {
        <div class="controls" data-testid="controls">
            <h2>"Try it"</h2>
            {groups}
            <EventLog />
            <p class="hint">
                "Keys: " <kbd>"Space"</kbd> " play/pause · " <kbd>"."</kbd> " step · " <kbd>"R"</kbd>
                " reset"
            </p>
        </div>
    }
}

/// One group of live controls per producer and stream.
fn controls_for(nodes: Vec<sim_core::scenario::Node>) -> impl IntoView {
    nodes
        .into_iter()
        .enumerate()
        .filter_map(|(i, node)| match &node.spec {
            NodeSpec::Producer(_) => Some(
                view! {
                    <fieldset class="group">
                        <legend>{format!("Producer · {}", node.label())}</legend>
                        <RateControl node=i />
                        <HotShareControl node=i />
                    </fieldset>
                }
                .into_any(),
            ),
            NodeSpec::KinesisStream(spec) => {
                let on_demand = matches!(spec.capacity, sim_core::scenario::Capacity::OnDemand { .. });
                Some(
                    view! {
                        <fieldset class="group">
                            <legend>{format!("Stream · {}", node.label())}</legend>
                            {if on_demand {
                                view! {
                                    <p class="field-note">
                                        "On-demand: AWS splits any shard that takes more than 500 KB/s for about 15 minutes. Billed per stream-hour and per GB."
                                    </p>
                                }
                                    .into_any()
                            } else {
                                view! { <ShardControl node=i /> }.into_any()
                            }}
                        </fieldset>
                    }
                    .into_any(),
                )
            }
            NodeSpec::Consumer(_)
            | NodeSpec::KclApp(_)
            | NodeSpec::Firehose(_)
            | NodeSpec::Destination(_)
            | NodeSpec::SqsQueue(_)
            | NodeSpec::WorkerPool(_)
            | NodeSpec::Lambda(_)
            | NodeSpec::MskCluster(_)
            | NodeSpec::FlinkApp(_)
            | NodeSpec::SnsTopic(_) => None,
        })
        .collect_view()
}

/// Validates `text` against a parameter's range, returning the value or a
/// message naming the range.
fn parse_in_range(kind: NodeKind, param: &str, text: &str) -> Result<f64, String> {
    let range = param_range(kind, param).ok_or_else(|| format!("unknown parameter {param}"))?;
    let value: f64 = text.trim().parse().map_err(|_| format!("{text:?} is not a number"))?;
    if value.is_finite() && value >= range.min && value <= range.max {
        Ok(value)
    } else {
        Err(format!(
            "allowed {} to {} {}",
            sim_core::units::format_number(range.min),
            sim_core::units::format_number(range.max),
            range.unit
        ))
    }
}

/// A producer's rate, applied live. `id_prefix` keeps ids and test hooks
/// unique when the control appears twice (here and in the interventions panel).
#[component]
pub(crate) fn RateControl(
    node: usize,
    #[prop(default = "rate")] id_prefix: &'static str,
) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let current = move || {
        ctx.scenario.with_value(|v| match &v.scenario().nodes[node].spec {
            NodeSpec::Producer(p) => p.records_per_s,
            _ => 0.0,
        })
    };
    let value = RwSignal::new(current());
    let error = RwSignal::new(None::<String>);
    let commit =
        move |text: String| match parse_in_range(NodeKind::Producer, "records_per_s", &text) {
            Ok(rate) => {
                error.set(None);
                value.set(rate);
                ctx.scenario.update_value(|v| {
                    let mut s = v.scenario().clone();
                    if let NodeSpec::Producer(p) = &mut s.nodes[node].spec {
                        p.records_per_s = rate;
                    }
                    if let Ok(valid) = sim_core::validate(&s) {
                        *v = valid;
                    }
                });
                ctx.edited();
                ctx.command(Command::SetProducerRate { node, records_per_s: rate });
            }
            Err(why) => error.set(Some(why)),
        };
    let id = format!("{id_prefix}-{node}");
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone() title="Mean records per second the producer generates. Applies immediately.">
                "Rate (records/s)"
            </label>
            <div class="field-row">
                <input
                    type="range"
                    min="0"
                    max="5000"
                    step="50"
                    aria-label="Rate slider"
                    prop:value=move || value.get().to_string()
                    on:change:target=move |ev| commit(ev.target().value())
                />
                <input
                    id=id
                    type="number"
                    data-testid=format!("{id_prefix}-input-{node}")
                    prop:value=move || value.get().to_string()
                    on:change:target=move |ev| commit(ev.target().value())
                />
            </div>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </div>
    }
}

#[component]
fn HotShareControl(node: usize) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let share = move || {
        ctx.scenario.with_value(|v| match &v.scenario().nodes[node].spec {
            NodeSpec::Producer(p) => match p.keys {
                KeyDistribution::HotKey { hot_share, .. } => hot_share,
                _ => 0.0,
            },
            _ => 0.0,
        })
    };
    let value = RwSignal::new(share());
    let commit = move |text: String| {
        let Ok(pct) = text.parse::<f64>() else { return };
        let hot_share = (pct / 100.0).clamp(0.0, 1.0);
        value.set(hot_share);
        let mut s = ctx.scenario.with_value(|v| v.scenario().clone());
        if let NodeSpec::Producer(p) = &mut s.nodes[node].spec {
            let count = match p.keys {
                KeyDistribution::HotKey { count, .. }
                | KeyDistribution::Uniform { count }
                | KeyDistribution::Zipf { count, .. } => count,
                // The control only mixes synthetic keys; a hash-key list has none.
                KeyDistribution::ExplicitHashKey { .. } => 1000,
            };
            p.keys = if hot_share > 0.0 {
                KeyDistribution::HotKey { count, hot_share }
            } else {
                KeyDistribution::Uniform { count }
            };
        }
        ctx.restart_with(s, "Key mix changed");
    };
    view! {
        <div class="field">
            <label title="Share of records that carry one single partition key. All of them hash to the same shard, however many shards there are.">
                "Hot key share " <output>{move || format!("{:.0}%", value.get() * 100.0)}</output>
            </label>
            <input
                type="range"
                min="0"
                max="100"
                step="5"
                aria-label="Hot key share in percent"
                data-testid=format!("hot-share-{node}")
                prop:value=move || (value.get() * 100.0).round().to_string()
                on:change:target=move |ev| commit(ev.target().value())
            />
        </div>
    }
}

#[component]
fn ShardControl(node: usize) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let open = Memo::new(move |_| {
        ctx.snapshot.with(|s| match s.frame.figures(node) {
            Some(NodeFigures::Stream { shards, .. }) => shards.len() as u32,
            _ => 0,
        })
    });
    let update = move |target: u32| {
        ctx.command(Command::Reshard { node, op: StreamOp::UpdateShardCount { target } });
    };
    view! {
        <div class="field">
            <label title="UpdateShardCount, live: each shard adds 1 MiB/s or 1,000 records/s of writes and 2 MiB/s of reads, and costs $0.015 an hour. AWS allows at most doubling or halving per call and 10 calls per 24 hours. Reset returns to the scenario's count.">
                "Open shards"
            </label>
            <div class="stepper">
                <button
                    aria-label="Remove a shard (UpdateShardCount)"
                    data-testid=format!("shards-minus-{node}")
                    disabled=move || open.get() <= 1
                    on:click=move |_| update(open.get_untracked().saturating_sub(1).max(1))
                >
                    "−"
                </button>
                <span class="stepper-value" data-testid=format!("shards-{node}")>
                    {move || open.get()}
                </span>
                <button
                    aria-label="Add a shard (UpdateShardCount)"
                    data-testid=format!("shards-plus-{node}")
                    on:click=move |_| update(open.get_untracked() + 1)
                >
                    "+"
                </button>
            </div>
        </div>
    }
}

/// What happened in the run: resharding, and what AWS refused and why.
#[component]
fn EventLog() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let events = Memo::new(move |_| ctx.snapshot.with(|s| s.frame.journal.clone()));
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
