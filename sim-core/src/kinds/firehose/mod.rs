//! A Firehose delivery stream: Direct PUT quotas, the buffer that becomes an
//! object when it reaches its size or its interval, and the queue of objects
//! waiting for (or retrying) delivery. Records travel as [`Batch`]es.

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;

use std::collections::{BTreeMap, VecDeque};

use crate::bucket::TokenBucket;
pub use crate::kinds::batch::Batch;
use crate::metrics::Latencies;
use crate::scenario::FirehoseSpec;
use crate::time::SimTime;

/// aws-facts 3.2: Direct PUT takes 5 MiB/s per delivery stream (us-east-1).
pub const DIRECT_PUT_BYTES_PER_S: f64 = 5.0 * 1_048_576.0;
/// aws-facts 3.2: Direct PUT takes 2,000 requests/s per delivery stream.
pub const DIRECT_PUT_REQUESTS_PER_S: f64 = 2_000.0;
/// aws-facts 3.2: Direct PUT takes 500,000 records/s per delivery stream.
pub const DIRECT_PUT_RECORDS_PER_S: f64 = 500_000.0;
/// aws-facts 3.2: PutRecordBatch carries at most 500 records.
pub const PUT_RECORD_BATCH_MAX_RECORDS: u64 = 500;
/// aws-facts 3.2: PutRecordBatch carries at most 4 MiB.
pub const PUT_RECORD_BATCH_MAX_BYTES: u64 = 4 * 1_048_576;
/// aws-facts 3.3: S3 deliveries are retried for up to 24 hours.
pub const S3_RETRY_DURATION_MS: SimTime = 24 * crate::time::HOUR;

/// An object (a flushed buffer) on its way to the destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Object {
    /// Its records.
    pub batch: Batch,
    /// When the first delivery attempt failed, if one did (the retry
    /// duration counts from there).
    pub failing_since: Option<SimTime>,
}

/// A batch in the hands of the transformation function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The records sent to the function.
    pub batch: Batch,
    /// Invocations made so far.
    pub attempts: u32,
}

/// Object sizes seen, in power-of-two buckets: `bucket k` holds objects of
/// `2^k ..= 2^(k+1) - 1` bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SizeHistogram {
    counts: BTreeMap<u32, u64>,
}

impl SizeHistogram {
    /// Counts one object of `bytes`.
    pub fn record(&mut self, bytes: u64) {
        *self.counts.entry(63 - bytes.max(1).leading_zeros()).or_default() += 1;
    }

    /// `(smallest size of the bucket in bytes, objects)`, smallest first.
    pub fn buckets(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.counts.iter().map(|(&k, &n)| (1u64 << k, n))
    }
}

/// A delivery stream's runtime state.
#[derive(Clone, Debug)]
pub struct Firehose {
    /// Parameters.
    pub spec: FirehoseSpec,
    /// Destination slot.
    pub destination: usize,
    put_bytes: TokenBucket,
    put_requests: TokenBucket,
    put_records: TokenBucket,
    /// Records waiting for the buffer's size or interval.
    pub buffer: Batch,
    /// Bumped at every flush, so a stale interval timer does nothing.
    pub generation: u32,
    /// Flushed objects, oldest first; the front one is being delivered.
    pub outbox: VecDeque<Object>,
    /// Whether a delivery attempt of the front object is under way.
    pub delivering: bool,
    /// Whether it reads a Kinesis stream (otherwise it takes Direct PUT).
    pub reads_stream: bool,
    /// Records waiting for the transformation's buffer size or interval.
    pub transform_buffer: Batch,
    /// Bumped at every transformation invocation, so stale timers do nothing.
    pub transform_generation: u32,
    /// Invocations under way or being retried, by id.
    pub invocations: BTreeMap<u32, Invocation>,
    /// The next invocation's id.
    pub next_invocation: u32,
    /// Records accepted (Direct PUT or read from the stream).
    pub incoming: u64,
    /// Records the destination acknowledged.
    pub delivered: u64,
    /// Records written to the S3 backup after the retry duration.
    pub backed_up: u64,
    /// Records dropped after the retry duration without a backup.
    pub lost: u64,
    /// Records the transformation failed after its retries (error output).
    pub transform_failed: u64,
    /// Sizes of the objects delivered.
    pub object_sizes: SizeHistogram,
    /// Latency of the records delivered: from their arrival in the buffer
    /// to the destination's acknowledgement (MODEL.md, Latency).
    pub latency: Latencies,
}

/// What a Direct PUT attempt did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PutOutcome {
    /// Records accepted.
    pub accepted: u64,
    /// PutRecordBatch requests accepted.
    pub requests: u64,
}

impl Firehose {
    /// A delivery stream delivering to destination slot `destination`.
    pub fn new(spec: FirehoseSpec, destination: usize, reads_stream: bool) -> Self {
        Firehose {
            spec,
            destination,
            reads_stream,
            transform_buffer: Batch::default(),
            transform_generation: 0,
            invocations: BTreeMap::new(),
            next_invocation: 0,
            put_bytes: TokenBucket::per_second(DIRECT_PUT_BYTES_PER_S),
            put_requests: TokenBucket::per_second(DIRECT_PUT_REQUESTS_PER_S),
            put_records: TokenBucket::per_second(DIRECT_PUT_RECORDS_PER_S),
            buffer: Batch::default(),
            generation: 0,
            outbox: VecDeque::new(),
            delivering: false,
            incoming: 0,
            delivered: 0,
            backed_up: 0,
            lost: 0,
            transform_failed: 0,
            object_sizes: SizeHistogram::default(),
            latency: Latencies::default(),
        }
    }

    /// The buffer size hint in bytes.
    pub fn buffer_bytes(&self) -> u64 {
        u64::from(self.spec.buffer_size_mib) * 1_048_576
    }

    /// Records inside the delivery stream: being transformed, buffered or
    /// waiting for delivery.
    pub fn in_flight(&self) -> u64 {
        self.transform_buffer.records
            + self.invocations.values().map(|i| i.batch.records).sum::<u64>()
            + self.buffer.records
            + self.outbox.iter().map(|o| o.batch.records).sum::<u64>()
    }

    /// Arrival time of the oldest record not yet delivered.
    pub fn oldest(&self) -> Option<SimTime> {
        let queued = self.outbox.front().map(|o| o.batch.oldest_ms);
        let buffered = [&self.buffer, &self.transform_buffer]
            .into_iter()
            .filter(|b| !b.is_empty())
            .map(|b| b.oldest_ms);
        let transforming = self.invocations.values().map(|i| i.batch.oldest_ms);
        queued.into_iter().chain(buffered).chain(transforming).min()
    }

    /// A PutRecordBatch attempt of `records` records of `record_bytes` each
    /// in `requests` requests: accepts as many whole requests' worth as the
    /// three per-stream quotas allow (aws-facts 3.2); the rest is throttled
    /// (`ThrottledRecords`).
    pub fn put(
        &mut self,
        now: SimTime,
        records: u64,
        record_bytes: u64,
        requests: u64,
    ) -> PutOutcome {
        if records == 0 {
            return PutOutcome { accepted: 0, requests: 0 };
        }
        let per_request = records.div_ceil(requests.max(1));
        let by_records = self.put_records.available(now).max(0.0) as u64;
        let by_bytes = (self.put_bytes.available(now).max(0.0) / record_bytes.max(1) as f64) as u64;
        let by_requests = (self.put_requests.available(now).max(0.0) as u64) * per_request;
        let accepted = records.min(by_records).min(by_bytes).min(by_requests);
        let requests = accepted.div_ceil(per_request);
        if accepted > 0 {
            self.put_records.take(now, accepted as f64);
            self.put_bytes.take(now, (accepted * record_bytes) as f64);
            self.put_requests.take(now, requests as f64);
        }
        PutOutcome { accepted, requests }
    }

    /// PutRecordBatch requests needed for `records` records of
    /// `record_bytes` each: at most 500 records and 4 MiB per call
    /// (aws-facts 3.2), or less if the producer's own caps are lower.
    pub fn requests_for(records: u64, record_bytes: u64, max_records: u64, max_bytes: u64) -> u64 {
        let per_call = max_records.clamp(1, PUT_RECORD_BATCH_MAX_RECORDS);
        let bytes_cap = max_bytes.clamp(1, PUT_RECORD_BATCH_MAX_BYTES);
        let per_call_by_bytes = (bytes_cap / record_bytes.max(1)).max(1);
        records.div_ceil(per_call.min(per_call_by_bytes))
    }

    /// Adds accepted records to the buffer and cuts an object each time the
    /// buffer reaches its size (aws-facts 3.1: whichever of size and
    /// interval comes first). Returns whether a new buffer started, so the
    /// caller starts its interval timer.
    pub fn buffer_records(&mut self, now: SimTime, mut arriving: Batch) -> bool {
        let (was_empty, generation) = (self.buffer.is_empty(), self.generation);
        let size = self.buffer_bytes();
        while !arriving.is_empty() {
            let room = size.saturating_sub(self.buffer.bytes);
            let per_record = (arriving.bytes / arriving.records).max(1);
            // Records to reach the size hint; records are never split.
            let fill = room.div_ceil(per_record).max(1);
            if fill > arriving.records {
                let rest = arriving.take_front(arriving.records);
                self.buffer.absorb(rest.records, rest.bytes, now, rest.born_ms);
                break;
            }
            let part = arriving.take_front(fill);
            self.buffer.absorb(part.records, part.bytes, now, part.born_ms);
            self.flush();
        }
        !self.buffer.is_empty() && (was_empty || self.generation != generation)
    }

    /// Turns the buffer into an object queued for delivery.
    pub fn flush(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.buffer.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.buffer);
        self.outbox.push_back(Object { batch, failing_since: None });
    }
}

/// Memory accounting (see [`crate::memory`]).
impl Firehose {
    /// Memory beyond its own struct, in bytes: objects waiting for
    /// delivery, transformation invocations, the object-size histogram.
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::{btree, buffer};
        buffer::<Object>(self.outbox.capacity())
            + btree::<u32, Invocation>(self.invocations.len())
            + btree::<u32, u64>(self.object_sizes.counts.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_record_batch_caps_500_records_or_4_mib() {
        // aws-facts 3.2: 500 records or 4 MiB per PutRecordBatch.
        assert_eq!(Firehose::requests_for(1_000, 100, 500, u64::MAX), 2);
        assert_eq!(Firehose::requests_for(100, 1_048_576, 500, u64::MAX), 25);
        assert_eq!(Firehose::requests_for(10, 100, 1, u64::MAX), 10);
    }
}
