//! Changes to a running simulation: runtime commands, operations scheduled
//! in the scenario, and the journal that records what happened and why.

use crate::kinds::stream::ScaleOut;
use crate::kinds::{ReaderState, ShardReader, Target};
use crate::routing::{HashRange, KeysIn};
use crate::scenario::{Fault, NodeIndex, NodeKind, Operation, Scenario, ScheduledOp, StreamOp};
use crate::time::SimTime;
use crate::units::format_number;
use crate::validate::param_range;

use crate::engine::{Action, Command, ReaderId, Simulation};

/// Checks a runtime value against the parameter table.
pub(crate) fn check_param(kind: NodeKind, name: &str, value: f64) -> Result<(), String> {
    let Some(range) = param_range(kind, name) else { return Ok(()) };
    if value.is_finite() && (range.min..=range.max).contains(&value) {
        return Ok(());
    }
    Err(format!(
        "{name} {} is out of range; allowed {} to {} {}",
        format_number(value),
        format_number(range.min),
        format_number(range.max),
        range.unit
    ))
}

/// Most journal entries kept; older ones are dropped.
pub const JOURNAL_LEN: usize = 500;

/// Something notable that happened in a run, for people to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// When it happened.
    pub t: SimTime,
    /// The node it concerns.
    pub node: NodeIndex,
    /// What happened, in words.
    pub text: String,
    /// Whether AWS (the model) refused it.
    pub refused: bool,
}

impl Simulation {
    /// Applies a runtime change. Refused changes leave the run untouched and
    /// say why (the reason is also journalled).
    /// A change taken is kept, with its time, for [`Simulation::live_changes`].
    pub fn apply(&mut self, command: Command) -> Result<(), String> {
        let result = match &command {
            Command::SetProducerRate { node, records_per_s } => {
                self.set_producer_rate(*node, *records_per_s)
            }
            Command::Reshard { node, op } => self.reshard(*node, op),
            Command::Fault { node, fault } => self.inject(*node, fault),
            Command::SetFlinkParallelism { node, parallelism } => {
                self.set_flink_parallelism(*node, *parallelism)
            }
        };
        if result.is_ok() {
            self.applied.push((self.now, command));
        }
        result
    }

    /// The runtime changes this run took, in the order it took them, as
    /// schedule entries at the millisecond each took effect (`at_ms`: after
    /// everything else due then, which is where a command sent between
    /// `run_until` calls lands). Every command has a schedule form.
    pub fn live_changes(&self) -> Vec<ScheduledOp> {
        self.applied
            .iter()
            .map(|(t, command)| {
                let (node, op) = match command {
                    Command::SetProducerRate { node, records_per_s } => {
                        (node, Operation::Fault(Fault::SetRate { records_per_s: *records_per_s }))
                    }
                    Command::Reshard { node, op } => (node, Operation::Reshard(op.clone())),
                    Command::Fault { node, fault } => (node, Operation::Fault(fault.clone())),
                    Command::SetFlinkParallelism { node, parallelism } => (
                        node,
                        Operation::Fault(Fault::SetParallelism { parallelism: *parallelism }),
                    ),
                };
                ScheduledOp::at_millisecond(*t, self.scenario.node(*node).id.clone(), op)
            })
            .collect()
    }

    /// The scenario that reproduces this run, live changes included: the
    /// one it started from with [`Simulation::live_changes`] appended to its
    /// schedule. `None` when the run took no change (its scenario does).
    pub fn replay_scenario(&self) -> Option<Scenario> {
        if self.applied.is_empty() {
            return None;
        }
        let mut scenario = self.scenario.clone();
        scenario.schedule.extend(self.live_changes());
        Some(scenario)
    }

    /// Runs scheduled operation number `index` of the scenario.
    pub(crate) fn scheduled(&mut self, index: usize) {
        let Some(op) = self.scenario.schedule.get(index).cloned() else { return };
        if let Some(node) = self.node_index(&op.node) {
            // A refusal is journalled where it is decided; the run goes on.
            let _ = match &op.op {
                Operation::Reshard(reshard) => self.reshard(node, reshard),
                Operation::Fault(fault) => self.inject(node, fault),
            };
        }
    }

    /// Injects a fault into a node, journalled; refused if the node is of
    /// the wrong kind or a value is out of range.
    fn inject(&mut self, node: NodeIndex, fault: &Fault) -> Result<(), String> {
        let slot = self.slot_of(node, fault.target_kind())?;
        match *fault {
            Fault::DestinationDown { for_s } => {
                let until = self.now.saturating_add(for_s.saturating_mul(crate::time::SECOND));
                let d = &mut self.destinations[slot];
                d.down_until = d.down_until.max(until);
                self.journal(node, format!("destination down for {for_s} s"), false);
            }
            Fault::SetErrorRate { error_rate } => {
                check_param(NodeKind::Firehose, "transform.error_rate", error_rate)?;
                let Some(t) = self.firehoses[slot].spec.transform.as_mut() else {
                    let why = "this delivery stream has no transformation".to_string();
                    self.journal(node, format!("refused: {why}"), true);
                    return Err(why);
                };
                t.error_rate = error_rate;
                let text =
                    format!("transformation error rate set to {}", format_number(error_rate));
                self.journal(node, text, false);
            }
            Fault::SetFunctionErrorRate { error_rate } => {
                check_param(NodeKind::Lambda, "error_rate", error_rate)?;
                self.functions[slot].spec.error_rate = error_rate;
                let text = format!("function error rate set to {}", format_number(error_rate));
                self.journal(node, text, false);
            }
            Fault::EndpointsDown { for_s } => {
                self.topic_endpoints_down(slot, for_s.saturating_mul(crate::time::SECOND));
            }
            Fault::BrokerFailure { .. }
            | Fault::AddPartitions { .. }
            | Fault::AddBrokers { .. }
            | Fault::CrashConsumer { .. } => return self.msk_fault(node, slot, fault),
            Fault::SetRate { records_per_s } => return self.set_producer_rate(node, records_per_s),
            Fault::SetParallelism { parallelism } => {
                return self.set_flink_parallelism(node, parallelism);
            }
            Fault::CrashWorker { worker } => return self.crash_worker(node, worker),
            Fault::RestartWorker { worker } => return self.restart_worker(node, worker),
            Fault::TrafficSpike { multiplier, for_s } => {
                check_param(NodeKind::Producer, "traffic.multiplier", multiplier)?;
                let rate = self.producers[slot].spec.records_per_s;
                self.producers[slot].spec.records_per_s = rate * multiplier;
                let end = self.now.saturating_add(for_s.saturating_mul(crate::time::SECOND));
                let spike = self.spikes.len() as u32;
                self.spikes.push(multiplier);
                self.schedule(end, Action::SpikeEnd { slot: slot as u32, spike });
                let text =
                    format!("traffic spike: rate x{} for {for_s} s", format_number(multiplier));
                self.journal(node, text, false);
            }
        }
        Ok(())
    }

    /// A traffic spike is over: the spike's factor comes off the rate.
    pub(crate) fn spike_end(&mut self, slot: usize, spike: usize) {
        let multiplier = self.spikes.get(spike).copied().unwrap_or(1.0);
        let p = &mut self.producers[slot];
        if multiplier > 0.0 {
            p.spec.records_per_s /= multiplier;
        }
        let node = self.producer_nodes[slot];
        self.journal(node, "traffic spike over".into(), false);
    }

    /// Reshards a provisioned stream (an on-demand stream's shards change
    /// only by its own scaling, [`Simulation::scale_on_demand`]).
    fn reshard(&mut self, node: NodeIndex, op: &StreamOp) -> Result<(), String> {
        let slot = self.slot_of(node, NodeKind::KinesisStream)?;
        let now = self.now;
        let stream = &mut self.streams[slot];
        if stream.is_on_demand() {
            let why = "an on-demand stream manages its own shards; resharding applies to provisioned streams".to_string();
            self.journal(node, format!("refused: {why}"), true);
            return Err(why);
        }
        let before = stream.open.len();
        let open_before = stream.open_ranges();
        let result = match op {
            StreamOp::SplitShard { shard, new_starting_hash_key } => {
                let key = match new_starting_hash_key.as_deref().map(str::parse::<u128>) {
                    None => Ok(None),
                    Some(Ok(k)) => Ok(Some(k)),
                    Some(Err(_)) => {
                        Err("new_starting_hash_key must be a decimal integer below 2^128"
                            .to_string())
                    }
                };
                key.and_then(|k| stream.split(now, *shard, k)).map(|c| {
                    format!("SplitShard: shard {shard} closed; shards {} and {} opened", c[0], c[1])
                })
            }
            StreamOp::MergeShards { shard, adjacent_shard } => {
                stream.merge(now, *shard, *adjacent_shard).map(|c| {
                    format!(
                        "MergeShards: shards {shard} and {adjacent_shard} closed; shard {c} opened"
                    )
                })
            }
            StreamOp::UpdateShardCount { target } => stream
                .update_shard_count(now, *target)
                .map(|_| format!("UpdateShardCount: {before} → {target} open shards")),
        };
        match result {
            Ok(text) => {
                self.journal(node, text, false);
                self.topology_changed(slot, &open_before);
                Ok(())
            }
            Err(why) => {
                self.journal(node, format!("refused: {why}"), true);
                Err(why)
            }
        }
    }

    /// On-demand scaling (aws-facts 1.4): each hot shard splits at once
    /// into the children its writes need, unless all its records carry one
    /// partition key: a key stays capped by one shard's 1 MiB/s, so no split
    /// helps it, and the shard is left as it is (journalled once).
    pub(crate) fn scale_on_demand(&mut self, slot: usize, due: &[ScaleOut]) {
        let node = self.stream_nodes[slot];
        let before = self.streams[slot].open_ranges();
        let mut split = false;
        for s in due {
            let range = self.streams[slot].shards[s.shard].range;
            let rate = format!("{:.2} MiB/s", s.bytes_per_s as f64 / 1_048_576.0);
            if let KeysIn::One(_) | KeysIn::None = self.keys_in(slot, range) {
                self.streams[slot].decline_split(s.shard);
                let text = format!(
                    "on-demand scaling: shard {} takes {rate} of writes, all with one partition \
                     key; a key is capped at one shard's 1 MiB/s, so it is not split",
                    s.shard
                );
                self.journal(node, text, false);
                continue;
            }
            match self.streams[slot].split_evenly(self.now, s.shard, s.pieces) {
                Ok(children) => {
                    split = true;
                    let text = format!(
                        "on-demand scaling: shard {} ({rate} attempted) split into {}: shards {} to {} opened",
                        s.shard,
                        children.len(),
                        children[0],
                        children[children.len() - 1]
                    );
                    self.journal(node, text, false);
                }
                Err(why) => {
                    self.streams[slot].decline_split(s.shard);
                    self.journal(node, format!("on-demand scaling: {why}"), false);
                }
            }
        }
        if split {
            self.topology_changed(slot, &before);
        }
    }

    /// How many partition keys carry records into `range` of a stream:
    /// records forwarded by consumers and worker pools are taken to spread
    /// over the whole key space (as `deliver.rs` writes them).
    fn keys_in(&mut self, stream: usize, range: HashRange) -> KeysIn {
        let id = &self.scenario.node(self.stream_nodes[stream]).id;
        let forwarded = self.scenario.links.iter().any(|l| {
            &l.to == id
                && self
                    .scenario
                    .nodes
                    .iter()
                    .any(|n| n.id == l.from && n.spec.kind() != NodeKind::Producer)
        });
        if forwarded {
            return KeysIn::Many;
        }
        let mut keys = KeysIn::None;
        for p in self.producers.iter().filter(|p| p.target == Target::Stream(stream)) {
            keys = keys.and(self.key_rings.get(&p.spec.keys).keys_in(range));
        }
        keys
    }

    /// After resharding (`before`: the open ranges until now): producers
    /// re-spread their keys over the open shards, summing only the keys of
    /// the new shards; every consumer gets a reader for each new shard
    /// (started once its parents are read to the end), a Lambda event
    /// source re-spreads the new shards' keys over its concurrent batches,
    /// and idle pushes to closed shards wake up to notice they are finished.
    fn topology_changed(&mut self, stream: usize, before: &[HashRange]) {
        let after = self.streams[stream].open_ranges();
        let mut computed: Vec<(crate::scenario::KeyDistribution, Vec<f64>)> = Vec::new();
        for p in self.producers.iter_mut().filter(|p| p.target == Target::Stream(stream)) {
            p.shares = match computed.iter().find(|(keys, _)| *keys == p.spec.keys) {
                Some((_, shares)) => shares.clone(),
                None => {
                    let ring = self.key_rings.get(&p.spec.keys);
                    let shares = ring.reshare(before, &p.shares, &after);
                    computed.push((p.spec.keys.clone(), shares.clone()));
                    shares
                }
            };
        }
        let shard_count = self.streams[stream].shards.len();
        for i in 0..self.streams[stream].readers.len() {
            let slot = self.streams[stream].readers[i];
            let have = self.consumers[slot].readers.len();
            let c = &mut self.consumers[slot];
            c.readers.extend((have..shard_count).map(|_| ShardReader::new(0)));
            c.in_processing_born.resize(shard_count, 0);
            self.sync_kcl_leases(slot);
            if let Some(func) = self.consumers[slot].lambda {
                self.spread_lanes(func, slot);
            }
            for shard in 0..shard_count {
                let closed = !self.streams[stream].shards[shard].is_open();
                let reader = &mut self.consumers[slot].readers[shard];
                if closed && reader.state == ReaderState::Idle {
                    reader.state = ReaderState::Busy;
                    self.schedule(self.now, Action::Push(ReaderId::new(slot, shard)));
                }
            }
            for shard in have..shard_count {
                self.start_reader_if_ready(slot, shard);
            }
        }
    }

    pub(crate) fn journal(&mut self, node: NodeIndex, text: String, refused: bool) {
        if self.journal.len() == JOURNAL_LEN {
            self.journal.pop_front();
        }
        self.journal.push_back(JournalEntry { t: self.now, node, text, refused });
    }

    /// What happened so far (resharding and refusals), oldest first.
    pub fn journal_entries(&self) -> impl DoubleEndedIterator<Item = &JournalEntry> {
        self.journal.iter()
    }
}
