//! The bound on what an MSK cluster holds and does per simulated second,
//! for [`crate::budget::estimate`].

use super::{Cohort, Partition};
use crate::budget::Estimator;
use crate::memory::grown_buffer;
use crate::scenario::MskSpec;
use crate::time::{HOUR, MINUTE, SECOND};

impl Estimator<'_> {
    /// An MSK cluster: per partition, a producer buffer of one cohort per
    /// second up to `delivery.timeout.ms`, and a log of one cohort per
    /// segment up to retention (a minute or a 256th of it, see `mod.rs`);
    /// once a second it visits every partition and producer buffer.
    pub(crate) fn msk(&mut self, node: usize, m: &MskSpec) {
        let partitions = u64::from(m.partitions.max(1));
        let retention = u64::from(m.retention_hours) * HOUR;
        let segment = (retention / 256).max(MINUTE);
        let run = self.within(retention + segment);
        let segments = run / segment + 2;
        let waiting = self.within(m.delivery_timeout_ms) / SECOND + 2;
        let per_partition = grown_buffer::<Cohort>(segments) + grown_buffer::<Cohort>(waiting);
        let state = grown_buffer::<super::MskCluster>(1)
            + grown_buffer::<f64>(u64::from(m.consumer_group.consumers))
            + grown_buffer::<Partition>(partitions);
        self.add(node, state + partitions * per_partition);
        let visits = partitions * (u64::from(m.replication_factor) + 2) + waiting;
        self.work(node, "the once-a-second partitions", visits as f64, "use fewer partitions");
    }
}
