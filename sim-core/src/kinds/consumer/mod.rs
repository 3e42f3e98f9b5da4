//! A stream consumer: one reader per shard, either polling with GetRecords
//! (shared throughput) or receiving pushes over enhanced fan-out. Each
//! reader reads a batch, processes it, then reads again.

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub(crate) mod reads;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;

use crate::bucket::{Rate, Tokens};
use crate::metrics::Latencies;
use crate::rng::NodeRng;
use crate::scenario::{ConsumerSpec, NodeIndex, ReadMode, StartPosition};
use crate::time::SimTime;

/// aws-facts 1.5: an enhanced fan-out consumer gets 2 MiB/s per shard.
pub const EFO_BYTES_PER_S: f64 = 2_097_152.0;
/// [`EFO_BYTES_PER_S`] as a token bucket, one second deep.
pub const PUSH_BYTES: Rate = Rate::whole_per_second(EFO_BYTES_PER_S as i64);
/// aws-facts 1.5: enhanced fan-out propagation is typically about 70 ms.
pub const EFO_PROPAGATION_MS: SimTime = 70;

/// What a consumer hands its output for a processed batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Forward {
    /// Records.
    pub records: u64,
    /// Their data.
    pub bytes: u64,
    /// Their partition keys, if they are written to a stream.
    pub key_bytes: u64,
}

/// Where a shard's reader is in its cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReaderState {
    /// Waiting for the shard's parents to be read to their end (aws-facts
    /// 1.6: read parents before children).
    #[default]
    Waiting,
    /// An event for this reader is pending (a poll, a push or the end of
    /// processing).
    Busy,
    /// Enhanced fan-out only: caught up, woken by the next write.
    Idle,
    /// The shard is closed and everything in it was read.
    Finished,
}

/// One shard's reader inside a consumer: 64 bytes, aligned so that each
/// sits on one cache line (polls visit readers in no useful order).
#[derive(Clone, Debug, PartialEq)]
#[repr(align(64))]
pub struct ShardReader {
    /// Next position to read; positions before it were read or skipped.
    pub read: u64,
    /// Records of the last batch read, until the engine books them as
    /// processed (they are processed from `done_at` on).
    pub in_processing: u64,
    /// Data bytes of those records (what they hand on).
    pub in_processing_bytes: u64,
    /// Their partition keys' bytes, which go with them if they are
    /// forwarded to a stream. A read holds at most 10 MB, a push a few
    /// seconds of 2 MiB/s: 32 bits keep the reader on one cache line.
    pub in_processing_keys: u32,
    /// When the batch in processing is done.
    pub done_at: SimTime,
    /// Records read and still held by a Lambda event source's poller
    /// (buffered or in an invocation), not yet processed or given up.
    pub held: u64,
    /// Where the reader is in its cycle.
    pub state: ReaderState,
    /// Held back because no live worker holds its lease (KCL): it reads
    /// nothing until a worker takes the lease.
    pub paused: bool,
    /// Enhanced fan-out's per-consumer, per-shard throughput ([`PUSH_BYTES`]).
    pub push_bytes: Tokens,
}

impl ShardReader {
    /// A reader starting at `read`.
    pub fn new(read: u64) -> Self {
        ShardReader {
            read,
            in_processing: 0,
            in_processing_bytes: 0,
            in_processing_keys: 0,
            done_at: 0,
            held: 0,
            state: ReaderState::Waiting,
            paused: false,
            push_bytes: Tokens::full(&PUSH_BYTES),
        }
    }

    /// Records processed, given up or skipped by expiry at `now`: the
    /// reader's "done" count.
    pub fn done(&self, now: SimTime) -> u64 {
        let processing = if now >= self.done_at { 0 } else { self.in_processing };
        self.read - self.held - processing
    }
}

/// Where a reader's processed records go next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Output {
    /// Node index of the receiving stream or delivery stream.
    pub node: NodeIndex,
    /// Records sent per record processed.
    pub ratio: f64,
    /// Size of a record sent relative to the record processed.
    pub size_ratio: f64,
}

/// Which metrics of its node a set of readers updates (indices into the
/// node's metric table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReaderMetrics {
    /// Records processed.
    pub processed: usize,
    /// How far reads are behind the tip of the shard.
    pub behind_latest: usize,
    /// The simulator's age of the oldest record not read yet.
    pub oldest_unread: usize,
}

/// aws-facts 3.2: a delivery stream reads each shard with GetRecords once
/// per second, from LATEST, as a shared-throughput consumer; it hands what
/// it reads straight to its buffer.
pub fn firehose_reader_spec() -> ConsumerSpec {
    ConsumerSpec {
        poll_interval_ms: 1_000,
        max_records_per_call: 10_000,
        start: StartPosition::Latest,
        overhead_ms: 0.0,
        per_record_us: 0.0,
        jitter: 0.0,
        read_mode: ReadMode::Shared,
        forward: Default::default(),
    }
}

/// A consumer's runtime state: a polling or enhanced fan-out consumer, or
/// the readers of a delivery stream that reads a stream.
#[derive(Clone, Debug)]
pub struct Consumer {
    /// Parameters.
    pub spec: ConsumerSpec,
    /// Index of the stream it reads.
    pub source: usize,
    /// One reader per shard of the source, by shard index.
    pub readers: Vec<ShardReader>,
    /// Records whose processing finished.
    pub processed: u64,
    /// Records the stream expired before this consumer read them.
    pub missed: u64,
    /// Where processed records go next, if anywhere.
    pub output: Option<Output>,
    /// Fraction of a record carried between hand-offs at a ratio.
    pub carry: f64,
    /// The node metrics its readers update.
    pub metrics: ReaderMetrics,
    /// The KCL application slot whose record processors these readers
    /// are, if any.
    pub kcl: Option<usize>,
    /// The Lambda function slot whose stream event source these readers
    /// are, if any (aws-facts 5.1).
    pub lambda: Option<usize>,
    /// The Flink application slot whose source these readers are, if any
    /// (aws-facts-more 4.5).
    pub flink: Option<usize>,
    /// Per shard, when the records of the batch in processing were born at
    /// their producer, on average: cold, so beside the readers (each one
    /// cache line), not in them.
    pub in_processing_born: Vec<SimTime>,
    /// Latency of the records read: from their arrival at the stream (and
    /// from their birth at a producer) to the read that returned them
    /// (MODEL.md, Latency).
    pub latency: Latencies,
}

impl Consumer {
    /// A consumer of stream `source`, whose shards hold `appended` records
    /// each when it starts.
    pub fn new(spec: ConsumerSpec, source: usize, appended: &[u64]) -> Self {
        let readers = appended
            .iter()
            .map(|&a| ShardReader::new(if spec.start == StartPosition::Latest { a } else { 0 }))
            .collect();
        Consumer {
            spec,
            source,
            in_processing_born: vec![0; appended.len()],
            readers,
            processed: 0,
            missed: 0,
            output: None,
            carry: 0.0,
            metrics: ReaderMetrics {
                processed: crate::metrics::consumer::RECORDS_PROCESSED,
                behind_latest: crate::metrics::consumer::MILLIS_BEHIND_LATEST,
                oldest_unread: crate::metrics::consumer::OLDEST_UNREAD_AGE,
            },
            kcl: None,
            lambda: None,
            flink: None,
            latency: Latencies::default(),
        }
    }

    /// The readers of delivery stream node `firehose`, reading stream
    /// `source` (aws-facts 3.2).
    pub fn for_firehose(source: usize, appended: &[u64], firehose: NodeIndex) -> Self {
        Consumer {
            output: Some(Output { node: firehose, ratio: 1.0, size_ratio: 1.0 }),
            metrics: ReaderMetrics {
                processed: crate::metrics::firehose::READ_FROM_STREAM_RECORDS,
                behind_latest: crate::metrics::firehose::KINESIS_MILLIS_BEHIND_LATEST,
                oldest_unread: crate::metrics::firehose::OLDEST_UNREAD_AGE,
            },
            ..Consumer::new(firehose_reader_spec(), source, appended)
        }
    }

    /// Splits `records` processed records of `bytes` of data and `keys` of
    /// partition keys into what goes to the output: `ratio` records per
    /// record (fractions carried to the next batch), each `size_ratio`
    /// times the size and with a key of the mean length read.
    pub fn forwarded(&mut self, out: Output, records: u64, (bytes, keys): (u64, u64)) -> Forward {
        let exact = records as f64 * out.ratio + self.carry;
        let sent = libm::floor(exact);
        self.carry = exact - sent;
        let per_record = bytes as f64 / records.max(1) as f64 * out.size_ratio;
        let key_per_record = keys as f64 / records.max(1) as f64;
        Forward {
            records: sent as u64,
            bytes: libm::round(per_record * sent) as u64,
            key_bytes: libm::round(key_per_record * sent) as u64,
        }
    }

    /// Memory beyond its own struct, in bytes (see [`crate::memory`]).
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::buffer::<ShardReader>(self.readers.capacity())
            + crate::memory::buffer::<SimTime>(self.in_processing_born.capacity())
    }

    /// Whether records reach this consumer by enhanced fan-out.
    pub fn is_efo(&self) -> bool {
        self.spec.read_mode == ReadMode::EnhancedFanOut
    }

    /// Time to process a batch of `n` records: overhead plus per-record
    /// time, with uniform jitter.
    pub fn processing_time(&self, n: u64, rng: &mut NodeRng) -> SimTime {
        let base = self.spec.overhead_ms + self.spec.per_record_us * n as f64 / 1_000.0;
        let j = self.spec.jitter;
        let factor = if j > 0.0 { rng.uniform(1.0 - j, 1.0 + j) } else { 1.0 };
        crate::rng::round_non_negative(base * factor)
    }
}
