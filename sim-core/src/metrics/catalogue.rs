//! The metric catalogue: every metric's CloudWatch name, unit, statistic
//! and source, per kind (each kind's table is its `kinds/<kind>/metrics.rs`),
//! and the charts the app shows first. Data only: validation resolves a
//! lesson's metric names here, and nothing here depends on a run.

use serde::Serialize;

use crate::scenario::{NodeKind, NodeSpec};
use crate::time::{HOUR, MINUTE, SECOND, SimTime};

/// CloudWatch unit of a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// A number of things (records, calls).
    Count,
    /// Bytes.
    Bytes,
    /// Milliseconds.
    Milliseconds,
    /// Seconds.
    Seconds,
    /// Percent (0 to 100).
    Percent,
}

impl Unit {
    /// The CloudWatch spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Bytes => "Bytes",
            Unit::Milliseconds => "Milliseconds",
            Unit::Seconds => "Seconds",
            Unit::Percent => "Percent",
        }
    }
}

/// How samples within one period combine into the period's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    /// Total of the samples (counts, bytes).
    Sum,
    /// Largest sample (ages, gauges).
    Maximum,
}

impl Statistic {
    /// The CloudWatch spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Sum => "Sum",
            Statistic::Maximum => "Maximum",
        }
    }
}

/// Who publishes a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// AWS (or the AWS library the node stands for: the KPL, the KCL), under
    /// this name.
    Aws,
    /// The simulator: a figure AWS does not publish (records that expired
    /// unread, open shards, duplicates), shown so the run can be explained.
    Simulator,
}

/// What a second without a sample holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The gauge's last value (an age keeps growing between reads).
    Repeat,
    /// No datapoint, as in CloudWatch: the value comes only with a response
    /// (MillisBehindLatest is in successful GetRecords responses only, so a
    /// reader whose calls are all refused reports nothing, not 0).
    NoData,
}

/// A metric's identity: CloudWatch name, unit and natural statistic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricDef {
    /// CloudWatch metric name, e.g. `IncomingRecords`.
    pub name: &'static str,
    /// CloudWatch unit.
    pub unit: Unit,
    /// The statistic the UI and summary use for it.
    pub stat: Statistic,
    /// Whether AWS publishes it or the simulator adds it.
    pub source: Source,
    /// What a second without a sample holds.
    pub missing: Missing,
}

impl MetricDef {
    pub(crate) const fn new(
        name: &'static str,
        unit: Unit,
        stat: Statistic,
        source: Source,
    ) -> Self {
        MetricDef { name, unit, stat, source, missing: Missing::Repeat }
    }
    pub(crate) const fn sum(name: &'static str, unit: Unit) -> Self {
        Self::new(name, unit, Statistic::Sum, Source::Aws)
    }
    pub(crate) const fn max(name: &'static str, unit: Unit) -> Self {
        Self::new(name, unit, Statistic::Maximum, Source::Aws)
    }
    /// A Maximum that only a response reports: no datapoint without one.
    pub(crate) const fn reported(name: &'static str, unit: Unit) -> Self {
        MetricDef { missing: Missing::NoData, ..Self::max(name, unit) }
    }
    pub(crate) const fn own_sum(name: &'static str, unit: Unit) -> Self {
        Self::new(name, unit, Statistic::Sum, Source::Simulator)
    }
    pub(crate) const fn own_max(name: &'static str, unit: Unit) -> Self {
        Self::new(name, unit, Statistic::Maximum, Source::Simulator)
    }
}

pub use crate::kinds::consumer::metrics as consumer;
pub use crate::kinds::destination::metrics as destination;
pub use crate::kinds::firehose::metrics as firehose;
pub use crate::kinds::flink::metrics as flink;
pub use crate::kinds::kcl::metrics as kcl;
pub use crate::kinds::lambda::metrics as lambda;
pub use crate::kinds::msk::metrics as msk;
pub use crate::kinds::producer::metrics as producer;
pub use crate::kinds::queue::metrics as queue;
pub use crate::kinds::sns::metrics as sns;
pub use crate::kinds::stream::metrics as stream;
pub use crate::kinds::worker_pool::metrics as worker_pool;

/// The simulator's age of the oldest record a reader has not read yet.
pub(crate) const OLDEST_UNREAD: MetricDef =
    MetricDef::own_max("OldestUnreadRecordAge", Unit::Milliseconds);

/// The metric table of a node: its kind's, for an on-demand stream also
/// its write capacity, and for an MSK Serverless cluster Serverless's names.
pub fn node_defs(spec: &NodeSpec) -> &'static [MetricDef] {
    if is_on_demand(spec) {
        stream::ON_DEMAND_DEFS
    } else if is_serverless(spec) {
        msk::SERVERLESS_DEFS
    } else {
        defs(spec.kind())
    }
}

fn is_serverless(spec: &NodeSpec) -> bool {
    matches!(spec, NodeSpec::MskCluster(m) if m.is_serverless())
}

fn is_on_demand(spec: &NodeSpec) -> bool {
    matches!(spec, NodeSpec::KinesisStream(s) if s.capacity.is_on_demand())
}

/// The metric table of a node kind (an on-demand stream has one more, see
/// [`node_defs`]).
pub fn defs(kind: NodeKind) -> &'static [MetricDef] {
    kind.about().metrics
}

/// A chart: its title and the metrics drawn together on it (indices into
/// the node's table).
pub type Chart = (&'static str, &'static [usize]);

/// The charts the app shows first for a node: its kind's, and for an
/// on-demand stream its write capacity against what it took.
pub fn node_charts(spec: &NodeSpec) -> &'static [Chart] {
    if is_on_demand(spec) {
        stream::ON_DEMAND_CHARTS
    } else if is_serverless(spec) {
        msk::SERVERLESS_CHARTS
    } else {
        kind_charts(spec.kind())
    }
}

/// The charts of a node kind.
fn kind_charts(kind: NodeKind) -> &'static [Chart] {
    kind.about().charts
}

/// Resolutions kept, finest first, with how many periods each holds.
pub const TIERS: [(SimTime, usize); 3] = [(SECOND, 3_600), (MINUTE, 1_440), (HOUR, 8_760)];
