//! What a destination answers the resource estimate: it holds its own
//! state only (counted with the engine's fixed part).

use crate::budget::{EstimateKind, Estimator};
use crate::scenario::{Forward, NodeIndex, ProducerSpec};
impl EstimateKind for crate::scenario::DestinationSpec {
    fn estimate<'a>(&'a self, _: &mut Estimator<'a>, _: NodeIndex) {}
    fn forward(&self) -> Option<Forward> {
        None
    }

    fn reader_rate(&self) -> (f64, &'static str) {
        (1.0, "the source")
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
