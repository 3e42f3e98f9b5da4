//! An SQS queue (aws-facts 4): messages travel as cohorts (count, average
//! size, first enqueue, receive count, message group), never one by one.
//!
//! A cohort is in exactly one place: delayed, visible (in its message
//! group's line) or in flight under a receipt. Receipts expire at the end of
//! the visibility timeout; what was not deleted by then becomes visible
//! again (or moves to the dead-letter queue). The engine drives the queue
//! (`engine/queues.rs`); nothing here schedules events or loops per message.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::bucket::TokenBucket;
use crate::scenario::{QueueSpec, QueueType};
use crate::time::{SECOND, SimTime};

/// aws-facts 4.1: at most 10 messages per ReceiveMessage, SendMessageBatch
/// and DeleteMessageBatch.
pub const MAX_BATCH_MESSAGES: u64 = 10;
/// aws-facts 4.1: about 120,000 in-flight messages per standard queue.
pub const STANDARD_IN_FLIGHT_LIMIT: u64 = 120_000;
/// aws-facts 4.1: 20,000 in-flight messages per FIFO queue.
pub const FIFO_IN_FLIGHT_LIMIT: u64 = 20_000;
/// aws-facts 4.2: a FIFO queue takes 300 calls a second per API action.
pub const FIFO_CALLS_PER_S: f64 = 300.0;
/// aws-facts 4.2: 70,000 calls a second per action in FIFO high-throughput
/// mode (us-east-1, the Region the model prices).
pub const FIFO_HIGH_THROUGHPUT_CALLS_PER_S: f64 = 70_000.0;
/// aws-facts 4.1: long polling waits at most 20 s.
pub const MAX_WAIT_TIME_S: u32 = 20;

/// Messages that share their fate: sent together, received together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Messages {
    /// How many.
    pub count: u64,
    /// Average bytes per message.
    pub bytes: u64,
    /// First enqueue time; retention counts from it, even in a dead-letter
    /// queue (aws-facts 4.1).
    pub sent_at: SimTime,
    /// When they (last) became visible; the wait in the queue counts from it.
    pub visible_since: SimTime,
    /// Receives so far (`ApproximateReceiveCount`).
    pub receives: u32,
    /// Message group (FIFO); 0 in a standard queue.
    pub group: u32,
    /// Poison messages fail every time they are processed.
    pub poison: bool,
    /// Whether these messages count in the conservation ledger: false for
    /// the second copy of a message delivered twice and for dead letters.
    pub counted: bool,
}

impl Messages {
    /// `count` new messages of `bytes` each, sent at `now` to group `group`.
    pub fn new(count: u64, bytes: u64, now: SimTime, group: u32) -> Self {
        Messages {
            count,
            bytes,
            sent_at: now,
            visible_since: now,
            receives: 0,
            group,
            poison: false,
            counted: true,
        }
    }

    /// The first `n` of these messages, leaving the rest here.
    pub fn split_off(&mut self, n: u64) -> Messages {
        let n = n.min(self.count);
        self.count -= n;
        Messages { count: n, ..*self }
    }

    fn mergeable(&self, other: &Messages) -> bool {
        self.group == other.group
            && self.receives == other.receives
            && self.poison == other.poison
            && self.counted == other.counted
            && self.visible_since == other.visible_since
    }
}

/// What the consumer decided about an in-flight cohort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Still being processed.
    Pending,
    /// Processed; deleted when the consumer finishes.
    Delete,
    /// Not processed (failed or throttled): visible again when the
    /// visibility timeout ends.
    Keep,
}

/// Messages received under one receipt.
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    /// The cohorts received, with what becomes of each.
    pub messages: Vec<(Messages, Outcome)>,
    /// The visibility timeout ran out while they were still being
    /// processed: copies are visible again, and this entry only waits for
    /// the consumer to finish (its delete will be stale).
    pub stale: bool,
}

/// Identifies a receipt: when its visibility ends, then a sequence number.
pub type ReceiptKey = (SimTime, u64);

/// What a consumer's finish did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Finished {
    /// Messages deleted (or, on a stale receipt, processed anyway) that
    /// count in the ledger: delivered.
    pub delivered: u64,
    /// Copies of messages already delivered once, processed again.
    pub duplicates: u64,
    /// Messages kept in flight until the visibility timeout ends.
    pub kept: u64,
    /// Bytes of what was processed, for forwarding.
    pub processed_bytes: u64,
    /// Messages processed (delivered plus duplicates).
    pub processed: u64,
}

/// What moved when receipts or delays ran out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Released {
    /// Messages that became visible.
    pub visible: u64,
    /// Messages over `maxReceiveCount`, for the dead-letter queue.
    pub dead_letters: Vec<Messages>,
}

/// A queue's runtime state.
#[derive(Clone, Debug)]
pub struct Queue {
    /// Parameters.
    pub spec: QueueSpec,
    /// Node index of the dead-letter queue, if the queue has one.
    pub dead_letter: Option<usize>,
    /// Messages waiting for their delay to pass, in order of release.
    pub delayed: VecDeque<Messages>,
    /// Visible messages by message group, oldest first in each group.
    pub visible: BTreeMap<u32, VecDeque<Messages>>,
    /// Messages in flight, by receipt.
    pub in_flight: BTreeMap<ReceiptKey, InFlight>,
    /// FIFO: receipts holding each message group (a group is not received
    /// from while it has messages in flight, aws-facts 4.2).
    locked: BTreeMap<u32, u32>,
    /// FIFO: groups with visible messages and nothing in flight, by the
    /// send time of their first message (oldest served first), and the key
    /// each group is filed under.
    ready: BTreeSet<(SimTime, u32)>,
    ready_key: BTreeMap<u32, SimTime>,
    next_receipt: u64,
    /// Visible messages.
    pub visible_count: u64,
    /// Delayed messages.
    pub delayed_count: u64,
    /// In-flight messages (not counting stale receipts, whose copies are
    /// visible again).
    pub in_flight_count: u64,
    /// FIFO call limits per action (aws-facts 4.2); none for standard queues.
    limits: Option<[TokenBucket; 3]>,
    /// Messages delivered (processed and deleted, or processed once) that
    /// count in the ledger.
    pub delivered: u64,
    /// Ledger messages that outlived the retention period.
    pub expired: u64,
    /// Ledger messages moved to the dead-letter queue.
    pub dead_lettered: u64,
    /// Messages processed more than once (at-least-once delivery).
    pub duplicates: u64,
    /// Messages received for the first time, and their total wait (ms)
    /// between becoming visible and being received.
    pub first_receives: u64,
    /// Total first-receive wait in ms.
    pub wait_ms_total: u128,
    /// Integral of the visible count over time (message-milliseconds).
    pub visible_ms_integral: u128,
    last_change: SimTime,
}

/// The three throttled API actions of a FIFO queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiAction {
    /// SendMessage / SendMessageBatch.
    Send = 0,
    /// ReceiveMessage.
    Receive = 1,
    /// DeleteMessage / DeleteMessageBatch.
    Delete = 2,
}

impl Queue {
    /// An empty queue.
    pub fn new(spec: QueueSpec, dead_letter: Option<usize>) -> Self {
        let limits = (spec.queue_type == QueueType::Fifo).then(|| {
            let per_s = if spec.high_throughput {
                FIFO_HIGH_THROUGHPUT_CALLS_PER_S
            } else {
                FIFO_CALLS_PER_S
            };
            [TokenBucket::per_second(per_s), TokenBucket::per_second(per_s), {
                TokenBucket::per_second(per_s)
            }]
        });
        Queue {
            spec,
            dead_letter,
            delayed: VecDeque::new(),
            visible: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            locked: BTreeMap::new(),
            ready: BTreeSet::new(),
            ready_key: BTreeMap::new(),
            next_receipt: 0,
            visible_count: 0,
            delayed_count: 0,
            in_flight_count: 0,
            limits,
            delivered: 0,
            expired: 0,
            dead_lettered: 0,
            duplicates: 0,
            first_receives: 0,
            wait_ms_total: 0,
            visible_ms_integral: 0,
            last_change: 0,
        }
    }

    /// Whether this is a FIFO queue.
    pub fn is_fifo(&self) -> bool {
        self.spec.queue_type == QueueType::Fifo
    }

    /// aws-facts 4.1: the in-flight limit of the queue's type.
    pub fn in_flight_limit(&self) -> u64 {
        if self.is_fifo() { FIFO_IN_FLIGHT_LIMIT } else { STANDARD_IN_FLIGHT_LIMIT }
    }

    /// How many of `calls` calls of `action` the queue accepts now: all for
    /// a standard queue ("nearly unlimited", aws-facts 4.2), what the FIFO
    /// call bucket holds otherwise.
    pub fn admit_calls(&mut self, now: SimTime, action: ApiAction, calls: u64) -> u64 {
        let Some(limits) = &mut self.limits else { return calls };
        let bucket = &mut limits[action as usize];
        let admitted = (bucket.available(now).max(0.0) as u64).min(calls);
        bucket.take(now, admitted as f64);
        admitted
    }

    /// How many of `count` messages, sent `per_call` to a batch call, the
    /// queue accepts now. Calls are counted in fractions, since a sender
    /// packs messages of all groups into full batches.
    pub fn admit_messages(&mut self, now: SimTime, count: u64, per_call: u64) -> u64 {
        let Some(limits) = &mut self.limits else { return count };
        let bucket = &mut limits[ApiAction::Send as usize];
        let per_call = per_call.max(1) as f64;
        let accepted = ((bucket.available(now).max(0.0) * per_call) as u64).min(count);
        bucket.take(now, accepted as f64 / per_call);
        accepted
    }

    /// When the call bucket of `action` next holds a token (now if it does).
    pub fn next_call_at(&mut self, now: SimTime, action: ApiAction) -> SimTime {
        let Some(limits) = &mut self.limits else { return now };
        let bucket = &mut limits[action as usize];
        let missing = 1.0 - bucket.available(now);
        if missing <= 0.0 {
            return now;
        }
        now + (missing / bucket.capacity() * SECOND as f64).ceil() as SimTime
    }

    /// Brings the visible-count integral up to `now`.
    fn advance(&mut self, now: SimTime) {
        if now > self.last_change {
            self.visible_ms_integral +=
                u128::from(self.visible_count) * u128::from(now - self.last_change);
            self.last_change = now;
        }
    }

    /// Enqueues messages sent at `now`: delayed if the queue has a delay
    /// (aws-facts 4.1: 0 to 15 minutes), else visible at once.
    pub fn send(&mut self, now: SimTime, mut m: Messages) {
        if m.count == 0 {
            return;
        }
        self.advance(now);
        let delay = SimTime::from(self.spec.delay_s) * SECOND;
        if delay > 0 {
            m.visible_since = now + delay;
            self.delayed_count += m.count;
            match self.delayed.back_mut() {
                Some(last) if last.mergeable(&m) && last.sent_at == m.sent_at => {
                    merge_into(last, &m);
                }
                _ => self.delayed.push_back(m),
            }
        } else {
            m.visible_since = now;
            self.make_visible(m, false);
        }
    }

    fn make_visible(&mut self, m: Messages, front: bool) {
        self.visible_count += m.count;
        let line = self.visible.entry(m.group).or_default();
        if front {
            line.push_front(m);
        } else {
            match line.back_mut() {
                Some(last) if last.mergeable(&m) && last.sent_at == m.sent_at => {
                    merge_into(last, &m)
                }
                _ => line.push_back(m),
            }
        }
        self.refile(m.group);
    }

    /// FIFO: files group `g` under its oldest message if it can be received
    /// from (visible messages, nothing in flight), else takes it out.
    fn refile(&mut self, g: u32) {
        if !self.is_fifo() {
            return;
        }
        if let Some(t) = self.ready_key.remove(&g) {
            self.ready.remove(&(t, g));
        }
        let head = self.visible.get(&g).and_then(|line| line.front());
        if let Some(head) = head
            && !self.locked.contains_key(&g)
        {
            self.ready.insert((head.sent_at, g));
            self.ready_key.insert(g, head.sent_at);
        }
    }

    /// ReceiveMessage for up to `max` messages, hidden until `visible_at`.
    /// A FIFO queue returns messages of groups with nothing in flight,
    /// oldest group first, in order within each group (aws-facts 4.2). Over
    /// the in-flight limit nothing is returned (aws-facts 4.1). Returns the
    /// receipt, or `None` for an empty receive.
    pub fn receive(&mut self, now: SimTime, max: u64, visible_at: SimTime) -> Option<ReceiptKey> {
        if self.visible_count == 0 || self.in_flight_count >= self.in_flight_limit() {
            return None;
        }
        self.advance(now);
        let mut want = max.min(self.in_flight_limit() - self.in_flight_count);
        let mut taken: Vec<(Messages, Outcome)> = Vec::new();
        while want > 0 {
            let group = if self.is_fifo() {
                // The oldest head among groups with nothing in flight, not
                // yet taken by this receive.
                self.ready
                    .iter()
                    .find(|(_, g)| !taken.iter().any(|(m, _)| m.group == *g))
                    .map(|&(_, g)| g)
            } else {
                self.visible.keys().next().copied()
            };
            let Some(group) = group else { break };
            let line = self.visible.get_mut(&group).expect("group chosen above");
            while want > 0 {
                let Some(head) = line.front_mut() else { break };
                let mut part = head.split_off(want);
                if head.count == 0 {
                    line.pop_front();
                }
                want -= part.count;
                self.visible_count -= part.count;
                if part.receives == 0 {
                    self.first_receives += part.count;
                    self.wait_ms_total +=
                        u128::from(part.count) * u128::from(now - part.visible_since);
                }
                part.receives += 1;
                taken.push((part, Outcome::Pending));
            }
            if line.is_empty() {
                self.visible.remove(&group);
            }
            if !self.is_fifo() {
                break;
            }
            self.refile(group);
        }
        if taken.is_empty() {
            return None;
        }
        for (m, _) in &taken {
            self.in_flight_count += m.count;
        }
        let entry = InFlight { messages: taken, stale: false };
        for g in self.groups_of(&entry) {
            *self.locked.entry(g).or_default() += 1;
            self.refile(g);
        }
        self.next_receipt += 1;
        let key = (visible_at, self.next_receipt);
        self.in_flight.insert(key, entry);
        Some(key)
    }

    /// The message groups a receipt holds (FIFO only; standard queues lock
    /// nothing).
    fn groups_of(&self, entry: &InFlight) -> Vec<u32> {
        if !self.is_fifo() {
            return Vec::new();
        }
        let mut groups: Vec<u32> = entry.messages.iter().map(|(m, _)| m.group).collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    }

    /// Sets what becomes of each cohort of a receipt, from what the
    /// consumer made of it (e.g. a Lambda function's partial batch response).
    pub fn decide(&mut self, key: ReceiptKey, mut outcome: impl FnMut(&Messages) -> Outcome) {
        if let Some(entry) = self.in_flight.get_mut(&key) {
            for (m, o) in &mut entry.messages {
                *o = outcome(m);
            }
        }
    }

    fn unlock(&mut self, groups: Vec<u32>) {
        for g in groups {
            if let Some(n) = self.locked.get_mut(&g) {
                *n -= 1;
                if *n == 0 {
                    self.locked.remove(&g);
                }
            }
            self.refile(g);
        }
    }

    /// Splits the cohorts of a receipt received for the first time into
    /// poison and clean parts; `poison_of` says how many of a cohort are
    /// poison. Poison stays poison on every later receive.
    pub fn split_poison(&mut self, key: ReceiptKey, mut poison_of: impl FnMut(&Messages) -> u64) {
        let Some(entry) = self.in_flight.get_mut(&key) else { return };
        let mut poison = Vec::new();
        for (m, o) in &mut entry.messages {
            if m.receives != 1 || m.poison {
                continue;
            }
            let n = poison_of(m).min(m.count);
            if n > 0 {
                let mut part = m.split_off(n);
                part.poison = true;
                poison.push((part, *o));
            }
        }
        entry.messages.retain(|(m, _)| m.count > 0);
        entry.messages.extend(poison);
    }

    /// The consumer finished with a receipt: deletes what it processed
    /// (DeleteMessageBatch) and keeps the rest hidden until the visibility
    /// timeout ends. On a stale receipt the delete does nothing; the
    /// processing still happened, and the copy that became visible again
    /// will be processed a second time (aws-facts 4: at-least-once).
    pub fn finish(&mut self, now: SimTime, key: ReceiptKey) -> Finished {
        self.advance(now);
        let mut done = Finished::default();
        let Some(entry) = self.in_flight.get(&key) else { return done };
        let groups = self.groups_of(entry);
        let entry = self.in_flight.get_mut(&key).expect("found above");
        let stale = entry.stale;
        entry.messages.retain(|&(m, outcome)| {
            let processed = outcome != Outcome::Keep;
            if processed {
                done.processed += m.count;
                done.processed_bytes += m.count * m.bytes;
                if m.counted {
                    done.delivered += m.count;
                } else {
                    done.duplicates += m.count;
                }
            } else {
                done.kept += m.count;
            }
            !processed
        });
        if !stale {
            self.in_flight_count -= done.processed;
        }
        if stale || entry.messages.is_empty() {
            self.in_flight.remove(&key);
            if !stale {
                self.unlock(groups);
            }
        }
        self.delivered += done.delivered;
        self.duplicates += done.duplicates;
        done
    }

    /// Moves what is due at `now`: delayed messages become visible, and
    /// receipts whose visibility timeout ended give their messages back
    /// (or, past `maxReceiveCount` with a dead-letter queue, hand them over
    /// for it, aws-facts 4.3). A receipt still being processed leaves a
    /// copy visible that is not counted twice in the ledger.
    pub fn release_due(&mut self, now: SimTime) -> Released {
        self.advance(now);
        let mut out = Released::default();
        while self.delayed.front().is_some_and(|m| m.visible_since <= now) {
            let m = self.delayed.pop_front().expect("checked");
            self.delayed_count -= m.count;
            out.visible += m.count;
            self.make_visible(m, false);
        }
        let due: Vec<ReceiptKey> = self
            .in_flight
            .range(..=(now, u64::MAX))
            .filter(|(_, e)| !e.stale)
            .map(|(k, _)| *k)
            .collect();
        for key in due {
            let groups = self.groups_of(&self.in_flight[&key]);
            let entry = self.in_flight.get_mut(&key).expect("listed");
            let processing = entry.messages.iter().any(|(_, o)| *o == Outcome::Pending);
            let returned: Vec<Messages> = entry
                .messages
                .iter()
                .map(|&(m, o)| {
                    let copy_of_processed = processing && o != Outcome::Keep;
                    Messages { counted: m.counted && !copy_of_processed, visible_since: now, ..m }
                })
                .collect();
            let mut finished_with = processing;
            if processing {
                entry.stale = true;
                // The ledger keeps counting the originals until the consumer
                // finishes; copies of kept messages are the originals.
                entry.messages.retain(|(_, o)| *o != Outcome::Keep);
                finished_with = !entry.messages.is_empty();
            }
            if !finished_with {
                self.in_flight.remove(&key);
            }
            self.unlock(groups);
            // FIFO puts them back at the front of their group, in order.
            let returned: Vec<Messages> =
                if self.is_fifo() { returned.into_iter().rev().collect() } else { returned };
            for m in returned {
                self.in_flight_count -= m.count;
                let over = self.dead_letter.is_some() && m.receives >= self.spec.max_receive_count;
                if over {
                    if m.counted {
                        self.dead_lettered += m.count;
                    }
                    out.dead_letters.push(Messages { counted: false, ..m });
                } else {
                    out.visible += m.count;
                    // FIFO keeps order within the group: back to the front.
                    let front = self.is_fifo();
                    self.make_visible(m, front);
                }
            }
        }
        out
    }

    /// When something next becomes visible by itself (a delay or a
    /// visibility timeout ending), if anything will.
    pub fn next_release(&self) -> Option<SimTime> {
        let delayed = self.delayed.front().map(|m| m.visible_since);
        let hidden = self.in_flight.iter().find(|(_, e)| !e.stale).map(|(k, _)| k.0);
        match (delayed, hidden) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Retention (aws-facts 4.1): deletes waiting messages first sent
    /// longer ago than the retention period. Returns how many went.
    pub fn expire(&mut self, now: SimTime) -> u64 {
        self.advance(now);
        let retention = SimTime::from(self.spec.retention_s) * SECOND;
        let old = |m: &Messages| m.sent_at + retention <= now;
        let mut gone = 0;
        let mut counted = 0;
        for line in self.visible.values_mut() {
            line.retain(|m| {
                if old(m) {
                    gone += m.count;
                    counted += if m.counted { m.count } else { 0 };
                }
                !old(m)
            });
        }
        self.visible.retain(|_, line| !line.is_empty());
        self.visible_count -= gone;
        if gone > 0 && self.is_fifo() {
            let groups: Vec<u32> = self.ready_key.keys().copied().collect();
            for g in groups {
                self.refile(g);
            }
        }
        let mut delayed_gone = 0;
        self.delayed.retain(|m| {
            if old(m) {
                delayed_gone += m.count;
                counted += if m.counted { m.count } else { 0 };
            }
            !old(m)
        });
        self.delayed_count -= delayed_gone;
        self.expired += counted;
        gone + delayed_gone
    }

    /// Age of the oldest message not yet deleted (visible or in flight),
    /// for `ApproximateAgeOfOldestMessage`.
    pub fn oldest_age(&self, now: SimTime) -> SimTime {
        let visible = self.visible.values().filter_map(|l| l.iter().map(|m| m.sent_at).min());
        let hidden = self
            .in_flight
            .values()
            .filter(|e| !e.stale)
            .flat_map(|e| e.messages.iter().map(|(m, _)| m.sent_at));
        visible.chain(hidden).min().map_or(0, |t| now.saturating_sub(t))
    }

    /// Messages in the queue that count in the conservation ledger
    /// (delayed, visible or in flight, including receipts being processed
    /// after their visibility ended).
    pub fn ledger_in_queue(&self) -> u64 {
        let counted = |m: &Messages| if m.counted { m.count } else { 0 };
        let visible: u64 = self.visible.values().flatten().map(counted).sum();
        let delayed: u64 = self.delayed.iter().map(counted).sum();
        let hidden: u64 =
            self.in_flight.values().flat_map(|e| e.messages.iter()).map(|(m, _)| counted(m)).sum();
        visible + delayed + hidden
    }

    /// Mean time a message waited between becoming visible and its first
    /// receive, in ms (the queueing delay).
    pub fn mean_wait_ms(&self) -> f64 {
        if self.first_receives == 0 {
            return 0.0;
        }
        self.wait_ms_total as f64 / self.first_receives as f64
    }

    /// Time-average number of visible messages up to `now`.
    pub fn mean_visible(&self, now: SimTime) -> f64 {
        if now == 0 {
            return 0.0;
        }
        let pending = u128::from(self.visible_count) * u128::from(now - self.last_change);
        (self.visible_ms_integral + pending) as f64 / now as f64
    }
}

fn merge_into(into: &mut Messages, m: &Messages) {
    let total = into.count + m.count;
    into.bytes = (into.bytes * into.count + m.bytes * m.count).div_ceil(total.max(1));
    into.count = total;
}

/// The share of messages each message group receives when a producer's
/// partition keys become `MessageGroupId`s (FIFO queues): one group per
/// key, weighted as the keys are (at most 10,000 groups are tracked; more
/// keys fold onto them).
pub fn group_shares(keys: &crate::scenario::KeyDistribution) -> Vec<f64> {
    use crate::scenario::KeyDistribution as K;
    const MAX_GROUPS: usize = 10_000;
    let mut weights: Vec<f64> = match keys {
        K::Uniform { count } => vec![1.0; (*count as usize).clamp(1, MAX_GROUPS)],
        K::HotKey { count, hot_share } => {
            let n = (*count as usize).clamp(1, MAX_GROUPS - 1);
            let mut w = vec![(1.0 - hot_share) / n as f64; n + 1];
            w[0] = *hot_share;
            w
        }
        K::Zipf { count, s } => {
            let n = (*count as usize).clamp(1, MAX_GROUPS);
            (1..=n).map(|k| 1.0 / libm::pow(k as f64, *s)).collect()
        }
        K::ExplicitHashKey { hash_keys } => {
            hash_keys.iter().take(MAX_GROUPS).map(|k| k.weight.max(0.0)).collect()
        }
    };
    let total: f64 = weights.iter().sum();
    if total <= 0.0 || weights.is_empty() {
        return vec![1.0];
    }
    for w in &mut weights {
        *w /= total;
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(queue_type: QueueType) -> Queue {
        Queue::new(QueueSpec { queue_type, max_receive_count: 2, ..Default::default() }, Some(9))
    }

    fn received(q: &Queue, key: ReceiptKey) -> u64 {
        q.in_flight[&key].messages.iter().map(|(m, _)| m.count).sum()
    }

    #[test]
    fn aws_facts_4_1_a_receive_returns_at_most_what_was_asked() {
        let mut q = queue(QueueType::Standard);
        q.send(0, Messages::new(25, 100, 0, 0));
        let key = q.receive(0, MAX_BATCH_MESSAGES, 30_000).unwrap();
        assert_eq!(received(&q, key), 10);
        assert_eq!((q.visible_count, q.in_flight_count), (15, 10));
    }

    #[test]
    fn aws_facts_4_1_receives_stop_at_the_in_flight_limit() {
        let mut q = queue(QueueType::Standard);
        q.send(0, Messages::new(STANDARD_IN_FLIGHT_LIMIT + 5, 100, 0, 0));
        let key = q.receive(0, STANDARD_IN_FLIGHT_LIMIT - 3, 30_000).unwrap();
        assert_eq!(received(&q, key), STANDARD_IN_FLIGHT_LIMIT - 3);
        let key = q.receive(0, 10, 30_000).unwrap();
        assert_eq!(received(&q, key), 3);
        assert_eq!(q.receive(0, 10, 30_000), None);
        let mut fifo = queue(QueueType::Fifo);
        for g in 0..30_000 {
            fifo.send(0, Messages::new(1, 100, 0, g));
        }
        while fifo.receive(0, 10, 30_000).is_some() {}
        assert_eq!(fifo.in_flight_count, FIFO_IN_FLIGHT_LIMIT);
    }

    #[test]
    fn aws_facts_4_2_fifo_keeps_order_and_one_batch_in_flight_per_group() {
        let mut q = queue(QueueType::Fifo);
        q.send(0, Messages::new(8, 100, 0, 1));
        q.send(5, Messages::new(8, 100, 5, 1));
        q.send(10, Messages::new(4, 100, 10, 2));
        // Group 1 is older; its first 10 messages come in order.
        let first = q.receive(20, 10, 30_000).unwrap();
        let batch = &q.in_flight[&first].messages;
        assert!(batch.iter().all(|(m, _)| m.group == 1));
        assert_eq!(batch.iter().map(|(m, _)| m.sent_at).collect::<Vec<_>>(), vec![0, 5]);
        // Group 1 is locked while in flight: the next receive gets group 2.
        let second = q.receive(20, 10, 30_000).unwrap();
        assert!(q.in_flight[&second].messages.iter().all(|(m, _)| m.group == 2));
        assert_eq!(q.receive(20, 10, 30_000), None);
        // A failed batch goes back to the front of its group.
        q.decide(first, |_| Outcome::Keep);
        q.finish(30, first);
        assert_eq!(q.receive(40, 10, 30_000), None, "still hidden");
        q.release_due(30_000);
        let again = q.receive(30_001, 10, 60_000).unwrap();
        let batch = &q.in_flight[&again].messages;
        assert_eq!(batch[0].0.sent_at, 0);
        assert_eq!(batch[0].0.receives, 2);
    }

    #[test]
    fn aws_facts_4_3_messages_received_max_receive_count_times_move_to_the_dead_letter_queue() {
        let mut q = queue(QueueType::Standard);
        q.send(0, Messages::new(3, 100, 0, 0));
        for round in 1..=2u64 {
            let t = (round - 1) * 30_000;
            let key = q.receive(t, 10, t + 30_000).unwrap();
            q.decide(key, |_| Outcome::Keep);
            q.finish(t + 1, key);
            let out = q.release_due(t + 30_000);
            if round == 1 {
                assert_eq!((out.visible, out.dead_letters.len()), (3, 0));
            } else {
                // Received twice (maxReceiveCount 2) without a delete.
                assert_eq!(out.dead_letters.len(), 1);
                assert_eq!(out.dead_letters[0].count, 3);
                assert_eq!(out.dead_letters[0].sent_at, 0, "retention keeps counting");
            }
        }
        assert_eq!((q.dead_lettered, q.ledger_in_queue()), (3, 0));
    }

    #[test]
    fn aws_facts_4_visibility_ending_during_processing_leaves_a_copy_not_counted_twice() {
        let mut q = queue(QueueType::Standard);
        q.send(0, Messages::new(4, 100, 0, 0));
        let key = q.receive(0, 10, 30_000).unwrap();
        q.release_due(30_000);
        assert_eq!((q.visible_count, q.in_flight_count, q.ledger_in_queue()), (4, 0, 4));
        let copy = q.receive(30_000, 10, 60_000).unwrap();
        let first = q.finish(45_000, key);
        assert_eq!((first.delivered, first.duplicates), (4, 0));
        let second = q.finish(50_000, copy);
        assert_eq!((second.delivered, second.duplicates), (0, 4));
        assert_eq!((q.delivered, q.duplicates, q.ledger_in_queue()), (4, 4, 0));
    }
}
