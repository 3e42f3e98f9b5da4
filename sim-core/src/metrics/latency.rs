//! Latency distributions over records, kept without touching records one by
//! one: a fixed-size, mergeable log-linear histogram (HDR-style) fed with
//! cohorts, each a count of records whose latencies are spread evenly
//! between two values (MODEL.md, Latency).
//!
//! Buckets: 1 ms wide below 64 ms, then 32 per power of two, so a bucket is
//! at most 1/32 of its values wide (3.1%); values from 2^36 ms (about two
//! years) on share the last bucket, the maximum kept exactly. A cohort's
//! records are taken as spread evenly over `[lo, hi + 1)` ms, so a cohort
//! costs two bucket lookups whatever its width: its partial end buckets get
//! their share directly, the buckets between them a density (records per
//! ms) through a difference array, which a read-out sums once.

use serde::{Deserialize, Serialize};

use crate::time::SimTime;

/// Values below this are counted in 1 ms buckets.
const LINEAR_MS: u64 = 64;
/// Buckets per power of two above [`LINEAR_MS`] (log2 of it: `SUB_BITS`).
const SUB_BITS: u32 = 5;
const SUB: u64 = 1 << SUB_BITS;
/// Values from here on share the last bucket.
pub const TRACKED_MS: u64 = 1 << 36;
/// Buckets of a histogram: 64 linear, then 32 for each power of two from
/// 2^6 to 2^35.
pub const BUCKETS: usize = LINEAR_MS as usize + (36 - 6) * SUB as usize;
const MASK: usize = BUCKETS - 1;
const _: () = assert!(BUCKETS.is_power_of_two());

/// The widest bucket relative to the values it holds (above [`LINEAR_MS`]).
pub const RELATIVE_RESOLUTION: f64 = 1.0 / SUB as f64;

/// The bucket holding `ms`.
#[inline(always)]
fn bucket_of(ms: u64) -> usize {
    if ms < LINEAR_MS {
        return ms as usize;
    }
    let ms = ms.min(TRACKED_MS - 1);
    let e = 63 - ms.leading_zeros(); // 6 ..= 35
    LINEAR_MS as usize + (e as usize - 6) * SUB as usize + ((ms >> (e - SUB_BITS)) - SUB) as usize
}

/// The first value of bucket `j` and its width, in ms.
const fn bounds_of(j: usize) -> (u64, u64) {
    if j < LINEAR_MS as usize {
        return (j as u64, 1);
    }
    let k = (j - LINEAR_MS as usize) as u64;
    let (e, sub) = (k / SUB + 6, k % SUB);
    let width = 1 << (e - SUB_BITS as u64);
    ((SUB + sub) * width, width)
}

/// Where each bucket starts, and (last) where the tracked range ends: one
/// load where the arithmetic above is a dozen instructions.
static STARTS: [u64; BUCKETS + 1] = {
    let mut starts = [0; BUCKETS + 1];
    let mut j = 0;
    while j <= BUCKETS {
        starts[j] = bounds_of(j).0;
        j += 1;
    }
    starts
};

/// The first value of bucket `j` and its width, in ms.
#[inline(always)]
fn bounds(j: usize) -> (u64, u64) {
    (STARTS[j], STARTS[j + 1] - STARTS[j])
}

/// Width in ms of the bucket holding `ms`: how finely a percentile near
/// `ms` is known.
pub fn resolution_at(ms: f64) -> f64 {
    let ms = if ms.is_finite() && ms > 0.0 { ms as u64 } else { 0 };
    bounds(bucket_of(ms)).1 as f64
}

/// A latency distribution over records, in milliseconds.
#[derive(Clone, PartialEq)]
pub struct LatencyHistogram {
    /// Records put straight into each bucket (a cohort's end buckets).
    direct: [f64; BUCKETS],
    /// Changes of density, in records per ms, at each bucket's start: the
    /// buckets a cohort covers whole.
    slope: [f64; BUCKETS],
    records: u64,
    /// The smallest latency, ms (exact).
    min_ms: u64,
    /// Twice the sum of the records' latencies, in ms (exact).
    twice_sum_ms: u128,
    max_ms: u64,
}

/// Its figures, not its thousand buckets.
impl std::fmt::Debug for LatencyHistogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LatencyHistogram").field(&self.summary()).finish()
    }
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        LatencyHistogram {
            direct: [0.0; BUCKETS],
            slope: [0.0; BUCKETS],
            records: 0,
            min_ms: 0,
            twice_sum_ms: 0,
            max_ms: 0,
        }
    }
}

/// What a measuring node keeps: the latency of its own hop, and of the
/// records' whole way from the producer that made them (MODEL.md, Latency).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Latencies {
    /// From the record's arrival at this node.
    pub hop: LatencyHistogram,
    /// From the record's birth at a producer, through every hand-off.
    pub end_to_end: LatencyHistogram,
}

impl Latencies {
    /// Counts `n` records done at `now` that arrived here from `first` to
    /// `last` (spread evenly) and were born at a producer on average at
    /// `born` ([`crate::kinds::batch::born_blend`]). Their time upstream is
    /// taken as the same for each: the gap from their mean birth to their
    /// mean arrival, so the end-to-end entry is the hop's shifted by it
    /// (its mean is exact up to rounding; spread that happened upstream
    /// shows in the mean, not in the percentiles). Inlined, as the one
    /// histogram's was: it runs once per read of a stream.
    #[inline(always)]
    pub fn record(&mut self, now: SimTime, first: SimTime, last: SimTime, born: SimTime, n: u64) {
        let (lo, hi) = (now.saturating_sub(last), now.saturating_sub(first));
        self.hop.record(lo, hi, n);
        let upstream = (first / 2 + last / 2 + (first % 2 + last % 2) / 2).saturating_sub(born);
        self.end_to_end.record(lo + upstream, hi + upstream, n);
    }
}

/// What a latency distribution says: the figures of the run summary and the
/// view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// Records measured.
    pub records: u64,
    /// Mean latency, ms (exact, not from the buckets).
    pub mean_ms: f64,
    /// Median, ms.
    pub p50_ms: f64,
    /// 90th percentile, ms.
    pub p90_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Largest latency, ms (exact).
    pub max_ms: f64,
}

impl LatencyHistogram {
    /// Counts `n` records whose latencies are spread evenly from `lo` to
    /// `hi` ms (both included; `lo <= hi`). Two bucket lookups and a few
    /// additions, whatever the spread: it runs once per read of a stream.
    #[inline(always)]
    pub fn record(&mut self, lo: u64, hi: u64, n: u64) {
        debug_assert!(lo <= hi);
        if n == 0 {
            return;
        }
        if self.records == 0 || lo < self.min_ms {
            self.min_ms = lo;
        }
        self.max_ms = self.max_ms.max(hi);
        self.records += n;
        self.twice_sum_ms += crate::wide::mul(n, lo) + crate::wide::mul(n, hi);
        // Clamped to the tracked range once; below 2^36 every conversion
        // to f64 is exact. Indices are masked (BUCKETS is a power of two)
        // rather than checked: `bucket_of` is below BUCKETS anyway.
        let hi = hi.min(TRACKED_MS - 1);
        let lo = lo.min(hi);
        let (ja, jb) = (bucket_of(lo) & MASK, bucket_of(hi) & MASK);
        if ja == jb {
            self.direct[ja] += n as i64 as f64;
            return;
        }
        // Records spread over [lo, hi + 1).
        let (a, b) = (lo as i64, hi as i64 + 1);
        let density = n as i64 as f64 / (b - a) as f64;
        self.direct[ja] += density * (STARTS[ja + 1] as i64 - a) as f64;
        self.direct[jb] += density * (b - STARTS[jb] as i64) as f64;
        if jb > ja + 1 {
            self.slope[(ja + 1) & MASK] += density;
            self.slope[jb] -= density;
        }
    }

    /// Records measured.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Adds another distribution (another node's, another run's).
    pub fn merge(&mut self, other: &LatencyHistogram) {
        if other.records == 0 {
            return;
        }
        self.min_ms = if self.records == 0 { other.min_ms } else { self.min_ms.min(other.min_ms) };
        for (x, y) in self.direct.iter_mut().zip(&other.direct) {
            *x += y;
        }
        for (x, y) in self.slope.iter_mut().zip(&other.slope) {
            *x += y;
        }
        self.max_ms = self.max_ms.max(other.max_ms);
        self.records += other.records;
        self.twice_sum_ms += other.twice_sum_ms;
    }

    /// Records in each bucket: `(first ms, width ms, records)`, empty
    /// buckets left out.
    pub fn buckets(&self) -> impl Iterator<Item = (u64, u64, f64)> + '_ {
        let mut density = 0.0;
        (0..BUCKETS).filter_map(move |j| {
            density += self.slope[j];
            let (start, width) = bounds(j);
            let count = self.direct[j] + density * width as f64;
            // Densities cancel up to rounding where no cohort is.
            (count > 1e-9).then_some((start, width, count))
        })
    }

    /// Records by octave of latency, for a histogram people read on a log
    /// scale: `[0, 1)`, `[1, 2)`, `[2, 4)`, … ms as `(first ms, end ms,
    /// records)`, from the first octave with records to the last (empty
    /// ones between kept). Bucket edges fall on powers of two, so each
    /// octave is the exact sum of its buckets.
    pub fn octaves(&self) -> Vec<(u64, u64, f64)> {
        let octave = |start: u64| (u64::BITS - start.leading_zeros()) as usize;
        let mut counts: Vec<f64> = Vec::new();
        let mut first = usize::MAX;
        for (start, _, count) in self.buckets() {
            let o = octave(start);
            first = first.min(o);
            if counts.len() <= o {
                counts.resize(o + 1, 0.0);
            }
            counts[o] += count;
        }
        let edge = |o: usize| if o == 0 { 0 } else { 1u64 << (o - 1) };
        counts
            .iter()
            .enumerate()
            .skip(first.min(counts.len()))
            .map(|(o, &n)| (edge(o), edge(o + 1).max(1), n))
            .collect()
    }

    /// The latencies at the quantiles `qs` (ascending, 0 to 1), in ms:
    /// interpolated within their bucket, and never outside the smallest
    /// and largest latency seen. Empty when nothing was measured.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> Option<[f64; N]> {
        if self.records == 0 {
            return None;
        }
        let (min, max) = (self.min_ms as f64, self.max_ms as f64);
        let mut out = [max; N];
        let mut next = 0;
        let mut seen = 0.0;
        for (start, width, count) in self.buckets() {
            while next < N {
                let target = qs[next] * self.records as f64;
                if seen + count < target {
                    break;
                }
                let frac = ((target - seen) / count).clamp(0.0, 1.0);
                // The last bucket runs on to the largest latency seen.
                let width = if start + width == TRACKED_MS {
                    (max - start as f64).max(width as f64)
                } else {
                    width as f64
                };
                out[next] = (start as f64 + frac * width).clamp(min, max);
                next += 1;
            }
            if next == N {
                break;
            }
            seen += count;
        }
        Some(out)
    }

    /// Records, mean, p50, p90, p99 and maximum; `None` before any record.
    pub fn summary(&self) -> Option<LatencySummary> {
        let [p50_ms, p90_ms, p99_ms] = self.quantiles([0.5, 0.9, 0.99])?;
        Some(LatencySummary {
            records: self.records,
            mean_ms: self.twice_sum_ms as f64 / 2.0 / self.records as f64,
            p50_ms,
            p90_ms,
            p99_ms,
            max_ms: self.max_ms as f64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 100 records spread over 100 to 199 ms: 28 in the octave from 64 ms
    /// (100 to 127) and 72 from 128 ms; 10 at 0 ms in the first octave; the
    /// empty octaves between are kept, and the counts add up.
    #[test]
    fn octaves_sum_their_buckets() {
        let mut h = LatencyHistogram::default();
        h.record(100, 199, 100);
        h.record(0, 0, 10);
        let o = h.octaves();
        assert_eq!(
            o.iter().map(|b| (b.0, b.1)).collect::<Vec<_>>(),
            [(0, 1), (1, 2), (2, 4), (4, 8), (8, 16), (16, 32), (32, 64), (64, 128), (128, 256)]
        );
        assert!((o[0].2 - 10.0).abs() < 1e-9 && o[1].2.abs() < 1e-9);
        assert!((o[7].2 - 28.0).abs() < 1e-9, "{}", o[7].2);
        assert!((o[8].2 - 72.0).abs() < 1e-9, "{}", o[8].2);
        assert!(LatencyHistogram::default().octaves().is_empty());
    }

    /// The exact quantile of a list of latencies: the smallest value with
    /// at least `q` of the records at or below it.
    fn exact(sorted: &[u64], q: f64) -> f64 {
        let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
        sorted[rank - 1] as f64
    }

    #[test]
    fn buckets_tile_the_range_and_stay_within_resolution() {
        let mut next = 0;
        for j in 0..BUCKETS {
            let (start, width) = bounds(j);
            assert_eq!(start, next, "bucket {j}");
            assert_eq!(bucket_of(start), j);
            assert_eq!(bucket_of(start + width - 1), j);
            if start >= LINEAR_MS {
                assert!(width as f64 <= start as f64 * RELATIVE_RESOLUTION, "bucket {j}");
            }
            next = start + width;
        }
        assert_eq!(next, TRACKED_MS);
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
    }

    /// Cohorts against the same records one by one: every quantile within
    /// one bucket (plus the 1 ms a record's own bucket spans).
    #[test]
    fn cohorts_match_records_one_by_one() {
        // (lo, hi, n): evenly spread cohorts, some wide, some points.
        let cohorts = [(0, 999, 1_000), (5, 5, 300), (40, 4_000, 3_961), (70_000, 70_000, 7)];
        let mut h = LatencyHistogram::default();
        let mut all = Vec::new();
        for &(lo, hi, n) in &cohorts {
            h.record(lo, hi, n);
            all.extend((0..n).map(|i| lo + (hi - lo) * i / (n - 1).max(1)));
        }
        all.sort_unstable();
        let qs = [0.1, 0.5, 0.9, 0.99, 0.999];
        let got = h.quantiles(qs).unwrap();
        for (q, got) in qs.iter().zip(got) {
            let want = exact(&all, *q);
            let tolerance = resolution_at(want) + 1.0;
            assert!((got - want).abs() <= tolerance, "q {q}: {got} vs {want}");
        }
        let s = h.summary().unwrap();
        assert_eq!(s.records, all.len() as u64);
        assert_eq!(s.max_ms, 70_000.0);
        let mean = all.iter().sum::<u64>() as f64 / all.len() as f64;
        assert!((s.mean_ms - mean).abs() < 1e-6 * mean, "{} vs {mean}", s.mean_ms);
        let total: f64 = h.buckets().map(|(_, _, c)| c).sum();
        assert!((total - all.len() as f64).abs() < 1e-6);
    }

    #[test]
    fn merging_equals_recording_together() {
        let mut parts = [LatencyHistogram::default(), LatencyHistogram::default()];
        let mut both = LatencyHistogram::default();
        for (i, h) in parts.iter_mut().enumerate() {
            let i = i as u64;
            h.record(10 + i, 900 * (i + 1), 50);
            both.record(10 + i, 900 * (i + 1), 50);
        }
        let [mut merged, other] = parts;
        merged.merge(&other);
        assert_eq!(merged.summary(), both.summary());
    }

    #[test]
    fn empty_and_far_values() {
        let mut h = LatencyHistogram::default();
        assert_eq!(h.summary(), None);
        h.record(u64::MAX / 2, u64::MAX / 2, 3);
        let s = h.summary().unwrap();
        let far = (u64::MAX / 2) as f64;
        assert_eq!((s.records, s.max_ms), (3, far));
        // Past the tracked range the last bucket runs on to the maximum,
        // and percentiles stay between the smallest and largest seen.
        assert_eq!((s.p50_ms, s.mean_ms), (far, far));
        h.record(TRACKED_MS, TRACKED_MS, 3);
        let p50 = h.summary().unwrap().p50_ms;
        assert!(p50 > TRACKED_MS as f64 && p50 < far, "{p50}");
    }
}
