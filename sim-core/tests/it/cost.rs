//! Cost through the engine: catalogue prices, scenario overrides, the
//! comparison of capacity modes, and a bill that never shrinks.

use crate::fixtures::node;
use std::collections::BTreeMap;

use proptest::prelude::*;
use sim_core::scenario::{
    Capacity, ConsumerSpec, NodeSpec, ProducerSpec, ReadMode, RecordSize, Traffic,
};
use sim_core::{Simulation, compare_modes, summarize, validate};

use crate::conservation::{arb_consumer, arb_producer};
use crate::fixtures::{default_scenario, pipeline, producer, run};

const HOUR_S: u64 = 3_600;

fn cents(usd: f64) -> f64 {
    (usd * 100.0).round() / 100.0
}

#[test]
fn an_idle_shard_for_an_hour_costs_the_catalogue_shard_hour() {
    // aws-facts 2.1 ([INFRACOST]): $0.015 per shard-hour; the projection over
    // 730 h is infracost's $10.95.
    let sim = run(&pipeline(producer(0.0), 1, None), HOUR_S);
    let summary = summarize(&sim);
    assert!((summary.cost.total_usd - 0.015).abs() < 1e-12);
    assert!((summary.cost.monthly_projection_usd - 10.95).abs() < 1e-9);
}

#[test]
fn put_payload_units_and_shard_hours_through_the_engine() {
    // aws-facts 2.1: 100 records/s of 35 KB (the historic pricing page's
    // traffic) into 8 shards for an hour. 35 KB is two 25 KB units, so the
    // bill is 8 shard-hours x $0.015 + 2 x 360,000 units x $0.014/M =
    // $0.12 + $0.01008.
    let p = ProducerSpec {
        traffic: Traffic::Constant,
        record_size: RecordSize::Fixed { bytes: 35 * 1024 },
        ..producer(100.0)
    };
    let sim = run(&pipeline(p, 8, None), HOUR_S);
    let ledger = sim.ledger();
    assert_eq!(ledger.throttled_dropped, 0);
    let incoming = sim.metrics(node(1)).total(sim_core::metrics::stream::INCOMING_RECORDS) as u64;
    assert!((359_000..=360_000).contains(&incoming), "{incoming}");
    assert_eq!(sim.cost().put_payload_units, 2 * incoming);
    let expected = 8.0 * 0.015 + 2.0 * incoming as f64 * 0.014 / 1e6;
    assert!((sim.cost().total_usd() - expected).abs() < 1e-12);
    assert_eq!(cents(sim.cost().total_usd()), 0.13);
}

#[test]
fn scenario_overrides_and_month_length_change_the_bill() {
    let mut scenario = pipeline(producer(0.0), 2, None);
    scenario.pricing.overrides = BTreeMap::from([("kds.provisioned.shard_hour".into(), 0.03)]);
    scenario.pricing.month_hours = 720.0;
    let summary = summarize(&run(&scenario, HOUR_S));
    assert!((summary.cost.total_usd - 0.06).abs() < 1e-12);
    assert!((summary.cost.monthly_projection_usd - 43.2).abs() < 1e-9);
    // The default pricing block is not written back to scenario files.
    let json = serde_json::to_string(&pipeline(producer(0.0), 2, None)).unwrap();
    assert!(!json.contains("pricing"), "{json}");
    assert!(serde_json::to_string(&scenario).unwrap().contains("\"month_hours\":720"));
}

#[test]
fn the_comparison_runs_three_modes_on_the_same_traffic() {
    let valid = default_scenario();
    let c = compare_modes(&valid, 1, 600).expect("variants of a valid scenario are valid");
    let modes: Vec<(&str, bool)> = c.modes.iter().map(|m| (m.mode, m.as_given)).collect();
    assert_eq!(
        modes,
        [("provisioned", true), ("on_demand", false), ("on_demand_advantage", false)]
    );
    let (p, o, a) = (&c.modes[0], &c.modes[1], &c.modes[2]);
    // The provisioned variant is the scenario itself: the same bill as a run.
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(600_000);
    let summary = summarize(&sim);
    assert_eq!(p.total_usd, summary.cost.total_usd);
    assert_eq!(p.monthly_projection_usd, summary.cost.monthly_projection_usd);
    assert_eq!(p.ledger, summary.ledger);
    // On demand bills stream-hours and GB written, not shards.
    let keys = |m: &sim_core::compare::ModeBill| -> Vec<String> {
        m.items.iter().map(|i| i.key.clone()).collect()
    };
    assert!(keys(o).contains(&"kds.on_demand.stream_hour".into()), "{:?}", keys(o));
    assert!(keys(o).contains(&"kds.on_demand.gb_in".into()), "{:?}", keys(o));
    assert!(!keys(o).iter().any(|k| k.starts_with("kds.provisioned")), "{:?}", keys(o));
    assert_eq!(o.streams["events"].mode, "on_demand");
    assert_eq!(o.streams["events"].shards_at_start, 4);
    // Advantage prices the same run: same records, its own prices.
    assert_eq!((a.ledger, a.write_throttled), (o.ledger, o.write_throttled));
    assert!(keys(a).iter().all(|k| k.starts_with("kds.on_demand_advantage.")), "{:?}", keys(a));
    let cheapest = c
        .modes
        .iter()
        .min_by(|x, y| x.monthly_projection_usd.total_cmp(&y.monthly_projection_usd))
        .unwrap();
    assert_eq!(c.cheaper, cheapest.mode);
    assert!(c.monthly_saving_usd >= 0.0);
    // Deterministic: the same inputs give the same JSON.
    let again = compare_modes(&valid, 1, 600).unwrap();
    assert_eq!(serde_json::to_string(&c).unwrap(), serde_json::to_string(&again).unwrap());
}

/// An on-demand stream taking `mib_s` of 10 KiB records, compared for
/// `seconds`.
fn compared_at(mib_s: f64, seconds: u64) -> sim_core::ModeComparison {
    let p = ProducerSpec {
        records_per_s: mib_s * 102.4,
        record_size: RecordSize::Fixed { bytes: 10_232 },
        ..Default::default()
    };
    let mut scenario = pipeline(p, 1, None);
    if let NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec {
        s.capacity = Capacity::OnDemand { scale_up_delay_s: 60, warm_throughput_mib_s: None };
    }
    compare_modes(&validate(&scenario).unwrap(), 5, seconds).unwrap()
}

#[test]
fn aws_facts_2_2_advantage_costs_more_for_a_small_stream_and_less_for_a_large_one() {
    // aws-facts 1.4, 2.2: Advantage is 60% cheaper per GB with no
    // stream-hours, but bills at least 25 MiB/s in and out: at 1 MiB/s the
    // minimum outweighs the discount; at 100 MiB/s the discount wins.
    let monthly = |c: &sim_core::ModeComparison, mode: &str| {
        c.modes.iter().find(|m| m.mode == mode).unwrap().monthly_projection_usd
    };
    let small = compared_at(1.0, 1_800);
    let (standard, advantage) =
        (monthly(&small, "on_demand"), monthly(&small, "on_demand_advantage"));
    assert!(standard < advantage, "1 MiB/s: Standard {standard} vs Advantage {advantage}");
    // The minimum commitment is what makes the difference, and it shows.
    let lines = &small.modes[2].items;
    assert!(lines.iter().any(|l| l.item.starts_with("On-demand Advantage minimum")));
    assert!(advantage >= 4.21875 * 730.0 - 1e-6, "at least the minimum every hour: {advantage}");
    let large = compared_at(100.0, 1_200);
    let (standard, advantage) =
        (monthly(&large, "on_demand"), monthly(&large, "on_demand_advantage"));
    assert!(advantage < standard, "100 MiB/s: Standard {standard} vs Advantage {advantage}");
}

#[test]
fn an_on_demand_stream_is_provisioned_at_the_shards_it_scaled_to() {
    let mut scenario = pipeline(producer(3_000.0), 1, None);
    if let NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec {
        s.capacity = Capacity::OnDemand { scale_up_delay_s: 60, warm_throughput_mib_s: None };
    }
    let valid = validate(&scenario).unwrap();
    let c = compare_modes(&valid, 3, 1_200).unwrap();
    let (p, o) = (&c.modes[0], &c.modes[1]);
    assert!(o.as_given && !p.as_given && !c.modes[2].as_given);
    assert_eq!(p.streams["s"].shards_at_start, o.streams["s"].shards_at_end);
    assert!(c.notes.iter().any(|n| n.starts_with("s: provisioned with")), "{:?}", c.notes);
}

fn read_mode() -> impl Strategy<Value = ReadMode> {
    prop_oneof![Just(ReadMode::Shared), Just(ReadMode::EnhancedFanOut)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// aws-facts 2: no AWS price is negative and usage only accumulates, so
    /// the bill is never negative and never shrinks as simulated time passes.
    #[test]
    fn cost_is_never_negative_and_grows_with_time(
        p in arb_producer(), shards in 1u32..8, c in arb_consumer(), mode in read_mode(),
        on_demand in any::<bool>(), advantage in any::<bool>(), seed in any::<u64>()
    ) {
        let c = c.map(|c| ConsumerSpec { read_mode: mode, ..c });
        let mut scenario = pipeline(p, shards, c);
        if on_demand && let NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec {
            s.capacity = Capacity::OnDemand { scale_up_delay_s: 60, warm_throughput_mib_s: None };
        }
        if advantage {
            scenario.pricing.kinesis_on_demand = sim_core::pricing::OnDemandPricing::Advantage;
        }
        let valid = validate(&scenario).unwrap_or_else(|e| panic!("{e:#?}"));
        let mut sim = Simulation::new(&valid, seed);
        let mut last = 0.0;
        for t in 1..=90 {
            sim.run_until(t * 1_000);
            let cost = sim.cost();
            let total = cost.total_usd();
            prop_assert!(cost.items().iter().all(|i| i.usd >= 0.0 && i.units >= 0.0));
            // Under Advantage a constant minimum is split between use and
            // shortfall lines, so the sum may move in its last bit.
            prop_assert!(total >= last - last * 1e-12, "at {t} s: {total} < {last}");
            prop_assert!(cost.monthly_projection_usd(sim.now()) >= 0.0);
            last = total;
        }
        prop_assert!(last > 0.0, "a stream always costs something");
    }
}

/// Billed units of one catalogue line of a run's bill (0 when absent).
fn billed_units(sim: &Simulation, key: &str) -> f64 {
    sim.cost().items().iter().filter(|i| i.key == key).map(|i| i.units).sum()
}

const GIB: f64 = 1_073_741_824.0;

#[test]
fn aws_facts_2_3_firehose_bills_each_record_rounded_up_not_the_mean() {
    // Records uniform over 1 to 10,000 bytes average 5,000 bytes, which
    // rounds to one 5 KB chunk; but every record over 5,120 bytes is billed
    // 10 KB, so the bill per record is the mean of the rounded sizes.
    let reference = (1..=10_000u64).map(|x| x.div_ceil(5_120) * 5_120).sum::<u64>() as f64 / 1e4;
    let p = ProducerSpec {
        traffic: Traffic::Constant,
        record_size: RecordSize::Uniform { min_bytes: 1, max_bytes: 10_000 },
        ..producer(200.0)
    };
    let scenario = crate::fixtures::delivery_pipeline(p, Default::default(), Default::default());
    let sim = run(&scenario, 300);
    let accepted = sim.metrics(node(1)).total(sim_core::metrics::firehose::INCOMING_RECORDS);
    let per_record = billed_units(&sim, "firehose.ingest.tier1") * GIB / accepted;
    assert!((per_record / reference - 1.0).abs() < 1e-3, "{per_record} vs {reference}");
    assert!(per_record > 7_000.0, "rounding the mean would bill 5,120");
}

#[test]
fn aws_facts_2_2_on_demand_bills_each_data_record_with_its_key_rounded_up_to_a_kib() {
    // A data record is its data blob and its partition key (aws-facts 1.1);
    // each is rounded up to 1 KiB on its own.
    let key = 16u64;
    let reference =
        (1..=4_096u64).map(|x| (x + key).div_ceil(1_024) * 1_024).sum::<u64>() as f64 / 4_096.0;
    let p = ProducerSpec {
        traffic: Traffic::Constant,
        record_size: RecordSize::Uniform { min_bytes: 1, max_bytes: 4_096 },
        ..producer(500.0)
    };
    let mut scenario = pipeline(p, 1, None);
    if let NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec {
        s.capacity = Capacity::on_demand();
    }
    let sim = run(&scenario, 300);
    let accepted = sim.metrics(node(1)).total(sim_core::metrics::stream::INCOMING_RECORDS);
    let per_record = billed_units(&sim, "kds.on_demand.gb_in") * GIB / accepted;
    assert!((per_record / reference - 1.0).abs() < 2e-3, "{per_record} vs {reference}");
}
