//! No shard ever accepts more than its limits allow.

use crate::fixtures::node;
use proptest::prelude::*;
use sim_core::metrics::stream;
use sim_core::scenario::{KeyDistribution, ProducerSpec, RecordSize};
use sim_core::{Simulation, validate};

use crate::fixtures::{pipeline, run};

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// aws-facts 1.1: 1,000 records/s and 1 MiB/s per shard. With buckets one
    /// second deep, no one-second window takes more than two seconds' worth,
    /// and over a long run the average never exceeds one second's worth.
    #[test]
    fn shards_stay_within_write_limits(
        rate in 500.0..20_000.0f64, bytes in 1u32..60_000, shards in 1u32..6, hot in 0.0..1.0f64
    ) {
        let p = ProducerSpec {
            records_per_s: rate,
            record_size: RecordSize::Fixed { bytes },
            keys: KeyDistribution::HotKey { count: 100, hot_share: hot },
            ..Default::default()
        };
        let scenario = pipeline(p, shards, None);
        let valid = validate(&scenario).unwrap();
        let mut sim = Simulation::new(&valid, 11);
        let record_bytes = u64::from(bytes) + 16;
        let seconds = 60;
        let mut totals = vec![(0u64, 0u64); shards as usize];
        for t in 1..=seconds {
            sim.run_until(t * 1_000);
            for (i, shard) in sim.shards(node(1)).unwrap().iter().enumerate() {
                let s = shard.last_second;
                prop_assert!(s.in_records <= 2_000, "shard {i} took {} records in second {t}", s.in_records);
                prop_assert!(s.in_bytes <= 2 * 1_048_576, "shard {i} took {} bytes in second {t}", s.in_bytes);
                totals[i].0 += s.in_records;
                totals[i].1 += s.in_bytes;
            }
        }
        for (i, (records, bytes_in)) in totals.into_iter().enumerate() {
            prop_assert!(records <= 1_000 * (seconds + 1), "shard {i}: {records} records");
            prop_assert!(bytes_in <= 1_048_576 * (seconds + 1) + record_bytes, "shard {i}: {bytes_in} bytes");
        }
    }
}

#[test]
fn a_stream_over_capacity_reports_write_throttling() {
    // aws-facts 1.8: WriteProvisionedThroughputExceeded counts records
    // rejected for exceeding 1,000 records/s or 1 MiB/s per shard.
    let p = ProducerSpec { records_per_s: 3_000.0, ..Default::default() };
    let sim = run(&pipeline(p, 2, None), 30);
    let m = sim.metrics(node(1));
    assert!(m.stats(stream::WRITE_THROTTLED).sum > 0.0);
    // Two shards accept at most ~2,000 records/s.
    assert!(m.stats(stream::INCOMING_RECORDS).avg() <= 2_000.0 * 1.05);
}

#[test]
fn a_stream_within_capacity_never_throttles() {
    let p = ProducerSpec { records_per_s: 800.0, ..Default::default() };
    let sim = run(&pipeline(p, 2, None), 120);
    assert_eq!(sim.metrics(node(1)).stats(stream::WRITE_THROTTLED).sum, 0.0);
    assert_eq!(sim.ledger().throttled_dropped, 0);
}

#[test]
fn a_consumer_that_keeps_up_has_a_small_iterator_age() {
    // aws-facts 1.5: polling once a second keeps propagation near a second.
    let p = ProducerSpec { records_per_s: 500.0, ..Default::default() };
    let sim = run(&pipeline(p, 1, Some(Default::default())), 120);
    let age = sim.metrics(node(1)).stats(stream::ITERATOR_AGE);
    assert!(age.max <= 1_500.0, "iterator age max {}", age.max);
}

/// A producer sending one record of `bytes` every `every_ms`, with a key of
/// 16 bytes, PutRecords requests of up to 10 MiB.
fn large_records(bytes: u32, every_ms: u64, max_record_size_kib: u32) -> sim_core::Scenario {
    let p = ProducerSpec {
        records_per_s: 1_000.0 / every_ms as f64,
        traffic: sim_core::scenario::Traffic::Constant,
        record_size: RecordSize::Fixed { bytes },
        batching: sim_core::scenario::Batching { max_buffered_ms: every_ms },
        api: sim_core::scenario::Api::PutRecords {
            max_records_per_request: 500,
            max_request_bytes: 10_485_760,
        },
        ..Default::default()
    };
    let mut scenario = pipeline(p, 1, None);
    if let sim_core::NodeSpec::KinesisStream(s) = &mut scenario.nodes[1].spec {
        s.max_record_size_kib = max_record_size_kib;
    }
    scenario
}

#[test]
fn aws_facts_1_1_a_record_at_the_streams_maximum_size_gets_in() {
    // A 1 MiB data blob plus its partition key is more than a second of the
    // 1 MiB/s byte limit; AWS still accepts it, so it must not be refused
    // on every retry until the producer gives up.
    let sim = run(&large_records(1_048_576, 2_000, 1_024), 120);
    let put = sim.metrics(node(0)).total(sim_core::metrics::producer::USER_RECORDS_PUT);
    assert_eq!(put, 60.0);
    assert_eq!(sim.ledger().throttled_dropped, 0);
}

#[test]
fn aws_facts_1_1_large_records_burst_but_the_shard_averages_1_mib_per_second() {
    // With the stream's maximum raised to 10 MiB, an occasional 10,000 KiB
    // record gets in as a burst; sent back to back (one every
    // 5 s, 2 MiB/s) they cannot: the shard still averages 1 MiB/s.
    let occasional = run(&large_records(10_240_000, 20_000, 10_240), 400);
    assert_eq!(
        occasional.metrics(node(0)).total(sim_core::metrics::producer::USER_RECORDS_PUT),
        20.0
    );
    let sustained = run(&large_records(10_240_000, 5_000, 10_240), 400);
    let m = sustained.metrics(node(1));
    let bytes_per_s = m.total(stream::INCOMING_BYTES) / 400.0;
    assert!(bytes_per_s <= 1_048_576.0 * 1.03, "{bytes_per_s} B/s");
    assert!(m.total(stream::WRITE_THROTTLED) > 0.0);
}

#[test]
fn aws_facts_1_1_a_record_larger_than_the_streams_maximum_is_refused_by_validation() {
    let issues = validate(&large_records(2 << 20, 1_000, 1_024)).expect_err("2 MiB into 1 MiB");
    let text = issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert!(text.contains("nodes[0].params.record_size"), "{text}");
    assert!(text.contains("max_record_size_kib"), "{text}");
    assert!(validate(&large_records(2 << 20, 1_000, 2_048)).is_ok());
    let out_of_range = validate(&large_records(1_000, 1_000, 20_000)).expect_err("above 10,240");
    assert!(out_of_range.iter().any(|i| i.path.ends_with("max_record_size_kib")));
}
