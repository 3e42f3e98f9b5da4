//! A producer's spec: its part of the scenario document (data, read by
//! validation and the engine; see [`crate::scenario`]).

use serde::{Deserialize, Serialize};

/// A producer writing to a stream with PutRecords or PutRecord.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProducerSpec {
    /// Mean user records per second (the base rate the traffic shape scales;
    /// for `step` the rate before the first step).
    pub records_per_s: f64,
    /// How arrivals are spread in time.
    pub traffic: Traffic,
    /// Size of each record's data blob.
    pub record_size: RecordSize,
    /// How partition keys are chosen.
    pub keys: KeyDistribution,
    /// Length of each partition key in bytes (counts toward the 1 MiB/s
    /// shard write limit and the PutRecords request size; aws-facts 1.1).
    pub partition_key_bytes: u32,
    /// Which write API the producer calls.
    pub api: Api,
    /// Buffering of records before they are sent.
    pub batching: Batching,
    /// KPL aggregation of user records into Kinesis records; off when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<Aggregation>,
    /// Retries of records rejected by throttling.
    pub retry: Retry,
}

impl Default for ProducerSpec {
    fn default() -> Self {
        ProducerSpec {
            records_per_s: 500.0,
            traffic: Traffic::Poisson,
            record_size: RecordSize::Fixed { bytes: 1024 },
            keys: KeyDistribution::Uniform { count: 1000 },
            partition_key_bytes: 16,
            api: Api::default(),
            batching: Batching::default(),
            aggregation: None,
            retry: Retry::default(),
        }
    }
}

/// How arrivals are counted within a batch interval, given its mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrivals {
    /// Poisson counts around the mean.
    #[default]
    Poisson,
    /// Exactly the mean, fractions carried to the next batch.
    Constant,
}

/// One step of a [`Traffic::Step`] profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateStep {
    /// Simulated second at which this rate starts.
    pub at_s: f64,
    /// Mean records per second from then on.
    pub records_per_s: f64,
}

/// The arrival process of a producer: a rate over time (the shape) and how
/// counts scatter around it (`arrivals`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case", deny_unknown_fields)]
pub enum Traffic {
    /// Exactly `records_per_s`, spread evenly.
    Constant,
    /// Poisson arrivals with mean `records_per_s`.
    Poisson,
    /// A daily (or any period) cycle: `records_per_s × (1 + amplitude ×
    /// sin(2π (t + phase_s) / period_s))`.
    Diurnal {
        /// Relative swing, 0 to 1.
        amplitude: f64,
        /// Length of one cycle in seconds.
        #[serde(default = "default_period_s")]
        period_s: f64,
        /// Shift of the cycle in seconds.
        #[serde(default)]
        phase_s: f64,
        /// Poisson or constant counts.
        #[serde(default)]
        arrivals: Arrivals,
    },
    /// On/off bursts: each cycle starts with `on_s` seconds at
    /// `records_per_s × multiplier`, then `off_s` seconds at
    /// `records_per_s × off_multiplier`.
    Burst {
        /// Length of a burst in seconds.
        on_s: f64,
        /// Pause between bursts in seconds.
        off_s: f64,
        /// Rate factor during a burst.
        multiplier: f64,
        /// Rate factor between bursts (1 keeps the base rate, 0 is silence).
        #[serde(default = "one")]
        off_multiplier: f64,
        /// Poisson or constant counts.
        #[serde(default)]
        arrivals: Arrivals,
    },
    /// `records_per_s` until the first step, then each step's rate from its
    /// `at_s` on.
    Step {
        /// Steps in increasing `at_s`.
        steps: Vec<RateStep>,
        /// Poisson or constant counts.
        #[serde(default)]
        arrivals: Arrivals,
    },
    /// A recorded series: CSV text of `time_s,records_per_s` lines (an
    /// optional header line, blank lines and `#` comments are skipped).
    /// Each rate holds until the next line's time, the last one for ever;
    /// before the first line the rate is 0.
    Replay {
        /// The series, embedded in the scenario.
        csv: String,
        /// Poisson or constant counts.
        #[serde(default)]
        arrivals: Arrivals,
    },
}

fn default_period_s() -> f64 {
    86_400.0
}

fn one() -> f64 {
    1.0
}

/// Most rows a replay series may have.
pub const MAX_REPLAY_ROWS: usize = 100_000;

/// Parses a replay series into `(line, time_s, records_per_s)` rows, with
/// 1-based line numbers. Errors name the line. Value ranges are checked by
/// validation against `param_range`, not here.
pub fn parse_replay_csv(csv: &str) -> Result<Vec<(usize, f64, f64)>, String> {
    let mut rows: Vec<(usize, f64, f64)> = Vec::new();
    for (i, line) in csv.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split(',').map(str::trim);
        let (Some(t), Some(r), None) = (fields.next(), fields.next(), fields.next()) else {
            return Err(format!("line {n}: expected `time_s,records_per_s`, got {line:?}"));
        };
        let (t, r) = match (t.parse::<f64>(), r.parse::<f64>()) {
            (Ok(t), Ok(r)) => (t, r),
            _ if rows.is_empty() && t.parse::<f64>().is_err() && r.parse::<f64>().is_err() => {
                continue; // a header line
            }
            _ => return Err(format!("line {n}: {line:?} is not two numbers")),
        };
        if let Some(&(_, prev, _)) = rows.last()
            && (t <= prev || t.is_nan())
        {
            return Err(format!("line {n}: time {t} is not after the previous line's {prev}"));
        }
        if rows.len() == MAX_REPLAY_ROWS {
            return Err(format!("line {n}: more than {MAX_REPLAY_ROWS} rows"));
        }
        rows.push((n, t, r));
    }
    if rows.is_empty() {
        return Err("has no `time_s,records_per_s` rows".into());
    }
    Ok(rows)
}

/// The largest record data blob by default (aws-facts 1.1: 1 MiB).
pub const MAX_RECORD_BYTES: u32 = 1_048_576;

/// The size distribution of record data blobs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordSize {
    /// Every record has the same size.
    Fixed {
        /// Data blob bytes.
        bytes: u32,
    },
    /// Uniform over the whole bytes `min_bytes..=max_bytes`.
    Uniform {
        /// Smallest record.
        min_bytes: u32,
        /// Largest record.
        max_bytes: u32,
    },
    /// Log-normal with the given median and shape, rounded and clamped to
    /// 1 byte .. 1 MiB.
    LogNormal {
        /// Median data bytes (`exp(mu)`).
        median_bytes: f64,
        /// Standard deviation of the log size.
        sigma: f64,
    },
}

/// Standard normal CDF through `libm::erfc` (bit-identical everywhere).
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / core::f64::consts::SQRT_2)
}

impl RecordSize {
    /// Mean data bytes per record.
    pub fn mean_bytes(&self) -> f64 {
        self.moments().0
    }

    /// Mean and variance of one record's data bytes.
    pub fn moments(&self) -> (f64, f64) {
        match *self {
            RecordSize::Fixed { bytes } => (f64::from(bytes), 0.0),
            RecordSize::Uniform { min_bytes, max_bytes } => {
                let (a, b) = (f64::from(min_bytes), f64::from(max_bytes.max(min_bytes)));
                let w = b - a + 1.0;
                ((a + b) / 2.0, (w * w - 1.0) / 12.0)
            }
            RecordSize::LogNormal { median_bytes, sigma } => {
                // E[clamp(X, lo, hi)^k] for X log-normal(mu, sigma).
                let (lo, hi) = (1.0, f64::from(MAX_RECORD_BYTES));
                let mu = libm::log(median_bytes.max(1e-9));
                let s = sigma.max(1e-12);
                let (a, b) = ((libm::log(lo) - mu) / s, (libm::log(hi) - mu) / s);
                let raw = |k: f64| {
                    let core = libm::exp(k * mu + k * k * s * s / 2.0)
                        * (normal_cdf(b - k * s) - normal_cdf(a - k * s));
                    libm::pow(lo, k) * normal_cdf(a)
                        + core
                        + libm::pow(hi, k) * (1.0 - normal_cdf(b))
                };
                let (m1, m2) = (raw(1.0), raw(2.0));
                (m1, (m2 - m1 * m1).max(0.0))
            }
        }
    }

    /// The largest data blob this distribution can produce.
    pub fn max_bytes(&self) -> u32 {
        match *self {
            RecordSize::Fixed { bytes } => bytes,
            RecordSize::Uniform { min_bytes, max_bytes } => max_bytes.max(min_bytes),
            RecordSize::LogNormal { .. } => MAX_RECORD_BYTES,
        }
    }

    /// Expected billed chunks of `chunk` bytes per record, each record
    /// rounded up on its own and counted with `extra` bytes (a partition
    /// key) besides its data, at least one: `E[max(1, ceil((X + extra) /
    /// chunk))] = 1 + Σ_k P(X + extra > k · chunk)`. Exact for every size law,
    /// where rounding the mean size would under-bill a spread of sizes.
    pub fn expected_chunks(&self, chunk: u64, extra: u64) -> f64 {
        let chunk = chunk.max(1);
        let chunks = (u64::from(self.max_bytes()) + extra).div_ceil(chunk);
        1.0 + (1..chunks)
            .map(|k| self.exceedance((k * chunk).saturating_sub(extra) as f64))
            .sum::<f64>()
    }

    /// Probability that one record's data exceeds `x` bytes.
    pub fn exceedance(&self, x: f64) -> f64 {
        match *self {
            RecordSize::Fixed { bytes } => f64::from(u8::from(f64::from(bytes) > x)),
            RecordSize::Uniform { min_bytes, max_bytes } => {
                let (a, b) = (f64::from(min_bytes), f64::from(max_bytes.max(min_bytes)));
                // Whole bytes in (x, b] over whole bytes in [a, b].
                let above = (b - libm::floor(x).max(a - 1.0)).clamp(0.0, b - a + 1.0);
                above / (b - a + 1.0)
            }
            RecordSize::LogNormal { median_bytes, sigma } => {
                if x >= f64::from(MAX_RECORD_BYTES) {
                    0.0
                } else if x < 1.0 {
                    1.0
                } else {
                    let mu = libm::log(median_bytes.max(1e-9));
                    1.0 - normal_cdf((libm::log(x) - mu) / sigma.max(1e-12))
                }
            }
        }
    }
}

/// A 128-bit hash key given explicitly, with its share of the records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightedHashKey {
    /// The hash key as a decimal integer, 0 to 2^128 - 1 (aws-facts 1.2).
    pub hash_key: String,
    /// Relative weight of this hash key.
    #[serde(default = "one")]
    pub weight: f64,
}

/// How a producer picks partition keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyDistribution {
    /// Uniform over `count` distinct keys.
    Uniform {
        /// Number of distinct partition keys.
        count: u32,
    },
    /// One hot key takes `hot_share` of the records; the rest are uniform
    /// over `count` other keys.
    HotKey {
        /// Number of distinct keys besides the hot one.
        count: u32,
        /// Share of records carrying the hot key, 0 to 1.
        hot_share: f64,
    },
    /// Zipf over `count` keys: key of rank k (`pk-{k-1}`) has weight
    /// `1 / k^s`. `s = 0` is uniform.
    Zipf {
        /// Number of distinct partition keys.
        count: u32,
        /// Exponent; larger concentrates more on the first keys.
        s: f64,
    },
    /// Records carry an `ExplicitHashKey` (aws-facts 1.2) that overrides the
    /// MD5 of the partition key: each listed hash key takes its weight's
    /// share of the records.
    ExplicitHashKey {
        /// The hash keys used, with weights.
        hash_keys: Vec<WeightedHashKey>,
    },
}

/// The write API a producer calls (aws-facts 1.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case", deny_unknown_fields)]
pub enum Api {
    /// PutRecords: many records per request, up to the caps below.
    PutRecords {
        /// Records per request (aws-facts 1.1: at most 500).
        #[serde(default = "default_max_records_per_request")]
        max_records_per_request: u32,
        /// Request size including partition keys (aws-facts 1.1: 5 MiB
        /// classic, 10 MiB current).
        #[serde(default = "default_max_request_bytes")]
        max_request_bytes: u64,
    },
    /// PutRecord: one request per (Kinesis) record.
    PutRecord,
}

impl Default for Api {
    fn default() -> Self {
        Api::PutRecords {
            max_records_per_request: default_max_records_per_request(),
            max_request_bytes: default_max_request_bytes(),
        }
    }
}

fn default_max_records_per_request() -> u32 {
    500
}

fn default_max_request_bytes() -> u64 {
    5 * 1_048_576
}

/// Buffering before records are sent, like the KPL's `RecordMaxBufferedTime`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Batching {
    /// Records wait at most this long in the producer before being sent.
    pub max_buffered_ms: u64,
}

impl Default for Batching {
    fn default() -> Self {
        Batching { max_buffered_ms: 100 }
    }
}

/// KPL aggregation: user records bound for one shard are packed into one
/// Kinesis record (KPL `AggregationMaxSize`, `AggregationMaxCount`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Aggregation {
    /// Largest aggregated record in bytes (KPL default 51,200; at most the
    /// 1 MiB record limit, aws-facts 1.1).
    pub max_bytes: u32,
    /// Most user records in one aggregated record.
    pub max_user_records: u32,
}

impl Default for Aggregation {
    fn default() -> Self {
        Aggregation { max_bytes: 51_200, max_user_records: u32::MAX }
    }
}

/// Retry policy for throttled records: exponential backoff with equal jitter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retry {
    /// Total attempts per record including the first; 1 means no retry.
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles per attempt.
    pub base_backoff_ms: u64,
    /// Cap on a single backoff.
    pub max_backoff_ms: u64,
}

impl Default for Retry {
    fn default() -> Self {
        Retry { max_attempts: 3, base_backoff_ms: 100, max_backoff_ms: 5_000 }
    }
}
