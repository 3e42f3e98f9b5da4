//! Capacity modes compared: the same traffic with every stream provisioned
//! and with every stream on demand, billed as On-demand Standard and as
//! On-demand Advantage, side by side (aws-facts 1.4, 2.1, 2.2).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cost::CostMeter;
use crate::engine::Simulation;
use crate::ledger::Ledger;
use crate::metrics::stream::WRITE_THROTTLED;
use crate::pricing::OnDemandPricing;
use crate::scenario::{Capacity, NodeIndex, NodeSpec, Operation, Scenario, StreamOp};
use crate::time::SECOND;
use crate::validate::{Issue, ValidScenario, validate};

/// Most shards a provisioned stream may have (aws-facts 1.6: UpdateShardCount
/// caps a stream at 10,000 by default; validation uses the same bound).
const MAX_SHARDS: usize = 10_000;

/// The three bills of one traffic.
#[derive(Clone, Debug, Serialize)]
pub struct ModeComparison {
    /// Scenario title.
    pub scenario: String,
    /// Seed of both runs.
    pub seed: u64,
    /// Simulated seconds of each run.
    pub duration_s: u64,
    /// Region of the prices.
    pub region: String,
    /// Hours in the month of the projections.
    pub month_hours: f64,
    /// Every stream provisioned, every stream on demand under On-demand
    /// Standard, and under On-demand Advantage.
    pub modes: Vec<ModeBill>,
    /// The mode with the lowest monthly projection.
    pub cheaper: &'static str,
    /// How much lower its monthly projection is than the next cheapest's,
    /// in US dollars.
    pub monthly_saving_usd: f64,
    /// How the variants were made, in plain words.
    pub notes: Vec<String>,
}

/// One variant's run and bill.
#[derive(Clone, Debug, Serialize)]
pub struct ModeBill {
    /// `provisioned`, `on_demand` (Standard) or `on_demand_advantage`.
    pub mode: &'static str,
    /// Whether this is the scenario exactly as written.
    pub as_given: bool,
    /// Each stream's capacity, by node id.
    pub streams: BTreeMap<String, StreamCapacity>,
    /// Cost of the run.
    pub total_usd: f64,
    /// The run's average hourly rate over the month.
    pub monthly_projection_usd: f64,
    /// Records refused by a shard (`WriteProvisionedThroughputExceeded`,
    /// retries included) over all streams.
    pub write_throttled: u64,
    /// Where every record ended up.
    pub ledger: Ledger,
    /// The bill's lines.
    pub items: Vec<BillLine>,
}

impl ModeBill {
    /// The mode's name for people.
    pub fn title(&self) -> &'static str {
        mode_title(self.mode)
    }
}

/// A capacity mode's name for people, by its key.
pub fn mode_title(mode: &str) -> &'static str {
    match mode {
        "provisioned" => "Provisioned",
        "on_demand" => "On-demand Standard",
        _ => "On-demand Advantage",
    }
}

impl ModeComparison {
    /// The mode with the lowest monthly projection, and the next cheapest.
    pub fn cheapest_two(&self) -> (&ModeBill, &ModeBill) {
        let mut ranked: Vec<&ModeBill> = self.modes.iter().collect();
        ranked.sort_by(|a, b| a.monthly_projection_usd.total_cmp(&b.monthly_projection_usd));
        (ranked[0], ranked[1])
    }
}

/// A stream's capacity in one variant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamCapacity {
    /// `provisioned` or `on_demand`.
    pub mode: &'static str,
    /// Open shards at the start of the run.
    pub shards_at_start: usize,
    /// Open shards at the end of the run.
    pub shards_at_end: usize,
}

/// One line of a bill, with the price applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BillLine {
    /// Catalogue key of the price (see `sim-core/prices/aws-prices.json`).
    pub key: String,
    /// AWS service.
    pub service: String,
    /// What is billed.
    pub item: String,
    /// Units consumed.
    pub units: f64,
    /// Name of the unit.
    pub unit: String,
    /// The price applied, in US dollars per `per` units.
    pub price_usd: f64,
    /// How many units `price_usd` is for.
    pub per: f64,
    /// Cost in US dollars.
    pub usd: f64,
}

/// Runs `valid` for `duration_s` simulated seconds with every stream on
/// demand, then with every stream provisioned, and returns three bills:
/// provisioned, On-demand Standard and On-demand Advantage.
///
/// Provisioned streams keep their shard count (and their scheduled
/// resharding); a stream that is on demand in the scenario is provisioned
/// with the number of shards it had open at the end of the on-demand run, the
/// capacity on demand found it needed. Converted streams drop their scheduled
/// resharding (AWS refuses it on demand). The Advantage bill prices the
/// Standard run's meters (the same traffic and scaling) unless a stream is
/// warmed, which only Advantage allows: then it is a run of its own, and the
/// Standard run leaves warm throughput out. Errors only if a variant fails
/// validation, which a valid scenario's variants do not (but for enhanced
/// fan-out consumers that only Advantage allows).
pub fn compare_modes(
    valid: &ValidScenario,
    seed: u64,
    duration_s: u64,
) -> Result<ModeComparison, Vec<Issue>> {
    let scenario = valid.scenario();
    let streams: Vec<(NodeIndex, &str, Capacity)> = scenario
        .indexed_nodes()
        .filter_map(|(i, n)| match &n.spec {
            NodeSpec::KinesisStream(s) => Some((i, n.id.as_str(), s.capacity.clone())),
            _ => None,
        })
        .collect();
    let warmed =
        |c: &Capacity| matches!(c, Capacity::OnDemand { warm_throughput_mib_s: Some(_), .. });
    let mut notes = Vec::new();

    // Every stream on demand, as the Advantage account has them.
    let mut advantage = scenario.clone();
    advantage.pricing.kinesis_on_demand = OnDemandPricing::Advantage;
    for &(i, id, ref capacity) in &streams {
        if !capacity.is_on_demand() {
            set_capacity(&mut advantage, i, Capacity::on_demand());
            let before = advantage.schedule.len();
            advantage.schedule.retain(|op| op.node != id);
            if advantage.schedule.len() < before {
                notes.push(format!(
                    "{id}: scheduled resharding is left out on demand (AWS refuses it)"
                ));
            }
        }
    }
    // On-demand Standard: the same, without warm throughput.
    let mut standard = advantage.clone();
    standard.pricing.kinesis_on_demand = OnDemandPricing::Standard;
    for &(i, id, ref capacity) in &streams {
        if warmed(capacity) {
            set_capacity(&mut standard, i, Capacity::on_demand());
            notes.push(format!(
                "{id}: warm throughput needs On-demand Advantage, so the Standard run starts cold"
            ));
        }
    }
    let standard_sim = run(&standard, seed, duration_s)?;
    let any_warm = streams.iter().any(|s| warmed(&s.2));
    let advantage_sim = if any_warm {
        Some(run(&advantage, seed, duration_s)?)
    } else {
        notes.push(format!(
            "On-demand Advantage bills the On-demand Standard run's use (the same traffic and \
             scaling) at its prices, and at least {} MiB/s in and {0} MiB/s of retrieval for \
             the {} hours it commits to, however short the run.",
            crate::cost::ADVANTAGE_MIN_BYTES_PER_S / 1_048_576,
            crate::cost::ADVANTAGE_MIN_COMMITMENT / crate::time::HOUR
        ));
        None
    };

    // Every stream provisioned: no on-demand stream, no Advantage commitment.
    let mut provisioned = scenario.clone();
    provisioned.pricing.kinesis_on_demand = OnDemandPricing::Standard;
    for &(i, id, ref capacity) in &streams {
        if capacity.is_on_demand() {
            let open = standard_sim.stream(i).map_or(1, |s| s.open.len());
            let shards = open.clamp(1, MAX_SHARDS);
            set_capacity(&mut provisioned, i, Capacity::Provisioned { shards: shards as u32 });
            notes.push(format!(
                "{id}: provisioned with {shards} shards, the count on demand reached by the end"
            ));
        }
    }
    let provisioned_sim = run(&provisioned, seed, duration_s)?;

    let all_on_demand = !streams.is_empty() && streams.iter().all(|s| s.2.is_on_demand());
    let none_on_demand = !streams.iter().any(|s| s.2.is_on_demand());
    let standard_given = scenario.pricing.kinesis_on_demand == OnDemandPricing::Standard;
    let (advantage_run, advantage_cost) = match &advantage_sim {
        Some(sim) => (sim, sim.cost().clone()),
        None => {
            (&standard_sim, standard_sim.cost().with_on_demand_pricing(OnDemandPricing::Advantage))
        }
    };
    let modes = vec![
        bill(
            "provisioned",
            none_on_demand && standard_given,
            &provisioned_sim,
            provisioned_sim.cost(),
        ),
        bill(
            "on_demand",
            all_on_demand && standard_given && !any_warm,
            &standard_sim,
            standard_sim.cost(),
        ),
        bill(
            "on_demand_advantage",
            all_on_demand && !standard_given,
            advantage_run,
            &advantage_cost,
        ),
    ];
    let mut comparison = ModeComparison {
        scenario: scenario.name.clone(),
        seed,
        duration_s,
        region: scenario.pricing.region.clone(),
        month_hours: provisioned_sim.cost().prices().month_hours,
        modes,
        cheaper: "",
        monthly_saving_usd: 0.0,
        notes,
    };
    let (cheapest, next) = comparison.cheapest_two();
    (comparison.cheaper, comparison.monthly_saving_usd) =
        (cheapest.mode, next.monthly_projection_usd - cheapest.monthly_projection_usd);
    Ok(comparison)
}

fn set_capacity(scenario: &mut Scenario, node: NodeIndex, capacity: Capacity) {
    if let Some(NodeSpec::KinesisStream(s)) =
        scenario.nodes.get_mut(node.get()).map(|n| &mut n.spec)
    {
        s.capacity = capacity;
    }
}

fn run(scenario: &Scenario, seed: u64, duration_s: u64) -> Result<Simulation, Vec<Issue>> {
    let valid = validate(scenario)?;
    let mut sim = Simulation::new(&valid, seed);
    sim.run_until(duration_s.saturating_mul(SECOND));
    Ok(sim)
}

/// A variant's bill: its run's streams and records, priced by `cost`.
fn bill(mode: &'static str, as_given: bool, sim: &Simulation, cost: &CostMeter) -> ModeBill {
    let scenario = sim.scenario();
    let mut streams = BTreeMap::new();
    let mut write_throttled = 0;
    for (i, node) in scenario.indexed_nodes() {
        let Some(stream) = sim.stream(i) else { continue };
        // The shards the stream was created with have no parents.
        let shards_at_start = stream.shards.iter().filter(|s| s.parents.is_empty()).count();
        let mode = if stream.is_on_demand() { "on_demand" } else { "provisioned" };
        streams.insert(
            node.id.clone(),
            StreamCapacity { mode, shards_at_start, shards_at_end: stream.open.len() },
        );
        write_throttled += sim.metrics(i).total(WRITE_THROTTLED) as u64;
    }
    let items: Vec<BillLine> = cost
        .items()
        .into_iter()
        .map(|i| BillLine {
            key: i.key,
            service: i.service,
            item: i.item,
            units: i.units,
            unit: i.unit,
            price_usd: i.quoted_usd,
            per: i.per,
            usd: i.usd,
        })
        .collect();
    ModeBill {
        mode,
        as_given,
        streams,
        total_usd: items.iter().map(|i| i.usd).sum(),
        monthly_projection_usd: cost.monthly_projection_usd(sim.now()),
        write_throttled,
        ledger: sim.ledger(),
        items,
    }
}

/// The MSK cluster a Kinesis stream is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MskSizing {
    /// Broker instance type.
    pub broker_type: crate::scenario::BrokerType,
    /// Brokers (a multiple of 3: the clusters are spread over 3 AZs).
    pub brokers: u32,
}

impl Default for MskSizing {
    /// aws-facts-more 1.1: one broker per AZ at least, three AZs.
    fn default() -> Self {
        MskSizing { broker_type: crate::scenario::BrokerType::M5Large, brokers: 3 }
    }
}

/// The same producers on Kinesis Data Streams (provisioned shards) and on
/// Amazon MSK (brokers, partitions; and MSK Serverless), side by side. (It
/// reads back from JSON too: a planning worker sends it to the page.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceComparison {
    /// Scenario title.
    pub scenario: String,
    /// Seed of both runs.
    pub seed: u64,
    /// Simulated seconds of each run.
    pub duration_s: u64,
    /// Hours in the month of the projections.
    pub month_hours: f64,
    /// Kinesis first, then MSK provisioned, then MSK Serverless.
    pub rows: Vec<ServiceRow>,
    /// The classic comparison points (aws-facts-more 6): constants, so
    /// read back as [`CLASSIC_POINTS`].
    #[serde(deserialize_with = "classic_points")]
    pub points: Vec<ClassicPoint>,
    /// How the variants were made, in plain words.
    pub notes: Vec<String>,
}

/// A service the comparison runs the traffic on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// Kinesis Data Streams, provisioned shards.
    KinesisProvisioned,
    /// Amazon MSK, provisioned brokers.
    MskProvisioned,
    /// MSK Serverless.
    MskServerless,
}

impl Service {
    /// The name in JSON and test ids: `kinesis_provisioned`,
    /// `msk_provisioned`, `msk_serverless`.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::KinesisProvisioned => "kinesis_provisioned",
            Service::MskProvisioned => "msk_provisioned",
            Service::MskServerless => "msk_serverless",
        }
    }

    /// How people call it: `Kinesis provisioned`, `MSK provisioned`,
    /// `MSK Serverless`.
    pub fn title(self) -> &'static str {
        match self {
            Service::KinesisProvisioned => "Kinesis provisioned",
            Service::MskProvisioned => "MSK provisioned",
            Service::MskServerless => "MSK Serverless",
        }
    }
}

/// One service's run of the traffic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceRow {
    /// The service.
    pub service: Service,
    /// Its capacity, in words (shards; brokers, type and partitions).
    pub capacity: String,
    /// Client bytes a second it takes at most when the load is spread
    /// evenly: shards × 1 MiB, partition keys included (aws-facts 1.1);
    /// brokers × the broker's ingress figure at replication factor 3
    /// (aws-facts-more 1.1, 1.4); partitions × 5 MBps up to 200 MBps per
    /// Serverless cluster (aws-facts-more 2.1).
    pub capacity_bytes_per_s: f64,
    /// Records a second it takes at most, where the service also limits
    /// records: shards × 1,000 (aws-facts 1.1). None for MSK, whose limits
    /// are bytes only.
    pub capacity_records_per_s: Option<f64>,
    /// Client bytes a second it took, on average (data and keys: Kinesis's
    /// `IncomingBytes`, MSK's `BytesInPerSec`).
    pub incoming_bytes_per_s: f64,
    /// Records a second it took, on average (Kinesis's `IncomingRecords`,
    /// an aggregate once; MSK's `MessagesInPerSec`).
    pub incoming_records_per_s: f64,
    /// 1 − the larger of incoming / capacity in bytes and in records (the
    /// limit reached first): the share of capacity left (negative when the
    /// traffic asks for more than it has).
    pub headroom: f64,
    /// The busiest shard's, broker's or Serverless quota's peak load, as a
    /// share of its limit.
    pub busiest_unit_load: f64,
    /// Writes refused (Kinesis throttling, retries included; MSK refuses none).
    pub refused_writes: u64,
    /// The longest a record waited in a producer before the service took
    /// it, in ms (MSK delays instead of refusing).
    pub producer_wait_max_ms: f64,
    /// The readers' lag at its worst, in ms (iterator age;
    /// EstimatedMaxTimeLag; MaxEstimatedTimeLag on Serverless).
    pub lag_max_ms: f64,
    /// Records lost (given up, timed out or expired unread).
    pub lost_records: u64,
    /// The service's own lines of the bill for the run, in US dollars.
    pub run_usd: f64,
    /// Those lines projected over a month at the run's rate.
    pub monthly_usd: f64,
    /// The service's bill lines.
    pub items: Vec<BillLine>,
}

/// Which of a service's write limits the traffic is nearer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Bytes a second.
    Bytes,
    /// Records a second.
    Records,
}

impl ServiceRow {
    /// The share of each limit the traffic used: bytes, then records (0
    /// where the service has no record limit).
    fn loads(&self) -> (f64, f64) {
        let bytes = self.incoming_bytes_per_s / self.capacity_bytes_per_s.max(1.0);
        let records =
            self.capacity_records_per_s.map_or(0.0, |c| self.incoming_records_per_s / c.max(1.0));
        (bytes, records)
    }

    /// The limit the traffic reaches first (aws-facts 1.1: a shard takes
    /// 1 MiB/s or 1,000 records/s, whichever comes first); none without
    /// traffic.
    pub fn binding_limit(&self) -> Option<Limit> {
        match self.loads() {
            (b, r) if r > b => Some(Limit::Records),
            (b, _) if b > 0.0 => Some(Limit::Bytes),
            _ => None,
        }
    }
}

/// 1 − the larger share of a limit used: records count as much as bytes
/// where the service limits both.
fn headroom(row: &ServiceRow) -> f64 {
    let (bytes, records) = row.loads();
    1.0 - bytes.max(records)
}

/// One line of the comparison as people read it, the same in the CLI's
/// table and the app's: a key (for tests and styles), a label, and the
/// row's figure in words.
pub struct ServiceFigure {
    /// Stable name of the figure.
    pub key: &'static str,
    /// What the line is called.
    pub label: &'static str,
    /// The figure of one service, in sim-core's units.
    pub show: fn(&ServiceRow) -> String,
}

/// Every figure of a [`ServiceRow`], in the order they are read.
pub const SERVICE_FIGURES: &[ServiceFigure] = {
    use crate::units::{bytes, millis, percent, quantity, usd};
    &[
        ServiceFigure { key: "capacity", label: "capacity", show: |s| s.capacity.clone() },
        ServiceFigure {
            key: "capacity_in",
            label: "capacity in",
            show: |s| {
                let by_bytes = format!("{}/s", bytes(s.capacity_bytes_per_s));
                let Some(records) = s.capacity_records_per_s else { return by_bytes };
                let by_records = format!("{} records/s", quantity(records));
                match s.binding_limit() {
                    Some(Limit::Records) => format!("{by_records} (binding) or {by_bytes}"),
                    Some(Limit::Bytes) => format!("{by_bytes} (binding) or {by_records}"),
                    None => format!("{by_bytes} or {by_records}"),
                }
            },
        },
        ServiceFigure {
            key: "traffic_in",
            label: "traffic in",
            show: |s| match s.capacity_records_per_s {
                Some(_) => format!(
                    "{} records/s, {}/s",
                    quantity(s.incoming_records_per_s),
                    bytes(s.incoming_bytes_per_s)
                ),
                None => format!("{}/s", bytes(s.incoming_bytes_per_s)),
            },
        },
        ServiceFigure { key: "headroom", label: "headroom", show: |s| percent(s.headroom) },
        ServiceFigure {
            key: "busiest",
            label: "busiest shard/broker/quota",
            show: |s| percent(s.busiest_unit_load),
        },
        ServiceFigure {
            key: "refused",
            label: "writes refused",
            show: |s| quantity(s.refused_writes as f64),
        },
        ServiceFigure {
            key: "producer_wait",
            label: "longest producer wait",
            show: |s| millis(s.producer_wait_max_ms),
        },
        ServiceFigure { key: "lag", label: "worst consumer lag", show: |s| millis(s.lag_max_ms) },
        ServiceFigure {
            key: "lost",
            label: "records lost",
            show: |s| quantity(s.lost_records as f64),
        },
        ServiceFigure { key: "run_usd", label: "cost of the run", show: |s| usd(s.run_usd) },
        ServiceFigure {
            key: "monthly_usd",
            label: "monthly projection",
            show: |s| usd(s.monthly_usd),
        },
    ]
};

/// Reads the comparison's points back: they are [`CLASSIC_POINTS`],
/// whatever the text says.
fn classic_points<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ClassicPoint>, D::Error> {
    serde::de::IgnoredAny::deserialize(d)?;
    Ok(CLASSIC_POINTS.to_vec())
}

/// One of the classic comparison points, with where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassicPoint {
    /// What is compared.
    pub point: &'static str,
    /// Kinesis Data Streams.
    pub kinesis: &'static str,
    /// Amazon MSK (provisioned).
    pub msk: &'static str,
    /// MSK Serverless.
    pub msk_serverless: &'static str,
    /// The facts behind it.
    pub facts: &'static str,
}

/// aws-facts-more 6: the points every comparison of the two names.
pub const CLASSIC_POINTS: &[ClassicPoint] = &[
    ClassicPoint {
        point: "Unit of scale and order",
        kinesis: "shard; order per shard; MD5 of the partition key",
        msk: "partition; order per partition; murmur2 of the key",
        msk_serverless: "as provisioned: partition, murmur2 of the key",
        facts: "aws-facts 1.2; aws-facts-more 1.5, 6",
    },
    ClassicPoint {
        point: "Throughput unit",
        kinesis: "fixed per shard: 1 MB/s or 1,000 records/s in, 2 MB/s out",
        msk: "no per-partition limit on provisioned clusters: broker-bound",
        msk_serverless: "5 MB/s in, 10 MB/s out per partition; 200 / 400 MB/s per cluster",
        facts: "aws-facts 1.1; aws-facts-more 1.1, 2.1, 6",
    },
    ClassicPoint {
        point: "Over the limit",
        kinesis: "write refused (ProvisionedThroughputExceeded), the client retries",
        msk: "the broker delays the response; the producer waits",
        msk_serverless: "slowed down with a throttle duration; the producer waits",
        facts: "aws-facts 1.1; aws-facts-more 1.8, 2.1, 6",
    },
    ClassicPoint {
        point: "Record size",
        kinesis: "1 MiB by default, up to 10 MiB per stream",
        msk: "1 MB by default (max.message.bytes), configurable higher",
        msk_serverless: "8 MiB at most (max.message.bytes)",
        facts: "aws-facts 1.1; aws-facts-more 2.2, 6",
    },
    ClassicPoint {
        point: "Retention",
        kinesis: "24 h by default, up to 365 days",
        msk: "7 days by default, any time or size, unlimited",
        msk_serverless: "7 days by default, unlimited (classic: 1 day at most)",
        facts: "aws-facts 1.3; aws-facts-more 1.6, 2.2, 6",
    },
    ClassicPoint {
        point: "Changing capacity",
        kinesis: "split / merge, UpdateShardCount; on demand automatic",
        msk: "add brokers, bigger types, add partitions (never remove)",
        msk_serverless: "add partitions (2,400 per cluster at most); no brokers",
        facts: "aws-facts 1.6; aws-facts-more 1.3, 1.5, 2.1, 6",
    },
    ClassicPoint {
        point: "What you operate",
        kinesis: "nothing but shards: a managed API",
        msk: "broker count, type, storage, Kafka version and configuration",
        msk_serverless: "partitions and topic settings only; IAM access control",
        facts: "aws-facts-more 2.2, 6",
    },
];

/// Runs the scenario as given (its Kinesis streams provisioned) and again
/// with each stream replaced by an MSK cluster of `sizing`: as many
/// partitions as the stream has shards, replication factor 3, the stream's
/// retention, and a consumer group with one consumer per partition
/// processing at the speed of the stream's first reader (none if nothing
/// reads it); and a third time with those clusters as MSK Serverless
/// (same partitions, retention and group). The MSK runs keep only the
/// producers and the clusters (everything downstream of a stream is left
/// out of them), so each row bills its service's own lines. Errors if the scenario has no provisioned
/// stream or if a variant fails validation.
pub fn compare_kinesis_msk(
    valid: &ValidScenario,
    seed: u64,
    duration_s: u64,
    sizing: MskSizing,
) -> Result<ServiceComparison, Vec<Issue>> {
    let scenario = valid.scenario();
    let streams = compared_streams(scenario, sizing)?;
    // Every derived scenario is checked before anything runs, with the
    // most shards each stream can have open (the runs use what it had).
    variants(scenario, &streams, sizing, |s| most_open_shards(scenario, s, duration_s))?;
    let kinesis_sim = run(scenario, seed, duration_s)?;
    let open = |s| kinesis_sim.stream(s).map_or(1, |st| st.open.len()) as u32;
    let (msk_valid, serverless_valid, mut notes) = variants(scenario, &streams, sizing, open)?;
    let mut msk_sim = Simulation::new(&msk_valid, seed);
    msk_sim.run_until(duration_s.saturating_mul(SECOND));
    let serverless = serverless_valid.scenario();
    let mut serverless_sim = Simulation::new(&serverless_valid, seed);
    serverless_sim.run_until(duration_s.saturating_mul(SECOND));
    let month_hours = kinesis_sim.cost().prices().month_hours;
    let scale = month_hours * 3_600.0 / duration_s.max(1) as f64;
    let lines = |sim: &Simulation, service: &str| -> Vec<BillLine> {
        bill("", false, sim, sim.cost())
            .items
            .into_iter()
            .filter(|i| i.service == service)
            .collect()
    };
    let kp = crate::sweep::measure(&kinesis_sim, 0.0);
    let k_items = lines(&kinesis_sim, "Kinesis Data Streams");
    let total = |items: &[BillLine]| items.iter().map(|i| i.usd).sum::<f64>();
    // aws-facts 1.1: 1 MiB/s (partition keys included) or 1,000 records/s
    // per shard, whichever comes first. `IncomingBytes` counts each
    // record's data and key, and `IncomingRecords` Kinesis records (an
    // aggregate once), as the limits do.
    let shards: usize =
        streams.iter().filter_map(|&s| kinesis_sim.stream(s)).map(|s| s.open.len()).sum();
    let k_capacity = shards as f64 * 1_048_576.0;
    let k_capacity_records = shards as f64 * 1_000.0;
    let m_capacity = f64::from(sizing.brokers)
        * sizing.broker_type.assumed_ingress_mb_per_s()
        * 1e6
        * streams.len() as f64;
    let mut k_busiest: f64 = 0.0;
    let view = crate::view::FrameView::capture(&kinesis_sim);
    for &s in &streams {
        if let Some(crate::view::NodeFigures::Stream { shards, .. }) = view.figures(s) {
            k_busiest = shards.iter().map(|h| h.write).fold(k_busiest, f64::max);
        }
    }
    let mut kinesis = ServiceRow {
        service: Service::KinesisProvisioned,
        capacity: format!("{shards} shards"),
        capacity_bytes_per_s: k_capacity,
        capacity_records_per_s: Some(k_capacity_records),
        incoming_bytes_per_s: kp.incoming_bytes_per_s,
        incoming_records_per_s: kp.incoming_records_per_s,
        headroom: 0.0,
        busiest_unit_load: k_busiest,
        refused_writes: kp.write_throttled as u64,
        producer_wait_max_ms: 0.0,
        lag_max_ms: kp.iterator_age_p99_ms.max(kp.max_behind_ms),
        lost_records: kp.lost_records,
        run_usd: total(&k_items),
        monthly_usd: total(&k_items) * scale,
        items: k_items,
    };
    kinesis.headroom = headroom(&kinesis);
    // An MSK run's row: its clusters' peak load, producer wait, lag, losses
    // and bill.
    let msk_row = |service: Service,
                   capacity: String,
                   capacity_bytes_per_s: f64,
                   sim: &Simulation,
                   valid: &ValidScenario| {
        let (mut busiest, mut waited, mut lag) = (0.0_f64, 0.0_f64, 0.0_f64);
        let (mut incoming, mut incoming_records) = (0.0, 0.0);
        for (i, n) in valid.scenario().indexed_nodes() {
            if let NodeSpec::MskCluster(_) = n.spec {
                let m = sim.metrics(i);
                // The busiest broker's writes, or on Serverless the busiest
                // quota's use (the same slot).
                busiest = busiest.max(m.stats(crate::metrics::msk::BROKER_WRITE_LOAD).max / 100.0);
                waited = waited.max(m.stats(crate::metrics::msk::PRODUCER_WAIT).max);
                lag = lag.max(m.stats(crate::metrics::msk::EST_MAX_TIME_LAG).max * 1_000.0);
                incoming += m.stats(crate::metrics::msk::BYTES_IN).avg();
                incoming_records += m.stats(crate::metrics::msk::MESSAGES_IN).avg();
            }
        }
        let point = crate::sweep::measure(sim, 0.0);
        let items = lines(sim, "Amazon MSK");
        let mut row = ServiceRow {
            service,
            capacity,
            capacity_bytes_per_s,
            capacity_records_per_s: None,
            incoming_bytes_per_s: incoming,
            incoming_records_per_s: incoming_records,
            headroom: 0.0,
            busiest_unit_load: busiest,
            refused_writes: 0,
            producer_wait_max_ms: waited,
            lag_max_ms: lag,
            lost_records: point.lost_records,
            run_usd: total(&items),
            monthly_usd: total(&items) * scale,
            items,
        };
        row.headroom = headroom(&row);
        row
    };
    let msk_row_provisioned = msk_row(
        Service::MskProvisioned,
        format!(
            "{} x {}, {shards} partitions",
            sizing.brokers * streams.len() as u32,
            sizing.broker_type.as_str()
        ),
        m_capacity,
        &msk_sim,
        &msk_valid,
    );
    // aws-facts-more 2.1: 5 MBps in per partition, 200 MBps per cluster.
    let s_capacity: f64 = serverless
        .nodes
        .iter()
        .filter_map(|n| match &n.spec {
            NodeSpec::MskCluster(m) => Some(
                (u64::from(m.partitions)
                    * crate::kinds::msk::serverless::PARTITION_INGRESS_BYTES_PER_S)
                    .min(crate::kinds::msk::serverless::CLUSTER_INGRESS_BYTES_PER_S)
                    as f64,
            ),
            _ => None,
        })
        .sum();
    let serverless_row = msk_row(
        Service::MskServerless,
        format!("serverless, {shards} partitions"),
        s_capacity,
        &serverless_sim,
        &serverless_valid,
    );
    notes.push(
        "MSK broker throughput is an assumption (153.8 MB/s for kafka.m7g.16xlarge scaled by \
         size; aws-facts-more 1.1, 7); MSK's cross-AZ client traffic is billed at an assumed $0.02 \
         per GB, two thirds of client bytes with clients spread over three zones (1.9)"
            .into(),
    );
    notes.push(
        "MSK Serverless runs the same partitions, retention and consumer group with no brokers: \
         5 MB/s in and 10 MB/s out per partition, 200 / 400 MB/s per cluster, slowed down rather \
         than refused (aws-facts-more 2.1)"
            .into(),
    );
    Ok(ServiceComparison {
        scenario: scenario.name.clone(),
        seed,
        duration_s,
        month_hours,
        rows: vec![kinesis, msk_row_provisioned, serverless_row],
        points: CLASSIC_POINTS.to_vec(),
        notes,
    })
}

/// The provisioned streams the comparison turns into clusters; refused if
/// there are none or `sizing` is out of range.
fn compared_streams(scenario: &Scenario, sizing: MskSizing) -> Result<Vec<NodeIndex>, Vec<Issue>> {
    // aws-facts-more 1.1: brokers spread evenly over the AZs (3 here), 60
    // at most per cluster.
    if !(3..=60).contains(&sizing.brokers) || !sizing.brokers.is_multiple_of(3) {
        return Err(vec![Issue::new(
            "brokers",
            format!(
                "{} is out of range; allowed 3 to 60 brokers, a multiple of 3 (one row per \
                 Availability Zone)",
                sizing.brokers
            ),
        )]);
    }
    let streams: Vec<NodeIndex> = scenario
        .indexed_nodes()
        .filter(
            |(_, n)| matches!(&n.spec, NodeSpec::KinesisStream(s) if !s.capacity.is_on_demand()),
        )
        .map(|(i, _)| i)
        .collect();
    if streams.is_empty() {
        return Err(vec![Issue::new(
            "nodes",
            "the comparison needs a provisioned Kinesis stream with producers writing to it",
        )]);
    }
    Ok(streams)
}

/// Holds the comparison's MSK and MSK Serverless runs to `budget` before
/// anything runs, each stream at the most shards it can have open: what
/// a host checks beside the scenario's own run. Refused in the user's
/// terms, as an invalid derived scenario is.
pub fn check_msk_budget(
    valid: &ValidScenario,
    sizing: MskSizing,
    budget: &crate::budget::Budget,
) -> Result<(), Vec<Issue>> {
    let scenario = valid.scenario();
    let streams = compared_streams(scenario, sizing)?;
    let most = |s| most_open_shards(scenario, s, scenario.duration_s);
    let (msk, serverless, _) = variants(scenario, &streams, sizing, most)?;
    for (derived, column) in [(&msk, "MSK"), (&serverless, "MSK Serverless")] {
        let e = crate::budget::estimate(derived, scenario.duration_s);
        crate::budget::check_budget(&e, budget).map_err(|issue| {
            in_users_terms(vec![issue], scenario, derived.scenario(), column, &most)
        })?;
    }
    Ok(())
}

/// The comparison's MSK and MSK Serverless scenarios, each `streams`
/// stream a cluster of `shards(stream)` partitions, and the notes that
/// say so; refused in the user's terms where one is not valid.
fn variants(
    scenario: &Scenario,
    streams: &[NodeIndex],
    sizing: MskSizing,
    shards: impl Fn(NodeIndex) -> u32,
) -> Result<(ValidScenario, ValidScenario, Vec<String>), Vec<Issue>> {
    let mut notes = Vec::new();
    let mut msk = scenario.clone();
    let is_stream = |id: &str| streams.iter().any(|&s| scenario.node(s).id == id);
    let writers: Vec<&str> =
        scenario.links.iter().filter(|l| is_stream(&l.to)).map(|l| l.from.as_str()).collect();
    for &s in streams {
        let id = &scenario.node(s).id;
        let NodeSpec::KinesisStream(spec) = &scenario.node(s).spec else { continue };
        let shards = shards(s);
        let reader = scenario
            .links
            .iter()
            .filter(|l| &l.from == id)
            .find_map(|l| scenario.nodes.iter().find(|n| n.id == l.to));
        let speed = |per_record_us: f64| {
            if per_record_us > 0.0 { (1e6 / per_record_us).min(1e7) } else { 1e7 }
        };
        let per_consumer = match reader.map(|n| &n.spec) {
            Some(NodeSpec::Consumer(c)) => speed(c.per_record_us),
            Some(NodeSpec::KclApp(k)) => speed(k.reader().per_record_us),
            Some(NodeSpec::FlinkApp(f)) => speed(f.per_record_us),
            Some(_) => 1e7,
            None => 0.0,
        };
        let consumers = if reader.is_some() { shards } else { 0 };
        msk.node_mut(s).spec = NodeSpec::MskCluster(crate::scenario::MskSpec {
            broker_type: sizing.broker_type,
            brokers: sizing.brokers,
            availability_zones: 3,
            partitions: shards,
            retention_hours: spec.retention_h,
            consumer_group: crate::scenario::ConsumerGroup {
                consumers,
                records_per_s_per_consumer: per_consumer,
                ..Default::default()
            },
            ..Default::default()
        });
        notes.push(format!(
            "{}: MSK with {} x {}, {shards} partitions (one per shard), replication factor 3, \
             {consumers} consumers of {} records/s each",
            scenario.node(s).label(),
            sizing.brokers,
            sizing.broker_type.as_str(),
            crate::units::count(per_consumer)
        ));
    }
    let keep = |id: &str| is_stream(id) || writers.contains(&id);
    let dropped = msk.nodes.iter().filter(|n| !keep(&n.id)).count();
    msk.nodes.retain(|n| keep(&n.id));
    msk.links.retain(|l| keep(&l.from) && keep(&l.to));
    msk.schedule.clear();
    msk.layout = Default::default();
    msk.lesson = None;
    msk.objectives = None;
    if dropped > 0 {
        notes.push(format!(
            "the MSK run leaves out the {dropped} node(s) downstream of the streams; each row bills \
             only its own service"
        ));
    }
    // The same clusters as MSK Serverless: partitions, retention and group
    // unchanged; no brokers (aws-facts-more 2).
    let mut serverless = msk.clone();
    for n in &mut serverless.nodes {
        if let NodeSpec::MskCluster(m) = &mut n.spec {
            m.cluster_type = crate::scenario::ClusterType::Serverless;
        }
    }
    let valid = |derived: &Scenario, column| {
        validate(derived)
            .map_err(|issues| in_users_terms(issues, scenario, derived, column, &shards))
    };
    Ok((valid(&msk, "MSK")?, valid(&serverless, "MSK Serverless")?, notes))
}

/// The most shards provisioned stream `stream` can have open during a run
/// of `duration_s`: its own, raised by each split and UpdateShardCount
/// scheduled within it (AWS may refuse one, and a merge may never happen,
/// so neither lowers it).
fn most_open_shards(scenario: &Scenario, stream: NodeIndex, duration_s: u64) -> u32 {
    let NodeSpec::KinesisStream(spec) = &scenario.node(stream).spec else { return 1 };
    let Capacity::Provisioned { shards } = spec.capacity else { return 1 };
    let id = &scenario.node(stream).id;
    let end_ms = duration_s.saturating_mul(crate::time::SECOND);
    let mut ops: Vec<_> =
        scenario.schedule.iter().filter(|op| &op.node == id && op.time_ms() < end_ms).collect();
    ops.sort_by_key(|op| op.time_ms());
    ops.iter().fold(shards, |n, op| match &op.op {
        Operation::Reshard(StreamOp::SplitShard { .. }) => n.saturating_add(1),
        Operation::Reshard(StreamOp::UpdateShardCount { target }) => n.max(*target),
        _ => n,
    })
}

/// A derived scenario's issues said of the user's scenario: a node by its
/// index there, a cluster's partitions as its stream's shards.
fn in_users_terms(
    issues: Vec<Issue>,
    scenario: &Scenario,
    derived: &Scenario,
    column: &str,
    shards: &impl Fn(NodeIndex) -> u32,
) -> Vec<Issue> {
    let node_of = |path: &str| {
        let k = path.strip_prefix("nodes[")?.split(']').next()?.parse::<usize>().ok()?;
        let id = &derived.nodes.get(k)?.id;
        scenario.indexed_nodes().find(|(_, n)| &n.id == id).map(|(i, _)| i)
    };
    issues
        .into_iter()
        .map(|issue| match node_of(&issue.path) {
            Some(i) if matches!(scenario.node(i).spec, NodeSpec::KinesisStream(_)) => {
                let n = crate::units::format_number(f64::from(shards(i)));
                Issue::new(
                    format!("nodes[{i}].params.capacity.shards"),
                    format!(
                        "{} has {n} shards, so the {column} column gives it {n} partitions (one \
                         per shard): {}",
                        scenario.node(i).label(),
                        issue.message
                    ),
                )
            }
            Some(i) => Issue::new(
                format!("nodes[{i}].params"),
                format!("{} in the {column} column: {}", scenario.node(i).label(), issue.message),
            ),
            None => Issue::new(issue.path, format!("in the {column} column: {}", issue.message)),
        })
        .collect()
}
