//! The bound on what a producer holds and does per simulated second, for
//! [`crate::budget::estimate`].

use crate::budget::{EstimateKind, Estimator, Reads, per_s};
use crate::engine::{retry_bytes, same_group};
use crate::kinds::Target;
use crate::memory::{buffer, grown_buffer};
use crate::scenario::{Forward, with_spec};
use crate::scenario::{
    KeyDistribution, NodeIndex, NodeKind, NodeSpec, ProducerSpec, QueueType, Scenario, Traffic,
};

impl<'a> Estimator<'a> {
    /// A producer: its batches, retries and what waits for a retry.
    pub(crate) fn producer(&mut self, node: NodeIndex, p: &'a ProducerSpec) {
        let Some(target) = self.valid.sends_to(node) else { return };
        let batches = per_s(p.batching.max_buffered_ms);
        let attempts = f64::from(p.retry.max_attempts.max(1));
        let series = match &p.traffic {
            Traffic::Step { steps, .. } => steps.len(),
            Traffic::Replay { csv, .. } => csv.lines().count(),
            _ => 0,
        };
        // Shares of the shards open at the start, and a step or replay
        // series (three columns, each collected twice over at most).
        let shares = self.shards[target].max(1);
        self.add(node, buffer::<f64>(shares as usize) + 3 * grown_buffer::<f64>(series as u64));
        // Producers that differ only in rate and traffic shape share one
        // routing draw and one write per shard per batch (kinds/stream/writes.rs):
        // the group is counted once, at its first member.
        // (A target's node index stands in for its slot: only equality matters here.)
        let target_of =
            |n| Target::Stream(self.valid.sends_to(n).map_or(usize::MAX, NodeIndex::get));
        let leads = NodeIndex::all(node.get()).all(|other| match &self.s.node(other).spec {
            NodeSpec::Producer(q) => !same_group(q, target_of(other), p, target_of(node)),
            _ => true,
        });
        if !leads {
            return;
        }
        let members: Vec<&ProducerSpec> = self
            .producers_into(target)
            .filter(|(i, q)| *i == node || same_group(q, target_of(*i), p, target_of(node)))
            .map(|(_, q)| q)
            .collect();
        let peak: f64 = members.iter().map(|q| self.peak_rate(q)).sum();
        let members = members.len() as u64;
        let (fan_out, per_batch) =
            with_spec!(&self.s.node(target).spec, s => s.producer_writes(self, target, p))
                .expect("validated wiring: a producer writes to a kind that takes its writes");
        let work = batches * attempts * (1.0 + fan_out as f64);
        self.work(node, per_batch, work, "raise batching.max_buffered_ms");
        self.pending += 1;
        if attempts <= 1.0 {
            return;
        }
        // Each retry waits its backoff (exponential, capped, with equal
        // jitter: between half the cap and the cap) and then, for a stream
        // or a delivery stream, the producer's next batch (kinds/stream/writes.rs).
        let batch_ms = p.batching.max_buffered_ms.max(1);
        let caps: Vec<u64> =
            (1..p.retry.max_attempts).map(|a| super::backoff_cap(&p.retry, a)).collect();
        let waited_s = caps.iter().map(|cap| cap + batch_ms).sum::<u64>() as f64 / 1_000.0;
        if matches!(self.kind(target), NodeKind::SqsQueue | NodeKind::SnsTopic) {
            // A refused send waits for its retry with its messages.
            let waiting = (batches * attempts * waited_s).ceil() as u64;
            self.pending += waiting;
            self.payload += waiting * 64;
            // A FIFO topic's refused messages keep their message groups: a
            // part per group (`fan_out`), at most one per message.
            let per_batch = (peak * batch_ms as f64 / 1_000.0).ceil() as u64;
            let parts = fan_out.min(per_batch);
            if self.kind(target) == NodeKind::SnsTopic && parts > 2 {
                self.payload += waiting * grown_buffer::<(u32, u64)>(parts);
            }
            return;
        }
        let (entries, pieces) = retry_calendar(&caps, batch_ms, fan_out, p);
        // No piece holds less than a record, and a record waits at most
        // every backoff and batch in turn.
        let pieces = pieces.min((peak * waited_s).ceil() as u64);
        self.pending += entries;
        self.payload += retry_bytes(entries, pieces, members);
    }
}

/// The message groups a producer's sends reach in a FIFO queue or a FIFO
/// topic (its keys, at most 10,000 tracked), or 1.
pub(crate) fn fifo_groups(s: &Scenario, target: NodeIndex, p: &ProducerSpec) -> u64 {
    let spec = &s.node(target).spec;
    let fifo = matches!(spec, NodeSpec::SqsQueue(q) if q.queue_type == QueueType::Fifo)
        || matches!(spec, NodeSpec::SnsTopic(t) if t.is_fifo());
    if !fifo {
        return 1;
    }
    let keys = match &p.keys {
        KeyDistribution::Uniform { count } | KeyDistribution::Zipf { count, .. } => *count,
        KeyDistribution::HotKey { count, .. } => count.saturating_add(1),
        KeyDistribution::ExplicitHashKey { hash_keys } => hash_keys.len() as u32,
    };
    u64::from(keys).clamp(1, 10_000)
}

/// The most entries a producer group's retry calendar holds, and the most
/// pieces of shards' records in them (kinds/stream/writes.rs), retrying after
/// backoffs up to `caps` (one per retry) with batches every `batch_ms` to
/// `fan_out` shards. Refused records of one attempt count wait their
/// backoff and then the next batch: an entry per batch time within the
/// longest wait, plus the edges. An entry gathers the refusals of the
/// batch times whose backoff range reaches it (half the cap wide); each
/// adds a piece per shard, or with records of varying size (each batch
/// its own average size, so pieces do not merge) every piece of the entry
/// it came from.
fn retry_calendar(caps: &[u64], batch_ms: u64, fan_out: u64, p: &ProducerSpec) -> (u64, u64) {
    let merges = matches!(p.record_size, crate::scenario::RecordSize::Fixed { .. });
    let (mut entries, mut pieces, mut per_entry) = (0u64, 0u64, 1u64);
    for &cap in caps {
        let due = cap.div_ceil(batch_ms) + 2;
        let gathered = (cap / 2).div_ceil(batch_ms) + 1;
        per_entry = gathered.saturating_mul(if merges { 1 } else { per_entry });
        entries += due;
        pieces = pieces.saturating_add(due.saturating_mul(fan_out).saturating_mul(per_entry));
    }
    (entries, pieces)
}

impl EstimateKind for ProducerSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.producer(node, self);
    }

    fn reads(&self, _: &Estimator<'_>) -> Option<Reads> {
        None
    }

    fn forward(&self) -> Option<Forward> {
        None
    }

    fn messages_sent(&self, e: &Estimator<'_>, _: NodeIndex) -> Option<f64> {
        Some(e.peak_rate(self))
    }

    fn producer_writes(
        &self,
        _: &Estimator<'_>,
        _: NodeIndex,
        _: &ProducerSpec,
    ) -> Option<(u64, &'static str)> {
        None
    }
}
