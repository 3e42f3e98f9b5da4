//! The bound on what a polling consumer holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::EFO_PROPAGATION_MS;
use crate::budget::{Estimator, per_s};
use crate::scenario::{ConsumerSpec, NodeIndex, ReadMode};

impl Estimator<'_> {
    /// A consumer: one reader per shard of its stream.
    pub(crate) fn consumer(&mut self, node: NodeIndex, c: &ConsumerSpec) {
        let per_s = if c.read_mode == ReadMode::EnhancedFanOut {
            // A push at most every propagation delay, and the
            // end of its processing.
            2.0 * 1_000.0 / EFO_PROPAGATION_MS as f64
        } else {
            // A poll, and the end of its processing when the
            // records go on to another node.
            2.0 * per_s(c.poll_interval_ms)
        };
        self.reader(node, per_s, "raise poll_interval_ms");
    }
}
