//! Capacity modes compared: the same traffic with every stream provisioned
//! and with every stream on demand, billed as On-demand Standard and as
//! On-demand Advantage, side by side (aws-facts 1.4, 2.1, 2.2).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cost::CostMeter;
use crate::engine::Simulation;
use crate::ledger::Ledger;
use crate::metrics::stream::WRITE_THROTTLED;
use crate::pricing::OnDemandPricing;
use crate::scenario::{Capacity, NodeSpec, Scenario};
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
        match self.mode {
            "provisioned" => "Provisioned",
            "on_demand" => "On-demand Standard",
            _ => "On-demand Advantage",
        }
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
#[derive(Clone, Debug, Serialize)]
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
    let streams: Vec<(usize, &str, Capacity)> = scenario
        .nodes
        .iter()
        .enumerate()
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

fn set_capacity(scenario: &mut Scenario, node: usize, capacity: Capacity) {
    if let Some(NodeSpec::KinesisStream(s)) = scenario.nodes.get_mut(node).map(|n| &mut n.spec) {
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
    for (i, node) in scenario.nodes.iter().enumerate() {
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
