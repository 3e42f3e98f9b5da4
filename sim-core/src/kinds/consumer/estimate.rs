//! The bound on what a polling consumer holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::EFO_PROPAGATION_MS;
use crate::budget::{EstimateKind, Estimator, per_s};
use crate::scenario::{ConsumerSpec, Forward, NodeIndex, ProducerSpec, ReadMode};
use crate::time::SimTime;

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

impl EstimateKind for crate::scenario::ConsumerSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.consumer(node, self);
    }

    fn forward(&self) -> Option<Forward> {
        Some(self.forward)
    }

    fn reader_rate(&self) -> (f64, &'static str) {
        stream_reader_rate(self.read_mode, self.poll_interval_ms)
    }

    fn polls_per_s(&self, reader_rate: f64) -> Option<f64> {
        polls_unless_pushed(self.read_mode, reader_rate)
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

/// A stream reader that chooses how it reads (a consumer, a Flink
/// application): (batches a second per shard, the parameter that sets it).
pub(crate) fn stream_reader_rate(mode: ReadMode, poll_interval_ms: SimTime) -> (f64, &'static str) {
    match mode {
        ReadMode::EnhancedFanOut => (1_000.0 / EFO_PROPAGATION_MS as f64, "read_mode"),
        ReadMode::Shared => (per_s(poll_interval_ms), "poll_interval_ms"),
    }
}

/// Its GetRecords calls a second per shard: none when enhanced fan-out
/// pushes to it.
pub(crate) fn polls_unless_pushed(mode: ReadMode, reader_rate: f64) -> Option<f64> {
    (mode == ReadMode::Shared).then_some(reader_rate)
}
