//! The sizing figures the planners print beside their runs, against AWS's
//! rules worked out here: the Kinesis-vs-MSK comparison's capacity and
//! headroom, and the auto-sizer's classic shard formula.

use sim_core::autosize::{Objectives, autosize};
use sim_core::compare::{MskSizing, SERVICE_FIGURES, Service, ServiceComparison, ServiceRow};
use sim_core::scenario::{ConsumerSpec, KeyDistribution, Link, Node, NodeSpec, ProducerSpec};
use sim_core::units::{bytes, quantity};
use sim_core::{compare_kinesis_msk, validate};

use crate::fixtures::{pipeline, steady_producer};

const MIB: f64 = 1_048_576.0;

/// `rate` records/s of `data` bytes with 16-byte keys over 10,000 uniform
/// keys, into `shards` shards read by one consumer, compared for 2 minutes.
fn compared(rate: f64, data: u32, shards: u32) -> ServiceComparison {
    let p = ProducerSpec {
        keys: KeyDistribution::Uniform { count: 10_000 },
        partition_key_bytes: 16,
        ..steady_producer(rate, data)
    };
    let scenario = pipeline(p, shards, Some(ConsumerSpec::default()));
    compare_kinesis_msk(&validate(&scenario).unwrap(), 1, 120, MskSizing::default()).unwrap()
}

fn row(c: &ServiceComparison, service: Service) -> &ServiceRow {
    c.rows.iter().find(|r| r.service == service).unwrap()
}

/// A figure of a row as the CLI's table and the app's panel show it.
fn shown(r: &ServiceRow, key: &str) -> String {
    (SERVICE_FIGURES.iter().find(|f| f.key == key).unwrap().show)(r)
}

/// aws-facts 1.1: a shard takes 1 MB/s including partition keys or 1,000
/// records/s, whichever is reached first; the headroom left is that of
/// the nearer limit.
fn headroom_by_the_rule(r: &ServiceRow, shards: u32, key_and_data: u32) -> f64 {
    let records = r.incoming_records_per_s;
    let by_bytes = records * f64::from(key_and_data) / (f64::from(shards) * MIB);
    let by_records = records / (f64::from(shards) * 1_000.0);
    1.0 - by_bytes.max(by_records)
}

#[test]
fn aws_facts_1_1_small_records_leave_no_headroom_once_the_record_limit_refuses_them() {
    // 5,000 records/s of 100 bytes into 4 shards: 116 bytes a record with
    // its key is about 570 KiB/s, a seventh of 4 MiB/s, but the shards take
    // 4,000 records/s at most, so writes are refused and nothing is left.
    let c = compared(5_000.0, 100, 4);
    let k = row(&c, Service::KinesisProvisioned);
    assert!(k.refused_writes > 0, "the record limit refuses writes");
    assert_eq!(k.capacity_records_per_s, Some(4.0 * 1_000.0));
    assert_eq!(k.capacity_bytes_per_s, 4.0 * MIB);
    // The bytes it counts are the records' data and keys, as the limit does.
    let per_record = k.incoming_bytes_per_s / k.incoming_records_per_s;
    assert!((per_record - 116.0).abs() < 1e-9, "{per_record} bytes a record");
    let rule = headroom_by_the_rule(k, 4, 116);
    assert!((k.headroom - rule).abs() < 1e-12, "{} vs {rule}", k.headroom);
    assert!(k.headroom < 0.05, "refusing writes with {} headroom", k.headroom);
    assert_eq!(
        shown(k, "capacity_in"),
        format!("{} records/s (binding) or {}/s", quantity(4_000.0), bytes(4.0 * MIB))
    );
    assert!(shown(k, "traffic_in").contains(" records/s, "), "{}", shown(k, "traffic_in"));
    // MSK limits bytes only: its headroom and capacity stay in bytes.
    let m = row(&c, Service::MskProvisioned);
    assert_eq!(m.capacity_records_per_s, None);
    assert!((m.headroom - (1.0 - m.incoming_bytes_per_s / m.capacity_bytes_per_s)).abs() < 1e-12);
    assert_eq!(shown(m, "capacity_in"), format!("{}/s", bytes(m.capacity_bytes_per_s)));
}

#[test]
fn aws_facts_1_1_large_records_are_bound_by_bytes() {
    // 200 records/s of 3,000 bytes into 1 shard: 603,200 bytes/s with keys
    // is 58% of 1 MiB/s, and 200 records/s only 20% of 1,000.
    let c = compared(200.0, 3_000, 1);
    let k = row(&c, Service::KinesisProvisioned);
    assert_eq!(k.refused_writes, 0);
    let rule = headroom_by_the_rule(k, 1, 3_016);
    assert!((k.headroom - rule).abs() < 1e-12, "{} vs {rule}", k.headroom);
    assert!((k.headroom - (1.0 - 200.0 * 3_016.0 / MIB)).abs() < 0.01, "{}", k.headroom);
    assert_eq!(
        shown(k, "capacity_in"),
        format!("{}/s (binding) or {} records/s", bytes(MIB), quantity(1_000.0))
    );
}

/// aws-facts 1.4: number_of_shards = max(incoming_write_bandwidth_in_KiB /
/// 1024, outgoing_read_bandwidth_in_KiB / 2048), the incoming bandwidth
/// being the average data size rounded up to 1 KB times records_per_second,
/// the outgoing one that times number_of_consumers; a whole shard.
fn classic_formula(average_data_bytes: f64, records_per_s: f64, consumers: usize) -> u32 {
    let incoming_kib = (average_data_bytes / 1_024.0).ceil().max(1.0) * records_per_s;
    let outgoing_kib = incoming_kib * consumers as f64;
    (incoming_kib / 1_024.0).max(outgoing_kib / 2_048.0).ceil().max(1.0) as u32
}

#[test]
fn aws_facts_1_4_the_classic_formula_counts_small_records_as_a_kib() {
    // 900 records/s of 100 bytes (16-byte keys) read by three shared
    // consumers: each record counts as 1 KiB, so 900 KiB/s in and 2,700
    // KiB/s out, which is more than one shard's 2,048: two shards. The
    // measured bytes (116 a record with its key) would fit one.
    let p = ProducerSpec {
        keys: KeyDistribution::Uniform { count: 10_000 },
        partition_key_bytes: 16,
        ..steady_producer(900.0, 100)
    };
    let mut scenario = pipeline(p, 1, Some(ConsumerSpec::default()));
    for id in ["c1", "c2"] {
        let spec = NodeSpec::Consumer(ConsumerSpec::default());
        scenario.nodes.push(Node { id: id.into(), name: String::new(), spec });
        scenario.links.push(Link { from: "s".into(), to: id.into() });
    }
    let sizing = autosize(&scenario, &Objectives::of(&scenario), scenario.seed, 120).unwrap();
    let check = &sizing.formula[0];
    let inputs = check.inputs;
    // The inputs are the run's: its records and their data, keys left out.
    assert!((inputs.records_per_s - 900.0).abs() < 9.0, "{} records/s", inputs.records_per_s);
    assert!((inputs.average_data_bytes - 100.0).abs() < 1e-9, "{}", inputs.average_data_bytes);
    assert_eq!(inputs.consumers, 3);
    let rule = classic_formula(100.0, inputs.records_per_s, 3);
    assert_eq!(rule, 2);
    assert_eq!(check.formula_shards, rule);
    // The planner's answer is its own runs': one shard takes 900 records/s
    // in and 3 x 900 x 116 bytes/s out, so it is not the formula's, and the
    // formula's count is run beside it rather than called the same.
    assert_eq!(check.sized, 1);
    let run = check.formula_run.as_ref().expect("a different count is run");
    assert_eq!(run.settings, vec![rule]);
    assert!(run.meets(), "{:?}", run.misses);
}

/// aws-facts-more 2.1: an MSK Serverless cluster has at most 2,400
/// partitions, and the comparison gives a cluster one per shard. A stream
/// over that is refused before anything runs, in the terms of the user's
/// file: the stream, by name, and its shards (the cluster is not in it).
#[test]
fn a_stream_too_large_for_msk_serverless_is_refused_by_its_shards() {
    let mut scenario = pipeline(steady_producer(10.0, 100), 2_401, None);
    scenario.nodes[1].name = "events stream".into();
    let issues =
        compare_kinesis_msk(&validate(&scenario).unwrap(), 1, 1, MskSizing::default()).unwrap_err();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].path, "nodes[1].params.capacity.shards");
    let m = &issues[0].message;
    assert!(m.starts_with("events stream has 2,401 shards"), "{m}");
    assert!(
        m.contains("MSK Serverless") && m.contains("one per shard") && m.contains("2,400"),
        "{m}"
    );
}
