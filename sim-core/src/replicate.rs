//! Replications: the same scenario run with several seeds derived from its
//! own, and each key figure reported as a mean with a 95% confidence
//! interval (Student's t), so a difference between two configurations can
//! be told from noise (MODEL.md, Replications).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::budget::{Budget, check_run};
use crate::compare::{ModeComparison, Service, ServiceComparison, ServiceRow};
use crate::engine::Simulation;
use crate::metrics::{Latencies, LatencyHistogram, stream};
use crate::report::Summary;
use crate::scenario::NodeKind;
use crate::sweep::measure;
use crate::time::{SECOND, SimTime};
use crate::validate::ValidScenario;

/// Replications a run may ask for: 1 (a plain run) to this many.
pub const MAX_REPLICATIONS: u32 = 100;

/// The confidence level of every interval.
pub const CONFIDENCE: f64 = 0.95;

/// Checks a replication count: 1 to [`MAX_REPLICATIONS`].
pub fn check_count(n: u32) -> Result<u32, String> {
    if (1..=MAX_REPLICATIONS).contains(&n) {
        Ok(n)
    } else {
        Err(format!("replications is {n}; it must be 1 to {MAX_REPLICATIONS}"))
    }
}

/// The seeds of `n` replications of a run with seed `base`: the first is
/// `base` itself (so the first replication is the plain run), the others
/// SplitMix64 steps from it, the same on every machine.
pub fn seeds(base: u64, n: u32) -> Vec<u64> {
    let mut state = base;
    let mut out = vec![base];
    for _ in 1..n {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.push(z ^ (z >> 31));
    }
    out
}

/// The 97.5% quantile of Student's t with 1 to 99 degrees of freedom
/// (the two-sided 95% interval), computed once to six decimals.
const T_975: [f64; 99] = [
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
    2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
    2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
    2.048407, 2.045230, 2.042272, 2.039513, 2.036933, 2.034515, 2.032245, 2.030108, 2.028094,
    2.026192, 2.024394, 2.022691, 2.021075, 2.019541, 2.018082, 2.016692, 2.015368, 2.014103,
    2.012896, 2.011741, 2.010635, 2.009575, 2.008559, 2.007584, 2.006647, 2.005746, 2.004879,
    2.004045, 2.003241, 2.002465, 2.001717, 2.000995, 2.000298, 1.999624, 1.998972, 1.998341,
    1.997730, 1.997138, 1.996564, 1.996008, 1.995469, 1.994945, 1.994437, 1.993943, 1.993464,
    1.992997, 1.992543, 1.992102, 1.991673, 1.991254, 1.990847, 1.990450, 1.990063, 1.989686,
    1.989319, 1.988960, 1.988610, 1.988268, 1.987934, 1.987608, 1.987290, 1.986979, 1.986675,
    1.986377, 1.986086, 1.985802, 1.985523, 1.985251, 1.984984, 1.984723, 1.984467, 1.984217,
];

/// The 97.5% quantile of Student's t with `df` degrees of freedom (1 to 99).
pub fn t_975(df: u32) -> f64 {
    T_975[(df.clamp(1, 99) - 1) as usize]
}

/// A figure over the replications: mean, sample standard deviation and the
/// 95% confidence interval of the mean, `mean ± t × sd / √n`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// Replications.
    pub n: u32,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1 in the denominator).
    pub sd: f64,
    /// Half the interval's width.
    pub half_width: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The interval of `values` (at least two).
pub fn interval(values: &[f64]) -> Interval {
    let n = values.len().max(1);
    let mean = values.iter().sum::<f64>() / n as f64;
    let var = if n > 1 {
        values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    let sd = var.sqrt();
    let half_width = if n > 1 { t_975(n as u32 - 1) * sd / (n as f64).sqrt() } else { 0.0 };
    Interval { n: n as u32, mean, sd, half_width, low: mean - half_width, high: mean + half_width }
}

/// The key figures of one run (they cross to the page from a planning
/// worker, hence `Deserialize`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Write attempts the streams refused, as a percentage of all attempts.
    pub throttled_pct: f64,
    /// Records lost (as a sweep counts them).
    pub lost_records: f64,
    /// The run's cost projected over the scenario's month.
    pub monthly_usd: f64,
    /// p99 record latency of each measuring node with records, by node id.
    pub latency_p99_ms: BTreeMap<String, f64>,
    /// The same records' p99 end to end, from their producer, by node id.
    pub end_to_end_p99_ms: BTreeMap<String, f64>,
}

/// Reads the key figures off a finished run.
pub fn figures(sim: &Simulation, valid: &ValidScenario) -> Figures {
    let point = measure(sim, 0.0);
    let (mut refused, mut accepted) = (0.0, 0.0);
    for (i, slot) in sim.slots().enumerate() {
        if slot.kind == NodeKind::KinesisStream {
            refused += sim.metrics(i).total(stream::WRITE_THROTTLED);
            accepted += sim.metrics(i).total(stream::INCOMING_RECORDS);
        }
    }
    let attempts = refused + accepted;
    let p99_by_node = |of: fn(&Latencies) -> &LatencyHistogram| {
        let nodes = valid.scenario().indexed_nodes();
        nodes
            .filter_map(|(i, node)| Some((node.id.clone(), of(sim.latency(i)?).summary()?.p99_ms)))
            .collect()
    };
    Figures {
        throttled_pct: if attempts > 0.0 { 100.0 * refused / attempts } else { 0.0 },
        lost_records: point.lost_records as f64,
        monthly_usd: point.monthly_usd,
        latency_p99_ms: p99_by_node(|l| &l.hop),
        end_to_end_p99_ms: p99_by_node(|l| &l.end_to_end),
    }
}

/// What replications say: the seeds and each figure's interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Replications {
    /// Replications run.
    pub n: u32,
    /// Their seeds, the scenario's first.
    pub seeds: Vec<u64>,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Write attempts refused by the streams, % of attempts.
    pub throttled_pct: Interval,
    /// Records lost.
    pub lost_records: Interval,
    /// Monthly cost projection, USD.
    pub monthly_usd: Interval,
    /// p99 record latency per measuring node, ms (nodes with records in
    /// every replication).
    pub latency_p99_ms: BTreeMap<String, Interval>,
    /// The same nodes' p99 end to end, from the producer, ms.
    pub end_to_end_p99_ms: BTreeMap<String, Interval>,
}

/// A run's summary, its keys in their usual order, followed by
/// `replications` (the JSON `shardplay run --replications N` prints).
#[derive(Serialize)]
pub struct ReplicatedSummary<'a> {
    /// The summary of the first replication (the scenario's seed).
    #[serde(flatten)]
    pub summary: &'a Summary,
    /// Every key figure over the replications.
    pub replications: Replications,
}

/// Combines the figures of runs with `seeds` (in the same order).
pub fn combine(seeds: Vec<u64>, runs: &[Figures]) -> Replications {
    let of = |f: &dyn Fn(&Figures) -> f64| interval(&runs.iter().map(f).collect::<Vec<_>>());
    // Per node, over the nodes with records in every run.
    let by_node = |map: fn(&Figures) -> &BTreeMap<String, f64>| {
        let Some(first) = runs.first() else { return BTreeMap::new() };
        map(first)
            .keys()
            .filter_map(|id| {
                let values: Option<Vec<f64>> =
                    runs.iter().map(|r| map(r).get(id).copied()).collect();
                Some((id.clone(), interval(&values?)))
            })
            .collect()
    };
    Replications {
        n: runs.len() as u32,
        seeds,
        confidence: CONFIDENCE,
        throttled_pct: of(&|f| f.throttled_pct),
        lost_records: of(&|f| f.lost_records),
        monthly_usd: of(&|f| f.monthly_usd),
        latency_p99_ms: by_node(|f| &f.latency_p99_ms),
        end_to_end_p99_ms: by_node(|f| &f.end_to_end_p99_ms),
    }
}

/// One replication: a run of the scenario with one seed, advanced a slice
/// of simulated time at a time and held to a budget, so a host can run it
/// between frames (the page) or all at once (a planning worker), and stop
/// it at any slice. A run advanced in slices reaches the same state as one
/// advanced at once, so its figures do not depend on the host.
pub struct Replica {
    sim: Simulation,
    end: SimTime,
}

impl Replica {
    /// The run of `valid` with `seed`, at time zero.
    pub fn new(valid: &ValidScenario, seed: u64) -> Self {
        let end = valid.scenario().duration_s.saturating_mul(SECOND);
        Replica { sim: Simulation::new(valid, seed), end }
    }

    /// Advances the run by up to `slice` of simulated time (`valid` is the
    /// scenario it was made from): its figures once it reaches the
    /// scenario's duration, or why it stopped when it outgrew `budget`.
    pub fn advance(
        &mut self,
        valid: &ValidScenario,
        slice: SimTime,
        budget: &Budget,
    ) -> Result<Option<Figures>, String> {
        let to = self.sim.now().saturating_add(slice.max(1)).min(self.end);
        self.sim.run_until(to);
        check_run(&self.sim, budget)?;
        Ok((self.sim.now() >= self.end).then(|| figures(&self.sim, valid)))
    }

    /// The share of the run's simulated time done (0 to 1).
    pub fn share(&self) -> f64 {
        self.sim.now() as f64 / self.end.max(1) as f64
    }
}

/// One replication of `valid` with `seed`, run to its end and held to
/// `budget` every simulated minute, as the app's guard holds a live run
/// ([`crate::budget::GUARD_INTERVAL_MS`]): the task a planning worker runs.
pub fn replicate(valid: &ValidScenario, seed: u64, budget: &Budget) -> Result<Figures, String> {
    let mut replica = Replica::new(valid, seed);
    loop {
        if let Some(figures) = replica.advance(valid, crate::budget::GUARD_INTERVAL_MS, budget)? {
            return Ok(figures);
        }
    }
}

/// Where replications stand after a run ends (or a slice, for a job).
#[derive(Clone, Debug, PartialEq)]
pub enum JobState {
    /// Runs finished so far, of all, and the share of all simulated time
    /// done (0 to 1).
    Running {
        /// Replications finished.
        done: u32,
        /// Replications asked for.
        of: u32,
        /// Share of every replication's simulated time done.
        share: f64,
    },
    /// Every replication ran: each figure's interval, and every run's
    /// figures in seed order (for a plot of their spread).
    Done(Box<Replications>, Vec<Figures>),
    /// A run outgrew the budget: why, in words.
    Failed(String),
}

/// Replications' figures gathered as their runs end, in any order (runs
/// on a pool of workers finish as they please) and combined in seed
/// order, so the intervals do not depend on which run ended first.
#[derive(Clone, Debug)]
pub struct Gathered {
    seeds: Vec<u64>,
    runs: Vec<Option<Figures>>,
}

impl Gathered {
    /// Nothing gathered yet for runs with `seeds`.
    pub fn new(seeds: Vec<u64>) -> Self {
        let runs = vec![None; seeds.len()];
        Gathered { seeds, runs }
    }

    /// The seeds, in order.
    pub fn seeds(&self) -> &[u64] {
        &self.seeds
    }

    /// The figures of the run with the `index`th seed (a second report of
    /// the same run is ignored): where the replications stand.
    pub fn put(&mut self, index: usize, figures: Figures) -> JobState {
        if let Some(slot @ None) = self.runs.get_mut(index) {
            *slot = Some(figures);
        }
        self.state()
    }

    /// Where the replications stand.
    pub fn state(&self) -> JobState {
        let of = self.seeds.len() as u32;
        let done = self.runs.iter().flatten().count() as u32;
        if done < of {
            return JobState::Running { done, of, share: f64::from(done) / f64::from(of) };
        }
        let runs: Vec<Figures> = self.runs.iter().flatten().cloned().collect();
        JobState::Done(Box::new(combine(self.seeds.clone(), &runs)), runs)
    }
}

/// Replications run one after another a slice at a time, so a host with
/// one thread (the page, when no worker starts) can run them between
/// frames and stop them at any slice.
pub struct ReplicationJob {
    valid: ValidScenario,
    budget: Budget,
    gathered: Gathered,
    /// The seed running next, and its run once started.
    next: usize,
    running: Option<Replica>,
}

impl ReplicationJob {
    /// `n` replications (1 to [`MAX_REPLICATIONS`]) of `valid` over its
    /// duration, each held to `budget`.
    pub fn new(valid: &ValidScenario, n: u32, budget: Budget) -> Result<Self, String> {
        let n = check_count(n)?;
        Ok(ReplicationJob {
            valid: valid.clone(),
            budget,
            gathered: Gathered::new(seeds(valid.scenario().seed, n)),
            next: 0,
            running: None,
        })
    }

    /// Advances the current run by up to `slice` of simulated time (ending
    /// it, and starting the next seed's, when it reaches the duration).
    pub fn step(&mut self, slice: SimTime) -> JobState {
        let of = self.gathered.seeds().len();
        let Some(&seed) = self.gathered.seeds().get(self.next) else {
            return self.gathered.state();
        };
        let valid = &self.valid;
        let replica = self.running.get_or_insert_with(|| Replica::new(valid, seed));
        match replica.advance(valid, slice, &self.budget) {
            Err(why) => JobState::Failed(why),
            Ok(Some(figures)) => {
                self.running = None;
                self.next += 1;
                self.gathered.put(self.next - 1, figures)
            }
            Ok(None) => JobState::Running {
                done: self.next as u32,
                of: of as u32,
                share: (self.next as f64 + replica.share()) / of as f64,
            },
        }
    }
}

/// The capacity modes' bills over the replications: each mode's monthly
/// projection and refused writes, and whether the cheapest mode is cheaper
/// than the next with 95% confidence. The difference is paired seed by
/// seed (both modes carry the same traffic for a seed), so it is judged on
/// its own interval, not on two overlapping ones.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicatedModes {
    /// Replications run.
    pub n: u32,
    /// Their seeds, the scenario's first.
    pub seeds: Vec<u64>,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Each mode, in the bill's order.
    pub modes: Vec<ModeInterval>,
    /// The mode cheapest on the first seed (the bill's `cheaper`).
    pub cheaper: &'static str,
    /// The mode it is compared with: the next cheapest.
    pub than: &'static str,
    /// `than`'s projection minus `cheaper`'s, seed by seed, USD a month.
    pub monthly_saving_usd: Interval,
    /// Whether that saving's interval lies above zero.
    pub cheaper_at_95: bool,
}

/// One capacity mode over the replications.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModeInterval {
    /// `provisioned`, `on_demand` or `on_demand_advantage`.
    pub mode: &'static str,
    /// Monthly projection, USD.
    pub monthly_projection_usd: Interval,
    /// Write attempts refused.
    pub write_throttled: Interval,
}

/// Combines the mode comparisons of runs with `seeds` (in the same order;
/// at least one).
pub fn combine_modes(seeds: Vec<u64>, runs: &[ModeComparison]) -> ReplicatedModes {
    let bill = |run: &ModeComparison, mode: &str| -> (f64, f64) {
        let m = run.modes.iter().find(|m| m.mode == mode).expect("every run bills every mode");
        (m.monthly_projection_usd, m.write_throttled as f64)
    };
    let of = |mode: &str, f: fn((f64, f64)) -> f64| {
        interval(&runs.iter().map(|r| f(bill(r, mode))).collect::<Vec<_>>())
    };
    let first = &runs[0];
    let modes = first
        .modes
        .iter()
        .map(|m| ModeInterval {
            mode: m.mode,
            monthly_projection_usd: of(m.mode, |b| b.0),
            write_throttled: of(m.mode, |b| b.1),
        })
        .collect();
    let (cheaper, than) = first.cheapest_two();
    let (cheaper, than) = (cheaper.mode, than.mode);
    let saving: Vec<f64> = runs.iter().map(|r| bill(r, than).0 - bill(r, cheaper).0).collect();
    let monthly_saving_usd = interval(&saving);
    ReplicatedModes {
        n: runs.len() as u32,
        seeds,
        confidence: CONFIDENCE,
        modes,
        cheaper,
        than,
        monthly_saving_usd,
        cheaper_at_95: runs.len() > 1 && monthly_saving_usd.low > 0.0,
    }
}

/// A mode comparison, its keys in their usual order, followed by
/// `replications` (the JSON `shardplay cost --replications N` prints).
#[derive(Serialize)]
pub struct ReplicatedComparison<'a> {
    /// The comparison of the first replication (the scenario's seed).
    #[serde(flatten)]
    pub comparison: &'a ModeComparison,
    /// Every mode over the replications.
    pub replications: ReplicatedModes,
}

/// One service of the Kinesis-vs-MSK comparison over the replications:
/// each measured figure of its row ([`ServiceRow`], the same keys). The
/// capacity is a setting, not a measurement, and stays the first seed's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceInterval {
    /// The service.
    pub service: Service,
    /// Client bytes a second taken, on average.
    pub incoming_bytes_per_s: Interval,
    /// Records a second taken, on average.
    pub incoming_records_per_s: Interval,
    /// Share of capacity left (of the limit reached first).
    pub headroom: Interval,
    /// The busiest shard's, broker's or quota's peak load.
    pub busiest_unit_load: Interval,
    /// Writes refused.
    pub refused_writes: Interval,
    /// Longest producer wait, ms.
    pub producer_wait_max_ms: Interval,
    /// Worst consumer lag, ms.
    pub lag_max_ms: Interval,
    /// Records lost.
    pub lost_records: Interval,
    /// The service's cost of the run, USD.
    pub run_usd: Interval,
    /// That cost projected over a month, USD.
    pub monthly_usd: Interval,
}

/// The Kinesis-vs-MSK comparison over the replications: every service's
/// measured figures, each seed running all three services.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicatedServices {
    /// Replications run.
    pub n: u32,
    /// Their seeds, the scenario's first.
    pub seeds: Vec<u64>,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Each service, in the comparison's order.
    pub rows: Vec<ServiceInterval>,
}

/// Combines the service comparisons of runs with `seeds` (in the same
/// order; at least one).
pub fn combine_services(seeds: Vec<u64>, runs: &[ServiceComparison]) -> ReplicatedServices {
    let rows = runs[0]
        .rows
        .iter()
        .map(|first| {
            let of = |f: fn(&ServiceRow) -> f64| {
                let values: Vec<f64> = runs
                    .iter()
                    .map(|run| {
                        let row = run.rows.iter().find(|r| r.service == first.service);
                        f(row.expect("every run has every service"))
                    })
                    .collect();
                interval(&values)
            };
            ServiceInterval {
                service: first.service,
                incoming_bytes_per_s: of(|r| r.incoming_bytes_per_s),
                incoming_records_per_s: of(|r| r.incoming_records_per_s),
                headroom: of(|r| r.headroom),
                busiest_unit_load: of(|r| r.busiest_unit_load),
                refused_writes: of(|r| r.refused_writes as f64),
                producer_wait_max_ms: of(|r| r.producer_wait_max_ms),
                lag_max_ms: of(|r| r.lag_max_ms),
                lost_records: of(|r| r.lost_records as f64),
                run_usd: of(|r| r.run_usd),
                monthly_usd: of(|r| r.monthly_usd),
            }
        })
        .collect();
    ReplicatedServices { n: runs.len() as u32, seeds, confidence: CONFIDENCE, rows }
}

/// A service comparison, its keys in their usual order, followed by
/// `replications` (the JSON `shardplay compare --replications N` prints).
#[derive(Serialize)]
pub struct ReplicatedServiceComparison<'a> {
    /// The comparison of the first replication (the scenario's seed).
    #[serde(flatten)]
    pub comparison: &'a ServiceComparison,
    /// Every service over the replications.
    pub replications: ReplicatedServices,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five values by hand: mean 3, sample variance 10 / 4 = 2.5, and the
    /// textbook t(0.975, 4) = 2.776 give 3 ± 2.776 × √2.5 / √5 = 3 ± 1.963.
    #[test]
    fn interval_arithmetic_by_hand() {
        let i = interval(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!((i.n, i.mean), (5, 3.0));
        assert!((i.sd - 2.5f64.sqrt()).abs() < 1e-12);
        let by_hand = 2.776 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((i.half_width - by_hand).abs() < 1e-3, "{} vs {by_hand}", i.half_width);
        assert!((i.low - (3.0 - i.half_width)).abs() < 1e-12);
        assert!((i.high - (3.0 + i.half_width)).abs() < 1e-12);
        // Equal values: no spread, a zero-width interval.
        let flat = interval(&[7.0; 4]);
        assert_eq!((flat.sd, flat.low, flat.high), (0.0, 7.0, 7.0));
    }

    /// Table values against the textbook's three decimals.
    #[test]
    fn t_quantiles_match_the_textbook() {
        for (df, t) in [(1, 12.706), (2, 4.303), (9, 2.262), (30, 2.042), (60, 2.000), (99, 1.984)]
        {
            assert!((t_975(df) - t).abs() < 5e-4, "df {df}: {}", t_975(df));
        }
        assert!(T_975.windows(2).all(|w| w[0] > w[1]), "decreasing in df");
    }

    #[test]
    fn seeds_start_with_the_base_and_differ() {
        let s = seeds(42, 10);
        assert_eq!(s[0], 42);
        assert_eq!(s, seeds(42, 10));
        let mut sorted = s.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 10);
        assert_eq!(seeds(42, 3), s[..3]);
    }

    /// Three replications of two minutes of the default scenario, run in
    /// 7-second slices (not a divisor of the run), give the same intervals
    /// and per-seed figures as three whole runs.
    #[test]
    fn a_job_in_slices_matches_whole_runs() {
        let mut scenario = crate::parse_scenario(crate::DEFAULT_SCENARIO).unwrap();
        scenario.duration_s = 120;
        let valid = crate::validate(&scenario).unwrap();
        let whole: Vec<Figures> = seeds(scenario.seed, 3)
            .into_iter()
            .map(|seed| {
                let mut sim = Simulation::new(&valid, seed);
                sim.run_until(120 * SECOND);
                figures(&sim, &valid)
            })
            .collect();
        let mut job = ReplicationJob::new(&valid, 3, Budget::BROWSER).unwrap();
        let mut last_share = 0.0;
        let (intervals, runs) = loop {
            match job.step(7 * SECOND) {
                JobState::Running { of, share, .. } => {
                    assert_eq!(of, 3);
                    assert!(share > last_share && share < 1.0, "{last_share} then {share}");
                    last_share = share;
                }
                JobState::Done(intervals, runs) => break (intervals, runs),
                JobState::Failed(why) => panic!("{why}"),
            }
        };
        assert_eq!(runs, whole);
        assert_eq!(*intervals, combine(seeds(scenario.seed, 3), &whole));
        let Err(why) = ReplicationJob::new(&valid, 0, Budget::BROWSER) else { panic!("0 seeds") };
        assert!(why.contains("1 to 100"), "{why}");
    }

    /// Runs on a pool end in any order: figures gathered last seed first
    /// (and one reported twice) combine exactly as in seed order, and each
    /// whole replication is the run a job makes in slices.
    #[test]
    fn runs_gathered_in_any_order_combine_in_seed_order() {
        let mut scenario = crate::parse_scenario(crate::DEFAULT_SCENARIO).unwrap();
        scenario.duration_s = 90;
        let valid = crate::validate(&scenario).unwrap();
        let seeds = seeds(scenario.seed, 4);
        let runs: Vec<Figures> =
            seeds.iter().map(|&s| replicate(&valid, s, &Budget::BROWSER).unwrap()).collect();
        let mut job = ReplicationJob::new(&valid, 4, Budget::BROWSER).unwrap();
        let in_slices = loop {
            if let JobState::Done(_, runs) = job.step(13 * SECOND) {
                break runs;
            }
        };
        assert_eq!(in_slices, runs);
        let mut gathered = Gathered::new(seeds.clone());
        for (i, done) in [(3, 1), (1, 2), (3, 2), (0, 3)] {
            let state = gathered.put(i, runs[i].clone());
            assert_eq!(state, JobState::Running { done, of: 4, share: f64::from(done) / 4.0 });
        }
        let JobState::Done(intervals, all) = gathered.put(2, runs[2].clone()) else {
            panic!("four of four")
        };
        assert_eq!((all, *intervals), (runs.clone(), combine(seeds, &runs)));
    }

    /// A replication that outgrows its budget stops with the reason, in the
    /// words of the live run's guard, wherever it runs.
    #[test]
    fn a_replication_past_its_budget_says_why() {
        let scenario = crate::parse_scenario(crate::DEFAULT_SCENARIO).unwrap();
        let valid = crate::validate(&scenario).unwrap();
        let tiny = Budget::BROWSER.with_memory(1);
        let why = replicate(&valid, scenario.seed, &tiny).unwrap_err();
        assert!(why.starts_with("at 00:01:00 the run holds") && why.contains("near the"), "{why}");
        let mut job = ReplicationJob::new(&valid, 2, tiny).unwrap();
        assert_eq!(job.step(crate::budget::GUARD_INTERVAL_MS), JobState::Failed(why));
    }

    /// Each service's figures over three seeds of the default scenario
    /// (a hot key: its Kinesis throttling differs seed by seed) are the
    /// intervals of that service's own rows, matched by service.
    #[test]
    fn services_combine_each_row_over_the_seeds() {
        use crate::compare::{MskSizing, compare_kinesis_msk};
        let scenario = crate::parse_scenario(crate::DEFAULT_SCENARIO).unwrap();
        let valid = crate::validate(&scenario).unwrap();
        let seeds = seeds(scenario.seed, 3);
        let runs: Vec<ServiceComparison> = seeds
            .iter()
            .map(|&s| compare_kinesis_msk(&valid, s, 60, MskSizing::default()).unwrap())
            .collect();
        let combined = combine_services(seeds.clone(), &runs);
        assert_eq!((combined.n, combined.seeds[0]), (3, scenario.seed));
        let services: Vec<&str> = combined.rows.iter().map(|r| r.service.as_str()).collect();
        assert_eq!(services, ["kinesis_provisioned", "msk_provisioned", "msk_serverless"]);
        for (i, row) in combined.rows.iter().enumerate() {
            let refused: Vec<f64> = runs.iter().map(|r| r.rows[i].refused_writes as f64).collect();
            let monthly: Vec<f64> = runs.iter().map(|r| r.rows[i].monthly_usd).collect();
            assert_eq!(row.refused_writes, interval(&refused));
            assert_eq!(row.monthly_usd, interval(&monthly));
        }
        let kinesis = &combined.rows[0].refused_writes;
        assert!(kinesis.sd > 0.0 && kinesis.low < kinesis.mean && kinesis.mean < kinesis.high);
        assert_eq!(combined.rows[1].refused_writes.high, 0.0, "MSK delays, never refuses");
    }

    #[test]
    fn counts_out_of_range_are_refused_with_the_range() {
        assert_eq!(check_count(1), Ok(1));
        assert_eq!(check_count(100), Ok(100));
        for bad in [0, 101] {
            let err = check_count(bad).unwrap_err();
            assert!(err.contains("1 to 100") && err.contains(&bad.to_string()), "{err}");
        }
    }
}
