//! The bound on what a worker pool holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::Worker;
use crate::budget::Estimator;
use crate::memory::buffer;
use crate::scenario::{NodeIndex, WorkerPoolSpec};

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
