//! A producer: generates records per batching interval, routes them to
//! shards and retries what the stream throttles.

use crate::rng::NodeRng;
use crate::scenario::{ProducerSpec, Traffic};
use crate::time::{SECOND, SimTime};

/// Records rejected by throttling, waiting for their next attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryBatch {
    /// Attempts already made.
    pub attempts: u32,
    /// `(shard index, records)` still to send.
    pub per_shard: Vec<(usize, u64)>,
}

impl RetryBatch {
    /// Records in the batch.
    pub fn records(&self) -> u64 {
        self.per_shard.iter().map(|&(_, n)| n).sum()
    }
}

/// A producer's runtime state.
#[derive(Clone, Debug)]
pub struct Producer {
    /// Parameters (the rate can change at runtime).
    pub spec: ProducerSpec,
    /// Index of the stream node it writes to.
    pub target: usize,
    /// Share of records each shard of the target receives.
    pub shares: Vec<f64>,
    /// Bytes per record counted against shard limits: data plus key.
    pub record_bytes: u64,
    /// When the last batch was cut.
    pub last_batch: SimTime,
    /// Fractional records carried between batches at a constant rate.
    carry: f64,
    /// Records generated so far.
    pub produced: u64,
    /// Records given up after the last attempt.
    pub given_up: u64,
    /// Records waiting for a retry.
    pub pending_retry: u64,
}

impl Producer {
    /// A producer writing to stream node `target` with the given shard shares.
    pub fn new(spec: ProducerSpec, target: usize, shares: Vec<f64>) -> Self {
        let record_bytes =
            spec.record_size.mean_bytes() as u64 + u64::from(spec.partition_key_bytes);
        Producer {
            spec,
            target,
            shares,
            record_bytes,
            last_batch: 0,
            carry: 0.0,
            produced: 0,
            given_up: 0,
            pending_retry: 0,
        }
    }

    /// Records generated between the last batch and `now`.
    pub fn generate(&mut self, now: SimTime, rng: &mut NodeRng) -> u64 {
        let dt = now.saturating_sub(self.last_batch);
        self.last_batch = now;
        let mean = self.spec.records_per_s * dt as f64 / SECOND as f64;
        let n = match self.spec.traffic {
            Traffic::Constant => {
                let exact = mean + self.carry;
                let n = exact.floor();
                self.carry = exact - n;
                n as u64
            }
            Traffic::Poisson => rng.poisson(mean),
        };
        self.produced += n;
        n
    }

    /// Delay before attempt number `attempts + 1`: exponential backoff with
    /// equal jitter (half fixed, half random), capped.
    pub fn backoff(&self, attempts: u32, rng: &mut NodeRng) -> SimTime {
        let r = &self.spec.retry;
        let exp = r.base_backoff_ms.saturating_mul(1u64 << attempts.saturating_sub(1).min(30));
        let cap = exp.min(r.max_backoff_ms).max(1);
        let half = cap as f64 / 2.0;
        (half + rng.uniform(0.0, half)).round().max(1.0) as SimTime
    }
}
