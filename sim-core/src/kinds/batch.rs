//! [`Batch`]: records moving together between nodes, and [`born_blend`]:
//! how groups of records keep when they entered the pipeline.

use crate::time::SimTime;

/// The mean birth time of two groups of records put together (`a` of
/// `a_n` records, `b` of `b_n`), rounded to the nearest millisecond.
///
/// A record is born when a producer makes it. Every group of records the
/// engine moves (a producer's batch, a shard's cohort, a read, a hand-off,
/// a queue's messages, a delivery stream's buffer) carries the mean birth
/// time of its records, whatever hand-offs they went through: end-to-end
/// latency is measured from it (MODEL.md, Latency). Merges weight by
/// count; splits keep it. Exact integers, so it is deterministic and
/// cohorts stay `Eq`.
///
/// It runs on every write to a shard, so it moves from `a` by the weighted
/// gap in 64 bits (births a few seconds apart, counts far below 2^40), and
/// takes 128 bits (a library call several times slower) only when that
/// could overflow.
#[inline]
pub fn born_blend(a: SimTime, a_n: u64, b: SimTime, b_n: u64) -> SimTime {
    if a == b || b_n == 0 {
        return if a_n == 0 && b_n == 0 { a.min(b) } else { a };
    }
    // The mean is `a + gap × b_n / n` (or minus), rounded half up either way:
    // up by `⌊(x + ⌊n/2⌋) / n⌋`, down by `⌊(x + n − 1 − ⌊n/2⌋) / n⌋`.
    let n = u128::from(a_n) + u128::from(b_n);
    let x = crate::wide::mul(b.abs_diff(a), b_n);
    let bias = if b > a { n / 2 } else { n - 1 - n / 2 };
    let shift = match (u64::try_from(x + bias), u64::try_from(n)) {
        (Ok(top), Ok(n)) => top / n,
        _ => ((x + bias) / n) as u64,
    };
    if b > a { a + shift } else { a - shift }
}

/// Records handed from one node to the next (a read batch, a forwarded
/// batch, a delivery stream's buffer): counts and bytes, never one by one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Records.
    pub records: u64,
    /// Bytes of all the records (their data).
    pub bytes: u64,
    /// Partition-key bytes that go with the records if they are written to
    /// a stream (the keys they were read with; not part of `bytes`), 0 for
    /// records that never had one.
    pub key_bytes: u64,
    /// Arrival time of the oldest record (at the delivery stream).
    pub oldest_ms: SimTime,
    /// Arrival time of the newest record; the others are taken as spread
    /// evenly between the two (MODEL.md, Latency).
    pub newest_ms: SimTime,
    /// Mean time its records were born at a producer ([`born_blend`]).
    pub born_ms: SimTime,
}

impl Batch {
    /// Whether it holds no records.
    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// Records born at (on average) `born_ms`, arriving together at `now`.
    pub fn arriving(records: u64, bytes: u64, now: SimTime, born_ms: SimTime) -> Batch {
        Batch { records, bytes, key_bytes: 0, oldest_ms: now, newest_ms: now, born_ms }
    }

    /// Adds records arriving at `now`, born on average at `born_ms`.
    pub fn absorb(&mut self, records: u64, bytes: u64, now: SimTime, born_ms: SimTime) {
        self.born_ms = born_blend(self.born_ms, self.records, born_ms, records);
        if self.records == 0 {
            self.oldest_ms = now;
        }
        self.newest_ms = if self.records == 0 { now } else { self.newest_ms.max(now) };
        self.records += records;
        self.bytes += bytes;
    }

    /// Splits off the first `records` records (bytes and keys in
    /// proportion; the rest keeps the remainder so no byte is lost to
    /// rounding).
    pub fn take_front(&mut self, records: u64) -> Batch {
        let records = records.min(self.records);
        let share = |total: u64| {
            if records == self.records {
                total
            } else {
                crate::wide::mul_div(total, records, self.records.max(1))
            }
        };
        let (bytes, key_bytes) = (share(self.bytes), share(self.key_bytes));
        self.records -= records;
        self.bytes -= bytes;
        self.key_bytes -= key_bytes;
        Batch { records, bytes, key_bytes, ..*self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_split_without_losing_bytes() {
        let mut b =
            Batch { records: 3, bytes: 10, key_bytes: 5, oldest_ms: 5, newest_ms: 9, born_ms: 2 };
        let front = b.take_front(1);
        assert_eq!((front.records, front.bytes, front.oldest_ms, front.born_ms), (1, 3, 5, 2));
        assert_eq!((b.records, b.bytes, b.born_ms), (2, 7, 2));
        assert_eq!((front.key_bytes, b.key_bytes), (1, 4));
    }

    #[test]
    fn births_blend_by_count() {
        // 3 records born at 10 ms and 1 at 20 ms: mean 12.5, rounded to 13.
        assert_eq!(born_blend(10, 3, 20, 1), 13);
        assert_eq!(born_blend(10, 0, 20, 5), 20);
        assert_eq!(born_blend(7, 0, 9, 0), 7);
        // Half up whichever side is older, as the exact mean rounds.
        let exact =
            |a: u64, an: u64, b: u64, bn: u64| (a * an + b * bn + (an + bn) / 2) / (an + bn);
        for (a, an, b, bn) in
            [(10, 1, 11, 1), (11, 1, 10, 1), (20, 3, 7, 5), (7, 5, 20, 3), (0, 2, 9, 2)]
        {
            assert_eq!(born_blend(a, an, b, bn), exact(a, an, b, bn), "{a} {an} {b} {bn}");
        }
        let mut b = Batch::default();
        b.absorb(4, 40, 100, 60);
        b.absorb(4, 40, 110, 100);
        assert_eq!((b.oldest_ms, b.newest_ms, b.born_ms), (100, 110, 80));
    }
}
