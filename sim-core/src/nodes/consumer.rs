//! A stream consumer: one reader per shard, either polling with GetRecords
//! (shared throughput) or receiving pushes over enhanced fan-out. Each
//! reader reads a batch, processes it, then reads again.

use crate::bucket::TokenBucket;
use crate::rng::NodeRng;
use crate::scenario::{ConsumerSpec, ReadMode, StartPosition};
use crate::time::SimTime;

/// aws-facts 1.5: an enhanced fan-out consumer gets 2 MiB/s per shard.
pub const EFO_BYTES_PER_S: f64 = 2_097_152.0;
/// aws-facts 1.5: enhanced fan-out propagation is typically about 70 ms.
pub const EFO_PROPAGATION_MS: SimTime = 70;
/// aws-facts 1.5: at most 20 enhanced fan-out consumers per stream.
pub const MAX_EFO_CONSUMERS: usize = 20;

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

/// One shard's reader inside a consumer.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardReader {
    /// Next position to read; positions before it were read or skipped.
    pub read: u64,
    /// Records of the last batch read, until the engine books them as
    /// processed (they are processed from `done_at` on).
    pub in_processing: u64,
    /// When the batch in processing is done.
    pub done_at: SimTime,
    /// Where the reader is in its cycle.
    pub state: ReaderState,
    /// Enhanced fan-out's per-consumer, per-shard throughput.
    pub push_bytes: TokenBucket,
}

impl ShardReader {
    /// A reader starting at `read`.
    pub fn new(read: u64) -> Self {
        ShardReader {
            read,
            in_processing: 0,
            done_at: 0,
            state: ReaderState::Waiting,
            push_bytes: TokenBucket::per_second(EFO_BYTES_PER_S),
        }
    }

    /// Records processed or skipped by expiry at `now`: the reader's "done" count.
    pub fn done(&self, now: SimTime) -> u64 {
        if now >= self.done_at { self.read } else { self.read - self.in_processing }
    }
}

/// A consumer's runtime state.
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
}

impl Consumer {
    /// A consumer of stream `source`, whose shards hold `appended` records
    /// each when it starts.
    pub fn new(spec: ConsumerSpec, source: usize, appended: &[u64]) -> Self {
        let readers = appended
            .iter()
            .map(|&a| ShardReader::new(if spec.start == StartPosition::Latest { a } else { 0 }))
            .collect();
        Consumer { spec, source, readers, processed: 0, missed: 0 }
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
        (base * factor).round().max(0.0) as SimTime
    }
}
