//! The conservation ledger balances at every event, whatever happens.

use crate::fixtures::node;
use proptest::prelude::*;
use sim_core::scenario::{
    Aggregation, Api, Arrivals, ConsumerSpec, KeyDistribution, ProducerSpec, RateStep, RecordSize,
    Retry, Traffic, WeightedHashKey,
};
use sim_core::{Simulation, validate};

use crate::fixtures::{default_scenario, pipeline, producer, run};

#[test]
fn the_default_scenario_balances_after_every_event() {
    let valid = default_scenario();
    let mut sim = Simulation::new(&valid, 1);
    let mut events = 0;
    while sim.now() < 120_000 && sim.step() {
        events += 1;
        let l = sim.ledger();
        assert!(l.balances(), "after event {events} at {} ms: {l:?}", sim.now());
    }
    let l = sim.ledger();
    assert!(l.delivered > 0 && l.throttled_dropped > 0, "{l:?}");
}

#[test]
fn records_past_retention_expire_and_are_counted() {
    // aws-facts 1.3: records older than the retention period (24 h minimum)
    // become inaccessible. A consumer that reads 10 records every 10 s falls
    // hopelessly behind 100 records/s: after 25 h, the first hour's records
    // (360,000, less the ~90,000 it read) have expired unread.
    let slow =
        ConsumerSpec { poll_interval_ms: 10_000, max_records_per_call: 10, ..Default::default() };
    let sim = run(&pipeline(producer(100.0), 1, Some(slow)), 25 * 3_600);
    let l = sim.ledger();
    assert!(l.balances(), "{l:?}");
    assert!((260_000..=275_000).contains(&l.expired), "about an hour's worth expired: {l:?}");
    // Memory stays bounded by minutes of retention, not by API calls.
    let cohorts = sim.shards(node(1)).unwrap()[0].log_len();
    assert!(cohorts < 24 * 60 + 5 * 60 * 10 + 10, "{cohorts} cohorts retained");
    assert_eq!(sim.consumer(node(2)).unwrap().missed, l.expired);
}

#[test]
fn an_unread_stream_expires_everything_after_retention() {
    let sim = run(&pipeline(producer(50.0), 2, None), 24 * 3_600 + 600);
    let l = sim.ledger();
    assert!(l.balances(), "{l:?}");
    assert_eq!(l.delivered, 0);
    assert!(l.expired > 0 && l.in_flight > 0, "{l:?}");
}

fn arb_traffic() -> impl Strategy<Value = Traffic> {
    let arrivals = prop_oneof![Just(Arrivals::Poisson), Just(Arrivals::Constant)];
    prop_oneof![
        Just(Traffic::Constant),
        Just(Traffic::Poisson),
        (0.0..=1.0f64, 1.0..200.0f64, 0.0..100.0f64, arrivals.clone()).prop_map(
            |(amplitude, period_s, phase_s, arrivals)| Traffic::Diurnal {
                amplitude,
                period_s,
                phase_s,
                arrivals
            }
        ),
        (0.001..20.0f64, 0.0..40.0f64, 0.0..20.0f64, 0.0..2.0f64, arrivals.clone()).prop_map(
            |(on_s, off_s, multiplier, off_multiplier, arrivals)| Traffic::Burst {
                on_s,
                off_s,
                multiplier,
                off_multiplier,
                arrivals
            }
        ),
        (prop::collection::vec((1.0..30.0f64, 0.0..8_000.0f64), 1..5), arrivals.clone()).prop_map(
            |(gaps, arrivals)| {
                let mut at_s = 0.0;
                let steps = gaps
                    .into_iter()
                    .map(|(gap, records_per_s)| {
                        at_s += gap;
                        RateStep { at_s, records_per_s }
                    })
                    .collect();
                Traffic::Step { steps, arrivals }
            }
        ),
        (prop::collection::vec(0.0..8_000.0f64, 1..20), arrivals).prop_map(|(rates, arrivals)| {
            let csv = rates.iter().enumerate().map(|(i, r)| format!("{},{r}\n", i * 5)).collect();
            Traffic::Replay { csv, arrivals }
        }),
    ]
}

fn arb_size() -> impl Strategy<Value = RecordSize> {
    prop_oneof![
        (1u32..60_000).prop_map(|bytes| RecordSize::Fixed { bytes }),
        (1u32..30_000, 0u32..30_000).prop_map(|(min_bytes, extra)| RecordSize::Uniform {
            min_bytes,
            max_bytes: min_bytes + extra
        }),
        (1.0..20_000.0f64, 0.0..2.5f64)
            .prop_map(|(median_bytes, sigma)| RecordSize::LogNormal { median_bytes, sigma }),
    ]
}

fn arb_keys() -> impl Strategy<Value = KeyDistribution> {
    prop_oneof![
        (1u32..2_000).prop_map(|count| KeyDistribution::Uniform { count }),
        (1u32..2_000, 0.0..1.0f64)
            .prop_map(|(count, hot_share)| KeyDistribution::HotKey { count, hot_share }),
        (1u32..2_000, 0.0..3.0f64).prop_map(|(count, s)| KeyDistribution::Zipf { count, s }),
        prop::collection::vec((any::<u128>(), 0.01..10.0f64), 1..8).prop_map(|keys| {
            KeyDistribution::ExplicitHashKey {
                hash_keys: keys
                    .into_iter()
                    .map(|(k, weight)| WeightedHashKey { hash_key: k.to_string(), weight })
                    .collect(),
            }
        }),
    ]
}

pub fn arb_producer() -> impl Strategy<Value = ProducerSpec> {
    let api = prop_oneof![
        Just(Api::PutRecord),
        (1u32..=500).prop_map(|max_records_per_request| Api::PutRecords {
            max_records_per_request,
            max_request_bytes: 10_485_760
        }),
    ];
    let aggregation = prop::option::of(
        (64u32..1_048_576, 1u32..5_000)
            .prop_map(|(max_bytes, max_user_records)| Aggregation { max_bytes, max_user_records }),
    );
    (
        (0.0..6_000.0f64, 1u32..6, 1u64..500),
        (arb_traffic(), arb_size(), arb_keys(), api, aggregation),
    )
        .prop_map(
            |((rate, attempts, buffered), (traffic, record_size, keys, api, aggregation))| {
                ProducerSpec {
                    records_per_s: rate,
                    traffic,
                    record_size,
                    keys,
                    api,
                    aggregation,
                    batching: sim_core::scenario::Batching { max_buffered_ms: buffered },
                    retry: Retry { max_attempts: attempts, ..Default::default() },
                    ..Default::default()
                }
            },
        )
}

pub fn arb_consumer() -> impl Strategy<Value = Option<ConsumerSpec>> {
    prop::option::of((1u64..3_000, 1u32..10_000, 0.0..2_000.0f64).prop_map(
        |(poll, max, per_record)| ConsumerSpec {
            poll_interval_ms: poll,
            max_records_per_call: max,
            per_record_us: per_record,
            ..Default::default()
        },
    ))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_pipelines_balance_every_second(
        p in arb_producer(), shards in 1u32..12, c in arb_consumer(), seed in any::<u64>()
    ) {
        let mut scenario = pipeline(p, shards, c);
        scenario.seed = seed;
        let valid = validate(&scenario).unwrap_or_else(|e| panic!("{e:#?}"));
        let mut sim = Simulation::new(&valid, seed);
        for t in 1..=90 {
            sim.run_until(t * 1_000);
            let l = sim.ledger();
            prop_assert!(l.balances(), "at {t} s: {l:?}");
        }
    }
}

/// The ledger, extended with delivery streams (buffered, backed up, lost,
/// failed transformations) and hand-offs between stages, balances after
/// every event of pipelines with forwarding, a KCL failover, a
/// destination outage, a Flink application rescaling and an SNS fan-out.
#[test]
fn ledger_balances_after_every_event_with_delivery_kcl_flink_and_forwarding() {
    for (file, until_ms) in [
        ("kcl-worker-crash.json", 150_000),
        ("destination-outage-retry.json", 700_000),
        // Through a Flink application's autoscaling restart at 900 s.
        ("flink-autoscaling.json", 960_000),
        // An SNS topic fanning out to queues and a delivery stream.
        ("lesson-sns-fan-out.json", 120_000),
    ] {
        let json = sim_core::BUNDLED_SCENARIOS.iter().find(|(f, _)| *f == file).unwrap().1;
        let valid = sim_core::load_scenario(json).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        while sim.now() < until_ms && sim.step() {
            let l = sim.ledger();
            assert!(l.balances(), "{file} at {} ms: {l:?}", sim.now());
        }
        let l = sim.ledger();
        assert!(l.delivered > 0 && l.buffered > 0, "{file}: {l:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// A Lambda event source holds what it read until each record is
    /// processed or given up: the ledger balances after every event through
    /// concurrent batches, windows, failures, throttles and a shard split.
    #[test]
    fn a_lambda_stream_source_balances_after_every_event(
        p in arb_producer(),
        shards in 1u32..4,
        (pf, batch, window) in (1u32..=10, 1u32..2_000, 0u32..4),
        (poison, errors, bisect, retries) in (0.0..0.02f64, 0.0..0.3f64, any::<bool>(), -1i32..3),
        (reserved, age) in (prop::option::of(0u32..6), prop_oneof![Just(-1), 60i32..120]),
        seed in any::<u64>(),
    ) {
        use sim_core::scenario::{EventSourceMapping, LambdaSpec, Link, Node, NodeSpec, Operation,
            ScheduledOp, StartPosition, StreamOp};
        let mut scenario = pipeline(p, shards, None);
        let f = LambdaSpec {
            overhead_ms: 30.0,
            per_record_ms: 2.0,
            poison_rate: poison,
            error_rate: errors,
            reserved_concurrency: reserved,
            event_source: EventSourceMapping {
                batch_size: Some(batch),
                batching_window_s: window,
                parallelization_factor: pf,
                bisect_on_error: bisect,
                maximum_retry_attempts: retries,
                maximum_record_age_s: age,
                starting_position: StartPosition::TrimHorizon,
                ..Default::default()
            },
            ..Default::default()
        };
        scenario.nodes.push(Node { id: "f".into(), name: String::new(), spec: NodeSpec::Lambda(f) });
        scenario.links.push(Link { from: "s".into(), to: "f".into() });
        scenario.schedule.push(ScheduledOp {
            at_s: Some(40),
            at_ms: None,
            node: "s".into(),
            op: Operation::Reshard(StreamOp::SplitShard { shard: 0, new_starting_hash_key: None }),
        });
        let valid = validate(&scenario).unwrap_or_else(|e| panic!("{e:#?}"));
        let mut sim = Simulation::new(&valid, seed);
        while sim.now() < 90_000 && sim.step() {
            let l = sim.ledger();
            prop_assert!(l.balances(), "at {} ms: {l:?}", sim.now());
        }
    }
}
