//! A Kinesis Data Stream: shards with write and read limits and a log of
//! record cohorts per shard.

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub(crate) mod operations;
pub mod params;
pub mod resharding;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;
pub(crate) mod writes;

use std::collections::VecDeque;

use crate::bucket::{Rate, Tokens};
use crate::memory;
use crate::routing::{HashRange, even_ranges};
use crate::scenario::{Capacity, StreamSpec};
use crate::time::{DAY, HOUR, MINUTE, SECOND, SimTime};
use crate::wide;

/// aws-facts 1.1: a shard accepts 1 MiB/s of writes, partition keys included.
pub const SHARD_WRITE_BYTES_PER_S: f64 = 1_048_576.0;
/// aws-facts 1.1: a shard accepts 1,000 records/s of writes.
pub const SHARD_WRITE_RECORDS_PER_S: f64 = 1_000.0;
/// aws-facts 1.1: shared-throughput reads are 2 MiB/s per shard.
pub const SHARD_READ_BYTES_PER_S: f64 = 2_097_152.0;
/// aws-facts 1.1: five GetRecords calls per second per shard.
pub const SHARD_READ_CALLS_PER_S: f64 = 5.0;
/// aws-facts 1.1: one GetRecords call returns at most 10 MiB.
pub const GET_RECORDS_MAX_BYTES: u64 = 10 * 1_048_576;
/// aws-facts 1.1: after a 10 MiB GetRecords, calls in the next 5 s fail.
pub const GET_RECORDS_PENALTY_MS: SimTime = 5_000;

/// Cohorts younger than this keep their own arrival times (unless every
/// reader has read them); older ones are merged per minute.
pub const FINE_GRAINED_MS: SimTime = 5 * MINUTE;

/// Coarser buckets for older records, so a shard holds a few hundred
/// cohorts whatever its retention (MODEL.md, shard logs): minute buckets
/// become hour buckets once their newest record is an hour old, and hour
/// buckets day buckets once it is a day old. With a year's retention a
/// shard then holds at most about 300 fine cohorts, 55 minute, 23 hour and
/// 365 day buckets (40 bytes each), where minute buckets alone would be
/// 525,600: 10,000 shards fit in about 300 MB instead of 210 GB.
/// `(age, width)`, coarsest first, the index of the log's region.
const COARSE_TIERS: [(SimTime, SimTime); 2] = [(DAY, DAY), (HOUR, HOUR)];

/// The mean of records' birth times from their sum: one division, in 64
/// bits when the sum fits (as it nearly always does).
fn mean_born(sum: u128, count: u64) -> SimTime {
    match u64::try_from(sum) {
        Ok(sum) => sum.saturating_add(count / 2).checked_div(count).unwrap_or(0),
        Err(_) => ((sum + u128::from(count / 2)) / u128::from(count.max(1))) as SimTime,
    }
}

/// Records that arrived together: never simulated one by one.
///
/// 48 bytes: a year of a 10,000-shard stream's log must fit the browser
/// (`tests/it/hostile.rs`), so the last arrival is kept as a span from the
/// first (a cohort never spans more than its day bucket) and the partition
/// keys as a mean per record in 32 bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cohort {
    /// Absolute position of the first record in the shard.
    pub start: u64,
    /// Number of records.
    pub count: u64,
    /// Total bytes, data plus partition keys.
    pub bytes: u64,
    /// Arrival time of the first record (moving it moves the last one
    /// too: see [`Cohort::set_last_ms`]).
    pub first_ms: SimTime,
    /// Mean time its records were born at their producer
    /// ([`crate::kinds::batch::born_blend`]).
    pub born_ms: SimTime,
    /// Arrival time of the last record, after the first.
    span_ms: u32,
    /// Mean partition-key bytes per record, in [`KEY_UNIT`]s: the keys'
    /// part of `bytes`, which a reader does not hand on (a delivery
    /// stream's object holds the data alone).
    key_per_record: u32,
}

/// A 65,536th of a byte: a mean key of up to 256 bytes (aws-facts 1.1)
/// in 32 bits, exact for keys of one length.
const KEY_UNIT: u64 = 1 << 16;

impl Cohort {
    /// `count` records from `start`, arrived from `first_ms` to `last_ms`,
    /// each with a partition key of `key_per_record` bytes among `bytes`.
    pub fn new(
        (start, count): (u64, u64),
        (bytes, key_per_record): (u64, u64),
        (first_ms, last_ms): (SimTime, SimTime),
        born_ms: SimTime,
    ) -> Cohort {
        let mut c =
            Cohort { start, count, bytes, first_ms, born_ms, span_ms: 0, key_per_record: 0 };
        c.set_last_ms(last_ms);
        c.key_per_record = key_units(key_per_record);
        c
    }

    /// One past the last record's position.
    pub fn end(&self) -> u64 {
        self.start + self.count
    }

    /// Arrival time of the last record.
    pub fn last_ms(&self) -> SimTime {
        self.first_ms + SimTime::from(self.span_ms)
    }

    /// Moves the last arrival to `last_ms` (not before the first).
    pub fn set_last_ms(&mut self, last_ms: SimTime) {
        let span = last_ms.saturating_sub(self.first_ms);
        self.span_ms = u32::try_from(span).unwrap_or(u32::MAX);
    }

    /// Partition-key bytes of `n` of its records.
    pub fn key_bytes_of(&self, n: u64) -> u64 {
        let keys = wide::mul(n, u64::from(self.key_per_record)) + u128::from(KEY_UNIT / 2);
        (keys / u128::from(KEY_UNIT)) as u64
    }

    /// Blends `count` more records, with keys of `mean` [`KEY_UNIT`]s each,
    /// into its mean key. Keys of one length (nearly every write) skip it.
    fn add_keys(&mut self, count: u64, mean: u32) {
        if mean != self.key_per_record {
            let total = self.count + count;
            let sum = wide::mul(self.count, u64::from(self.key_per_record))
                + wide::mul(count, u64::from(mean));
            let rounded = (sum + u128::from(total / 2)) / u128::from(total.max(1));
            self.key_per_record = u32::try_from(rounded).unwrap_or(u32::MAX);
        }
    }

    /// Estimated arrival time of the record at absolute position `pos`,
    /// interpolated across the cohort.
    pub fn arrival_of(&self, pos: u64) -> SimTime {
        // The ends, which reads ask for nearly always, need no arithmetic.
        if pos <= self.start || self.count <= 1 {
            return self.first_ms;
        }
        if pos + 1 >= self.end() {
            return self.last_ms();
        }
        let frac = (pos - self.start) as f64 / (self.count - 1) as f64;
        self.first_ms + (frac * f64::from(self.span_ms)) as SimTime
    }

    /// How many of the records arrived before `cutoff`, taking their
    /// arrival times as spread evenly from the first record's to the last
    /// one's (as [`Cohort::arrival_of`] interpolates them). Exact integers:
    /// record `i` arrives at `first + i × span / (count − 1)`.
    pub fn records_before(&self, cutoff: SimTime) -> u64 {
        if cutoff <= self.first_ms {
            return 0;
        }
        if cutoff > self.last_ms() {
            return self.count;
        }
        // first < cutoff <= last: at least two records over a span.
        let before = wide::mul(cutoff - self.first_ms, self.count - 1);
        before.div_ceil(u128::from(self.span_ms)) as u64
    }

    /// Bytes of the first `n` records: in proportion, rounded down.
    pub fn bytes_of_first(&self, n: u64) -> u64 {
        wide::mul_div(self.bytes, n, self.count.max(1))
    }

    /// Drops the first `n` records (fewer than all): the cohort then starts
    /// at the arrival time of its new first record.
    fn drop_first(&mut self, n: u64) {
        let span = SimTime::from(self.span_ms);
        let moved = wide::mul_div(n, span, self.count.saturating_sub(1).max(1));
        self.first_ms += moved;
        self.span_ms -= moved as u32;
        self.bytes -= self.bytes_of_first(n);
        self.start += n;
        self.count -= n;
    }

    /// Folds the next cohort (contiguous, not older) into this one; its
    /// birth time is the caller's to set ([`mean_born`] of them all).
    fn absorb(&mut self, next: &Cohort) {
        self.add_keys(next.count, next.key_per_record);
        self.count += next.count;
        self.bytes += next.bytes;
        self.set_last_ms(next.last_ms());
    }
}

/// A key of `bytes` in [`KEY_UNIT`]s.
fn key_units(bytes: u64) -> u32 {
    u32::try_from(bytes.saturating_mul(KEY_UNIT)).unwrap_or(u32::MAX)
}

/// A shard's cohorts, oldest first, as one contiguous slice: a `Vec` whose
/// expired front is dropped a few dozen at a time. Reads search and walk a
/// plain slice; a `VecDeque`'s two halves cost a read more than the walk.
///
/// By age the slice holds day buckets, hour buckets, minute buckets and
/// then fine cohorts; `ends` marks where each region ends.
#[derive(Clone, Debug, Default)]
struct CohortLog {
    buf: Vec<Cohort>,
    /// Cohorts at the front of `buf` that already expired.
    head: u32,
    /// Ends of the day, hour and minute regions (indices into
    /// [`Self::as_slice`]); the fine cohorts follow the last.
    ends: [u32; 3],
}

impl CohortLog {
    /// Expired cohorts left in place before one shift drops them all.
    const SLACK: u32 = 64;
    /// Index into `ends` of the minute region, the finest coalesced one.
    const MINUTES: usize = 2;

    fn as_slice(&self) -> &[Cohort] {
        &self.buf[self.head as usize..]
    }

    fn as_mut_slice(&mut self) -> &mut [Cohort] {
        &mut self.buf[self.head as usize..]
    }

    fn len(&self) -> usize {
        self.buf.len() - self.head as usize
    }

    /// Cohorts already merged into buckets (of any width).
    fn coalesced(&self) -> usize {
        self.ends[Self::MINUTES] as usize
    }

    fn last_mut(&mut self) -> Option<&mut Cohort> {
        self.as_mut_slice().last_mut()
    }

    fn push(&mut self, cohort: Cohort) {
        self.buf.push(cohort);
    }

    /// Drops the oldest cohort (there must be one).
    fn pop_front(&mut self) {
        self.head += 1;
        for end in &mut self.ends {
            *end = end.saturating_sub(1);
        }
        if self.head as usize == self.buf.len() {
            self.buf.clear();
            self.head = 0;
        } else if self.head >= Self::SLACK {
            self.buf.drain(..self.head as usize);
            self.head = 0;
        }
    }

    /// Removes the cohorts at `range` (indices into [`Self::as_slice`]),
    /// all inside one region.
    fn remove(&mut self, range: std::ops::Range<usize>) {
        let head = self.head as usize;
        let removed = (range.end - range.start) as u32;
        for end in &mut self.ends {
            if *end as usize >= range.end {
                *end -= removed;
            }
        }
        self.buf.drain(head + range.start..head + range.end);
    }

    /// Removes the records that arrived before `cutoff` from the front:
    /// whole cohorts whose newest record did, and the older part of the
    /// cohort that straddles it (see [`Cohort::records_before`]), so a
    /// bucket of any width expires on time. Returns how many went.
    fn expire_before(&mut self, cutoff: SimTime) -> u64 {
        let mut removed = 0;
        while let Some(front) = self.as_slice().first() {
            let n = front.records_before(cutoff);
            removed += n;
            if n < front.count {
                if n > 0 {
                    self.as_mut_slice()[0].drop_first(n);
                }
                break;
            }
            self.pop_front();
        }
        removed
    }

    /// Merges cohorts by age: fine cohorts that are `ready` into minute
    /// buckets, minute buckets an hour old into hour buckets, hour buckets
    /// a day old into day buckets.
    fn coalesce(&mut self, now: SimTime, ready: impl Fn(&Cohort) -> bool) {
        self.promote(Self::MINUTES, MINUTE, ready);
        for (tier, &(age, width)) in COARSE_TIERS.iter().enumerate().rev() {
            self.promote(tier, width, |c| c.last_ms() + age <= now);
        }
    }

    /// Moves the cohorts just after region `tier` into it while they are
    /// `ready`: each joins the region's last bucket when it falls in the
    /// same `width`-wide window of time, or becomes a bucket of its own.
    fn promote(&mut self, tier: usize, width: SimTime, ready: impl Fn(&Cohort) -> bool) {
        let from = if tier == 0 { 0 } else { self.ends[tier - 1] as usize };
        loop {
            let limit = self.ends.get(tier + 1).map_or(self.len(), |&e| e as usize);
            let at = self.ends[tier] as usize;
            let log = self.as_mut_slice();
            if at >= limit || !ready(&log[at]) {
                return;
            }
            let window = log[at].first_ms / width;
            if at == from || log[at - 1].first_ms / width != window {
                self.ends[tier] += 1;
                continue;
            }
            // Fold every ready cohort of the window into the bucket, then
            // remove them in one go (one shift of the log, not one each).
            let mut end = at;
            let mut bucket = log[at - 1];
            let mut born = wide::mul(bucket.born_ms, bucket.count);
            while end < limit && ready(&log[end]) && log[end].first_ms / width == window {
                bucket.absorb(&log[end]);
                born += wide::mul(log[end].born_ms, log[end].count);
                end += 1;
            }
            bucket.born_ms = mean_born(born, bucket.count);
            log[at - 1] = bucket;
            self.remove(at..end);
        }
    }
}

/// aws-facts 1.1 (large records, `large-records.html`): a stream takes a
/// record up to its maximum record size (10 MiB at most) "by temporarily
/// bursting beyond its sustained write throughput", a tank that "refills at a
/// steady rate", so the shard averages 1 MiB/s. AWS does not give the
/// mechanism; the model's: a record (data plus key) larger than a second of
/// the byte limit is accepted while the shard's byte bucket is not in debt,
/// and leaves the bucket in debt by what it took beyond the balance, repaid at
/// 1 MiB/s before the shard takes more bytes (MODEL.md, an assumption).
pub const LARGE_RECORD_BYTES: u64 = SHARD_WRITE_BYTES_PER_S as u64;

/// aws-facts 1.1 as token buckets, one second deep.
const WRITE_BYTES: Rate = Rate::whole_per_second(SHARD_WRITE_BYTES_PER_S as i64);
const WRITE_RECORDS: Rate = Rate::whole_per_second(SHARD_WRITE_RECORDS_PER_S as i64);
const READ_CALLS: Rate = Rate::whole_per_second(SHARD_READ_CALLS_PER_S as i64);
const READ_BYTES: Rate = Rate::whole_per_second(SHARD_READ_BYTES_PER_S as i64);

/// One shard: its hash range, limits and log.
///
/// Laid out by use, a cache line at a time (`repr(C)` keeps the order,
/// the alignment starts every shard on a line): a large stream's shards
/// are touched tens of thousands of times a simulated second, each time
/// at random, so the fields a write or a read needs sit together, first,
/// and what only resharding and the views read comes last.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct Shard {
    // Line 1: the limits.
    write_bytes: Tokens,
    write_records: Tokens,
    read_calls: Tokens,
    read_bytes: Tokens,
    // Line 2: what every write touches besides.
    log: CohortLog,
    /// Records ever accepted (the next record's absolute position).
    pub appended: u64,
    /// Bytes ever accepted, data plus keys.
    appended_bytes: u64,
    /// Until when the tail cohort may still grow: the end of the second it
    /// began in, or 0 once a reader read it or it was coalesced, so what
    /// was read never grows.
    tail_open_until: SimTime,
    // Line 3: the rest of the read path, and throttling.
    penalty_until: SimTime,
    /// Position of the first retained record; everything before expired.
    pub trimmed: u64,
    /// Bytes ever returned to readers.
    read_out: u64,
    /// Records refused this second, and their bytes.
    throttled: (u64, u64),
    /// The running totals when this second began: `appended`,
    /// `appended_bytes` and `read_out`. A second's traffic is their growth,
    /// so writes and reads count it without touching another line.
    second_start: (u64, u64, u64),
    // Cold.
    /// Hash keys this shard owns.
    pub range: HashRange,
    /// The shards this one was split or merged from (aws-facts 1.6).
    pub parents: Vec<usize>,
    /// When resharding closed it: no more writes, still readable.
    pub closed_at: Option<SimTime>,
    /// User records accepted this second beyond the Kinesis records that
    /// carried them (KPL aggregation packs many into one): kept apart, and
    /// only touched when a producer aggregates, so a plain write touches no
    /// more cache lines.
    packed_away: u64,
    /// The last closed second's counters.
    pub last_second: ShardSecond,
    /// Whole-run totals of the per-second counters.
    pub totals: ShardTotals,
}

/// Per-shard traffic within one second, for the heat strip.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShardSecond {
    /// Records accepted.
    pub in_records: u64,
    /// Kinesis records accepted: `in_records` unless a producer aggregates
    /// (what the 1,000 records/s limit counts, aws-facts 1.1).
    pub in_kinesis_records: u64,
    /// Bytes accepted.
    pub in_bytes: u64,
    /// Records rejected by the write limits.
    pub throttled: u64,
    /// Bytes of the rejected records.
    pub throttled_bytes: u64,
    /// Bytes returned by GetRecords.
    pub out_bytes: u64,
}

/// One user record's size as a shard counts it: its data plus its
/// partition key (the write limit counts both, aws-facts 1.1), and the key's
/// part of that, which a reader does not hand on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordSize {
    /// Data plus partition key.
    pub bytes: u64,
    /// The partition key's part.
    pub key_bytes: u64,
}

/// What a write to a shard did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PutOutcome {
    /// Records accepted.
    pub accepted: u64,
    /// Records rejected (`WriteProvisionedThroughputExceeded`).
    pub throttled: u64,
}

/// Records read from a shard in one call or push.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadBatch {
    /// Position of the first record read (after any records lost to retention).
    pub from: u64,
    /// Records read.
    pub records: u64,
    /// Bytes read, data plus partition keys.
    pub bytes: u64,
    /// The partition keys' part of `bytes`.
    pub key_bytes: u64,
    /// Arrival time of the first record read.
    pub first_arrival: Option<SimTime>,
    /// Arrival time of the last record read.
    pub last_arrival: Option<SimTime>,
    /// Arrival time of the first record not yet read, if any.
    pub next_arrival: Option<SimTime>,
    /// Mean time the records read were born at their producer.
    pub born_ms: SimTime,
}

impl Shard {
    pub(crate) fn new(range: HashRange, parents: Vec<usize>) -> Self {
        Shard {
            range,
            parents,
            closed_at: None,
            write_bytes: Tokens::full(&WRITE_BYTES),
            write_records: Tokens::full(&WRITE_RECORDS),
            read_calls: Tokens::full(&READ_CALLS),
            read_bytes: Tokens::full(&READ_BYTES),
            penalty_until: 0,
            log: CohortLog::default(),
            appended: 0,
            appended_bytes: 0,
            tail_open_until: 0,
            trimmed: 0,
            read_out: 0,
            throttled: (0, 0),
            second_start: (0, 0, 0),
            packed_away: 0,
            last_second: ShardSecond::default(),
            totals: ShardTotals::default(),
        }
    }

    /// Writes `count` user records of `record_bytes` each (data plus key) at
    /// `now`, packed `per_kinesis_record` to a Kinesis record (1 unless the
    /// producer aggregates, as the KPL does), accepting as many as both write
    /// buckets allow. The records/s limit counts Kinesis records; the byte
    /// limit counts every byte (aws-facts 1.1).
    // Always inlined (with `append`) into the write loop, its one hot caller.
    #[inline(always)]
    pub fn put(
        &mut self,
        now: SimTime,
        count: u64,
        record_bytes: u64,
        per_kinesis_record: u64,
    ) -> PutOutcome {
        let size = RecordSize { bytes: record_bytes, key_bytes: 0 };
        self.put_at_most(now, count, count, size, per_kinesis_record, now)
    }

    /// [`Shard::put`] of `count` records of which at most `cap` may be
    /// accepted: the share of the shard's capacity this attempt got when
    /// several were due in the same millisecond. The rest are refused
    /// (`WriteProvisionedThroughputExceeded`) like any record over the limits.
    /// The records were born at their producer on average at `born_ms`.
    #[inline(always)]
    pub fn put_at_most(
        &mut self,
        now: SimTime,
        count: u64,
        cap: u64,
        size: RecordSize,
        per_kinesis_record: u64,
        born_ms: SimTime,
    ) -> PutOutcome {
        let record_bytes = size.bytes;
        let per = per_kinesis_record.max(1);
        let by_records = wide::saturating_mul(self.write_records.whole(&WRITE_RECORDS, now), per);
        let bytes_left = self.write_bytes.whole(&WRITE_BYTES, now);
        // Nearly every write fits: a multiply decides that, and the division
        // is only needed when it does not.
        let by_bytes = if wide::saturating_mul(count, record_bytes) <= bytes_left {
            count
        } else if record_bytes > LARGE_RECORD_BYTES {
            // A record larger than a second of the byte limit never fits
            // the bucket: it is taken as a burst while the bucket has any
            // bytes left, which leaves it in debt (see LARGE_RECORD_BYTES).
            u64::from(bytes_left > 0)
        } else {
            bytes_left / record_bytes.max(1)
        };
        let accepted = count.min(cap).min(by_records).min(by_bytes);
        let bytes = accepted * record_bytes;
        if accepted > 0 {
            let kinesis_records = if per == 1 {
                accepted
            } else {
                let packed = accepted.div_ceil(per);
                self.packed_away += accepted - packed;
                packed
            };
            self.write_records.spend(kinesis_records);
            if bytes <= bytes_left {
                self.write_bytes.spend(bytes);
            } else {
                self.write_bytes.take_whole(&WRITE_BYTES, now, bytes);
            }
            self.append(now, accepted, (bytes, size.key_bytes), born_ms);
        }
        let throttled = count - accepted;
        if throttled > 0 {
            self.throttled.0 += throttled;
            self.throttled.1 += throttled * record_bytes;
        }
        PutOutcome { accepted, throttled }
    }

    /// Closes the tail cohort to further writes, turning the sum of its
    /// records' birth times into their mean (see `append`).
    fn close_tail(&mut self) {
        if self.tail_open_until != 0 {
            if let Some(last) = self.log.last_mut() {
                last.born_ms = mean_born(u128::from(last.born_ms), last.count);
            }
            self.tail_open_until = 0;
        }
    }

    /// Whole Kinesis records and bytes the write limits allow at `now`.
    pub fn write_room(&mut self, now: SimTime) -> (u64, u64) {
        (self.write_records.whole(&WRITE_RECORDS, now), self.write_bytes.whole(&WRITE_BYTES, now))
    }

    /// Adds `count` records of `bytes` in all, each with a key of `key`
    /// bytes, to the tail cohort while no reader has read since it
    /// began and it began in this same second, or starts a new one. A
    /// reader that reads to the tip thus gets the last write's arrival time
    /// exactly, as it would with one cohort per write, while the log (and
    /// each read) holds at most one cohort per read interval and second
    /// rather than one per write; positions inside a grown cohort get
    /// arrival times interpolated between its first and last write, never
    /// more than a second apart, so retention still expires them on time.
    #[inline(always)]
    fn append(&mut self, now: SimTime, count: u64, (bytes, key): (u64, u64), born_ms: SimTime) {
        // While the tail is open its `born_ms` holds the sum of its records'
        // birth times: a write adds to it, and the mean is worked out once,
        // when the tail closes (`close_tail`), not once a write. A tail holds
        // at most a second of a shard's records (about 2^21 at the byte
        // limit), each born before 2^36 ms: the sum fits.
        let born = wide::saturating_mul(born_ms, count);
        if now < self.tail_open_until
            && let Some(last) = self.log.last_mut()
        {
            last.born_ms = last.born_ms.saturating_add(born);
            last.add_keys(count, key_units(key));
            last.count += count;
            last.bytes += bytes;
            last.set_last_ms(now);
        } else {
            self.close_tail();
            let cohort = Cohort::new((self.appended, count), (bytes, key), (now, now), born);
            self.log.push(cohort);
            self.tail_open_until = (now / SECOND + 1) * SECOND;
        }
        self.appended += count;
        self.appended_bytes += bytes;
    }

    /// A GetRecords call starting at absolute position `from`, returning at
    /// most `max_records` records (perhaps none), or `None` when the shard's
    /// read limits reject the call (`ReadProvisionedThroughputExceeded`).
    pub fn get_records(&mut self, now: SimTime, from: u64, max_records: u64) -> Option<ReadBatch> {
        if now < self.penalty_until
            || self.read_calls.whole(&READ_CALLS, now) == 0
            || self.read_bytes.available(&READ_BYTES, now) < 0.0
        {
            return None;
        }
        self.read_calls.take_whole(&READ_CALLS, now, 1);
        let batch = self.read_from(from, max_records, GET_RECORDS_MAX_BYTES);
        self.read_bytes.take_whole(&READ_BYTES, now, batch.bytes);
        if batch.bytes >= GET_RECORDS_MAX_BYTES {
            self.penalty_until = now + GET_RECORDS_PENALTY_MS;
        }
        Some(batch)
    }

    /// Reads up to `max_records` records and `max_bytes` bytes (at least one
    /// record if any is there) from absolute position `from`, without any
    /// rate limit: the caller applies the limits of its read path.
    pub fn read_from(&mut self, from: u64, max_records: u64, max_bytes: u64) -> ReadBatch {
        self.close_tail();
        let from = from.max(self.trimmed);
        let (mut records, mut bytes, mut key_bytes) = (0u64, 0u64, 0u64);
        // Sum of the records' birth times, for their mean.
        let mut born_sum = 0u128;
        let mut pos = from;
        let mut last_read = None;
        // Cohorts are contiguous and never empty, so the one at `next` after
        // the loop holds the first record not read.
        let mut next = self.cohort_holding(from);
        let first = next;
        let log = self.log.as_slice();
        for cohort in &log[next..] {
            let room = max_records - records;
            if room == 0 || bytes >= max_bytes {
                break;
            }
            // The common case, a whole cohort well within both caps, in
            // integers: with at least twice its bytes left, the float
            // byte room below is at least its count despite rounding, so
            // this takes exactly what the general path would.
            if pos == cohort.start
                && cohort.count <= room
                && max_bytes - bytes >= wide::saturating_mul(cohort.bytes, 2)
            {
                records += cohort.count;
                bytes += cohort.bytes;
                key_bytes += cohort.key_bytes_of(cohort.count);
                born_sum += wide::mul(cohort.born_ms, cohort.count);
                pos = cohort.end();
                last_read = Some(cohort);
                next += 1;
                continue;
            }
            let per_record = cohort.bytes as f64 / cohort.count as f64;
            // Never past the byte cap, but always at least one record per call.
            let room_by_bytes = ((max_bytes - bytes) as f64 / per_record) as u64;
            let room_by_bytes = if records == 0 { room_by_bytes.max(1) } else { room_by_bytes };
            if room_by_bytes == 0 {
                break;
            }
            let take = (cohort.end() - pos).min(room).min(room_by_bytes);
            let taken_bytes = if take == cohort.end() - pos && pos == cohort.start {
                cohort.bytes
            } else {
                (per_record * take as f64).round() as u64
            };
            records += take;
            bytes += taken_bytes;
            key_bytes += cohort.key_bytes_of(take).min(taken_bytes);
            born_sum += wide::mul(cohort.born_ms, take);
            pos += take;
            last_read = Some(cohort);
            if pos < cohort.end() {
                break;
            }
            next += 1;
        }
        let last_arrival = last_read.map(|c| c.arrival_of(pos - 1));
        let first_arrival = last_read.map(|_| log[first].arrival_of(from));
        let next_arrival = log.get(next).map(|c| c.arrival_of(pos));
        self.read_out += bytes;
        let born_ms = mean_born(born_sum, records);
        ReadBatch {
            from,
            records,
            bytes,
            key_bytes,
            first_arrival,
            last_arrival,
            next_arrival,
            born_ms,
        }
    }

    /// Index of the cohort holding absolute position `pos` (the first one
    /// ending after it), or the log's length if `pos` is past the tip.
    /// Readers are nearly always a few cohorts from the tip, so this gallops
    /// back from the end, then bisects: O(log distance), not O(log length).
    fn cohort_holding(&self, pos: u64) -> usize {
        let log = self.log.as_slice();
        let ends_by = |i: usize| log[i].end() <= pos;
        let (mut lo, mut hi, mut step) = (0, log.len(), 1);
        // Invariant: every cohort before `lo` ends by `pos`, none from `hi` on.
        while hi > lo {
            let probe = hi.saturating_sub(step).max(lo);
            if ends_by(probe) {
                lo = probe + 1;
                break;
            }
            hi = probe;
            step *= 2;
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if ends_by(mid) { lo = mid + 1 } else { hi = mid }
        }
        lo
    }

    /// Arrival time of the record at absolute position `pos`, if retained.
    pub fn arrival_at(&self, pos: u64) -> Option<SimTime> {
        self.log.as_slice().get(self.cohort_holding(pos)).map(|c| c.arrival_of(pos))
    }

    /// Removes the records older than `retention` (a coarse bucket in
    /// part, its records taken as spread evenly over its time), returning
    /// the expired position range `[start, end)` if any.
    pub fn expire(&mut self, now: SimTime, retention: SimTime) -> Option<(u64, u64)> {
        let cutoff = now.checked_sub(retention)?;
        let start = self.trimmed;
        self.trimmed += self.log.expire_before(cutoff);
        if self.log.len() == 0 {
            self.tail_open_until = 0;
        }
        (self.trimmed > start).then_some((start, self.trimmed))
    }

    /// Merges cohorts into minute buckets once every reader has passed
    /// them or they are older than [`FINE_GRAINED_MS`], and those into hour
    /// and day buckets as they age, so memory grows with neither API calls
    /// nor retention. Recent cohorts stay fine grained, keeping iterator
    /// age exact to the batch near the tip.
    pub fn coalesce(&mut self, now: SimTime, read_by_all: u64) {
        let ready = |c: &Cohort| c.end() <= read_by_all || c.last_ms() + FINE_GRAINED_MS <= now;
        // Readiness only grows along the log: a ready tail is coalesced
        // with everything before it, and closes.
        if self.log.as_slice().last().is_some_and(ready) {
            self.close_tail();
        }
        self.log.coalesce(now, ready);
        if self.log.coalesced() == self.log.len() {
            self.tail_open_until = 0;
        }
    }

    /// Bytes retained that arrived before `cutoff` (cohorts are in arrival
    /// order, so this stops at the first younger one; the cohort straddling
    /// `cutoff` counts in part, as expiry takes it).
    pub fn bytes_older_than(&self, cutoff: SimTime) -> u64 {
        self.log
            .as_slice()
            .iter()
            .take_while(|c| c.first_ms < cutoff)
            .map(|c| c.bytes_of_first(c.records_before(cutoff)))
            .sum()
    }

    /// Cohorts retained in the log (for memory accounting and tests).
    pub fn log_len(&self) -> usize {
        self.log.len()
    }

    /// Memory of the shard's log, in bytes (see [`crate::memory`]).
    pub fn log_bytes(&self) -> u64 {
        memory::buffer::<Cohort>(self.log.buf.capacity())
    }

    /// Whether the shard still takes writes.
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    /// Whether a reader at `read` has consumed everything this closed shard
    /// will ever hold.
    pub fn drained_at(&self, read: u64) -> bool {
        !self.is_open() && read >= self.appended
    }

    /// Write utilisation of the last closed second, 0 to 1+ (the larger of
    /// the bytes and records limits).
    pub fn write_utilisation(&self) -> f64 {
        let s = &self.last_second;
        // Refused records are counted as user records; scale them to
        // Kinesis records as the accepted ones were packed.
        let packing =
            if s.in_records > 0 { s.in_kinesis_records as f64 / s.in_records as f64 } else { 1.0 };
        let attempted_records = s.in_kinesis_records as f64 + s.throttled as f64 * packing;
        let attempted_bytes = (s.in_bytes + s.throttled_bytes) as f64;
        (attempted_records / SHARD_WRITE_RECORDS_PER_S)
            .max(attempted_bytes / SHARD_WRITE_BYTES_PER_S)
    }

    /// Read utilisation of the last closed second, 0 to 1+.
    pub fn read_utilisation(&self) -> f64 {
        self.last_second.out_bytes as f64 / SHARD_READ_BYTES_PER_S
    }

    /// Closes the current second: its counters become `last_second` and,
    /// when `measured` (past the warm-up), join the totals.
    pub(crate) fn close_second(&mut self, measured: bool) {
        let (records, bytes, out) = self.second_start;
        let (throttled, throttled_bytes) = std::mem::take(&mut self.throttled);
        let in_records = self.appended - records;
        self.last_second = ShardSecond {
            in_records,
            in_kinesis_records: in_records - std::mem::take(&mut self.packed_away),
            in_bytes: self.appended_bytes - bytes,
            throttled,
            throttled_bytes,
            out_bytes: self.read_out - out,
        };
        self.second_start = (self.appended, self.appended_bytes, self.read_out);
        if measured {
            self.totals.absorb(&self.last_second);
        }
    }
}

/// Whole-run per-shard figures: totals and the busiest second (the
/// enhanced shard-level metrics of aws-facts 1.8, summarised).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShardTotals {
    /// Sums over the run.
    pub sum: ShardSecond,
    /// The largest value of each counter in any one second.
    pub max: ShardSecond,
    /// Seconds recorded.
    pub seconds: u64,
}

impl ShardTotals {
    fn absorb(&mut self, s: &ShardSecond) {
        let (sum, max) = (&mut self.sum, &mut self.max);
        sum.in_records += s.in_records;
        sum.in_kinesis_records += s.in_kinesis_records;
        sum.in_bytes += s.in_bytes;
        sum.throttled += s.throttled;
        sum.throttled_bytes += s.throttled_bytes;
        sum.out_bytes += s.out_bytes;
        max.in_records = max.in_records.max(s.in_records);
        max.in_kinesis_records = max.in_kinesis_records.max(s.in_kinesis_records);
        max.in_bytes = max.in_bytes.max(s.in_bytes);
        max.throttled = max.throttled.max(s.throttled);
        max.throttled_bytes = max.throttled_bytes.max(s.throttled_bytes);
        max.out_bytes = max.out_bytes.max(s.out_bytes);
        self.seconds += 1;
    }
}

/// A stream's runtime state.
#[derive(Clone, Debug)]
pub struct Stream {
    /// Every shard the stream has had, open or closed, numbered in creation
    /// order (a shard's index is its id).
    pub shards: Vec<Shard>,
    /// Indices of the open shards, sorted by hash range; together they cover
    /// the whole hash-key space exactly once.
    pub open: Vec<usize>,
    /// Retention period.
    pub retention: SimTime,
    /// Consumer slots reading this stream, in node order.
    pub readers: Vec<usize>,
    /// How many of them read by enhanced fan-out (billed per shard-hour).
    pub efo_readers: usize,
    /// Records that expired before every reader had read them.
    pub expired: u64,
    /// Times of recent UpdateShardCount calls (rolling 24-hour limit).
    pub(crate) shard_count_updates: VecDeque<SimTime>,
    /// Automatic scaling, for a stream in on-demand mode.
    pub on_demand: Option<OnDemand>,
    /// Bytes stored beyond 24 hours and up to 7 days, and beyond 7 days,
    /// refreshed every simulated minute (what retention is billed on).
    pub aged_bytes: AgedBytes,
}

/// Stored bytes by age, for the retention charges (aws-facts 2.1, 2.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AgedBytes {
    /// Older than 24 hours, up to 7 days.
    pub extended: u64,
    /// Older than 7 days.
    pub long_term: u64,
}

/// aws-facts 1.4: a new on-demand stream can write 4 MiB/s (4 shards).
pub const ON_DEMAND_INITIAL_SHARDS: u32 = 4;
/// aws-facts 1.4: on-demand splits a shard whose traffic exceeds 500 KB/s.
pub const ON_DEMAND_SPLIT_BYTES_PER_S: u64 = 500 * 1024;
/// aws-facts 1.4 (current, us-east-1): an on-demand stream writes at most
/// 10 GB/s ("10 GiB/s" in the On-demand Advantage text; the KDS docs' "MB"
/// is binary, 1.1): 10,240 shards of 1 MiB/s.
pub const ON_DEMAND_MAX_SHARDS: usize = 10 * 1024;

/// On-demand scaling state: which shards have run hot, and since when.
#[derive(Clone, Debug, PartialEq)]
pub struct OnDemand {
    /// How long a shard must run hot before it is split.
    pub scale_up_delay: SimTime,
    /// Per shard index: attempted write bytes in the current minute.
    minute_bytes: Vec<u64>,
    /// Per shard index: since when the shard's minute average exceeded
    /// 500 KB/s without a break.
    hot_since: Vec<Option<SimTime>>,
    /// Per shard index: a hot shard that splitting cannot help (its
    /// records carry one partition key, or the stream is at its maximum).
    declined: Vec<bool>,
}

impl OnDemand {
    fn new(scale_up_delay_s: u64) -> Self {
        OnDemand {
            scale_up_delay: scale_up_delay_s * SECOND,
            minute_bytes: Vec::new(),
            hot_since: Vec::new(),
            declined: Vec::new(),
        }
    }
}

/// A hot shard on-demand scaling splits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaleOut {
    /// The shard.
    pub shard: usize,
    /// Children with even hash ranges: the fewest (a power of two, as that
    /// many rounds of even SplitShard give) that bring each one's share of
    /// the shard's attempted writes to 500 KB/s or less.
    pub pieces: u32,
    /// The shard's attempted writes in the last minute, per second.
    pub bytes_per_s: u64,
}

impl Stream {
    /// A new stream as described by `spec`.
    pub fn new(spec: &StreamSpec) -> Self {
        let (shards, on_demand) = match spec.capacity {
            Capacity::Provisioned { shards } => (shards, None),
            // aws-facts 1.4: warm throughput is write capacity from the start.
            Capacity::OnDemand { scale_up_delay_s, warm_throughput_mib_s } => (
                warm_throughput_mib_s.unwrap_or(0).max(ON_DEMAND_INITIAL_SHARDS),
                Some(OnDemand::new(scale_up_delay_s)),
            ),
        };
        let shards: Vec<Shard> =
            even_ranges(shards).into_iter().map(|r| Shard::new(r, Vec::new())).collect();
        Stream {
            open: (0..shards.len()).collect(),
            shards,
            retention: SimTime::from(spec.retention_h) * HOUR,
            readers: Vec::new(),
            efo_readers: 0,
            expired: 0,
            shard_count_updates: VecDeque::new(),
            on_demand,
            aged_bytes: AgedBytes::default(),
        }
    }

    /// Whether this stream keeps data longer than the included 24 hours.
    pub fn has_extended_retention(&self) -> bool {
        self.retention > DAY
    }

    /// Recomputes [`Stream::aged_bytes`] (once a simulated minute is enough:
    /// retention is billed per GB-month).
    pub fn update_aged_bytes(&mut self, now: SimTime) {
        if !self.has_extended_retention() {
            return;
        }
        let older = |age: SimTime| -> u64 {
            match now.checked_sub(age) {
                Some(cutoff) => self.shards.iter().map(|s| s.bytes_older_than(cutoff)).sum(),
                None => 0,
            }
        };
        let (day, week) = (older(DAY), older(7 * DAY));
        self.aged_bytes = AgedBytes { extended: day - week, long_term: week };
    }

    /// On-demand scaling, once a simulated second after the second's
    /// counters closed (aws-facts 1.4; the exact algorithm is not documented,
    /// this is the simulator's reading, MODEL.md): a shard whose attempted
    /// writes (accepted and throttled, retries included, as AWS sees every
    /// request) averaged more than 500 KB/s over whole minutes for
    /// `scale_up_delay` is split at once into enough even children that
    /// each one's share of the last minute's rate is at most 500 KB/s. So
    /// capacity reaches double a new sustained peak in one round, and a
    /// jump of any size throttles for about one delay, not one per doubling.
    pub fn on_demand_splits(&mut self, now: SimTime) -> Vec<ScaleOut> {
        let Some(od) = self.on_demand.as_mut() else { return Vec::new() };
        od.minute_bytes.resize(self.shards.len(), 0);
        od.hot_since.resize(self.shards.len(), None);
        od.declined.resize(self.shards.len(), false);
        for &i in &self.open {
            let s = &self.shards[i].last_second;
            od.minute_bytes[i] += s.in_bytes + s.throttled_bytes;
        }
        if !now.is_multiple_of(MINUTE) {
            return Vec::new();
        }
        let mut due = Vec::new();
        for &i in &self.open {
            let per_s = std::mem::take(&mut od.minute_bytes[i]) / (MINUTE / SECOND);
            if per_s > ON_DEMAND_SPLIT_BYTES_PER_S {
                let since = *od.hot_since[i].get_or_insert(now - MINUTE);
                if now - since >= od.scale_up_delay && !od.declined[i] {
                    let needed = per_s.div_ceil(ON_DEMAND_SPLIT_BYTES_PER_S);
                    let pieces = needed.min(ON_DEMAND_MAX_SHARDS as u64).next_power_of_two();
                    due.push(ScaleOut { shard: i, pieces: pieces as u32, bytes_per_s: per_s });
                }
            } else {
                od.hot_since[i] = None;
            }
        }
        due
    }

    /// Marks a hot shard that splitting cannot help, so scaling leaves it.
    pub(crate) fn decline_split(&mut self, shard: usize) {
        if let Some(od) = self.on_demand.as_mut() {
            od.declined.resize(self.shards.len(), false);
            od.declined[shard] = true;
        }
    }

    /// The bytes per second the open shards accept (1 MiB/s each, aws-facts 1.1).
    pub fn write_capacity_bytes_per_s(&self) -> u64 {
        self.open.len() as u64 * SHARD_WRITE_BYTES_PER_S as u64
    }

    /// Whether AWS manages this stream's shards (on-demand mode).
    pub fn is_on_demand(&self) -> bool {
        self.on_demand.is_some()
    }

    /// The hash ranges of the open shards, in order.
    pub fn open_ranges(&self) -> Vec<HashRange> {
        self.open.iter().map(|&i| self.shards[i].range).collect()
    }

    /// The open shards, in hash order.
    pub fn open_shards(&self) -> impl Iterator<Item = &Shard> {
        self.open.iter().map(|&i| &self.shards[i])
    }
}

/// Memory accounting (see [`crate::memory`]).
impl Stream {
    /// Memory of the shard logs, in bytes.
    pub fn log_bytes(&self) -> u64 {
        self.shards.iter().map(Shard::log_bytes).sum()
    }

    /// Memory the stream holds beyond its own struct, logs included.
    pub fn heap_bytes(&self) -> u64 {
        let on_demand = self.on_demand.as_ref().map_or(0, |od| {
            memory::buffer::<u64>(od.minute_bytes.capacity())
                + memory::buffer::<Option<SimTime>>(od.hot_since.capacity())
        });
        memory::buffer::<Shard>(self.shards.capacity())
            + self.shards.iter().map(|s| memory::buffer::<usize>(s.parents.capacity())).sum::<u64>()
            + self.log_bytes()
            + memory::buffer::<usize>(self.open.capacity() + self.readers.capacity())
            + memory::buffer::<SimTime>(self.shard_count_updates.capacity())
            + on_demand
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::even_ranges;

    fn shard() -> Shard {
        Shard::new(even_ranges(1)[0], Vec::new())
    }

    #[test]
    fn write_limit_is_1000_records_per_second() {
        // aws-facts 1.1: 1,000 records/s per shard; the bucket is one second deep.
        let mut s = shard();
        let out = s.put(0, 1_500, 100, 1);
        assert_eq!(out, PutOutcome { accepted: 1_000, throttled: 500 });
        // Half a second later, half the capacity has refilled.
        assert_eq!(s.put(500, 1_000, 100, 1).accepted, 500);
    }

    #[test]
    fn aggregated_records_count_once_against_the_records_limit() {
        // aws-facts 1.1: 1,000 records/s counts Kinesis records; with 10 user
        // records per aggregated record, 10,000 user records fit (bytes allowing).
        let mut s = shard();
        assert_eq!(s.put(0, 12_000, 50, 10).accepted, 10_000);
    }

    #[test]
    fn write_limit_is_1_mib_per_second_including_keys() {
        // aws-facts 1.1: 1 MiB/s per shard, partition keys included.
        let mut s = shard();
        // 100 records of 10,240 data + 246 key bytes: 10,486 bytes each.
        let out = s.put(0, 200, 10_486, 1);
        assert_eq!(out.accepted, 1_048_576 / 10_486);
    }

    #[test]
    fn reads_are_limited_to_five_calls_per_second() {
        // aws-facts 1.1: 5 GetRecords calls per second per shard.
        let mut s = shard();
        s.put(0, 10, 100, 1);
        let ok = (0..6).filter(|_| s.get_records(0, 0, 10_000).is_some()).count();
        assert_eq!(ok, 5);
        assert!(s.get_records(200, 0, 10_000).is_some());
    }

    #[test]
    fn a_10_mib_read_blocks_the_shard_for_5_seconds() {
        // aws-facts 1.1: after a 10 MiB GetRecords, calls in the next 5 s fail.
        let mut s = shard();
        for t in 0..11 {
            assert_eq!(s.put(t * 1_000, 1, 1_048_576, 1).accepted, 1);
        }
        let out = s.get_records(11_000, 0, 10_000);
        assert!(matches!(out, Some(ReadBatch { records: 10, bytes: GET_RECORDS_MAX_BYTES, .. })));
        // By 15.5 s the 2 MiB/s bucket has paid back the 10 MiB, but the penalty holds.
        assert!(s.get_records(15_500, 10, 10_000).is_none());
        assert!(s.get_records(16_000, 10, 10_000).is_some());
    }

    #[test]
    fn get_records_returns_at_most_the_limit_and_reports_ages() {
        let mut s = shard();
        s.put(0, 300, 10, 1);
        s.get_records(100, 0, 0); // a read between the writes keeps them apart
        s.put(400, 300, 10, 1);
        let out = s.get_records(1_000, 0, 400);
        assert_eq!(
            out,
            Some(ReadBatch {
                from: 0,
                records: 400,
                bytes: 4_000,
                key_bytes: 0,
                first_arrival: Some(0),
                last_arrival: Some(400),
                next_arrival: Some(400),
                // 300 records born at 0 ms and 100 at 400 ms.
                born_ms: 100,
            })
        );
    }

    #[test]
    fn unread_writes_share_a_cohort_within_a_second() {
        let mut s = shard();
        s.put(100, 10, 10, 1);
        s.put(200, 10, 10, 1);
        s.put(300, 10, 10, 1);
        assert_eq!(s.log_len(), 1, "no read in between: one cohort");
        // Reading to the tip sees the last write's time; inside, interpolated.
        assert_eq!(s.arrival_at(29), Some(300));
        assert_eq!(s.arrival_at(0), Some(100));
        assert_eq!(s.arrival_at(15), Some(203)); // 15/29 of the way from 100 to 300
        let out = s.get_records(400, 0, 10_000);
        assert!(matches!(out, Some(ReadBatch { records: 30, last_arrival: Some(300), .. })));
        s.put(500, 10, 10, 1);
        assert_eq!(s.log_len(), 2, "a read starts a new cohort");
        s.put(1_000, 10, 10, 1);
        assert_eq!(s.log_len(), 3, "so does a new second");
    }

    #[test]
    fn a_shards_hot_fields_fill_its_first_three_cache_lines() {
        use std::mem::{align_of, offset_of, size_of};
        assert_eq!(align_of::<Shard>(), 64);
        assert_eq!(size_of::<Tokens>(), 16);
        // Line 1: the four limits. Line 2: what every write touches besides.
        // Line 3: the rest of a read, and throttling.
        assert_eq!(offset_of!(Shard, read_bytes) + size_of::<Tokens>(), 64);
        assert!(offset_of!(Shard, log) >= 64);
        assert!(offset_of!(Shard, tail_open_until) + size_of::<SimTime>() <= 128);
        assert!(offset_of!(Shard, penalty_until) >= 128);
        assert!(offset_of!(Shard, second_start) + size_of::<(u64, u64, u64)>() <= 192);
        assert!(size_of::<crate::kinds::ShardReader>() <= 64, "a reader is one line");
        assert_eq!(size_of::<Cohort>(), 48, "a year of the largest stream's log fits the browser");
    }

    #[test]
    fn a_reader_hands_on_the_data_without_the_partition_keys() {
        // aws-facts 1.1: the write limit counts data and keys; what a reader
        // passes on is the data. Two writers' key lengths blend by count.
        let mut s = shard();
        let size = |data: u64, key: u64| RecordSize { bytes: data + key, key_bytes: key };
        s.put_at_most(0, 300, 300, size(100, 16), 1, 0);
        s.put_at_most(10, 100, 100, size(100, 256), 1, 0);
        let whole = s.read_from(0, 400, u64::MAX);
        assert_eq!((whole.records, whole.bytes), (400, 300 * 116 + 100 * 356));
        assert_eq!(whole.key_bytes, 300 * 16 + 100 * 256);
        // Part of a cohort: keys in proportion.
        let part = s.read_from(0, 40, u64::MAX);
        assert_eq!(part.key_bytes, 40 * (300 * 16 + 100 * 256) / 400);
    }

    #[test]
    fn the_log_drops_expired_cohorts_in_batches_and_stays_in_order() {
        let cohort = |i: u64| Cohort::new((i, 1), (1, 0), (i, i), i);
        let mut log = CohortLog::default();
        for i in 0..200 {
            log.push(cohort(i));
        }
        for _ in 0..150 {
            log.pop_front();
        }
        assert!(log.head < CohortLog::SLACK, "expired cohorts are dropped, not kept");
        assert_eq!(log.len(), 50);
        assert!(log.as_slice().iter().zip(150..).all(|(c, i)| c.start == i));
        log.remove(10..20);
        assert_eq!(log.as_slice()[10].start, 170);
        for _ in 0..40 {
            log.pop_front();
        }
        assert_eq!((log.len(), log.buf.len()), (0, 0));
    }

    #[test]
    fn expiry_trims_cohorts_older_than_retention() {
        // aws-facts 1.3: records older than the retention period are inaccessible.
        let mut s = shard();
        s.put(0, 10, 10, 1);
        s.put(2_000, 10, 10, 1);
        assert_eq!(s.expire(1_500, 1_000), Some((0, 10)));
        assert_eq!(s.trimmed, 10);
        assert_eq!(s.expire(1_600, 1_000), None);
    }

    #[test]
    fn old_unread_cohorts_are_coalesced_too() {
        let mut s = shard();
        for t in 0..3_000 {
            s.put(t * 100, 1, 10, 1);
        }
        s.coalesce(300_000, 0);
        // Unread writes share a cohort per second; at 300 s only the very
        // first is five minutes old.
        assert_eq!(s.log_len(), 300);
        s.coalesce(900_000, 0);
        assert_eq!(s.log_len(), 5, "one bucket per minute");
        assert!(matches!(
            s.get_records(900_000, 0, 10_000),
            Some(ReadBatch { records: 3_000, .. })
        ));
    }

    /// The log's cohorts are contiguous, in arrival order, and each lies
    /// within one window of the width its age allows.
    fn assert_well_formed(s: &Shard, now: SimTime) {
        let log = s.log.as_slice();
        assert_eq!(log.first().map_or(s.appended, |c| c.start), s.trimmed);
        assert_eq!(log.last().map_or(s.trimmed, |c| c.end()), s.appended);
        for pair in log.windows(2) {
            assert_eq!(pair[0].end(), pair[1].start, "contiguous");
            assert!(pair[0].last_ms() <= pair[1].first_ms, "in arrival order");
        }
        for c in log {
            let width = match now - c.last_ms() {
                age if age >= DAY => DAY,
                age if age >= HOUR => HOUR,
                age if age >= FINE_GRAINED_MS => MINUTE,
                _ => continue,
            };
            assert_eq!(c.first_ms / width, c.last_ms() / width, "{c:?} at {now}");
        }
    }

    #[test]
    fn a_year_of_retention_holds_a_few_hundred_cohorts_per_shard() {
        // aws-facts 1.3: retention up to 8,760 hours. Unread, one write a
        // minute for 400 days: minute buckets alone would be 525,600.
        let mut s = shard();
        let retention = 8_760 * HOUR;
        let mut longest = 0;
        for minute in 0..400 * 24 * 60 {
            let now = minute * MINUTE;
            s.put(now, 3, 10, 1);
            s.expire(now, retention);
            s.coalesce(now, 0);
            longest = longest.max(s.log_len());
        }
        let now = 400 * DAY - MINUTE;
        assert_well_formed(&s, now);
        // 5 fine cohorts, 55 minute, 23 hour and 366 day buckets at most.
        assert!(longest <= 5 + 55 + 23 + 366, "{longest} cohorts");
        // The writes of the last 365 days remain (the one at the cutoff
        // itself in part: a bucket's records are taken as evenly spread),
        // and nothing older.
        let kept = s.appended - s.trimmed;
        let writes = retention / MINUTE + 1;
        assert!((3 * writes - 3..=3 * writes).contains(&kept), "{kept}");
        let oldest = s.arrival_at(s.trimmed).unwrap();
        assert!((now - retention..now - retention + MINUTE).contains(&oldest), "{oldest}");
    }

    #[test]
    fn expiry_trims_a_coarse_bucket_in_part_and_on_time() {
        // aws-facts 1.3: a record older than the retention period is gone.
        // One 100-byte record a second, unread, for two hours: the first
        // hour is one hour bucket by then.
        let mut s = shard();
        for i in 0..7_200 {
            s.put(i * SECOND, 1, 100, 1);
            s.coalesce(i * SECOND, 0);
        }
        assert_eq!(s.log.ends, [0, 1, 56]);
        assert_eq!(s.log.as_slice()[0].count, 3_600);
        // Half an hour past the retention of the first record: the 1,800
        // written before the cutoff go, the bucket's other half stays.
        let retention = DAY;
        let now = retention + 1_800 * SECOND;
        assert_eq!(s.bytes_older_than(1_800 * SECOND), 180_000);
        assert_eq!(s.expire(now, retention), Some((0, 1_800)));
        let front = s.log.as_slice()[0];
        assert_eq!((front.start, front.count, front.bytes), (1_800, 1_800, 180_000));
        assert_eq!(front.first_ms, 1_800 * SECOND);
        assert_eq!(s.expire(now, retention), None, "nothing twice");
        // Reading from the start now begins at the first record kept.
        let read = s.get_records(now, 0, 10).unwrap();
        assert_eq!((read.from, read.records, read.last_arrival), (1_800, 10, Some(1_809_000)));
    }

    #[test]
    fn partial_expiry_keeps_counts_and_bytes_exact() {
        // Uneven bytes and a cutoff that falls between records: the split
        // is in whole records, and bytes add up to the bucket's.
        let mut c = Cohort::new((40, 7), (1_001, 0), (1_000, 7_000), 900);
        // Records arrive at 1,000, 2,000, ..., 7,000.
        assert_eq!(c.records_before(1_000), 0);
        assert_eq!(c.records_before(1_001), 1);
        assert_eq!(c.records_before(4_000), 3);
        assert_eq!(c.records_before(7_000), 6);
        assert_eq!(c.records_before(7_001), 7);
        let gone = c.bytes_of_first(3);
        c.drop_first(3);
        assert_eq!((c.start, c.count, c.first_ms, c.bytes + gone), (43, 4, 4_000, 1_001));
        assert_eq!(c.records_before(4_000), 0);
    }

    #[test]
    fn coalescing_keeps_counts_and_positions() {
        let mut s = shard();
        for t in 0..100 {
            s.put(t * 100, 5, 10, 1);
        }
        s.coalesce(10_000, 300);
        assert!(s.log_len() < 100);
        assert_eq!(s.log.as_slice().iter().map(|c| c.count).sum::<u64>(), 500);
        let out = s.get_records(20_000, 300, 1_000);
        assert!(matches!(out, Some(ReadBatch { records: 200, .. })));
    }
}
