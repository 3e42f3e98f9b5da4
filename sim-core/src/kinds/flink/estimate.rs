//! The bound on what a Flink application holds and does per simulated
//! second, for [`crate::budget::estimate`].

use super::{Processing, Vcpu};
use crate::budget::{EstimateKind, Estimator, Reads, per_s};
use crate::kinds::consumer::estimate::stream_reads;
use crate::memory::grown_buffer;
use crate::scenario::{FlinkSpec, Forward, NodeIndex, ProducerSpec};

impl Estimator<'_> {
    /// A Flink application: a reader per shard polling at its interval, and
    /// a vCPU per KPU at the most it can scale to.
    pub(crate) fn flink(&mut self, node: NodeIndex, f: &FlinkSpec) {
        let per_s = 2.0 * per_s(f.poll_interval_ms);
        self.reader(node, per_s, "raise poll_interval_ms");
        let kpus = u64::from(f.max_parallelism());
        // A batch in processing per shard it reads, on some vCPU.
        let batches = self.source_shards(node);
        self.add(node, grown_buffer::<Vcpu>(kpus) + kpus * grown_buffer::<Processing>(batches));
    }
}

impl EstimateKind for FlinkSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.flink(node, self);
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
