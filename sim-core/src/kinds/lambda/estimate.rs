//! The bound on what a Lambda function holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::{
    Events, KafkaPartition, LANE_COHORTS, Lane, MAX_EVENT_COHORTS, Poller, STREAM_POLL_MS, ShardEsm,
};
use crate::budget::{EstimateKind, Estimator, Reads, per_s};
use crate::engine::MemoryPart;
use crate::kinds::stream::Cohort;
use crate::memory::{btree, grown_buffer};
use crate::scenario::{Forward, LambdaSpec, NodeIndex, NodeKind, ProducerSpec};
use crate::time::{SECOND, SimTime};

impl Estimator<'_> {
    /// A function: its pollers, batches in flight and concurrency.
    pub(crate) fn function(&mut self, node: NodeIndex, l: &crate::scenario::LambdaSpec) {
        let e = &l.event_source;
        let duration = (l.overhead_ms + l.per_record_ms).max(1.0);
        let source = self.valid.reads_from(node).map(|s| (s, self.kind(s)));
        let reads_stream = source.is_some_and(|(_, k)| k == NodeKind::KinesisStream);
        let cap = u64::from(l.reserved_concurrency.unwrap_or(l.account_concurrency));
        if let Some((_, NodeKind::SnsTopic)) = source {
            // aws-facts 5.4: an invocation per event, each ending once, at
            // most the concurrency's worth at a time; the event queue's
            // cohorts are bounded (MAX_EVENT_COHORTS).
            let invocations = cap as f64 * 1_000.0 / duration;
            let remedy = "lower reserved_concurrency or lengthen the invocation";
            self.work(node, "asynchronous invocations", invocations + 1.0, remedy);
            let bytes = grown_buffer::<Events>(MAX_EVENT_COHORTS as u64);
            self.mem(node, MemoryPart::Queues, "its asynchronous event queue", bytes);
            self.pending += cap;
            return;
        }
        if let Some((cluster, NodeKind::MskCluster)) = source {
            // aws-facts-more 3: one batch at a time per partition, a poll
            // and an end each.
            let partitions = match &self.s.node(cluster).spec {
                crate::scenario::NodeSpec::MskCluster(m) => u64::from(m.partitions.max(1)),
                _ => 1,
            };
            let batch = f64::from(e.batch_size.unwrap_or(100).max(1));
            let per_batch = (l.overhead_ms + l.per_record_ms * batch).max(1.0);
            let batches = partitions as f64 * 1_000.0 / per_batch.min(duration.max(1.0));
            let remedy = "use fewer partitions or larger batches";
            self.work(node, "batches", 2.0 * batches + 1.0, remedy);
            let bytes =
                grown_buffer::<KafkaPartition>(partitions) + grown_buffer::<u64>(partitions);
            self.mem(node, MemoryPart::Shards, "its event source per partition", bytes);
            self.pending += 2 * partitions;
            return;
        }
        if reads_stream {
            // aws-facts 5.1: a poll a second per shard, and again at once
            // after each batch while behind.
            let factor = f64::from(e.parallelization_factor.max(1));
            let per_shard = 2.0 * (per_s(STREAM_POLL_MS) + factor * 1_000.0 / duration);
            self.reader(node, per_shard, "lower event_source.parallelization_factor");
            let shards = self.source_shards(node);
            // A poller per shard with a lane per concurrent batch, each
            // holding at most LANE_COHORTS cohorts (kinds/lambda/mod.rs), and
            // the poison records drawn among what the lanes hold: a blocked
            // lane holds its keys' records for as long as it stays blocked,
            // at most all a shard takes (aws-facts 1.1: 1,000 records/s).
            let lanes = u64::from(e.parallelization_factor.max(1));
            let lane = grown_buffer::<Cohort>(LANE_COHORTS as u64);
            let poison = if l.poison_rate > 0.0 {
                let read = 1_000.0 * (self.horizon / SECOND) as f64;
                btree::<u64, ()>((l.poison_rate * 1.1 * read).ceil() as usize + 10)
            } else {
                0
            };
            let per_shard = grown_buffer::<Lane>(lanes) + grown_buffer::<f64>(lanes) + lanes * lane;
            let bytes = grown_buffer::<ShardEsm>(shards) + shards * (per_shard + poison);
            self.mem(node, MemoryPart::Shards, "its event source per shard", bytes);
        } else {
            // Each batch a receive, a window's end and an invocation's.
            let pollers = self.esm_batches(l);
            let per_poller = 3.0 * 1_000.0 / duration + 1.0;
            let remedy = "lower event_source.maximum_concurrency";
            self.work(node, "batches", pollers as f64 * per_poller, remedy);
            let receipts = u64::from(e.batch_size.unwrap_or(10));
            let bytes = grown_buffer::<Poller>(pollers)
                + pollers * grown_buffer::<(SimTime, u64)>(receipts);
            self.mem(node, MemoryPart::Queues, "batches being filled or processed", bytes);
            self.pending += 3 * pollers;
        }
    }
}

impl EstimateKind for LambdaSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.function(node, self);
    }

    // An event source polls a stream again at once while behind.
    fn reads(&self, e: &Estimator<'_>) -> Option<Reads> {
        let receivers = e.esm_batches(self);
        Some(Reads { per_s: 1.0, set_by: "the source", polls_per_s: Some(5.0), receivers })
    }

    fn forward(&self) -> Option<Forward> {
        None
    }

    // Its failure notices, to its on-failure destination.
    fn messages_sent(&self, e: &Estimator<'_>, node: NodeIndex) -> Option<f64> {
        Some(e.forwarded_batches_per_s(node))
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
