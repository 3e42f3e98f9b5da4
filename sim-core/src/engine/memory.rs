//! The run's own memory accounting: what its state holds, part by part,
//! counted from the sizes and capacities of its collections (see
//! [`crate::memory`]). The estimate made before a run ([`crate::budget`])
//! bounds it from above; the runtime guard compares it with the budget.

use std::mem::size_of;

use crate::time::SimTime;

use crate::kinds::{
    Consumer, Destination, Firehose, FlinkApp, Function, KclApp, Producer, Queue, ShardRecords,
    Stream, WorkerPool,
};
use crate::memory::buffer;

use super::{Action, Simulation, operations, queues, writes};

/// A part of a run's memory, as the estimate and the guard name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MemoryPart {
    /// Streams' shard logs (record cohorts by age).
    ShardLogs,
    /// Shards, and the state kept per shard by each reader (consumers, KCL
    /// leases, Lambda event sources).
    Shards,
    /// Queued messages, their message groups and receipts.
    Queues,
    /// Metric series and whole-run statistics.
    Metrics,
    /// Events waiting to run, with what they carry (records to retry).
    Events,
    /// Everything else: producers, delivery streams, workers, the journal.
    Other,
}

impl MemoryPart {
    /// Every part, in the order of the enum.
    pub const ALL: [MemoryPart; 6] = [
        MemoryPart::ShardLogs,
        MemoryPart::Shards,
        MemoryPart::Queues,
        MemoryPart::Metrics,
        MemoryPart::Events,
        MemoryPart::Other,
    ];

    /// Its name in people's words.
    pub fn name(self) -> &'static str {
        match self {
            MemoryPart::ShardLogs => "shard logs",
            MemoryPart::Shards => "shards and readers",
            MemoryPart::Queues => "queued messages",
            MemoryPart::Metrics => "metric series",
            MemoryPart::Events => "pending events",
            MemoryPart::Other => "other state",
        }
    }
}

impl Simulation {
    /// Bytes the run's state holds now: shard logs, shards and readers,
    /// queues, metric series, pending events and the rest (the scenario
    /// document itself, at most 1 MiB, aside).
    pub fn memory_bytes(&self) -> u64 {
        self.memory_parts().iter().map(|&(_, bytes)| bytes).sum()
    }

    /// [`Simulation::memory_bytes`] part by part, in the order of
    /// [`MemoryPart::ALL`].
    pub fn memory_parts(&self) -> [(MemoryPart, u64); 6] {
        let logs: u64 = self.streams.iter().map(Stream::log_bytes).sum();
        let streams: u64 = self.streams.iter().map(Stream::heap_bytes).sum::<u64>()
            + buffer::<Stream>(self.streams.capacity());
        let readers = buffer::<Consumer>(self.consumers.capacity())
            + self.consumers.iter().map(Consumer::heap_bytes).sum::<u64>()
            + buffer::<KclApp>(self.kcls.capacity())
            + self.kcls.iter().map(KclApp::heap_bytes).sum::<u64>()
            + buffer::<FlinkApp>(self.flinks.capacity())
            + self.flinks.iter().map(FlinkApp::heap_bytes).sum::<u64>();
        let queues = buffer::<Queue>(self.queues.capacity())
            + self.queues.iter().map(Queue::heap_bytes).sum::<u64>()
            + self
                .queue_waiters
                .iter()
                .map(|w| buffer::<queues::Poller>(w.capacity()))
                .sum::<u64>();
        let metrics = self.metrics.iter().map(|m| m.heap_bytes()).sum::<u64>()
            + buffer::<crate::metrics::NodeMetrics>(self.metrics.capacity());
        // Pending events, and what their retries carry: refused records
        // waiting in their producer group's calendar, and this
        // millisecond's round of writes.
        let retries: u64 = self.groups.iter().map(writes::ProducerGroup::retry_bytes).sum();
        let events =
            self.queue.heap_bytes(action_bytes) + retries + buffer::<Action>(self.round.capacity());
        let producers = buffer::<Producer>(self.producers.capacity())
            + self.producers.iter().map(Producer::heap_bytes).sum::<u64>()
            + buffer::<writes::ProducerGroup>(self.groups.capacity())
            + self.groups.iter().map(|g| buffer::<usize>(g.members.capacity())).sum::<u64>()
            + self.groups.iter().map(|g| g.spread.heap_bytes() + g.spare.heap_bytes()).sum::<u64>();
        let journal = buffer::<operations::JournalEntry>(self.journal.capacity())
            + self.journal.iter().map(|e| e.text.capacity() as u64).sum::<u64>()
            + buffer::<(SimTime, super::Command)>(self.applied.capacity());
        let other = producers
            + journal
            + buffer::<Firehose>(self.firehoses.capacity())
            + self.firehoses.iter().map(Firehose::heap_bytes).sum::<u64>()
            + buffer::<Destination>(self.destinations.capacity())
            + buffer::<WorkerPool>(self.pools.capacity())
            + self.pools.iter().map(WorkerPool::heap_bytes).sum::<u64>()
            + buffer::<Function>(self.functions.capacity())
            + self.functions.iter().map(Function::heap_bytes).sum::<u64>()
            + buffer::<crate::kinds::MskCluster>(self.msks.capacity())
            + self.msks.iter().map(crate::kinds::MskCluster::heap_bytes).sum::<u64>()
            + buffer::<crate::rng::NodeRng>(self.rngs.capacity())
            + buffer::<u64>(self.scratch.capacity())
            + self.round_lists.heap_bytes()
            + self.publish_round.heap_bytes()
            + self.retry_spread.heap_bytes()
            + size_of::<Simulation>() as u64;
        [
            (MemoryPart::ShardLogs, logs),
            (MemoryPart::Shards, streams - logs + readers),
            (MemoryPart::Queues, queues),
            (MemoryPart::Metrics, metrics),
            (MemoryPart::Events, events),
            (MemoryPart::Other, other),
        ]
    }
}

/// What an event's action holds besides itself: a hand-off's retry.
fn action_bytes(action: &Action) -> u64 {
    match action {
        Action::Redeliver { .. } => size_of::<super::deliver::Redelivery>() as u64,
        Action::QueueSendRetry { .. } => size_of::<queues::QueueRetry>() as u64,
        _ => 0,
    }
}

/// Upper bound of the event queue's memory with at most `pending` events
/// waiting, `near` of them due within the ring's two seconds (see
/// `EventQueue::heap_bytes`): the ring; the heap of later events, whose
/// buffer grows by doubling and never shrinks (twice the pending events);
/// and the ring's spilled buckets, each at most twice its events, the one
/// being drained keeping its room until empty (twice the near events again).
pub(crate) fn event_queue_bound(pending: u64, near: u64) -> u64 {
    let entry = size_of::<(SimTime, u64, Action)>() as u64;
    let slots = pending.saturating_mul(2).saturating_add(near.saturating_mul(2));
    super::queue::ring_bytes::<Action>() + slots.saturating_mul(entry)
}

/// Bytes of a producer group's retries: `entries` calendar entries holding
/// `pieces` pieces of shards' records and `members` member shares each.
pub(crate) fn retry_bytes(entries: u64, pieces: u64, members: u64) -> u64 {
    crate::memory::grown_buffer::<writes::RetryEntry>(entries)
        + 2 * buffer::<ShardRecords>(pieces as usize)
        + entries * crate::memory::grown_buffer::<(usize, u64)>(members)
}

/// Bytes of a hand-off waiting for its retry.
pub(crate) fn redelivery_bytes() -> u64 {
    size_of::<super::deliver::Redelivery>() as u64
}

/// Bytes of the parts of a run that do not grow: the simulation itself,
/// a random stream per node and a full journal of operations.
pub(crate) fn fixed_bytes(nodes: usize) -> u64 {
    size_of::<Simulation>() as u64
        + buffer::<crate::rng::NodeRng>(nodes)
        + crate::memory::grown_buffer::<operations::JournalEntry>(operations::JOURNAL_LEN as u64)
        // A journal line is a sentence.
        + operations::JOURNAL_LEN as u64 * 160
}
