//! A shared-throughput polling consumer: one reader per shard that calls
//! GetRecords, processes the batch, then idles before the next call.

use crate::rng::NodeRng;
use crate::scenario::{ConsumerSpec, StartPosition};
use crate::time::SimTime;

/// One shard's reader inside a consumer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShardReader {
    /// Next position to read; positions before it were read or skipped.
    pub read: u64,
    /// Records read and still being processed.
    pub in_processing: u64,
}

impl ShardReader {
    /// Records processed or skipped by expiry: the reader's "done" count.
    pub fn done(&self) -> u64 {
        self.read - self.in_processing
    }
}

/// A consumer's runtime state.
#[derive(Clone, Debug)]
pub struct Consumer {
    /// Parameters.
    pub spec: ConsumerSpec,
    /// Index of the stream node it reads.
    pub source: usize,
    /// One reader per shard of the source.
    pub readers: Vec<ShardReader>,
    /// Records whose processing finished.
    pub processed: u64,
    /// Records the stream expired before this consumer read them.
    pub missed: u64,
}

impl Consumer {
    /// A consumer of stream node `source`, whose shards hold `appended`
    /// records each when it starts.
    pub fn new(spec: ConsumerSpec, source: usize, appended: &[u64]) -> Self {
        let readers = appended
            .iter()
            .map(|&a| ShardReader {
                read: if spec.start == StartPosition::Latest { a } else { 0 },
                in_processing: 0,
            })
            .collect();
        Consumer { spec, source, readers, processed: 0, missed: 0 }
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
