//! On-demand capacity mode (aws-facts 1.4, 2.2).

use crate::fixtures::node;
use sim_core::metrics::stream;
use sim_core::pricing::OnDemandPricing;
use sim_core::routing::{HOT_KEY, hash_key};
use sim_core::scenario::{
    Capacity, ConsumerSpec, KeyDistribution, Link, Node, NodeSpec, ProducerSpec, ReadMode,
    RecordSize, Scenario, StreamOp,
};
use sim_core::{Command, Simulation, validate};

use crate::fixtures::pipeline;

fn on_demand(rate: f64) -> Simulation {
    Simulation::new(&validate(&scenario(rate, Capacity::on_demand(), false)).unwrap(), 9)
}

#[test]
fn a_new_on_demand_stream_starts_with_four_shards_and_holds_steady_traffic() {
    // aws-facts 1.4: a new on-demand stream writes 4 MiB/s; a shard splits
    // only above 500 KB/s. 1,500 records/s of 1 KiB is ~375 KB/s per shard.
    let mut sim = on_demand(1_500.0);
    sim.run_until(3_600_000);
    assert_eq!(sim.stream(node(1)).unwrap().open.len(), 4);
    assert_eq!(sim.metrics(node(1)).stats(stream::WRITE_THROTTLED).sum, 0.0);
}

/// Records throttled in `[from_s, to_s)`, running the simulation to `to_s`.
fn throttled_between(sim: &mut Simulation, from_s: u64, to_s: u64) -> f64 {
    sim.run_until(from_s * 1_000);
    let before = sim.metrics(node(1)).total(stream::WRITE_THROTTLED);
    sim.run_until(to_s * 1_000);
    sim.metrics(node(1)).total(stream::WRITE_THROTTLED) - before
}

#[test]
fn aws_facts_1_4_a_jump_of_any_size_throttles_for_about_15_minutes_then_has_room_for_double() {
    // aws-facts 1.4: traffic more than double the previous peak throttles
    // for "about 15 minutes"; shards above 500 KB/s split within 15
    // minutes; capacity follows to double a new sustained peak. A tenfold
    // jump must not throttle for one 15-minute round per doubling.
    let mut sim = on_demand(1_500.0);
    assert_eq!(throttled_between(&mut sim, 0, 600), 0.0, "1.4 MiB/s fits 4 shards");
    sim.apply(Command::SetProducerRate { node: node(0), records_per_s: 15_000.0 }).unwrap();
    let during = throttled_between(&mut sim, 600, 1_499);
    assert!(during > 1_000_000.0, "14.4 MiB/s into 4 MiB/s throttles: {during}");
    assert_eq!(sim.stream(node(1)).unwrap().open.len(), 4, "nothing splits before 15 minutes");
    // One round: from 16 minutes after the jump on, nothing throttles.
    throttled_between(&mut sim, 1_499, 1_560);
    assert_eq!(throttled_between(&mut sim, 1_560, 2_700), 0.0, "one 15-minute round is enough");
    let shards = sim.stream(node(1)).unwrap().open.len();
    assert!(shards >= 32, "each shard split into enough children at once: {shards}");
    // Capacity for at least double the new peak, and the chart's series says so.
    let m = sim.metrics(node(1));
    let capacity = m.last_second(stream::WRITE_CAPACITY);
    assert_eq!(capacity, shards as f64 * 1_048_576.0);
    assert!(capacity >= 2.0 * m.last_second(stream::INCOMING_BYTES), "{capacity}");
    let splits: Vec<&str> = sim
        .journal_entries()
        .filter(|e| e.text.starts_with("on-demand scaling"))
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(splits.len(), 4, "{splits:?}");
    assert!(splits.iter().all(|t| t.contains("split into")), "{splits:?}");
    assert!(sim.ledger().balances());
}

#[test]
fn aws_facts_1_4_doubling_the_peak_is_absorbed_without_throttling() {
    // aws-facts 1.4: an on-demand stream takes up to double its previous
    // peak at once: 1.4 MiB/s on 4 shards (4 MiB/s) may double unthrottled.
    let mut sim = on_demand(1_500.0);
    sim.run_until(600_000);
    sim.apply(Command::SetProducerRate { node: node(0), records_per_s: 3_000.0 }).unwrap();
    assert_eq!(throttled_between(&mut sim, 600, 1_800), 0.0);
}

#[test]
fn aws_facts_1_4_one_partition_key_stays_capped_by_one_shard_and_is_not_split_for_nothing() {
    // aws-facts 1.4: a single partition key is still capped by one shard's
    // 1 MB/s. Splitting its shard again leaves the key's child as hot as
    // before, so scaling stops once the key has a shard of its own.
    let p = ProducerSpec {
        records_per_s: 2_200.0,
        record_size: RecordSize::Fixed { bytes: 1_008 },
        keys: KeyDistribution::HotKey { count: 20, hot_share: 0.9 },
        ..Default::default()
    };
    let mut scenario = pipeline(p, 1, None);
    let NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec else { unreachable!() };
    s.capacity = Capacity::OnDemand { scale_up_delay_s: 60, warm_throughput_mib_s: None };
    let mut sim = Simulation::new(&validate(&scenario).unwrap(), 5);
    sim.run_until(3_600_000);
    let settled = sim.stream(node(1)).unwrap().shards.len();
    let hot = sim.journal_entries().find(|e| e.text.contains("one partition key"));
    assert!(hot.is_some(), "the key's shard is left alone once isolated");
    let key_shard = |sim: &Simulation| {
        let stream = sim.stream(node(1)).unwrap();
        stream.open_shards().find(|s| s.range.contains(hash_key(HOT_KEY))).unwrap().clone()
    };
    let taken_before = key_shard(&sim).totals.sum.in_bytes;
    // An hour more: the hot key keeps throttling at its one shard's 1 MiB/s,
    // and no shard is added.
    let throttled = throttled_between(&mut sim, 3_600, 7_200);
    assert!(throttled > 1_000_000.0, "1.9 MiB/s on one key throttles: {throttled}");
    assert_eq!(sim.stream(node(1)).unwrap().shards.len(), settled);
    let per_s = (key_shard(&sim).totals.sum.in_bytes - taken_before) / 3_600;
    assert!((1_000_000..=1_048_576).contains(&per_s), "the key's shard takes {per_s} B/s");
}

#[test]
fn on_demand_streams_refuse_manual_resharding_and_bill_per_stream_hour() {
    let mut sim = on_demand(100.0);
    let split = Command::Reshard {
        node: node(1),
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
    s.capacity = Capacity::on_demand();
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

/// A pipeline writing `rate` records/s of 1 KiB into an on-demand stream,
/// the account in On-demand Advantage or not.
fn scenario(rate: f64, capacity: Capacity, advantage: bool) -> Scenario {
    let p = ProducerSpec {
        records_per_s: rate,
        record_size: RecordSize::Fixed { bytes: 1_008 },
        ..Default::default()
    };
    let mut scenario = pipeline(p, 1, Some(Default::default()));
    let NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec else { unreachable!() };
    s.capacity = capacity;
    if advantage {
        scenario.pricing.kinesis_on_demand = OnDemandPricing::Advantage;
    }
    scenario
}

fn warm(mib_s: u32) -> Capacity {
    Capacity::OnDemand { scale_up_delay_s: 900, warm_throughput_mib_s: Some(mib_s) }
}

fn issues(scenario: &Scenario) -> Vec<String> {
    validate(scenario).err().unwrap_or_default().iter().map(ToString::to_string).collect()
}

#[test]
fn aws_facts_1_4_warm_throughput_takes_a_surge_at_once() {
    // aws-facts 1.4: under On-demand Advantage a stream can be warmed to a
    // write throughput it takes at once (the launch blog: 100 MiB/s warm, a
    // jump from 2 to 28 MiB/s without a throttle); a stream without it
    // throttles until it scales.
    let mut runs = [true, false].map(|warmed| {
        let capacity = if warmed { warm(100) } else { Capacity::on_demand() };
        Simulation::new(&validate(&scenario(2_000.0, capacity, warmed)).unwrap(), 4)
    });
    assert_eq!(runs[0].stream(node(1)).unwrap().open.len(), 100, "1 MiB/s per shard");
    for sim in &mut runs {
        sim.run_until(120_000);
        sim.apply(Command::SetProducerRate { node: node(0), records_per_s: 28_000.0 }).unwrap();
    }
    let [warmed, cold] = runs.map(|mut sim| throttled_between(&mut sim, 120, 300));
    assert_eq!(warmed, 0.0);
    assert!(cold > 1_000_000.0, "{cold}");
}

#[test]
fn aws_facts_1_4_warm_throughput_needs_advantage_and_is_at_most_10_gib_s() {
    let standard = issues(&scenario(100.0, warm(100), false));
    assert_eq!(standard.len(), 1, "{standard:?}");
    assert!(
        standard[0].starts_with(
            "nodes[1].params.capacity.warm_throughput_mib_s: warm throughput needs On-demand Advantage"
        ),
        "{standard:?}"
    );
    let too_much = issues(&scenario(100.0, warm(20_000), true));
    assert_eq!(
        too_much,
        ["nodes[1].params.capacity.warm_throughput_mib_s: 20,000 is out of range; allowed 1 to \
             10,240 MiB/s"]
    );
    assert!(issues(&scenario(100.0, warm(10_240), true)).is_empty());
}

#[test]
fn aws_facts_1_5_advantage_allows_50_enhanced_fan_out_consumers_per_on_demand_stream() {
    // aws-facts 1.5: 20 enhanced fan-out consumers per stream, 50 per
    // on-demand stream under On-demand Advantage.
    let with_consumers = |n: usize, capacity: Capacity, advantage: bool| {
        let mut s = scenario(100.0, capacity, advantage);
        for i in 0..n {
            let id = format!("efo{i}");
            let spec = ConsumerSpec { read_mode: ReadMode::EnhancedFanOut, ..Default::default() };
            s.nodes.push(Node {
                id: id.clone(),
                name: String::new(),
                spec: NodeSpec::Consumer(spec),
            });
            s.links.push(Link { from: "s".into(), to: id });
        }
        issues(&s)
    };
    let standard = with_consumers(21, Capacity::on_demand(), false);
    assert_eq!(standard.len(), 1);
    assert!(
        standard[0]
            .contains("21 enhanced fan-out consumers read this stream; AWS allows at most 20")
    );
    assert!(with_consumers(50, Capacity::on_demand(), true).is_empty());
    let over = with_consumers(51, Capacity::on_demand(), true);
    assert!(over[0].ends_with("AWS allows at most 50"), "{over:?}");
    let provisioned = with_consumers(21, Capacity::Provisioned { shards: 2 }, true);
    assert!(provisioned[0].ends_with("AWS allows at most 20"), "{provisioned:?}");
}

#[test]
fn kinesis_on_demand_is_a_pricing_field_validated_with_its_path() {
    let mut json = serde_json::to_value(scenario(100.0, Capacity::on_demand(), false)).unwrap();
    assert!(json.get("pricing").is_none(), "On-demand Standard is the default, left out");
    json["pricing"] = serde_json::json!({ "kinesis_on_demand": "premium" });
    let issues: Vec<String> = match sim_core::load_scenario(&json.to_string()) {
        Ok(_) => Vec::new(),
        Err(issues) => issues.iter().map(ToString::to_string).collect(),
    };
    assert!(
        issues[0].starts_with("pricing.kinesis_on_demand: unknown variant `premium`"),
        "{issues:?}"
    );
    assert!(issues[0].ends_with("expected `standard` or `advantage`"), "{issues:?}");
    json["pricing"] = serde_json::json!({ "kinesis_on_demand": "advantage" });
    let valid = sim_core::load_scenario(&json.to_string()).unwrap();
    assert_eq!(valid.scenario().pricing.kinesis_on_demand, OnDemandPricing::Advantage);
}

#[test]
fn aws_facts_2_2_a_small_stream_under_advantage_pays_the_24_hour_minimum() {
    // aws-facts 1.4, 2.2: at 1.4 MiB/s, far below the 25 MiB/s minimum, an
    // hour under On-demand Advantage bills the minimum for the commitment's
    // 24 hours: 25 MiB/s x 86,400 s = 2,109.375 GiB in at $0.032 and out at
    // $0.016, $101.25, and no stream-hour charge; projected, $4.21875 an hour.
    let mut sim =
        Simulation::new(&validate(&scenario(1_500.0, Capacity::on_demand(), true)).unwrap(), 2);
    sim.run_until(3_600_000);
    let cost = sim.cost();
    assert!((cost.total_usd() - 101.25).abs() < 1e-9, "{}", cost.total_usd());
    // (The records written at the hour's last instant count in the next hour.)
    assert!((cost.monthly_projection_usd(sim.now()) - 4.21875 * 730.0).abs() < 0.01);
    let items = cost.items();
    assert!(items.iter().all(|i| !i.key.starts_with("kds.on_demand.")), "{items:?}");
    let stream_hours = items.iter().find(|i| i.key == "kds.on_demand_advantage.stream_hour");
    assert_eq!(stream_hours.map(|i| (i.units, i.usd)), Some((1.0, 0.0)));
}
