//! A producer: generates records per buffering interval from a traffic
//! shape, draws their sizes, routes them to shards, packs them into
//! requests (and, with KPL aggregation, into aggregated records) and
//! retries what the stream throttles. Nothing here loops per record.

pub mod about;
pub(crate) mod engine;
pub(crate) mod estimate;
pub mod infra;
pub(crate) mod knobs;
pub mod metrics;
pub mod params;
pub(crate) mod retry;
pub mod spec;
pub(crate) mod validate;
pub(crate) mod view;
use crate::cost::{
    FIREHOSE_ROUNDING_BYTES, ON_DEMAND_ROUNDING_BYTES, PUT_PAYLOAD_UNIT_BYTES, put_payload_units,
};
use crate::rng::NodeRng;
use crate::scenario::{
    Aggregation, Api, Arrivals, MAX_RECORD_BYTES, ProducerSpec, RecordSize, Traffic,
    parse_replay_csv,
};
use crate::time::{SECOND, SimTime};

/// Where a producer sends its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A Kinesis stream (PutRecords / PutRecord), by stream slot.
    Stream(usize),
    /// A Firehose delivery stream (Direct PUT with PutRecordBatch), by
    /// delivery stream slot.
    Firehose(usize),
    /// An SQS queue (SendMessageBatch), by queue slot.
    Queue(usize),
    /// An SNS topic (PublishBatch), by topic slot.
    Topic(usize),
    /// An MSK cluster's topic (a Kafka producer), by cluster slot.
    Msk(usize),
}

/// Records of one shard in a batch: all share the batch's average size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ShardRecords {
    /// Shard index in the target stream.
    pub shard: usize,
    /// User records.
    pub records: u64,
    /// Average data bytes per user record (key excluded).
    pub data_bytes: u64,
}

/// Records on their way to the stream: a fresh batch or a retry.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct RetryBatch {
    /// Attempts already made.
    pub attempts: u32,
    /// Records still to send, by shard.
    pub per_shard: Vec<ShardRecords>,
    /// Whose records they are: `(producer slot, records)`, for producers
    /// that share routing (see the engine's producer groups).
    pub members: Vec<(usize, u64)>,
    /// Mean time its records were born ([`crate::kinds::batch::born_blend`]).
    pub born_ms: SimTime,
}

impl RetryBatch {
    /// Records in the batch.
    pub fn records(&self) -> u64 {
        self.per_shard.iter().map(|s| s.records).sum()
    }
}

/// The cumulative rate of a traffic shape: records expected in `[0, t)` at
/// a base rate of 1 (or, for step and replay, at the series' own rates).
#[derive(Clone, Debug, PartialEq)]
enum Profile {
    /// `base × t`.
    Flat,
    /// `base × (t - A·P/2π · cos(2π(t + φ)/P))`.
    Diurnal { amplitude: f64, period_s: f64, phase_s: f64 },
    /// `base × (cycles × (on·m + off·m_off) + partial cycle)`.
    Burst { on_s: f64, off_s: f64, on: f64, off: f64 },
    /// Piecewise constant: 0 until `times[0]`, then `rates[i]` from
    /// `times[i]`; `cumulative[i]` is the integral up to `times[i]`.
    Piecewise { times: Vec<f64>, rates: Vec<f64>, cumulative: Vec<f64> },
}

impl Profile {
    fn new(spec: &ProducerSpec) -> Self {
        match &spec.traffic {
            Traffic::Constant | Traffic::Poisson => Profile::Flat,
            &Traffic::Diurnal { amplitude, period_s, phase_s, .. } => {
                Profile::Diurnal { amplitude, period_s: period_s.max(1e-3), phase_s }
            }
            &Traffic::Burst { on_s, off_s, multiplier, off_multiplier, .. } => {
                Profile::Burst { on_s, off_s, on: multiplier, off: off_multiplier }
            }
            // The rate before the first step is `records_per_s` itself and is
            // added by `expected`, so it follows SetProducerRate directly.
            Traffic::Step { steps, .. } => {
                Profile::piecewise(steps.iter().map(|s| (s.at_s, s.records_per_s)).collect())
            }
            Traffic::Replay { csv, .. } => {
                // Validation parsed it already; a broken series is silence.
                let rows = parse_replay_csv(csv).unwrap_or_default();
                Profile::piecewise(rows.into_iter().map(|(_, t, r)| (t, r)).collect())
            }
        }
    }

    fn piecewise(rows: Vec<(f64, f64)>) -> Self {
        let (times, rates): (Vec<f64>, Vec<f64>) = rows.into_iter().unzip();
        let mut cumulative = Vec::with_capacity(times.len());
        let mut acc = 0.0;
        for i in 0..times.len() {
            if i > 0 {
                acc += rates[i - 1] * (times[i] - times[i - 1]);
            }
            cumulative.push(acc);
        }
        Profile::Piecewise { times, rates, cumulative }
    }

    /// Expected records in `[t0, t1)` seconds, unscaled; `dt` is `t1 - t0`
    /// computed exactly from integer milliseconds.
    fn integral(&self, t0: f64, t1: f64, dt: f64) -> f64 {
        match self {
            Profile::Flat => dt,
            &Profile::Diurnal { amplitude, period_s, phase_s } => {
                // ∫ sin = -P/2π cos; cos a - cos b = -2 sin((a+b)/2) sin((a-b)/2),
                // which keeps precision for short intervals late in a run.
                let w = 2.0 * core::f64::consts::PI / period_s;
                let (a, b) = (w * (t1 + phase_s), w * (t0 + phase_s));
                let cos_diff = -2.0 * libm::sin((a + b) / 2.0) * libm::sin((a - b) / 2.0);
                (dt - amplitude / w * cos_diff).max(0.0)
            }
            Profile::Burst { .. } | Profile::Piecewise { .. } => {
                (self.cumulative(t1) - self.cumulative(t0)).max(0.0)
            }
        }
    }

    fn cumulative(&self, t: f64) -> f64 {
        match self {
            &Profile::Burst { on_s, off_s, on, off } => {
                let period = on_s + off_s;
                if period <= 0.0 {
                    return on * t;
                }
                let cycles = libm::floor(t / period);
                let r = t - cycles * period;
                cycles * (on_s * on + off_s * off) + r.min(on_s) * on + (r - on_s).max(0.0) * off
            }
            Profile::Piecewise { times, rates, cumulative } => {
                let i = times.partition_point(|&x| x <= t);
                if i == 0 { 0.0 } else { cumulative[i - 1] + rates[i - 1] * (t - times[i - 1]) }
            }
            _ => t,
        }
    }
}

/// A producer's runtime state.
#[derive(Clone, Debug)]
pub struct Producer {
    /// Parameters (the rate can change at runtime).
    pub spec: ProducerSpec,
    /// Where it writes.
    pub target: Target,
    /// Share of records each shard of the target receives.
    pub shares: Vec<f64>,
    /// Mean bytes per record counted against shard limits: data plus key.
    pub record_bytes: u64,
    /// When the last batch was cut.
    pub last_batch: SimTime,
    /// The scenario's rate, which step and replay series are relative to.
    initial_rate: f64,
    profile: Profile,
    /// Expected PUT payload units per unaggregated record (aws-facts 2.1).
    units_per_record: f64,
    /// Expected billed bytes per record of the other per-record meters.
    meters: PerRecordMeters,
    /// Fractional records carried between batches at a constant rate.
    carry: f64,
    /// Fractional PUT payload units carried between calls.
    unit_carry: f64,
    /// Records generated so far.
    pub produced: u64,
    /// Records given up after the last attempt.
    pub given_up: u64,
    /// Records waiting for a retry.
    pub pending_retry: u64,
}

impl Producer {
    /// A producer writing to `target` with the given shard shares (one
    /// share of 1 for a delivery stream).
    pub fn new(spec: ProducerSpec, target: Target, shares: Vec<f64>) -> Self {
        let record_bytes =
            spec.record_size.mean_bytes() as u64 + u64::from(spec.partition_key_bytes);
        let size = &spec.record_size;
        let key = u64::from(spec.partition_key_bytes);
        let units_per_record = size.expected_chunks(PUT_PAYLOAD_UNIT_BYTES, 0);
        let meters = PerRecordMeters {
            // aws-facts 2.2: on-demand data in, each data record (its data
            // blob and partition key, aws-facts 1.1) rounded up to 1 KiB.
            on_demand_bytes: size.expected_chunks(ON_DEMAND_ROUNDING_BYTES, key)
                * ON_DEMAND_ROUNDING_BYTES as f64,
            // aws-facts 2.3: Firehose ingestion, each record rounded up to 5 KB.
            firehose_bytes: size.expected_chunks(FIREHOSE_ROUNDING_BYTES, 0)
                * FIREHOSE_ROUNDING_BYTES as f64,
            on_demand_carry: 0.0,
            firehose_carry: 0.0,
        };
        Producer {
            initial_rate: spec.records_per_s,
            profile: Profile::new(&spec),
            spec,
            target,
            shares,
            record_bytes,
            last_batch: 0,
            units_per_record,
            meters,
            carry: 0.0,
            unit_carry: 0.0,
            produced: 0,
            given_up: 0,
            pending_retry: 0,
        }
    }

    /// The factor applied to the shape's rates: `records_per_s` for shapes
    /// relative to the base rate; for step and replay, which give absolute
    /// rates, the ratio of the current to the scenario's `records_per_s`
    /// (1 if that was 0).
    fn scale(&self) -> f64 {
        match self.spec.traffic {
            Traffic::Step { .. } | Traffic::Replay { .. } => {
                if self.initial_rate > 0.0 {
                    self.spec.records_per_s / self.initial_rate
                } else {
                    1.0
                }
            }
            _ => self.spec.records_per_s,
        }
    }

    /// Expected records in `[t0, t1)` (milliseconds) at the current rate.
    pub fn expected(&self, t0: SimTime, t1: SimTime) -> f64 {
        let s = SECOND as f64;
        let dt = t1.saturating_sub(t0) as f64;
        if self.profile == Profile::Flat {
            // The same operations as ever, so old scenarios draw the same.
            return self.spec.records_per_s * dt / s;
        }
        let (t0, t1) = (t0 as f64 / s, t1 as f64 / s);
        let mut mean = self.scale() * self.profile.integral(t0, t1, dt / s);
        if let (Traffic::Step { .. }, Profile::Piecewise { times, .. }) =
            (&self.spec.traffic, &self.profile)
        {
            let first = times.first().copied().unwrap_or(f64::INFINITY);
            mean += self.spec.records_per_s * (t1.min(first) - t0.min(first));
        }
        mean
    }

    fn arrivals(&self) -> Arrivals {
        match self.spec.traffic {
            Traffic::Constant => Arrivals::Constant,
            Traffic::Poisson => Arrivals::Poisson,
            Traffic::Diurnal { arrivals, .. }
            | Traffic::Burst { arrivals, .. }
            | Traffic::Step { arrivals, .. }
            | Traffic::Replay { arrivals, .. } => arrivals,
        }
    }

    /// Records generated between the last batch and `now`.
    pub fn generate(&mut self, now: SimTime, rng: &mut NodeRng) -> u64 {
        let mean = self.expected(self.last_batch, now);
        self.last_batch = now;
        let n = match self.arrivals() {
            Arrivals::Constant => {
                let exact = mean + self.carry;
                let n = exact.floor();
                self.carry = exact - n;
                n as u64
            }
            Arrivals::Poisson => rng.poisson(mean),
        };
        self.produced += n;
        n
    }

    /// Average data bytes of `n` records drawn from the size distribution:
    /// exact draws for up to 32 records, above that a normal approximation
    /// of their sum (mean `n·μ`, variance `n·σ²`), clamped to the possible
    /// range. Fixed sizes draw nothing, inline: routing asks once per shard
    /// of every batch.
    #[inline]
    pub fn draw_data_bytes(&self, n: u64, rng: &mut NodeRng) -> u64 {
        match self.spec.record_size {
            RecordSize::Fixed { bytes } => u64::from(bytes),
            _ => self.draw_varied_bytes(n, rng),
        }
    }

    fn draw_varied_bytes(&self, n: u64, rng: &mut NodeRng) -> u64 {
        let size = &self.spec.record_size;
        if n == 0 {
            return size.mean_bytes().round() as u64;
        }
        let total = match *size {
            _ if n <= 32 => (0..n).map(|_| draw_one(size, rng)).sum::<f64>(),
            _ => {
                let (mean, var) = size.moments();
                let nf = n as f64;
                let (lo, hi) = match *size {
                    RecordSize::Uniform { min_bytes, max_bytes } => {
                        (f64::from(min_bytes), f64::from(max_bytes.max(min_bytes)))
                    }
                    _ => (1.0, f64::from(MAX_RECORD_BYTES)),
                };
                (nf * mean + (nf * var).sqrt() * rng.normal()).clamp(nf * lo, nf * hi)
            }
        };
        libm::round(total / n as f64).max(1.0) as u64
    }

    /// User records per Kinesis record for records of `data_bytes`: 1
    /// without aggregation; with it, as many as fit the aggregate's size
    /// and count caps (data plus partition key each), at least 1.
    pub fn per_kinesis_record(&self, data_bytes: u64) -> u64 {
        match &self.spec.aggregation {
            None => 1,
            Some(Aggregation { max_bytes, max_user_records }) => {
                let user = data_bytes + u64::from(self.spec.partition_key_bytes);
                (u64::from(*max_bytes) / user.max(1)).clamp(1, u64::from(*max_user_records).max(1))
            }
        }
    }

    /// Requests needed to send `kinesis_records` records totalling `bytes`
    /// (data plus keys): PutRecord is one per record; PutRecords packs up to
    /// the record and size caps of a request (aws-facts 1.1).
    pub fn requests(&self, kinesis_records: u64, bytes: u64) -> u64 {
        match self.spec.api {
            Api::PutRecord => kinesis_records,
            Api::PutRecords { max_records_per_request, max_request_bytes } => {
                let by_count = kinesis_records.div_ceil(u64::from(max_records_per_request.max(1)));
                let by_bytes = bytes.div_ceil(max_request_bytes.max(1));
                by_count.max(by_bytes)
            }
        }
    }

    /// On-demand bytes billed for `accepted` user records written
    /// unaggregated: their expected rounded size, fractions carried.
    pub fn on_demand_billed(&mut self, accepted: u64) -> u64 {
        carried(accepted, self.meters.on_demand_bytes, &mut self.meters.on_demand_carry)
    }

    /// Firehose ingestion bytes billed for `accepted` records (Direct PUT):
    /// their expected size rounded up to 5 KB each, fractions carried.
    pub fn firehose_billed(&mut self, accepted: u64) -> u64 {
        carried(accepted, self.meters.firehose_bytes, &mut self.meters.firehose_carry)
    }

    /// PUT payload units for `accepted` unaggregated user records
    /// (aws-facts 2.1): the expected units of the size distribution, with
    /// fractions carried, so only their count matters and one call bills a
    /// whole attempt's records.
    pub fn payload_units(&mut self, accepted: u64) -> u64 {
        carried(accepted, self.units_per_record, &mut self.unit_carry)
    }

    /// PUT payload units for `accepted` user records of `data_bytes` each
    /// sent aggregated to one shard (aws-facts 2.1): billed on the
    /// aggregate's size (user data and keys), full aggregates plus one
    /// partial, shard by shard.
    pub fn aggregated_units(&self, accepted: u64, data_bytes: u64) -> u64 {
        let per = self.per_kinesis_record(data_bytes);
        if per == 1 {
            // Too big to aggregate: the KPL sends such records as they are.
            return accepted * put_payload_units(data_bytes);
        }
        let user = data_bytes + u64::from(self.spec.partition_key_bytes);
        let (full, rest) = (accepted / per, accepted % per);
        let mut units = full * put_payload_units(per * user);
        if rest > 0 {
            units += put_payload_units(rest * user);
        }
        units
    }

    /// Delay before attempt number `attempts + 1`: exponential backoff with
    /// equal jitter (half fixed, half random), capped.
    pub fn backoff(&self, attempts: u32, rng: &mut NodeRng) -> SimTime {
        let cap = self.backoff_cap(attempts);
        let half = cap as f64 / 2.0;
        (half + rng.uniform(0.0, half)).round().max(1.0) as SimTime
    }

    /// The shortest and longest [`Producer::backoff`] after `attempts`.
    pub fn backoff_window(&self, attempts: u32) -> (SimTime, SimTime) {
        let cap = self.backoff_cap(attempts);
        // `(cap as f64 / 2.0).round().max(1.0)` for a whole cap of at least
        // 1 and below 2^53 (validation allows 600 s at most), without the
        // call to `round`: this runs for every throttled attempt.
        (cap.div_ceil(2), cap)
    }

    /// The law of a retry's batch: each batch a record refused at `now`
    /// after `attempts` attempts can go out with (the first boundary of
    /// `interval` at or after its [`Producer::backoff`]), with its chance,
    /// in time order, into `out`. The chances add up to 1.
    pub fn retry_batches(
        &self,
        attempts: u32,
        now: SimTime,
        interval: SimTime,
        out: &mut Vec<(SimTime, f64)>,
    ) {
        out.clear();
        let (lo, hi) = self.backoff_window(attempts);
        let half = self.backoff_cap(attempts) as f64 / 2.0;
        let next_batch = |t: SimTime| t.div_ceil(interval) * interval;
        let (mut at, last) = (next_batch(now + lo), next_batch(now + hi));
        let mut by_before = 0.0;
        while at <= last {
            // round(half + U·half) <= at − now exactly when
            // U < (at − now + ½ − half) / half, U uniform on [0, 1).
            let by = (((at - now) as f64 + 0.5 - half) / half).clamp(0.0, 1.0);
            out.push((at, by - by_before));
            by_before = by;
            at += interval;
        }
    }

    fn backoff_cap(&self, attempts: u32) -> SimTime {
        backoff_cap(&self.spec.retry, attempts)
    }
}

/// The longest backoff after `attempts` attempts: the base doubled per
/// attempt, up to the cap.
pub(crate) fn backoff_cap(r: &crate::scenario::Retry, attempts: u32) -> SimTime {
    let exp = r.base_backoff_ms.saturating_mul(1u64 << attempts.saturating_sub(1).min(30));
    exp.min(r.max_backoff_ms).max(1)
}

/// Billed quantities of a producer's records whose expected value per
/// record is known from its size law (see `RecordSize::expected_chunks`).
#[derive(Clone, Debug)]
struct PerRecordMeters {
    on_demand_bytes: f64,
    firehose_bytes: f64,
    on_demand_carry: f64,
    firehose_carry: f64,
}

/// `count` records at `per_record` each, in whole units, the fraction
/// carried to the next call so nothing is lost to rounding.
fn carried(count: u64, per_record: f64, carry: &mut f64) -> u64 {
    let exact = count as f64 * per_record + *carry;
    let whole = libm::floor(exact);
    *carry = exact - whole;
    whole as u64
}

/// One record's data bytes, drawn exactly.
fn draw_one(size: &RecordSize, rng: &mut NodeRng) -> f64 {
    match *size {
        RecordSize::Fixed { bytes } => f64::from(bytes),
        RecordSize::Uniform { min_bytes, max_bytes } => {
            let (a, b) = (f64::from(min_bytes), f64::from(max_bytes.max(min_bytes)));
            libm::floor(rng.uniform(a, b + 1.0)).min(b)
        }
        RecordSize::LogNormal { median_bytes, sigma } => {
            libm::round(rng.log_normal(median_bytes, sigma)).clamp(1.0, f64::from(MAX_RECORD_BYTES))
        }
    }
}

/// Memory accounting (see [`crate::memory`]).
impl Producer {
    /// Memory beyond its own struct, in bytes: shard shares and a step or
    /// replay series.
    pub fn heap_bytes(&self) -> u64 {
        let series = match &self.profile {
            Profile::Piecewise { times, rates, cumulative } => crate::memory::buffer::<f64>(
                times.capacity() + rates.capacity() + cumulative.capacity(),
            ),
            _ => 0,
        };
        crate::memory::buffer::<f64>(self.shares.capacity()) + series
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{RateStep, Retry};

    fn producer(traffic: Traffic) -> Producer {
        let spec = ProducerSpec { records_per_s: 100.0, traffic, ..Default::default() };
        Producer::new(spec, Target::Stream(0), vec![1.0])
    }

    const DAY_MS: SimTime = 86_400 * SECOND;

    #[test]
    fn diurnal_traffic_integrates_to_the_base_rate_over_a_period() {
        let p = producer(Traffic::Diurnal {
            amplitude: 0.8,
            period_s: 86_400.0,
            phase_s: 3_600.0,
            arrivals: Arrivals::Constant,
        });
        let total = p.expected(0, DAY_MS);
        assert!((total - 8_640_000.0).abs() < 1e-3, "{total}");
        // Summed over 100 ms batches it is the same total (no drift).
        let batches: f64 = (0..864_000).map(|i| p.expected(i * 100, (i + 1) * 100)).sum();
        assert!((batches - 8_640_000.0).abs() < 1.0, "{batches}");
        // The peak quarter carries more than the trough quarter: sin peaks
        // at t + phase = P/4, so at 5 h here.
        let peak = p.expected(2 * 3_600_000, 8 * 3_600_000);
        let trough = p.expected(14 * 3_600_000, 20 * 3_600_000);
        assert!(peak > 2.0 * trough, "{peak} vs {trough}");
    }

    #[test]
    fn burst_traffic_integrates_on_and_off_parts() {
        let p = producer(Traffic::Burst {
            on_s: 10.0,
            off_s: 50.0,
            multiplier: 5.0,
            off_multiplier: 0.0,
            arrivals: Arrivals::Poisson,
        });
        // One minute: 10 s at 500/s, 50 s silent.
        assert!((p.expected(0, 60_000) - 5_000.0).abs() < 1e-6);
        assert!((p.expected(0, 3_600_000) - 300_000.0).abs() < 1e-6);
        assert_eq!(p.expected(10_000, 60_000), 0.0);
        assert!((p.expected(55_000, 65_000) - 2_500.0).abs() < 1e-6);
    }

    #[test]
    fn step_traffic_switches_rates_at_each_step() {
        let steps = vec![
            RateStep { at_s: 10.0, records_per_s: 1_000.0 },
            RateStep { at_s: 20.0, records_per_s: 0.0 },
        ];
        let p = producer(Traffic::Step { steps, arrivals: Arrivals::Constant });
        // 10 s at the base 100/s, 10 s at 1,000/s, then nothing.
        assert!((p.expected(0, 60_000) - 11_000.0).abs() < 1e-6);
        assert!((p.expected(5_000, 15_000) - 5_500.0).abs() < 1e-6);
    }

    #[test]
    fn replay_follows_the_series_and_scales_with_the_runtime_rate() {
        let csv = "time_s,records_per_s\n0,10\n5,30\n# spike\n8,0\n".to_string();
        let mut p = producer(Traffic::Replay { csv, arrivals: Arrivals::Constant });
        assert!((p.expected(0, 10_000) - 140.0).abs() < 1e-9);
        // SetProducerRate doubles the base rate: the series doubles too.
        p.spec.records_per_s = 200.0;
        assert!((p.expected(0, 10_000) - 280.0).abs() < 1e-9);
    }

    #[test]
    fn constant_arrivals_carry_fractions_so_totals_are_exact() {
        let mut p = producer(Traffic::Diurnal {
            amplitude: 0.5,
            period_s: 600.0,
            phase_s: 0.0,
            arrivals: Arrivals::Constant,
        });
        let mut rng = NodeRng::new(1, "p");
        let n: u64 = (1..=6_000).map(|i| p.generate(i * 100, &mut rng)).sum();
        assert!((59_999..=60_000).contains(&n), "{n}");
    }

    #[test]
    fn log_normal_sizes_have_the_clamped_mean() {
        let size = RecordSize::LogNormal { median_bytes: 2_000.0, sigma: 1.0 };
        let (mean, var) = size.moments();
        // Unclamped: median × e^{σ²/2}; the 1 MiB clamp hardly matters here.
        assert!((mean - 2_000.0 * libm::exp(0.5)).abs() < 1.0, "{mean}");
        let spec = ProducerSpec { record_size: size.clone(), ..Default::default() };
        let p = Producer::new(spec, Target::Stream(0), vec![1.0]);
        let mut rng = NodeRng::new(3, "sizes");
        // Exact draws (n ≤ 32) and the normal approximation (n > 32) agree
        // with the mean within 2%.
        let small: f64 = (0..20_000).map(|_| p.draw_data_bytes(10, &mut rng) as f64).sum();
        let large: f64 = (0..2_000).map(|_| p.draw_data_bytes(1_000, &mut rng) as f64).sum();
        assert!((small / 20_000.0 / mean - 1.0).abs() < 0.02, "{}", small / 20_000.0);
        assert!((large / 2_000.0 / mean - 1.0).abs() < 0.02, "{}", large / 2_000.0);
        // The average of 1,000 records scatters by sigma / sqrt(1,000).
        assert!(var > 0.0);
        // A heavy tail is clamped to 1 MiB (aws-facts 1.1).
        let heavy = RecordSize::LogNormal { median_bytes: 500_000.0, sigma: 3.0 };
        assert!(heavy.mean_bytes() < f64::from(MAX_RECORD_BYTES));
    }

    #[test]
    fn uniform_sizes_are_whole_bytes_in_range() {
        let size = RecordSize::Uniform { min_bytes: 100, max_bytes: 300 };
        assert_eq!(size.moments().0, 200.0);
        let mut rng = NodeRng::new(5, "u");
        for _ in 0..1_000 {
            let x = draw_one(&size, &mut rng);
            assert!((100.0..=300.0).contains(&x) && x.fract() == 0.0, "{x}");
        }
    }

    #[test]
    fn put_payload_units_follow_each_record_size() {
        // aws-facts 2.1: 25 KB chunks, at least one per record. Half of a
        // uniform 1..=51,200-byte record is above 25 KB: 1.5 units each.
        let spec = ProducerSpec {
            record_size: RecordSize::Uniform { min_bytes: 1, max_bytes: 51_200 },
            ..Default::default()
        };
        let mut p = Producer::new(spec, Target::Stream(0), vec![1.0]);
        assert_eq!(p.payload_units(1_000), 1_500);
    }

    #[test]
    fn aggregated_records_are_billed_on_the_aggregate_size() {
        // aws-facts 2.1: a PUT payload unit is a 25 KB chunk of a (Kinesis)
        // record; KPL aggregation packs 1,000-byte user records (plus a 24-byte
        // key) 50 to a 51,200-byte record: 2 units per 50 user records
        // instead of 50.
        let spec = ProducerSpec {
            partition_key_bytes: 24,
            aggregation: Some(Aggregation::default()),
            ..Default::default()
        };
        let p = Producer::new(spec, Target::Stream(0), vec![1.0]);
        assert_eq!(p.per_kinesis_record(1_000), 50);
        assert_eq!(p.aggregated_units(100, 1_000), 4);
        // 120 = 2 full aggregates (2 units each) and one of 20 (1 unit).
        assert_eq!(p.aggregated_units(120, 1_000), 5);
    }

    #[test]
    fn put_records_requests_hold_at_most_500_records() {
        // aws-facts 1.1: ≤ 500 records per PutRecords request.
        let p = Producer::new(ProducerSpec::default(), Target::Stream(0), vec![1.0]);
        assert_eq!(p.requests(500, 500 * 1_040), 1);
        assert_eq!(p.requests(501, 501 * 1_040), 2);
        assert_eq!(p.requests(1_200, 1_200 * 1_040), 3);
    }

    #[test]
    fn put_records_requests_hold_at_most_5_mib_including_keys() {
        // aws-facts 1.1: ≤ 5 MB per request including partition keys
        // (classic value; the current 10 MiB is allowed as a parameter).
        let p = Producer::new(ProducerSpec::default(), Target::Stream(0), vec![1.0]);
        // 100 records of 100 KB plus key: 10 MB, so two requests at least.
        assert_eq!(p.requests(100, 100 * (102_400 + 16)), 2);
        let current = ProducerSpec {
            api: Api::PutRecords { max_records_per_request: 500, max_request_bytes: 10_485_760 },
            ..Default::default()
        };
        assert_eq!(
            Producer::new(current, Target::Stream(0), vec![1.0]).requests(100, 100 * 102_400),
            1
        );
    }

    #[test]
    fn put_record_is_one_request_per_record() {
        // aws-facts 1.1: PutRecord writes one record per call.
        let spec = ProducerSpec { api: Api::PutRecord, ..Default::default() };
        assert_eq!(
            Producer::new(spec, Target::Stream(0), vec![1.0]).requests(777, 777 * 1_040),
            777
        );
    }

    #[test]
    fn backoff_doubles_with_equal_jitter_up_to_the_cap() {
        let spec = ProducerSpec {
            retry: Retry { max_attempts: 10, base_backoff_ms: 100, max_backoff_ms: 1_000 },
            ..Default::default()
        };
        let p = Producer::new(spec, Target::Stream(0), vec![1.0]);
        let mut rng = NodeRng::new(9, "b");
        for (attempt, cap) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1_000), (9, 1_000)] {
            for _ in 0..50 {
                let d = p.backoff(attempt, &mut rng);
                assert!((cap / 2..=cap).contains(&d), "attempt {attempt}: {d}");
            }
        }
    }

    /// The batch law matches drawing each record's backoff and waiting for
    /// the next batch, for windows that start on, off and between batches.
    #[test]
    fn retry_batches_are_the_law_of_a_drawn_backoff() {
        let spec = ProducerSpec {
            retry: Retry { max_attempts: 10, base_backoff_ms: 75, max_backoff_ms: 5_000 },
            ..Default::default()
        };
        let p = Producer::new(spec, Target::Stream(0), vec![1.0]);
        let mut rng = NodeRng::new(4, "retry batches");
        let mut law = Vec::new();
        for (attempts, now, interval) in
            [(1, 1_000, 100), (2, 1_030, 100), (3, 0, 7), (9, 50, 1_000)]
        {
            p.retry_batches(attempts, now, interval, &mut law);
            assert!((law.iter().map(|b| b.1).sum::<f64>() - 1.0).abs() < 1e-12);
            let draws = 200_000;
            let mut seen = vec![0u32; law.len()];
            for _ in 0..draws {
                let at = (now + p.backoff(attempts, &mut rng)).div_ceil(interval) * interval;
                let i = law.iter().position(|b| b.0 == at).expect("a drawn batch is in the law");
                seen[i] += 1;
            }
            for (&(at, chance), &n) in law.iter().zip(&seen) {
                let sd = (chance * (1.0 - chance) / draws as f64).sqrt();
                let freq = f64::from(n) / draws as f64;
                assert!(
                    (freq - chance).abs() <= 5.0 * sd + 1e-9,
                    "{attempts} at {at}: {freq} vs {chance}"
                );
            }
        }
    }
}
