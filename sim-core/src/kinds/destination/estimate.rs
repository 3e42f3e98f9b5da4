//! What a destination answers the resource estimate: it holds its own
//! state only (counted with the engine's fixed part).

use crate::budget::{EstimateKind, Estimator, Reads};
use crate::scenario::{DestinationSpec, Forward, NodeIndex, ProducerSpec};
impl EstimateKind for DestinationSpec {
    fn estimate<'a>(&'a self, _: &mut Estimator<'a>, _: NodeIndex) {}

    fn reads(&self, _: &Estimator<'_>) -> Option<Reads> {
        None
    }

    fn forward(&self) -> Option<Forward> {
        None
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
