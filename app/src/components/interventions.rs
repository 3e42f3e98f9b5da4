//! Runtime interventions on the selected node: the changes an operator
//! makes to a live pipeline that are not one of its parameters (those are
//! the inspector's, such as a producer's rate and a stream's shard count):
//! SplitShard, MergeShards, a traffic spike, a crashed or restarted KCL
//! worker, a destination outage, a Lambda function's or transform's error
//! rate, an MSK broker failure, added partitions or brokers, a crashed MSK
//! consumer. Every one goes through `Simulation::apply`, so
//! sim-core enforces AWS's rules and the run's journal says what happened
//! or why it was refused.

use leptos::prelude::*;
use sim_core::NodeIndex;
use sim_core::scenario::{Capacity, Fault, NodeSpec, StreamOp};
use sim_core::{Command, NodeKind, param_range};

use crate::format;
use crate::state::SimCtx;
use sim_core::view::{Health, NodeFigures, ShardHeat};

/// The interventions for the node the user selected (none until one is:
/// the first screen is not an expert's form).
#[component]
pub fn Interventions() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let editor = expect_context::<crate::editor::Editor>();
    let node = Memo::new(move |_| {
        ctx.structure.track();
        ctx.generation.track();
        let id = editor.selection.with(|s| (s.len() == 1).then(|| s.first().cloned()).flatten())?;
        // A node the run does not have (a draft, mid-change) has no panel.
        ctx.scenario.with_value(|v| crate::editor::doc::index_of(v.scenario(), &id))
    });
    move || node.get().map(|node| view! { <NodeInterventions node=NodeIndex::new(node) /> })
}

#[component]
fn NodeInterventions(node: NodeIndex) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let (spec, name) = ctx.scenario.with_value(|v| {
        let n = v.scenario().node(node);
        (n.spec.clone(), n.label().to_string())
    });
    let body = match spec {
        // The rate is the inspector's (one control per concept); a spike is an event.
        NodeSpec::Producer(_) => view! { <TrafficSpike node=node /> }.into_any(),
        NodeSpec::KinesisStream(s) if matches!(s.capacity, Capacity::OnDemand { .. }) => view! {
            <p class="field-note">
                "An on-demand stream manages its own shards: AWS splits a shard that stays above 500 KB/s. Resharding applies to provisioned streams."
            </p>
        }
        .into_any(),
        NodeSpec::KinesisStream(_) => view! {
            <SplitShard node=node />
            <MergeShards node=node />
            <p class="field-note">
                "To change the number of shards evenly (UpdateShardCount), use Shards in the inspector above."
            </p>
        }
        .into_any(),
        NodeSpec::KclApp(k) => view! { <KclWorkers node=node workers=k.workers /> }.into_any(),
        NodeSpec::Destination(_) => view! { <DestinationOutage node=node /> }.into_any(),
        NodeSpec::SnsTopic(_) => view! { <EndpointsOutage node=node /> }.into_any(),
        NodeSpec::Firehose(f) if f.transform.is_some() => {
            view! {
                <ErrorRate
                    node=node
                    kind=NodeKind::Firehose
                    param="transform.error_rate"
                    label="Lambda transform errors"
                    tip="The share of Lambda transformation invocations that fail. Failed records are retried, then backed up or lost (ProcessingFailed)."
                    fault=|error_rate| Fault::SetErrorRate { error_rate }
                />
            }
            .into_any()
        }
        NodeSpec::Firehose(_) => view! {
            <p class="field-note">
                "This delivery stream has no Lambda transformation, so there is no error rate to change. Take its destination down to see retries, backup and loss."
            </p>
        }
        .into_any(),
        NodeSpec::Lambda(_) => view! {
            <ErrorRate
                node=node
                kind=NodeKind::Lambda
                param="error_rate"
                label="Function errors"
                tip="The share of invocations that fail with a transient error: a stream source retries the batch, a queue redrives the messages after the visibility timeout and, past maxReceiveCount, to the dead-letter queue."
                fault=|error_rate| Fault::SetFunctionErrorRate { error_rate }
            />
        }
        .into_any(),
        NodeSpec::MskCluster(m) => view! {
            <MskInterventions node=node serverless=m.is_serverless() consumers=m.consumer_group.consumers />
        }
        .into_any(),
        NodeSpec::Consumer(_)
        | NodeSpec::SqsQueue(_)
        | NodeSpec::WorkerPool(_)
        | NodeSpec::FlinkApp(_) => view! {
            <p class="field-note">
                "No runtime change for this kind yet: change what feeds it, or edit its parameters in the inspector (the run restarts)."
            </p>
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
fn open_shards(ctx: SimCtx, node: NodeIndex) -> Memo<Vec<ShardHeat>> {
    Memo::new(move |_| {
        ctx.live.snapshot.with(|s| match s.frame.figures(node) {
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
                Health::Ok => "",
                Health::Hot => " · near limit",
                Health::Failing => " · throttling",
            };
            let text = format!("shard {} · {}{health}", s.id, format::percent(s.write));
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
fn SplitShard(node: NodeIndex) -> impl IntoView {
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
fn MergeShards(node: NodeIndex) -> impl IntoView {
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

/// A number typed into an intervention's field, checked against the range
/// sim-core allows for `param` (so the message names the range).
fn read_param(kind: NodeKind, param: &str, text: &str) -> Result<f64, String> {
    let value: f64 = text.trim().parse().map_err(|_| format!("{text:?} is not a number"))?;
    match param_range(kind, param) {
        Some(r) if !(value.is_finite() && (r.min..=r.max).contains(&value)) => Err(format!(
            "{} must be {} to {} {}",
            param,
            sim_core::units::format_number(r.min),
            sim_core::units::format_number(r.max),
            r.unit
        )),
        _ => Ok(value),
    }
}

/// Applies a fault to `node`, or says why the input was refused.
fn inject(ctx: SimCtx, node: NodeIndex, fault: Result<Fault, String>) {
    match fault {
        Ok(fault) => ctx.command(Command::Fault { node, fault }),
        Err(why) => ctx.tell(format!("Not applied: {why}"), true),
    }
}

/// Whole seconds typed into a duration field (at least one).
fn read_seconds(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(s) if s > 0 => Ok(s),
        _ => Err(format!("{text:?} is not a whole number of seconds above zero")),
    }
}

#[component]
fn TrafficSpike(node: NodeIndex) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let (factor, seconds) = (RwSignal::new("3".to_string()), RwSignal::new("60".to_string()));
    let spike = move || {
        let fault = read_param(NodeKind::Producer, "traffic.multiplier", &factor.get_untracked())
            .and_then(|multiplier| {
                let for_s = read_seconds(&seconds.get_untracked())?;
                Ok(Fault::TrafficSpike { multiplier, for_s })
            });
        inject(ctx, node, fault);
    };
    view! {
        <form class="field" on:submit=move |ev| { ev.prevent_default(); spike(); }>
            <label title="The producer's rate is multiplied for a while, then returns: watch shards throttle and the producer retry.">
                "Traffic spike"
            </label>
            <div class="field-row">
                <span>"×"</span>
                <NumberInput
                    value=factor
                    label="Rate multiplier"
                    testid="spike-multiplier"
                    fractional=true
                />
                <span>"for"</span>
                <NumberInput
                    value=seconds
                    label="Spike length in seconds"
                    testid="spike-seconds"
                    min="1"
                />
                <span>"s"</span>
                <button class="action-button" type="submit" data-testid="traffic-spike">
                    "Spike"
                </button>
            </div>
        </form>
    }
}

#[component]
fn KclWorkers(node: NodeIndex, workers: u32) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let worker = RwSignal::new(0u32);
    let live = Memo::new(move |_| {
        ctx.live.snapshot.with(|s| match s.frame.figures(node) {
            Some(NodeFigures::Kcl { live_workers, .. }) => *live_workers,
            _ => 0.0,
        })
    });
    let options = (0..workers)
        .map(|w| view! { <option value=w.to_string()>{format!("worker {w}")}</option> })
        .collect_view();
    let act = move |crash: bool| {
        let worker = worker.get_untracked();
        let fault =
            if crash { Fault::CrashWorker { worker } } else { Fault::RestartWorker { worker } };
        inject(ctx, node, Ok(fault));
    };
    view! {
        <div class="field">
            <label
                for=format!("kcl-worker-{node}")
                title="A crashed worker stops renewing its leases; after the failover time other workers take its shards and re-process records since the last checkpoint (duplicates). A restarted worker steals leases back."
            >
                "Workers " <output>{move || format!("({} of {workers} live)", format::count(live.get()))}</output>
            </label>
            <div class="field-row">
                <select
                    id=format!("kcl-worker-{node}")
                    data-testid="kcl-worker"
                    prop:value=move || worker.get().to_string()
                    on:change:target=move |ev| worker.set(ev.target().value().parse().unwrap_or(0))
                >
                    {options}
                </select>
                <button class="action-button" data-testid="crash-worker" on:click=move |_| act(true)>
                    "Crash"
                </button>
                <button class="action-button secondary" data-testid="restart-worker" on:click=move |_| act(false)>
                    "Restart"
                </button>
            </div>
        </div>
    }
}

/// A node failing for a while, then coming back by itself: what its form
/// says and the fault it sends.
struct Outage {
    /// What the outage does, for the tooltip.
    title: &'static str,
    /// The form's label, before the state.
    label: &'static str,
    /// The length offered first, in seconds.
    default_s: &'static str,
    /// Test ids of the state, the length and the button.
    ids: [&'static str; 3],
    /// The button's text.
    button: &'static str,
    /// The fault for a length in seconds.
    fault: fn(u64) -> Fault,
}

/// The form of an [`Outage`]: its state, a length and the button.
#[component]
fn OutageForm(node: NodeIndex, outage: Outage, state: Signal<String>) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let seconds = RwSignal::new(outage.default_s.to_string());
    let fault = outage.fault;
    let take_down = move || inject(ctx, node, read_seconds(&seconds.get_untracked()).map(fault));
    let [state_id, seconds_id, button_id] = outage.ids;
    view! {
        <form class="field" on:submit=move |ev| { ev.prevent_default(); take_down(); }>
            <label title=outage.title>
                {outage.label} <output data-testid=state_id>{move || state.get()}</output>
            </label>
            <div class="field-row">
                <span>"Down for"</span>
                <NumberInput
                    value=seconds
                    label="Outage length in seconds"
                    testid=seconds_id
                    min="1"
                />
                <span>"s"</span>
                <button class="action-button" type="submit" data-testid=button_id>
                    {outage.button}
                </button>
            </div>
        </form>
    }
}

#[component]
fn DestinationOutage(node: NodeIndex) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let down = Memo::new(move |_| {
        ctx.live.snapshot.with(|s| {
            matches!(s.frame.figures(node), Some(NodeFigures::Destination { down: true, .. }))
        })
    });
    let outage = Outage {
        title: "Deliveries fail until it comes back up by itself: Firehose retries for its retry duration, then backs up to S3 or loses the data.",
        label: "Outage ",
        default_s: "300",
        ids: ["destination-state", "outage-seconds", "destination-down"],
        button: "Take down",
        fault: |for_s| Fault::DestinationDown { for_s },
    };
    let state =
        Signal::derive(move || if down.get() { "(✖ down now)" } else { "(● up)" }.to_string());
    view! { <OutageForm node outage state /> }
}

/// An SNS topic's subscription endpoints failing for a while: deliveries
/// are retried by the delivery policy (aws-facts-more 5.3).
#[component]
fn EndpointsOutage(node: NodeIndex) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let retrying = Memo::new(move |_| {
        ctx.live.snapshot.with(|s| match s.frame.figures(node) {
            Some(NodeFigures::Topic { retrying, .. }) => *retrying,
            _ => 0.0,
        })
    });
    let outage = Outage {
        title: "Every subscription's endpoint refuses deliveries (server-side errors) until it comes back by itself: SNS retries by the endpoint's delivery policy (SQS, Lambda, Firehose: 100,015 retries over 23 days), then moves what is left to the subscription's dead-letter queue or discards it.",
        label: "Endpoint outage ",
        default_s: "60",
        ids: ["endpoints-state", "endpoints-outage-seconds", "endpoints-down"],
        button: "Fail endpoints",
        fault: |for_s| Fault::EndpointsDown { for_s },
    };
    let state = Signal::derive(move || {
        let n = retrying.get();
        if n > 0.0 {
            format!("(▲ {} retrying)", crate::format::count(n))
        } else {
            "(● delivering)".to_string()
        }
    });
    view! { <OutageForm node outage state /> }
}

/// An error-rate field for a Lambda function or a delivery stream's Lambda
/// transformation: `param` is its name in `param_range`, `fault` makes the
/// command from a probability.
#[component]
fn ErrorRate(
    node: NodeIndex,
    kind: NodeKind,
    param: &'static str,
    label: &'static str,
    tip: &'static str,
    fault: fn(f64) -> Fault,
) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let percent = RwSignal::new("20".to_string());
    let apply = move || {
        let text = percent.get_untracked();
        let rate = text
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("{text:?} is not a number"))
            .and_then(|p| read_param(kind, param, &(p / 100.0).to_string()))
            .map(fault);
        inject(ctx, node, rate);
    };
    view! {
        <form class="field" on:submit=move |ev| { ev.prevent_default(); apply(); }>
            <label title=tip>{label}</label>
            <div class="field-row">
                <NumberInput
                    value=percent
                    label="Error rate in percent"
                    testid="error-rate"
                    max="100"
                    fractional=true
                />
                <span>"%"</span>
                <button class="action-button" type="submit" data-testid="set-error-rate">
                    "Set"
                </button>
            </div>
        </form>
    }
}

/// An MSK cluster's figures as the snapshot last saw them: (brokers,
/// brokers down, offline, under-replicated, idle brokers, partitions, keys
/// moved, dead consumers, duplicates).
fn msk_figures(ctx: SimCtx, node: NodeIndex) -> Memo<[f64; 9]> {
    Memo::new(move |_| {
        ctx.live.snapshot.with(|s| match s.frame.figures(node) {
            Some(NodeFigures::Msk {
                brokers,
                brokers_down,
                offline_partitions,
                under_replicated,
                idle_brokers,
                partitions,
                keys_moved,
                dead_consumers,
                duplicates_total,
                ..
            }) => [
                *brokers,
                *brokers_down,
                *offline_partitions,
                *under_replicated,
                *idle_brokers,
                *partitions,
                *keys_moved,
                *dead_consumers,
                *duplicates_total,
            ],
            _ => [0.0; 9],
        })
    })
}

/// A whole number typed into a count field.
fn read_count(text: &str, what: &str) -> Result<u32, String> {
    text.trim().parse::<u32>().map_err(|_| format!("{text:?} is not a whole number of {what}"))
}

/// An MSK cluster's interventions (aws-facts-more 1.4, 1.5): a broker
/// failure and added brokers (provisioned only), added partitions, a
/// crashed consumer.
#[component]
fn MskInterventions(node: NodeIndex, serverless: bool, consumers: u32) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let figures = msk_figures(ctx, node);
    let brokers_part = (!serverless).then(|| {
        view! {
            <MskBrokerFailure node figures />
            <MskGrow node grow=Grow::Brokers figures />
        }
    });
    let note = serverless.then(|| {
        view! {
            <p class="field-note">
                "MSK Serverless: its brokers are AWS's, so there is none to fail or add."
            </p>
        }
    });
    view! {
        {note}
        {brokers_part}
        <MskGrow node grow=Grow::Partitions figures />
        <MskCrashConsumer node consumers figures />
    }
}

#[component]
fn MskBrokerFailure(node: NodeIndex, figures: Memo<[f64; 9]>) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let broker = RwSignal::new("0".to_string());
    let seconds = RwSignal::new("60".to_string());
    let fail = move || {
        let fault = read_count(&broker.get_untracked(), "brokers").and_then(|broker| {
            let for_s = read_seconds(&seconds.get_untracked())?;
            Ok(Fault::BrokerFailure { broker, for_s })
        });
        inject(ctx, node, fault);
    };
    let state = move || {
        let [_, down, offline, under, ..] = figures.get();
        if down > 0.0 {
            format!(
                "(✖ {} down · {} offline · {} under-replicated)",
                format::count(down),
                format::count(offline),
                format::count(under)
            )
        } else {
            "(● all up)".to_string()
        }
    };
    view! {
        <form class="field" on:submit=move |ev| { ev.prevent_default(); fail(); }>
            <label title="The broker goes down for a while. The partitions it led elect a follower after an election pause (leader_election_s, an assumption); with replication factor 1 its partitions are offline: producers wait and lose what delivery.timeout.ms expires. The survivors carry its share of the work.">
                "Broker failure " <output data-testid="msk-broker-state">{state}</output>
            </label>
            <div class="field-row">
                <span>"Broker"</span>
                <NumberInput
                    value=broker
                    label="Broker to fail, from 0"
                    testid="msk-broker"
                />
                <span>"for"</span>
                <NumberInput
                    value=seconds
                    label="Outage length in seconds"
                    testid="msk-broker-seconds"
                    min="1"
                />
                <span>"s"</span>
                <button class="action-button" type="submit" data-testid="msk-fail-broker">
                    "Fail"
                </button>
            </div>
        </form>
    }
}

/// What an MSK cluster can be grown by: Kafka only ever adds.
#[derive(Clone, Copy)]
enum Grow {
    Brokers,
    Partitions,
}

impl Grow {
    /// Its word, as the form and its test ids say it.
    fn word(self) -> &'static str {
        match self {
            Grow::Brokers => "brokers",
            Grow::Partitions => "partitions",
        }
    }

    fn fault(self, count: u32) -> Fault {
        match self {
            Grow::Brokers => Fault::AddBrokers { brokers: count },
            Grow::Partitions => Fault::AddPartitions { partitions: count },
        }
    }

    /// Where its count stands among the cluster's figures.
    fn index(self) -> usize {
        match self {
            Grow::Brokers => 0,
            Grow::Partitions => 5,
        }
    }

    /// The label's hover help: what growing does.
    fn help(self) -> &'static str {
        match self {
            Grow::Brokers => {
                "The cluster's new broker count, a multiple of its Availability Zones. Kafka moves no partition to a new broker by itself: the new brokers idle until partitions are added (or reassigned with kafka-reassign-partitions.sh). Billed from now on."
            }
            Grow::Partitions => {
                "The topic's new partition count: Kafka only adds partitions. A key goes to murmur2(key) mod the new count, so some keys move to another partition and their records before and after may be read out of order. The consumer group rebalances."
            }
        }
    }

    /// The state beside the label: the count and what followed from it.
    fn state(self, f: [f64; 9]) -> String {
        match self {
            Grow::Brokers => format!("({} · {} idle)", format::count(f[0]), format::count(f[4])),
            Grow::Partitions if f[6] > 0.0 => {
                format!("({} · {} keys moved)", format::count(f[5]), format::count(f[6]))
            }
            Grow::Partitions => format!("({})", format::count(f[5])),
        }
    }
}

/// A form that grows an MSK cluster to a new broker or partition count.
#[component]
fn MskGrow(node: NodeIndex, grow: Grow, figures: Memo<[f64; 9]>) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let target = RwSignal::new(String::new());
    let word = grow.word();
    let add = move || {
        let fault = read_count(&target.get_untracked(), word).map(|n| grow.fault(n));
        inject(ctx, node, fault);
    };
    let title = format!("{}{}", word[..1].to_uppercase(), &word[1..]);
    view! {
        <form class="field" on:submit=move |ev| { ev.prevent_default(); add(); }>
            <label title=grow.help()>
                {title} " " <output data-testid=format!("msk-{word}-state")>{move || grow.state(figures.get())}</output>
            </label>
            <div class="field-row">
                <NumberInput
                    value=target
                    label=format!("New {} count", word.trim_end_matches('s'))
                    testid=format!("msk-{word}-input")
                    min="1"
                    placeholder=Signal::derive(move || format::count(figures.get()[grow.index()]))
                />
                <button class="action-button" type="submit" data-testid=format!("msk-add-{word}")>
                    {format!("Add {word}")}
                </button>
            </div>
        </form>
    }
}

#[component]
fn MskCrashConsumer(node: NodeIndex, consumers: u32, figures: Memo<[f64; 9]>) -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let consumer = RwSignal::new(0u32);
    let options = (0..consumers)
        .map(|c| view! { <option value=c.to_string()>{format!("consumer {c}")}</option> })
        .collect_view();
    let crash = move |_| {
        inject(ctx, node, Ok(Fault::CrashConsumer { consumer: consumer.get_untracked() }));
    };
    let state = move || {
        let [.., dead, duplicates] = figures.get();
        let live = f64::from(consumers) - dead;
        let mut text = format!("({} of {consumers} live", format::count(live));
        if duplicates > 0.0 {
            text.push_str(&format!(" · {} duplicates", format::count(duplicates)));
        }
        text.push(')');
        text
    };
    view! {
        <div class="field">
            <label
                for=format!("msk-consumer-{node}")
                title="A consumer of the group dies. Its partitions go unread until its session times out (session.timeout.ms); then the group rebalances and the others re-process the records it read since its last commit (auto.commit.interval.ms): duplicates."
            >
                "Consumers " <output data-testid="msk-consumers-state">{state}</output>
            </label>
            <div class="field-row">
                <select
                    id=format!("msk-consumer-{node}")
                    data-testid="msk-consumer"
                    disabled={consumers == 0}
                    prop:value=move || consumer.get().to_string()
                    on:change:target=move |ev| consumer.set(ev.target().value().parse().unwrap_or(0))
                >
                    {options}
                </select>
                <button
                    class="action-button"
                    data-testid="msk-crash-consumer"
                    disabled={consumers == 0}
                    on:click=crash
                >
                    "Crash"
                </button>
            </div>
        </div>
    }
}

/// A number field bound to `value`, the text as typed: the form that holds
/// it reads and checks it on submit, and says what is wrong in words. A
/// phone shows the keypad for whole numbers or decimals.
#[component]
fn NumberInput(
    value: RwSignal<String>,
    /// Its accessible name.
    #[prop(into)]
    label: String,
    #[prop(into)] testid: String,
    #[prop(default = "0")] min: &'static str,
    #[prop(optional)] max: Option<&'static str>,
    /// Whether it takes fractions (a multiplier, a percentage).
    #[prop(optional)]
    fractional: bool,
    /// What shows while it is empty.
    #[prop(optional)]
    placeholder: Option<Signal<String>>,
) -> impl IntoView {
    view! {
        <input
            type="number"
            min=min
            max=max
            step=fractional.then_some("any")
            inputmode=if fractional { "decimal" } else { "numeric" }
            aria-label=label
            data-testid=testid
            placeholder=move || placeholder.map(|p| p.get())
            prop:value=move || value.get()
            on:input:target=move |ev| value.set(ev.target().value())
        />
    }
}
