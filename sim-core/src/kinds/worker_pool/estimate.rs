//! The bound on what a worker pool holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::Worker;
use crate::budget::{EstimateKind, Estimator};
use crate::memory::buffer;
use crate::scenario::{Forward, NodeIndex, ProducerSpec, WorkerPoolSpec};

impl Estimator<'_> {
    /// A worker pool: each worker's receive-process-delete cycle.
    pub(crate) fn worker_pool(&mut self, node: NodeIndex, w: &WorkerPoolSpec) {
        // Receive and finish per batch; a batch of messages
        // takes at least a millisecond or its processing time.
        let cycle = (w.per_message_ms * f64::from(w.max_messages)).max(1.0);
        let per_worker = 2.0 * 1_000.0 / cycle;
        let workers = u64::from(w.workers);
        self.work(node, "workers' receives", workers as f64 * per_worker, "lower workers");
        self.add(node, buffer::<Worker>(w.workers as usize));
        self.pending += 2 * workers;
    }
}

impl EstimateKind for crate::scenario::WorkerPoolSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.worker_pool(node, self);
    }

    fn forward(&self) -> Option<Forward> {
        Some(self.forward)
    }

    fn reader_rate(&self) -> (f64, &'static str) {
        let cycle = (self.per_message_ms * f64::from(self.max_messages)).max(1.0);
        (f64::from(self.workers) * 1_000.0 / cycle, "workers")
    }

    fn polls_per_s(&self, reader_rate: f64) -> Option<f64> {
        Some(reader_rate)
    }

    fn messages_sent(&self, _: &Estimator<'_>, _: NodeIndex) -> f64 {
        self.reader_rate().0 * f64::from(self.max_messages) * self.forward.ratio
    }

    fn queue_receivers(&self, _: &Estimator<'_>) -> u64 {
        u64::from(self.workers)
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
