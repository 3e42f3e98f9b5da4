//! An SQS queue (aws-facts 4): messages travel as cohorts (count, average
//! size, first and last enqueue time, receive count, message group), never
//! one by one.
//!
//! A cohort is in exactly one place: delayed, visible, or in flight under a
//! receipt. Receipts expire at the end of the visibility timeout; what was
//! not deleted by then becomes visible again (or moves to the dead-letter
//! queue). The engine drives the queue (`kinds/queue/engine.rs`); nothing here
//! schedules events or loops per message.
//!
//! What a simulated second costs follows what moves, never the backlog:
//! visible cohorts are filed by message group and by the window of time
//! they were sent in (one second, coarser only when a backlog would hold
//! too many cohorts), so a second's sends share one cohort per group and
//! retention removes whole cohorts from the front; each group with visible
//! messages is indexed by its oldest message, so the oldest group with
//! nothing in flight, the groups retention reaches and the oldest message's
//! age are found without a scan. A group without visible messages holds no
//! state.

pub mod about;
pub mod calls;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use smallvec::{SmallVec, smallvec};

use crate::kinds::batch::born_blend;
use crate::metrics::Latencies;
use crate::rng::NodeRng;
use crate::routing::{
    HOT_KEY, HashRange, even_ranges, hash_key, key_name, parse_hash_key, shard_for,
};
use crate::scenario::{KeyDistribution, NodeIndex, NodeSpec, QueueSpec, QueueType, Scenario};
use crate::time::{SECOND, SimTime};

/// aws-facts 4.1: at most 10 messages per ReceiveMessage, SendMessageBatch
/// and DeleteMessageBatch.
pub const MAX_BATCH_MESSAGES: u64 = 10;
/// aws-facts 4.1: about 120,000 in-flight messages per standard queue.
pub const STANDARD_IN_FLIGHT_LIMIT: u64 = 120_000;
/// aws-facts 4.1: 20,000 in-flight messages per FIFO queue.
pub const FIFO_IN_FLIGHT_LIMIT: u64 = 20_000;
/// aws-facts 4.2: a FIFO queue's partition takes 300 calls a second per API
/// action (3,000 messages in batches of 10).
pub const FIFO_CALLS_PER_PARTITION_S: u64 = 300;
/// aws-facts 4.2: 70,000 calls a second per action queue-wide in FIFO
/// high-throughput mode (us-east-1, the Region the model prices).
pub const FIFO_HIGH_THROUGHPUT_CALLS_PER_S: u64 = 70_000;
/// Partitions of a FIFO queue in high-throughput mode. AWS documents that
/// the mode scales by partition (300 calls/s each, aws-facts 4.2) but not
/// how many there are: the model gives the queue as many as its queue-wide
/// quota needs, 70,000 / 300 rounded up (an assumption, see MODEL.md).
pub const HIGH_THROUGHPUT_PARTITIONS: u32 =
    FIFO_HIGH_THROUGHPUT_CALLS_PER_S.div_ceil(FIFO_CALLS_PER_PARTITION_S) as u32;
/// aws-facts 4.1: long polling waits at most 20 s.
pub const MAX_WAIT_TIME_S: u32 = 20;
/// Message groups a producer's partition keys become (more keys fold onto
/// them): bounds the per-producer routing tables.
pub const MAX_GROUPS: usize = 10_000;
/// The message group of a hot-key producer's hot key (`pk-hot`).
pub const HOT_GROUP: u32 = u32::MAX;
/// Visible cohorts a queue keeps before it files them in coarser windows of
/// send time (memory stays near 30 MB per queue, whatever the backlog).
pub(crate) const MAX_COHORTS: usize = 1 << 18;

/// Messages that share their fate: sent together, received together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Messages {
    /// How many.
    pub count: u64,
    /// Average bytes per message.
    pub bytes: u64,
    /// First enqueue time of the oldest; retention counts from it, even in
    /// a dead-letter queue (aws-facts 4.1).
    pub sent_at: SimTime,
    /// First enqueue time of the newest. The others are taken as spread
    /// evenly between the two.
    pub last_sent: SimTime,
    /// When they (last) became visible, on average; the wait in the queue
    /// counts from it.
    pub visible_since: SimTime,
    /// When they were born at their producer, on average
    /// ([`crate::kinds::batch::born_blend`]); `now` for messages made here.
    pub born_ms: SimTime,
    /// Receives so far (`ApproximateReceiveCount`).
    pub receives: u32,
    /// Message group (FIFO); 0 in a standard queue.
    pub group: u32,
    /// Where their sizes come from, for billing calls that carry some of
    /// them: 0, every message is `bytes`; `n`, drawn from the size
    /// distribution of producer slot `n - 1` (see `kinds/queue/engine.rs`).
    pub sizes: u32,
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
            last_sent: now,
            visible_since: now,
            born_ms: now,
            receives: 0,
            group,
            sizes: 0,
            poison: false,
            counted: true,
        }
    }

    /// `n` of these messages, picked anywhere among them (their send times
    /// spread as these do), leaving the rest here.
    pub fn split_off(&mut self, n: u64) -> Messages {
        let n = n.min(self.count);
        self.count -= n;
        Messages { count: n, ..*self }
    }

    /// Send time of message `i` (from 0) of these, spread evenly between
    /// the first and the last.
    fn sent_time(&self, i: u64) -> SimTime {
        let span = u128::from(self.last_sent - self.sent_at);
        let last = u128::from(self.count.saturating_sub(1).max(1));
        self.sent_at + (span * u128::from(i.min(self.count)) / last) as SimTime
    }

    /// The first `n` of these messages in send order, leaving the rest.
    pub fn take_front(&mut self, n: u64) -> Messages {
        let n = n.min(self.count);
        if n == self.count {
            let all = *self;
            self.count = 0;
            return all;
        }
        let front = Messages { count: n, last_sent: self.sent_time(n - 1), ..*self };
        self.sent_at = self.sent_time(n);
        self.count -= n;
        front
    }

    /// How many of these were sent at or before `t`.
    fn sent_by(&self, t: SimTime) -> u64 {
        if t < self.sent_at {
            0
        } else if t >= self.last_sent {
            self.count
        } else {
            let span = self.last_sent - self.sent_at;
            crate::wide::mul_div(t - self.sent_at, self.count - 1, span) + 1
        }
    }

    /// Adds `other` (of the same class) to these.
    fn absorb(&mut self, other: &Messages) {
        let total = u128::from(self.count + other.count).max(1);
        let mean = |a: u64, b: u64| {
            ((crate::wide::mul(a, self.count) + crate::wide::mul(b, other.count) + total / 2)
                / total) as u64
        };
        self.bytes = mean(self.bytes, other.bytes);
        self.visible_since = mean(self.visible_since, other.visible_since);
        self.born_ms = mean(self.born_ms, other.born_ms);
        self.sent_at = self.sent_at.min(other.sent_at);
        self.last_sent = self.last_sent.max(other.last_sent);
        self.count += other.count;
    }
}

/// Where visible messages stand in their group's line: by the window of
/// time their first message was sent in, then by class (what must not be
/// merged). Within a window, messages received more often come first: in a
/// FIFO group they are the older ones, back at the front. Packed in one
/// integer (window: 40 bits, receives inverted: 32, poison: 1, counted: 1,
/// sizes: 22) so that filing compares keys in a few instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Filed(u128);

impl Filed {
    const WINDOW_BITS: u32 = 40;
    const SIZES_BITS: u32 = 22;

    fn of(m: &Messages, window_ms: SimTime) -> Self {
        let window = m.sent_at.div_ceil(window_ms).min((1 << Self::WINDOW_BITS) - 1);
        let sizes = m.sizes.min((1 << Self::SIZES_BITS) - 1);
        Filed(
            u128::from(window) << 56
                | u128::from(!m.receives) << 24
                | u128::from(m.poison) << 23
                | u128::from(m.counted) << 22
                | u128::from(sizes),
        )
    }

    fn window(self) -> SimTime {
        (self.0 >> 56) as SimTime
    }
}

/// A message group's visible messages in the order they are received (see
/// [`Filed`]); sends join at the back.
#[derive(Clone, Debug, Default)]
pub(crate) struct Line {
    cohorts: VecDeque<Messages>,
    /// The send time the group is indexed under (its oldest message's).
    head: Option<SimTime>,
}

impl Line {
    /// The oldest send time among the line's messages: the least of its
    /// first window's cohorts (later windows hold later sends).
    fn oldest(&self, window_ms: SimTime) -> Option<SimTime> {
        let first = Filed::of(self.cohorts.front()?, window_ms).window();
        let window = self.cohorts.iter().take_while(|m| Filed::of(m, window_ms).window() == first);
        window.map(|m| m.sent_at).min()
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
    /// When the processed messages were born at their producer, on average.
    pub processed_born: SimTime,
}

/// What moved when receipts or delays ran out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Released {
    /// Messages that became visible.
    pub visible: u64,
    /// Messages over `maxReceiveCount`, for the dead-letter queue.
    pub dead_letters: Vec<Messages>,
}

/// Calls counted in one second of the clock against a limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PerSecond {
    second: SimTime,
    used: u64,
}

impl PerSecond {
    /// Calls still allowed in the second of `now`.
    fn room(&mut self, now: SimTime, limit: u64) -> u64 {
        if now / SECOND != self.second {
            *self = PerSecond { second: now / SECOND, used: 0 };
        }
        limit.saturating_sub(self.used)
    }
}

/// A FIFO queue's call limits (aws-facts 4.2): 300 calls a second per action
/// and partition, and in high-throughput mode 70,000 queue-wide. They count
/// calls per second of the clock, so no second ever shows more than the
/// limit; a second's calls may all come at once.
#[derive(Clone, Debug, PartialEq)]
struct CallLimits {
    /// Calls a second per action for the whole queue.
    queue_wide: u64,
    sends: PerSecond,
    receives: PerSecond,
    /// High-throughput mode: SendMessageBatch calls per partition.
    partition_sends: Vec<PerSecond>,
}

/// A queue's runtime state.
#[derive(Clone, Debug)]
pub struct Queue {
    /// Parameters.
    pub spec: QueueSpec,
    /// Node index of the dead-letter queue, if the queue has one.
    pub dead_letter: Option<NodeIndex>,
    /// Messages waiting for their delay to pass, in order of release.
    delayed: VecDeque<Messages>,
    /// Visible messages, by message group (only groups that have some).
    visible: BTreeMap<u32, Line>,
    /// Visible cohorts, in all lines.
    visible_cohorts: usize,
    /// Width of the send-time windows visible cohorts are filed in.
    window_ms: SimTime,
    /// Visible cohorts kept before windows widen ([`MAX_COHORTS`]).
    max_cohorts: usize,
    /// Every group with visible messages, by its oldest message's send time
    /// (its line's `head`).
    heads: BTreeSet<(SimTime, u32)>,
    /// FIFO: the groups of `heads` with nothing in flight (a group is not
    /// received from while it has messages in flight, aws-facts 4.2).
    ready: BTreeSet<(SimTime, u32)>,
    /// FIFO: receipts holding each message group.
    locked: BTreeMap<u32, u32>,
    /// Messages in flight, by receipt.
    in_flight: BTreeMap<ReceiptKey, InFlight>,
    /// Receipts whose visibility timeout ended while they were being
    /// processed: copies are visible again, and these only wait for the
    /// consumer to finish (its delete will be stale).
    stale: BTreeMap<ReceiptKey, InFlight>,
    /// Send times of the cohorts in `in_flight`, counted (for the oldest
    /// message's age).
    hidden_ages: BTreeMap<SimTime, u32>,
    next_receipt: u64,
    /// FIFO call limits (aws-facts 4.2); none for standard queues.
    limits: Option<CallLimits>,
    /// High-throughput FIFO: the hash ranges of the partitions.
    partitions: Vec<HashRange>,
    /// Visible messages.
    pub visible_count: u64,
    /// Delayed messages.
    pub delayed_count: u64,
    /// In-flight messages (not counting stale receipts, whose copies are
    /// visible again).
    pub in_flight_count: u64,
    /// Messages in the queue that count in the conservation ledger.
    held: u64,
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
    /// When its statistics start (waits, the visible integral, latency):
    /// the end of the scenario's warm-up.
    measured_from: SimTime,
    /// Latency of the messages delivered: from their first send to the
    /// delete after processing (MODEL.md, Latency).
    pub latency: Latencies,
}

impl Queue {
    /// An empty queue.
    pub fn new(spec: QueueSpec, dead_letter: Option<NodeIndex>) -> Self {
        let fifo = spec.queue_type == QueueType::Fifo;
        let high = fifo && spec.high_throughput;
        let limits = fifo.then(|| CallLimits {
            queue_wide: if high {
                FIFO_HIGH_THROUGHPUT_CALLS_PER_S
            } else {
                FIFO_CALLS_PER_PARTITION_S
            },
            sends: PerSecond::default(),
            receives: PerSecond::default(),
            partition_sends: if high {
                vec![PerSecond::default(); HIGH_THROUGHPUT_PARTITIONS as usize]
            } else {
                Vec::new()
            },
        });
        Queue {
            spec,
            dead_letter,
            delayed: VecDeque::new(),
            visible: BTreeMap::new(),
            visible_cohorts: 0,
            window_ms: SECOND,
            max_cohorts: MAX_COHORTS,
            heads: BTreeSet::new(),
            ready: BTreeSet::new(),
            locked: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            stale: BTreeMap::new(),
            hidden_ages: BTreeMap::new(),
            next_receipt: 0,
            limits,
            partitions: if high { even_ranges(HIGH_THROUGHPUT_PARTITIONS) } else { Vec::new() },
            visible_count: 0,
            delayed_count: 0,
            in_flight_count: 0,
            held: 0,
            delivered: 0,
            expired: 0,
            dead_lettered: 0,
            duplicates: 0,
            first_receives: 0,
            wait_ms_total: 0,
            visible_ms_integral: 0,
            last_change: 0,
            measured_from: 0,
            latency: Latencies::default(),
        }
    }

    /// The queue with its statistics starting at `t` (the warm-up's end).
    pub fn measured_from(self, t: SimTime) -> Self {
        Queue { measured_from: t, last_change: t, ..self }
    }

    /// Whether this is a FIFO queue.
    pub fn is_fifo(&self) -> bool {
        self.spec.queue_type == QueueType::Fifo
    }

    /// aws-facts 4.1: the in-flight limit of the queue's type.
    pub fn in_flight_limit(&self) -> u64 {
        if self.is_fifo() { FIFO_IN_FLIGHT_LIMIT } else { STANDARD_IN_FLIGHT_LIMIT }
    }

    /// The partition a message group goes to, by the MD5 hash of its
    /// `MessageGroupId` (aws-facts 4.2; the hash is an assumption, like
    /// Kinesis's: even ranges of the 128-bit space). Always 0 but in
    /// high-throughput mode.
    pub fn partition_of(&self, group_hash: u128) -> u32 {
        if self.partitions.is_empty() { 0 } else { shard_for(&self.partitions, group_hash) as u32 }
    }

    /// SendMessageBatch calls partition `partition` still takes in the
    /// second of `now`, before the queue-wide limit: unlimited on a
    /// standard queue ("nearly unlimited", aws-facts 4.2).
    pub fn partition_send_room(&mut self, now: SimTime, partition: u32) -> u64 {
        let Some(limits) = &mut self.limits else { return u64::MAX };
        match limits.partition_sends.get_mut(partition as usize) {
            Some(p) => p.room(now, FIFO_CALLS_PER_PARTITION_S),
            None => limits.sends.room(now, limits.queue_wide),
        }
    }

    /// SendMessageBatch calls the whole queue still takes in the second of
    /// `now`.
    pub fn queue_send_room(&mut self, now: SimTime) -> u64 {
        let Some(limits) = &mut self.limits else { return u64::MAX };
        limits.sends.room(now, limits.queue_wide)
    }

    /// Counts `calls` SendMessageBatch calls to `partition` at `now`; the
    /// caller checked the room.
    pub fn spend_sends(&mut self, now: SimTime, partition: u32, calls: u64) {
        let Some(limits) = &mut self.limits else { return };
        limits.sends.room(now, limits.queue_wide);
        limits.sends.used += calls;
        if let Some(p) = limits.partition_sends.get_mut(partition as usize) {
            p.room(now, FIFO_CALLS_PER_PARTITION_S);
            p.used += calls;
        }
    }

    /// Whether the queue takes one more ReceiveMessage call now (counting
    /// it if so): always on a standard queue, within the limit on a FIFO
    /// queue. Receives count against the queue-wide limit only: which
    /// partition a receive reads is not known before it picks its messages.
    pub fn admit_receive(&mut self, now: SimTime) -> bool {
        let Some(limits) = &mut self.limits else { return true };
        if limits.receives.room(now, limits.queue_wide) == 0 {
            return false;
        }
        limits.receives.used += 1;
        true
    }

    /// When the queue next takes a ReceiveMessage call (now if it does).
    pub fn next_receive_at(&mut self, now: SimTime) -> SimTime {
        let Some(limits) = &mut self.limits else { return now };
        if limits.receives.room(now, limits.queue_wide) > 0 {
            now
        } else {
            (now / SECOND + 1) * SECOND
        }
    }

    /// Brings the visible-count integral up to `now`.
    fn advance(&mut self, now: SimTime) {
        // Before the warm-up ends `last_change` stays at its end.
        if now > self.last_change {
            self.visible_ms_integral +=
                crate::wide::mul(self.visible_count, now - self.last_change);
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
        if m.counted {
            self.held += m.count;
        }
        let delay = SimTime::from(self.spec.delay_s) * SECOND;
        if delay > 0 {
            m.visible_since = now + delay;
            self.delayed_count += m.count;
            match self.delayed.back_mut() {
                Some(last)
                    if Filed::of(last, SECOND) == Filed::of(&m, SECOND)
                        && last.visible_since == m.visible_since =>
                {
                    last.absorb(&m);
                }
                _ => self.delayed.push_back(m),
            }
        } else {
            m.visible_since = now;
            self.make_visible(m);
        }
    }

    fn make_visible(&mut self, m: Messages) {
        if m.count == 0 {
            return;
        }
        if self.visible.is_empty() {
            // A drained queue starts again at full resolution.
            self.window_ms = SECOND;
        }
        self.visible_count += m.count;
        // Newer than the group's oldest (a send to a busy group): the
        // indexes stand as they are.
        if self.file(m) {
            self.refile(m.group);
        }
        if self.visible_cohorts > self.max_cohorts {
            self.coarsen();
        }
    }

    /// Puts visible messages in their place in their group's line, merged
    /// with those of the same window and class. A send joins at the back;
    /// what comes back from flight finds its place from the front. Returns
    /// whether they are older than the group's oldest, so the group must be
    /// indexed again.
    fn file(&mut self, m: Messages) -> bool {
        let window = self.window_ms;
        let key = Filed::of(&m, window);
        let line = &mut self.visible.entry(m.group).or_default();
        let cohorts = &mut line.cohorts;
        let at = match cohorts.back().map(|last| Filed::of(last, window).cmp(&key)) {
            None | Some(Ordering::Less) => cohorts.len(),
            Some(Ordering::Equal) => cohorts.len() - 1,
            Some(Ordering::Greater) => cohorts.partition_point(|c| Filed::of(c, window) < key),
        };
        match cohorts.get_mut(at) {
            Some(there) if Filed::of(there, window) == key => there.absorb(&m),
            _ => {
                cohorts.insert(at, m);
                self.visible_cohorts += 1;
            }
        }
        line.head.is_none_or(|t| m.sent_at < t)
    }

    /// Takes the cohort at `at` out of group `g`'s line (the line and its
    /// place in the indexes go when it empties).
    fn unfile(&mut self, g: u32, at: usize) -> Option<Messages> {
        let line = self.visible.get_mut(&g)?;
        let m = line.cohorts.remove(at)?;
        self.visible_cohorts -= 1;
        if line.cohorts.is_empty() {
            if let Some(t) = line.head {
                self.heads.remove(&(t, g));
                self.ready.remove(&(t, g));
            }
            self.visible.remove(&g);
        }
        Some(m)
    }

    /// Files visible cohorts in wider windows (a power of two times wider)
    /// when they pass the budget: the narrowest that brings them under half
    /// of it, or twice the retention period, when wider windows merge
    /// nothing more. A backlog of months, or of thousands of message groups,
    /// then keeps its memory; retention and the order within a group
    /// interpolate inside a cohort. A group's oldest message stays exact, so
    /// the indexes need no change.
    fn coarsen(&mut self) {
        let widest = SimTime::from(self.spec.retention_s).max(1) * SECOND * 2;
        let mut window = self.window_ms;
        while window < widest {
            window *= 2;
            // Cohorts left at this width: distinct windows per line,
            // counted in one pass (classes apart are few).
            let left: usize = self
                .visible
                .values()
                .map(|line| {
                    let mut last = None;
                    line.cohorts
                        .iter()
                        .filter(|m| {
                            let here = m.sent_at.div_ceil(window);
                            last.replace(here) != Some(here)
                        })
                        .count()
                })
                .sum();
            if left <= self.max_cohorts / 2 {
                break;
            }
        }
        self.window_ms = window;
        self.visible_cohorts = 0;
        for line in self.visible.values_mut() {
            let mut all: Vec<Messages> = line.cohorts.drain(..).collect();
            all.sort_by_key(|m| Filed::of(m, window));
            all.dedup_by(|next, kept| {
                let same = Filed::of(next, window) == Filed::of(kept, window);
                if same {
                    kept.absorb(next);
                }
                same
            });
            self.visible_cohorts += all.len();
            line.cohorts.extend(all);
            line.cohorts.shrink_to_fit();
        }
    }

    /// Files group `g` in the indexes under its oldest visible message, in
    /// `ready` only while nothing of it is in flight (FIFO).
    fn refile(&mut self, g: u32) {
        let Some(line) = self.visible.get_mut(&g) else { return };
        if let Some(t) = line.head {
            self.heads.remove(&(t, g));
            self.ready.remove(&(t, g));
        }
        line.head = line.oldest(self.window_ms);
        if let Some(t) = line.head {
            self.heads.insert((t, g));
            if self.is_fifo() && !self.locked.contains_key(&g) {
                self.ready.insert((t, g));
            }
        }
    }

    fn index_hidden(&mut self, entry: &InFlight, add: bool) {
        for (m, _) in &entry.messages {
            if add {
                *self.hidden_ages.entry(m.sent_at).or_default() += 1;
            } else if let Some(n) = self.hidden_ages.get_mut(&m.sent_at) {
                *n -= 1;
                if *n == 0 {
                    self.hidden_ages.remove(&m.sent_at);
                }
            }
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
        let fifo = self.is_fifo();
        let mut want = max.min(self.in_flight_limit() - self.in_flight_count);
        let mut taken: Vec<(Messages, Outcome)> = Vec::new();
        while want > 0 {
            // The oldest group (with nothing in flight, for FIFO).
            let index = if fifo { &self.ready } else { &self.heads };
            let Some(&(_, group)) = index.first() else { break };
            if fifo {
                // Locked from now on: this receive holds it.
                *self.locked.entry(group).or_default() += 1;
            }
            while want > 0 {
                let Some(head) = self.visible.get_mut(&group).and_then(|l| l.cohorts.front_mut())
                else {
                    break;
                };
                let key = Filed::of(head, self.window_ms);
                let mut part = head.take_front(want);
                if head.count == 0 || Filed::of(head, self.window_ms) != key {
                    // Gone, or what is left starts later: file it again.
                    let rest = self.unfile(group, 0).expect("the head");
                    if rest.count > 0 {
                        self.file(rest);
                    }
                }
                want -= part.count;
                self.visible_count -= part.count;
                if part.receives == 0 && now >= self.measured_from {
                    self.first_receives += part.count;
                    self.wait_ms_total +=
                        crate::wide::mul(part.count, now.saturating_sub(part.visible_since));
                }
                part.receives += 1;
                taken.push((part, Outcome::Pending));
            }
            self.refile(group);
            if !fifo {
                break;
            }
        }
        if taken.is_empty() {
            return None;
        }
        for (m, _) in &taken {
            self.in_flight_count += m.count;
        }
        let entry = InFlight { messages: taken };
        self.index_hidden(&entry, true);
        self.next_receipt += 1;
        let key = (visible_at, self.next_receipt);
        self.in_flight.insert(key, entry);
        Some(key)
    }

    /// The messages of a receipt, live or stale.
    pub fn receipt(&self, key: ReceiptKey) -> Option<&InFlight> {
        self.in_flight.get(&key).or_else(|| self.stale.get(&key))
    }

    /// Whether a receipt is live: its visibility timeout has not ended, so
    /// a delete would delete.
    pub fn is_live(&self, key: ReceiptKey) -> bool {
        self.in_flight.contains_key(&key)
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
        let entry = match self.in_flight.get_mut(&key) {
            Some(e) => Some(e),
            None => self.stale.get_mut(&key),
        };
        if let Some(entry) = entry {
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

    /// Splits the cohorts of a live receipt received for the first time
    /// into poison and clean parts; `poison_of` says how many of a cohort
    /// are poison. Poison stays poison on every later receive.
    pub fn split_poison(&mut self, key: ReceiptKey, mut poison_of: impl FnMut(&Messages) -> u64) {
        let Some(mut entry) = self.in_flight.remove(&key) else { return };
        self.index_hidden(&entry, false);
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
        self.index_hidden(&entry, true);
        self.in_flight.insert(key, entry);
    }

    /// The consumer finished with a receipt: deletes what it processed
    /// (DeleteMessageBatch) and keeps the rest hidden until the visibility
    /// timeout ends. On a stale receipt the delete does nothing; the
    /// processing still happened, and the copy that became visible again
    /// will be processed a second time (aws-facts 4: at-least-once).
    pub fn finish(&mut self, now: SimTime, key: ReceiptKey) -> Finished {
        self.advance(now);
        let mut done = Finished::default();
        let live = self.in_flight.contains_key(&key);
        let entry = if live { self.in_flight.remove(&key) } else { self.stale.remove(&key) };
        let Some(mut entry) = entry else { return done };
        if live {
            self.index_hidden(&entry, false);
        }
        let groups = self.groups_of(&entry);
        let latency = &mut self.latency;
        let measuring = now >= self.measured_from;
        entry.messages.retain(|&(m, outcome)| {
            let processed = outcome != Outcome::Keep;
            if processed {
                done.processed_born =
                    born_blend(done.processed_born, done.processed, m.born_ms, m.count);
                done.processed += m.count;
                done.processed_bytes += m.count * m.bytes;
                if m.counted {
                    if measuring {
                        latency.record(now, m.sent_at, m.last_sent, m.born_ms, m.count);
                    }
                    done.delivered += m.count;
                } else {
                    done.duplicates += m.count;
                }
            } else {
                done.kept += m.count;
            }
            !processed
        });
        if live {
            self.in_flight_count -= done.processed;
            if entry.messages.is_empty() {
                self.unlock(groups);
            } else {
                self.index_hidden(&entry, true);
                self.in_flight.insert(key, entry);
            }
        }
        self.held -= done.delivered;
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
            self.make_visible(m);
        }
        while let Some(entry) = self.in_flight.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let (key, mut entry) = entry.remove_entry();
            self.index_hidden(&entry, false);
            let groups = self.groups_of(&entry);
            let processing = entry.messages.iter().any(|(_, o)| *o == Outcome::Pending);
            let returned: Vec<Messages> = entry
                .messages
                .iter()
                .map(|&(m, o)| {
                    let copy_of_processed = processing && o != Outcome::Keep;
                    Messages { counted: m.counted && !copy_of_processed, visible_since: now, ..m }
                })
                .collect();
            if processing {
                // The ledger keeps counting the originals until the consumer
                // finishes; copies of kept messages are the originals.
                entry.messages.retain(|(_, o)| *o != Outcome::Keep);
                if !entry.messages.is_empty() {
                    self.stale.insert(key, entry);
                }
            }
            self.unlock(groups);
            for m in returned {
                self.in_flight_count -= m.count;
                let over = self.dead_letter.is_some() && m.receives >= self.spec.max_receive_count;
                if over {
                    if m.counted {
                        self.dead_lettered += m.count;
                        self.held -= m.count;
                    }
                    out.dead_letters.push(Messages { counted: false, ..m });
                } else {
                    // FIFO keeps order within the group: received messages
                    // file ahead of the rest (see `Filed`).
                    out.visible += m.count;
                    self.make_visible(m);
                }
            }
        }
        out
    }

    /// When something next becomes visible by itself (a delay or a
    /// visibility timeout ending), if anything will.
    pub fn next_release(&self) -> Option<SimTime> {
        let delayed = self.delayed.front().map(|m| m.visible_since);
        let hidden = self.in_flight.keys().next().map(|k| k.0);
        match (delayed, hidden) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Retention (aws-facts 4.1): deletes waiting messages first sent
    /// longer ago than the retention period, oldest first. Touches only the
    /// groups retention reaches. Returns how many went.
    pub fn expire(&mut self, now: SimTime) -> u64 {
        self.advance(now);
        let retention = SimTime::from(self.spec.retention_s) * SECOND;
        let Some(cutoff) = now.checked_sub(retention) else { return 0 };
        let mut gone = 0;
        let mut counted = 0;
        while let Some(&(t, g)) = self.heads.first() {
            if t > cutoff {
                break;
            }
            // The line's front, up to the window holding the cutoff.
            let last_window = cutoff.div_ceil(self.window_ms);
            let line = self.visible.get(&g).expect("a head has a line");
            let front = line
                .cohorts
                .iter()
                .take_while(|m| Filed::of(m, self.window_ms).window() <= last_window)
                .count();
            let mut kept = Vec::new();
            for _ in 0..front {
                let mut m = self.unfile(g, 0).expect("counted above");
                let old = m.take_front(m.sent_by(cutoff));
                // The rest were sent after the cutoff, whatever the rounding.
                m.sent_at = m.sent_at.max(cutoff + 1);
                gone += old.count;
                counted += if old.counted { old.count } else { 0 };
                if m.count > 0 {
                    kept.push(m);
                }
            }
            for m in kept {
                self.file(m);
            }
            self.refile(g);
        }
        self.visible_count -= gone;
        let mut delayed_gone = 0;
        while self.delayed.front().is_some_and(|m| m.last_sent <= cutoff) {
            let m = self.delayed.pop_front().expect("checked");
            delayed_gone += m.count;
            counted += if m.counted { m.count } else { 0 };
        }
        self.delayed_count -= delayed_gone;
        self.expired += counted;
        self.held -= counted;
        gone + delayed_gone
    }

    /// Age of the oldest message not yet deleted (visible or in flight),
    /// for `ApproximateAgeOfOldestMessage`.
    pub fn oldest_age(&self, now: SimTime) -> SimTime {
        let visible = self.heads.first().map(|&(t, _)| t);
        let hidden = self.hidden_ages.keys().next().copied();
        match (visible, hidden) {
            (Some(a), Some(b)) => now.saturating_sub(a.min(b)),
            (Some(t), None) | (None, Some(t)) => now.saturating_sub(t),
            (None, None) => 0,
        }
    }

    /// Messages in the queue that count in the conservation ledger
    /// (delayed, visible or in flight, including receipts being processed
    /// after their visibility ended).
    pub fn ledger_in_queue(&self) -> u64 {
        self.held
    }

    /// Mean time a message waited between becoming visible and its first
    /// receive, in ms (the queueing delay).
    pub fn mean_wait_ms(&self) -> f64 {
        if self.first_receives == 0 {
            return 0.0;
        }
        self.wait_ms_total as f64 / self.first_receives as f64
    }

    /// Time-average number of visible messages from the warm-up's end up
    /// to `now`.
    pub fn mean_visible(&self, now: SimTime) -> f64 {
        if now <= self.measured_from {
            return 0.0;
        }
        let pending = crate::wide::mul(self.visible_count, now - self.last_change);
        (self.visible_ms_integral + pending) as f64 / (now - self.measured_from) as f64
    }

    /// Cohorts the queue holds (visible, delayed, in flight), for memory
    /// accounting and tests.
    pub fn cohorts(&self) -> usize {
        let receipts = self.in_flight.values().chain(self.stale.values());
        self.visible_cohorts
            + self.delayed.len()
            + receipts.map(|e| e.messages.len()).sum::<usize>()
    }
}

/// One message group a producer sends to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MessageGroup {
    /// The group's number in the queue (`pk-{id}`, or [`HOT_GROUP`]).
    pub id: u32,
    /// MD5 of its `MessageGroupId` (an explicit hash key stands for it).
    pub hash: u128,
    /// Its share of the producer's messages.
    pub share: f64,
}

/// The message groups of a producer whose partition keys become
/// `MessageGroupId`s (FIFO queues): one group per key, weighted as the keys
/// are (at most [`MAX_GROUPS`]; more keys fold onto them).
pub fn message_groups(keys: &KeyDistribution) -> Vec<MessageGroup> {
    let group = |id: u32, share: f64| MessageGroup { id, hash: hash_key(&key_name(id)), share };
    let mut groups: Vec<MessageGroup> = match keys {
        KeyDistribution::Uniform { count } => {
            (0..(*count).clamp(1, MAX_GROUPS as u32)).map(|i| group(i, 1.0)).collect()
        }
        KeyDistribution::HotKey { count, hot_share } => {
            let n = (*count).clamp(1, MAX_GROUPS as u32 - 1);
            let hot = MessageGroup { id: HOT_GROUP, hash: hash_key(HOT_KEY), share: *hot_share };
            let rest = (1.0 - hot_share) / f64::from(n);
            std::iter::once(hot).chain((0..n).map(|i| group(i, rest))).collect()
        }
        KeyDistribution::Zipf { count, s } => (0..(*count).clamp(1, MAX_GROUPS as u32))
            .map(|i| group(i, 1.0 / libm::pow(f64::from(i) + 1.0, *s)))
            .collect(),
        KeyDistribution::ExplicitHashKey { hash_keys } => hash_keys
            .iter()
            .take(MAX_GROUPS)
            .enumerate()
            .map(|(i, k)| MessageGroup {
                id: i as u32,
                hash: parse_hash_key(&k.hash_key).unwrap_or(0),
                share: k.weight.max(0.0),
            })
            .collect(),
    };
    groups.retain(|g| g.share > 0.0);
    let total: f64 = groups.iter().map(|g| g.share).sum();
    if groups.is_empty() || total <= 0.0 || !total.is_finite() {
        return vec![group(0, 1.0)];
    }
    for g in &mut groups {
        g.share /= total;
    }
    groups
}

/// The message groups forwarding stage `from` (a reader, a function, a
/// worker pool) sends into a FIFO queue. AWS leaves the `MessageGroupId`
/// to the code; the simplest choice consistent with FIFO's purpose, keeping
/// each key's order, is the key each record was written with: the groups
/// of the producers upstream of `from`, each weighted by its rate (MODEL.md,
/// "Forwarding into a FIFO queue"). Producers with the same keys send the
/// same groups; with none upstream, group 0.
pub fn forwarded_groups(scenario: &Scenario, from: NodeIndex) -> Vec<MessageGroup> {
    let mut seen = vec![false; scenario.nodes.len()];
    seen[from.get()] = true;
    let mut stack = vec![from];
    let mut groups: BTreeMap<u32, MessageGroup> = BTreeMap::new();
    while let Some(n) = stack.pop() {
        let node = scenario.node(n);
        if let NodeSpec::Producer(p) = &node.spec {
            for g in message_groups(&p.keys) {
                let share = g.share * p.records_per_s;
                groups.entry(g.id).or_insert(MessageGroup { share: 0.0, ..g }).share += share;
            }
            continue;
        }
        for link in scenario.links.iter().filter(|l| l.to == node.id) {
            if let Some(i) = scenario.index_of(&link.from)
                && !std::mem::replace(&mut seen[i.get()], true)
            {
                stack.push(i);
            }
        }
    }
    groups.into_values().collect()
}

/// Counts per category, `(id, count)`: what a [`Spread`] draws. Most
/// draws have one or two categories, kept inline.
pub type Counts = SmallVec<[(u32, u64); 2]>;

/// Counts spread over categories by share, drawn as a multinomial. A single
/// category (a forward to one message group) allocates nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct Spread {
    ids: SmallVec<[u32; 1]>,
    shares: SmallVec<[f64; 1]>,
    /// Running sums of `shares`, for drawing few items one by one.
    cumulative: SmallVec<[f64; 1]>,
}

impl Spread {
    fn new(items: impl IntoIterator<Item = (u32, f64)>) -> Self {
        let items: SmallVec<[(u32, f64); 1]> = items.into_iter().collect();
        let total: f64 = items.iter().map(|i| i.1).sum();
        let (ids, shares): (SmallVec<[u32; 1]>, SmallVec<[f64; 1]>) =
            items.into_iter().map(|(id, s)| (id, s / total)).unzip();
        let mut acc = 0.0;
        let cumulative = shares
            .iter()
            .map(|s| {
                acc += s;
                acc
            })
            .collect();
        Spread { ids, shares, cumulative }
    }

    /// Spreads `n` items: `(id, count)` for each category that got some,
    /// in category order. Fewer items than categories are drawn one by one
    /// (a binary search each), more as one multinomial, so the cost follows
    /// the smaller of the two.
    pub fn draw(&self, n: u64, rng: &mut NodeRng, out: &mut Counts) {
        out.clear();
        if n == 0 {
            return;
        }
        if self.ids.len() == 1 {
            out.push((self.ids[0], n));
            return;
        }
        let last = self.ids.len() - 1;
        let pick = |rng: &mut NodeRng| {
            let u = rng.unit();
            self.cumulative.partition_point(|&c| c <= u).min(last)
        };
        if n == 1 {
            out.push((self.ids[pick(rng)], 1));
        } else if n < self.ids.len() as u64 {
            let mut picks: Vec<usize> = (0..n).map(|_| pick(rng)).collect();
            picks.sort_unstable();
            for i in picks {
                match out.last_mut() {
                    Some((id, c)) if *id == self.ids[i] => *c += 1,
                    _ => out.push((self.ids[i], 1)),
                }
            }
        } else {
            let mut counts = Vec::with_capacity(self.ids.len());
            rng.multinomial(n, &self.shares, &mut counts);
            out.extend(self.ids.iter().zip(counts).filter(|(_, c)| *c > 0).map(|(&id, c)| (id, c)));
        }
    }
}

/// How a producer's messages spread over a queue's partitions and message
/// groups. Each message picks its group independently, so the groups of
/// any share of a partition's messages (those a partition took, say) are
/// drawn afresh from the partition's groups.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupRoute {
    /// Partitions that get messages, with their shares.
    partitions: Spread,
    /// Per partition of `partitions` (in its order), its groups.
    groups: SmallVec<[Spread; 1]>,
}

impl GroupRoute {
    /// The route of a producer with partition keys `keys` to `queue`: every
    /// message in group 0 of a standard queue; in a FIFO queue, one group
    /// per key on the partition its hash falls in.
    pub fn new(queue: &Queue, keys: &KeyDistribution) -> Self {
        if !queue.is_fifo() {
            return GroupRoute::single(0);
        }
        GroupRoute::of_groups(queue, message_groups(keys))
    }

    /// The route of messages in `groups`, in proportion to their shares,
    /// into FIFO queue `queue`: each group on the partition its hash falls
    /// in. Groups without a share are left out; without any, group 0.
    pub fn of_groups(queue: &Queue, groups: impl IntoIterator<Item = MessageGroup>) -> Self {
        let mut by_partition: BTreeMap<u32, Vec<(u32, f64)>> = BTreeMap::new();
        for g in groups.into_iter().filter(|g| g.share > 0.0) {
            by_partition.entry(queue.partition_of(g.hash)).or_default().push((g.id, g.share));
        }
        if by_partition.is_empty() {
            return GroupRoute::single(0);
        }
        let partitions =
            Spread::new(by_partition.iter().map(|(&p, gs)| (p, gs.iter().map(|g| g.1).sum())));
        let groups = by_partition.into_values().map(Spread::new).collect();
        GroupRoute { partitions, groups }
    }

    /// The route of a producer with partition keys `keys` to a FIFO topic:
    /// one message group per key (its `MessageGroupId`), on one partition
    /// (a topic has none).
    pub fn unpartitioned(keys: &KeyDistribution) -> Self {
        GroupRoute {
            partitions: Spread::new([(0, 1.0)]),
            groups: smallvec![Spread::new(message_groups(keys).iter().map(|g| (g.id, g.share)))],
        }
    }

    /// Every message in message group `group` on partition `partition`.
    pub fn to_group(partition: u32, group: u32) -> Self {
        GroupRoute {
            partitions: Spread::new([(partition, 1.0)]),
            groups: smallvec![Spread::new([(group, 1.0)])],
        }
    }

    fn single(group: u32) -> Self {
        GroupRoute::to_group(0, group)
    }

    /// The partition of entry `part` of this route.
    pub fn partition(&self, part: usize) -> u32 {
        self.partitions.ids[part]
    }

    /// Spreads `n` new messages over the route's partitions: `(entry,
    /// count)` pairs, entries being indexes into the route's partitions.
    pub fn spread(&self, n: u64, rng: &mut NodeRng, out: &mut Counts) {
        self.partitions.draw(n, rng, out);
        for (id, _) in out.iter_mut() {
            *id = self.partitions.ids.partition_point(|&p| p < *id) as u32;
        }
    }

    /// Spreads `n` messages of entry `part` over its message groups.
    pub fn groups(&self, part: usize, n: u64, rng: &mut NodeRng, out: &mut Counts) {
        self.groups[part].draw(n, rng, out);
    }
}

/// Memory accounting (see [`crate::memory`]).
impl Queue {
    /// Memory beyond its own struct, in bytes: cohorts delayed, visible by
    /// message group and in flight (stale receipts too), the group indexes
    /// and, in high-throughput mode, the partitions.
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::{btree, buffer};
        let lines: u64 =
            self.visible.values().map(|l| buffer::<Messages>(l.cohorts.capacity())).sum();
        let receipts = |r: &BTreeMap<ReceiptKey, InFlight>| -> u64 {
            let held: u64 =
                r.values().map(|e| buffer::<(Messages, Outcome)>(e.messages.capacity())).sum();
            btree::<ReceiptKey, InFlight>(r.len()) + held
        };
        buffer::<Messages>(self.delayed.capacity())
            + btree::<u32, Line>(self.visible.len())
            + lines
            + btree::<(SimTime, u32), ()>(self.heads.len())
            + btree::<(SimTime, u32), ()>(self.ready.len())
            + btree::<u32, u32>(self.locked.len())
            + receipts(&self.in_flight)
            + receipts(&self.stale)
            + btree::<SimTime, u32>(self.hidden_ages.len())
            + buffer::<HashRange>(self.partitions.capacity())
            + self.limits.as_ref().map_or(0, |l| buffer::<PerSecond>(l.partition_sends.capacity()))
    }
}

#[cfg(test)]
mod tests;
