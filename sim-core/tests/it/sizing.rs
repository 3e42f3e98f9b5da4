//! The sizing figures the planners print beside their runs, against AWS's
//! rules worked out here: the Kinesis-vs-MSK comparison's capacity and
//! headroom.

use sim_core::compare::{MskSizing, SERVICE_FIGURES, Service, ServiceComparison, ServiceRow};
use sim_core::scenario::{ConsumerSpec, KeyDistribution, ProducerSpec};
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
