//! The bound on what an MSK cluster holds and does per simulated second,
//! for [`crate::budget::estimate`].

use super::{Cohort, Partition};
use crate::budget::{EstimateKind, Estimator, Reads};
use crate::memory::grown_buffer;
use crate::scenario::{Fault, Forward, MskSpec, NodeIndex, Operation, ProducerSpec};
use crate::time::{HOUR, MINUTE, SECOND, SimTime};

impl Estimator<'_> {
    /// An MSK cluster: per partition, a producer buffer of one cohort per
    /// second up to `delivery.timeout.ms`, and a log of one cohort per
    /// segment up to retention (a minute or a 256th of it, see `mod.rs`);
    /// once a second it visits every partition and producer buffer.
    pub(crate) fn msk(&mut self, node: NodeIndex, m: &MskSpec) {
        // Scheduled interventions only add partitions and brokers.
        let (mut most_partitions, mut brokers) = (m.partitions.max(1), m.brokers.max(1));
        for op in self.s.schedule.iter().filter(|op| op.node == self.s.node(node).id) {
            match op.op {
                Operation::Fault(Fault::AddPartitions { partitions }) => {
                    most_partitions = most_partitions.max(partitions);
                }
                Operation::Fault(Fault::AddBrokers { brokers: b }) => brokers = brokers.max(b),
                _ => {}
            }
        }
        let partitions = u64::from(most_partitions);
        let brokers = u64::from(brokers);
        let retention = u64::from(m.retention_hours) * HOUR;
        let segment = (retention / 256).max(MINUTE);
        let run = self.within(retention + segment);
        let segments = run / segment + 2;
        let waiting = self.within(m.delivery_timeout_ms) / SECOND + 2;
        let per_partition = grown_buffer::<Cohort>(segments) + grown_buffer::<Cohort>(waiting);
        let state = grown_buffer::<super::MskCluster>(1)
            + grown_buffer::<f64>(u64::from(m.consumer_group.consumers))
            + grown_buffer::<Partition>(partitions)
            // Replica placement, broker and member state.
            + grown_buffer::<Vec<usize>>(partitions)
            + partitions * grown_buffer::<usize>(u64::from(m.replication_factor.max(1)))
            + grown_buffer::<SimTime>(brokers)
            + grown_buffer::<bool>(brokers)
            + grown_buffer::<bool>(u64::from(m.consumer_group.consumers))
            + grown_buffer::<usize>(u64::from(m.consumer_group.consumers));
        self.add(node, state + partitions * per_partition);
        let visits = partitions * (u64::from(m.replication_factor) + 2) + waiting;
        self.work(node, "the once-a-second partitions", visits as f64, "use fewer partitions");
    }
}

impl EstimateKind for MskSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.msk(node, self);
    }

    fn reads(&self, _: &Estimator<'_>) -> Option<Reads> {
        None
    }

    fn forward(&self) -> Option<Forward> {
        None
    }

    fn messages_sent(&self, _: &Estimator<'_>, _: NodeIndex) -> Option<f64> {
        None
    }

    // Records go out once a second, to each partition.
    fn producer_writes(
        &self,
        _: &Estimator<'_>,
        _: NodeIndex,
        _: &ProducerSpec,
    ) -> Option<(u64, &'static str)> {
        Some((u64::from(self.partitions), "partition writes"))
    }
}
