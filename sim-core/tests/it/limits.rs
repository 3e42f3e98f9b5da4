//! No shard ever accepts more than its limits allow.

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
            for (i, shard) in sim.shards(1).unwrap().iter().enumerate() {
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
    let m = sim.metrics(1);
    assert!(m.stats(stream::WRITE_THROTTLED).sum > 0.0);
    // Two shards accept at most ~2,000 records/s.
    assert!(m.stats(stream::INCOMING_RECORDS).avg() <= 2_000.0 * 1.05);
}

#[test]
fn a_stream_within_capacity_never_throttles() {
    let p = ProducerSpec { records_per_s: 800.0, ..Default::default() };
    let sim = run(&pipeline(p, 2, None), 120);
    assert_eq!(sim.metrics(1).stats(stream::WRITE_THROTTLED).sum, 0.0);
    assert_eq!(sim.ledger().throttled_dropped, 0);
}

#[test]
fn a_consumer_that_keeps_up_has_a_small_iterator_age() {
    // aws-facts 1.5: polling once a second keeps propagation near a second.
    let p = ProducerSpec { records_per_s: 500.0, ..Default::default() };
    let sim = run(&pipeline(p, 1, Some(Default::default())), 120);
    let age = sim.metrics(1).stats(stream::ITERATOR_AGE);
    assert!(age.max <= 1_500.0, "iterator age max {}", age.max);
}
