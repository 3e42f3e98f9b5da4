//! What a scenario will cost to run, bounded before it runs, and the budget
//! it must fit.
//!
//! Every valid scenario has a [`ResourceEstimate`]: an upper bound of the
//! memory its run holds at any time up to a horizon (shard logs by
//! retention, shards and cohort tiers; queue backlogs; metric series;
//! pending events) and of the work it does per simulated second (events,
//! a write to each shard of a batch counted as one). It is worst case by
//! construction, so a run's own accounting
//! ([`crate::Simulation::memory_bytes`]) never exceeds it; on the bundled
//! scenarios it stays within five times the measured peak (a test checks
//! both). [`validate`](crate::validate()) never refuses by budget (a
//! scenario valid on AWS's terms stays valid); [`check_budget`] is the one
//! gate, and [`check_run`] the guard a running simulation is held to.

use std::mem::size_of;

use crate::engine::{MemoryPart, event_queue_bound, fixed_bytes, redelivery_bytes};
use crate::kinds::consumer::ShardReader;
use crate::kinds::producer::estimate::fifo_groups;
use crate::kinds::stream::{ON_DEMAND_MAX_SHARDS, ON_DEMAND_SPLIT_BYTES_PER_S};
use crate::kinds::{
    Consumer, Destination, Firehose, Function, KclApp, Producer, Queue, Stream, WorkerPool,
};
use crate::memory::{btree, buffer, grown_buffer};
use crate::metrics::{self, Point, RunStats, Series};
use crate::scenario::{
    Capacity, KeyDistribution, NodeKind, NodeSpec, Operation, ProducerSpec, QueueSpec, QueueType,
    Scenario, StreamOp, Traffic, parse_replay_csv,
};
use crate::scenario::{Forward, NodeIndex, PerNode, with_spec};
use crate::time::{DAY, HOUR, MINUTE, SECOND, SimTime};
use crate::units::format_number;
use crate::validate::{Issue, ValidScenario};

/// What a host allows a run: memory for its state and work per simulated
/// second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Who allows it, in people's words ("the browser").
    pub host: &'static str,
    /// Memory for the run's state, in bytes.
    pub memory_bytes: u64,
    /// Events per simulated second (a write to each shard of a batch
    /// counted as one).
    pub events_per_sim_s: u64,
    /// Events a whole run may take: what bounds its wall time when the
    /// host runs it to the end unattended.
    pub events_per_run: u64,
}

pub(crate) const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

impl Budget {
    /// The browser app: a run must fit a phone's tab (512 MiB), and keep
    /// up with real time within a frame's budget. `large` (1,000 shards,
    /// 800,000 records/s) is bounded at about 40,000 events a simulated
    /// second and runs an hour in 1.7 s natively; this allows 25 times
    /// that.
    /// The page plays a run as it goes and Cancel stops a jump or a
    /// search, so the browser bounds the rate, not the total.
    pub const BROWSER: Budget = Budget {
        host: "the browser",
        memory_bytes: 512 * MIB,
        events_per_sim_s: 1_000_000,
        events_per_run: u64::MAX,
    };
    /// The command-line runner, by default: a laptop's memory, ten times
    /// the browser's work a simulated second, and 30 billion events a run.
    /// The estimate is an upper bound, and the bundled scenarios take 1 to
    /// 360 ns of a 2-core machine's time per estimated event
    /// (docs/performance.md, "A run's total work"): a run the CLI accepts
    /// ends within hours at the very worst, most within minutes. A year of
    /// the default scenario is 3.8 billion; a year of `large` (1.3
    /// trillion, half a day) is refused. `--memory` may raise the memory
    /// (see [`Budget::with_memory`]).
    pub const CLI: Budget = Budget {
        host: "the CLI",
        memory_bytes: 4 * GIB,
        events_per_sim_s: 10_000_000,
        events_per_run: 30_000_000_000,
    };

    /// This budget with another memory limit (a command-line flag).
    pub fn with_memory(self, memory_bytes: u64) -> Budget {
        Budget { memory_bytes, ..self }
    }
}

/// One part of an estimate: what, where, how much, and what to change to
/// make it smaller.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The node it belongs to (node index), if one.
    pub node: Option<NodeIndex>,
    /// Which memory it is (`None` for work).
    pub kind: Option<MemoryPart>,
    /// What it is, in people's words ("shard logs: 10,000 shards × 8,760 h
    /// of retention").
    pub what: String,
    /// Bytes (memory) or events per simulated second (work).
    pub amount: u64,
    /// What makes it smaller, in people's words ("raise poll_interval_ms").
    pub remedy: &'static str,
}

/// Upper bounds of a run's memory and work, up to a horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceEstimate {
    /// The simulated time covered, in seconds.
    pub horizon_s: u64,
    /// The most memory the run's state can hold up to the horizon, in bytes.
    pub peak_bytes: u64,
    /// The most events the run can take per simulated second.
    pub events_per_sim_s: u64,
    /// `peak_bytes` part by part, largest first.
    pub memory: Vec<Part>,
    /// `events_per_sim_s` part by part, largest first.
    pub work: Vec<Part>,
}

impl ResourceEstimate {
    /// The bound of one kind of memory, summed over nodes.
    pub fn memory_of(&self, part: MemoryPart) -> u64 {
        self.memory.iter().filter(|p| p.kind == Some(part)).map(|p| p.amount).sum()
    }
}

impl ResourceEstimate {
    /// The estimate for people, a line each: the totals, then each kind of
    /// memory that is a twentieth of the total or more (with its largest
    /// part), then the largest parts of work.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "a run of {} holds at most {} and takes at most {} events per simulated second",
            span(self.horizon_s * SECOND),
            bytes(self.peak_bytes),
            format_number(self.events_per_sim_s as f64)
        )];
        for kind in MemoryPart::ALL {
            let total = self.memory_of(kind);
            let parts = self.memory.iter().filter(|p| p.kind == Some(kind));
            let (count, largest) = (parts.clone().count(), parts.clone().next());
            if let (true, Some(largest)) = (total * 20 >= self.peak_bytes, largest) {
                lines.push(match count {
                    1 => format!("  {} {}", bytes(total), largest.what),
                    _ => format!(
                        "  {} {} in {count} parts, the largest {} ({})",
                        bytes(total),
                        kind.name(),
                        largest.what,
                        bytes(largest.amount)
                    ),
                });
            }
        }
        for p in self.work.iter().take(2) {
            lines.push(format!("  {} events/s: {}", format_number(p.amount as f64), p.what));
        }
        lines
    }
}

/// Refuses an estimate over the budget, naming the largest part and what
/// to change: `nodes[1].params: a run of 365 days may need 1.6 GiB of
/// memory, 1.5 GiB of it for shard logs of "s": 10,000 shards holding up
/// to 365 days of records (2,260 cohorts a shard); the browser allows 512
/// MiB: lower retention_h or capacity.shards, or run it for less time`.
pub fn check_budget(estimate: &ResourceEstimate, budget: &Budget) -> Result<(), Issue> {
    if estimate.peak_bytes > budget.memory_bytes {
        // The kind of memory that needs the most, and its largest part.
        let kind = MemoryPart::ALL.into_iter().max_by_key(|&k| estimate.memory_of(k));
        let parts = || estimate.memory.iter().filter(|p| p.kind == kind);
        let Some(top) = parts().next() else { return Ok(()) };
        let what = match parts().count() {
            1 => top.what.clone(),
            n => format!(
                "{} in {n} parts, the largest {} ({})",
                top.kind.map_or("", MemoryPart::name),
                top.what,
                bytes(top.amount)
            ),
        };
        return Err(Issue::new(
            path_of(top),
            format!(
                "a run of {} may need {} of memory, {} of it for {what}; {} allows {}: {}",
                span(estimate.horizon_s * SECOND),
                bytes(estimate.peak_bytes),
                bytes(parts().map(|p| p.amount).sum()),
                budget.host,
                bytes(budget.memory_bytes),
                top.remedy
            ),
        ));
    }
    if estimate.events_per_sim_s > budget.events_per_sim_s {
        let top = &estimate.work[0];
        return Err(Issue::new(
            path_of(top),
            format!(
                "the run may take {} events per simulated second, {} of them for {}; {} allows \
                 {}: {}",
                format_number(estimate.events_per_sim_s as f64),
                format_number(top.amount as f64),
                top.what,
                budget.host,
                format_number(budget.events_per_sim_s as f64),
                top.remedy
            ),
        ));
    }
    let total = estimate.events_per_sim_s.saturating_mul(estimate.horizon_s);
    if total > budget.events_per_run {
        let top = &estimate.work[0];
        let longest = budget.events_per_run / estimate.events_per_sim_s.max(1);
        return Err(Issue::new(
            "duration_s",
            format!(
                "a run of {} may take {} events ({} a simulated second, {} of them for {}); {} \
                 allows {} events a run: run it for at most {} (duration_s up to {}), or {}",
                span(estimate.horizon_s * SECOND),
                format_number(total as f64),
                format_number(estimate.events_per_sim_s as f64),
                format_number(top.amount as f64),
                top.what,
                budget.host,
                format_number(budget.events_per_run as f64),
                span(longest * SECOND),
                format_number(longest as f64),
                top.remedy
            ),
        ));
    }
    Ok(())
}

fn path_of(part: &Part) -> String {
    part.node.map_or_else(String::new, |n| format!("nodes[{n}].params"))
}

/// Zipf weights' total over `count` keys (rank k weighs k^-s), from
/// below: the first 1,024 terms summed and the rest bounded by the integral
/// under them (for s ≥ 0 each term is at least the integral over the next
/// unit). A total too small makes every share larger, so a hot-key count
/// from it errs on the safe side, and it costs a thousand powers, not a
/// million (a hostile scenario's producers each have up to 1,000,000 keys).
fn zipf_total_lower_bound(count: u32, s: f64) -> f64 {
    const EXACT: u32 = 1_024;
    let m = count.min(EXACT);
    let head: f64 = (1..=m).map(|k| 1.0 / libm::pow(f64::from(k), s)).sum();
    let (a, b) = (f64::from(m) + 1.0, f64::from(count) + 1.0);
    let tail = if (s - 1.0).abs() < 1e-12 {
        libm::log(b / a)
    } else {
        (libm::pow(b, 1.0 - s) - libm::pow(a, 1.0 - s)) / (1.0 - s)
    };
    head + tail.max(0.0)
}

/// Bytes for people: 3.1 GiB, 512 MiB, 40 KiB.
pub fn bytes(n: u64) -> String {
    let (value, unit) = match n {
        n if n >= GIB => (n as f64 / GIB as f64, "GiB"),
        n if n >= MIB => (n as f64 / MIB as f64, "MiB"),
        n if n >= 1 << 10 => (n as f64 / 1024.0, "KiB"),
        n => return format!("{n} bytes"),
    };
    if value >= 100.0 { format!("{value:.0} {unit}") } else { format!("{value:.1} {unit}") }
}

/// A span of simulated time for people: 365 days, 2 hours, 10 minutes.
pub(crate) fn span(t: SimTime) -> String {
    let (n, unit) = match t {
        t if t >= 2 * DAY => (t / DAY, "days"),
        t if t >= 2 * HOUR => (t / HOUR, "hours"),
        t if t >= 2 * MINUTE => (t / MINUTE, "minutes"),
        t => (t / SECOND, "seconds"),
    };
    format!("{} {unit}", format_number(n as f64))
}

/// How often the app holds a running simulation to its budget: every
/// simulated minute. (The CLI checks between the slices its progress bar
/// shows, about ten times a wall second.)
pub const GUARD_INTERVAL_MS: SimTime = MINUTE;

/// The runtime guard: the run's state against the budget, for a run that
/// grows past its estimate anyway (commands at runtime, a run longer than
/// its horizon). Refuses at 90% of the budget, saying why.
pub fn check_run(sim: &crate::Simulation, budget: &Budget) -> Result<(), String> {
    let used = sim.memory_bytes();
    if used.saturating_mul(10) <= budget.memory_bytes.saturating_mul(9) {
        return Ok(());
    }
    let parts = sim.memory_parts();
    let (part, most) = parts.iter().max_by_key(|&&(_, b)| b).copied().unwrap_or(parts[0]);
    Err(format!(
        "at {} the run holds {} of memory ({} of it {}), near the {} {} allows",
        crate::time::format_clock(sim.now()),
        bytes(used),
        bytes(most),
        part.name(),
        bytes(budget.memory_bytes),
        budget.host
    ))
}

/// Validates `scenario` and, as a host about to run it, refuses it when a
/// run of its duration exceeds `budget`: what the app runs.
pub fn admit(scenario: &Scenario, budget: &Budget) -> Result<ValidScenario, Vec<Issue>> {
    let valid = crate::validate(scenario)?;
    let estimate = estimate(&valid, scenario.duration_s);
    check_budget(&estimate, budget).map_err(|issue| vec![issue])?;
    Ok(valid)
}

/// What an estimate is checked against: a run of `valid` for `seconds`,
/// sampled every 10 simulated seconds, as (the peak of its own memory
/// accounting, the most events scheduled per second in any 10-second
/// stretch). The tests and the estimates benchmark measure with it.
pub fn measure(valid: &ValidScenario, seconds: u64) -> (u64, u64) {
    let mut sim = crate::Simulation::new(valid, valid.scenario().seed);
    let (mut peak, mut busiest, mut events) = (sim.memory_bytes(), 0, 0);
    for t in (10..=seconds).step_by(10) {
        sim.run_until(t * SECOND);
        peak = peak.max(sim.memory_bytes());
        let now = sim.events_scheduled();
        busiest = busiest.max((now - events).div_ceil(10));
        events = now;
    }
    (peak, busiest)
}

/// Bounds the memory and work of running `valid` for `horizon_s` simulated
/// seconds.
pub fn estimate(valid: &ValidScenario, horizon_s: u64) -> ResourceEstimate {
    Estimator::new(valid, horizon_s).run()
}

/// What the estimate asks of every kind. Each kind answers in its
/// `estimate.rs`; [`Estimator`] dispatches with `with_spec!`
/// (`kinds/registry.rs`), so a new kind fails to compile until it answers.
pub(crate) trait EstimateKind {
    /// Counts what a node of this kind holds and does.
    fn estimate<'a>(&'a self, e: &mut Estimator<'a>, node: NodeIndex);
    /// How it reads, as a reader of a stream or a queue; `None` when it
    /// reads neither.
    fn reads(&self, e: &Estimator<'_>) -> Option<Reads>;
    /// What it hands on of what it reads, if it forwards to a stream, a
    /// delivery stream or a queue.
    fn forward(&self) -> Option<Forward>;
    /// Messages a second it sends, at most, into the queue its link points
    /// to; `None` when it sends to no queue.
    fn messages_sent(&self, e: &Estimator<'_>, node: NodeIndex) -> Option<f64>;
    /// A producer's batch written to node `node` of this kind: (the calls
    /// it takes, what they are); `None` when producers do not write to it.
    fn producer_writes(
        &self,
        e: &Estimator<'_>,
        node: NodeIndex,
        p: &ProducerSpec,
    ) -> Option<(u64, &'static str)>;
}

/// How a reader reads, for the estimate.
pub(crate) struct Reads {
    /// Batches a second it takes per shard, or from its queue.
    pub(crate) per_s: f64,
    /// The parameter that sets `per_s`.
    pub(crate) set_by: &'static str,
    /// As a stream's reader, the GetRecords calls a second it makes per
    /// shard; `None` when enhanced fan-out pushes to it instead.
    pub(crate) polls_per_s: Option<f64>,
    /// As a queue's reader, the workers or event-source batches it receives
    /// with.
    pub(crate) receivers: u64,
}

/// The state the estimate is built from: the scenario, its wiring and the
/// few figures several parts need.
pub(crate) struct Estimator<'a> {
    pub(crate) valid: &'a ValidScenario,
    pub(crate) s: &'a Scenario,
    pub(crate) horizon: SimTime,
    /// Per node: the most shards a stream node can have had (open or
    /// closed) by the horizon; 0 for other kinds.
    pub(crate) shards: PerNode<u64>,
    pub(crate) memory: Vec<Part>,
    pub(crate) work: Vec<Part>,
    /// Events that can be waiting at once.
    pub(crate) pending: u64,
    /// Of those, events that are never due within the next two seconds
    /// for more than a tenth of their wait (long polls' timeouts).
    pub(crate) later: u64,
    /// What those events carry (records to retry).
    pub(crate) payload: u64,
}

impl<'a> Estimator<'a> {
    fn new(valid: &'a ValidScenario, horizon_s: u64) -> Self {
        let s = valid.scenario();
        let mut e = Estimator {
            valid,
            s,
            horizon: horizon_s.saturating_mul(SECOND),
            shards: NodeIndex::all(s.nodes.len()).map(|_| 0).collect(),
            memory: Vec::new(),
            work: Vec::new(),
            pending: 1,
            later: 0,
            payload: 0,
        };
        e.stream_shards();
        e
    }

    /// Fills `shards`. What forwarding readers write into an on-demand
    /// stream grows with the shards they read, so the counts are a fixed
    /// point, reached from none upward (a pass only raises them). Once
    /// every stream has had a pass, only a loop of readers still raises
    /// them: one that damps settles within a few dozen passes, and a count
    /// still rising after those is taken at the on-demand maximum.
    fn stream_shards(&mut self) {
        let nodes = self.s.nodes.len();
        // Hot keys do not depend on shards: counted once (a Zipf sum is long).
        let hot: PerNode<u64> = NodeIndex::all(nodes)
            .map(|i| if self.is_on_demand(i) { self.hot_keys_into(i) } else { 0 })
            .collect();
        let streams = self.s.nodes.iter().filter(|n| n.spec.kind() == NodeKind::KinesisStream);
        let passes = streams.count() + 64;
        let most = 2 * ON_DEMAND_MAX_SHARDS as u64;
        for pass in 0.. {
            let mut next: PerNode<u64> =
                NodeIndex::all(nodes).map(|i| self.most_shards(i, hot[i])).collect();
            if pass > passes {
                for (n, &was) in next.iter_mut().zip(&self.shards) {
                    if *n != was {
                        *n = most;
                    }
                }
            }
            if next == self.shards {
                return;
            }
            self.shards = next;
        }
    }

    fn is_on_demand(&self, node: NodeIndex) -> bool {
        matches!(
            &self.s.node(node).spec,
            NodeSpec::KinesisStream(spec) if matches!(spec.capacity, Capacity::OnDemand { .. })
        )
    }

    fn run(mut self) -> ResourceEstimate {
        for i in NodeIndex::all(self.s.nodes.len()) {
            self.metrics(i);
            let scenario = self.s;
            with_spec!(&scenario.node(i).spec, s => s.estimate(&mut self, i));
        }
        // The once-a-second bookkeeping visits every shard of every reader
        // and every metric.
        let readers: u64 = NodeIndex::all(self.s.nodes.len()).map(|i| self.source_shards(i)).sum();
        let metric_count: usize =
            self.s.nodes.iter().map(|n| metrics::defs(n.spec.kind()).len()).sum();
        let shards: u64 = self.shards.iter().sum();
        let tick = 1 + shards + readers + metric_count as u64;
        let remedy = "use fewer shards, readers or nodes";
        self.work_at(None, "the once-a-second bookkeeping", tick as f64, remedy);
        self.node_states();
        let schedule = self.s.schedule.len() as u64;
        self.pending += schedule;
        let near = self.pending - self.later;
        let events = event_queue_bound(self.pending, near) + self.payload;
        let detail = format!("up to {} waiting", format_number(self.pending as f64));
        self.shared(
            MemoryPart::Events,
            &detail,
            events,
            "lower retry.max_backoff_ms or retry.max_attempts, or use fewer readers",
        );
        let fixed = fixed_bytes(self.s.nodes.len());
        self.shared(MemoryPart::Other, "the run itself", fixed, "use fewer nodes");
        let by_size = |a: &Part, b: &Part| b.amount.cmp(&a.amount).then(a.node.cmp(&b.node));
        self.memory.sort_by(by_size);
        self.work.sort_by(by_size);
        ResourceEstimate {
            horizon_s: self.horizon / SECOND,
            peak_bytes: self.memory.iter().map(|p| p.amount).sum(),
            events_per_sim_s: self.work.iter().map(|p| p.amount).sum(),
            memory: self.memory,
            work: self.work,
        }
    }

    /// The engine keeps each kind's node states in a vector of its own
    /// (stream readers: consumers, KCL applications, Lambda functions on a
    /// stream and delivery streams reading one), grown one push at a time.
    pub(crate) fn node_states(&mut self) {
        let count = |kind: NodeKind| self.s.nodes.iter().filter(|n| n.spec.kind() == kind).count();
        let readers =
            NodeIndex::all(self.s.nodes.len()).filter(|&i| self.source_shards(i) > 0).count();
        let n = |kind| count(kind) as u64;
        let streams = grown_buffer::<Stream>(n(NodeKind::KinesisStream))
            + grown_buffer::<Consumer>(readers as u64)
            + grown_buffer::<KclApp>(n(NodeKind::KclApp));
        let remedy = "use fewer streams and readers";
        self.shared(MemoryPart::Shards, "the streams and readers themselves", streams, remedy);
        let others = grown_buffer::<Producer>(n(NodeKind::Producer))
            + grown_buffer::<Firehose>(n(NodeKind::Firehose))
            + grown_buffer::<Destination>(n(NodeKind::Destination))
            + grown_buffer::<WorkerPool>(n(NodeKind::WorkerPool))
            + grown_buffer::<Function>(n(NodeKind::Lambda))
            + buffer::<metrics::NodeMetrics>(self.s.nodes.len());
        self.shared(MemoryPart::Other, "the nodes themselves", others, "use fewer nodes");
        let queues = grown_buffer::<Queue>(n(NodeKind::SqsQueue));
        self.shared(MemoryPart::Queues, "the queues themselves", queues, "use fewer queues");
    }

    /// Memory that belongs to no one node.
    pub(crate) fn shared(
        &mut self,
        kind: MemoryPart,
        detail: &str,
        amount: u64,
        remedy: &'static str,
    ) {
        let what = format!("{}: {detail}", kind.name());
        self.memory.push(Part { node: None, kind: Some(kind), what, amount, remedy });
    }

    pub(crate) fn mem(&mut self, node: NodeIndex, part: MemoryPart, detail: &str, amount: u64) {
        // AWS sets an on-demand stream's shards by the traffic written to it.
        let on_demand = self.is_on_demand(node);
        let remedy = match part {
            MemoryPart::ShardLogs if on_demand => {
                "lower retention_h or the traffic into it (its writers' records_per_s or \
                 forward.ratio), or run it for less time (duration_s)"
            }
            MemoryPart::Shards if on_demand => {
                "lower the traffic into it (its writers' records_per_s or forward.ratio) or use \
                 fewer readers"
            }
            MemoryPart::ShardLogs => {
                "lower retention_h or capacity.shards, or run it for less time (duration_s)"
            }
            MemoryPart::Shards => "lower capacity.shards or use fewer readers",
            MemoryPart::Queues => {
                "lower retention_s or the producers' key count (message groups), or run it for \
                 less time (duration_s)"
            }
            MemoryPart::Metrics => "run it for less time (duration_s) or use fewer nodes",
            MemoryPart::Events => "lower retry.max_backoff_ms or retry.max_attempts",
            MemoryPart::Other => "use fewer nodes",
        };
        let what = format!("{} of {:?}: {detail}", part.name(), self.s.node(node).label());
        self.memory.push(Part { node: Some(node), kind: Some(part), what, amount, remedy });
    }

    /// Memory a node keeps that does not grow with the run.
    pub(crate) fn add(&mut self, node: NodeIndex, amount: u64) {
        self.mem(node, MemoryPart::Other, "its own state", amount);
    }

    pub(crate) fn work(&mut self, node: NodeIndex, what: &str, per_s: f64, remedy: &'static str) {
        self.work_at(Some(node), what, per_s, remedy);
    }

    pub(crate) fn work_at(
        &mut self,
        node: Option<NodeIndex>,
        what: &str,
        per_s: f64,
        remedy: &'static str,
    ) {
        let what = match node {
            Some(n) => format!("{} of {:?}", what, self.s.node(n).label()),
            None => what.to_string(),
        };
        let amount = if per_s.is_finite() { per_s.ceil().max(0.0) as u64 } else { u64::MAX };
        self.work.push(Part { node, kind: None, what, amount, remedy });
    }

    /// Simulated time up to the horizon, at most `span`.
    pub(crate) fn within(&self, span: SimTime) -> SimTime {
        self.horizon.min(span)
    }

    /// Metric series and whole-run statistics of a node: exact for the
    /// horizon but for the histograms, counted at their largest.
    pub(crate) fn metrics(&mut self, node: NodeIndex) {
        let kind = self.s.node(node).spec.kind();
        let count = metrics::defs(kind).len();
        let seconds = self.horizon / SECOND;
        let series: u64 = metrics::TIERS
            .iter()
            .map(|&(res, cap)| {
                let len = (self.horizon / res).min(cap as u64);
                let capacity =
                    if len == 0 { 0 } else { len.next_power_of_two().clamp(4, cap as u64) };
                buffer::<Point>(capacity as usize)
            })
            .sum();
        // A histogram bucket per distinct value, of at most 7,424.
        let histogram = btree::<u32, u64>(seconds.min(7_424) as usize);
        let per_metric = size_of::<Series>() as u64
            + series
            + size_of::<RunStats>() as u64
            + histogram
            + size_of::<Point>() as u64;
        let bytes = count as u64 * per_metric;
        let detail = format!("{count} series over {}", span(self.horizon));
        self.mem(node, MemoryPart::Metrics, &detail, bytes);
    }

    /// The most shards stream node `node` can have had by the horizon, with
    /// `hot` keys splitting it (on-demand), given the shards of the streams
    /// its forwarding readers read.
    fn most_shards(&self, node: NodeIndex, hot: u64) -> u64 {
        let NodeSpec::KinesisStream(spec) = &self.s.node(node).spec else { return 0 };
        match spec.capacity {
            Capacity::Provisioned { shards } => {
                // Scheduled resharding adds children; parents stay, closed.
                let added: u64 = self
                    .s
                    .schedule
                    .iter()
                    .filter(|op| op.node == self.s.node(node).id)
                    .map(|op| match &op.op {
                        Operation::Reshard(StreamOp::SplitShard { .. }) => 2,
                        Operation::Reshard(StreamOp::MergeShards { .. }) => 1,
                        Operation::Reshard(StreamOp::UpdateShardCount { target }) => {
                            u64::from(*target)
                        }
                        Operation::Fault(_) => 0,
                    })
                    .sum();
                u64::from(shards) + added
            }
            Capacity::OnDemand { scale_up_delay_s, warm_throughput_mib_s } => {
                // aws-facts 1.4: AWS splits a shard taking more than 500 KB/s,
                // at once into a power of two of children enough for its
                // traffic (kinds/stream/mod.rs), so open shards stay within twice
                // the traffic over 500 KB/s;
                // a key hotter than that splits its shard again each delay
                // until its range is one key (128 halvings), up to the most
                // open shards a stream has (resharding.rs). Parents stay.
                let bytes_per_s = self.write_bytes_into(node);
                let even = 2.0 * bytes_per_s / ON_DEMAND_SPLIT_BYTES_PER_S as f64;
                let delay = scale_up_delay_s.max(1) * SECOND;
                let chain = (self.horizon / delay).min(128);
                // Warm throughput is open shards from the start (a MiB/s each).
                let initial = warm_throughput_mib_s
                    .unwrap_or(0)
                    .max(crate::kinds::stream::ON_DEMAND_INITIAL_SHARDS);
                let open = u64::from(initial)
                    .saturating_add(even.ceil() as u64)
                    .saturating_add(hot.saturating_mul(chain))
                    .min(ON_DEMAND_MAX_SHARDS as u64);
                2 * open
            }
        }
    }

    /// Shards of the stream node `node` reads, or 0.
    pub(crate) fn source_shards(&self, node: NodeIndex) -> u64 {
        let reads = self.valid.reads_from(node);
        reads.filter(|&s| self.kind(s) == NodeKind::KinesisStream).map_or(0, |s| self.shards[s])
    }

    pub(crate) fn kind(&self, node: NodeIndex) -> NodeKind {
        self.s.node(node).spec.kind()
    }

    /// Producers (node, spec) that send to `target`.
    pub(crate) fn producers_into(
        &self,
        target: NodeIndex,
    ) -> impl Iterator<Item = (NodeIndex, &'a ProducerSpec)> {
        let (valid, s) = (self.valid, self.s);
        NodeIndex::all(s.nodes.len()).filter_map(move |i| match &s.node(i).spec {
            NodeSpec::Producer(p) if valid.sends_to(i) == Some(target) => Some((i, p)),
            _ => None,
        })
    }

    /// The most bytes a second written into stream `node`: producers at
    /// their peak rate, and forwarding readers at the read limit of what
    /// they read (aws-facts 1.1, 1.5: 2 MiB/s per shard).
    pub(crate) fn write_bytes_into(&self, node: NodeIndex) -> f64 {
        let produced: f64 = self
            .producers_into(node)
            .map(|(_, p)| {
                self.peak_rate(p) * (p.record_size.mean_bytes() + f64::from(p.partition_key_bytes))
            })
            .sum();
        let forwarded: f64 = NodeIndex::all(self.s.nodes.len())
            .filter(|&i| self.valid.sends_to(i) == Some(node))
            .filter_map(|i| {
                let f = with_spec!(&self.s.node(i).spec, s => s.forward())?;
                let upstream = match self.valid.reads_from(i) {
                    Some(s) if self.kind(s) == NodeKind::KinesisStream => self.shards[s] as f64,
                    // A queue's readers take at most what was sent to it.
                    Some(q) => {
                        return Some(self.write_bytes_into_queue(q) * f.ratio * f.size_ratio);
                    }
                    None => 0.0,
                };
                Some(upstream * 2.0 * MIB as f64 * f.ratio * f.size_ratio)
            })
            .sum();
        produced + forwarded
    }

    pub(crate) fn write_bytes_into_queue(&self, queue: NodeIndex) -> f64 {
        self.producers_into(queue)
            .map(|(_, p)| self.peak_rate(p) * p.record_size.mean_bytes())
            .sum()
    }

    /// Keys whose share of a producer's peak traffic alone exceeds what
    /// on-demand splits at (they keep splitting their shard).
    pub(crate) fn hot_keys_into(&self, node: NodeIndex) -> u64 {
        self.producers_into(node)
            .map(|(_, p)| {
                let bytes = self.peak_rate(p)
                    * (p.record_size.mean_bytes() + f64::from(p.partition_key_bytes));
                let above = |share: f64| share * bytes > ON_DEMAND_SPLIT_BYTES_PER_S as f64;
                match &p.keys {
                    KeyDistribution::Uniform { count } => {
                        if above(1.0 / f64::from((*count).max(1))) { u64::from(*count) } else { 0 }
                    }
                    KeyDistribution::HotKey { count, hot_share } => {
                        let rest = (1.0 - hot_share) / f64::from((*count).max(1));
                        u64::from(above(*hot_share))
                            + if above(rest) { u64::from(*count) } else { 0 }
                    }
                    KeyDistribution::Zipf { count, s } => {
                        let total = zipf_total_lower_bound(*count, *s);
                        (1..=*count)
                            .take_while(|&k| above(1.0 / libm::pow(f64::from(k), *s) / total))
                            .count() as u64
                    }
                    KeyDistribution::ExplicitHashKey { hash_keys } => {
                        let total: f64 = hash_keys.iter().map(|k| k.weight.max(0.0)).sum();
                        hash_keys.iter().filter(|k| above(k.weight.max(0.0) / total)).count() as u64
                    }
                }
            })
            .sum()
    }

    /// A producer's highest mean rate: its traffic shape's peak, times the
    /// most scheduled traffic spikes multiply a rate by.
    pub(crate) fn peak_rate(&self, p: &ProducerSpec) -> f64 {
        let base = p.records_per_s;
        let shaped = match &p.traffic {
            Traffic::Constant | Traffic::Poisson => base,
            Traffic::Diurnal { amplitude, .. } => base * (1.0 + amplitude),
            Traffic::Burst { multiplier, off_multiplier, .. } => {
                base * multiplier.max(*off_multiplier)
            }
            Traffic::Step { steps, .. } => {
                steps.iter().map(|s| s.records_per_s).fold(base, f64::max)
            }
            Traffic::Replay { csv, .. } => parse_replay_csv(csv)
                .map(|rows| rows.iter().map(|r| r.2).fold(0.0, f64::max))
                .unwrap_or(0.0),
        };
        // Overlapping spikes multiply; the most any producer's do at once.
        let spike = self.s.nodes.iter().map(|n| self.s.spike_peak(&n.id)).fold(1.0, f64::max);
        // A scheduled `set_rate` (a live change in a link) scales the shape
        // by new / scenario rate; like a spike, any producer's counts.
        let set = self
            .s
            .schedule
            .iter()
            .filter_map(|op| match op.op {
                Operation::Fault(crate::scenario::Fault::SetRate { records_per_s }) => {
                    Some(records_per_s)
                }
                _ => None,
            })
            .fold(0.0, f64::max);
        let scale = if base > 0.0 { (set / base).max(1.0) } else { 1.0 };
        let shaped = (shaped * scale).max(set);
        // Poisson counts scatter around the mean; a batch may carry several
        // standard deviations more, which shards see as a burst.
        shaped * spike * 1.1 + 10.0
    }

    /// Write events a second that reach one shard of stream `node`.
    pub(crate) fn writes_per_s_into(&self, node: NodeIndex) -> f64 {
        NodeIndex::all(self.s.nodes.len())
            .filter(|&i| self.valid.sends_to(i) == Some(node))
            .map(|i| match &self.s.node(i).spec {
                NodeSpec::Producer(p) => {
                    per_s(p.batching.max_buffered_ms) * f64::from(p.retry.max_attempts.max(1))
                }
                // A forwarding reader hands on what each batch processed.
                _ => {
                    let (batches, _) = self.reader_rate(i);
                    batches * self.source_shards(i).max(1) as f64
                }
            })
            .sum()
    }

    /// (GetRecords calls a second a shard of stream `node` can take from
    /// its shared-throughput readers, its enhanced fan-out readers).
    pub(crate) fn reads_per_s_of(&self, node: NodeIndex) -> (f64, u64) {
        let (mut polls, mut efo) = (0.0, 0);
        for i in
            NodeIndex::all(self.s.nodes.len()).filter(|&i| self.valid.reads_from(i) == Some(node))
        {
            match with_spec!(&self.s.node(i).spec, s => s.reads(self)) {
                Some(Reads { polls_per_s: Some(calls), .. }) => polls += calls,
                Some(Reads { polls_per_s: None, .. }) => efo += 1,
                None => {}
            }
        }
        (polls, efo)
    }

    /// (batches a second a reader node takes per shard, what sets it); a
    /// node that reads nothing, once a second.
    pub(crate) fn reader_rate(&self, node: NodeIndex) -> (f64, &'static str) {
        with_spec!(&self.s.node(node).spec, s => s.reads(self))
            .map_or((1.0, "the source"), |r| (r.per_s, r.set_by))
    }

    /// A stream reader node: one reader per shard, its events a second.
    pub(crate) fn reader(&mut self, node: NodeIndex, events_per_shard: f64, remedy: &'static str) {
        let shards = self.source_shards(node);
        let bytes = grown_buffer::<ShardReader>(shards);
        self.mem(node, MemoryPart::Shards, "a reader per shard", bytes);
        self.work(node, "reads", shards as f64 * events_per_shard, remedy);
        self.pending += 2 * shards;
        if self.valid.sends_to(node).is_some() {
            // A hand-off the next node refuses waits for its retry (two at
            // most, within 300 ms: engine/deliver.rs).
            let waiting = (shards as f64 * events_per_shard * 0.3).ceil() as u64;
            self.pending += waiting;
            self.payload += waiting * redelivery_bytes();
        }
    }

    /// The message groups of queue `node`: its producers' keys (FIFO), and
    /// those of the producers publishing to a FIFO topic it subscribes to
    /// (aws-facts-more 5.2: the topic passes the groups on), or 1.
    pub(crate) fn groups_into(&self, node: NodeIndex) -> u64 {
        let fifo = |q: &QueueSpec| q.queue_type == QueueType::Fifo;
        if !matches!(&self.s.node(node).spec, NodeSpec::SqsQueue(q) if fifo(q)) {
            return 1;
        }
        let own = self.producers_into(node).map(|(_, p)| fifo_groups(self.s, node, p)).max();
        let notified: u64 = self
            .topics_into(node)
            .flat_map(|t| self.producers_into(t).map(move |(_, p)| fifo_groups(self.s, t, p)))
            .sum();
        // A forwarding stage sends in the groups of the keys upstream of it.
        let forwarded: u64 = NodeIndex::all(self.s.nodes.len())
            .filter(|&i| self.valid.sends_to(i) == Some(node))
            .filter(|&i| !matches!(self.s.node(i).spec, NodeSpec::Producer(_)))
            .map(|i| crate::kinds::queue::forwarded_groups(self.s, i).len() as u64)
            .sum();
        own.unwrap_or(1).max(notified).saturating_add(forwarded)
    }

    /// Messages a second sent into queue `node`, at most: producers at their
    /// peak, what forwarding readers can hand on.
    pub(crate) fn messages_into(&self, node: NodeIndex) -> f64 {
        self.notifications_into(node)
            + NodeIndex::all(self.s.nodes.len())
                .filter(|&i| self.valid.sends_to(i) == Some(node))
                .filter_map(|i| with_spec!(&self.s.node(i).spec, s => s.messages_sent(self, i)))
                .sum::<f64>()
    }

    /// Messages a second SNS topics push into node `node`, at most: all
    /// they take, for each topic it subscribes to or is a subscription's
    /// dead-letter queue of.
    pub(crate) fn notifications_into(&self, node: NodeIndex) -> f64 {
        self.topics_into(node).map(|t| self.messages_into(t)).sum()
    }

    /// The topics that deliver to queue `node`, as a subscriber or as a
    /// subscription's dead-letter queue.
    fn topics_into(&self, node: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        let id = &self.s.node(node).id;
        NodeIndex::all(self.s.nodes.len()).filter(move |&t| match &self.s.node(t).spec {
            NodeSpec::SnsTopic(spec) => {
                let from = &self.s.node(t).id;
                self.s.links.iter().any(|l| &l.from == from && &l.to == id)
                    || spec.subscriptions.iter().any(|s| s.dead_letter_queue.as_ref() == Some(id))
            }
            _ => false,
        })
    }

    /// Batches a second reader `node` hands on (a forwarded batch, a
    /// function's failure notice): one per read of each shard.
    pub(crate) fn forwarded_batches_per_s(&self, node: NodeIndex) -> f64 {
        self.reader_rate(node).0 * self.source_shards(node).max(1) as f64
    }

    /// Workers and event-source batches receiving from queue `node`.
    pub(crate) fn receivers_of(&self, node: NodeIndex) -> u64 {
        NodeIndex::all(self.s.nodes.len())
            .filter(|&i| self.valid.reads_from(i) == Some(node))
            .filter_map(|i| with_spec!(&self.s.node(i).spec, s => s.reads(self)))
            .map(|r| r.receivers)
            .sum()
    }

    /// aws-facts 5.2: a queue event source's concurrent batches, from 5,
    /// adding at most 5 a second (300 a minute) up to MaximumConcurrency.
    pub(crate) fn esm_batches(&self, l: &crate::scenario::LambdaSpec) -> u64 {
        let most = u64::from(l.event_source.maximum_concurrency.unwrap_or(1_000));
        let added = u64::from(crate::kinds::lambda::QUEUE_ESM_ADDED_PER_S);
        let start = u64::from(crate::kinds::lambda::QUEUE_ESM_START_BATCHES);
        most.min(start + added * (self.horizon / SECOND))
    }
}

/// Events a second of something every `interval_ms`.
pub(crate) fn per_s(interval_ms: SimTime) -> f64 {
    1_000.0 / interval_ms.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::zipf_total_lower_bound;

    /// The bound never passes the exact sum, is exact up to 1,024 keys, and
    /// is within 0.1% of it beyond, for the exponents a producer allows.
    #[test]
    fn the_zipf_total_is_bounded_from_below_and_close() {
        for s in [0.0, 0.5, 0.99, 1.0, 1.01, 1.1, 2.0, 10.0] {
            for count in [1, 7, 1_024, 1_025, 5_000, 100_000] {
                let exact: f64 = (1..=count).map(|k| 1.0 / libm::pow(f64::from(k), s)).sum();
                let bound = zipf_total_lower_bound(count, s);
                assert!(bound <= exact * (1.0 + 1e-12), "s {s}, {count} keys: {bound} > {exact}");
                if count <= 1_024 {
                    assert_eq!(bound, exact, "s {s}, {count} keys");
                }
                assert!(bound >= exact * 0.999, "s {s}, {count} keys: {bound} vs {exact}");
            }
        }
    }
}
