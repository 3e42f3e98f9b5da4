//! The bound on what a delivery stream holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::{Object, S3_RETRY_DURATION_MS};
use crate::budget::{EstimateKind, Estimator, MIB, Reads};
use crate::engine::MemoryPart;
use crate::memory::{btree, grown_buffer};
use crate::scenario::{FirehoseSpec, Forward, NodeIndex, ProducerSpec};
use crate::time::SECOND;

impl Estimator<'_> {
    /// A delivery stream: its buffer, objects in delivery and retries.
    pub(crate) fn firehose(&mut self, node: NodeIndex, f: &crate::scenario::FirehoseSpec) {
        if self.valid.reads_from(node).is_some() {
            // aws-facts 3.2: a shared-throughput reader of every shard, once
            // a second, handing each batch to the buffer.
            self.reader(node, 2.0, "use fewer shards in the source stream");
        }
        // Flushes a second: by the interval, or by size at the most that
        // comes in (Direct PUT is capped at 5 MiB/s, aws-facts 3.2; a
        // stream source at 2 MiB/s a shard).
        let incoming = match self.valid.reads_from(node) {
            Some(s) => self.shards[s] as f64 * 2.0 * MIB as f64,
            None => crate::kinds::firehose::DIRECT_PUT_BYTES_PER_S,
        };
        let by_size = incoming / (f64::from(f.buffer_size_mib) * MIB as f64);
        let flushes = (1.0 / f.buffer_interval_s.max(1) as f64 + by_size).max(1.0 / 900.0);
        // Objects wait while the destination is down: for the S3 retry
        // duration (24 hours) or the scenario's, then the backup's.
        let waiting = (flushes * self.within(S3_RETRY_DURATION_MS + 7_200 * SECOND) as f64
            / 1_000.0)
            .ceil() as u64;
        let transform = if f.transform.is_some() { 2 * waiting } else { 0 };
        let bytes = grown_buffer::<Object>(waiting + 1)
            + btree::<u32, crate::kinds::firehose::Invocation>(transform as usize)
            + btree::<u32, u64>(64);
        self.mem(node, MemoryPart::Other, "objects waiting for delivery", bytes);
        self.work(node, "flushes and deliveries", 10.0 + 4.0 * flushes, "raise buffer_size_mib");
        // Interval timers outlive the flush that made them stale.
        self.pending += 8 + (flushes * f.buffer_interval_s as f64).ceil() as u64;
    }
}

impl EstimateKind for FirehoseSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.firehose(node, self);
    }

    // aws-facts 3.2: a delivery stream reads each shard once a second.
    fn reads(&self, _: &Estimator<'_>) -> Option<Reads> {
        Some(Reads { per_s: 1.0, set_by: "the source", polls_per_s: Some(1.0), receivers: 0 })
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
        Some((1, "PutRecordBatch calls"))
    }
}
