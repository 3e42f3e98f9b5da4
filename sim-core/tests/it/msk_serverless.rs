//! Amazon MSK Serverless (aws-facts-more 2): quotas per partition and per
//! cluster that slow clients down instead of refusing them, the limits
//! validation refuses, its metric names and its bill.

use sim_core::NodeIndex;
use sim_core::metrics::msk;
use sim_core::scenario::{
    ClusterType, ConsumerGroup, KeyDistribution, MskSpec, NodeSpec, ProducerSpec, RecordSize,
    Scenario,
};
use sim_core::validate::validate;

use crate::fixtures::run;
use crate::msk::{cluster, producer};

const MSK: NodeIndex = NodeIndex::new(1);

/// A Serverless cluster of `partitions` read by `consumers` fast consumers.
fn serverless(partitions: u32, consumers: u32) -> MskSpec {
    MskSpec {
        cluster_type: ClusterType::Serverless,
        partitions,
        consumer_group: ConsumerGroup {
            consumers,
            records_per_s_per_consumer: 1e6,
            ..ConsumerGroup::default()
        },
        ..MskSpec::default()
    }
}

/// aws-facts-more 2.1: a partition takes at most 5 MBps in, and a client
/// over the quota gets a "slowdown with throttle duration in response":
/// a hot key's partition is written at 5 MB/s, the rest waits in the
/// producer, nothing is refused, and nothing is lost while the wait stays
/// under delivery.timeout.ms (aws-facts-more 1.4). Past it, records are
/// lost as on a saturated provisioned broker.
#[test]
fn a_hot_partition_over_its_ingress_quota_is_delayed_not_refused() {
    // 6,000 records/s of 1,000 bytes, 90% on one key: 5.4 MB/s into one
    // partition against its 5 MB/s, and 0.6 MB/s spread over the rest.
    let hot = KeyDistribution::HotKey { count: 1_000, hot_share: 0.9 };
    let s = cluster(producer(6_000.0, 1_000, hot.clone()), serverless(4, 4));
    let sim = run(&s, 300);
    let m = sim.metrics(MSK);
    // The quota binds: the busiest partition at 100% of 5 MB/s, and the
    // cluster writes at most 5 MB/s + 0.6 MB/s a second.
    let load = m.stats(msk::QUOTA_LOAD).max;
    assert!((99.9..=100.0 + 1e-9).contains(&load), "{load}");
    let per_s = m.stats(msk::BYTES_IN).max;
    assert!(per_s <= 5_000_000.0 + 600_000.0 + 1_000.0, "{per_s}");
    // Producers wait. The hot partition gets the hot key and its share of
    // the other keys (murmur2, aws-facts-more 1.5): `share` x 6 MB/s. A
    // record produced at s is written when 5 MB/s has drained what came
    // before it, at s x 6 x share / 5: it waited s x (6 x share / 5 - 1),
    // about 33 s at 300 s. Nothing is lost or refused.
    let share = sim_core::kinds::msk::partition_shares(&hot, 4).into_iter().fold(0.0, f64::max);
    let s_ = 299.0 / (6.0 * share / 5.0);
    let want = 1_000.0 * s_ * (6.0 * share / 5.0 - 1.0);
    let wait = m.last_second(msk::PRODUCER_WAIT);
    assert!((wait - want).abs() <= 0.05 * want, "{wait} vs {want} ({share})");
    assert_eq!(m.total(msk::RECORDS_LOST), 0.0);
    let l = sim.ledger();
    assert_eq!(l.throttled_dropped, 0);
    assert_eq!(l.produced, l.delivered + l.in_flight);
    // The same load with a 10 s delivery.timeout.ms loses what waits longer.
    let short = MskSpec { delivery_timeout_ms: 10_000, ..serverless(4, 4) };
    let sim = run(&cluster(producer(6_000.0, 1_000, hot), short), 300);
    let m = sim.metrics(MSK);
    assert!(m.total(msk::RECORDS_LOST) > 0.0);
    assert!(m.stats(msk::PRODUCER_WAIT).max <= 10_000.0);
    let l = sim.ledger();
    assert_eq!(l.produced, l.delivered + l.in_flight + l.throttled_dropped + l.expired);
    // Spread over keys, the same 6 MB/s fits four partitions' 20 MB/s.
    let spread = KeyDistribution::Uniform { count: 1_000 };
    let sim = run(&cluster(producer(6_000.0, 1_000, spread), serverless(4, 4)), 300);
    let m = sim.metrics(MSK);
    assert!(m.stats(msk::PRODUCER_WAIT).max <= 1_000.0);
    assert!(m.stats(msk::QUOTA_LOAD).max < 100.0);
}

/// aws-facts-more 2.1: the cluster takes at most 200 MBps in, however many
/// partitions share it: 250 MB/s over 100 partitions (2.5 MB/s each, well
/// within a partition's 5) is written at 200 MB/s and the rest waits.
#[test]
fn a_cluster_takes_at_most_200_mb_per_s_in() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let s = cluster(producer(250_000.0, 1_000, keys), serverless(100, 100));
    let sim = run(&s, 20);
    let m = sim.metrics(MSK);
    let per_s = m.stats(msk::BYTES_IN).max;
    assert!((199_000_000.0..=200_000_000.0).contains(&per_s), "{per_s}");
    assert!((99.5..=100.0 + 1e-9).contains(&m.last_second(msk::QUOTA_LOAD)));
    // 50 MB/s more than the cluster takes for 19 s waits in producers.
    assert!(m.last_second(msk::PRODUCER_WAIT) >= 3_000.0);
    assert_eq!(m.total(msk::RECORDS_LOST), 0.0);
    assert_eq!(sim.ledger().throttled_dropped, 0);
}

/// aws-facts-more 2.1, 2.2: configuration limits are refused (AWS fails
/// the request with INVALID_REQUEST): more than 2,400 partitions, and
/// messages over 8 MiB. Retention has no upper limit now (classic: 1 day),
/// and the broker fields do not apply.
#[test]
fn serverless_limits_are_validated_by_field() {
    let keys = KeyDistribution::Uniform { count: 10 };
    let small = producer(10.0, 100, keys.clone());
    let issues = validate(&cluster(small.clone(), serverless(2_401, 1))).unwrap_err();
    assert!(
        issues
            .iter()
            .any(|i| i.path == "nodes[1].params.partitions"
                && i.message.contains("allowed 1 to 2,400")),
        "{issues:?}"
    );
    assert!(validate(&cluster(small.clone(), serverless(2_400, 1))).is_ok());
    // A provisioned cluster is not held to it.
    let provisioned = MskSpec { partitions: 2_401, ..MskSpec::default() };
    assert!(validate(&cluster(small.clone(), provisioned)).is_ok());
    // 8 MiB is 8,388,608 bytes, the key included.
    let big = |bytes: u32| ProducerSpec {
        record_size: RecordSize::Fixed { bytes },
        ..producer(1.0, 100, keys.clone())
    };
    let issues = validate(&cluster(big(8_388_608), serverless(1, 1))).unwrap_err();
    assert!(
        issues.iter().any(|i| i.path == "nodes[0].params.record_size"
            && i.message.contains("allowed 1 to 8,388,608")),
        "{issues:?}"
    );
    let fits = validate(&cluster(big(8_388_607), serverless(1, 1))).err().unwrap_or_default();
    assert!(!fits.iter().any(|i| i.path.ends_with("record_size")), "{fits:?}");
    // Ten years' retention, four brokers over three zones: accepted.
    let long = MskSpec { retention_hours: 87_600, brokers: 4, ..serverless(2, 1) };
    assert!(validate(&cluster(small, long)).is_ok());
}

/// aws-facts-more 2.2: Serverless publishes MaxEstimatedTimeLag (the
/// provisioned name is EstimatedMaxTimeLag) and has no broker disk metric.
#[test]
fn serverless_metrics_carry_serverless_names() {
    let keys = KeyDistribution::Uniform { count: 10 };
    let sim = run(&cluster(producer(10.0, 100, keys), serverless(2, 1)), 5);
    let names: Vec<&str> = sim.metrics(MSK).defs().iter().map(|d| d.name).collect();
    assert_eq!(names[msk::MAX_EST_TIME_LAG], "MaxEstimatedTimeLag");
    assert!(!names.contains(&"EstimatedMaxTimeLag") && !names.contains(&"KafkaDataLogsDiskUsed"));
    for name in
        ["BytesInPerSec", "BytesOutPerSec", "MessagesInPerSec", "MaxOffsetLag", "SumOffsetLag"]
    {
        assert!(names.contains(&name), "{name}");
    }
}

/// aws-facts-more 2.3, by hand: 1,000 records/s of 1,000 bytes into 10
/// partitions for two hours, all read, 7 days' retention (nothing deleted).
/// Cluster-hours $0.75, partition-hours $0.0015, $0.10 a GB in, $0.05 a GB
/// out, $0.10 a GB-month stored; a GB is 2^30 bytes, as for Kinesis.
#[test]
fn the_serverless_bill_matches_a_hand_computation() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let sim = run(&cluster(producer(1_000.0, 1_000, keys), serverless(10, 2)), 7_200);
    let items = sim.cost().items();
    let line = |key: &str| items.iter().find(|i| i.key == key).cloned().expect(key);
    let cents = |usd: f64| (usd * 100.0).round() / 100.0;
    // Every second from 1 s to 7,200 s produces 1,000 records: 7.2 GB
    // decimal, each read in the second it is written.
    let bytes = 7_200.0 * 1_000.0 * 1_000.0;
    let gib = 1_073_741_824.0;
    assert_eq!(sim.ledger().produced, 7_200_000);
    let want = [
        // 1 cluster x 2 h x $0.75 = $1.50.
        ("msk_serverless.cluster_hour", 2.0, 1.50),
        // 10 partitions x 2 h x $0.0015 = $0.03.
        ("msk_serverless.partition_hour", 20.0, 0.03),
        // 7.2e9 / 2^30 = 6.7055 GB x $0.10 = $0.67.
        ("msk_serverless.gb_in", bytes / gib, 0.67),
        // x $0.05 = $0.34.
        ("msk_serverless.gb_out", bytes / gib, 0.34),
    ];
    for (key, units, usd) in want {
        let l = line(key);
        assert!((l.units - units).abs() < 1e-9 * units, "{key}: {} vs {units}", l.units);
        assert_eq!(cents(l.usd), usd, "{key}: {}", l.usd);
    }
    // Storage grows 1 MB a second: after second k the topic holds k MB,
    // billed until second k + 1, so the run holds sum(k, 1..7,199) MB-s =
    // 7,199 x 7,200 / 2 x 10^6 byte-seconds, over a 730-hour month.
    let month_s = sim.cost().prices().month_hours * 3_600.0;
    let byte_s = 7_199.0 * 7_200.0 / 2.0 * 1e6;
    let gb_months = byte_s / gib / month_s;
    let storage = line("msk_serverless.storage_gb_month");
    assert!((storage.units - gb_months).abs() < 1e-9, "{} vs {gb_months}", storage.units);
    assert_eq!(cents(storage.usd), cents(gb_months * 0.10));
    // $1.50 + $0.03 + $0.6706 + $0.3353 + $0.0009 = $2.54, and no broker
    // lines: a Serverless cluster has none.
    let total: f64 = items.iter().map(|i| i.usd).sum();
    let msk: f64 = items.iter().filter(|i| i.key.starts_with("msk")).map(|i| i.usd).sum();
    assert_eq!(cents(msk), 2.54);
    assert!(items.iter().all(|i| !i.key.starts_with("msk.")), "{items:?}");
    assert!(total >= msk);
}

/// The bundled burst scenario's fix (aws-facts-more 2.2, simulator note:
/// a topic needs ceil(ingress MBps / 5) partitions): bursts of 12 MB/s on
/// three partitions stay under 5 MB/s each, and the producers barely wait.
#[test]
fn enough_partitions_absorb_the_bundled_bursts() {
    let json = sim_core::BUNDLED_SCENARIOS
        .iter()
        .find(|(f, _)| *f == "msk-serverless-burst.json")
        .expect("bundled")
        .1;
    let mut s: Scenario = serde_json::from_str(json).unwrap();
    let NodeSpec::MskCluster(m) = &mut s.nodes[1].spec else { panic!("a cluster") };
    assert!(m.is_serverless());
    m.partitions = 3;
    let sim = run(&s, 600);
    let m = sim.metrics(MSK);
    assert!(m.stats(msk::PRODUCER_WAIT).max <= 1_000.0);
    assert!(m.stats(msk::QUOTA_LOAD).max < 100.0);
    assert_eq!(m.total(msk::RECORDS_LOST), 0.0);
}

/// The planner's knob on a Serverless cluster is its partition count (it
/// has no brokers), up to the 2,400 a cluster may have (aws-facts-more 2.1).
#[test]
fn the_planner_sizes_serverless_partitions_not_brokers() {
    let keys = KeyDistribution::Uniform { count: 10 };
    let s = cluster(producer(10.0, 100, keys.clone()), serverless(5, 1));
    let knobs = sim_core::autosize::knobs_of(&s);
    assert_eq!(knobs.len(), 1);
    let k = &knobs[0];
    assert_eq!(k.setting, sim_core::autosize::Setting::Param("partitions"));
    assert_eq!((k.initial, k.values.first(), k.values.last()), (5, Some(&1), Some(&2_400)));
    assert!(k.values.windows(2).all(|w| w[0] < w[1]));
    // A provisioned cluster's knob stays its broker count.
    let provisioned =
        sim_core::autosize::knobs_of(&cluster(producer(10.0, 100, keys), MskSpec::default()));
    assert_eq!(provisioned[0].setting, sim_core::autosize::Setting::Param("brokers"));
}

/// The burst lesson's claim (aws-facts 1.4; aws-facts-more 1.8, 2.1): the
/// same bursts of 12 MB/s are refused by a new on-demand stream (4 shards,
/// 1,000 records/s and 1 MiB/s each, until it grows about 15 minutes
/// later) and delayed by MSK Serverless (2 partitions of 5 MB/s): the
/// Kinesis producer loses records, the Kafka producer waits and loses none.
#[test]
fn the_same_burst_is_refused_on_demand_and_delayed_on_serverless() {
    let (_, json) = sim_core::BUNDLED_SCENARIOS
        .iter()
        .find(|(f, _)| *f == "lesson-burst-on-demand-vs-serverless.json")
        .expect("the burst lesson is bundled");
    let valid = sim_core::load_scenario(json).unwrap();
    let mut sim = sim_core::Simulation::new(&valid, valid.scenario().seed);
    sim.run_until(300_000);
    let [kds_producer, stream, msk_producer, kafka] = [0, 1, 2, 3].map(NodeIndex::new);
    use sim_core::metrics::{producer as p, stream as k};
    // Refused: the stream answers WriteProvisionedThroughputExceeded and
    // the producer gives records up when its retries run out.
    assert!(sim.metrics(stream).total(k::WRITE_THROTTLED) > 0.0);
    assert!(sim.metrics(kds_producer).total(p::USER_RECORD_EXPIRED) > 0.0);
    // Delayed: two partitions write at most 10 MB/s; the producer waits and
    // loses nothing.
    let m = sim.metrics(kafka);
    assert!(m.stats(msk::BYTES_IN).max <= 2.0 * 5_000_000.0 + 1.0);
    assert!(m.stats(msk::PRODUCER_WAIT).max > 0.0);
    assert_eq!(sim.metrics(msk_producer).total(p::USER_RECORD_EXPIRED), 0.0);
}
