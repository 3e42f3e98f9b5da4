//! The bound on what a polling consumer holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::EFO_PROPAGATION_MS;
use crate::budget::{EstimateKind, Estimator, Reads, per_s};
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

impl EstimateKind for ConsumerSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.consumer(node, self);
    }

    fn reads(&self, _: &Estimator<'_>) -> Option<Reads> {
        Some(stream_reads(self.read_mode, self.poll_interval_ms))
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

/// How a stream reader that chooses how it reads (a consumer, a Flink
/// application) reads: enhanced fan-out pushes about every 70 ms, polling
/// calls GetRecords every `poll_interval_ms`.
pub(crate) fn stream_reads(mode: ReadMode, poll_interval_ms: SimTime) -> Reads {
    let (per_s, set_by, polls_per_s) = match mode {
        ReadMode::EnhancedFanOut => (1_000.0 / EFO_PROPAGATION_MS as f64, "read_mode", None),
        ReadMode::Shared => {
            let per_s = per_s(poll_interval_ms);
            (per_s, "poll_interval_ms", Some(per_s))
        }
    };
    Reads { per_s, set_by, polls_per_s, receivers: 0 }
}
