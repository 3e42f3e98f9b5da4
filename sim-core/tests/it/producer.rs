//! The producer model end to end: traffic shapes, sizes, keys, the write
//! APIs and KPL aggregation, each rule naming the aws-facts entry it
//! encodes.

use crate::fixtures::node;
use sim_core::metrics::{producer as pm, stream as sm};
use sim_core::routing::{even_ranges, hash_key, key_name, shard_for};
use sim_core::scenario::{
    Aggregation, Api, Arrivals, KeyDistribution, NodeSpec, ProducerSpec, RecordSize, Traffic,
};
use sim_core::{Simulation, load_scenario, validate};

use crate::fixtures::{pipeline, run};

/// A scenario using every new producer field; the JSON doubles as the
/// format's example.
pub const SAMPLE: &str = r#"{
  "v": 1,
  "name": "Every producer option",
  "seed": 3,
  "duration_s": 120,
  "nodes": [
    {
      "id": "app",
      "kind": "producer",
      "params": {
        "records_per_s": 3000,
        "traffic": { "shape": "diurnal", "amplitude": 0.5, "period_s": 60, "phase_s": 0,
                     "arrivals": "poisson" },
        "record_size": { "dist": "log_normal", "median_bytes": 600, "sigma": 0.8 },
        "keys": { "dist": "zipf", "count": 5000, "s": 1.1 },
        "partition_key_bytes": 24,
        "api": { "call": "put_records", "max_records_per_request": 500,
                 "max_request_bytes": 5242880 },
        "batching": { "max_buffered_ms": 100 },
        "aggregation": { "max_bytes": 51200, "max_user_records": 1000 },
        "retry": { "max_attempts": 5, "base_backoff_ms": 100, "max_backoff_ms": 2000 }
      }
    },
    {
      "id": "replayed",
      "kind": "producer",
      "params": {
        "records_per_s": 1,
        "traffic": { "shape": "replay", "arrivals": "constant",
                     "csv": "time_s,records_per_s\n0,200\n30,900\n60,50\n" },
        "record_size": { "dist": "uniform", "min_bytes": 100, "max_bytes": 4000 },
        "keys": { "dist": "explicit_hash_key", "hash_keys": [
          { "hash_key": "0", "weight": 1 },
          { "hash_key": "340282366920938463463374607431768211455", "weight": 2 } ] },
        "api": { "call": "put_record" }
      }
    },
    {
      "id": "bursty",
      "kind": "producer",
      "params": {
        "records_per_s": 100,
        "traffic": { "shape": "burst", "on_s": 5, "off_s": 25, "multiplier": 20,
                     "off_multiplier": 0.5 }
      }
    },
    {
      "id": "stepped",
      "kind": "producer",
      "params": {
        "records_per_s": 100,
        "traffic": { "shape": "step", "steps": [ { "at_s": 30, "records_per_s": 1500 },
                                                 { "at_s": 90, "records_per_s": 10 } ] }
      }
    },
    { "id": "s", "kind": "kinesis_stream",
      "params": { "capacity": { "mode": "provisioned", "shards": 4 } } }
  ],
  "links": [ { "from": "app", "to": "s" }, { "from": "replayed", "to": "s" },
             { "from": "bursty", "to": "s" }, { "from": "stepped", "to": "s" } ]
}"#;

#[test]
fn the_sample_with_every_option_loads_runs_and_balances() {
    let valid = load_scenario(SAMPLE).unwrap_or_else(|e| panic!("{e:#?}"));
    let mut sim = Simulation::new(&valid, 3);
    for t in 1..=120 {
        sim.run_until(t * 1_000);
        assert!(sim.ledger().balances(), "at {t} s: {:?}", sim.ledger());
    }
    // The replay (constant arrivals): 30 s × 200 + 30 s × 900 + 60 s × 50.
    let replayed = sim.producer(node(1)).unwrap().produced;
    assert!((35_999..=36_000).contains(&replayed), "{replayed}");
    // PutRecord: one request per record (aws-facts 1.1).
    let m = sim.metrics(node(1));
    assert!(m.stats(pm::REQUESTS).sum >= m.stats(pm::USER_RECORDS_PUT).sum);
    // Aggregation: fewer Kinesis records than user records.
    let m = sim.metrics(node(0));
    assert!(m.stats(pm::KINESIS_RECORDS_PUT).sum * 10.0 < m.stats(pm::USER_RECORDS_PUT).sum);
}

#[test]
fn aggregation_lets_one_shard_take_more_than_1000_user_records_per_second() {
    // aws-facts 1.1: 1,000 records/s per shard counts Kinesis records; KPL
    // aggregation packs many user records into one, so 3,000 small user
    // records/s fit one shard (3,000 × 216 B is well under 1 MiB/s).
    let small = |aggregation| ProducerSpec {
        records_per_s: 3_000.0,
        record_size: RecordSize::Fixed { bytes: 200 },
        aggregation,
        ..Default::default()
    };
    let plain = run(&pipeline(small(None), 1, None), 60);
    let packed = run(&pipeline(small(Some(Aggregation::default())), 1, None), 60);
    let put = |sim: &Simulation| sim.metrics(node(0)).stats(pm::USER_RECORDS_PUT).avg();
    assert!(put(&plain) <= 1_000.0 * 1.05, "{}", put(&plain));
    assert!(put(&packed) > 2_900.0, "{}", put(&packed));
    assert_eq!(packed.ledger().throttled_dropped, 0);
    // The stream's IncomingRecords counts aggregated records: far fewer.
    assert!(packed.metrics(node(1)).stats(sm::INCOMING_RECORDS).avg() < 1_000.0);

    // Past 1 MiB/s the aggregated shard throttles too, and the stream counts
    // throttled Kinesis records, not user records (aws-facts 1.8).
    let big = ProducerSpec { records_per_s: 8_000.0, ..small(Some(Aggregation::default())) };
    let sim = run(&pipeline(big, 1, None), 30);
    let throttled = sim.metrics(node(1)).stats(sm::WRITE_THROTTLED).sum;
    let m = sim.metrics(node(0));
    let user_throttled = m.stats(pm::RETRIES).sum + m.stats(pm::USER_RECORD_EXPIRED).sum;
    // 237 user records of 216 bytes fit one 51,200-byte aggregate.
    assert!(throttled > 0.0 && throttled * 100.0 < user_throttled, "{throttled} {user_throttled}");
}

#[test]
fn aggregation_cuts_put_payload_units() {
    // aws-facts 2.1: PUT payload units are 25 KB chunks of each Kinesis
    // record; 500-byte user records cost one unit each unaggregated, about
    // one per 50 user records when packed into 51,200-byte aggregates.
    let spec = |aggregation| ProducerSpec {
        records_per_s: 500.0,
        record_size: RecordSize::Fixed { bytes: 500 },
        aggregation,
        ..Default::default()
    };
    let plain = run(&pipeline(spec(None), 4, None), 60);
    let packed = run(&pipeline(spec(Some(Aggregation::default())), 4, None), 60);
    let (a, b) = (plain.cost().put_payload_units, packed.cost().put_payload_units);
    assert!(a > 25_000 && b * 5 < a, "{a} vs {b}");
}

#[test]
fn put_record_is_throttled_at_1000_records_per_second_per_shard() {
    // aws-facts 1.1: PutRecord, 1,000 TPS per shard (the same 1,000
    // records/s); every record is its own request.
    let p = ProducerSpec {
        records_per_s: 1_500.0,
        api: Api::PutRecord,
        keys: KeyDistribution::Uniform { count: 1 },
        ..Default::default()
    };
    let sim = run(&pipeline(p, 1, None), 60);
    let m = sim.metrics(node(0));
    assert!(m.stats(pm::USER_RECORDS_PUT).avg() <= 1_000.0 * 1.05);
    assert!(sim.metrics(node(1)).stats(sm::WRITE_THROTTLED).sum > 0.0);
    let attempted =
        m.stats(pm::USER_RECORDS_PUT).sum + sim.metrics(node(1)).stats(sm::WRITE_THROTTLED).sum;
    assert_eq!(m.stats(pm::REQUESTS).sum, attempted);
}

#[test]
fn a_put_records_batch_over_500_records_is_several_requests() {
    // aws-facts 1.1: ≤ 500 records per PutRecords request. 10,000 records/s
    // cut every 100 ms is 1,000 records a batch: two requests, 20 a second.
    let p = ProducerSpec {
        records_per_s: 10_000.0,
        traffic: Traffic::Constant,
        record_size: RecordSize::Fixed { bytes: 100 },
        ..Default::default()
    };
    let sim = run(&pipeline(p, 20, None), 30);
    let m = sim.metrics(node(0));
    let batches = m.stats(pm::USER_RECORDS_RECEIVED).sum / 1_000.0;
    assert_eq!(m.stats(pm::RETRIES).sum, 0.0);
    assert_eq!(m.stats(pm::REQUESTS).sum, 2.0 * batches);
}

#[test]
fn a_put_records_batch_over_5_mib_is_several_requests() {
    // aws-facts 1.1: ≤ 5 MB per request including partition keys (classic).
    // 100 records/s of 100 KB cut every second is 10 MB: 2 requests (200
    // shards, so no shard's 1 MiB/s throttles and nothing is retried).
    let p = ProducerSpec {
        records_per_s: 100.0,
        traffic: Traffic::Constant,
        record_size: RecordSize::Fixed { bytes: 102_400 },
        batching: sim_core::scenario::Batching { max_buffered_ms: 1_000 },
        ..Default::default()
    };
    let sim = run(&pipeline(p, 200, None), 30);
    let m = sim.metrics(node(0));
    let batches = m.stats(pm::USER_RECORDS_RECEIVED).sum / 100.0;
    assert_eq!(m.stats(pm::RETRIES).sum, 0.0);
    assert_eq!(m.stats(pm::REQUESTS).sum, 2.0 * batches);
}

#[test]
fn zipf_keys_load_the_shard_of_the_top_key() {
    // aws-facts 1.2: a key's MD5 picks its shard, so Zipf skew lands on
    // the shard owning rank 1 (`pk-0`).
    let top = shard_for(&even_ranges(4), hash_key(&key_name(0)));
    let p = ProducerSpec {
        records_per_s: 2_000.0,
        keys: KeyDistribution::Zipf { count: 1_000, s: 2.0 },
        ..Default::default()
    };
    let valid = validate(&pipeline(p, 4, None)).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(20_000);
    let shards = sim.shards(node(1)).unwrap();
    let busiest = (0..4).max_by_key(|&i| shards[i].appended).unwrap();
    assert_eq!(busiest, top);
    assert!(shards[top].appended > 10_000, "{}", shards[top].appended);
}

#[test]
fn diurnal_traffic_averages_the_base_rate_over_a_period() {
    let p = ProducerSpec {
        records_per_s: 1_000.0,
        traffic: Traffic::Diurnal {
            amplitude: 0.9,
            period_s: 120.0,
            phase_s: 0.0,
            arrivals: Arrivals::Poisson,
        },
        ..Default::default()
    };
    let sim = run(&pipeline(p, 4, None), 240);
    let m = sim.metrics(node(0));
    let avg = m.stats(pm::USER_RECORDS_RECEIVED).avg();
    assert!((avg - 1_000.0).abs() < 10.0, "{avg}");
    assert!(m.stats(pm::USER_RECORDS_RECEIVED).max > 1_800.0);
}

#[test]
fn set_producer_rate_scales_a_step_profile() {
    use sim_core::Command;
    use sim_core::scenario::RateStep;
    let p = ProducerSpec {
        records_per_s: 100.0,
        traffic: Traffic::Step {
            steps: vec![RateStep { at_s: 10.0, records_per_s: 400.0 }],
            arrivals: Arrivals::Constant,
        },
        ..Default::default()
    };
    let valid = validate(&pipeline(p, 2, None)).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(20_000);
    sim.apply(Command::SetProducerRate { node: node(0), records_per_s: 200.0 }).unwrap();
    sim.run_until(30_000);
    // 10 s × 100 + 10 s × 400, then doubled: 10 s × 800.
    let produced = sim.ledger().produced;
    assert!((12_999..=13_000).contains(&produced), "{produced}");

    // A step profile starting from 0: the runtime rate applies before the
    // first step, and the steps keep their own rates.
    let p = ProducerSpec {
        records_per_s: 0.0,
        traffic: Traffic::Step {
            steps: vec![RateStep { at_s: 10.0, records_per_s: 400.0 }],
            arrivals: Arrivals::Constant,
        },
        ..Default::default()
    };
    let valid = validate(&pipeline(p, 2, None)).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.apply(Command::SetProducerRate { node: node(0), records_per_s: 50.0 }).unwrap();
    sim.run_until(20_000);
    let produced = sim.ledger().produced;
    assert!((4_499..=4_500).contains(&produced), "{produced}");
}

#[test]
fn engine_work_follows_api_calls_not_records() {
    // DESIGN.md 4: events per simulated second do not grow with the rate
    // (a million aggregated records/s of ~12 bytes fit 100 shards, so there
    // are no retries either way).
    let events = |rate: f64| {
        let p = ProducerSpec {
            records_per_s: rate,
            record_size: RecordSize::LogNormal { median_bytes: 10.0, sigma: 0.5 },
            keys: KeyDistribution::Zipf { count: 10_000, s: 0.2 },
            aggregation: Some(Aggregation::default()),
            ..Default::default()
        };
        let valid = validate(&pipeline(p, 100, None)).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        let mut n = 0;
        while sim.now() < 30_000 && sim.step() {
            n += 1;
        }
        n
    };
    let (slow, fast) = (events(100.0), events(1_000_000.0));
    assert_eq!(fast, slow, "{slow} events at 100/s, {fast} at 1,000,000/s");
}

#[test]
fn validation_states_every_new_field_with_its_range() {
    let mut p = ProducerSpec {
        traffic: Traffic::Diurnal {
            amplitude: 1.5,
            period_s: 0.0,
            phase_s: -1.0,
            arrivals: Arrivals::Poisson,
        },
        record_size: RecordSize::LogNormal { median_bytes: 0.0, sigma: 9.0 },
        keys: KeyDistribution::Zipf { count: 0, s: 11.0 },
        api: Api::PutRecords { max_records_per_request: 501, max_request_bytes: 20_000_000 },
        aggregation: Some(Aggregation { max_bytes: 2_000_000, max_user_records: 0 }),
        ..Default::default()
    };
    let issues = |p: &ProducerSpec| -> Vec<String> {
        match validate(&pipeline(p.clone(), 1, None)) {
            Ok(_) => vec![],
            Err(issues) => issues.iter().map(ToString::to_string).collect(),
        }
    };
    let want = [
        "nodes[0].params.traffic.amplitude: 1.5 is out of range; allowed 0 to 1",
        "nodes[0].params.traffic.period_s: 0 is out of range; allowed 1 to 31,536,000 s",
        "nodes[0].params.traffic.phase_s: -1 is out of range; allowed 0 to 31,536,000 s",
        "nodes[0].params.record_size.median_bytes: 0 is out of range; allowed 1 to 1,048,576 bytes",
        "nodes[0].params.record_size.sigma: 9 is out of range; allowed 0 to 4",
        "nodes[0].params.keys.count: 0 is out of range; allowed 1 to 1,000,000 keys",
        "nodes[0].params.keys.s: 11 is out of range; allowed 0 to 10",
        "nodes[0].params.api.max_records_per_request: 501 is out of range; allowed 1 to 500 records",
        "nodes[0].params.api.max_request_bytes: 20,000,000 is out of range; allowed 1 to 10,485,760 bytes",
        "nodes[0].params.aggregation.max_bytes: 2,000,000 is out of range; allowed 64 to 1,048,576 bytes",
        "nodes[0].params.aggregation.max_user_records: 0 is out of range; allowed 1 to 4,294,967,295 records",
    ];
    assert_eq!(issues(&p), want);

    p.traffic = Traffic::Burst {
        on_s: 0.0,
        off_s: 90_000.0,
        multiplier: 1_001.0,
        off_multiplier: -1.0,
        arrivals: Arrivals::Constant,
    };
    p.record_size = RecordSize::Uniform { min_bytes: 0, max_bytes: 20_000_000 };
    p.keys = KeyDistribution::ExplicitHashKey {
        hash_keys: vec![sim_core::scenario::WeightedHashKey {
            hash_key: "12x".into(),
            weight: -2.0,
        }],
    };
    p.api = Api::PutRecords { max_records_per_request: 500, max_request_bytes: 1_000 };
    p.aggregation = None;
    let want = [
        "nodes[0].params.traffic.on_s: 0 is out of range; allowed 0.001 to 86,400 s",
        "nodes[0].params.traffic.off_s: 90,000 is out of range; allowed 0 to 86,400 s",
        "nodes[0].params.traffic.multiplier: 1,001 is out of range; allowed 0 to 1,000 x",
        "nodes[0].params.traffic.off_multiplier: -1 is out of range; allowed 0 to 1,000 x",
        "nodes[0].params.record_size.min_bytes: 0 is out of range; allowed 1 to 10,485,760 bytes",
        "nodes[0].params.record_size.max_bytes: 20,000,000 is out of range; allowed 1 to 10,485,760 bytes",
        "nodes[0].params.keys.hash_keys[0].weight: -2 is out of range; allowed 0 to 1,000,000,000",
        "nodes[0].params.keys.hash_keys[0].hash_key: \"12x\" is not a hash key; allowed a decimal integer 0 to 340282366920938463463374607431768211455",
        "nodes[0].params.keys.hash_keys: every weight is 0; at least one must be positive",
        "nodes[0].params.api.max_request_bytes: 1,000 is below the largest record with its key (20,000,016 bytes); one record must fit a request",
        "nodes[0].params.record_size: records up to 20,000,000 bytes can never be written to stream \"s\": its maximum record size is 1,024 KiB (1,048,576 bytes); raise the stream's max_record_size_kib (up to 10,240) or send smaller records",
    ];
    assert_eq!(issues(&p), want);

    p.traffic = Traffic::Step {
        steps: vec![
            sim_core::scenario::RateStep { at_s: 5.0, records_per_s: 20_000_000.0 },
            sim_core::scenario::RateStep { at_s: 5.0, records_per_s: 1.0 },
        ],
        arrivals: Arrivals::Poisson,
    };
    p.record_size = RecordSize::Uniform { min_bytes: 500, max_bytes: 400 };
    p.keys = KeyDistribution::Uniform { count: 10 };
    p.api = Api::PutRecord;
    let want = [
        "nodes[0].params.traffic.steps[0].records_per_s: 20,000,000 is out of range; allowed 0 to 10,000,000 records/s",
        "nodes[0].params.traffic.steps[1].at_s: 5 is not after the previous step's at_s (5); steps must be in increasing time",
        "nodes[0].params.record_size.max_bytes: 400 is below min_bytes (500); the largest record must be at least the smallest",
    ];
    assert_eq!(issues(&p), want);

    p.traffic = Traffic::Replay { csv: "0,1\n2,x\n".into(), arrivals: Arrivals::Poisson };
    p.record_size = RecordSize::Fixed { bytes: 10 };
    assert_eq!(issues(&p), ["nodes[0].params.traffic.csv: line 2: \"2,x\" is not two numbers"]);
    p.traffic = Traffic::Replay { csv: "t,r\n0,1\n2,-4\n".into(), arrivals: Arrivals::Poisson };
    assert_eq!(
        issues(&p),
        ["nodes[0].params.traffic.csv: line 3: records_per_s -4 is out of range; allowed 0 to \
          10,000,000 records/s"]
    );
    p.traffic = Traffic::Step { steps: vec![], arrivals: Arrivals::Poisson };
    p.keys = KeyDistribution::ExplicitHashKey { hash_keys: vec![] };
    assert_eq!(
        issues(&p),
        [
            "nodes[0].params.traffic.steps: 0 is out of range; allowed 1 to 10,000 steps",
            "nodes[0].params.keys.hash_keys: 0 is out of range; allowed 1 to 10,000 hash keys",
        ]
    );
}

#[test]
fn unknown_traffic_and_api_fields_are_refused_with_their_path() {
    let json = SAMPLE.replace("\"max_user_records\": 1000", "\"max_user_recs\": 1000");
    let issues = load_scenario(&json).unwrap_err();
    assert!(issues[0].to_string().contains("aggregation"), "{issues:?}");
    let json = SAMPLE.replace("\"amplitude\": 0.5,", "\"amplitude\": 0.5, \"bogus\": 1,");
    let issues = load_scenario(&json).unwrap_err();
    assert!(issues[0].to_string().contains("unknown field `bogus`"), "{issues:?}");
    let json = SAMPLE.replace("\"call\": \"put_record\"", "\"call\": \"put_everything\"");
    let issues = load_scenario(&json).unwrap_err();
    assert!(issues[0].to_string().starts_with("nodes[1].params.api"), "{issues:?}");
    // The producer spec round-trips through JSON.
    let valid = load_scenario(SAMPLE).unwrap();
    for node in &valid.scenario().nodes {
        if let NodeSpec::Producer(p) = &node.spec {
            let back: ProducerSpec =
                serde_json::from_value(serde_json::to_value(p).unwrap()).unwrap();
            assert_eq!(&back, p);
        }
    }
}
