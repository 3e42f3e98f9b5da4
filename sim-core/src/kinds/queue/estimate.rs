//! The bound on what a queue holds and does per simulated second, for
//! [`crate::budget::estimate`].

use super::Messages;
use crate::budget::{EstimateKind, Estimator, Reads, span};
use crate::engine::MemoryPart;
use crate::kinds::producer::estimate::fifo_groups;
use crate::memory::{btree, buffer, grown_buffer};
use crate::scenario::{Forward, NodeIndex, ProducerSpec, QueueSpec, QueueType};
use crate::time::{SECOND, SimTime};
use crate::units::format_number;

/// aws-facts 4.1: a long poll waits at most 20 s (and a queue event source
/// waits that long, aws-facts 5.2).
const MAX_WAIT_S: u64 = 20;

impl Estimator<'_> {
    /// A queue: its messages by group over retention, and its receivers' calls.
    pub(crate) fn queue(&mut self, node: NodeIndex, q: &crate::scenario::QueueSpec) {
        // Visible and delayed messages are kept as cohorts of a message
        // group and a second of send time, a queue holding at most 2^18
        // (kinds/queue/mod.rs), so a backlog costs groups × seconds kept, not
        // messages; each receipt in flight holds at most 10 cohorts (a
        // receive returns at most 10 messages, aws-facts 4.1).
        let groups = self.groups_into(node);
        let kept = self.within(u64::from(q.retention_s) * SECOND) / SECOND + 1;
        let seconds = kept + u64::from(q.delay_s) + 1;
        use crate::kinds::queue::{
            HIGH_THROUGHPUT_PARTITIONS, InFlight, Line, MAX_COHORTS, Outcome, PerSecond,
        };
        let cohorts = groups.saturating_mul(seconds).min(MAX_COHORTS as u64) + groups;
        let receivers = self.receivers_of(node);
        // A receiver works on one receipt at a time, in flight or stale (its
        // visibility ended while it worked), of at most 10 cohorts with as
        // many send times.
        let receipts = receivers;
        let partitions = if q.high_throughput { u64::from(HIGH_THROUGHPUT_PARTITIONS) } else { 0 };
        let groups = groups as usize;
        let bytes =
            // Lines of cohorts grow by doubling from 4: at most twice what
            // they hold, plus the first four of each.
            buffer::<Messages>(2 * cohorts as usize + 4 * groups)
            + btree::<u32, Line>(groups)
            // The groups by oldest message, those ready, those locked.
            + 2 * btree::<(SimTime, u32), ()>(groups)
            + btree::<u32, u32>(groups)
            + btree::<(SimTime, u64), InFlight>(receipts as usize)
            + receipts * grown_buffer::<(Messages, Outcome)>(10)
            + btree::<SimTime, u32>(10 * receipts as usize)
            + partitions * (size_of::<crate::routing::HashRange>() + size_of::<PerSecond>()) as u64
            // Receivers waiting in a long poll, in line.
            + grown_buffer::<(u32, u32)>(receivers);
        let detail = format!(
            "{} cohorts ({} message group{} × {})",
            format_number(cohorts as f64),
            format_number(groups as f64),
            if groups == 1 { "" } else { "s" },
            span(seconds * SECOND)
        );
        self.mem(node, MemoryPart::Queues, &detail, bytes);
        // A wake-up at most each millisecond a delay or a visibility
        // timeout ends.
        self.work(node, "wake-ups", 1_000.0, "use fewer queues");
        self.pending += 2;
        // A long poll answered early leaves its timeout queued until it is
        // due. Long polls start at most once per ReceiveMessage call a FIFO
        // queue admits (aws-facts 4.2) and are answered at most once per
        // message sent.
        let calls_per_s = match (q.queue_type, q.high_throughput) {
            (QueueType::Fifo, false) => crate::kinds::queue::FIFO_CALLS_PER_PARTITION_S as f64,
            (QueueType::Fifo, true) => crate::kinds::queue::FIFO_HIGH_THROUGHPUT_CALLS_PER_S as f64,
            (QueueType::Standard, _) => f64::INFINITY,
        };
        let polls_per_s = self.messages_into(node).min(calls_per_s);
        let stale = (MAX_WAIT_S as f64 * polls_per_s).ceil() as u64;
        self.pending += stale;
        self.later += stale * 9 / 10;
    }
}

impl EstimateKind for QueueSpec {
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex) {
        e.queue(node, self);
    }

    fn reads(&self, _: &Estimator<'_>) -> Option<Reads> {
        None
    }

    fn forward(&self) -> Option<Forward> {
        None
    }

    // A dead-letter queue takes what its source queue took.
    fn messages_sent(&self, e: &Estimator<'_>, node: NodeIndex) -> Option<f64> {
        Some(e.messages_into(node))
    }

    fn producer_writes(
        &self,
        e: &Estimator<'_>,
        node: NodeIndex,
        p: &ProducerSpec,
    ) -> Option<(u64, &'static str)> {
        Some((fifo_groups(e.s, node, p), "SendMessageBatch calls"))
    }
}
