//! SQS in the engine: producers sending to queues, the queues' own events
//! (delays and visibility timeouts ending, retention, dead letters), long
//! polling, and the worker pools that read them.
//!
//! A receive loop (a worker, or an event source mapping's poller) that finds
//! a queue empty and long-polls waits in the queue's line of pollers; the
//! first messages to become visible go to the first poller waiting, as SQS
//! answers a long poll as soon as a message is available (aws-facts 4.1).

use crate::metrics;
use crate::nodes::queue::{ApiAction, MAX_BATCH_MESSAGES, ReceiptKey, group_shares};
use crate::nodes::{Batch, Messages, Target};
use crate::scenario::NodeKind;
use crate::time::{SECOND, SimTime};

use super::{Action, Simulation};

/// Pause before a receive the queue throttled is tried again (the AWS SDKs'
/// retry back-off is of this order; not an aws-facts value, see MODEL.md).
pub(crate) const THROTTLED_RECEIVE_BACKOFF_MS: SimTime = 100;

/// A producer's messages refused by a FIFO queue's call limit, waiting for
/// their next attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct QueueRetry {
    /// Messages.
    pub count: u64,
    /// Average bytes each.
    pub bytes: u64,
    /// Attempts already made.
    pub attempts: u32,
}

/// What a SendMessageBatch attempt did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Sent {
    /// Messages accepted.
    accepted: u64,
    /// Calls made that the queue accepted.
    calls: u64,
}

/// A receive loop waiting in a long poll: (node index of the reader, its
/// worker or poller index).
pub(crate) type Poller = (u32, u32);

impl Simulation {
    /// A queue-bound producer's batch: the records generated since the last
    /// one go out as SendMessageBatch calls.
    pub(super) fn producer_send(&mut self, slot: usize) {
        let node = self.producer_nodes[slot];
        let k = self.producers[slot].generate(self.now, &mut self.rngs[node]);
        self.metrics[node].add(metrics::producer::USER_RECORDS_RECEIVED, k as f64);
        let bytes = self.producers[slot].draw_data_bytes(k, &mut self.rngs[node]);
        self.send_for_producer(slot, QueueRetry { count: k, bytes, attempts: 0 });
        let next = self.now + self.producers[slot].spec.batching.max_buffered_ms;
        self.schedule(next, Action::ProducerSend { slot: slot as u32 });
    }

    pub(super) fn queue_send_retry(&mut self, slot: usize, batch: QueueRetry) {
        self.producers[slot].pending_retry -= batch.count;
        self.send_for_producer(slot, batch);
    }

    /// One attempt: a FIFO queue's messages are split over message groups
    /// (the producer's partition keys are the `MessageGroupId`s); refused
    /// messages are retried with the producer's backoff, then given up.
    fn send_for_producer(&mut self, slot: usize, mut batch: QueueRetry) {
        if batch.count == 0 {
            return;
        }
        let node = self.producer_nodes[slot];
        let Target::Queue(queue) = self.producers[slot].target else { return };
        batch.attempts += 1;
        let mut counts = vec![batch.count];
        if self.queues[queue].is_fifo() {
            let shares = group_shares(&self.producers[slot].spec.keys);
            self.rngs[node].multinomial(batch.count, &shares, &mut counts);
        }
        let (mut accepted, mut calls) = (0, 0);
        for (group, &n) in counts.iter().enumerate() {
            let sent = self.send_message_batch(queue, n, batch.bytes, group as u32);
            accepted += sent.accepted;
            calls += sent.calls;
        }
        let refused = batch.count - accepted;
        let m = &mut self.metrics[node];
        m.add(metrics::producer::USER_RECORDS_PUT, accepted as f64);
        m.add(metrics::producer::USER_RECORDS_DATA_PUT, (accepted * batch.bytes) as f64);
        m.add(metrics::producer::REQUESTS, calls as f64);
        if refused == 0 {
            return;
        }
        let p = &mut self.producers[slot];
        if batch.attempts >= p.spec.retry.max_attempts {
            p.given_up += refused;
            m.add(metrics::producer::USER_RECORD_EXPIRED, refused as f64);
            return;
        }
        p.pending_retry += refused;
        m.add(metrics::producer::RETRIES, refused as f64);
        let delay = p.backoff(batch.attempts, &mut self.rngs[node]);
        let retry = QueueRetry { count: refused, ..batch };
        self.schedule(
            self.now + delay,
            Action::QueueSendRetry { slot: slot as u32, batch: Box::new(retry) },
        );
    }

    /// SendMessageBatch: 10 messages a call (aws-facts 4.1) and at most the
    /// queue's `MaximumMessageSize` per call (256 KiB classic, 1 MiB
    /// current: aws-facts 4.1 and 7). A FIFO queue admits what its call
    /// limit allows (aws-facts 4.2: 300 calls/s, 3,000 messages/s in
    /// batches of 10); the rest is refused.
    fn send_message_batch(&mut self, queue: usize, count: u64, bytes: u64, group: u32) -> Sent {
        if count == 0 {
            return Sent::default();
        }
        let node = self.queue_nodes[queue];
        let q = &mut self.queues[queue];
        let per_call_bytes = u64::from(q.spec.max_message_bytes);
        let per_call = MAX_BATCH_MESSAGES.min(per_call_bytes / bytes.max(1)).max(1);
        let accepted = q.admit_messages(self.now, count, per_call);
        let (calls, admitted) = (count.div_ceil(per_call), accepted.div_ceil(per_call));
        let fifo = q.is_fifo();
        let m = &mut self.metrics[node];
        m.add(metrics::queue::THROTTLED_CALLS, (calls - admitted) as f64);
        if admitted > 0 {
            m.add(metrics::queue::SENT, accepted as f64);
            m.sample(metrics::queue::SENT_SIZE, bytes as f64);
            // aws-facts 2.4: each 64 KB chunk of a call's payload is a request.
            self.cost.sqs_calls(fifo, admitted, bytes * accepted.div_ceil(admitted));
            self.enqueue(queue, Messages::new(accepted, bytes, self.now, group));
        }
        Sent { accepted, calls: admitted }
    }

    /// A queue takes records another node forwards (see `deliver.rs`):
    /// SendMessageBatch calls of the average size; returns those accepted.
    pub(super) fn queue_take(&mut self, queue: usize, batch: Batch) -> u64 {
        let bytes = (batch.bytes / batch.records.max(1)).max(1);
        self.send_message_batch(queue, batch.records, bytes, 0).accepted
    }

    /// The queue slot of node `node`, if it is a queue.
    pub(super) fn queue_at(&self, node: usize) -> Option<usize> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::SqsQueue).then_some(s.slot)
    }

    /// Puts messages into a queue, then answers waiting long polls.
    pub(super) fn enqueue(&mut self, queue: usize, messages: Messages) {
        self.queues[queue].send(self.now, messages);
        self.after_queue_change(queue);
    }

    /// After anything that may make messages visible or free a FIFO group:
    /// answer long polls, and make sure a wake-up is scheduled for the next
    /// delay or visibility timeout to end.
    pub(super) fn after_queue_change(&mut self, queue: usize) {
        self.serve_waiting(queue);
        self.schedule_queue_wake(queue);
    }

    /// Schedules a wake-up for when the next delay or visibility timeout of
    /// a queue ends, unless one is due by then.
    pub(super) fn schedule_queue_wake(&mut self, queue: usize) {
        if let Some(t) = self.queues[queue].next_release() {
            let t = t.max(self.now);
            if self.queue_wake_at[queue].is_none_or(|w| t < w) {
                self.queue_wake_at[queue] = Some(t);
                self.schedule(t, Action::QueueWake { queue: queue as u32 });
            }
        }
    }

    /// A queue's delays or visibility timeouts end.
    pub(super) fn queue_wake(&mut self, queue: usize) {
        if self.queue_wake_at[queue] == Some(self.now) {
            self.queue_wake_at[queue] = None;
        }
        self.release_queue(queue);
    }

    /// Makes due messages visible, hands dead letters to the dead-letter
    /// queue (aws-facts 4.3), and answers waiting long polls.
    pub(super) fn release_queue(&mut self, queue: usize) {
        let released = self.queues[queue].release_due(self.now);
        let node = self.queue_nodes[queue];
        let moved: u64 = released.dead_letters.iter().map(|m| m.count).sum();
        self.metrics[node].add(metrics::queue::MOVED_TO_DLQ, moved as f64);
        if let Some(dlq) = self.queues[queue].dead_letter.and_then(|n| self.queue_at(n)) {
            for m in released.dead_letters {
                // A redrive is no API call; retention still counts from the
                // first enqueue (aws-facts 4.1), so `sent_at` is kept.
                let m = Messages { receives: 0, visible_since: self.now, ..m };
                self.enqueue(dlq, m);
            }
        }
        self.after_queue_change(queue);
    }

    /// Gives visible messages to the pollers waiting on a queue, first come
    /// first served, until either runs out.
    fn serve_waiting(&mut self, queue: usize) {
        while self.queues[queue].visible_count > 0 {
            let Some(poller) = self.queue_waiters[queue].pop_front() else { break };
            if !self.try_receive(poller.0 as usize, poller.1 as usize) {
                // e.g. every FIFO group with messages is in flight
                self.queue_waiters[queue].push_front(poller);
                break;
            }
        }
    }

    /// A waiting poller's long poll returns with messages, if the queue
    /// gives any. Returns whether it did.
    fn try_receive(&mut self, node: usize, index: usize) -> bool {
        let slot = self.slots[node];
        match slot.kind {
            NodeKind::WorkerPool => {
                if self.worker_takes(slot.slot, index) {
                    let w = &mut self.pools[slot.slot].workers[index];
                    w.waiting = false;
                    w.token = w.token.wrapping_add(1);
                    return true;
                }
                false
            }
            NodeKind::Lambda => self.esm_offered(slot.slot, index),
            _ => false,
        }
    }

    /// ReceiveMessage for `max` messages from `queue` on behalf of a reader:
    /// counts the call and its messages. `None` when nothing was returned.
    pub(super) fn receive_from(
        &mut self,
        queue: usize,
        max: u64,
        hidden_for: SimTime,
    ) -> Option<(ReceiptKey, u64, u64)> {
        let node = self.queue_nodes[queue];
        let q = &mut self.queues[queue];
        let key = q.receive(self.now, max, self.now + hidden_for)?;
        let (count, bytes) = q.in_flight[&key]
            .messages
            .iter()
            .fold((0, 0), |(c, b), (m, _)| (c + m.count, b + m.count * m.bytes));
        let fifo = q.is_fifo();
        self.metrics[node].add(metrics::queue::RECEIVED, count as f64);
        self.cost.sqs_calls(fifo, 1, bytes);
        Some((key, count, bytes))
    }

    /// An empty ReceiveMessage: counted and billed (aws-facts 2.4, 4.4).
    pub(super) fn empty_receive(&mut self, queue: usize) {
        let node = self.queue_nodes[queue];
        self.metrics[node].add(metrics::queue::EMPTY_RECEIVES, 1.0);
        let fifo = self.queues[queue].is_fifo();
        self.cost.sqs_calls(fifo, 1, 0);
    }

    /// A worker calls ReceiveMessage: with messages it starts processing;
    /// without, it long-polls (waits in line for `WaitTimeSeconds`) or, when
    /// short polling, pauses and tries again.
    pub(super) fn worker_receive(&mut self, pool: usize, worker: usize) {
        let queue = self.queue_at(self.pools[pool].source).expect("validated wiring");
        let node = self.queue_nodes[queue];
        // aws-facts 4.2: a FIFO queue takes 300 (or 70,000) receives a
        // second; a refused call is retried after a back-off.
        if self.queues[queue].admit_calls(self.now, ApiAction::Receive, 1) == 0 {
            self.metrics[node].add(metrics::queue::THROTTLED_CALLS, 1.0);
            let at = self.queues[queue].next_call_at(self.now, ApiAction::Receive);
            let action = Action::WorkerReceive { pool: pool as u32, worker: worker as u32 };
            self.schedule(at.max(self.now + THROTTLED_RECEIVE_BACKOFF_MS), action);
            return;
        }
        if self.worker_takes(pool, worker) {
            return;
        }
        let (wait_time_s, pause_ms) =
            (self.pools[pool].spec.wait_time_s, self.pools[pool].spec.empty_receive_pause_ms);
        if wait_time_s == 0 {
            self.empty_receive(queue);
            let at = self.now + pause_ms;
            self.schedule(at, Action::WorkerReceive { pool: pool as u32, worker: worker as u32 });
            return;
        }
        let wait = SimTime::from(wait_time_s) * SECOND;
        let pool_node = self.pool_nodes[pool] as u32;
        let w = &mut self.pools[pool].workers[worker];
        w.waiting = true;
        w.token = w.token.wrapping_add(1);
        let token = w.token;
        self.queue_waiters[queue].push_back((pool_node, worker as u32));
        self.schedule(
            self.now + wait,
            Action::PollTimeout { node: pool_node, poller: worker as u32, token },
        );
    }

    /// The receive itself; on success the worker starts processing.
    fn worker_takes(&mut self, pool: usize, worker: usize) -> bool {
        let p = &self.pools[pool];
        let queue = self.queue_at(p.source).expect("validated wiring");
        let max = u64::from(p.spec.max_messages);
        let hidden_for = SimTime::from(self.queues[queue].spec.visibility_timeout_s) * SECOND;
        let Some((key, count, _)) = self.receive_from(queue, max, hidden_for) else {
            return false;
        };
        let node = self.pool_nodes[pool];
        let busy = self.pools[pool].service_time(count, &mut self.rngs[node]);
        self.pools[pool].workers[worker].receipt = Some(key);
        self.schedule(
            self.now + busy,
            Action::WorkerDone { pool: pool as u32, worker: worker as u32 },
        );
        self.schedule_queue_wake(queue);
        true
    }

    /// A worker finished its batch: DeleteMessageBatch, forward, and
    /// receive again.
    pub(super) fn worker_done(&mut self, pool: usize, worker: usize) {
        let Some(key) = self.pools[pool].workers[worker].receipt.take() else { return };
        let queue = self.queue_at(self.pools[pool].source).expect("validated wiring");
        self.release_queue(queue);
        let stale = self.queues[queue].in_flight.get(&key).is_none_or(|e| e.stale);
        let done = self.queues[queue].finish(self.now, key);
        let (queue_node, node) = (self.queue_nodes[queue], self.pool_nodes[pool]);
        let fifo = self.queues[queue].is_fifo();
        let qm = &mut self.metrics[queue_node];
        qm.add(metrics::queue::DUPLICATES, done.duplicates as f64);
        if !stale {
            // A stale receipt handle deletes nothing.
            qm.add(metrics::queue::DELETED, done.processed as f64);
        }
        self.cost.sqs_calls(fifo, 1, 0);
        self.metrics[node].add(metrics::worker_pool::PROCESSED, done.processed as f64);
        self.forward(pool, done.processed, done.processed_bytes);
        self.after_queue_change(queue);
        self.worker_receive(pool, worker);
    }

    /// Sends on what a worker pool processed, scaled by its forward ratio
    /// and size factor, to the node it is linked to.
    fn forward(&mut self, pool: usize, processed: u64, processed_bytes: u64) {
        let Some(to) = self.pools[pool].forward_to else { return };
        let count = self.pools[pool].forward_count(processed);
        if count == 0 {
            return;
        }
        let avg = processed_bytes as f64 / processed.max(1) as f64;
        let each = (avg * self.pools[pool].spec.forward.size_ratio).round().max(1.0) as u64;
        let batch = Batch { records: count, bytes: count * each, oldest_ms: self.now };
        let accepted = self.deliver(to, batch);
        self.metrics[self.pool_nodes[pool]].add(metrics::worker_pool::FORWARDED, accepted as f64);
    }

    /// A long poll ran its `WaitTimeSeconds` without a message: an empty
    /// receive; the reader polls again.
    pub(super) fn poll_timeout(&mut self, node: usize, poller: usize, token: u32) {
        let slot = self.slots[node];
        if slot.kind == NodeKind::Lambda {
            return self.esm_poll_timeout(slot.slot, poller, token);
        }
        if slot.kind != NodeKind::WorkerPool {
            return;
        }
        let w = &self.pools[slot.slot].workers[poller];
        if !w.waiting || w.token != token {
            return; // answered meanwhile
        }
        let queue = self.queue_at(self.pools[slot.slot].source).expect("validated wiring");
        let me = (node as u32, poller as u32);
        self.queue_waiters[queue].retain(|&p| p != me);
        self.pools[slot.slot].workers[poller].waiting = false;
        self.empty_receive(queue);
        self.worker_receive(slot.slot, poller);
    }

    /// Once a second: retention, and the queue and pool gauges.
    pub(super) fn queues_second(&mut self) {
        for queue in 0..self.queues.len() {
            self.release_queue(queue);
            let node = self.queue_nodes[queue];
            let q = &mut self.queues[queue];
            let gone = q.expire(self.now);
            let (visible, hidden, delayed) = (q.visible_count, q.in_flight_count, q.delayed_count);
            let age = q.oldest_age(self.now);
            let m = &mut self.metrics[node];
            m.add(metrics::queue::EXPIRED, gone as f64);
            m.sample(metrics::queue::VISIBLE, visible as f64);
            m.sample(metrics::queue::NOT_VISIBLE, hidden as f64);
            m.sample(metrics::queue::DELAYED, delayed as f64);
            m.sample(metrics::queue::OLDEST_AGE, age as f64);
        }
        for pool in 0..self.pools.len() {
            let busy = self.pools[pool].workers.iter().filter(|w| w.receipt.is_some()).count();
            self.metrics[self.pool_nodes[pool]]
                .sample(metrics::worker_pool::BUSY_WORKERS, busy as f64);
        }
    }
}
