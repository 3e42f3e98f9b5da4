//! The bound on what a KCL application holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::Lease;
use crate::budget::{EstimateKind, Estimator, per_s};
use crate::engine::MemoryPart;
use crate::memory::{buffer, grown_buffer};
use crate::scenario::{Forward, KclSpec, NodeIndex, ProducerSpec};

impl Estimator<'_> {
    /// A KCL application: a reader and a lease per shard, its workers.
    pub(crate) fn kcl_app(&mut self, node: NodeIndex, k: &KclSpec) {
        let per_s = 2.0 * per_s(k.idle_time_between_reads_ms);
        self.reader(node, per_s, "raise idle_time_between_reads_ms");
        let shards = self.source_shards(node);
        self.mem(node, MemoryPart::Shards, "KCL leases", grown_buffer::<Lease>(shards));
        self.add(node, buffer::<bool>(k.workers as usize));
        // Lease renewals, takeovers and balancing per worker.
        self.pending += 2 * u64::from(k.workers) + shards;
    }
}

impl EstimateKind for crate::scenario::KclSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.kcl_app(node, self);
    }

    fn forward(&self) -> Option<Forward> {
        Some(self.forward)
    }

    fn reader_rate(&self) -> (f64, &'static str) {
        (per_s(self.idle_time_between_reads_ms), "idle_time_between_reads_ms")
    }

    fn polls_per_s(&self, reader_rate: f64) -> Option<f64> {
        Some(reader_rate)
    }

    fn messages_sent(&self, e: &Estimator<'_>, node: NodeIndex) -> f64 {
        e.forwarded_batches_per_s(node)
    }

    fn queue_receivers(&self, _: &Estimator<'_>) -> u64 {
        0
    }

    fn producer_writes(
        &self,
        _: &Estimator<'_>,
        _: NodeIndex,
        _: &ProducerSpec,
    ) -> (u64, &'static str) {
        (1, "PutRecordBatch calls")
    }
}
