//! The discrete-event engine: one [`Simulation`] owns all runtime state and
//! advances by API calls (a PutRecords batch, a GetRecords call, the end of
//! a processing batch), never record by record.
//!
//! Ordering guarantee: events run in order of (time, class, sequence).
//! Within a millisecond the once-a-second bookkeeping tick runs first (so an
//! event at time `t` always counts towards the second `floor(t / 1000)`),
//! then every producer's writes, then everything else, first scheduled,
//! first run. The writes due in one millisecond run as one round: each
//! shard's capacity is shared among them in proportion to their records
//! (`writes.rs`), so which of them was scheduled first decides nothing, and
//! a read in that millisecond sees all of them.

mod deliver;
mod memory;
mod queue;

use std::collections::VecDeque;

pub use crate::kinds::stream::operations::{JOURNAL_LEN, JournalEntry};
pub(crate) use crate::kinds::stream::writes::same_group;
pub use memory::MemoryPart;
pub(crate) use memory::{event_queue_bound, fixed_bytes, redelivery_bytes, retry_bytes};

use crate::cost::CostMeter;
use crate::kinds::consumer::{Output, ReaderMetrics};
use crate::kinds::lambda::engine as lambda;
use crate::kinds::queue::GroupRoute;
use crate::kinds::queue::engine::{self as queues, QueueRetry};
use crate::kinds::sns::Endpoint;
use crate::kinds::stream::{operations, writes};
use crate::kinds::{
    Consumer, Destination, Firehose, Function, KclApp, Producer, Queue, Shard, Stream, Target,
    WorkerPool,
};
use crate::ledger::Ledger;
use crate::metrics::{self, NodeMetrics};
use crate::rng::NodeRng;
use crate::routing::KeyRings;
use crate::scenario::{
    Fault, Forward, NodeIndex, NodeKind, NodeSpec, PerNode, Scenario, StreamOp, Subscriber,
    with_kind,
};
use crate::time::{SECOND, SimTime};
use crate::validate::ValidScenario;
use queue::EventQueue;

/// A change applied to a running simulation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Command {
    /// Sets a producer's mean rate.
    SetProducerRate {
        /// Node index of the producer.
        node: NodeIndex,
        /// New mean rate in records per second.
        records_per_s: f64,
    },
    /// Reshards a provisioned stream (aws-facts 1.6).
    Reshard {
        /// Node index of the stream.
        node: NodeIndex,
        /// The operation.
        op: StreamOp,
    },
    /// Injects a fault: a destination down, an error rate, a worker
    /// crash, a traffic spike.
    Fault {
        /// Node index of the node it applies to.
        node: NodeIndex,
        /// The fault.
        fault: Fault,
    },
    /// UpdateApplication with a new parallelism for a Flink application
    /// (aws-facts-more 4.1, 4.2: it restarts, down meanwhile).
    SetFlinkParallelism {
        /// Node index of the application.
        node: NodeIndex,
        /// The new parallelism (the floor autoscaling keeps).
        parallelism: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// What an event does. Kept to 16 bytes (u32 indices, the one large
/// payload boxed): the queue moves events around. Queue events
/// (`kinds/queue/engine.rs`): a queue-bound producer's SendMessageBatch batch and
/// its retry, a queue's wake-up when delays or visibility timeouts end, a
/// worker's receive and end of processing, and the end of a long poll's
/// `WaitTimeSeconds` (`token` tells a stale one).
pub(crate) enum Action {
    SecondTick,
    ProducerBatch {
        group: u32,
    },
    ProducerRetry {
        group: u32,
        attempts: u32,
    },
    Poll(ReaderId),
    Push(ReaderId),
    Processed(ReaderId),
    Scheduled {
        index: u32,
    },
    /// A scheduled operation given `at_ms`: after everything else due in
    /// its millisecond (class `LAST`), where a live change made while the
    /// run was paused there took effect.
    ScheduledLast {
        index: u32,
    },
    FirehoseTimer {
        slot: u32,
        generation: u32,
    },
    DeliveryDone {
        slot: u32,
    },
    DeliveryRetry {
        slot: u32,
    },
    TransformTimer {
        slot: u32,
        generation: u32,
    },
    TransformDone {
        slot: u32,
        id: u32,
    },
    LeaseTakeover {
        slot: u32,
        worker: u32,
    },
    LeaseBalance {
        slot: u32,
    },
    SpikeEnd {
        slot: u32,
        spike: u32,
    },
    ProducerSend {
        slot: u32,
    },
    QueueSendRetry {
        slot: u32,
        batch: Box<QueueRetry>,
    },
    QueueWake {
        queue: u32,
    },
    WorkerReceive {
        pool: u32,
        worker: u32,
    },
    WorkerDone {
        pool: u32,
        worker: u32,
    },
    PollTimeout {
        node: u32,
        poller: u32,
        token: u32,
    },
    EsmReceive {
        func: u32,
        poller: u32,
    },
    EsmWindowEnd {
        func: u32,
        poller: u32,
        token: u32,
    },
    InvocationDone {
        func: u32,
        poller: u32,
    },
    /// An asynchronous invocation's end: how long its event waited since it
    /// was queued (`ASYNC_FAILED` for a failure) and since it was born
    /// before that, in ms (`kinds/lambda/engine.rs`).
    AsyncDone {
        func: u32,
        queued: u32,
        upstream: u32,
    },
    KafkaPoll {
        func: u32,
        partition: u32,
    },
    KafkaDone {
        func: u32,
        partition: u32,
    },
    Redeliver {
        to: u32,
        retry: Box<deliver::Redelivery>,
    },
}

/// Where an event's class sits in its order: the top two bits.
const CLASS_SHIFT: u32 = 62;

impl Action {
    /// The bookkeeping tick.
    const TICK: u64 = 0;
    /// Producers' writes and sends.
    const WRITES: u64 = 1;
    /// Everything else.
    const OTHER: u64 = 2;
    /// Operations scheduled `at_ms`: after all the others due then.
    const LAST: u64 = 3;

    /// Which part of a millisecond the event belongs to.
    fn class(&self) -> u64 {
        match self {
            Action::SecondTick => Action::TICK,
            Action::ProducerBatch { .. }
            | Action::ProducerRetry { .. }
            | Action::ProducerSend { .. }
            | Action::QueueSendRetry { .. } => Action::WRITES,
            Action::ScheduledLast { .. } => Action::LAST,
            _ => Action::OTHER,
        }
    }
}

/// One consumer's reader of one shard: (consumer slot, shard index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReaderId {
    slot: u32,
    shard: u32,
}

impl ReaderId {
    pub(crate) fn new(slot: usize, shard: usize) -> Self {
        ReaderId { slot: slot as u32, shard: shard as u32 }
    }
}

/// A consumer's output when it is wired on to another node.
fn forward_to(target: Option<NodeIndex>, forward: Forward) -> Option<Output> {
    target.map(|node| Output { node, ratio: forward.ratio, size_ratio: forward.size_ratio })
}

/// Where a node's state lives: its kind and its index among nodes of that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeSlot {
    /// The node's kind.
    pub kind: NodeKind,
    /// Index into the per-kind state vector.
    pub slot: usize,
}

/// What the engine's shared paths ask of every kind: whether it takes a
/// batch handed on to it, where a producer wired to it writes, whether a
/// waiting receiver of its gets messages, and what latency it measures.
/// Each kind answers in its `engine.rs`; the engine dispatches with
/// `with_kind!` (`kinds/registry.rs`), which compiles to the `match` it
/// replaces. A kind's state and its events stay the engine's own
/// (`Simulation`'s fields, [`Action`]).
pub(crate) trait EngineKind {
    /// A batch node `from` hands on to the node at `slot`: the records it
    /// accepts. Validation wires hand-offs to streams, delivery streams,
    /// queues and topics only; the others take nothing.
    fn accept(
        sim: &mut Simulation,
        slot: usize,
        from: NodeIndex,
        batch: crate::kinds::Batch,
    ) -> u64;
    /// Offers waiting receiver `receiver` of the node at `slot` the
    /// messages of the queue it reads: whether it received.
    fn offered(sim: &mut Simulation, slot: usize, receiver: usize) -> bool;
    /// Where a producer wired to the node at `slot` writes; `None` for the
    /// kinds validation does not let a producer write to.
    fn producer_target(slot: usize) -> Option<Target>;
    /// The latency distributions node `node` (at `slot`) measures.
    fn latency(sim: &Simulation, node: NodeIndex, slot: usize) -> Option<&metrics::Latencies>;
}

/// A running simulation of one validated scenario.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub(crate) scenario: Scenario,
    pub(crate) seed: u64,
    pub(crate) now: SimTime,
    pub(crate) seq: u64,
    /// Events by (time, order): the once-a-second tick first within a
    /// millisecond (class bit 0), then first scheduled, first run.
    pub(crate) queue: EventQueue<Action>,
    pub(crate) slots: PerNode<NodeSlot>,
    pub(crate) producers: Vec<Producer>,
    pub(crate) streams: Vec<Stream>,
    pub(crate) consumers: Vec<Consumer>,
    pub(crate) firehoses: Vec<Firehose>,
    pub(crate) destinations: Vec<Destination>,
    pub(crate) kcls: Vec<KclApp>,
    /// Node index of each slot, per kind.
    pub(crate) producer_nodes: Vec<NodeIndex>,
    pub(crate) stream_nodes: Vec<NodeIndex>,
    pub(crate) consumer_nodes: Vec<NodeIndex>,
    pub(crate) firehose_nodes: Vec<NodeIndex>,
    pub(crate) destination_nodes: Vec<NodeIndex>,
    pub(crate) kcl_nodes: Vec<NodeIndex>,
    pub(crate) rngs: PerNode<NodeRng>,
    pub(crate) metrics: PerNode<NodeMetrics>,
    pub(crate) cost: CostMeter,
    pub(crate) groups: Vec<writes::ProducerGroup>,
    pub(crate) journal: VecDeque<operations::JournalEntry>,
    pub(crate) scratch: Vec<u64>,
    /// The writes of the current millisecond's round (kept for its capacity).
    pub(crate) round: Vec<Action>,
    /// Lists a contended round of writes reuses.
    pub(crate) round_lists: writes::RoundLists,
    /// Splits a queue or topic producer's refused calls over their retry
    /// times (a stream producer's group has its own).
    pub(crate) retry_spread: crate::kinds::producer::retry::RetrySpread,
    /// Records handed from one node to another (see `deliver.rs`): new
    /// records for the ledger at the receiving stage.
    pub(crate) handed_off: u64,
    /// Of those, records the receiving node refused at the last attempt.
    pub(crate) handoff_dropped: u64,
    /// Of those, records refused and waiting for a retry.
    pub(crate) redelivering: u64,
    /// Rate factors of the traffic spikes started, by spike number.
    pub(crate) spikes: Vec<f64>,
    /// The runtime commands the run took (`Simulation::apply`), each with
    /// the time it took effect, in order: what a link needs to reproduce it.
    pub(crate) applied: Vec<(SimTime, Command)>,
    pub(crate) queues: Vec<Queue>,
    pub(crate) queue_nodes: Vec<NodeIndex>,
    /// Per queue, the long polls waiting for a message, first come first.
    pub(crate) queue_waiters: Vec<VecDeque<queues::Poller>>,
    /// Per queue, when its next wake-up is scheduled.
    pub(crate) queue_wake_at: Vec<Option<SimTime>>,
    /// Per producer slot, how a queue-bound producer's messages spread over
    /// the queue's partitions and message groups.
    pub(crate) send_routes: Vec<Option<GroupRoute>>,
    /// How a forwarding stage's records spread over a FIFO queue's message
    /// groups, by (stage, queue slot).
    pub(crate) forward_routes:
        std::collections::BTreeMap<(NodeIndex, usize), std::sync::Arc<GroupRoute>>,
    pub(crate) pools: Vec<WorkerPool>,
    pub(crate) pool_nodes: Vec<NodeIndex>,
    pub(crate) functions: Vec<Function>,
    pub(crate) function_nodes: Vec<NodeIndex>,
    pub(crate) flinks: Vec<crate::kinds::FlinkApp>,
    pub(crate) flink_nodes: Vec<NodeIndex>,
    pub(crate) topics: Vec<crate::kinds::Topic>,
    pub(crate) topic_nodes: Vec<NodeIndex>,
    /// The account's Regional SNS publish quotas, which every topic of a
    /// type draws on (aws-facts-more 5.1).
    pub(crate) sns_account: crate::kinds::sns::AccountQuotas,
    /// Producers' publishes of the current round of writes, taken together.
    pub(crate) publish_round: crate::kinds::sns::PublishRound,
    pub(crate) msks: Vec<crate::kinds::MskCluster>,
    pub(crate) msk_nodes: Vec<NodeIndex>,
    /// Producers' partition keys, hashed once (resharding re-routes from them).
    pub(crate) key_rings: KeyRings,
}

impl Simulation {
    /// Builds a simulation at time zero. The same scenario and seed always
    /// give the same run, natively and in the browser.
    pub fn new(valid: &ValidScenario, seed: u64) -> Self {
        let scenario = valid.scenario().clone();
        let mut slots = PerNode::with_capacity(scenario.nodes.len());
        let (mut producer_nodes, mut stream_nodes, mut consumer_nodes) = (vec![], vec![], vec![]);
        let (mut firehose_nodes, mut destination_nodes, mut kcl_nodes) = (vec![], vec![], vec![]);
        let (mut streams, mut destinations) = (Vec::new(), Vec::new());
        let (mut queue_nodes, mut pool_nodes, mut lambda_nodes) = (vec![], vec![], vec![]);
        let (mut flink_nodes, mut topic_nodes) = (vec![], vec![]);
        let (mut msk_nodes, mut msks) = (vec![], Vec::new());
        let (mut queues, mut pools, mut functions) = (Vec::new(), Vec::new(), Vec::new());
        for (i, node) in scenario.indexed_nodes() {
            let list = match node.spec {
                NodeSpec::Producer(_) => &mut producer_nodes,
                NodeSpec::KinesisStream(ref spec) => {
                    streams.push(Stream::new(spec));
                    &mut stream_nodes
                }
                NodeSpec::Consumer(_) => &mut consumer_nodes,
                NodeSpec::Firehose(_) => &mut firehose_nodes,
                NodeSpec::KclApp(_) => &mut kcl_nodes,
                NodeSpec::Destination(ref spec) => {
                    destinations.push(Destination::new(spec.clone()));
                    &mut destination_nodes
                }
                NodeSpec::SqsQueue(ref spec) => {
                    let queue = Queue::new(spec.clone(), valid.sends_to(i));
                    queues.push(queue.measured_from(scenario.warmup_s * SECOND));
                    &mut queue_nodes
                }
                NodeSpec::WorkerPool(ref spec) => {
                    let source = valid.reads_from(i).expect("validated wiring");
                    pools.push(WorkerPool::new(spec.clone(), source, valid.sends_to(i)));
                    &mut pool_nodes
                }
                NodeSpec::Lambda(ref spec) => {
                    let source = valid.reads_from(i).expect("validated wiring");
                    functions.push(Function::new(spec.clone(), source, valid.sends_to(i)));
                    &mut lambda_nodes
                }
                NodeSpec::FlinkApp(_) => &mut flink_nodes,
                NodeSpec::SnsTopic(_) => &mut topic_nodes,
                NodeSpec::MskCluster(ref spec) => {
                    msks.push(crate::kinds::MskCluster::new(spec.clone()));
                    &mut msk_nodes
                }
            };
            slots.push(NodeSlot { kind: node.spec.kind(), slot: list.len() });
            list.push(i);
        }
        let stream_slot = |node: Option<NodeIndex>| slots[node.expect("validated wiring")].slot;
        let mut producers: Vec<Producer> = Vec::new();
        let mut key_rings = KeyRings::default();
        let mut groups: Vec<writes::ProducerGroup> = Vec::new();
        let mut consumers = Vec::new();
        let mut firehoses = Vec::new();
        for (i, node) in scenario.indexed_nodes() {
            match &node.spec {
                NodeSpec::Producer(spec) => {
                    let to = slots[valid.sends_to(i).expect("validated wiring")];
                    let target = with_kind!(to.kind, S => S::producer_target(to.slot))
                        .expect("validated wiring");
                    if let Target::Msk(m) = target {
                        // aws-facts-more 1.5: records go to partitions by
                        // Kafka's key hash; the cluster pulls them each second.
                        let shares = crate::kinds::msk::partition_shares(
                            &spec.keys,
                            msks[m].spec.partitions,
                        );
                        msks[m].producers.push((producers.len(), shares));
                        producers.push(Producer::new(spec.clone(), target, Vec::new()));
                        continue;
                    }
                    if let Target::Queue(_) | Target::Topic(_) = target {
                        // Queue and topic producers send on their own
                        // (kinds/queue/engine.rs, kinds/sns/engine.rs).
                        producers.push(Producer::new(spec.clone(), target, Vec::new()));
                        continue;
                    }
                    // Summing every key's share is the costly part of setup: share it.
                    let same_keys =
                        producers.iter().find(|p| p.target == target && p.spec.keys == spec.keys);
                    let shares = match (same_keys, target) {
                        (Some(p), _) => p.shares.clone(),
                        (None, Target::Stream(s)) => {
                            key_rings.get(&spec.keys).shares(&streams[s].open_ranges())
                        }
                        (
                            None,
                            Target::Firehose(_)
                            | Target::Queue(_)
                            | Target::Topic(_)
                            | Target::Msk(_),
                        ) => {
                            vec![1.0]
                        }
                    };
                    let slot = producers.len();
                    let joins = groups.iter_mut().find(|g| {
                        let lead = &producers[g.members[0]];
                        writes::same_group(&lead.spec, lead.target, spec, target)
                    });
                    match joins {
                        Some(g) => g.members.push(slot),
                        None => groups.push(writes::ProducerGroup {
                            members: vec![slot],
                            retries: Default::default(),
                            pack: Default::default(),
                            spread: Default::default(),
                            spare: Default::default(),
                            rng: NodeRng::new(seed, &format!("{}/routing", node.id)),
                        }),
                    }
                    producers.push(Producer::new(spec.clone(), target, shares));
                }
                NodeSpec::Consumer(spec) => {
                    let source = stream_slot(valid.wired_stream(i));
                    let appended: Vec<u64> =
                        streams[source].shards.iter().map(|s| s.appended).collect();
                    streams[source].readers.push(consumers.len());
                    if spec.read_mode == crate::scenario::ReadMode::EnhancedFanOut {
                        streams[source].efo_readers += 1;
                    }
                    let mut consumer = Consumer::new(spec.clone(), source, &appended);
                    consumer.output = forward_to(valid.sends_to(i), spec.forward);
                    consumers.push(consumer);
                }
                NodeSpec::Firehose(spec) => {
                    let destination = stream_slot(valid.sends_to(i));
                    let reads_stream = valid.reads_from(i).is_some();
                    firehoses.push(Firehose::new(spec.clone(), destination, reads_stream));
                }
                NodeSpec::KinesisStream(_)
                | NodeSpec::Destination(_)
                | NodeSpec::KclApp(_)
                | NodeSpec::FlinkApp(_)
                | NodeSpec::MskCluster(_)
                | NodeSpec::SqsQueue(_)
                | NodeSpec::WorkerPool(_)
                | NodeSpec::Lambda(_)
                | NodeSpec::SnsTopic(_) => {}
            }
        }
        // SNS topics: a subscription per link, in link order
        // (aws-facts-more 5.2).
        let mut topics = Vec::new();
        for &i in &topic_nodes {
            let NodeSpec::SnsTopic(spec) = &scenario.node(i).spec else { continue };
            let id = &scenario.node(i).id;
            let queue_slot = |dlq: &Option<String>| {
                let n = scenario.index_of(dlq.as_deref()?)?;
                (slots[n].kind == NodeKind::SqsQueue).then_some(slots[n].slot)
            };
            let subs = scenario
                .links
                .iter()
                .filter(|l| &l.from == id)
                .filter_map(|l| {
                    let node = scenario.index_of(&l.to)?;
                    // Validation wires subscriptions to subscribers only.
                    let slot = slots[node].slot;
                    let endpoint = match slots[node].kind.about().sns_subscriber? {
                        Subscriber::Queue => Endpoint::Queue(slot),
                        Subscriber::Firehose => Endpoint::Firehose(slot),
                        Subscriber::Lambda => Endpoint::Lambda(slot),
                        // aws-facts-more 5.3: an HTTP/S endpoint.
                        Subscriber::Http => Endpoint::Http(slot),
                    };
                    let s = spec.subscription(&l.to);
                    let dlq = queue_slot(&s.dead_letter_queue);
                    Some(crate::kinds::sns::Subscription::new(node, endpoint, &s, dlq))
                })
                .collect();
            topics.push(crate::kinds::Topic::new(spec.clone(), subs));
        }
        // KCL applications' record processors, also after the consumer nodes.
        let mut kcls = Vec::new();
        for &i in &kcl_nodes {
            let NodeSpec::KclApp(spec) = &scenario.node(i).spec else { continue };
            let source = stream_slot(valid.reads_from(i));
            let appended: Vec<u64> = streams[source].shards.iter().map(|s| s.appended).collect();
            let slot = consumers.len();
            streams[source].readers.push(slot);
            let mut c = Consumer::new(spec.reader(), source, &appended);
            c.output = forward_to(valid.sends_to(i), spec.forward);
            c.metrics = ReaderMetrics {
                processed: crate::metrics::kcl::RECORDS_PROCESSED,
                behind_latest: crate::metrics::kcl::MILLIS_BEHIND_LATEST,
                oldest_unread: crate::metrics::kcl::OLDEST_UNREAD_AGE,
            };
            c.kcl = Some(kcls.len());
            let start: Vec<u64> = c.readers.iter().map(|r| r.read).collect();
            kcls.push(KclApp::new(spec.clone(), slot, &start));
            consumers.push(c);
            consumer_nodes.push(i);
        }
        // Lambda functions on a stream read through the same readers
        // (aws-facts 5.1: a shared-throughput consumer polling once a second).
        for (func, &i) in lambda_nodes.iter().enumerate() {
            let Some(source) =
                valid.reads_from(i).filter(|&s| slots[s].kind == NodeKind::KinesisStream)
            else {
                continue;
            };
            let source = slots[source].slot;
            let appended: Vec<u64> = streams[source].shards.iter().map(|s| s.appended).collect();
            streams[source].readers.push(consumers.len());
            let mut c = Consumer::new(functions[func].stream_reader_spec(), source, &appended);
            c.metrics = ReaderMetrics {
                processed: crate::metrics::lambda::RECORDS_PROCESSED,
                behind_latest: crate::metrics::lambda::ITERATOR_AGE,
                oldest_unread: crate::metrics::lambda::OLDEST_UNREAD_AGE,
            };
            c.lambda = Some(func);
            consumers.push(c);
            consumer_nodes.push(i);
        }
        // Lambda functions on an MSK topic: each event source is a consumer
        // group of its own with an offset per partition (aws-facts-more 3),
        // starting with one poller on demand, the minimum provisioned.
        for (func, f) in functions.iter_mut().enumerate() {
            if slots[f.source].kind != NodeKind::MskCluster {
                continue;
            }
            let m = slots[f.source].slot;
            f.kafka.cluster = Some(m);
            f.kafka.reader = msks[m].esm_funcs.len();
            msks[m].esm_funcs.push(func);
            for p in &mut msks[m].partitions {
                p.esm.push(0);
            }
            f.kafka.partitions = vec![Default::default(); msks[m].partitions.len()];
            let pollers = f.spec.event_source.provisioned_pollers;
            f.kafka.pollers = pollers.map_or(1, |p| p.minimum_pollers.max(1));
        }
        // Flink applications' source readers (aws-facts-more 4.5).
        let mut flinks = Vec::new();
        for &i in &flink_nodes {
            let NodeSpec::FlinkApp(spec) = &scenario.node(i).spec else { continue };
            let source = stream_slot(valid.reads_from(i));
            let appended: Vec<u64> = streams[source].shards.iter().map(|s| s.appended).collect();
            let slot = consumers.len();
            streams[source].readers.push(slot);
            if spec.read_mode == crate::scenario::ReadMode::EnhancedFanOut {
                streams[source].efo_readers += 1;
            }
            let mut c = Consumer::new(spec.reader(), source, &appended);
            c.output = forward_to(valid.sends_to(i), spec.forward);
            c.metrics = ReaderMetrics {
                processed: crate::metrics::flink::RECORDS_IN,
                behind_latest: crate::metrics::flink::MILLIS_BEHIND_LATEST,
                oldest_unread: crate::metrics::flink::OLDEST_UNREAD_AGE,
            };
            c.flink = Some(flinks.len());
            flinks.push(crate::kinds::FlinkApp::new(spec.clone(), slot));
            consumers.push(c);
            consumer_nodes.push(i);
        }
        // Delivery streams reading a stream get their readers after every
        // consumer node, so consumer slots of consumer nodes stay in order.
        for &i in &firehose_nodes {
            if let Some(source) = valid.reads_from(i).map(|s| slots[s].slot) {
                // aws-facts 3.2: a shared-throughput reader of every shard.
                let appended: Vec<u64> =
                    streams[source].shards.iter().map(|s| s.appended).collect();
                streams[source].readers.push(consumers.len());
                consumers.push(Consumer::for_firehose(source, &appended, i));
                consumer_nodes.push(i);
            }
        }
        // A FIFO topic's message groups are the keys of the producers
        // publishing to it (aws-facts-more 5.2: the publisher sets each
        // message's group).
        let send_routes = producers
            .iter()
            .map(|p| match p.target {
                Target::Queue(q) => Some(GroupRoute::new(&queues[q], &p.spec.keys)),
                Target::Topic(t) if topics[t].spec.is_fifo() => {
                    topics[t].add_publisher(&p.spec.keys);
                    Some(GroupRoute::unpartitioned(&p.spec.keys))
                }
                _ => None,
            })
            .collect();
        let mut forward_routes = std::collections::BTreeMap::new();
        for link in &scenario.links {
            let (Some(from), Some(to)) =
                (scenario.index_of(&link.from), scenario.index_of(&link.to))
            else {
                continue;
            };
            let (producer, queue) = (slots[from].kind == NodeKind::Producer, &slots[to]);
            if !producer && queue.kind == NodeKind::SqsQueue && queues[queue.slot].is_fifo() {
                let groups = crate::kinds::queue::forwarded_groups(&scenario, from);
                let route = GroupRoute::of_groups(&queues[queue.slot], groups);
                forward_routes.insert((from, queue.slot), std::sync::Arc::new(route));
            }
        }
        let rngs = scenario.nodes.iter().map(|n| NodeRng::new(seed, &n.id)).collect();
        let metrics =
            scenario.nodes.iter().map(|n| NodeMetrics::new(metrics::node_defs(&n.spec))).collect();
        let mut sim = Simulation {
            scenario,
            seed,
            now: 0,
            seq: 0,
            queue: EventQueue::new(),
            slots,
            producers,
            streams,
            consumers,
            firehoses,
            destinations,
            kcls,
            producer_nodes,
            stream_nodes,
            consumer_nodes,
            firehose_nodes,
            destination_nodes,
            kcl_nodes,
            rngs,
            metrics,
            cost: CostMeter::for_scenario(valid.scenario()),
            groups,
            journal: VecDeque::new(),
            scratch: Vec::new(),
            round: Vec::new(),
            round_lists: Default::default(),
            retry_spread: Default::default(),
            handed_off: 0,
            handoff_dropped: 0,
            redelivering: 0,
            spikes: Vec::new(),
            applied: Vec::new(),
            queue_waiters: vec![VecDeque::new(); queues.len()],
            queue_wake_at: vec![None; queues.len()],
            send_routes,
            forward_routes,
            queues,
            queue_nodes,
            pools,
            pool_nodes,
            functions,
            function_nodes: lambda_nodes,
            flinks,
            flink_nodes: flink_nodes.clone(),
            sns_account: crate::kinds::sns::AccountQuotas::new(topics.iter().map(|t| &t.spec)),
            publish_round: Default::default(),
            topics,
            topic_nodes,
            msks,
            msk_nodes,
            key_rings,
        };
        sim.update_flink_billing();
        sim.cost.set_msk_clusters(&sim.msks);
        sim.schedule(SECOND, Action::SecondTick);
        for slot in 0..sim.producers.len() {
            if let Target::Queue(_) | Target::Topic(_) = sim.producers[slot].target {
                let first = sim.producers[slot].spec.batching.max_buffered_ms;
                sim.schedule(first, Action::ProducerSend { slot: slot as u32 });
            }
        }
        for func in 0..sim.functions.len() {
            if sim.queue_at(sim.functions[func].source).is_some() {
                // aws-facts 5.2: a queue event source starts with 5 batches.
                let start = lambda::QUEUE_ESM_START_BATCHES.min(sim.functions[func].max_batches());
                sim.add_pollers(func, start);
            }
        }
        for slot in 0..sim.consumers.len() {
            if let Some(func) = sim.consumers[slot].lambda {
                sim.spread_lanes(func, slot);
            }
        }
        for pool in 0..sim.pools.len() {
            for worker in 0..sim.pools[pool].workers.len() {
                let action = Action::WorkerReceive { pool: pool as u32, worker: worker as u32 };
                sim.schedule(0, action);
            }
        }
        for group in 0..sim.groups.len() {
            let lead = sim.groups[group].members[0];
            let first = sim.producers[lead].spec.batching.max_buffered_ms;
            sim.schedule(first, Action::ProducerBatch { group: group as u32 });
        }
        for slot in 0..sim.consumers.len() {
            for shard in 0..sim.consumers[slot].readers.len() {
                sim.start_reader_if_ready(slot, shard);
            }
        }
        for index in 0..sim.scenario.schedule.len() {
            let op = &sim.scenario.schedule[index];
            let (at, index) = (op.time_ms(), index as u32);
            let action = match op.at_ms {
                Some(_) => Action::ScheduledLast { index },
                None => Action::Scheduled { index },
            };
            sim.schedule(at, action);
        }
        sim
    }

    pub(crate) fn schedule(&mut self, time: SimTime, action: Action) {
        self.seq += 1;
        self.queue.push(time, action.class() << CLASS_SHIFT | self.seq, action);
    }

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The seed of this run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The scenario being simulated.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Where each node's state lives, by node index.
    pub fn slots(&self) -> &PerNode<NodeSlot> {
        &self.slots
    }

    /// The node index of the node with this id.
    pub fn node_index(&self, id: &str) -> Option<NodeIndex> {
        self.scenario.index_of(id)
    }

    /// Runs the next event, if any is due at or before `limit`. Returns
    /// whether one ran.
    pub fn step_until(&mut self, limit: SimTime) -> bool {
        let Some((time, action)) = self.queue.pop_until(limit) else {
            return false;
        };
        // Several events share most milliseconds: accrue only when time moves.
        if time > self.now {
            self.cost.accrue(time - self.now, &self.streams);
            self.now = time;
        }
        if action.class() == Action::WRITES {
            self.write_round(action);
        } else {
            self.run(action);
        }
        true
    }

    /// Runs `first` and every other write due in this millisecond together
    /// (see `writes.rs`).
    fn write_round(&mut self, first: Action) {
        let mut round = std::mem::take(&mut self.round);
        round.push(first);
        while let Some(next) = self.queue.pop_now_if(|order| order >> CLASS_SHIFT == Action::WRITES)
        {
            round.push(next);
        }
        if round.len() == 1 {
            self.run(round.pop().expect("one write"));
        } else {
            self.run_writes(&mut round);
        }
        round.clear();
        self.round = round;
    }

    /// Runs the next event, whenever it is due.
    pub fn step(&mut self) -> bool {
        self.step_until(SimTime::MAX)
    }

    /// Runs every event up to and including `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: SimTime) {
        while self.step_until(t) {}
        if t > self.now {
            self.cost.accrue(t - self.now, &self.streams);
            self.now = t;
        }
    }

    pub(crate) fn slot_of(&self, node: NodeIndex, kind: NodeKind) -> Result<usize, String> {
        match self.slots.get(node) {
            Some(s) if s.kind == kind => Ok(s.slot),
            Some(s) => {
                Err(format!("node {node} is a {}, not a {}", s.kind.as_str(), kind.as_str()))
            }
            None => Err(format!("no node with index {node}")),
        }
    }

    pub(crate) fn run(&mut self, action: Action) {
        match action {
            Action::SecondTick => self.second_tick(),
            Action::ProducerBatch { group } => self.producer_batch(group as usize),
            Action::ProducerRetry { group, attempts } => {
                self.producer_retry(group as usize, attempts)
            }
            Action::Poll(r) => self.poll(r.slot as usize, r.shard as usize),
            Action::Push(r) => self.push(r.slot as usize, r.shard as usize),
            Action::Processed(r) => self.processed(r.slot as usize, r.shard as usize),
            Action::Scheduled { index } | Action::ScheduledLast { index } => {
                self.scheduled(index as usize)
            }
            Action::FirehoseTimer { slot, generation } => {
                self.firehose_timer(slot as usize, generation)
            }
            Action::DeliveryDone { slot } => self.delivery_done(slot as usize),
            Action::DeliveryRetry { slot } => self.delivery_retry(slot as usize),
            Action::TransformTimer { slot, generation } => {
                self.transform_timer(slot as usize, generation)
            }
            Action::TransformDone { slot, id } => self.transform_done(slot as usize, id),
            Action::LeaseTakeover { slot, worker } => self.lease_takeover(slot as usize, worker),
            Action::LeaseBalance { slot } => self.lease_balance(slot as usize),
            Action::SpikeEnd { slot, spike } => self.spike_end(slot as usize, spike as usize),
            Action::ProducerSend { slot } => self.producer_send(slot as usize),
            Action::QueueSendRetry { slot, batch } => self.queue_send_retry(slot as usize, *batch),
            Action::QueueWake { queue } => self.queue_wake(queue as usize),
            Action::WorkerReceive { pool, worker } => {
                self.worker_receive(pool as usize, worker as usize)
            }
            Action::WorkerDone { pool, worker } => self.worker_done(pool as usize, worker as usize),
            Action::PollTimeout { node, poller, token } => {
                self.poll_timeout(NodeIndex::new(node as usize), poller as usize, token)
            }
            Action::EsmReceive { func, poller } => self.esm_receive(func as usize, poller as usize),
            Action::EsmWindowEnd { func, poller, token } => {
                self.esm_window_end(func as usize, poller as usize, token)
            }
            Action::InvocationDone { func, poller } => {
                self.invocation_done(func as usize, poller as usize)
            }
            Action::AsyncDone { func, queued, upstream } => {
                self.lambda_async_done(func as usize, queued, upstream)
            }
            Action::KafkaPoll { func, partition } => {
                self.kafka_poll(func as usize, partition as usize)
            }
            Action::KafkaDone { func, partition } => {
                self.kafka_done(func as usize, partition as usize)
            }
            Action::Redeliver { to, retry } => self.redeliver(NodeIndex::new(to as usize), *retry),
        }
    }

    fn second_tick(&mut self) {
        let closing = self.now - SECOND;
        self.book_finished_batches();
        self.expire_and_coalesce();
        for slot in 0..self.streams.len() {
            let stream = &mut self.streams[slot];
            if stream.is_on_demand() {
                // The capacity of the closing second, before this tick's splits.
                let capacity = stream.write_capacity_bytes_per_s() as f64;
                self.metrics[self.stream_nodes[slot]]
                    .add(metrics::stream::WRITE_CAPACITY, capacity);
            }
            let due = stream.on_demand_splits(self.now);
            if !due.is_empty() {
                self.scale_on_demand(slot, &due);
            }
        }
        for (slot, stream) in self.streams.iter_mut().enumerate() {
            let m = &mut self.metrics[self.stream_nodes[slot]];
            m.sample(metrics::stream::OPEN_SHARDS, stream.open.len() as f64);
            if self.now.is_multiple_of(crate::time::MINUTE) {
                stream.update_aged_bytes(self.now);
            }
        }
        self.sample_unread_ages();
        self.sample_delivery_gauges();
        self.sample_kcl_gauges();
        self.queues_second();
        self.lambda_second();
        self.flink_second();
        self.sns_second();
        self.msk_second();
        self.kafka_second();
        let measured = closing >= self.warmup_ms();
        for m in &mut self.metrics {
            m.close_second(closing, measured);
        }
        self.schedule(self.now + SECOND, Action::SecondTick);
    }

    /// The conservation ledger of the whole pipeline right now.
    ///
    /// Every record produced is in exactly one state. A record in a stream
    /// is in flight until every reader has processed it; it counts as
    /// expired if retention removed it before the slowest reader got to it.
    pub fn ledger(&self) -> Ledger {
        let mut l = Ledger { produced: self.handed_off, ..Ledger::default() };
        l.throttled_dropped += self.handoff_dropped;
        l.in_flight += self.redelivering;
        // A message in a queue is in flight until processed (delivered),
        // deleted by retention (expired) or moved to a dead-letter queue
        // (dead-lettered; what happens there is outside the ledger). A
        // second copy of a message (at-least-once delivery) is no record of
        // its own: duplicates are counted apart.
        for q in &self.queues {
            l.in_flight += q.ledger_in_queue();
            l.delivered += q.delivered;
            l.expired += q.expired;
            l.dead_lettered += q.dead_lettered;
        }
        // An MSK cluster: records waiting in producers and unread in its
        // log are in flight; read by the group, delivered.
        for c in &self.msks {
            l.in_flight += c.in_flight();
            l.delivered += c.settled() - c.expired;
            l.throttled_dropped += c.lost;
            l.expired += c.expired;
        }
        for p in &self.producers {
            l.produced += p.produced;
            l.throttled_dropped += p.given_up;
            l.in_flight += p.pending_retry;
        }
        for s in &self.streams {
            let mut settled = 0;
            for (i, shard) in s.shards.iter().enumerate() {
                let done_by_all = s
                    .readers
                    .iter()
                    .map(|&c| self.consumers[c].readers[i].done(self.now))
                    .min()
                    .unwrap_or(shard.trimmed);
                settled += done_by_all;
                l.in_flight += shard.appended - done_by_all;
            }
            l.expired += s.expired;
            l.delivered += settled - s.expired;
        }
        for f in &self.functions {
            // Records a stream event source gave up ended at the stream
            // stage without being processed.
            let given_up = f.discarded.min(l.delivered);
            l.delivered -= given_up;
            l.failed += given_up;
            // An SNS notification is a new record at the function: waiting
            // in its event queue or running, processed, or given up.
            let e = &f.events;
            l.in_flight += e.held + e.running;
            l.delivered += e.processed;
            l.failed += e.to_destination + e.dropped;
        }
        // A message published to a topic ends there once fanned out; each
        // notification is a new record at its endpoint (a hand-off), in
        // flight while it waits for a retry.
        // An HTTP/S endpoint is the end of a pipeline: what it took is
        // delivered; what a throttle holds back is in flight.
        for t in &self.topics {
            l.delivered += t.published;
            l.in_flight += t.retrying;
            let (http_delivered, held) = t.http_ledger();
            l.delivered += http_delivered;
            l.in_flight += held;
            l.dead_lettered += t.dead_lettered;
            l.failed += t.discarded;
        }
        for f in &self.firehoses {
            l.buffered += f.in_flight();
            l.delivered += f.delivered;
            l.backed_up += f.backed_up;
            l.lost += f.lost;
            l.failed += f.transform_failed;
        }
        l
    }

    /// The metrics of a node, by node index.
    pub fn metrics(&self, node: NodeIndex) -> &NodeMetrics {
        &self.metrics[node]
    }

    /// A stream node's runtime state, if `node` is a stream.
    pub fn stream(&self, node: NodeIndex) -> Option<&Stream> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::KinesisStream).then(|| &self.streams[s.slot])
    }

    /// Every shard a stream node has had, open or closed, by shard index.
    pub fn shards(&self, node: NodeIndex) -> Option<&[Shard]> {
        self.stream(node).map(|s| s.shards.as_slice())
    }

    /// The runtime state of a producer node.
    pub fn producer(&self, node: NodeIndex) -> Option<&Producer> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::Producer).then(|| &self.producers[s.slot])
    }

    /// The runtime state of a consumer node.
    pub fn consumer(&self, node: NodeIndex) -> Option<&Consumer> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::Consumer).then(|| &self.consumers[s.slot])
    }

    /// The runtime state of a queue node.
    pub fn queue(&self, node: NodeIndex) -> Option<&Queue> {
        self.queue_at(node).map(|slot| &self.queues[slot])
    }

    /// The runtime state of a Lambda function node.
    pub fn function(&self, node: NodeIndex) -> Option<&Function> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::Lambda).then(|| &self.functions[s.slot])
    }

    /// The runtime state of an SNS topic node.
    pub fn topic(&self, node: NodeIndex) -> Option<&crate::kinds::Topic> {
        self.topic_at(node).map(|slot| &self.topics[slot])
    }

    /// The runtime state of an MSK cluster node.
    pub fn msk_cluster(&self, node: NodeIndex) -> Option<&crate::kinds::MskCluster> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::MskCluster).then(|| &self.msks[s.slot])
    }

    /// The runtime state of a worker pool node.
    pub fn worker_pool(&self, node: NodeIndex) -> Option<&WorkerPool> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::WorkerPool).then(|| &self.pools[s.slot])
    }

    /// When the run's statistics start: the end of the scenario's warm-up
    /// (MODEL.md, Warm-up).
    pub fn warmup_ms(&self) -> SimTime {
        self.scenario.warmup_s * SECOND
    }

    /// Whether what happens now counts in the run's statistics.
    pub(crate) fn measuring(&self) -> bool {
        self.now >= self.warmup_ms()
    }

    /// The latency distributions a node measures (MODEL.md, Latency): its
    /// hop (a stream reader's from arrival at the stream to its read, a
    /// delivery stream's from arrival in its buffer to delivery, a queue's
    /// from send to delete) and end to end (from the records' birth at a
    /// producer to the same point). `None` for kinds that measure none.
    pub fn latency(&self, node: NodeIndex) -> Option<&metrics::Latencies> {
        let s = self.slots.get(node)?;
        with_kind!(s.kind, S => S::latency(self, node, s.slot))
    }

    /// The latency a stream reader node measures, if `node` reads a stream.
    pub(crate) fn reader_latency(&self, node: NodeIndex) -> Option<&metrics::Latencies> {
        let slot = self.consumer_nodes.iter().position(|&n| n == node)?;
        Some(&self.consumers[slot].latency)
    }

    /// The runtime state of a Firehose delivery stream node.
    pub fn firehose(&self, node: NodeIndex) -> Option<&Firehose> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::Firehose).then(|| &self.firehoses[s.slot])
    }

    /// The runtime state of a destination node.
    pub fn destination(&self, node: NodeIndex) -> Option<&Destination> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::Destination).then(|| &self.destinations[s.slot])
    }

    /// The runtime state of a KCL application node (leases, workers).
    pub fn kcl_app(&self, node: NodeIndex) -> Option<&KclApp> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::KclApp).then(|| &self.kcls[s.slot])
    }

    /// The record processors (one reader per shard) of a KCL application node.
    pub fn kcl_readers(&self, node: NodeIndex) -> Option<&Consumer> {
        self.kcl_app(node).map(|k| &self.consumers[k.consumer])
    }

    /// Cost accrued so far.
    pub fn cost(&self) -> &CostMeter {
        &self.cost
    }

    /// Events waiting in the queue (for memory accounting and tests).
    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }

    /// Events scheduled since the start (run or still waiting): the run's
    /// work, counted without timing it.
    pub fn events_scheduled(&self) -> u64 {
        self.seq
    }
}
