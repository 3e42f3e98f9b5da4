//! Run reports: the JSON summary other tools read (a stable format) and the
//! per-second time series as CSV and JSON.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

use serde::Serialize;

use crate::cost::CostItem;
use crate::engine::Simulation;
use crate::ledger::Ledger;
use crate::metrics::{LatencySummary, MetricDef, Point, Source, TIERS};
use crate::scenario::NodeIndex;
use crate::time::SECOND;

/// The summary of a run. Field names are a stable interface: new fields may
/// appear, existing ones never change meaning.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The model version that produced these numbers ([`crate::MODEL_VERSION`]).
    pub model_version: u32,
    /// Scenario title.
    pub scenario: String,
    /// Seed of the run.
    pub seed: u64,
    /// Simulated seconds.
    pub duration_s: u64,
    /// Seconds at the start left out of the statistics (absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub warmup_s: u64,
    /// Per node, by id.
    pub nodes: BTreeMap<String, NodeSummary>,
    /// Where every record is.
    pub ledger: Ledger,
    /// What the run cost.
    pub cost: CostSummary,
}

/// One node's summary.
#[derive(Clone, Debug, Serialize)]
pub struct NodeSummary {
    /// Node kind, as in scenario files.
    pub kind: &'static str,
    /// Statistics per CloudWatch metric name.
    pub metrics: BTreeMap<&'static str, MetricSummary>,
    /// For streams: every shard the stream had, by shard index.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<ShardSummary>,
    /// For Firehose delivery streams: where the records went and the sizes
    /// of the objects delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliverySummary>,
    /// For KCL applications: workers, leases and duplicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kcl: Option<KclSummary>,
    /// For SQS queues: waiting, delivery and the fates of messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueSummary>,
    /// For Lambda functions: environments and records given up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<LambdaSummary>,
    /// For nodes that measure it, once records have passed: the record
    /// latency distribution over the run (MODEL.md, Latency). Keys:
    /// `records`, `mean_ms`, `p50_ms`, `p90_ms`, `p99_ms`, `max_ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySummary>,
    /// The same records' latency end to end: from their birth at a
    /// producer, through every hand-off, to the same point (MODEL.md,
    /// Latency). The same keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_to_end_latency: Option<LatencySummary>,
}

/// A Lambda function's whole-run figures.
#[derive(Clone, Debug, Serialize)]
pub struct LambdaSummary {
    /// Execution environments created (aws-facts 5.3: at most 1,000 per 10 s).
    pub environments: u32,
    /// Stream sources: records given up after the retries or the maximum
    /// record age (aws-facts 5.1).
    pub records_given_up: u64,
}

fn lambda_summary(sim: &Simulation, node: NodeIndex) -> Option<LambdaSummary> {
    let f = sim.function(node)?;
    Some(LambdaSummary { environments: f.environments, records_given_up: f.discarded })
}

/// An SQS queue's whole-run figures.
#[derive(Clone, Debug, Serialize)]
pub struct QueueSummary {
    /// Mean wait of a message between becoming visible and its first
    /// receive, in ms.
    pub mean_wait_ms: f64,
    /// Time-average of visible messages.
    pub mean_visible_messages: f64,
    /// Messages processed (once each in the ledger).
    pub delivered: u64,
    /// Second processings of messages (at-least-once delivery).
    pub duplicates: u64,
    /// Messages deleted by retention.
    pub expired: u64,
    /// Messages moved to the dead-letter queue.
    pub dead_lettered: u64,
}

fn queue_summary(sim: &Simulation, node: NodeIndex) -> Option<QueueSummary> {
    let q = sim.queue(node)?;
    Some(QueueSummary {
        mean_wait_ms: q.mean_wait_ms(),
        mean_visible_messages: q.mean_visible(sim.now()),
        delivered: q.delivered,
        duplicates: q.duplicates,
        expired: q.expired,
        dead_lettered: q.dead_lettered,
    })
}

/// A KCL application's end-of-run figures.
#[derive(Clone, Debug, Serialize)]
pub struct KclSummary {
    /// Workers alive at the end.
    pub live_workers: usize,
    /// Leases held by each worker at the end, by worker index.
    pub leases_by_worker: Vec<u32>,
    /// Leases taken over from dead workers.
    pub leases_taken: u64,
    /// Records processed again after failovers.
    pub duplicate_records: u64,
}

fn kcl_summary(sim: &Simulation, node: NodeIndex) -> Option<KclSummary> {
    let k = sim.kcl_app(node)?;
    Some(KclSummary {
        live_workers: k.live_workers(),
        leases_by_worker: k.lease_counts(),
        leases_taken: k.leases_taken,
        duplicate_records: k.duplicates,
    })
}

/// A delivery stream's whole-run figures.
#[derive(Clone, Debug, Serialize)]
pub struct DeliverySummary {
    /// Records accepted.
    pub incoming_records: u64,
    /// Records the destination acknowledged.
    pub delivered_records: u64,
    /// Records still buffered or waiting for delivery.
    pub buffered_records: u64,
    /// Records written to the S3 backup after the retry duration.
    pub backed_up_records: u64,
    /// Records lost after the retry duration.
    pub lost_records: u64,
    /// Objects delivered, by size: `(smallest size of the bucket in bytes,
    /// objects)`, each bucket spanning a power of two.
    pub object_sizes: Vec<(u64, u64)>,
}

fn delivery_summary(sim: &Simulation, node: NodeIndex) -> Option<DeliverySummary> {
    let f = sim.firehose(node)?;
    Some(DeliverySummary {
        incoming_records: f.incoming,
        delivered_records: f.delivered,
        buffered_records: f.in_flight(),
        backed_up_records: f.backed_up,
        lost_records: f.lost,
        object_sizes: f.object_sizes.buckets().collect(),
    })
}

/// One shard's whole-run figures (enhanced shard-level metric names).
#[derive(Clone, Debug, Serialize)]
pub struct ShardSummary {
    /// Shard index (its id within the stream).
    pub shard: usize,
    /// First hash key of its range, as a decimal string.
    pub starting_hash_key: String,
    /// Last hash key of its range, as a decimal string.
    pub ending_hash_key: String,
    /// Whether it still takes writes at the end of the run.
    pub open: bool,
    /// Parents it was split or merged from.
    pub parents: Vec<usize>,
    /// Sum, per-second average and busiest second of each counter.
    pub metrics: BTreeMap<&'static str, ShardMetric>,
}

/// Whole-run statistics of a per-shard counter.
#[derive(Clone, Debug, Serialize)]
pub struct ShardMetric {
    /// Total over the run.
    pub sum: u64,
    /// Mean per second.
    pub avg: f64,
    /// The busiest second.
    pub max: u64,
    /// CloudWatch unit.
    pub unit: &'static str,
}

fn shard_summaries(sim: &Simulation, node: NodeIndex) -> Vec<ShardSummary> {
    let Some(stream) = sim.stream(node) else { return Vec::new() };
    stream
        .shards
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let t = &s.totals;
            let secs = t.seconds.max(1) as f64;
            let metric =
                |sum: u64, max: u64, unit| ShardMetric { sum, avg: sum as f64 / secs, max, unit };
            let metrics = BTreeMap::from([
                ("IncomingRecords", metric(t.sum.in_records, t.max.in_records, "Count")),
                ("IncomingBytes", metric(t.sum.in_bytes, t.max.in_bytes, "Bytes")),
                (
                    "WriteProvisionedThroughputExceeded",
                    metric(t.sum.throttled, t.max.throttled, "Count"),
                ),
                ("OutgoingBytes", metric(t.sum.out_bytes, t.max.out_bytes, "Bytes")),
            ]);
            ShardSummary {
                shard: i,
                starting_hash_key: s.range.start.to_string(),
                ending_hash_key: s.range.end.to_string(),
                open: s.is_open(),
                parents: s.parents.clone(),
                metrics,
            }
        })
        .collect()
}

/// Whole-run statistics of a metric over its one-second values.
#[derive(Clone, Debug, Serialize)]
pub struct MetricSummary {
    /// Sum of the per-second values.
    pub sum: f64,
    /// Mean per-second value.
    pub avg: f64,
    /// Largest per-second value.
    pub max: f64,
    /// 99th percentile of the per-second values.
    pub p99: f64,
    /// CloudWatch unit.
    pub unit: &'static str,
    /// `aws` for a metric AWS publishes under this name (or the KPL / KCL
    /// does), `simulator` for the simulator's own figures.
    pub source: Source,
    /// Seconds with a datapoint: fewer than the run's seconds for a metric
    /// that only responses report (MillisBehindLatest with every call
    /// refused has none); the statistics above are over these seconds.
    pub datapoints: u64,
}

/// Cost of the run and its monthly projection.
#[derive(Clone, Debug, Serialize)]
pub struct CostSummary {
    /// Cost accrued over the run.
    pub total_usd: f64,
    /// The run's average hourly rate over the scenario's month (730 hours
    /// unless its `pricing.month_hours` says otherwise; MODEL.md, Cost).
    pub monthly_projection_usd: f64,
    /// Line items.
    pub items: Vec<CostItem>,
}

/// Summarises a simulation at its current time.
pub fn summarize(sim: &Simulation) -> Summary {
    let scenario = sim.scenario();
    let nodes = scenario
        .indexed_nodes()
        .map(|(i, node)| {
            let m = sim.metrics(i);
            let metrics = m
                .defs()
                .iter()
                .enumerate()
                .map(|(k, def)| {
                    let s = m.stats(k);
                    let summary = MetricSummary {
                        sum: s.sum,
                        avg: s.avg(),
                        max: s.max,
                        p99: s.p99(),
                        unit: def.unit.as_str(),
                        source: def.source,
                        datapoints: s.seconds,
                    };
                    (def.name, summary)
                })
                .collect();
            let shards = shard_summaries(sim, i);
            let delivery = delivery_summary(sim, i);
            let kind = node.spec.kind().as_str();
            let kcl = kcl_summary(sim, i);
            let queue = queue_summary(sim, i);
            let lambda = lambda_summary(sim, i);
            let measured = sim.latency(i);
            let latency = measured.and_then(|l| l.hop.summary());
            let end_to_end_latency = measured.and_then(|l| l.end_to_end.summary());
            let summary = NodeSummary {
                kind,
                metrics,
                shards,
                delivery,
                kcl,
                queue,
                lambda,
                latency,
                end_to_end_latency,
            };
            (node.id.clone(), summary)
        })
        .collect();
    let cost = sim.cost();
    let items = cost.items();
    let total_usd = items.iter().map(|i| i.usd).sum();
    let monthly_projection_usd = cost.monthly_projection_usd(sim.now());
    Summary {
        model_version: crate::MODEL_VERSION,
        scenario: scenario.name.clone(),
        seed: sim.seed(),
        duration_s: sim.now() / SECOND,
        warmup_s: scenario.warmup_s,
        nodes,
        ledger: sim.ledger(),
        cost: CostSummary { total_usd, monthly_projection_usd, items },
    }
}

/// Every metric's series at the finest resolution that still covers the
/// whole run: (node index, definition, resolution in seconds, points).
/// Both exports below walk it, so they always carry the same numbers.
fn whole_run_series(
    sim: &Simulation,
) -> impl Iterator<Item = (NodeIndex, &'static MetricDef, u64, &VecDeque<Point>)> {
    NodeIndex::all(sim.scenario().nodes.len()).flat_map(move |i| {
        let m = sim.metrics(i);
        m.defs().iter().enumerate().map(move |(k, def)| {
            let series = m.series(k);
            let tier = series.finest_covering(0);
            (i, def, TIERS[tier].0 / SECOND, series.tier(tier))
        })
    })
}

/// The time series of every metric as CSV, one row per node, metric and
/// period: `time_s,resolution_s,node,metric,unit,value`. Uses one-second
/// periods while they cover the whole run, coarser tiers beyond.
pub fn time_series_csv(sim: &Simulation) -> String {
    let mut out = String::from("time_s,resolution_s,node,metric,unit,value\n");
    for (i, def, res, points) in whole_run_series(sim) {
        for p in points {
            // A period without a datapoint has an empty value.
            let value = if p.has_data() { p.value(def.stat).to_string() } else { String::new() };
            let _ = writeln!(
                out,
                "{},{},{},{},{},{value}",
                p.t / SECOND,
                res,
                sim.scenario().node(i).id,
                def.name,
                def.unit.as_str(),
            );
        }
    }
    out
}

/// The time series export as JSON: the same periods and values as
/// [`time_series_csv`], grouped by series. Field names are a stable interface.
#[derive(Clone, Debug, Serialize)]
pub struct TimeSeriesExport<'a> {
    /// The model version that produced these numbers.
    pub model_version: u32,
    /// Scenario title.
    pub scenario: &'a str,
    /// Seed of the run.
    pub seed: u64,
    /// Simulated seconds so far.
    pub now_s: u64,
    /// One entry per node and metric.
    pub series: Vec<SeriesExport<'a>>,
}

/// One metric of one node over the run.
#[derive(Clone, Debug, Serialize)]
pub struct SeriesExport<'a> {
    /// Node id.
    pub node: &'a str,
    /// Node kind, as in scenario files.
    pub kind: &'static str,
    /// CloudWatch metric name.
    pub metric: &'static str,
    /// CloudWatch unit.
    pub unit: &'static str,
    /// How each period's value combines its seconds (`Sum` or `Maximum`).
    pub statistic: &'static str,
    /// Length of each period in seconds.
    pub resolution_s: u64,
    /// `aws` or `simulator` (see [`MetricSummary::source`]).
    pub source: Source,
    /// `[start of the period in seconds, value]`, oldest first; the value
    /// is `null` for a period without a datapoint.
    pub points: Vec<(u64, Option<f64>)>,
}

/// The time series of every metric as JSON (see [`TimeSeriesExport`]).
pub fn time_series_json(sim: &Simulation) -> String {
    let series = whole_run_series(sim)
        .map(|(i, def, resolution_s, points)| SeriesExport {
            node: &sim.scenario().node(i).id,
            kind: sim.scenario().node(i).spec.kind().as_str(),
            metric: def.name,
            unit: def.unit.as_str(),
            statistic: def.stat.as_str(),
            resolution_s,
            source: def.source,
            points: points
                .iter()
                .map(|p| (p.t / SECOND, p.has_data().then(|| p.value(def.stat))))
                .collect(),
        })
        .collect();
    let export = TimeSeriesExport {
        model_version: crate::MODEL_VERSION,
        scenario: &sim.scenario().name,
        seed: sim.seed(),
        now_s: sim.now() / SECOND,
        series,
    };
    serde_json::to_string(&export).expect("an export of numbers and names always serialises")
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
