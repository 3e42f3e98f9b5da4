//! Metrics with CloudWatch names and units, at one-second resolution, kept
//! in fixed-capacity tiers (1 s, 1 min, 1 h) so memory stays flat however
//! long a run lasts.

use std::collections::{BTreeMap, VecDeque};

use crate::time::SimTime;

pub mod catalogue;
pub mod latency;

pub use catalogue::*;
pub use latency::{Latencies, LatencyHistogram, LatencySummary};

/// One aggregated period of a series.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// Start of the period.
    pub t: SimTime,
    /// Sum of the samples.
    pub sum: f64,
    /// Largest sample.
    pub max: f64,
    /// One-second datapoints aggregated: the period's seconds, less the
    /// seconds without a datapoint of a [`Missing::NoData`] metric. 0 means
    /// the period has no datapoint.
    pub n: u32,
}

impl Point {
    /// The period's value under `stat`.
    pub fn value(&self, stat: Statistic) -> f64 {
        match stat {
            Statistic::Sum => self.sum,
            Statistic::Maximum => self.max,
        }
    }

    /// Whether the period has a datapoint (see [`Missing::NoData`]).
    pub fn has_data(&self) -> bool {
        self.n > 0
    }

    /// Adds a later period of the same coarser period.
    fn absorb(&mut self, other: &Point) {
        self.sum += other.sum;
        if other.has_data() {
            self.max = if self.has_data() { self.max.max(other.max) } else { other.max };
        }
        self.n += other.n;
    }
}

/// A downsampling time series: an hour of seconds, a day of minutes and a
/// year of hours.
#[derive(Clone, Debug, Default)]
pub struct Series {
    tiers: [VecDeque<Point>; 3],
    /// The coarser periods being filled (none yet at the start).
    partial: [Option<Point>; 3],
}

impl Series {
    /// Appends the one-second point starting at `t`.
    pub fn push_second(&mut self, point: Point) {
        self.push(0, point);
    }

    fn push(&mut self, tier: usize, point: Point) {
        let (res, cap) = TIERS[tier];
        let ring = &mut self.tiers[tier];
        if ring.len() == cap {
            ring.pop_front();
        } else if ring.len() == ring.capacity() {
            // Doubling, but never past the tier's length: a year of hours
            // is 8,760 points, not the 16,384 plain doubling would reserve.
            ring.reserve_exact(ring.len().clamp(4, cap - ring.len()));
        }
        ring.push_back(point);
        if let Some(&(next_res, _)) = TIERS.get(tier + 1) {
            let partial =
                self.partial[tier + 1].get_or_insert(Point { t: point.t, ..Point::default() });
            partial.absorb(&point);
            if point.t + res >= partial.t + next_res {
                let full = *partial;
                self.partial[tier + 1] = None;
                self.push(tier + 1, full);
            }
        }
    }

    /// Memory beyond its own struct, in bytes (see [`crate::memory`]).
    pub fn heap_bytes(&self) -> u64 {
        self.tiers.iter().map(|t| crate::memory::buffer::<Point>(t.capacity())).sum()
    }

    /// The points kept at one resolution (index into [`TIERS`]), oldest first.
    pub fn tier(&self, tier: usize) -> &VecDeque<Point> {
        &self.tiers[tier]
    }

    /// The most recent one-second point.
    pub fn last(&self) -> Option<&Point> {
        self.tiers[0].back()
    }

    /// The finest tier whose points reach back to `since`.
    pub fn finest_covering(&self, since: SimTime) -> usize {
        (0..TIERS.len())
            .find(|&i| self.tiers[i].front().is_some_and(|p| p.t <= since))
            .unwrap_or(TIERS.len() - 1)
    }
}

/// Whole-run statistics of one metric over its one-second values.
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    /// Sum of the per-second values.
    pub sum: f64,
    /// Largest per-second value.
    pub max: f64,
    /// Number of seconds with a datapoint.
    pub seconds: u64,
    histogram: BTreeMap<u32, u64>,
}

impl RunStats {
    fn record(&mut self, value: f64) {
        self.sum += value;
        self.max = if self.seconds == 0 { value } else { self.max.max(value) };
        self.seconds += 1;
        *self.histogram.entry(bucket_of(value)).or_default() += 1;
    }

    /// Memory beyond its own struct, in bytes: the histogram's buckets.
    pub fn heap_bytes(&self) -> u64 {
        crate::memory::btree::<u32, u64>(self.histogram.len())
    }

    /// Mean of the per-second values.
    pub fn avg(&self) -> f64 {
        if self.seconds == 0 { 0.0 } else { self.sum / self.seconds as f64 }
    }

    /// 99th percentile of the per-second values, to within 1/128 relative
    /// (exact below 128).
    pub fn p99(&self) -> f64 {
        let rank = (self.seconds * 99).div_ceil(100);
        let mut seen = 0;
        for (&bucket, &count) in &self.histogram {
            seen += count;
            if seen >= rank {
                return bucket_floor(bucket) as f64;
            }
        }
        0.0
    }
}

/// Log-linear histogram bucket: exact below 128, then 128 buckets per power of two.
fn bucket_of(value: f64) -> u32 {
    let x = if value.is_finite() && value > 0.0 { value.round() as u64 } else { 0 };
    if x < 128 {
        return x as u32;
    }
    let e = 63 - x.leading_zeros(); // >= 7
    let sub = (x >> (e - 7)) & 127;
    (e - 6) * 128 + sub as u32
}

fn bucket_floor(bucket: u32) -> u64 {
    if bucket < 128 {
        return u64::from(bucket);
    }
    let (e, sub) = (bucket / 128 + 6, u64::from(bucket % 128));
    (128 + sub) << (e - 7)
}

/// The metrics of one node: the current second's accumulators, the series
/// and the whole-run statistics, one per [`MetricDef`].
#[derive(Clone, Debug)]
pub struct NodeMetrics {
    defs: &'static [MetricDef],
    current: Vec<Point>,
    series: Vec<Series>,
    stats: Vec<RunStats>,
}

impl NodeMetrics {
    /// Empty metrics for the given table.
    pub fn new(defs: &'static [MetricDef]) -> Self {
        NodeMetrics {
            defs,
            current: vec![Point::default(); defs.len()],
            series: vec![Series::default(); defs.len()],
            stats: vec![RunStats::default(); defs.len()],
        }
    }

    /// Adds to a Sum metric in the current second.
    pub fn add(&mut self, metric: usize, amount: f64) {
        self.current[metric].sum += amount;
    }

    /// Records a sample of a Maximum metric in the current second.
    pub fn sample(&mut self, metric: usize, value: f64) {
        let p = &mut self.current[metric];
        p.max = if p.n == 0 { value } else { p.max.max(value) };
        p.n = 1;
    }

    /// The value accumulated so far in the current (unfinished) second.
    pub fn current(&self, metric: usize) -> f64 {
        self.current[metric].value(self.defs[metric].stat)
    }

    /// Closes the second starting at `t` and starts the next one; the
    /// second counts in the run's statistics when `measured` (it is past
    /// the scenario's warm-up).
    pub fn close_second(&mut self, t: SimTime, measured: bool) {
        for (i, def) in self.defs.iter().enumerate() {
            let cur = std::mem::take(&mut self.current[i]);
            // A gauge with no sample this second keeps its last value, as the
            // age of an unread record keeps growing between reads, unless
            // only a response reports it: then the second has no datapoint.
            let (value, n) = match (def.stat, def.missing) {
                (Statistic::Maximum, Missing::NoData) if cur.n == 0 => (0.0, 0),
                (Statistic::Maximum, Missing::Repeat) if cur.n == 0 => (self.last_second(i), 1),
                (stat, _) => (cur.value(stat), 1),
            };
            let point = Point { t, sum: cur.sum, max: value, n };
            self.series[i].push_second(point);
            if n > 0 && measured {
                self.stats[i].record(value);
            }
        }
    }

    /// Memory beyond its own struct, in bytes (see [`crate::memory`]).
    pub fn heap_bytes(&self) -> u64 {
        use crate::memory::buffer;
        buffer::<Point>(self.current.capacity())
            + buffer::<Series>(self.series.capacity())
            + self.series.iter().map(Series::heap_bytes).sum::<u64>()
            + buffer::<RunStats>(self.stats.capacity())
            + self.stats.iter().map(RunStats::heap_bytes).sum::<u64>()
    }

    /// The metric table.
    pub fn defs(&self) -> &'static [MetricDef] {
        self.defs
    }

    /// The series of one metric.
    pub fn series(&self, metric: usize) -> &Series {
        &self.series[metric]
    }

    /// The run's statistics of one metric (past the warm-up).
    pub fn stats(&self, metric: usize) -> &RunStats {
        &self.stats[metric]
    }

    /// A Sum metric's total since the start (or the warm-up's end),
    /// including the unfinished second.
    pub fn total(&self, metric: usize) -> f64 {
        self.stats[metric].sum + self.current[metric].sum
    }

    /// The last closed second's value of a metric (0 before the first, and
    /// when that second has no datapoint: see [`NodeMetrics::latest`]).
    pub fn last_second(&self, metric: usize) -> f64 {
        self.latest(metric).unwrap_or(0.0)
    }

    /// The last closed second's datapoint of a metric, if it has one.
    pub fn latest(&self, metric: usize) -> Option<f64> {
        let point = self.series[metric].last()?;
        point.has_data().then(|| point.value(self.defs[metric].stat))
    }
}
