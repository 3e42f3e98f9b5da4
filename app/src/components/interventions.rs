//! Runtime interventions on the selected node: the changes an operator
//! makes to a live pipeline (a producer's rate, SplitShard, MergeShards,
//! UpdateShardCount, ...). Every one goes through `Simulation::apply`, so
//! sim-core enforces AWS's rules and the run's journal says what happened
//! or why it was refused.

use leptos::prelude::*;
use sim_core::Command;
use sim_core::scenario::{Capacity, NodeSpec, StreamOp};

use crate::format;
use crate::snapshot::{NodeFigures, ShardHeat};
use crate::state::SimCtx;

/// The interventions for whichever node is selected.
#[component]
pub fn Interventions() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    move || ctx.selected.get().map(|node| view! { <NodeInterventions node=node /> })
}

#[component]
fn NodeInterventions(node: usize) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let (spec, name) = ctx.scenario.with_value(|v| {
        let n = &v.scenario().nodes[node];
        (n.spec.clone(), n.label().to_string())
    });
    let body = match spec {
        NodeSpec::Producer(_) => view! { <super::controls::RateControl node=node id_prefix="intervene-rate" /> }.into_any(),
        NodeSpec::KinesisStream(s) if matches!(s.capacity, Capacity::OnDemand { .. }) => view! {
            <p class="field-note">
                "An on-demand stream manages its own shards: AWS splits a shard that stays above 500 KB/s. Resharding applies to provisioned streams."
            </p>
        }
        .into_any(),
        NodeSpec::KinesisStream(_) => view! {
            <SplitShard node=node />
            <MergeShards node=node />
            <ShardCount node=node />
        }
        .into_any(),
        NodeSpec::Consumer(_) => view! {
            <p class="field-note">"No runtime changes for a polling consumer yet."</p>
        }
        .into_any(),
    };
    view! {
        <section class="interventions" data-testid="interventions" aria-label="Change the selected node while it runs">
            <h2>"Intervene"</h2>
            <p class="interventions-node">{name}</p>
            {body}
        </section>
    }
}

/// The stream's open shards as the snapshot last saw them.
fn open_shards(ctx: SimCtx, node: usize) -> Memo<Vec<ShardHeat>> {
    Memo::new(move |_| {
        ctx.snapshot.with(|s| match s.nodes.get(node) {
            Some(NodeFigures::Stream { shards, .. }) => shards.clone(),
            _ => Vec::new(),
        })
    })
}

/// `<option>`s for the open shards, each with its load and health word.
fn shard_options(shards: &[ShardHeat]) -> impl IntoView + use<> {
    shards
        .iter()
        .map(|s| {
            let health = match s.health() {
                crate::snapshot::Health::Ok => "",
                crate::snapshot::Health::Hot => " ▲",
                crate::snapshot::Health::Failing => " ✖ throttling",
            };
            let text = format!("shard {} · writes {}{health}", s.id, format::percent(s.write));
            view! { <option value=s.id.to_string()>{text}</option> }
        })
        .collect_view()
}

/// A shard picker: the chosen shard, or the busiest while none is chosen
/// (or the chosen one has closed).
fn chosen_shard(
    shards: Memo<Vec<ShardHeat>>,
    choice: RwSignal<Option<usize>>,
) -> Memo<Option<usize>> {
    Memo::new(move |_| {
        shards.with(|open| {
            choice
                .get()
                .filter(|c| open.iter().any(|s| s.id == *c))
                .or_else(|| open.iter().max_by(|a, b| a.write.total_cmp(&b.write)).map(|s| s.id))
        })
    })
}

#[component]
fn SplitShard(node: usize) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let shards = open_shards(ctx, node);
    let choice = RwSignal::new(None::<usize>);
    let shard = chosen_shard(shards, choice);
    let split = move |_| {
        if let Some(shard) = shard.get_untracked() {
            choice.set(None);
            ctx.command(Command::Reshard {
                node,
                op: StreamOp::SplitShard { shard, new_starting_hash_key: None },
            });
        }
    };
    view! {
        <div class="field">
            <label
                for=format!("split-{node}")
                title="SplitShard: the shard closes and two children share its hash-key range (split in the middle), each with its own 1 MiB/s and 1,000 records/s. A single hot key stays on one child."
            >
                "Split a shard"
            </label>
            <div class="field-row">
                <select
                    id=format!("split-{node}")
                    data-testid="split-shard-select"
                    prop:value=move || shard.get().map(|s| s.to_string()).unwrap_or_default()
                    on:change:target=move |ev| choice.set(ev.target().value().parse().ok())
                >
                    {move || shards.with(|s| shard_options(s))}
                </select>
                <button class="action-button" data-testid="split-shard" on:click=split>
                    "Split"
                </button>
            </div>
        </div>
    }
}

#[component]
fn MergeShards(node: usize) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let shards = open_shards(ctx, node);
    let (first, second) = (RwSignal::new(None::<usize>), RwSignal::new(None::<usize>));
    let pick = move |choice: RwSignal<Option<usize>>, nth: usize| {
        Memo::new(move |_| {
            shards.with(|open| {
                choice
                    .get()
                    .filter(|c| open.iter().any(|s| s.id == *c))
                    .or_else(|| open.get(nth).map(|s| s.id))
            })
        })
    };
    let (a, b) = (pick(first, 0), pick(second, 1));
    let merge = move |_| {
        if let (Some(shard), Some(adjacent_shard)) = (a.get_untracked(), b.get_untracked()) {
            ctx.command(Command::Reshard {
                node,
                op: StreamOp::MergeShards { shard, adjacent_shard },
            });
        }
    };
    let select = move |choice: RwSignal<Option<usize>>,
                       value: Memo<Option<usize>>,
                       testid: &'static str,
                       label: &'static str| {
        view! {
            <select
                data-testid=testid
                aria-label=label
                prop:value=move || value.get().map(|s| s.to_string()).unwrap_or_default()
                on:change:target=move |ev| choice.set(ev.target().value().parse().ok())
            >
                {move || shards.with(|s| shard_options(s))}
            </select>
        }
    };
    view! {
        <div class="field">
            <label title="MergeShards: two shards whose hash-key ranges touch become one child with the union of both ranges. AWS refuses shards that are not adjacent; the Events list says why.">
                "Merge two adjacent shards"
            </label>
            <div class="field-row merge-row">
                {select(first, a, "merge-shard-a", "First shard to merge")}
                <span aria-hidden="true">"+"</span>
                {select(second, b, "merge-shard-b", "Adjacent shard to merge")}
                <button
                    class="action-button"
                    data-testid="merge-shards"
                    disabled=move || shards.with(|s| s.len() < 2)
                    on:click=merge
                >
                    "Merge"
                </button>
            </div>
        </div>
    }
}

#[component]
fn ShardCount(node: usize) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let shards = open_shards(ctx, node);
    let target = RwSignal::new(String::new());
    let apply = move || match target.get_untracked().trim().parse::<u32>() {
        Ok(target) => {
            ctx.command(Command::Reshard { node, op: StreamOp::UpdateShardCount { target } })
        }
        Err(_) => ctx.tell("Type a whole number of shards for UpdateShardCount.", true),
    };
    view! {
        <form
            class="field"
            on:submit=move |ev| {
                ev.prevent_default();
                apply();
            }
        >
            <label
                for=format!("shard-count-{node}")
                title="UpdateShardCount with uniform scaling: at most double or half the open shards per call, 10 calls per rolling 24 hours."
            >
                "Shard count " <output>{move || format!("({} open)", shards.with(Vec::len))}</output>
            </label>
            <div class="field-row">
                <input
                    id=format!("shard-count-{node}")
                    type="number"
                    min="1"
                    data-testid="shard-count-input"
                    placeholder=move || shards.with(Vec::len).to_string()
                    prop:value=move || target.get()
                    on:input:target=move |ev| target.set(ev.target().value())
                />
                <button class="action-button" type="submit" data-testid="update-shard-count">
                    "Update"
                </button>
            </div>
        </form>
    }
}
