//! The bound on what a stream holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::{Cohort, FINE_GRAINED_MS, Shard};
use crate::budget::{EstimateKind, Estimator, Reads, span};
use crate::engine::MemoryPart;
use crate::kinds::consumer::EFO_PROPAGATION_MS;
use crate::memory::grown_buffer;
use crate::scenario::{Forward, NodeIndex, NodeKind, NodeSpec, ProducerSpec, StreamSpec};
use crate::time::{DAY, HOUR, MINUTE, SECOND, SimTime};
use crate::units::format_number;

impl Estimator<'_> {
    /// A stream: its shards, their logs over retention, and their writes and reads.
    pub(crate) fn stream(&mut self, node: NodeIndex) {
        let NodeSpec::KinesisStream(spec) = &self.s.node(node).spec else { return };
        let shards = self.shards[node];
        let retention = SimTime::from(spec.retention_h) * HOUR;
        let kept = self.within(retention);
        // A new fine cohort starts at each write after a read or a second
        // boundary: at most the writes a second, and at most one a second
        // plus a cut per read (5 GetRecords calls/s a shard, aws-facts 1.1;
        // enhanced fan-out pushes at most every propagation delay).
        let writes_per_s = self.writes_per_s_into(node);
        let (polls, efo) = self.reads_per_s_of(node);
        let cuts_per_s = 1.0 + polls.min(5.0) + efo as f64 * (1_000.0 / EFO_PROPAGATION_MS as f64);
        let fine_span = self.within(FINE_GRAINED_MS) / SECOND + 1;
        let fine = (writes_per_s.min(cuts_per_s) * fine_span as f64).ceil() as u64 + 2;
        // Then a bucket per minute up to an hour, per hour up to a day and
        // per day beyond (kinds/stream/mod.rs), each tier one bucket more for
        // the one being filled.
        let coarse = kept.min(HOUR) / MINUTE
            + 1
            + if kept > HOUR { kept.min(DAY) / HOUR + 1 } else { 0 }
            + if kept > DAY { kept / DAY + 1 } else { 0 };
        // Expired cohorts wait at the front until 64 can go at once.
        let per_shard = grown_buffer::<Cohort>(fine + coarse + 64);
        let detail = format!(
            "{} shards holding up to {} of records ({} cohorts a shard)",
            format_number(shards as f64),
            span(kept),
            format_number((fine + coarse) as f64)
        );
        self.mem(node, MemoryPart::ShardLogs, &detail, shards.saturating_mul(per_shard));
        // Shards (a shard has at most 3 parents after an UpdateShardCount
        // halving), and per shard the open list and on-demand's counters.
        let state = grown_buffer::<Shard>(shards)
            + shards * (grown_buffer::<usize>(3) + 2 * size_of::<u64>() as u64)
            + 2 * grown_buffer::<u64>(shards);
        let detail = format!("{} shards", format_number(shards as f64));
        self.mem(node, MemoryPart::Shards, &detail, state);
        // A forwarded batch is spread over every open shard (engine/deliver.rs).
        for i in
            NodeIndex::all(self.s.nodes.len()).filter(|&i| self.valid.sends_to(i) == Some(node))
        {
            if self.kind(i) == NodeKind::Producer {
                continue;
            }
            let remedy = match self.reader_rate(i).1 {
                "poll_interval_ms" => "raise poll_interval_ms",
                _ => "lower forward.ratio, or forward to a stream with fewer shards",
            };
            let writes = self.forwarded_batches_per_s(i) * shards as f64;
            self.work(i, "forwarded writes to each shard", writes, remedy);
        }
    }
}

impl EstimateKind for StreamSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.stream(node);
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

    fn producer_writes(
        &self,
        e: &Estimator<'_>,
        node: NodeIndex,
        _: &ProducerSpec,
    ) -> Option<(u64, &'static str)> {
        Some((e.shards[node], "writes to each shard"))
    }
}
