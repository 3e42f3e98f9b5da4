//! SQS in the engine: producers sending to queues, the queues' own events
//! (delays and visibility timeouts ending, retention, dead letters), long
//! polling, and the worker pools that read them.
//!
//! A receive loop (a worker, or an event source mapping's poller) that finds
//! a queue empty and long-polls waits in the queue's line of pollers; the
//! first messages to become visible go to the first poller waiting, as SQS
//! answers a long poll as soon as a message is available (aws-facts 4.1).

use crate::cost::{SQS_CHUNK_BYTES, sqs_billed_requests};
use crate::engine::{Action, EngineKind, Simulation};
use crate::metrics;
use crate::metrics::Latencies;
use crate::scenario::{NodeIndex, NodeKind, QueueSpec, RecordSize, with_kind};
use smallvec::SmallVec;

use crate::kinds::queue::calls::{SendCalls, Sizes};
use crate::kinds::queue::{Counts, Finished, GroupRoute, MAX_BATCH_MESSAGES, ReceiptKey};
use crate::kinds::{Batch, Messages, ShardRecords, Target};
use crate::routing::{hash_key, key_name};
use crate::time::{SECOND, SimTime};

use crate::kinds::stream::writes::{apportion, apportion_into};

/// Pause before a receive the queue throttled is tried again (the AWS SDKs'
/// retry back-off is of this order; not an aws-facts value, see MODEL.md).
const THROTTLED_RECEIVE_BACKOFF_MS: SimTime = 100;

/// A producer's messages on their way to a queue: a fresh batch, or those
/// a FIFO queue's call limits refused, waiting for their next attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct QueueRetry {
    /// Messages per entry of the producer's [`GroupRoute`] (a partition).
    pub parts: Counts,
    /// Attempts already made.
    pub attempts: u32,
    /// Mean time its messages were born ([`crate::kinds::batch::born_blend`]).
    pub born_ms: SimTime,
}

impl QueueRetry {
    pub(crate) fn messages(&self) -> u64 {
        self.parts.iter().map(|p| p.1).sum()
    }

    /// Takes in `other`'s messages (same producer, same attempts made):
    /// each partition's add up, in partition order, and their birth times
    /// blend.
    pub(crate) fn merge(&mut self, other: QueueRetry) {
        self.born_ms = crate::kinds::batch::born_blend(
            self.born_ms,
            self.messages(),
            other.born_ms,
            other.messages(),
        );
        for (part, n) in other.parts {
            match self.parts.iter_mut().find(|p| p.0 == part) {
                Some(mine) => mine.1 += n,
                None => self.parts.push((part, n)),
            }
        }
        self.parts.sort_unstable_by_key(|p| p.0);
    }
}

/// What one SendMessageBatch attempt did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Sent {
    /// Messages accepted, and their bytes.
    accepted: u64,
    bytes: u64,
    /// Calls the queue took.
    calls: u64,
    /// Messages refused, per route entry.
    refused: Counts,
}

/// A receive loop waiting in a long poll: (node index of the reader, its
/// worker or poller index).
pub(crate) type Poller = (u32, u32);

impl Simulation {
    /// A queue-bound producer's batch: the records generated since the last
    /// one go out as SendMessageBatch calls.
    pub(crate) fn producer_send(&mut self, slot: usize) {
        let node = self.producer_nodes[slot];
        // The records were made since the last batch: born, on average, halfway.
        let born_ms = (self.producers[slot].last_batch + self.now) / 2;
        let k = self.producers[slot].generate(self.now, &mut self.rngs[node]);
        self.metrics[node].add(metrics::producer::USER_RECORDS_RECEIVED, k as f64);
        if let Target::Topic(_) = self.producers[slot].target {
            self.producer_publish(slot, k, born_ms);
            let next = self.now + self.producers[slot].spec.batching.max_buffered_ms;
            self.schedule(next, Action::ProducerSend { slot: slot as u32 });
            return;
        }
        let mut parts = Counts::new();
        if let Some(route) = &self.send_routes[slot] {
            route.spread(k, &mut self.rngs[node], &mut parts);
        }
        self.send_for_producer(slot, QueueRetry { parts, attempts: 0, born_ms });
        let next = self.now + self.producers[slot].spec.batching.max_buffered_ms;
        self.schedule(next, Action::ProducerSend { slot: slot as u32 });
    }

    pub(crate) fn queue_send_retry(&mut self, slot: usize, batch: QueueRetry) {
        self.producers[slot].pending_retry -= batch.messages();
        self.send_for_producer(slot, batch);
    }

    /// One attempt: the messages go out as SendMessageBatch calls; those a
    /// FIFO queue's call limits refused are retried with the producer's
    /// backoff, then given up.
    fn send_for_producer(&mut self, slot: usize, mut batch: QueueRetry) {
        if batch.messages() == 0 {
            return;
        }
        if let Target::Topic(_) = self.producers[slot].target {
            return self.publish_for_producer(slot, batch);
        }
        let node = self.producer_nodes[slot];
        let Target::Queue(queue) = self.producers[slot].target else { return };
        let Some(route) = self.send_routes[slot].take() else { return };
        batch.attempts += 1;
        let bytes = match self.producers[slot].spec.record_size {
            RecordSize::Fixed { bytes } => Some(u64::from(bytes)),
            _ => None,
        };
        let sent =
            self.send_message_batch(queue, &route, &batch.parts, bytes, Some(slot), batch.born_ms);
        self.send_routes[slot] = Some(route);
        let m = &mut self.metrics[node];
        m.add(metrics::producer::USER_RECORDS_PUT, sent.accepted as f64);
        m.add(metrics::producer::USER_RECORDS_DATA_PUT, sent.bytes as f64);
        m.add(metrics::producer::REQUESTS, sent.calls as f64);
        let refused = QueueRetry { parts: sent.refused, ..batch };
        self.retry_refused(node, slot, refused);
    }

    /// What a queue or topic producer's send had refused (`retry.parts`,
    /// after `retry.attempts` attempts): given up once its retries are
    /// spent, else sent again after its backoff (a producer's retry policy,
    /// whatever it sends to).
    pub(crate) fn retry_refused(&mut self, node: NodeIndex, slot: usize, retry: QueueRetry) {
        let (refused, attempts) = (retry.messages(), retry.attempts);
        if refused == 0 {
            return;
        }
        let m = &mut self.metrics[node];
        let p = &mut self.producers[slot];
        if attempts >= p.spec.retry.max_attempts {
            p.given_up += refused;
            m.add(metrics::producer::USER_RECORD_EXPIRED, refused as f64);
            return;
        }
        p.pending_retry += refused;
        m.add(metrics::producer::RETRIES, refused as f64);
        // Each refused call (up to 10 messages) waits its own backoff: the
        // calls split over the times their backoffs end, and each time's
        // share of the messages takes each partition's part in proportion.
        let p = &self.producers[slot];
        let mut spread = std::mem::take(&mut self.retry_spread);
        if let Some(at) = spread.start(p, attempts, self.now, 1) {
            self.retry_spread = spread;
            let batch = Box::new(retry);
            return self.schedule(at, Action::QueueSendRetry { slot: slot as u32, batch });
        }
        let all = ShardRecords { shard: 0, records: refused, data_bytes: 0 };
        spread.split(p, all, MAX_BATCH_MESSAGES, &mut self.rngs[node]);
        let pieces = spread.take_pieces();
        let mut left: SmallVec<[(usize, u64); 2]> =
            retry.parts.iter().map(|&(part, n)| (part as usize, n)).collect();
        let mut shares: SmallVec<[u64; 2]> = smallvec::smallvec![0; left.len()];
        for &(at, piece) in &pieces {
            apportion_into(piece.records, &left, &mut shares);
            let mut parts = Counts::new();
            for (entry, &share) in left.iter_mut().zip(&shares).filter(|(_, share)| **share > 0) {
                entry.1 -= share;
                parts.push((entry.0 as u32, share));
            }
            let batch = Box::new(QueueRetry { parts, ..retry });
            self.schedule(at, Action::QueueSendRetry { slot: slot as u32, batch });
        }
        spread.give_back(pieces);
        self.retry_spread = spread;
    }

    /// SendMessageBatch: each route entry's messages (one partition's) go
    /// out as calls of up to 10 messages and at most the queue's
    /// `MaximumMessageSize` (aws-facts 4.1). A FIFO queue takes whole calls
    /// within its limits (aws-facts 4.2: 300 calls a second per partition,
    /// and queue-wide 300, or 70,000 in high-throughput mode, shared in
    /// proportion when it binds); the rest are throttled. Messages sent,
    /// calls throttled and requests billed (aws-facts 2.4, each call's own
    /// 64 KB chunks) all count the same calls. Sizes are `bytes` each, or
    /// drawn from producer `slot`'s distribution. The messages were born at
    /// their producer on average at `born_ms`.
    fn send_message_batch(
        &mut self,
        queue: usize,
        route: &GroupRoute,
        parts: &[(u32, u64)],
        bytes: Option<u64>,
        slot: Option<usize>,
        born_ms: SimTime,
    ) -> Sent {
        let rng_node = slot.map_or(self.queue_nodes[queue], |s| self.producer_nodes[s]);
        let sizes = match slot {
            Some(s) if bytes.is_none() => Sizes::Drawn(&self.producers[s]),
            _ => Sizes::Each(bytes.unwrap_or(1)),
        };
        let cap = u64::from(self.queues[queue].spec.max_message_bytes);
        let rng = &mut self.rngs[rng_node];
        let plans: SmallVec<[SendCalls; 2]> =
            parts.iter().map(|&(_, n)| SendCalls::plan(n, sizes, cap, rng)).collect();
        let q = &mut self.queues[queue];
        let now = self.now;
        let mut room: SmallVec<[(usize, u64); 2]> = plans
            .iter()
            .zip(parts)
            .enumerate()
            .map(|(i, (plan, &(part, _)))| {
                (i, plan.calls().min(q.partition_send_room(now, route.partition(part as usize))))
            })
            .collect();
        let queue_room = q.queue_send_room(now);
        if room.iter().map(|r| r.1).sum::<u64>() > queue_room {
            let shares = apportion(queue_room, &room);
            for (r, share) in room.iter_mut().zip(shares) {
                r.1 = share;
            }
        }
        let (fifo, sender) = (q.is_fifo(), slot.map_or(0, |s| s as u32 + 1));
        let mut sent = Sent::default();
        let (mut throttled, mut requests) = (0, 0);
        let mut groups = Counts::new();
        for ((plan, &(part, n)), (_, calls)) in plans.iter().zip(parts).zip(room) {
            let partition = route.partition(part as usize);
            self.queues[queue].spend_sends(now, partition, calls);
            throttled += plan.calls() - calls;
            let taken = plan.take(calls, sizes, &mut self.rngs[rng_node]);
            requests += taken.requests;
            sent.calls += calls;
            sent.accepted += taken.messages;
            sent.bytes += taken.bytes;
            if taken.messages < n {
                sent.refused.push((part, n - taken.messages));
            }
            if taken.messages == 0 {
                continue;
            }
            let each = (taken.bytes + taken.messages / 2) / taken.messages;
            route.groups(part as usize, taken.messages, &mut self.rngs[rng_node], &mut groups);
            for &(group, count) in &groups {
                let mut m = Messages::new(count, each.max(1), now, group);
                m.sizes = if bytes.is_some() { 0 } else { sender };
                m.born_ms = born_ms;
                self.queues[queue].send(now, m);
            }
        }
        let node = self.queue_nodes[queue];
        let m = &mut self.metrics[node];
        m.add(metrics::queue::THROTTLED_CALLS, throttled as f64);
        if sent.accepted > 0 {
            m.add(metrics::queue::SENT, sent.accepted as f64);
            m.sample(metrics::queue::SENT_SIZE, sent.bytes as f64 / sent.accepted as f64);
            self.cost.sqs_requests(fifo, requests);
            self.after_queue_change(queue);
        }
        sent
    }

    /// A queue takes records in message group 0 (a standard topic's
    /// notifications, a hand-off into a standard queue): SendMessageBatch
    /// calls of the average size; returns those accepted.
    pub(crate) fn queue_take(&mut self, queue: usize, batch: Batch) -> u64 {
        let q = &self.queues[queue];
        let route = GroupRoute::to_group(q.partition_of(hash_key(&key_name(0))), 0);
        self.queue_take_routed(queue, batch, &route)
    }

    /// A queue takes records node `from` forwards (see `deliver.rs`): into
    /// a FIFO queue, in the message groups of the keys they were written
    /// with ([`crate::kinds::queue::forwarded_groups`]).
    pub(crate) fn queue_forwarded(&mut self, queue: usize, from: NodeIndex, batch: Batch) -> u64 {
        match self.forward_routes.get(&(from, queue)) {
            Some(route) => {
                let route = std::sync::Arc::clone(route);
                self.queue_take_routed(queue, batch, &route)
            }
            None => self.queue_take(queue, batch),
        }
    }

    /// [`Simulation::queue_take`] with the records spread over `route`'s
    /// partitions and message groups (drawn from the queue's random
    /// stream): a FIFO topic's notifications keep their groups.
    pub(crate) fn queue_take_routed(
        &mut self,
        queue: usize,
        batch: Batch,
        route: &GroupRoute,
    ) -> u64 {
        let bytes = (batch.bytes + batch.records / 2) / batch.records.max(1);
        let mut parts = Counts::new();
        route.spread(batch.records, &mut self.rngs[self.queue_nodes[queue]], &mut parts);
        let each = Some(bytes.max(1));
        self.send_message_batch(queue, route, &parts, each, None, batch.born_ms).accepted
    }

    /// The queue slot of node `node`, if it is a queue.
    pub(crate) fn queue_at(&self, node: NodeIndex) -> Option<usize> {
        let s = self.slots.get(node)?;
        (s.kind == NodeKind::SqsQueue).then_some(s.slot)
    }

    /// Puts messages into a queue, then answers waiting long polls.
    pub(crate) fn enqueue(&mut self, queue: usize, messages: Messages) {
        self.queues[queue].send(self.now, messages);
        self.after_queue_change(queue);
    }

    /// After anything that may make messages visible or free a FIFO group:
    /// answer long polls, and make sure a wake-up is scheduled for the next
    /// delay or visibility timeout to end.
    pub(crate) fn after_queue_change(&mut self, queue: usize) {
        self.serve_waiting(queue);
        self.schedule_queue_wake(queue);
    }

    /// Schedules a wake-up for when the next delay or visibility timeout of
    /// a queue ends, unless one is due by then.
    pub(crate) fn schedule_queue_wake(&mut self, queue: usize) {
        if let Some(t) = self.queues[queue].next_release() {
            let t = t.max(self.now);
            if self.queue_wake_at[queue].is_none_or(|w| t < w) {
                self.queue_wake_at[queue] = Some(t);
                self.schedule(t, Action::QueueWake { queue: queue as u32 });
            }
        }
    }

    /// A queue's delays or visibility timeouts end.
    pub(crate) fn queue_wake(&mut self, queue: usize) {
        if self.queue_wake_at[queue] == Some(self.now) {
            self.queue_wake_at[queue] = None;
        }
        self.release_queue(queue);
    }

    /// Makes due messages visible, hands dead letters to the dead-letter
    /// queue (aws-facts 4.3), and answers waiting long polls.
    pub(crate) fn release_queue(&mut self, queue: usize) {
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
            if !self.try_receive(NodeIndex::new(poller.0 as usize), poller.1 as usize) {
                // e.g. every FIFO group with messages is in flight
                self.queue_waiters[queue].push_front(poller);
                break;
            }
        }
    }

    /// A waiting poller's long poll returns with messages, if the queue
    /// gives any. Returns whether it did.
    fn try_receive(&mut self, node: NodeIndex, index: usize) -> bool {
        let slot = self.slots[node];
        with_kind!(slot.kind, S => S::offered(self, slot.slot, index))
    }

    /// ReceiveMessage for `max` messages from `queue` on behalf of a reader,
    /// one call per 10 messages (aws-facts 4.1): counts the messages and
    /// bills each call by its own payload (aws-facts 2.4). Returns the
    /// receipt and its messages, `None` when nothing was returned.
    pub(crate) fn receive_from(
        &mut self,
        queue: usize,
        max: u64,
        hidden_for: SimTime,
    ) -> Option<(ReceiptKey, u64)> {
        let key = self.queues[queue].receive(self.now, max, self.now + hidden_for)?;
        let (count, requests) = self.receive_requests(queue, key);
        let node = self.queue_nodes[queue];
        self.metrics[node].add(metrics::queue::RECEIVED, count as f64);
        let fifo = self.queues[queue].is_fifo();
        self.cost.sqs_requests(fifo, requests);
        Some((key, count))
    }

    /// The messages of a receipt and the requests its ReceiveMessage calls
    /// bill: 10 messages a call, in order; a call whose messages cannot
    /// pass 64 KiB is one request, else its payload's 64 KB chunks, with
    /// the sizes of messages of varied size drawn afresh from their
    /// producer's distribution (the queue keeps only their average).
    fn receive_requests(&mut self, queue: usize, key: ReceiptKey) -> (u64, u64) {
        let rng = &mut self.rngs[self.queue_nodes[queue]];
        let Some(entry) = self.queues[queue].receipt(key) else { return (0, 0) };
        let producers = &self.producers;
        let largest = |m: &Messages| match m.sizes {
            0 => m.bytes,
            s => u64::from(producers[s as usize - 1].spec.record_size.max_bytes()),
        };
        let mut payload = |m: &Messages, n: u64| match m.sizes {
            0 => n * m.bytes,
            s => n * producers[s as usize - 1].draw_data_bytes(n, rng),
        };
        let (mut count, mut requests) = (0, 0);
        let mut call: Vec<(Messages, u64)> = Vec::new();
        let mut bill = |call: &mut Vec<(Messages, u64)>| {
            if call.is_empty() {
                return 0;
            }
            let most: u64 = call.iter().map(|(m, n)| n * largest(m)).sum();
            let billed = if most <= SQS_CHUNK_BYTES {
                1
            } else {
                sqs_billed_requests(call.iter().map(|(m, n)| payload(m, *n)).sum())
            };
            call.clear();
            billed
        };
        let mut in_call = 0;
        for (m, _) in &entry.messages {
            let mut left = m.count;
            count += left;
            while left > 0 {
                let n = left.min(MAX_BATCH_MESSAGES - in_call);
                call.push((*m, n));
                (left, in_call) = (left - n, in_call + n);
                if in_call == MAX_BATCH_MESSAGES {
                    requests += bill(&mut call);
                    in_call = 0;
                }
            }
        }
        requests += bill(&mut call);
        (count, requests)
    }

    /// An empty ReceiveMessage: counted and billed (aws-facts 2.4, 4.4).
    pub(crate) fn empty_receive(&mut self, queue: usize) {
        let node = self.queue_nodes[queue];
        self.metrics[node].add(metrics::queue::EMPTY_RECEIVES, 1.0);
        let fifo = self.queues[queue].is_fifo();
        self.cost.sqs_calls(fifo, 1, 0);
    }

    /// aws-facts 4.2: a FIFO queue takes 300 (or 70,000) receives a second,
    /// from workers and event sources alike. A refused call is counted and
    /// `retry` is scheduled after a back-off. Whether it was refused.
    pub(crate) fn receive_throttled(&mut self, queue: usize, retry: Action) -> bool {
        if self.queues[queue].admit_receive(self.now) {
            return false;
        }
        self.metrics[self.queue_nodes[queue]].add(metrics::queue::THROTTLED_CALLS, 1.0);
        let at = self.queues[queue].next_receive_at(self.now);
        self.schedule(at.max(self.now + THROTTLED_RECEIVE_BACKOFF_MS), retry);
        true
    }

    /// A worker calls ReceiveMessage: with messages it starts processing;
    /// without, it long-polls (waits in line for `WaitTimeSeconds`) or, when
    /// short polling, pauses and tries again.
    pub(crate) fn worker_receive(&mut self, pool: usize, worker: usize) {
        let queue = self.queue_at(self.pools[pool].source).expect("validated wiring");
        let retry = Action::WorkerReceive { pool: pool as u32, worker: worker as u32 };
        if self.receive_throttled(queue, retry) {
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
        let pool_node = self.pool_nodes[pool].get() as u32;
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
    pub(crate) fn worker_takes(&mut self, pool: usize, worker: usize) -> bool {
        let p = &self.pools[pool];
        let queue = self.queue_at(p.source).expect("validated wiring");
        let max = u64::from(p.spec.max_messages);
        let hidden_for = SimTime::from(self.queues[queue].spec.visibility_timeout_s) * SECOND;
        let Some((key, count)) = self.receive_from(queue, max, hidden_for) else {
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
    pub(crate) fn worker_done(&mut self, pool: usize, worker: usize) {
        let Some(key) = self.pools[pool].workers[worker].receipt.take() else { return };
        let queue = self.queue_at(self.pools[pool].source).expect("validated wiring");
        self.release_queue(queue);
        let stale = !self.queues[queue].is_live(key);
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
        self.forward(pool, &done);
        self.after_queue_change(queue);
        self.worker_receive(pool, worker);
    }

    /// Sends on what a worker pool processed, scaled by its forward ratio
    /// and size factor, to the node it is linked to.
    fn forward(&mut self, pool: usize, done: &Finished) {
        let Some(to) = self.pools[pool].forward_to else { return };
        let count = self.pools[pool].forward_count(done.processed);
        if count == 0 {
            return;
        }
        let avg = done.processed_bytes as f64 / done.processed.max(1) as f64;
        let each = (avg * self.pools[pool].spec.forward.size_ratio).round().max(1.0) as u64;
        let batch = Batch::arriving(count, count * each, self.now, done.processed_born);
        let accepted = self.deliver(self.pool_nodes[pool], to, batch);
        self.metrics[self.pool_nodes[pool]].add(metrics::worker_pool::FORWARDED, accepted as f64);
    }

    /// A long poll ran its `WaitTimeSeconds` without a message: an empty
    /// receive; the reader polls again.
    pub(crate) fn poll_timeout(&mut self, node: NodeIndex, poller: usize, token: u32) {
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
        let me = (node.get() as u32, poller as u32);
        self.queue_waiters[queue].retain(|&p| p != me);
        self.pools[slot.slot].workers[poller].waiting = false;
        self.empty_receive(queue);
        self.worker_receive(slot.slot, poller);
    }

    /// Once a second: retention, and the queue and pool gauges.
    pub(crate) fn queues_second(&mut self) {
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

impl EngineKind for QueueSpec {
    fn accept(sim: &mut Simulation, slot: usize, from: NodeIndex, batch: Batch) -> u64 {
        sim.queue_forwarded(slot, from, batch)
    }

    fn offered(_: &mut Simulation, _: usize, _: usize) -> bool {
        false
    }

    fn producer_target(slot: usize) -> Option<Target> {
        Some(Target::Queue(slot))
    }

    fn latency(sim: &Simulation, _: NodeIndex, slot: usize) -> Option<&Latencies> {
        Some(&sim.queues[slot].latency)
    }
}

#[cfg(test)]
mod retry_tests {
    use super::*;

    /// A queue producer's refused calls retry each after its own backoff
    /// (50 to 100 ms after a first attempt), not all at one instant: 40
    /// refused calls come back over many times within the window, and every
    /// message once.
    #[test]
    fn refused_calls_retry_spread_over_the_jitter_window() {
        let json = include_str!("../../../../scenarios/lesson-fifo-throughput.json");
        let valid = crate::load_scenario(json).expect("the lesson is valid");
        let mut sim = Simulation::new(&valid, 1);
        let (slot, node) = (0, sim.producer_nodes[0]);
        let parts = Counts::from_slice(&[(0, 400)]);
        sim.retry_refused(node, slot, QueueRetry { parts, attempts: 1, born_ms: 0 });
        let mut retries = Vec::new();
        while let Some((at, action)) = sim.queue.pop() {
            if let Action::QueueSendRetry { batch, .. } = action {
                retries.push((at, batch.messages()));
            }
        }
        assert_eq!(retries.iter().map(|r| r.1).sum::<u64>(), 400);
        assert!(retries.iter().all(|r| (50..=100).contains(&r.0)), "{retries:?}");
        let mut times: Vec<SimTime> = retries.iter().map(|r| r.0).collect();
        times.dedup();
        assert!(times.len() >= 8, "{retries:?}");
    }

    /// Two retries of one producer due in the same millisecond go as one
    /// send whichever was scheduled first: merged either way round, they
    /// are the same batch.
    #[test]
    fn simultaneous_retries_merge_the_same_in_either_order() {
        let a =
            QueueRetry { parts: Counts::from_slice(&[(2, 30), (0, 5)]), attempts: 1, born_ms: 100 };
        let b =
            QueueRetry { parts: Counts::from_slice(&[(0, 7), (1, 4)]), attempts: 1, born_ms: 161 };
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.merge(b);
        ba.merge(a);
        assert_eq!(ab, ba);
        assert_eq!(ab.parts.as_slice(), &[(0, 12), (1, 4), (2, 30)]);
    }
}
