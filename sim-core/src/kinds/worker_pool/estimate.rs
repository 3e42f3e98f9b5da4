//! The bound on what a worker pool holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::Worker;
use crate::budget::{EstimateKind, Estimator, Reads};
use crate::memory::buffer;
use crate::scenario::{Forward, NodeIndex, ProducerSpec, WorkerPoolSpec};

impl Estimator<'_> {
    /// A worker pool: each worker's receive-process-delete cycle.
    pub(crate) fn worker_pool(&mut self, node: NodeIndex, w: &WorkerPoolSpec) {
        // Receive and finish per batch.
        let per_worker = 2.0 * 1_000.0 / cycle_ms(w);
        let workers = u64::from(w.workers);
        self.work(node, "workers' receives", workers as f64 * per_worker, "lower workers");
        self.add(node, buffer::<Worker>(w.workers as usize));
        self.pending += 2 * workers;
    }
}

impl EstimateKind for WorkerPoolSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.worker_pool(node, self);
    }

    fn reads(&self, _: &Estimator<'_>) -> Option<Reads> {
        let per_s = batches_per_s(self);
        let set_by = "workers";
        Some(Reads { per_s, set_by, polls_per_s: Some(per_s), receivers: u64::from(self.workers) })
    }

    fn forward(&self) -> Option<Forward> {
        Some(self.forward)
    }

    fn messages_sent(&self, _: &Estimator<'_>, _: NodeIndex) -> Option<f64> {
        Some(batches_per_s(self) * f64::from(self.max_messages) * self.forward.ratio)
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

/// Batches a second the pool's workers take at most.
fn batches_per_s(w: &WorkerPoolSpec) -> f64 {
    f64::from(w.workers) * 1_000.0 / cycle_ms(w)
}

/// One worker's batch: at least a millisecond or its processing time.
fn cycle_ms(w: &WorkerPoolSpec) -> f64 {
    (w.per_message_ms * f64::from(w.max_messages)).max(1.0)
}
