//! The write side: producers cut batches, route them to shards and retry
//! what the shards throttle.
//!
//! Producers that write to the same stream with the same keys, record
//! sizes, request, aggregation and retry settings and batching interval
//! form a group. Each member draws its own record count from its own random
//! stream (any traffic shape), and the group then routes the sum with one
//! multinomial draw and one write per shard. Superposed arrivals split by
//! the same shares are exactly the per-producer splits added up, so the
//! shards see the same traffic; the cost of a batch no longer multiplies
//! with the number of producers. Outcomes are shared among members in
//! proportion to their records (largest remainder).

use std::collections::VecDeque;

use crate::cost::on_demand_billed_bytes;
use crate::kinds::batch::born_blend;
use crate::kinds::producer::retry::{RetrySpread, SpareLists};
use crate::kinds::{Producer, RecordSize, RetryBatch, Shard, ShardRecords, Target};
use crate::metrics;
use crate::rng::NodeRng;
use crate::scenario::{ProducerSpec, Traffic};
use crate::time::SimTime;

use crate::engine::{Action, Simulation};

/// Producers sharing one routing draw and one write per shard per batch.
#[derive(Clone, Debug)]
pub(crate) struct ProducerGroup {
    /// Producer slots, in node order; the first leads (its settings apply
    /// to all).
    pub members: Vec<usize>,
    /// Draws shard routing, record sizes and retry jitter, apart from the
    /// members' own streams, so a producer's arrivals are the same whether
    /// or not others share its routing.
    pub rng: NodeRng,
    /// Refused records waiting for their retry, by (when, attempts made):
    /// one retry event per entry, whatever the batches it gathers.
    pub retries: RetryCalendar,
    /// What this millisecond's attempts sent so far, packed into requests.
    pub pack: RequestPack,
    /// Splits refused records over the batches they retry with.
    pub spread: RetrySpread,
    /// Emptied batch lists, reused.
    pub spare: SpareLists,
}

/// Records and bytes a group sent in one millisecond, and the requests
/// they take (aws-facts 1.1: up to 500 records and the size cap each).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RequestPack {
    at: SimTime,
    kinesis_records: u64,
    bytes: u64,
    requests: u64,
}

impl ProducerGroup {
    pub(crate) fn lead(&self) -> usize {
        self.members[0]
    }

    /// Memory of the refused records waiting in the calendar, in bytes
    /// (see [`crate::memory`]).
    pub(crate) fn retry_bytes(&self) -> u64 {
        use crate::memory::buffer;
        let entries: u64 = self
            .retries
            .iter()
            .map(|(_, r)| {
                buffer::<ShardRecords>(r.per_shard.capacity())
                    + buffer::<(usize, u64)>(r.members.capacity())
            })
            .sum();
        buffer::<RetryEntry>(self.retries.capacity()) + entries
    }
}

/// A retry calendar entry: (when, attempts made) and its records.
pub(crate) type RetryEntry = ((SimTime, u32), RetryBatch);

/// A group's retry calendar, sorted by (when, attempts made). It holds a
/// few entries, taken from the front as their time comes and added near
/// the back: a sorted ring does both without the B-tree's node work,
/// which cost more than the retry itself.
pub(crate) type RetryCalendar = VecDeque<RetryEntry>;

/// Whether two producers can share routing and writes: everything but
/// their rate and traffic shape is the same.
pub(crate) fn same_group(
    a: &ProducerSpec,
    a_target: Target,
    b: &ProducerSpec,
    b_target: Target,
) -> bool {
    let strip = |s: &ProducerSpec| ProducerSpec {
        records_per_s: 0.0,
        traffic: Traffic::Poisson,
        ..s.clone()
    };
    a_target == b_target && strip(a) == strip(b)
}

/// Splits `total` among members in proportion to their counts, so the
/// parts add up: whole parts first, then the few records left over one each
/// to members with a fractional part, starting at a member that varies with
/// the amounts so no member is favoured over many batches. O(members), no
/// sorting: this runs for every batch of a group.
pub(crate) fn apportion(total: u64, counts: &[(usize, u64)]) -> Vec<u64> {
    let mut parts = vec![0; counts.len()];
    apportion_into(total, counts, &mut parts);
    parts
}

/// [`apportion`] into `parts` (one per count), for a caller that keeps its
/// buffer from one batch to the next instead of allocating.
#[inline]
pub(crate) fn apportion_into(total: u64, counts: &[(usize, u64)], parts: &mut [u64]) {
    debug_assert_eq!(parts.len(), counts.len());
    if let [only] = parts {
        // One producer (most groups): its part is the whole, without a
        // call, for the four figures of every attempt.
        *only = total;
        return;
    }
    apportion_among(total, counts, parts);
}

/// [`apportion_into`] among two members or more.
fn apportion_among(total: u64, counts: &[(usize, u64)], parts: &mut [u64]) {
    let sum: u64 = counts.iter().map(|c| c.1).sum();
    if sum == 0 {
        parts.fill(0);
        if let Some(first) = parts.first_mut() {
            *first = total;
        }
        return;
    }

    // The whole counts, or a whole multiple of them (the data of fixed-size
    // records, say), split exactly, one multiply each.
    if total.is_multiple_of(sum) {
        for (part, c) in parts.iter_mut().zip(counts) {
            *part = c.1 * (total / sum);
        }
        return;
    }
    for (part, c) in parts.iter_mut().zip(counts) {
        *part = crate::wide::mul_div(total, c.1, sum);
    }
    let mut left = total - parts.iter().sum::<u64>();
    // Fewer records are left than members with a fraction: one pass at most.
    let mut i = ((total ^ sum) % counts.len() as u64) as usize;
    while left > 0 {
        if crate::wide::mul_div_rem(total, counts[i].1, sum).1 {
            parts[i] += 1;
            left -= 1;
        }
        i = if i + 1 == counts.len() { 0 } else { i + 1 };
    }
}

/// Where an attempt's records come from.
#[derive(Clone, Debug)]
enum Routed {
    /// A fresh batch: the routing draw's records per open shard, in the
    /// stream's `open` order, their sizes not yet drawn.
    Fresh(Vec<u64>),
    /// A retry (what the shards refused last time), or a fresh batch whose
    /// sizes were drawn already.
    Listed(Vec<ShardRecords>),
}

/// A write attempt of a round, routed and waiting for its share.
#[derive(Clone, Debug)]
struct Pending {
    group: usize,
    batch: RetryBatch,
    routed: Routed,
    target: usize,
}

/// Lists a contended round of writes reuses, kept by the run for their
/// capacity: a throttled producer's batches meet its retries every
/// batching interval.
#[derive(Clone, Debug, Default)]
pub(crate) struct RoundLists {
    pending: Vec<Pending>,
    /// Each attempt's caps, one after the other (see
    /// `Simulation::shares_of_capacity`).
    caps: Vec<u64>,
    demands: Vec<Demand>,
    shares: Vec<u64>,
}

impl RoundLists {
    /// Memory of the lists, in bytes (see [`crate::memory`]).
    pub(crate) fn heap_bytes(&self) -> u64 {
        use crate::memory::buffer;
        buffer::<Pending>(self.pending.capacity())
            + buffer::<u64>(self.caps.capacity() + self.shares.capacity())
            + buffer::<Demand>(self.demands.capacity())
    }
}

/// Running totals of one attempt's writes.
#[derive(Default)]
struct Tally {
    accepted: u64,
    throttled: u64,
    data_put: u64,
    bytes_put: u64,
    kinesis_sent: u64,
    kinesis_put: u64,
    request_bytes: u64,
    aggregated_units: u64,
    /// On-demand bytes billed for aggregated records.
    aggregated_billed: u64,
    /// The shards written since the record size last changed. Records of
    /// a batch mostly share one size, so what depends on it is worked out
    /// once per run of shards, not per shard.
    run: SizeRun,
}

/// Shards written in a row with one record size, and their records.
#[derive(Default)]
struct SizeRun {
    data_bytes: u64,
    /// Data plus partition key.
    record_bytes: u64,
    /// User records per Kinesis record (1 unless aggregated); 0 only in
    /// the default run, before the attempt's first shard.
    per: u64,
    records: u64,
    accepted: u64,
}

impl Tally {
    /// Writes `s` to its shard; `s.records` becomes what the shard refused.
    /// Returns whether the shard accepted any.
    fn write(
        &mut self,
        shard: &mut Shard,
        (now, born_ms): (SimTime, SimTime),
        s: &mut ShardRecords,
        cap: u64,
        p: &Producer,
    ) -> bool {
        if self.run.per == 0 || self.run.data_bytes != s.data_bytes {
            self.end_run();
            self.run = SizeRun {
                data_bytes: s.data_bytes,
                record_bytes: s.data_bytes + u64::from(p.spec.partition_key_bytes),
                per: p.per_kinesis_record(s.data_bytes),
                ..SizeRun::default()
            };
        }
        let run = &mut self.run;
        let key_bytes = u64::from(p.spec.partition_key_bytes);
        let size = RecordSize { bytes: run.record_bytes, key_bytes };
        let out = shard.put_at_most(now, s.records, cap, size, run.per, born_ms);
        run.records += s.records;
        run.accepted += out.accepted;
        // Aggregates are counted and billed shard by shard: each shard's
        // records make their own (last, partial) aggregate.
        if run.per > 1 {
            self.kinesis_sent += s.records.div_ceil(run.per);
            self.kinesis_put += out.accepted.div_ceil(run.per);
        }
        if p.spec.aggregation.is_some() {
            self.aggregated_units += p.aggregated_units(out.accepted, s.data_bytes);
            // aws-facts 2.2: on demand, each aggregate is one data record,
            // rounded up to 1 KiB (its user records' data and keys).
            let (full, rest) = (out.accepted / run.per, out.accepted % run.per);
            self.aggregated_billed += full * on_demand_billed_bytes(run.per * run.record_bytes);
            if rest > 0 {
                self.aggregated_billed += on_demand_billed_bytes(rest * run.record_bytes);
            }
        }
        s.records = out.throttled;
        out.accepted > 0
    }

    /// Adds the current run of shards to the totals.
    fn end_run(&mut self) {
        let run = std::mem::take(&mut self.run);
        self.accepted += run.accepted;
        self.throttled += run.records - run.accepted;
        self.data_put += run.accepted * run.data_bytes;
        self.bytes_put += run.accepted * run.record_bytes;
        self.request_bytes += run.records * run.record_bytes;
        if run.per == 1 {
            self.kinesis_sent += run.records;
            self.kinesis_put += run.accepted;
        }
    }
}

impl Simulation {
    /// Every member cuts its batch; the group routes their sum.
    pub(crate) fn producer_batch(&mut self, group: usize) {
        if let Some(pending) = self.cut_batch(group) {
            let Pending { group, batch, routed, target } = pending;
            self.put_batch(group, batch, routed, target, &[]);
        }
    }

    /// Cuts a group's batch and schedules the next one. A batch to a stream
    /// comes back routed, to be written; one to a delivery stream is sent.
    fn cut_batch(&mut self, group: usize) -> Option<Pending> {
        let mut members = self.groups[group].spare.members();
        let g = &self.groups[group];
        let mut n = 0;
        // The records were made since the last batch: born, on average, halfway.
        let born_ms = (self.producers[g.lead()].last_batch + self.now) / 2;
        for &slot in &g.members {
            let node = self.producer_nodes[slot];
            let k = self.producers[slot].generate(self.now, &mut self.rngs[node]);
            self.metrics[node].add(metrics::producer::USER_RECORDS_RECEIVED, k as f64);
            members.push((slot, k));
            n += k;
        }
        let lead = g.lead();
        let next = self.now + self.producers[lead].spec.batching.max_buffered_ms;
        self.schedule(next, Action::ProducerBatch { group: group as u32 });
        let mut counts = std::mem::take(&mut self.scratch);
        self.groups[group].rng.multinomial(n, &self.producers[lead].shares, &mut counts);
        let per_shard = self.groups[group].spare.shards();
        let batch = RetryBatch { attempts: 0, per_shard, members, born_ms };
        match self.producers[lead].target {
            Target::Stream(target) => {
                Some(Pending { group, batch, routed: Routed::Fresh(counts), target })
            }
            // A delivery stream has no shards: one share, "shard" 0. (An
            // MSK cluster's producers are in no group: it pulls their records.)
            Target::Firehose(_) | Target::Queue(_) | Target::Topic(_) | Target::Msk(_) => {
                self.scratch = counts;
                let mut batch = batch;
                if n > 0 {
                    let data_bytes =
                        self.producers[lead].draw_data_bytes(n, &mut self.groups[group].rng);
                    batch.per_shard.push(ShardRecords { shard: 0, records: n, data_bytes });
                }
                self.send(group, batch);
                None
            }
        }
    }

    pub(crate) fn producer_retry(&mut self, group: usize, attempts: u32) {
        let batch = self.due_retry(group, attempts);
        if let Some(Pending { group, batch, routed, target }) = self.retry_batch(group, batch) {
            self.put_batch(group, batch, routed, target, &[]);
        }
    }

    /// A retry comes back as a write to its stream, or is sent to its
    /// delivery stream.
    fn retry_batch(&mut self, group: usize, mut batch: RetryBatch) -> Option<Pending> {
        for &(slot, k) in &batch.members {
            self.producers[slot].pending_retry -= k;
        }
        match self.producers[self.groups[group].lead()].target {
            Target::Stream(target) => {
                let routed = Routed::Listed(std::mem::take(&mut batch.per_shard));
                Some(Pending { group, batch, routed, target })
            }
            Target::Firehose(_) | Target::Queue(_) | Target::Topic(_) | Target::Msk(_) => {
                self.send(group, batch);
                None
            }
        }
    }

    /// One attempt for a batch to a delivery stream (a queue producer never
    /// gets here: it sends on its own, `queues.rs`).
    fn send(&mut self, group: usize, batch: RetryBatch) {
        match self.producers[self.groups[group].lead()].target {
            Target::Firehose(firehose) => self.put_record_batch(group, batch, firehose),
            Target::Stream(_) | Target::Queue(_) | Target::Topic(_) | Target::Msk(_) => {
                unreachable!(
                    "stream writes are routed; queue, topic and MSK producers send on their own"
                )
            }
        }
    }

    /// Runs the writes due in one millisecond (at least two) as one round.
    /// Batches are cut and retries taken in an order of their own (group,
    /// then fresh before retries, then by content), never the order they
    /// were scheduled in; then each stream's attempts share its shards'
    /// capacity in proportion to their records, and the round's SNS
    /// publishes share the publish quotas in proportion to their messages
    /// (`Simulation::publish_together`).
    pub(crate) fn run_writes(&mut self, round: &mut [Action]) {
        round.sort_by_key(write_key);
        self.publish_round.collecting = true;
        let mut pending = std::mem::take(&mut self.round_lists.pending);
        let mut next = 0;
        while next < round.len() {
            let action = std::mem::replace(&mut round[next], Action::SecondTick);
            next += 1;
            let attempt = match action {
                // A queue producer's retries due together after the same
                // attempts go as one send: which of them ran first would
                // otherwise decide which the queue's limit takes.
                Action::QueueSendRetry { slot, mut batch } => {
                    while let Some(Action::QueueSendRetry { slot: s, batch: more }) =
                        round.get_mut(next)
                        && *s == slot
                        && more.attempts == batch.attempts
                    {
                        batch.merge(std::mem::take(more));
                        next += 1;
                    }
                    self.run(Action::QueueSendRetry { slot, batch });
                    None
                }
                Action::ProducerBatch { group } => self.cut_batch(group as usize),
                Action::ProducerRetry { group, attempts } => {
                    let batch = self.due_retry(group as usize, attempts);
                    self.retry_batch(group as usize, batch)
                }
                other => {
                    self.run(other);
                    None
                }
            };
            pending.extend(attempt);
        }
        self.publish_round.collecting = false;
        if !self.publish_round.publishes.is_empty() {
            self.publish_together();
        }
        // Stable: attempts keep the round's order within a stream.
        pending.sort_by_key(|p: &Pending| p.target);
        let mut rest = pending.as_mut_slice();
        while let Some(first) = rest.first() {
            let n = rest.iter().take_while(|p| p.target == first.target).count();
            let (same, others) = rest.split_at_mut(n);
            self.put_together(same);
            rest = others;
        }
        pending.clear();
        self.round_lists.pending = pending;
    }

    /// Writes attempts due in the same millisecond to one stream. Where
    /// several of them meet on a shard whose limits cannot take them all,
    /// the shard's whole records and bytes are shared in proportion to
    /// their records (largest remainders first), so no attempt wins
    /// because it happened to run first.
    fn put_together(&mut self, attempts: &mut [Pending]) {
        if let [only] = attempts {
            let Pending { group, batch, target, .. } = only;
            let routed = std::mem::replace(&mut only.routed, Routed::Listed(Vec::new()));
            let batch = std::mem::take(batch);
            return self.put_batch(*group, batch, routed, *target, &[]);
        }
        let target = attempts[0].target;
        for p in attempts.iter_mut() {
            p.routed = Routed::Listed(self.listed(p.group, p.target, &mut p.routed));
        }
        let caps = self.shares_of_capacity(target, attempts);
        let mut from = 0;
        for p in attempts.iter_mut() {
            let routed = std::mem::replace(&mut p.routed, Routed::Listed(Vec::new()));
            let to = from + listed(&routed).len();
            let batch = std::mem::take(&mut p.batch);
            self.put_batch(p.group, batch, routed, target, &caps[from..to]);
            from = to;
        }
        self.round_lists.caps = caps;
    }

    /// An attempt's records as a list per shard: fresh ones get their sizes
    /// drawn (as the single-attempt path draws them, shard by shard), and
    /// records for shards that resharding closed go to the children.
    fn listed(&mut self, group: usize, target: usize, routed: &mut Routed) -> Vec<ShardRecords> {
        let p = &self.producers[self.groups[group].lead()];
        let stream = &self.streams[target];
        match std::mem::replace(routed, Routed::Listed(Vec::new())) {
            Routed::Fresh(counts) => {
                let g = &mut self.groups[group];
                let mut listed = g.spare.shards();
                listed.extend(
                    counts.iter().zip(&stream.open).filter(|&(&records, _)| records > 0).map(
                        |(&records, &shard)| ShardRecords {
                            shard,
                            records,
                            data_bytes: p.draw_data_bytes(records, &mut g.rng),
                        },
                    ),
                );
                self.scratch = counts;
                listed
            }
            Routed::Listed(per_shard) => reroute_closed(stream, &p.shares, per_shard),
        }
    }

    /// For each attempt, how many of its records each of its shards may
    /// accept (parallel to its list; `u64::MAX` where the shard can take
    /// everything due), the attempts' caps one after the other. The list
    /// goes back to [`RoundLists`] when the round is done with it.
    fn shares_of_capacity(&mut self, target: usize, attempts: &[Pending]) -> Vec<u64> {
        let mut caps = std::mem::take(&mut self.round_lists.caps);
        caps.clear();
        caps.resize(attempts.iter().map(|p| listed(&p.routed).len()).sum(), u64::MAX);
        // Most shards see one attempt: count, and look closer only at the
        // shards that several attempts meet on.
        let mut on_shard = std::mem::take(&mut self.scratch);
        on_shard.clear();
        on_shard.resize(self.streams[target].shards.len(), 0);
        for s in attempts.iter().flat_map(|p| listed(&p.routed)) {
            on_shard[s.shard] += 1;
        }
        let mut demands = std::mem::take(&mut self.round_lists.demands);
        demands.clear();
        let mut from = 0;
        for (a, p) in attempts.iter().enumerate() {
            let producer = &self.producers[self.groups[p.group].lead()];
            let key_bytes = u64::from(producer.spec.partition_key_bytes);
            let list = listed(&p.routed);
            for (i, s) in list.iter().enumerate().filter(|(_, s)| on_shard[s.shard] > 1) {
                demands.push(Demand {
                    shard: s.shard,
                    attempt: a,
                    index: from + i,
                    records: s.records,
                    record_bytes: s.data_bytes + key_bytes,
                    per: producer.per_kinesis_record(s.data_bytes).max(1),
                });
            }
            from += list.len();
        }
        self.scratch = on_shard;
        demands.sort_by_key(|d| (d.shard, d.attempt));
        let mut shares = std::mem::take(&mut self.round_lists.shares);
        let mut rest = demands.as_slice();
        while let Some(first) = rest.first() {
            let n = rest.iter().take_while(|d| d.shard == first.shard).count();
            let (on_shard, others) = rest.split_at(n);
            rest = others;
            let room = self.streams[target].shards[first.shard].write_room(self.now);
            let rng = &mut self.rngs[self.stream_nodes[target]];
            if share_room(on_shard, room, rng, &mut shares) {
                for (d, &share) in on_shard.iter().zip(&shares) {
                    caps[d.index] = share;
                }
            }
        }
        self.round_lists.demands = demands;
        self.round_lists.shares = shares;
        caps
    }

    /// One attempt for a batch to stream slot `target`: its records go out
    /// in as many PutRecords (or PutRecord) requests as the caps demand,
    /// packed into aggregated records if the producer aggregates; what the
    /// shards throttle is retried with backoff or given up after the last
    /// attempt. A fresh batch goes from the routing draw straight to the
    /// shards, one pass and no list of its own. `caps`, when not empty,
    /// holds for each listed shard how many records it may accept (its
    /// share of a contended shard).
    fn put_batch(
        &mut self,
        group: usize,
        mut batch: RetryBatch,
        routed: Routed,
        target: usize,
        caps: &[u64],
    ) {
        let lead = self.groups[group].lead();
        let p = &self.producers[lead];
        // What is refused goes back in the batch, in a reused list.
        let g = &mut self.groups[group];
        g.spare.keep_shards(std::mem::take(&mut batch.per_shard));
        let mut refused = g.spare.shards();
        let rng = &mut self.groups[group].rng;
        let stream = &mut self.streams[target];
        let (now, born_ms) = (self.now, batch.born_ms);
        batch.attempts += 1;
        // Only enhanced fan-out readers wait to be woken; most streams have
        // none, so the shards written are only listed for those that do.
        let pushes = stream.efo_readers > 0;
        let routed = match routed {
            // Records meant for a shard that resharding closed go to its
            // children (a contended round listed them so already).
            Routed::Listed(per_shard) if caps.is_empty() => {
                Routed::Listed(reroute_closed(stream, &p.shares, per_shard))
            }
            routed => routed,
        };
        let mut written = Vec::new();
        let mut tally = Tally::default();
        let mut write = |mut s: ShardRecords, cap: u64| {
            if tally.write(&mut stream.shards[s.shard], (now, born_ms), &mut s, cap, p) && pushes {
                written.push(s.shard);
            }
            if s.records > 0 {
                refused.push(s);
            }
        };
        let (mut spare, mut listed) = (None, None);
        match routed {
            Routed::Fresh(counts) => {
                for (&records, &shard) in counts.iter().zip(&stream.open) {
                    if records > 0 {
                        let data_bytes = p.draw_data_bytes(records, rng);
                        write(ShardRecords { shard, records, data_bytes }, u64::MAX);
                    }
                }
                spare = Some(counts);
            }
            Routed::Listed(mut per_shard) => {
                let caps = caps.iter().copied().chain(std::iter::repeat(u64::MAX));
                per_shard.drain(..).zip(caps).for_each(|(s, cap)| write(s, cap));
                listed = Some(per_shard);
            }
        }
        if let Some(counts) = spare {
            self.scratch = counts;
        }
        if let Some(list) = listed {
            self.groups[group].spare.keep_shards(list);
        }
        batch.per_shard = refused;
        tally.end_run();
        let t = tally;
        let stream = &self.streams[target];
        // aws-facts 2.1 and 2.2: PUT payload units in provisioned mode, data in on demand.
        if stream.is_on_demand() {
            // Each aggregate is one data record, billed at its size; user
            // records sent as they are, at their size law's expected one.
            let billed = if p.spec.aggregation.is_some() {
                t.aggregated_billed
            } else {
                self.producers[lead].on_demand_billed(t.accepted)
            };
            self.cost.on_demand_in(billed);
        } else if p.spec.aggregation.is_some() {
            self.cost.put_units(t.aggregated_units);
        } else {
            // Unaggregated records are billed by their count alone, once per attempt.
            let units = self.producers[lead].payload_units(t.accepted);
            self.cost.put_units(units);
        }
        let requests = self.pack_requests(group, t.kinesis_sent, t.request_bytes);
        let m = &mut self.metrics[self.stream_nodes[target]];
        m.add(metrics::stream::INCOMING_RECORDS, t.kinesis_put as f64);
        m.add(metrics::stream::INCOMING_BYTES, t.bytes_put as f64);
        // CloudWatch counts Kinesis records here (aggregates, not user records).
        m.add(metrics::stream::WRITE_THROTTLED, (t.kinesis_sent - t.kinesis_put) as f64);
        let outcome = Attempt {
            accepted: t.accepted,
            data_put: t.data_put,
            kinesis_put: t.kinesis_put,
            requests,
            throttled: t.throttled,
        };
        self.settle(group, batch, outcome);
        for shard in written {
            self.wake_pushes(target, shard);
        }
    }

    /// Requests an attempt adds: a group's attempts in one millisecond (a
    /// batch and the retries that go out with it) are packed into the same
    /// PutRecords requests, so each adds what the pack grew by.
    fn pack_requests(&mut self, group: usize, kinesis_records: u64, bytes: u64) -> u64 {
        let g = &mut self.groups[group];
        if g.pack.at != self.now {
            g.pack = RequestPack { at: self.now, ..RequestPack::default() };
        }
        g.pack.kinesis_records += kinesis_records;
        g.pack.bytes += bytes;
        let p = &self.producers[g.lead()];
        let requests = p.requests(g.pack.kinesis_records, g.pack.bytes);
        requests - std::mem::replace(&mut g.pack.requests, requests)
    }

    /// Shares an attempt's outcome among the group's members, then gives
    /// up on what was refused after the last attempt or schedules its
    /// retry with backoff. The same for every target.
    pub(crate) fn settle(&mut self, group: usize, mut batch: RetryBatch, outcome: Attempt) {
        let Attempt { accepted, data_put, kinesis_put, requests, throttled } = outcome;
        let lead = self.groups[group].lead();
        let give_up = batch.attempts >= self.producers[lead].spec.retry.max_attempts;
        // Each member's part of the four figures, in a buffer the run keeps:
        // this runs for every attempt.
        let n = batch.members.len();
        let mut shares = std::mem::take(&mut self.scratch);
        shares.resize(4 * n, 0);
        for (figure, total) in [accepted, data_put, kinesis_put, requests].into_iter().enumerate() {
            apportion_into(total, &batch.members, &mut shares[figure * n..(figure + 1) * n]);
        }
        // What each member had refused stays in the batch, in place, for
        // the retry: the members' list is reused, not built again.
        let mut kept = 0;
        let [put, data, kinesis, calls] = [0, 1, 2, 3].map(|f| &shares[f * n..(f + 1) * n]);
        for i in 0..n {
            let (slot, count) = batch.members[i];
            let node = self.producer_nodes[slot];
            let m = &mut self.metrics[node];
            m.add(metrics::producer::USER_RECORDS_PUT, put[i] as f64);
            m.add(metrics::producer::USER_RECORDS_DATA_PUT, data[i] as f64);
            m.add(metrics::producer::KINESIS_RECORDS_PUT, kinesis[i] as f64);
            m.add(metrics::producer::REQUESTS, calls[i] as f64);
            let refused = count - put[i];
            if refused == 0 {
                continue;
            }
            let member = &mut self.producers[slot];
            if give_up {
                member.given_up += refused;
                m.add(metrics::producer::USER_RECORD_EXPIRED, refused as f64);
            } else {
                member.pending_retry += refused;
                m.add(metrics::producer::RETRIES, refused as f64);
                batch.members[kept] = (slot, refused);
                kept += 1;
            }
        }
        batch.members.truncate(kept);
        self.scratch = shares;
        debug_assert_eq!(
            batch.members.iter().map(|m| m.1).sum::<u64>(),
            if give_up { 0 } else { throttled }
        );
        if throttled == 0 || give_up {
            return self.groups[group].spare.recycle(batch);
        }
        self.schedule_retries(group, batch);
    }

    /// The retry due now for a group after `attempts` attempts.
    fn due_retry(&mut self, group: usize, attempts: u32) -> RetryBatch {
        let retries = &mut self.groups[group].retries;
        let key = (self.now, attempts);
        // Entries come due in their order: the one due is nearly always first.
        let due = if retries.front().is_some_and(|e| e.0 == key) {
            retries.pop_front()
        } else {
            let at = retries.binary_search_by_key(&key, |e| e.0);
            at.ok().and_then(|i| retries.remove(i))
        };
        due.expect("a retry event has its batch").1
    }

    /// Puts refused records back on the group's retry calendar, split
    /// over the batches they go out with ([`RetrySpread`]). Pieces due with
    /// the same batch after the same attempts join one calendar entry:
    /// retry events stay at most one per batch and attempt count, whatever
    /// the records.
    fn schedule_retries(&mut self, group: usize, batch: RetryBatch) {
        let p = &self.producers[self.groups[group].lead()];
        let g = &mut self.groups[group];
        // A retry goes out with the producer's first batch after its
        // backoff; what is retried is a Kinesis record (with KPL
        // aggregation, a whole aggregate of user records).
        let interval = p.spec.batching.max_buffered_ms;
        if let Some(at) = g.spread.start(p, batch.attempts, self.now, interval) {
            return self.add_retry(group, at, batch);
        }
        for &s in &batch.per_shard {
            g.spread.split(p, s, p.per_kinesis_record(s.data_bytes), &mut g.rng);
        }
        let pieces = g.spread.take_pieces();
        // Members share each due time's records in proportion to what they
        // still have waiting, so each member's parts add up to its refused.
        let RetryBatch { attempts, per_shard: sent, members: mut left, born_ms } = batch;
        let mut shares = std::mem::take(&mut self.scratch);
        shares.resize(left.len(), 0);
        let mut rest = pieces.as_slice();
        while let Some(&(at, _)) = rest.first() {
            let n = rest.iter().take_while(|piece| piece.0 == at).count();
            let (due, later) = rest.split_at(n);
            rest = later;
            let records = due.iter().map(|piece| piece.1.records).sum();
            apportion_into(records, &left, &mut shares);
            let g = &mut self.groups[group];
            let mut members = g.spare.members();
            for (member, &share) in left.iter_mut().zip(&shares) {
                if share > 0 {
                    member.1 -= share;
                    members.push((member.0, share));
                }
            }
            let mut per_shard = g.spare.shards();
            per_shard.extend(due.iter().map(|piece| piece.1));
            self.add_retry(group, at, RetryBatch { attempts, per_shard, members, born_ms });
        }
        self.scratch = shares;
        let g = &mut self.groups[group];
        g.spread.give_back(pieces);
        g.spare.keep_shards(sent);
        g.spare.keep_members(left);
    }

    /// Adds a retry to the group's calendar entry for its time and
    /// attempts, scheduling the entry's event when it is new.
    fn add_retry(&mut self, group: usize, at: SimTime, retry: RetryBatch) {
        let key = (at, retry.attempts);
        let retries = &self.groups[group].retries;
        // A new entry is nearly always the latest yet: look at the back first.
        let found = match retries.back() {
            Some(last) if last.0 < key => Err(retries.len()),
            _ => retries.binary_search_by_key(&key, |e| e.0),
        };
        let i = match found {
            Ok(i) => i,
            Err(i) => {
                self.schedule(at, Action::ProducerRetry { group: group as u32, attempts: key.1 });
                return self.groups[group].retries.insert(i, (key, retry));
            }
        };
        let g = &mut self.groups[group];
        let entry = &mut g.retries[i].1;
        entry.attempts = retry.attempts;
        if entry.per_shard.is_empty() {
            entry.per_shard = retry.per_shard;
            entry.members = retry.members;
            entry.born_ms = retry.born_ms;
            return;
        }
        entry.born_ms = born_blend(entry.born_ms, entry.records(), retry.born_ms, retry.records());
        entry.per_shard.extend_from_slice(&retry.per_shard);
        // Both member lists are in slot order: merge them in one pass.
        let mine = std::mem::replace(&mut entry.members, g.spare.members());
        let (mut a, mut b) =
            (mine.iter().copied().peekable(), retry.members.iter().copied().peekable());
        while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
            entry.members.push(match x.0.cmp(&y.0) {
                std::cmp::Ordering::Less => a.next().expect("peeked"),
                std::cmp::Ordering::Greater => b.next().expect("peeked"),
                std::cmp::Ordering::Equal => {
                    a.next();
                    b.next();
                    (x.0, x.1 + y.1)
                }
            });
        }
        entry.members.extend(a.chain(b));
        g.spare.keep_members(mine);
        g.spare.recycle(retry);
    }
}

/// Records re-listed for the open children of any closed shard in the list.
fn reroute_closed(
    stream: &crate::kinds::Stream,
    shares: &[f64],
    per_shard: Vec<ShardRecords>,
) -> Vec<ShardRecords> {
    if per_shard.iter().all(|s| stream.shards[s.shard].is_open()) {
        return per_shard;
    }
    let (mut routed, mut split) = (Vec::with_capacity(per_shard.len() + 1), Vec::new());
    for s in &per_shard {
        split.clear();
        stream.reroute(s.shard, s.records, shares, &mut split);
        routed.extend(split.iter().map(|&(shard, records)| ShardRecords {
            shard,
            records,
            data_bytes: s.data_bytes,
        }));
    }
    routed
}

/// The order writes of one round are cut and taken in: by group, fresh
/// batches before retries, retries by their attempts. Queue sends come
/// after, by producer, then a queue producer's retries by their attempts.
fn write_key(action: &Action) -> (u8, u32, u32) {
    match action {
        Action::ProducerBatch { group } => (0, *group, 0),
        Action::ProducerRetry { group, attempts } => (1, *group, *attempts),
        Action::ProducerSend { slot } => (2, *slot, 0),
        Action::QueueSendRetry { slot, batch } => (3, *slot, batch.attempts),
        _ => (4, 0, 0),
    }
}

/// One attempt's records for one shard, in a contended round.
#[derive(Clone, Debug)]
struct Demand {
    shard: usize,
    attempt: usize,
    index: usize,
    records: u64,
    record_bytes: u64,
    per: u64,
}

/// An attempt's list, once routed into one.
fn listed(routed: &Routed) -> &[ShardRecords] {
    match routed {
        Routed::Listed(list) => list,
        Routed::Fresh(_) => unreachable!("a contended round lists every attempt first"),
    }
}

/// Kinesis records `records` user records make, `per` to a record.
fn kinesis_records(records: u64, per: u64) -> u64 {
    if per == 1 { records } else { records.div_ceil(per) }
}

/// Shares a shard's whole `(records, bytes)` of room among the demands due
/// on it in one millisecond, in proportion to their records; `None` when
/// the room takes them all. Each gets the same fraction of its records,
/// rounded down; the whole units left go to demands chosen at random with
/// a chance equal to their fractional part (systematic sampling), so every
/// record due in the millisecond has the same chance of a unit, as if each
/// had arrived at its own random instant within it. A chosen demand takes
/// its unit only while the room still holds it (the byte limit or a KPL
/// aggregate can make a unit not fit). The shares go into `shares`, one
/// per demand; false, and nothing written, when the room takes them all.
fn share_room(
    demands: &[Demand],
    (records_room, bytes_room): (u64, u64),
    rng: &mut NodeRng,
    shares: &mut Vec<u64>,
) -> bool {
    let want_records: u64 = demands.iter().map(|d| kinesis_records(d.records, d.per)).sum();
    let want_bytes: u64 = demands.iter().map(|d| d.records * d.record_bytes).sum();
    if want_records <= records_room && want_bytes <= bytes_room {
        return false;
    }
    let fraction = (records_room as f64 / want_records.max(1) as f64)
        .min(bytes_room as f64 / want_bytes.max(1) as f64)
        .min(1.0);
    let exact = |d: &Demand| d.records as f64 * fraction;
    shares.clear();
    shares.extend(demands.iter().map(|d| (exact(d).floor() as u64).min(d.records)));
    let (mut used_records, mut used_bytes) = demands
        .iter()
        .zip(shares.iter())
        .fold((0, 0), |(r, b), (d, &n)| (r + kinesis_records(n, d.per), b + n * d.record_bytes));
    let mut mark = rng.unit();
    let mut reached = 0.0;
    for (i, d) in demands.iter().enumerate() {
        reached += exact(d) - shares[i] as f64;
        if reached <= mark || shares[i] >= d.records {
            continue;
        }
        mark += 1.0;
        let records = kinesis_records(shares[i] + 1, d.per) - kinesis_records(shares[i], d.per);
        if used_records + records <= records_room && used_bytes + d.record_bytes <= bytes_room {
            shares[i] += 1;
            used_records += records;
            used_bytes += d.record_bytes;
        }
    }
    true
}

/// What one attempt of a batch did, in the units the producer's metrics
/// count.
pub(crate) struct Attempt {
    /// User records accepted.
    pub accepted: u64,
    /// Data bytes accepted.
    pub data_put: u64,
    /// Records as the target counts them (Kinesis records, aggregates once).
    pub kinesis_put: u64,
    /// Requests sent.
    pub requests: u64,
    /// User records refused.
    pub throttled: u64,
}

#[cfg(test)]
mod tests {
    use super::{apportion, apportion_into};

    #[test]
    fn apportioning_adds_up_and_follows_the_counts() {
        let thirds = apportion(10, &[(0, 1), (1, 1), (2, 1)]);
        assert_eq!(thirds.iter().sum::<u64>(), 10);
        assert!(thirds.iter().all(|&p| p == 3 || p == 4));
        assert_eq!(apportion(7, &[(0, 100)]), vec![7]);
        assert_eq!(apportion(5, &[(0, 0), (1, 10)]), vec![0, 5]);
        assert_eq!(apportion(0, &[(0, 3), (1, 4)]), vec![0, 0]);
        assert_eq!(apportion(0, &[(0, 0), (1, 0)]), vec![0, 0]);
        // Into a buffer that held other parts: the same split.
        let mut reused = [9, 9];
        apportion_into(5, &[(0, 0), (1, 10)], &mut reused);
        assert_eq!(reused, [0, 5]);
        let parts = apportion(999, &[(0, 333), (1, 333), (2, 334)]);
        assert_eq!(parts.iter().sum::<u64>(), 999);
        assert!(parts.iter().zip([333, 333, 334]).all(|(&p, c)| p <= c));
    }
}
