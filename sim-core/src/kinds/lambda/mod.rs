//! A Lambda function (aws-facts 5.3): concurrency within the account's pool
//! or its reserved share, the scaling rate of new execution environments,
//! and the duration, timeout and error model of one invocation. Its event
//! source mapping's state lives here too: a queue's pollers (aws-facts 5.2)
//! and a stream's per-shard buffers and concurrent batches (aws-facts 5.1);
//! the engine drives them (`kinds/lambda/engine.rs`, `kinds/lambda/stream_source.rs`).

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub mod spec;
mod stream_source;
pub(crate) mod validate;
pub(crate) mod view;

use std::collections::{BTreeSet, VecDeque};

use crate::bucket::TokenBucket;
use crate::kinds::batch::born_blend;
use crate::kinds::queue::ReceiptKey;
use crate::kinds::stream::Cohort;
use crate::metrics::Latencies;
use crate::rng::NodeRng;
use crate::scenario::{LambdaSpec, NodeIndex};
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

/// aws-facts 5.1: Lambda polls each shard once per second.
pub const STREAM_POLL_MS: SimTime = 1_000;
/// aws-facts 1.1: one GetRecords call returns at most 10,000 records. How
/// many the event source asks for is not documented; it asks for that many
/// (an assumption, MODEL.md).
pub const STREAM_READ_RECORDS: u32 = 10_000;
/// aws-facts 5.3: a synchronous invocation's request is at most 6 MB.
pub const INVOKE_PAYLOAD_BYTES: u64 = 6 * 1_048_576;
/// The records of one batch: the event carries each record's data
/// base64-encoded (4 bytes for every 3), so their bytes fill at most three
/// quarters of [`INVOKE_PAYLOAD_BYTES`].
pub const BATCH_RECORD_BYTES: u64 = INVOKE_PAYLOAD_BYTES / 4 * 3;
/// Most cohorts a lane keeps apart; further reads join the newest, so a
/// lane that holds records for long (a blocked one) stays small.
pub(crate) const LANE_COHORTS: usize = 64;

/// A stream event source's poller of one shard (aws-facts 5.1): what it
/// read and holds, split over the shard's concurrent batches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShardEsm {
    /// One lane per concurrent batch (`ParallelizationFactor`).
    pub lanes: Vec<Lane>,
    /// The share of the shard's records each lane receives: the weight of
    /// the partition keys hashed to it (MODEL.md).
    pub shares: Vec<f64>,
}

impl ShardEsm {
    /// A poller with `lanes` concurrent batches, its records spread evenly
    /// until the keys say otherwise.
    pub fn new(lanes: usize) -> Self {
        ShardEsm { lanes: vec![Lane::default(); lanes], shares: vec![1.0 / lanes as f64; lanes] }
    }

    /// Records held in every lane: read and not yet processed or given up.
    pub fn held(&self) -> u64 {
        self.lanes.iter().map(Lane::count).sum()
    }

    /// Whether the poller reads again: fewer than `buffer` records wait to
    /// be sent. A lane retrying a failed batch does not count, so its keys
    /// alone wait while the other lanes go on.
    pub fn has_room(&self, buffer: u64) -> bool {
        let waiting: u64 =
            self.lanes.iter().filter(|l| l.blocked_at.is_none()).map(Lane::waiting).sum();
        waiting < buffer
    }
}

/// One of a shard's concurrent batches (aws-facts 5.1): the records of the
/// partition keys hashed to it, read from the shard and held in order until
/// processed, and at most one invocation at a time, which keeps the order
/// of every key. Positions count the lane's records since it began.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lane {
    /// Records held, oldest first (`start` is a lane position).
    pub held: VecDeque<Cohort>,
    /// Position of the first record held.
    pub head: u64,
    /// Position after the last record ever held.
    pub appended: u64,
    /// The batch being processed: the first records held.
    pub in_flight: Option<LaneBatch>,
    /// When the batch being gathered began to gather, while a batching
    /// window holds it.
    pub gathering_since: Option<SimTime>,
    /// A throttled batch waits until then (the next poll).
    pub retry_at: SimTime,
    /// Failed attempts at the batch starting at `blocked_at`.
    pub attempts: u32,
    /// Position of the batch that failed last, while it is retried.
    pub blocked_at: Option<u64>,
    /// Positions of poison records, drawn when they were read.
    pub poison: BTreeSet<u64>,
}

/// A lane's batch in processing, its outcome already drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneBatch {
    /// Records in the batch.
    pub records: u64,
    /// When the invocation ends.
    pub ends_at: SimTime,
    /// Records that get through: all of them, none after a failure, or
    /// those before the bad record once bisecting isolated it.
    pub succeeded: u64,
    /// Whether the batch failed (an error, a timeout or a poison record).
    pub failed: bool,
    /// Whether bisecting isolated a poison record (only it is retried).
    pub isolated: bool,
    /// Arrival time of the batch's last record.
    pub last_arrival: SimTime,
}

/// The batch a lane would send now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextBatch {
    /// Records in it: at most the batch size, at least one.
    pub records: u64,
    /// Whether it is full: the batch size, or the payload cap reached.
    pub full: bool,
    /// Arrival time of its last record.
    pub last_arrival: SimTime,
}

impl Lane {
    /// Records held, in processing or waiting.
    pub fn count(&self) -> u64 {
        self.appended - self.head
    }

    /// Records held and not in the batch in processing.
    pub fn waiting(&self) -> u64 {
        self.count() - self.in_flight.map_or(0, |b| b.records)
    }

    /// Holds `count` records of `bytes` read together, arriving from
    /// `first_ms` to `last_ms` and born at their producer on average at
    /// `born_ms`. A cohort of its own while the lane holds few; joined to
    /// the newest beyond [`LANE_COHORTS`].
    pub fn push(
        &mut self,
        count: u64,
        bytes: u64,
        (first_ms, last_ms): (SimTime, SimTime),
        born_ms: SimTime,
    ) {
        let start = self.appended;
        self.appended += count;
        let crowded = self.held.len() >= LANE_COHORTS;
        match self.held.back_mut() {
            Some(tail) if crowded => {
                tail.born_ms = born_blend(tail.born_ms, tail.count, born_ms, count);
                tail.count += count;
                tail.bytes += bytes;
                tail.set_last_ms(last_ms.max(tail.last_ms()));
            }
            // Bytes here are the event's, keys included: no key split kept.
            _ => self.held.push_back(Cohort::new(
                (start, count),
                (bytes, 0),
                (first_ms, last_ms),
                born_ms,
            )),
        }
    }

    /// The next batch from the head: at most `max_records` records whose
    /// bytes stay within `max_bytes`, but at least one. `None` when the lane
    /// holds nothing.
    pub fn next_batch(&self, max_records: u64, max_bytes: u64) -> Option<NextBatch> {
        let (mut records, mut bytes, mut last_arrival) = (0u64, 0u64, None);
        for c in &self.held {
            let per_record = c.bytes as f64 / c.count as f64;
            let by_bytes = ((max_bytes.saturating_sub(bytes)) as f64 / per_record) as u64;
            let room = (max_records - records).min(by_bytes.max(u64::from(records == 0)));
            let take = c.count.min(room);
            if take == 0 {
                break;
            }
            records += take;
            bytes += (per_record * take as f64).round() as u64;
            last_arrival = Some(c.arrival_of(c.start + take - 1));
            if take < c.count {
                break;
            }
        }
        let last_arrival = last_arrival?;
        let full = records == max_records || records < self.count();
        Some(NextBatch { records, full, last_arrival })
    }

    /// Drops the first `n` records held (processed or given up).
    pub fn pop(&mut self, n: u64) {
        let n = n.min(self.count());
        self.head += n;
        while let Some(c) = self.held.front_mut() {
            if c.end() <= self.head {
                self.held.pop_front();
                continue;
            }
            if c.start < self.head {
                let gone = self.head - c.start;
                let gone_bytes = (c.bytes as f64 * gone as f64 / c.count as f64).round() as u64;
                // The last arrival is kept as a span from the first.
                let last_ms = c.last_ms();
                c.first_ms = c.arrival_of(self.head);
                c.set_last_ms(last_ms);
                c.bytes = c.bytes.saturating_sub(gone_bytes);
                c.count -= gone;
                c.start = self.head;
            }
            break;
        }
        while self.poison.first().is_some_and(|&p| p < self.head) {
            self.poison.pop_first();
        }
    }

    /// Records at the head that arrived at or before `cutoff`.
    pub fn arrived_by(&self, cutoff: SimTime) -> u64 {
        let mut n = 0;
        for c in &self.held {
            if c.last_ms() <= cutoff {
                n += c.count;
                continue;
            }
            if c.first_ms <= cutoff {
                // Arrival times grow along the cohort: bisect for the first
                // record after the cutoff.
                let (mut lo, mut hi) = (c.start, c.end() - 1);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if c.arrival_of(mid) <= cutoff { lo = mid + 1 } else { hi = mid }
                }
                n += lo - c.start;
            }
            break;
        }
        n
    }
}

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
    pub source: NodeIndex,
    /// Node index of its on-failure destination (stream sources).
    pub on_failure: Option<NodeIndex>,
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
    /// Stream sources: the poller of each shard, by shard index.
    pub shards: Vec<ShardEsm>,
    /// Stream sources: records given up (after the retries, the maximum
    /// record age or the stream's retention) and sent to the on-failure
    /// destination or dropped.
    pub discarded: u64,
    /// SNS subscriptions: the asynchronous event queue (aws-facts 5.4).
    pub events: AsyncQueue,
    /// SNS subscriptions: latency of the events processed, from their
    /// arrival in the event queue (and from their birth at a producer) to
    /// the end of the invocation that succeeded (MODEL.md, Latency).
    pub latency: Latencies,
    /// MSK sources: the event source's state per partition (aws-facts-more 3).
    pub kafka: KafkaEsm,
}

/// aws-facts 5.4: throttled events retry from 1 s after the first attempt,
/// the interval growing exponentially...
pub const ASYNC_THROTTLE_FIRST_MS: SimTime = 1_000;
/// ... to at most 5 minutes.
pub const ASYNC_THROTTLE_MAX_MS: SimTime = 300_000;
/// aws-facts 5.4: after a function error, a one-minute wait before the
/// first retry and two minutes before the second.
pub const ASYNC_ERROR_WAIT_MS: [SimTime; 2] = [60_000, 120_000];
/// The most cohorts of events an asynchronous queue keeps apart; past it a
/// new one joins the last (a simulator bound, in MODEL.md).
pub const MAX_EVENT_COHORTS: usize = 4_096;

/// Events of an asynchronous queue due at the same time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Events {
    /// Events (one SNS message each).
    pub count: u64,
    /// Their bytes.
    pub bytes: u64,
    /// When the oldest was queued (its age decides the maximum event age).
    pub queued_at: SimTime,
    /// When they were queued, on average (their latency counts from it).
    pub queued_mean: SimTime,
    /// When they were born at their producer, on average.
    pub born_ms: SimTime,
    /// When they are next tried.
    pub due: SimTime,
    /// Throttled attempts so far (sets the backoff).
    pub throttles: u32,
    /// Retries after function errors so far.
    pub retries: u32,
}

/// A function's asynchronous event queue (aws-facts 5.4): events SNS
/// handed over, waiting for their first attempt or a retry, and their
/// fate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AsyncQueue {
    /// Events waiting, in the order they were queued.
    pub waiting: Vec<Events>,
    /// Events waiting, in all.
    pub held: u64,
    /// Events whose invocation runs now and succeeds.
    pub running: u64,
    /// Events accepted from SNS since the start.
    pub received: u64,
    /// Events processed successfully.
    pub processed: u64,
    /// Events given up and sent to the on-failure destination.
    pub to_destination: u64,
    /// Events given up with nowhere to go.
    pub dropped: u64,
}

impl AsyncQueue {
    /// Queues `count` events of `bytes` queued at `queued_at`, due at
    /// `due`, merged into a cohort due at the same time with the same
    /// history (or into the last when the queue holds too many).
    pub fn push(&mut self, e: Events) {
        if e.count == 0 {
            return;
        }
        self.held += e.count;
        let full = self.waiting.len() >= MAX_EVENT_COHORTS;
        if let Some(last) = self.waiting.iter_mut().rev().find(|w| {
            full || (w.due == e.due && w.throttles == e.throttles && w.retries == e.retries)
        }) {
            last.queued_mean = born_blend(last.queued_mean, last.count, e.queued_mean, e.count);
            last.born_ms = born_blend(last.born_ms, last.count, e.born_ms, e.count);
            last.count += e.count;
            last.bytes += e.bytes;
            last.queued_at = last.queued_at.min(e.queued_at);
            return;
        }
        self.waiting.push(e);
    }

    /// Takes the cohorts due at `now`, oldest first.
    pub fn take_due(&mut self, now: SimTime) -> Vec<Events> {
        if !self.waiting.iter().any(|e| e.due <= now) {
            return Vec::new();
        }
        let (mut due, later): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.waiting).into_iter().partition(|e| e.due <= now);
        self.waiting = later;
        self.held -= due.iter().map(|e| e.count).sum::<u64>();
        due.sort_by_key(|e| e.queued_at);
        due
    }

    /// When the oldest event waiting was queued.
    pub fn oldest(&self) -> Option<SimTime> {
        self.waiting.iter().map(|e| e.queued_at).min()
    }
}

/// aws-facts 5.4: the wait before the next attempt of an event throttled
/// `throttles` times (1 s, doubling, at most 5 minutes).
pub fn throttle_backoff_ms(throttles: u32) -> SimTime {
    let doubled = ASYNC_THROTTLE_FIRST_MS.saturating_mul(1 << throttles.saturating_sub(1).min(20));
    doubled.min(ASYNC_THROTTLE_MAX_MS)
}

/// aws-facts-more 3: in provisioned mode each event poller runs up to 5
/// concurrent invocations.
pub const KAFKA_INVOCATIONS_PER_POLLER: u32 = 5;
/// aws-facts-more 3: Kafka's default batching window is 500 ms.
pub const KAFKA_DEFAULT_WINDOW_MS: SimTime = 500;
/// aws-facts-more 3: Lambda checks the offset lag every minute...
pub const KAFKA_SCALING_EVALUATION_MS: SimTime = 60_000;

/// An MSK event source's partition (aws-facts-more 3): records are read in
/// order, one batch at a time, and its offset is committed after a batch
/// succeeds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KafkaPartition {
    /// The batch in processing: (first offset, records, bytes), if any.
    pub in_flight: Option<(u64, u64, u64)>,
    /// Its invocation fails.
    pub failing: bool,
    /// Failed attempts at the batch at the committed offset.
    pub attempts: u32,
    /// Since when the records at the committed offset wait for a batch
    /// (the batching window starts with the first record).
    pub gathering_since: Option<SimTime>,
    /// A batch waits until then (a retry, a throttle, the window).
    pub not_before: SimTime,
}

/// An MSK event source: which cluster, its slot among the cluster's
/// readers, its pollers and its partitions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KafkaEsm {
    /// The cluster slot, if the source is an MSK cluster.
    pub cluster: Option<usize>,
    /// Its index among the cluster's event sources (its offsets).
    pub reader: usize,
    /// Concurrent batches allowed now: consumers (on-demand) or pollers x 5
    /// (provisioned), never more than the partitions.
    pub pollers: u32,
    /// A scaling decision waiting to take effect: (when, pollers).
    pub scaling_to: Option<(SimTime, u32)>,
    /// Throttles since the last evaluation.
    pub throttled: u64,
    /// Total offset lag at the last evaluation.
    pub last_lag: u64,
    /// Per partition.
    pub partitions: Vec<KafkaPartition>,
}

impl KafkaEsm {
    /// Batches in processing now.
    pub fn busy(&self) -> u32 {
        self.partitions.iter().filter(|p| p.in_flight.is_some()).count() as u32
    }
}

impl Function {
    /// A function invoked by the event source at node `source`.
    pub fn new(spec: LambdaSpec, source: NodeIndex, on_failure: Option<NodeIndex>) -> Self {
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
            events: AsyncQueue::default(),
            latency: Latencies::default(),
            kafka: KafkaEsm::default(),
        }
    }

    /// The MSK event source's batch size (aws-facts-more 3: default 100).
    pub fn kafka_batch(&self) -> u64 {
        u64::from(self.spec.event_source.batch_size.unwrap_or(100)).max(1)
    }

    /// The MSK event source's batching window (aws-facts-more 3): 500 ms
    /// unless set; a window of 0 s is taken as the default (the scenario
    /// cannot tell the two apart, MODEL.md).
    pub fn kafka_window(&self) -> SimTime {
        match self.spec.event_source.batching_window_s {
            0 => KAFKA_DEFAULT_WINDOW_MS,
            s => SimTime::from(s) * SECOND,
        }
    }

    /// The concurrent batches an MSK event source may run over
    /// `partitions` partitions with `pollers` pollers (aws-facts-more 3):
    /// one per consumer on demand, 5 per poller provisioned, and never
    /// more than one per partition.
    pub fn kafka_concurrency(&self, pollers: u32, partitions: u32) -> u32 {
        let per = if self.spec.event_source.provisioned_pollers.is_some() {
            KAFKA_INVOCATIONS_PER_POLLER
        } else {
            1
        };
        pollers.saturating_mul(per).min(partitions)
    }

    /// The stream event source's batch size (aws-facts 5.1: default 100).
    pub fn stream_batch(&self) -> u64 {
        u64::from(self.spec.event_source.batch_size.unwrap_or(100)).max(1)
    }

    /// The stream event source's concurrent batches per shard (aws-facts
    /// 5.1: `ParallelizationFactor`, 1 to 10).
    pub fn lanes(&self) -> usize {
        self.spec.event_source.parallelization_factor.clamp(1, 10) as usize
    }

    /// aws-facts 5.1: `MaximumBatchingWindowInSeconds`, in ms.
    pub fn batching_window(&self) -> SimTime {
        SimTime::from(self.spec.event_source.batching_window_s) * SECOND
    }

    /// Whether a batch whose last record is `age` ms old is past
    /// `MaximumRecordAgeInSeconds` (aws-facts 5.1; -1 is no limit).
    pub fn too_old(&self, age: SimTime) -> bool {
        let max = self.spec.event_source.maximum_record_age_s;
        max >= 0 && age > SimTime::from(max.unsigned_abs()) * SECOND
    }

    /// Records a stream poller holds before it reads again: 10,000 (one
    /// call's worth), or one full batch per lane if that is more (so a
    /// batching window can fill every lane). An assumption (MODEL.md).
    pub fn stream_buffer(&self) -> u64 {
        (self.lanes() as u64 * self.stream_batch()).max(u64::from(STREAM_READ_RECORDS))
    }

    /// Arrival time of the oldest record a stream event source holds (read
    /// and not yet processed or given up), if any.
    pub fn oldest_held(&self) -> Option<SimTime> {
        let lanes = self.shards.iter().flat_map(|s| &s.lanes);
        lanes.filter_map(|l| l.held.front().map(|c| c.first_ms)).min()
    }

    /// The shared-throughput reader spec of a stream event source:
    /// GetRecords on every shard once a second, for up to 10,000 records
    /// (aws-facts 5.1, 1.1); what it reads waits in the poller's buffer.
    pub fn stream_reader_spec(&self) -> crate::scenario::ConsumerSpec {
        crate::scenario::ConsumerSpec {
            poll_interval_ms: STREAM_POLL_MS,
            max_records_per_call: STREAM_READ_RECORDS,
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

/// Memory accounting (see [`crate::memory`]).
impl Function {
    /// Memory beyond its own struct, in bytes: queue pollers and their
    /// receipts, stream shards' pollers, their lanes, the records the lanes
    /// hold and the poison records found among them.
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::{btree, buffer};
        let receipts: u64 =
            self.pollers.iter().map(|p| buffer::<ReceiptKey>(p.receipts.capacity())).sum();
        let lane =
            |l: &Lane| buffer::<Cohort>(l.held.capacity()) + btree::<u64, ()>(l.poison.len());
        let shards: u64 = self
            .shards
            .iter()
            .map(|s| {
                buffer::<Lane>(s.lanes.capacity())
                    + buffer::<f64>(s.shares.capacity())
                    + s.lanes.iter().map(lane).sum::<u64>()
            })
            .sum();
        buffer::<Poller>(self.pollers.capacity())
            + receipts
            + buffer::<ShardEsm>(self.shards.capacity())
            + shards
            + buffer::<Events>(self.events.waiting.capacity())
            + buffer::<KafkaPartition>(self.kafka.partitions.capacity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_facts_5_3_a_function_adds_at_most_1000_environments_per_10_s() {
        let mut f = Function::new(LambdaSpec::default(), NodeIndex::new(0), None);
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
        let mut f = Function::new(spec, NodeIndex::new(0), None);
        let started = (0..10).filter(|_| f.start(0, 1_000).is_some()).count();
        assert_eq!(started, 3);
    }

    #[test]
    fn aws_facts_5_4_throttled_events_back_off_from_1_s_to_5_minutes() {
        let waits: Vec<SimTime> = (1..=11).map(throttle_backoff_ms).collect();
        assert_eq!(
            waits,
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map(|s| s * SECOND).to_vec()
        );
        assert_eq!(throttle_backoff_ms(u32::MAX), ASYNC_THROTTLE_MAX_MS);
    }

    #[test]
    fn aws_facts_more_3_kafka_concurrency_is_capped_by_partitions() {
        let f = Function::new(LambdaSpec::default(), NodeIndex::new(0), None);
        // On demand: one batch per consumer, at most one per partition.
        assert_eq!(f.kafka_concurrency(4, 6), 4);
        assert_eq!(f.kafka_concurrency(10, 6), 6);
        let mut spec = LambdaSpec::default();
        spec.event_source.provisioned_pollers = Some(Default::default());
        let f = Function::new(spec, NodeIndex::new(0), None);
        // Provisioned: 5 invocations per poller, still one per partition.
        assert_eq!(f.kafka_concurrency(1, 12), 5);
        assert_eq!(f.kafka_concurrency(3, 12), 12);
        assert_eq!(f.kafka_window(), KAFKA_DEFAULT_WINDOW_MS);
    }

    #[test]
    fn async_queue_keeps_counts_and_order() {
        let mut q = AsyncQueue::default();
        let e = |count, queued_at, due| Events {
            count,
            bytes: count * 10,
            queued_at,
            queued_mean: queued_at,
            born_ms: queued_at,
            due,
            throttles: 1,
            retries: 0,
        };
        q.push(e(5, 2_000, 3_000));
        q.push(e(7, 1_000, 3_000));
        q.push(e(4, 1_500, 9_000));
        assert_eq!((q.held, q.waiting.len()), (16, 2));
        assert_eq!(q.oldest(), Some(1_000));
        let due = q.take_due(3_000);
        assert_eq!(due.iter().map(|e| e.count).sum::<u64>(), 12);
        assert_eq!(q.held, 4);
        assert!(q.take_due(3_000).is_empty());
    }

    #[test]
    fn aws_facts_5_2_effective_visibility_covers_window_plus_timeout() {
        // Validation refuses a visibility timeout under the function's
        // timeout; at or above it, a batching window can still overrun it.
        let mut spec = LambdaSpec { timeout_s: 60, ..Default::default() };
        spec.event_source.batching_window_s = 20;
        let f = Function::new(spec, NodeIndex::new(0), None);
        assert_eq!(f.visibility_ms(60), 110_000); // 20 + 60 + 30 s
        assert_eq!(f.visibility_ms(80), 80_000); // covers window + timeout
        assert_eq!(f.visibility_ms(360), 360_000); // 6 x timeout, as advised
    }
}
