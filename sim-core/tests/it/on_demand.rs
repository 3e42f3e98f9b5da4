//! On-demand capacity mode (aws-facts 1.4, 2.2).

use sim_core::metrics::stream;
use sim_core::scenario::{Capacity, NodeSpec, ProducerSpec, RecordSize, StreamOp};
use sim_core::{Command, Simulation, validate};

use crate::fixtures::pipeline;

fn on_demand(rate: f64) -> Simulation {
    let p = ProducerSpec {
        records_per_s: rate,
        record_size: RecordSize::Fixed { bytes: 1_008 },
        ..Default::default()
    };
    let mut scenario = pipeline(p, 1, Some(Default::default()));
    let NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec else { unreachable!() };
    s.capacity = Capacity::OnDemand { scale_up_delay_s: 900 };
    Simulation::new(&validate(&scenario).unwrap(), 9)
}

#[test]
fn a_new_on_demand_stream_starts_with_four_shards_and_holds_steady_traffic() {
    // aws-facts 1.4: a new on-demand stream writes 4 MiB/s; a shard splits
    // only above 500 KB/s. 1,500 records/s of 1 KiB is ~375 KB/s per shard.
    let mut sim = on_demand(1_500.0);
    sim.run_until(3_600_000);
    assert_eq!(sim.stream(1).unwrap().open.len(), 4);
    assert_eq!(sim.metrics(1).stats(stream::WRITE_THROTTLED).sum, 0.0);
}

#[test]
fn tripling_traffic_throttles_until_shards_split_about_15_minutes_later() {
    // aws-facts 1.4: throttling when traffic more than doubles within 15
    // minutes; shards above 500 KB/s split within 15 minutes.
    let mut sim = on_demand(1_500.0);
    sim.run_until(600_000);
    sim.apply(Command::SetProducerRate { node: 0, records_per_s: 4_500.0 }).unwrap();
    sim.run_until(1_200_000);
    let throttled_soon = sim.metrics(1).stats(stream::WRITE_THROTTLED).sum;
    assert!(throttled_soon > 10_000.0, "over 1 MiB/s per shard throttles: {throttled_soon}");
    assert_eq!(sim.stream(1).unwrap().open.len(), 4, "no split before the delay");
    sim.run_until(1_800_000);
    assert_eq!(sim.stream(1).unwrap().open.len(), 8, "every hot shard split once");
    let settled = sim.metrics(1).stats(stream::WRITE_THROTTLED).sum;
    sim.run_until(2_400_000);
    assert_eq!(
        sim.metrics(1).stats(stream::WRITE_THROTTLED).sum,
        settled,
        "8 shards carry 4.4 MiB/s"
    );
    assert!(sim.journal_entries().any(|e| e.text.starts_with("on-demand scaling: SplitShard")));
    assert!(sim.ledger().balances());
}

#[test]
fn on_demand_streams_refuse_manual_resharding_and_bill_per_stream_hour() {
    let mut sim = on_demand(100.0);
    let split = Command::Reshard {
        node: 1,
        op: StreamOp::SplitShard { shard: 0, new_starting_hash_key: None },
    };
    assert!(sim.apply(split).unwrap_err().contains("on-demand stream manages its own shards"));
    sim.run_until(3_600_000);
    let items = sim.cost().items();
    let names: Vec<&str> = items.iter().map(|i| i.item.as_str()).collect();
    assert_eq!(names, ["On-demand stream hours", "On-demand data in", "On-demand data retrieval"]);
    assert!((items[0].usd - 0.04).abs() < 1e-9, "one stream-hour: {}", items[0].usd);
}

#[test]
fn retention_beyond_a_day_is_billed() {
    // aws-facts 2.1: extended retention (24 h to 7 d) costs $0.020 per
    // shard-hour; 2.2: on demand, $0.10 per GB-month of data stored between
    // 24 hours and 7 days.
    let p = ProducerSpec {
        records_per_s: 100.0,
        record_size: RecordSize::Fixed { bytes: 1_008 },
        batching: sim_core::scenario::Batching { max_buffered_ms: 2_000 },
        ..Default::default()
    };
    let mut scenario = pipeline(p, 2, None);
    let NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec else { unreachable!() };
    s.retention_h = 72;
    let mut provisioned = Simulation::new(&validate(&scenario).unwrap(), 3);
    provisioned.run_until(2 * 86_400_000);
    let item =
        |sim: &Simulation, name: &str| sim.cost().items().into_iter().find(|i| i.item == name);
    let extended = item(&provisioned, "Extended retention (24 h to 7 d)").expect("billed");
    assert!((extended.units - 96.0).abs() < 1e-9, "2 shards x 48 h: {}", extended.units);
    assert!((extended.usd - 96.0 * 0.02).abs() < 1e-9);

    let NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec else { unreachable!() };
    s.capacity = Capacity::OnDemand { scale_up_delay_s: 900 };
    let mut on_demand = Simulation::new(&validate(&scenario).unwrap(), 3);
    on_demand.run_until(2 * 86_400_000);
    // Data older than a day (1 KiB records with their keys, 100/s) grows
    // linearly over the second day to 100 KiB/s x 86,400 s = 8.24 GiB, so
    // 4.12 GiB on average for 24 hours: 4.12 x 24 / 730 GB-months.
    let gb_months =
        item(&on_demand, "On-demand extended retention (24 h to 7 d)").expect("billed").units;
    let expected = 100.0 * 1_024.0 * 86_400.0 / 2.0 / (1u64 << 30) as f64 * 24.0 / 730.0;
    assert!((gb_months - expected).abs() / expected < 0.02, "{gb_months} vs {expected}");
}
