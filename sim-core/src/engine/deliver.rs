//! Hand-offs between nodes: the one place a node gives records to another
//! (a delivery stream's readers to its buffer, a consumer forwarding what
//! it processed to a stream or a delivery stream).
//!
//! For the ledger a hand-off ends a record's life at the sending stage
//! (processed there) and starts a new record at the receiving stage, so
//! every stage balances on its own; what the receiver refuses is in flight
//! while it waits for a retry, and throttled and dropped after the last.

use crate::cost::{on_demand_billed_bytes, put_payload_units};
use crate::kinds::firehose::Firehose;
use crate::kinds::{Batch, RecordSize};
use crate::metrics;
use crate::scenario::{NodeIndex, with_kind};

use super::{Action, EngineKind, Simulation};
use crate::time::SimTime;

/// Attempts a forwarding stage makes to hand records on, the first
/// included: the AWS SDKs' standard retry mode (3 attempts, throttling
/// retried with backoff). Not in aws-facts: MODEL.md says so.
pub(crate) const FORWARD_ATTEMPTS: u32 = 3;
/// Backoff before the first retry of a hand-off, doubling per attempt,
/// with equal jitter (as the producers' retries).
const FORWARD_BACKOFF_MS: SimTime = 100;

/// Refused records of a hand-off waiting for their retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Redelivery {
    /// The node handing the records on.
    pub from: NodeIndex,
    pub batch: Batch,
    /// Attempts made so far.
    pub attempts: u32,
}

impl Simulation {
    /// Node `from` gives `batch` to node `to`; returns the records it
    /// accepted now. What the receiver refuses is retried like an SDK
    /// retries a throttled put, and dropped after the last attempt.
    pub(crate) fn deliver(&mut self, from: NodeIndex, to: NodeIndex, batch: Batch) -> u64 {
        if batch.is_empty() {
            return 0;
        }
        self.handed_off += batch.records;
        self.deliver_attempt(to, Redelivery { from, batch, attempts: 0 })
    }

    /// A hand-off's retry came due.
    pub(crate) fn redeliver(&mut self, to: NodeIndex, retry: Redelivery) {
        self.redelivering -= retry.batch.records;
        self.deliver_attempt(to, retry);
    }

    fn deliver_attempt(&mut self, to: NodeIndex, mut retry: Redelivery) -> u64 {
        let batch = retry.batch;
        let slot = self.slots[to].slot;
        let from = retry.from;
        let accepted = with_kind!(self.slots[to].kind, S => S::accept(self, slot, from, batch));
        let refused = batch.records - accepted;
        retry.attempts += 1;
        if refused == 0 {
            return accepted;
        }
        if retry.attempts >= FORWARD_ATTEMPTS {
            self.handoff_dropped += refused;
            return accepted;
        }
        let mut rest = batch;
        rest.take_front(accepted);
        self.redelivering += refused;
        let cap = FORWARD_BACKOFF_MS << (retry.attempts - 1);
        let half = cap as f64 / 2.0;
        let delay = libm::round(half + self.rngs[to].uniform(0.0, half)) as SimTime;
        retry.batch = rest;
        let action = Action::Redeliver { to: to.get() as u32, retry: Box::new(retry) };
        self.schedule(self.now + delay.max(1), action);
        accepted
    }

    /// A delivery stream takes a batch: from its own stream readers without
    /// a quota (aws-facts 3.2: the Direct PUT quota does not apply), from a
    /// forwarding consumer through the Direct PUT quotas.
    pub(crate) fn firehose_take(&mut self, slot: usize, batch: Batch) -> u64 {
        let per_record = batch.bytes / batch.records;
        let node = self.firehose_nodes[slot];
        let fh = &mut self.firehoses[slot];
        let (accepted, requests) = if fh.reads_stream {
            let m = &mut self.metrics[node];
            m.add(metrics::firehose::READ_FROM_STREAM_BYTES, batch.bytes as f64);
            (batch.records, 0)
        } else {
            let requests = Firehose::requests_for(batch.records, per_record, u64::MAX, u64::MAX);
            let out = fh.put(self.now, batch.records, per_record, requests);
            (out.accepted, out.requests)
        };
        // What arrives here has a known mean size only: each record billed
        // at that size rounded up to 5 KB (aws-facts 2.3).
        let billed = accepted * crate::cost::firehose_billed_bytes(per_record);
        let throttled = batch.records - accepted;
        let taken = Batch::arriving(accepted, accepted * per_record, self.now, batch.born_ms);
        self.firehose_accept(slot, taken, billed, requests, throttled);
        accepted
    }

    /// A stream takes a forwarded batch: spread over the open shards in
    /// proportion to their hash ranges (keys assumed uniform) and written
    /// within each shard's limits, which count data and keys (aws-facts
    /// 1.1); the rest is throttled. It is billed on the data alone: PUT
    /// payload units are chunks of a record's payload (aws-facts 2.1), as
    /// for a producer's records.
    pub(crate) fn stream_take(&mut self, slot: usize, batch: Batch) -> u64 {
        let node = self.stream_nodes[slot];
        let stream = &mut self.streams[slot];
        let per_record = (batch.bytes / batch.records).max(1);
        let key_bytes = batch.key_bytes / batch.records;
        let size = RecordSize { bytes: per_record + key_bytes, key_bytes };
        // Hash-range widths scaled into u64 (2^64 units of the key space).
        let widths: Vec<(usize, u64)> = stream
            .open
            .iter()
            .map(|&i| {
                (i, ((stream.shards[i].range.end - stream.shards[i].range.start) >> 64) as u64)
            })
            .collect();
        let parts = crate::kinds::stream::writes::apportion(batch.records, &widths);
        let (mut accepted, mut written) = (0, Vec::new());
        for (&(shard, _), &n) in widths.iter().zip(&parts) {
            if n == 0 {
                continue;
            }
            let out = stream.shards[shard].put_at_most(self.now, n, n, size, 1, batch.born_ms);
            if out.accepted > 0 {
                written.push(shard);
            }
            accepted += out.accepted;
        }
        let on_demand = stream.is_on_demand();
        let m = &mut self.metrics[node];
        m.add(metrics::stream::INCOMING_RECORDS, accepted as f64);
        m.add(metrics::stream::INCOMING_BYTES, (accepted * size.bytes) as f64);
        m.add(metrics::stream::WRITE_THROTTLED, (batch.records - accepted) as f64);
        // aws-facts 2.1 and 2.2: PUT payload units, or on-demand data in.
        if on_demand {
            self.cost.on_demand_in(accepted * on_demand_billed_bytes(per_record));
        } else {
            self.cost.put_units(accepted * put_payload_units(per_record));
        }
        for shard in written {
            self.wake_pushes(slot, shard);
        }
        accepted
    }
}
