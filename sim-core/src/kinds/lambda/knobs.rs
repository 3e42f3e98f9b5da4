//! The settings of a Lambda function the planner turns, for
//! [`crate::autosize::knobs_of`].

use crate::autosize::{Knob, KnobSite, KnobsKind, Search, Setting, range};
use crate::engine::Simulation;
use crate::scenario::{LambdaSpec, NodeIndex, NodeKind};
use crate::sweep::{SweepKind, SweepPoint};

impl KnobsKind for LambdaSpec {
    /// On a stream: its parallelization factor and batch size; on a queue: its
    /// batch size and maximum concurrency; on an MSK topic: its batch size (the
    /// partitions, the cluster's, cap its concurrency); invoked by SNS: its
    /// reserved concurrency.
    fn knobs(&self, site: &KnobSite) -> Vec<Knob> {
        let batch = "event_source.batch_size";
        let cheapest = Search::Cheapest { prefer_high: false };
        if site.source_kind() == Some(NodeKind::MskCluster) {
            // aws-facts-more 3: BatchSize 1 to 10,000 (default 100).
            let ladder = vec![10, 50, 100, 500, 1_000, 10_000];
            let b = site.current(batch).unwrap_or(100);
            return vec![site.knob(Setting::Param(batch), ladder, cheapest, b)];
        }
        if site.source_kind() == Some(NodeKind::SnsTopic) {
            // aws-facts 5.3: a reservation is the function's cap; the fewest
            // that meets the objectives.
            let reserved = "reserved_concurrency";
            let most = self.account_concurrency.clamp(1, 1_000);
            let r = site.current(reserved).unwrap_or(most).clamp(1, most);
            return vec![site.knob(Setting::Param(reserved), range(1, most), Search::Smallest, r)];
        }
        if site.source_kind() == Some(NodeKind::KinesisStream) {
            let factor = "event_source.parallelization_factor";
            let pf = self.event_source.parallelization_factor;
            // aws-facts 5.1: BatchSize 1 to 10,000 (default 100 for streams).
            let ladder = vec![10, 50, 100, 500, 1_000, 10_000];
            let b = site.current(batch).unwrap_or(100);
            vec![
                site.knob(Setting::Param(factor), range(1, 10), Search::Smallest, pf),
                site.knob(Setting::Param(batch), ladder, cheapest, b),
            ]
        } else {
            // aws-facts 5.2: a queue batch holds at most 10 messages without a
            // batching window (and always on FIFO queues).
            let b = site.current(batch).unwrap_or(10);
            let cap = "event_source.maximum_concurrency";
            let c = site.current(cap).unwrap_or(1_000);
            vec![
                site.knob(Setting::Param(batch), vec![1, 2, 5, 10], cheapest, b),
                site.knob(Setting::Param(cap), range(2, 1_000), Search::Smallest, c),
            ]
        }
    }
}

impl SweepKind for LambdaSpec {
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint) {
        let m = sim.metrics(node);
        // A stream event source reports its own iterator age (zero
        // for queue sources).
        let age = m.stats(crate::metrics::lambda::ITERATOR_AGE).p99();
        let unread = m.stats(crate::metrics::lambda::OLDEST_UNREAD_AGE).p99();
        point.iterator_age_p99_ms = point.iterator_age_p99_ms.max(age).max(unread);
    }
}
