//! A Lambda function (aws-facts 5.3): concurrency within the account's pool
//! or its reserved share, the scaling rate of new execution environments,
//! and the duration, timeout and error model of one invocation. Its event
//! source mapping's pollers (aws-facts 5.2) live here too; the engine drives
//! them (`engine/lambda.rs`).

use crate::bucket::TokenBucket;
use crate::nodes::queue::ReceiptKey;
use crate::rng::NodeRng;
use crate::scenario::LambdaSpec;
use crate::time::{SECOND, SimTime};

/// aws-facts 5.3: each function adds at most 1,000 execution environments
/// every 10 seconds, refilled continuously.
pub const NEW_ENVIRONMENTS_PER_10_S: f64 = 1_000.0;
/// aws-facts 5.2: a queue event source starts with 5 concurrent batches.
pub const QUEUE_ESM_START_BATCHES: u32 = 5;
/// aws-facts 5.2 (current): it adds up to 300 concurrent batches a minute,
/// 5 a second here.
pub const QUEUE_ESM_ADDED_PER_S: u32 = 5;
/// aws-facts 5.2: at most 1,000 concurrent batches per queue event source.
pub const QUEUE_ESM_MAX_BATCHES: u32 = 1_000;
/// aws-facts 5.2: when the batching window plus the timeout exceed the
/// queue's visibility timeout, the effective timeout is their sum plus 30 s.
pub const VISIBILITY_MARGIN_S: u64 = 30;
/// Lambda long-polls a queue (aws-facts 5.2), 20 s at a time (aws-facts 4.1).
pub const ESM_WAIT_TIME_S: u64 = 20;

/// Where an event source mapping's poller is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PollerState {
    /// About to receive.
    #[default]
    Ready,
    /// Waiting in a long poll (nothing received yet) or filling a batch
    /// within the batching window (something received).
    Waiting,
    /// Its batch is being processed by an invocation.
    Invoking,
}

/// One concurrent batch of a queue event source mapping.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Poller {
    /// State.
    pub state: PollerState,
    /// Receipts of the batch being filled or processed.
    pub receipts: Vec<ReceiptKey>,
    /// Messages in the batch.
    pub messages: u64,
    /// When the batching window ends, if one is open.
    pub window_ends: Option<SimTime>,
    /// Generation of its waits: timeouts carrying an older token are stale.
    pub token: u32,
}

/// A stream event source's state for one shard (aws-facts 5.1).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShardEsm {
    /// Failed attempts at the batch starting at `blocked_at`.
    pub attempts: u32,
    /// Position of the batch that failed last, if one is being retried.
    pub blocked_at: Option<u64>,
    /// Positions of poison records found so far, in order.
    pub poison: std::collections::BTreeSet<u64>,
    /// Positions below this were checked for poison records.
    pub checked: u64,
    /// Invocations running for this shard.
    pub running: u32,
    /// Whether records were waiting behind the last batch.
    pub behind: bool,
    /// When records first waited for a batch that is not yet full, while
    /// the batching window is open (aws-facts 5.1).
    pub window_opened: Option<SimTime>,
}

/// aws-facts 5.1: Lambda polls each shard once per second.
pub const STREAM_POLL_MS: SimTime = 1_000;

/// What one invocation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// How long it ran (a timed-out run stops at the timeout), in ms.
    pub duration: SimTime,
    /// Whether it failed as a whole (error or timeout).
    pub failed: bool,
    /// Its length in microseconds, for the bill.
    pub billed_us: u64,
}

/// A Lambda function's runtime state.
#[derive(Clone, Debug)]
pub struct Function {
    /// Parameters.
    pub spec: LambdaSpec,
    /// Node index of its event source (a queue or a stream).
    pub source: usize,
    /// Node index of its on-failure destination (stream sources).
    pub on_failure: Option<usize>,
    /// Invocations running now.
    pub running: u32,
    /// Most invocations running at once in the current second.
    pub peak: u32,
    /// Execution environments created so far (kept warm).
    pub environments: u32,
    /// The scaling rate's bucket of new environments.
    pub scaling: TokenBucket,
    /// Queue sources: the mapping's concurrent batches.
    pub pollers: Vec<Poller>,
    /// Stream sources: per shard, retries and poison records.
    pub shards: Vec<ShardEsm>,
    /// Stream sources: records given up (after the retries or the maximum
    /// record age) and sent to the on-failure destination or dropped.
    pub discarded: u64,
}

impl Function {
    /// A function invoked by the event source at node `source`.
    pub fn new(spec: LambdaSpec, source: usize, on_failure: Option<usize>) -> Self {
        Function {
            spec,
            source,
            on_failure,
            running: 0,
            peak: 0,
            environments: 0,
            scaling: TokenBucket::with_capacity(
                NEW_ENVIRONMENTS_PER_10_S,
                NEW_ENVIRONMENTS_PER_10_S / 10.0,
            ),
            pollers: Vec::new(),
            shards: Vec::new(),
            discarded: 0,
        }
    }

    /// The stream event source's batch size (aws-facts 5.1: default 100).
    pub fn stream_batch(&self) -> u64 {
        u64::from(self.spec.event_source.batch_size.unwrap_or(100)).max(1)
    }

    /// Whether the stream event source holds off reading a shard with
    /// `waiting` unread records at `now`: aws-facts 5.1, a batch is released
    /// when it is full or when `MaximumBatchingWindowInSeconds` has passed
    /// since records began to wait. Opens the window on the first wait.
    pub fn holds_batch(&mut self, shard: usize, waiting: u64, now: SimTime) -> bool {
        let window = SimTime::from(self.spec.event_source.batching_window_s) * SECOND;
        let full = self.stream_batch();
        if self.shards.len() <= shard {
            self.shards.resize(shard + 1, ShardEsm::default());
        }
        let st = &mut self.shards[shard];
        if window == 0 || waiting == 0 || waiting >= full {
            st.window_opened = None;
            return false;
        }
        let opened = *st.window_opened.get_or_insert(now);
        if now - opened < window {
            return true;
        }
        st.window_opened = None;
        false
    }

    /// The shared-throughput reader spec of a stream event source: GetRecords
    /// on every shard once a second (aws-facts 5.1), enough records for
    /// `ParallelizationFactor` batches (at most 10,000 a call, aws-facts 1.1).
    pub fn stream_reader_spec(&self) -> crate::scenario::ConsumerSpec {
        let pf = u64::from(self.spec.event_source.parallelization_factor.max(1));
        crate::scenario::ConsumerSpec {
            poll_interval_ms: STREAM_POLL_MS,
            max_records_per_call: (self.stream_batch() * pf).min(10_000) as u32,
            start: self.spec.event_source.starting_position,
            overhead_ms: 0.0,
            per_record_us: 0.0,
            jitter: 0.0,
            read_mode: crate::scenario::ReadMode::Shared,
            forward: Default::default(),
        }
    }

    /// aws-facts 5.2: the most concurrent batches a queue event source
    /// runs: `MaximumConcurrency`, else 1,000.
    pub fn max_batches(&self) -> u32 {
        self.spec.event_source.maximum_concurrency.unwrap_or(QUEUE_ESM_MAX_BATCHES)
    }

    /// The visibility timeout of what the mapping receives (aws-facts 5.2):
    /// the queue's, or window + timeout + 30 s when those exceed it.
    pub fn visibility_ms(&self, queue_visibility_s: u32) -> SimTime {
        let window = u64::from(self.spec.event_source.batching_window_s);
        let timeout = u64::from(self.spec.timeout_s);
        let queue = u64::from(queue_visibility_s);
        let s =
            if window + timeout > queue { window + timeout + VISIBILITY_MARGIN_S } else { queue };
        s * SECOND
    }

    /// Starts an invocation if concurrency allows: within the reserved
    /// concurrency or the account's unreserved pool (`pool_free`), and,
    /// when it needs a new execution environment, within the scaling rate
    /// (aws-facts 5.3). `None` is a throttle.
    pub fn start(&mut self, now: SimTime, pool_free: u32) -> Option<()> {
        let cap_free = match self.spec.reserved_concurrency {
            Some(r) => r.saturating_sub(self.running),
            None => pool_free,
        };
        if cap_free == 0 {
            return None;
        }
        if self.running >= self.environments {
            if self.scaling.available(now) < 1.0 {
                return None;
            }
            self.scaling.take(now, 1.0);
            self.environments += 1;
        }
        self.running += 1;
        self.peak = self.peak.max(self.running);
        Some(())
    }

    /// Ends an invocation.
    pub fn end(&mut self) {
        self.running = self.running.saturating_sub(1);
    }

    /// Duration and outcome of an invocation of `records` records:
    /// overhead plus per-record time with uniform jitter, cut at the
    /// timeout (a timeout is a failure), and a transient error with
    /// probability `error_rate`.
    pub fn run(&self, records: u64, rng: &mut NodeRng) -> Invocation {
        let s = &self.spec;
        let base = s.overhead_ms + s.per_record_ms * records as f64;
        let factor = if s.jitter > 0.0 { rng.uniform(1.0 - s.jitter, 1.0 + s.jitter) } else { 1.0 };
        let exact_ms = base * factor;
        let ms = exact_ms.round().max(1.0) as SimTime;
        let timeout = SimTime::from(s.timeout_s) * SECOND;
        let errored = s.error_rate > 0.0 && rng.unit() < s.error_rate;
        // Billed on the run's own length, which the meter rounds up to the
        // next millisecond (aws-facts 2.5), not on the clock's rounding.
        let billed_us = libm::ceil(exact_ms.min(timeout as f64) * 1_000.0).max(1.0) as u64;
        Invocation { duration: ms.min(timeout), failed: errored || ms > timeout, billed_us }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_facts_5_3_a_function_adds_at_most_1000_environments_per_10_s() {
        let mut f = Function::new(LambdaSpec::default(), 0, None);
        let started = (0..1_500).filter(|_| f.start(0, u32::MAX).is_some()).count();
        assert_eq!(started, 1_000);
        // One second later, 100 more environments.
        let more = (0..500).filter(|_| f.start(1_000, u32::MAX).is_some()).count();
        assert_eq!(more, 100);
        // Ended invocations free warm environments, reused without the rate.
        for _ in 0..600 {
            f.end();
        }
        let reused = (0..700).filter(|_| f.start(1_000, u32::MAX).is_some()).count();
        assert_eq!(reused, 600);
    }

    #[test]
    fn aws_facts_5_3_reserved_concurrency_caps_the_function() {
        let spec = LambdaSpec { reserved_concurrency: Some(3), ..Default::default() };
        let mut f = Function::new(spec, 0, None);
        let started = (0..10).filter(|_| f.start(0, 1_000).is_some()).count();
        assert_eq!(started, 3);
    }

    #[test]
    fn aws_facts_5_2_effective_visibility_covers_window_plus_timeout() {
        let spec = LambdaSpec { timeout_s: 60, ..Default::default() };
        let f = Function::new(spec, 0, None);
        assert_eq!(f.visibility_ms(30), 90_000); // 0 + 60 + 30 s
        assert_eq!(f.visibility_ms(360), 360_000); // 6 x timeout, as advised
    }
}
