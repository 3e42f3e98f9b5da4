//! The bound on what a KCL application holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::Lease;
use crate::budget::{EstimateKind, Estimator, Reads, per_s};
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

impl EstimateKind for KclSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.kcl_app(node, self);
    }

    fn reads(&self, _: &Estimator<'_>) -> Option<Reads> {
        let per_s = per_s(self.idle_time_between_reads_ms);
        let set_by = "idle_time_between_reads_ms";
        Some(Reads { per_s, set_by, polls_per_s: Some(per_s), receivers: 0 })
    }

    fn forward(&self) -> Option<Forward> {
        Some(self.forward)
    }

    fn messages_sent(&self, _: &Estimator<'_>, _: NodeIndex) -> Option<f64> {
        None
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
