//! The discrete-event engine: one [`Simulation`] owns all runtime state and
//! advances by API calls (a PutRecords batch, a GetRecords call, the end of
//! a processing batch), never record by record.
//!
//! Ordering guarantee: events run in order of (time, class, sequence), where
//! the once-a-second bookkeeping tick runs before anything else due at the
//! same millisecond and ties are otherwise first scheduled, first run. So an
//! event at time `t` always counts towards the second `floor(t / 1000)`.

mod operations;
mod reads;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

pub use operations::{JOURNAL_LEN, JournalEntry};

use crate::cost::{CostMeter, on_demand_billed_bytes};
use crate::ledger::Ledger;
use crate::metrics::{self, NodeMetrics};
use crate::nodes::{Consumer, Producer, RetryBatch, Shard, ShardRecords, Stream};
use crate::rng::NodeRng;
use crate::routing::shard_shares;
use crate::scenario::{NodeKind, NodeSpec, Scenario, StreamOp};
use crate::time::{SECOND, SimTime};
use crate::validate::ValidScenario;

/// A change applied to a running simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Sets a producer's mean rate.
    SetProducerRate {
        /// Node index of the producer.
        node: usize,
        /// New mean rate in records per second.
        records_per_s: f64,
    },
    /// Reshards a provisioned stream (aws-facts 1.6).
    Reshard {
        /// Node index of the stream.
        node: usize,
        /// The operation.
        op: StreamOp,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Action {
    SecondTick,
    ProducerBatch { slot: usize },
    ProducerRetry { slot: usize, batch: RetryBatch },
    Poll { slot: usize, shard: usize },
    Push { slot: usize, shard: usize },
    Processed { slot: usize, shard: usize },
    Scheduled { index: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Event {
    time: SimTime,
    class: u8,
    seq: u64,
    action: Action,
}

impl Ord for Event {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.class, self.seq).cmp(&(other.time, other.class, other.seq))
    }
}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Where a node's state lives: its kind and its index among nodes of that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeSlot {
    /// The node's kind.
    pub kind: NodeKind,
    /// Index into the per-kind state vector.
    pub slot: usize,
}

/// A running simulation of one validated scenario.
#[derive(Clone, Debug)]
pub struct Simulation {
    scenario: Scenario,
    seed: u64,
    now: SimTime,
    seq: u64,
    queue: BinaryHeap<Reverse<Event>>,
    slots: Vec<NodeSlot>,
    producers: Vec<Producer>,
    streams: Vec<Stream>,
    consumers: Vec<Consumer>,
    /// Node index of each producer, stream and consumer slot.
    producer_nodes: Vec<usize>,
    stream_nodes: Vec<usize>,
    consumer_nodes: Vec<usize>,
    rngs: Vec<NodeRng>,
    metrics: Vec<NodeMetrics>,
    cost: CostMeter,
    journal: VecDeque<operations::JournalEntry>,
    scratch: Vec<u64>,
}

impl Simulation {
    /// Builds a simulation at time zero. The same scenario and seed always
    /// give the same run, natively and in the browser.
    pub fn new(valid: &ValidScenario, seed: u64) -> Self {
        let scenario = valid.scenario().clone();
        let mut slots = Vec::with_capacity(scenario.nodes.len());
        let (mut producer_nodes, mut stream_nodes, mut consumer_nodes) = (vec![], vec![], vec![]);
        let mut streams = Vec::new();
        for (i, node) in scenario.nodes.iter().enumerate() {
            let list = match node.spec {
                NodeSpec::Producer(_) => &mut producer_nodes,
                NodeSpec::KinesisStream(ref spec) => {
                    streams.push(Stream::new(spec));
                    &mut stream_nodes
                }
                NodeSpec::Consumer(_) => &mut consumer_nodes,
            };
            slots.push(NodeSlot { kind: node.spec.kind(), slot: list.len() });
            list.push(i);
        }
        let stream_slot = |node: Option<usize>| slots[node.expect("validated wiring")].slot;
        let mut producers = Vec::new();
        let mut consumers = Vec::new();
        for (i, node) in scenario.nodes.iter().enumerate() {
            match &node.spec {
                NodeSpec::Producer(spec) => {
                    let target = stream_slot(valid.wired_stream(i));
                    let shares = shard_shares(&spec.keys, &streams[target].open_ranges());
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
                    consumers.push(Consumer::new(spec.clone(), source, &appended));
                }
                NodeSpec::KinesisStream(_) => {}
            }
        }
        let rngs = scenario.nodes.iter().map(|n| NodeRng::new(seed, &n.id)).collect();
        let metrics = slots
            .iter()
            .map(|s| {
                NodeMetrics::new(match s.kind {
                    NodeKind::Producer => metrics::producer::DEFS,
                    NodeKind::KinesisStream => metrics::stream::DEFS,
                    NodeKind::Consumer => metrics::consumer::DEFS,
                })
            })
            .collect();
        let mut sim = Simulation {
            scenario,
            seed,
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            slots,
            producers,
            streams,
            consumers,
            producer_nodes,
            stream_nodes,
            consumer_nodes,
            rngs,
            metrics,
            cost: CostMeter::default(),
            journal: VecDeque::new(),
            scratch: Vec::new(),
        };
        sim.schedule(SECOND, Action::SecondTick);
        for slot in 0..sim.producers.len() {
            let first = sim.producers[slot].spec.batching.max_buffered_ms;
            sim.schedule(first, Action::ProducerBatch { slot });
        }
        for slot in 0..sim.consumers.len() {
            for shard in 0..sim.consumers[slot].readers.len() {
                sim.start_reader_if_ready(slot, shard);
            }
        }
        for index in 0..sim.scenario.schedule.len() {
            let at = sim.scenario.schedule[index].at_s * SECOND;
            sim.schedule(at, Action::Scheduled { index });
        }
        sim
    }

    fn schedule(&mut self, time: SimTime, action: Action) {
        let class = u8::from(action != Action::SecondTick);
        self.seq += 1;
        self.queue.push(Reverse(Event { time, class, seq: self.seq, action }));
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
    pub fn slots(&self) -> &[NodeSlot] {
        &self.slots
    }

    /// The node index of the node with this id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.scenario.nodes.iter().position(|n| n.id == id)
    }

    /// Runs the next event, if any is due at or before `limit`. Returns
    /// whether one ran.
    pub fn step_until(&mut self, limit: SimTime) -> bool {
        match self.queue.peek() {
            Some(Reverse(e)) if e.time <= limit => {}
            _ => return false,
        }
        let Reverse(event) = self.queue.pop().expect("peeked");
        self.cost.accrue(event.time - self.now, &self.streams);
        self.now = event.time;
        self.run(event.action);
        true
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

    fn slot_of(&self, node: usize, kind: NodeKind) -> Result<usize, String> {
        match self.slots.get(node) {
            Some(s) if s.kind == kind => Ok(s.slot),
            Some(s) => {
                Err(format!("node {node} is a {}, not a {}", s.kind.as_str(), kind.as_str()))
            }
            None => Err(format!("no node with index {node}")),
        }
    }

    fn run(&mut self, action: Action) {
        match action {
            Action::SecondTick => self.second_tick(),
            Action::ProducerBatch { slot } => self.producer_batch(slot),
            Action::ProducerRetry { slot, batch } => self.producer_retry(slot, batch),
            Action::Poll { slot, shard } => self.poll(slot, shard),
            Action::Push { slot, shard } => self.push(slot, shard),
            Action::Processed { slot, shard } => self.processed(slot, shard),
            Action::Scheduled { index } => self.scheduled(index),
        }
    }

    fn producer_batch(&mut self, slot: usize) {
        let node = self.producer_nodes[slot];
        let p = &mut self.producers[slot];
        let rng = &mut self.rngs[node];
        let n = p.generate(self.now, rng);
        self.metrics[node].add(metrics::producer::USER_RECORDS_RECEIVED, n as f64);
        let mut counts = std::mem::take(&mut self.scratch);
        rng.multinomial(n, &p.shares, &mut counts);
        let open = &self.streams[p.target].open;
        let per_shard: Vec<ShardRecords> = counts
            .iter()
            .zip(open)
            .filter(|&(&c, _)| c > 0)
            .map(|(&records, &shard)| ShardRecords {
                shard,
                records,
                data_bytes: p.draw_data_bytes(records, rng),
            })
            .collect();
        self.scratch = counts;
        self.send(slot, RetryBatch { attempts: 0, per_shard });
        let next = self.now + self.producers[slot].spec.batching.max_buffered_ms;
        self.schedule(next, Action::ProducerBatch { slot });
    }

    fn producer_retry(&mut self, slot: usize, batch: RetryBatch) {
        self.producers[slot].pending_retry -= batch.records();
        self.send(slot, batch);
    }

    /// One attempt for a batch: its records go out in as many PutRecords
    /// (or PutRecord) requests as the caps demand, packed into aggregated
    /// records if the producer aggregates; throttled records are retried
    /// with backoff or given up after the last attempt.
    fn send(&mut self, slot: usize, batch: RetryBatch) {
        let target = self.producers[slot].target;
        let mut written = std::mem::take(&mut self.scratch);
        written.clear();
        self.put_batch(slot, batch, &mut written);
        for &shard in &written {
            self.wake_pushes(target, shard as usize);
        }
        self.scratch = written;
    }

    /// The PutRecords attempt itself; `written` receives the shards that
    /// accepted records.
    fn put_batch(&mut self, slot: usize, mut batch: RetryBatch, written: &mut Vec<u64>) {
        let node = self.producer_nodes[slot];
        let p = &mut self.producers[slot];
        let stream_node = self.stream_nodes[p.target];
        let stream = &mut self.streams[p.target];
        let key_bytes = u64::from(p.spec.partition_key_bytes);
        batch.attempts += 1;
        // Records meant for a shard that resharding closed go to its children.
        if batch.per_shard.iter().any(|s| !stream.shards[s.shard].is_open()) {
            let (mut routed, mut split) =
                (Vec::with_capacity(batch.per_shard.len() + 1), Vec::new());
            for s in &batch.per_shard {
                split.clear();
                stream.reroute(s.shard, s.records, &p.shares, &mut split);
                routed.extend(split.iter().map(|&(shard, records)| ShardRecords {
                    shard,
                    records,
                    data_bytes: s.data_bytes,
                }));
            }
            batch.per_shard = routed;
        }
        let on_demand = stream.is_on_demand();
        let (mut accepted, mut throttled, mut data_put, mut bytes_put) = (0, 0, 0, 0);
        let (mut kinesis_sent, mut kinesis_put, mut request_bytes, mut units) = (0, 0, 0, 0);
        let (mut kinesis_throttled, mut on_demand_billed) = (0, 0);
        batch.per_shard.retain_mut(|s| {
            let per = p.per_kinesis_record(s.data_bytes);
            let record_bytes = s.data_bytes + key_bytes;
            kinesis_sent += s.records.div_ceil(per);
            request_bytes += s.records * record_bytes;
            let out = stream.shards[s.shard].put(self.now, s.records, record_bytes, per);
            if out.accepted > 0 {
                written.push(s.shard as u64);
            }
            accepted += out.accepted;
            throttled += out.throttled;
            data_put += out.accepted * s.data_bytes;
            bytes_put += out.accepted * record_bytes;
            kinesis_put += out.accepted.div_ceil(per);
            kinesis_throttled += s.records.div_ceil(per) - out.accepted.div_ceil(per);
            units += p.payload_units(out.accepted, s.data_bytes);
            on_demand_billed += out.accepted * on_demand_billed_bytes(s.data_bytes);
            s.records = out.throttled;
            out.throttled > 0
        });
        // aws-facts 2.1 and 2.2: PUT payload units in provisioned mode, data in on demand.
        if on_demand {
            self.cost.on_demand_in(on_demand_billed);
        } else {
            self.cost.put_units(units);
        }
        let requests = p.requests(kinesis_sent, request_bytes);
        let m = &mut self.metrics[stream_node];
        m.add(metrics::stream::INCOMING_RECORDS, kinesis_put as f64);
        m.add(metrics::stream::INCOMING_BYTES, bytes_put as f64);
        // CloudWatch counts Kinesis records here (aggregates, not user records).
        m.add(metrics::stream::WRITE_THROTTLED, kinesis_throttled as f64);
        let m = &mut self.metrics[node];
        m.add(metrics::producer::USER_RECORDS_PUT, accepted as f64);
        m.add(metrics::producer::USER_RECORDS_DATA_PUT, data_put as f64);
        m.add(metrics::producer::KINESIS_RECORDS_PUT, kinesis_put as f64);
        m.add(metrics::producer::REQUESTS, requests as f64);
        if throttled == 0 {
            return;
        }
        if batch.attempts >= p.spec.retry.max_attempts {
            p.given_up += throttled;
            m.add(metrics::producer::USER_RECORD_EXPIRED, throttled as f64);
            return;
        }
        m.add(metrics::producer::RETRIES, throttled as f64);
        p.pending_retry += throttled;
        let delay = p.backoff(batch.attempts, &mut self.rngs[node]);
        self.schedule(self.now + delay, Action::ProducerRetry { slot, batch });
    }

    fn second_tick(&mut self) {
        let closing = self.now - SECOND;
        self.expire_and_coalesce();
        for slot in 0..self.streams.len() {
            for shard in self.streams[slot].on_demand_splits(self.now) {
                let op = StreamOp::SplitShard { shard, new_starting_hash_key: None };
                let _ = self.reshard(self.stream_nodes[slot], &op, true);
            }
        }
        for (slot, stream) in self.streams.iter().enumerate() {
            let m = &mut self.metrics[self.stream_nodes[slot]];
            m.sample(metrics::stream::OPEN_SHARDS, stream.open.len() as f64);
        }
        for m in &mut self.metrics {
            m.close_second(closing);
        }
        self.schedule(self.now + SECOND, Action::SecondTick);
    }

    /// The conservation ledger of the whole pipeline right now.
    ///
    /// Every record produced is in exactly one state. A record in a stream
    /// is in flight until every reader has processed it; it counts as
    /// expired if retention removed it before the slowest reader got to it.
    pub fn ledger(&self) -> Ledger {
        let mut l = Ledger::default();
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
                    .map(|&c| self.consumers[c].readers[i].done())
                    .min()
                    .unwrap_or(shard.trimmed);
                settled += done_by_all;
                l.in_flight += shard.appended - done_by_all;
            }
            l.expired += s.expired;
            l.delivered += settled - s.expired;
        }
        l
    }

    /// The metrics of a node, by node index.
    pub fn metrics(&self, node: usize) -> &NodeMetrics {
        &self.metrics[node]
    }

    /// A stream node's runtime state, if `node` is a stream.
    pub fn stream(&self, node: usize) -> Option<&Stream> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::KinesisStream).then(|| &self.streams[s.slot])
    }

    /// Every shard a stream node has had, open or closed, by shard index.
    pub fn shards(&self, node: usize) -> Option<&[Shard]> {
        self.stream(node).map(|s| s.shards.as_slice())
    }

    /// The runtime state of a producer node.
    pub fn producer(&self, node: usize) -> Option<&Producer> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::Producer).then(|| &self.producers[s.slot])
    }

    /// The runtime state of a consumer node.
    pub fn consumer(&self, node: usize) -> Option<&Consumer> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::Consumer).then(|| &self.consumers[s.slot])
    }

    /// Cost accrued so far.
    pub fn cost(&self) -> &CostMeter {
        &self.cost
    }

    /// Events waiting in the queue (for memory accounting and tests).
    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }
}
