//! [`Batch`]: records moving together between nodes.

use crate::time::SimTime;

/// Records handed from one node to the next (a read batch, a forwarded
/// batch, a delivery stream's buffer): counts and bytes, never one by one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Records.
    pub records: u64,
    /// Bytes of all the records.
    pub bytes: u64,
    /// Arrival time of the oldest record (at the delivery stream).
    pub oldest_ms: SimTime,
    /// Arrival time of the newest record; the others are taken as spread
    /// evenly between the two (MODEL.md, Latency).
    pub newest_ms: SimTime,
}

impl Batch {
    /// Whether it holds no records.
    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// Adds records arriving at `now`.
    pub fn absorb(&mut self, records: u64, bytes: u64, now: SimTime) {
        if self.records == 0 {
            self.oldest_ms = now;
        }
        self.newest_ms = if self.records == 0 { now } else { self.newest_ms.max(now) };
        self.records += records;
        self.bytes += bytes;
    }

    /// Splits off the first `records` records (bytes in proportion; the
    /// rest keeps the remainder so bytes are never lost to rounding).
    pub fn take_front(&mut self, records: u64) -> Batch {
        let records = records.min(self.records);
        let bytes = if records == self.records {
            self.bytes
        } else {
            (self.bytes as u128 * records as u128 / self.records.max(1) as u128) as u64
        };
        self.records -= records;
        self.bytes -= bytes;
        Batch { records, bytes, ..*self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_split_without_losing_bytes() {
        let mut b = Batch { records: 3, bytes: 10, oldest_ms: 5, newest_ms: 9 };
        let front = b.take_front(1);
        assert_eq!((front.records, front.bytes, front.oldest_ms), (1, 3, 5));
        assert_eq!((b.records, b.bytes), (2, 7));
    }
}
