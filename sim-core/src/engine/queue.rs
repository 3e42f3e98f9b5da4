//! The event queue: a calendar of one-millisecond buckets for the next few
//! seconds, and a binary heap for anything later.
//!
//! Time is integer milliseconds and nearly every event is due within a few
//! seconds (the next poll, batch or push), so a ring of buckets indexed by
//! time makes scheduling O(1) and finding the next event a scan of a small
//! bitmap, where a heap of thousands of events pays O(log n) moves on both.
//! Events come out in exactly the heap's order, (time, order): a bucket is
//! sorted by `order` (last first, so events pop off its end) when the clock
//! reaches it, and an event scheduled for the current millisecond is
//! inserted in order among those still waiting.
//!
//! Buckets keep their first few events inline, so the ring is one block of
//! memory the clock sweeps through in order, which the processor's
//! prefetching follows; buckets of their own on the heap, scattered, made
//! every schedule and pop a cache miss.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use smallvec::SmallVec;

use crate::time::SimTime;

/// Milliseconds covered by the ring (a power of two, so a time's bucket is
/// a mask): two seconds hold the polls (1 to 1.5 s ahead), batches and
/// pushes of every bundled scenario; longer retry backoffs and scheduled
/// operations wait in the heap. A smaller ring stays in cache.
const RING_MS: usize = 2048;
const MASK: usize = RING_MS - 1;
const WORDS: usize = RING_MS / 64;
/// Events a bucket holds inline; a busier millisecond spills to the heap.
const INLINE: usize = 4;

type Bucket<T> = SmallVec<[Entry<T>; INLINE]>;

/// One entry: due time, tie-break order (unique), payload.
#[derive(Clone, Debug)]
struct Entry<T> {
    time: SimTime,
    order: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.order) == (other.time, other.order)
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.time, self.order).cmp(&(other.time, other.order))
    }
}

/// Events ordered by (time, order), `order` unique. Times pushed must not
/// be earlier than the last popped one (the engine never schedules into the
/// past).
#[derive(Clone, Debug)]
pub(crate) struct EventQueue<T> {
    /// The time of the bucket being drained; the ring covers
    /// `[cursor, cursor + RING_MS)`.
    cursor: SimTime,
    /// Bucket `t & MASK` holds the events due at `t` within the ring's span.
    ring: Vec<Bucket<T>>,
    /// Bit `i` is set when bucket `i` has events still to pop.
    occupied: [u64; WORDS],
    /// Events due at or after `cursor + RING_MS`.
    later: BinaryHeap<Reverse<Entry<T>>>,
    len: usize,
}

/// Bytes of an empty queue's ring of buckets.
pub(crate) fn ring_bytes<T>() -> u64 {
    crate::memory::buffer::<Bucket<T>>(RING_MS)
}

impl<T> EventQueue<T> {
    pub(crate) fn new() -> Self {
        EventQueue {
            cursor: 0,
            ring: (0..RING_MS).map(|_| Bucket::new()).collect(),
            occupied: [0; WORDS],
            later: BinaryHeap::new(),
            len: 0,
        }
    }

    /// Events waiting.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Memory of the queue, in bytes: the ring, buckets that spilled out of
    /// their inline room, the heap, and what `payload` says each event's
    /// item holds besides (see [`crate::memory`]).
    pub(crate) fn heap_bytes(&self, payload: impl Fn(&T) -> u64) -> u64 {
        use crate::memory::buffer;
        let spilled: u64 = self
            .ring
            .iter()
            .filter(|b| b.spilled())
            .map(|b| buffer::<Entry<T>>(b.capacity()))
            .sum();
        let items: u64 = self.ring.iter().flatten().map(|e| payload(&e.item)).sum::<u64>()
            + self.later.iter().map(|Reverse(e)| payload(&e.item)).sum::<u64>();
        buffer::<Bucket<T>>(self.ring.capacity())
            + spilled
            + buffer::<Reverse<Entry<T>>>(self.later.capacity())
            + items
    }

    pub(crate) fn push(&mut self, time: SimTime, order: u64, item: T) {
        debug_assert!(time >= self.cursor, "an event scheduled in the past");
        let time = time.max(self.cursor);
        self.len += 1;
        let entry = Entry { time, order, item };
        if time - self.cursor >= RING_MS as SimTime {
            self.later.push(Reverse(entry));
            return;
        }
        let i = time as usize & MASK;
        let bucket = &mut self.ring[i];
        if time == self.cursor {
            // The bucket is being drained from its end: keep it sorted, last
            // first (the new event almost always goes to the front).
            let at = bucket.partition_point(|e| e.order > order);
            bucket.insert(at, entry);
        } else {
            bucket.push(entry);
        }
        self.occupied[i / 64] |= 1 << (i % 64);
    }

    /// The due time of the next event, without removing it.
    pub(crate) fn peek_time(&self) -> Option<SimTime> {
        if self.len == 0 {
            return None;
        }
        match self.next_in_ring() {
            Some(t) => Some(t),
            None => self.later.peek().map(|Reverse(e)| e.time),
        }
    }

    /// Removes and returns the next event: its time and payload.
    #[cfg(test)]
    pub(crate) fn pop(&mut self) -> Option<(SimTime, T)> {
        self.pop_until(SimTime::MAX)
    }

    /// Removes and returns the next event if it is due at or before
    /// `limit`: one search of the ring where peeking and popping would
    /// take two.
    pub(crate) fn pop_until(&mut self, limit: SimTime) -> Option<(SimTime, T)> {
        // Most milliseconds hold several events: while the current one has
        // more, its bucket is the answer and the bitmap need not be searched
        // (the bucket at the cursor holds only events due at the cursor).
        let time = if self.cursor <= limit && !self.ring[self.cursor as usize & MASK].is_empty() {
            self.cursor
        } else {
            self.peek_time().filter(|&t| t <= limit)?
        };
        if time != self.cursor {
            self.advance_to(time);
        }
        Some(self.pop_current())
    }

    /// Removes and returns the next event if it is due now (at the time of
    /// the last one popped) and `wanted` accepts its order: the events of
    /// one class due in one millisecond, one after another, so the engine
    /// can run them together.
    pub(crate) fn pop_now_if(&mut self, wanted: impl Fn(u64) -> bool) -> Option<T> {
        let next = self.ring[self.cursor as usize & MASK].last()?;
        wanted(next.order).then(|| self.pop_current().1)
    }

    /// Pops the last entry of the cursor's bucket, which must have one.
    // Always inlined into `pop_until`, which every event goes through.
    #[inline(always)]
    fn pop_current(&mut self) -> (SimTime, T) {
        let i = self.cursor as usize & MASK;
        let bucket = &mut self.ring[i];
        let entry = bucket.pop().expect("an occupied bucket");
        if bucket.is_empty() {
            self.occupied[i / 64] &= !(1 << (i % 64));
            // Readers that started together poll in the same few
            // milliseconds, so some buckets briefly hold thousands of
            // events; as those bursts drift round the ring, keeping every
            // spilled bucket's peak capacity would cost megabytes for nothing.
            if bucket.spilled() {
                *bucket = Bucket::new();
            }
        }
        self.len -= 1;
        (entry.time, entry.item)
    }

    /// The earliest time with an event still in the ring, scanning the
    /// bitmap from the cursor's bucket round the ring once.
    fn next_in_ring(&self) -> Option<SimTime> {
        let start = self.cursor as usize & MASK;
        for step in 0..=WORDS {
            let word = (start / 64 + step) % WORDS;
            let mut bits = self.occupied[word];
            if step == 0 {
                bits &= !0 << (start % 64);
            } else if step == WORDS {
                // Back at the cursor's word: only the buckets before it.
                bits &= !(!0 << (start % 64));
            }
            if bits != 0 {
                let i = word * 64 + bits.trailing_zeros() as usize;
                return Some(self.cursor + ((i + RING_MS - start) & MASK) as SimTime);
            }
        }
        None
    }

    /// Moves the cursor to `time` (the next event's, so every bucket in
    /// between is empty), brings events from the heap into the ring's new
    /// span, and sorts the new current bucket.
    fn advance_to(&mut self, time: SimTime) {
        debug_assert!(time > self.cursor && self.ring[self.cursor as usize & MASK].is_empty());
        self.cursor = time;
        let horizon = time + RING_MS as SimTime;
        while self.later.peek().is_some_and(|Reverse(e)| e.time < horizon) {
            let Reverse(entry) = self.later.pop().expect("peeked");
            let i = entry.time as usize & MASK;
            self.ring[i].push(entry);
            self.occupied[i / 64] |= 1 << (i % 64);
        }
        // Pushed in sequence, so mostly in reverse of the order wanted; the
        // tick and events from the heap may be anywhere.
        self.ring[time as usize & MASK].sort_unstable_by_key(|e| Reverse(e.order));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pops everything due at or before `limit` from both queues, checking
    /// they agree.
    fn drain_both(
        q: &mut EventQueue<u64>,
        heap: &mut BinaryHeap<Reverse<(SimTime, u64)>>,
        limit: SimTime,
    ) {
        while q.peek_time().is_some_and(|t| t <= limit) {
            let (t, order) = q.pop().expect("peeked");
            let Reverse(expected) = heap.pop().expect("same length");
            assert_eq!((t, order), expected);
        }
        assert_eq!(q.len(), heap.len());
    }

    #[test]
    fn pops_in_the_same_order_as_a_heap() {
        // Near and far times, ties, the current millisecond, and class-0
        // orders scheduled after others: the order must be (time, order).
        let (mut q, mut heap) = (EventQueue::new(), BinaryHeap::new());
        let (mut now, mut seq, mut x) = (0, 0u64, 12_345u64);
        for round in 0..2_000 {
            for _ in 0..5 {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let delay = match x >> 61 {
                    0 => 0,
                    1 => 1,
                    2 => 20_000 + (x >> 40) % 10_000,
                    _ => (x >> 33) % 5_000,
                };
                seq += 1;
                let order = if x & 1 == 0 { seq } else { 1 << 63 | seq };
                q.push(now + delay, order, order);
                heap.push(Reverse((now + delay, order)));
            }
            // Like `run_until`: the clock ends at the limit, events or not.
            now += round % 7 * 300;
            drain_both(&mut q, &mut heap, now);
        }
        drain_both(&mut q, &mut heap, SimTime::MAX);
        assert_eq!(q.len(), 0);
        assert_eq!(q.peek_time(), None);
    }
}
