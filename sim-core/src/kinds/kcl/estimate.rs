//! The bound on what a KCL application holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::Lease;
use crate::budget::{Estimator, per_s};
use crate::engine::MemoryPart;
use crate::memory::{buffer, grown_buffer};
use crate::scenario::{KclSpec, NodeIndex};

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
