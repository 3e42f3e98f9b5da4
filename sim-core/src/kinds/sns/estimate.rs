//! The bound on what an SNS topic holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::{MAX_RETRY_COHORTS, Retrying, Subscription, TopicGroup};
use crate::budget::{EstimateKind, Estimator, Reads};
use crate::kinds::producer::estimate::fifo_groups;
use crate::memory::{btree, grown_buffer};
use crate::scenario::{Forward, NodeIndex, NodeSpec, ProducerSpec, SnsTopicSpec};
use crate::time::SECOND;

impl Estimator<'_> {
    /// A topic: its subscriptions, a FIFO topic's message groups (its
    /// producers' keys, and group 0 for forwarding stages), and the
    /// notifications waiting for a retry (a cohort per subscription per
    /// second of failures at most, never more than [`MAX_RETRY_COHORTS`]),
    /// each retried once a second at most.
    pub(crate) fn topic(&mut self, node: NodeIndex) {
        let subs = self.s.links.iter().filter(|l| l.from == self.s.node(node).id).count() as u64;
        let seconds = self.within(u64::MAX) / SECOND + 1;
        let cohorts = subs.saturating_mul(seconds).min(MAX_RETRY_COHORTS as u64);
        let fifo = matches!(&self.s.node(node).spec, NodeSpec::SnsTopic(t) if t.is_fifo());
        let keys: u64 = self.producers_into(node).map(|(_, p)| fifo_groups(self.s, node, p)).sum();
        let groups = if fifo { keys as usize + 1 } else { 0 };
        let bytes = grown_buffer::<Subscription>(subs)
            + grown_buffer::<Retrying>(cohorts)
            + btree::<u32, TopicGroup>(groups);
        self.add(node, bytes);
        let remedy =
            "fix the failing endpoint sooner, or give the subscription a dead-letter queue";
        self.work(node, "delivery retries", cohorts as f64, remedy);
    }
}

impl EstimateKind for SnsTopicSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.topic(node);
    }

    fn reads(&self, _: &Estimator<'_>) -> Option<Reads> {
        None
    }

    fn forward(&self) -> Option<Forward> {
        None
    }

    // A topic's subscriptions are not its `sends_to`.
    fn messages_sent(&self, _: &Estimator<'_>, _: NodeIndex) -> Option<f64> {
        None
    }

    // A FIFO topic's publish is split by message group.
    fn producer_writes(
        &self,
        e: &Estimator<'_>,
        node: NodeIndex,
        p: &ProducerSpec,
    ) -> Option<(u64, &'static str)> {
        Some((fifo_groups(e.s, node, p), "PublishBatch calls"))
    }
}
