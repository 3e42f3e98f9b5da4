//! Amazon MSK provisioned clusters (aws-facts-more 1): Kafka's key
//! partitioner, saturated brokers delaying producers, consumer groups,
//! offset lag, retention, and broker-hour and storage billing.

use sim_core::NodeIndex;
use sim_core::kinds::msk::{murmur2, partition_for_key, partition_shares};
use sim_core::metrics::msk;
use sim_core::scenario::{
    BrokerType, ConsumerGroup, KeyDistribution, Link, MskSpec, Node, NodeSpec, ProducerSpec,
    RecordSize, Scenario, Traffic,
};
use sim_core::validate::validate;

use crate::fixtures::run;

const MSK: NodeIndex = NodeIndex::new(1);

/// A reference Kafka `Utils.murmur2`, written from the Java source the
/// simple way (signed 32-bit ints, `>>>` as a shift of the unsigned bits,
/// the switch's fall-through spelled out), to check the engine's port.
pub(crate) fn reference_murmur2(data: &[u8]) -> i32 {
    let length = data.len() as i32;
    let m: i32 = 0x5bd1e995;
    let r = 24;
    let mut h: i32 = 0x9747b28c_u32 as i32 ^ length;
    let ushr = |x: i32, n: u32| ((x as u32) >> n) as i32;
    let length4 = length / 4;
    for i in 0..length4 as usize {
        let i4 = i * 4;
        let mut k = (data[i4] as i32 & 0xff)
            .wrapping_add((data[i4 + 1] as i32 & 0xff) << 8)
            .wrapping_add((data[i4 + 2] as i32 & 0xff) << 16)
            .wrapping_add((data[i4 + 3] as i32 & 0xff) << 24);
        k = k.wrapping_mul(m);
        k ^= ushr(k, r);
        k = k.wrapping_mul(m);
        h = h.wrapping_mul(m);
        h ^= k;
    }
    let tail = (length & !3) as usize;
    let rem = length % 4;
    if rem == 3 {
        h ^= (data[tail + 2] as i32 & 0xff) << 16;
    }
    if rem >= 2 {
        h ^= (data[tail + 1] as i32 & 0xff) << 8;
    }
    if rem >= 1 {
        h ^= data[tail] as i32 & 0xff;
        h = h.wrapping_mul(m);
    }
    h ^= ushr(h, 13);
    h = h.wrapping_mul(m);
    h ^= ushr(h, 15);
    h
}

/// aws-facts-more 1.5: Kafka's murmur2, checked against the known vectors
/// of Kafka's own `UtilsTest.testMurmur2` and a reference port over many
/// keys of every length remainder.
#[test]
fn murmur2_matches_kafkas_test_vectors_and_a_reference_port() {
    let vectors: [(&[u8], i32); 6] = [
        (b"21", -973932308),
        (b"foobar", -790332482),
        (b"a-little-bit-long-string", -985981536),
        (b"a-little-bit-longer-string", -1486304829),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
        (b"abc", 479470107),
    ];
    for (data, want) in vectors {
        assert_eq!(murmur2(data), want, "{:?}", std::str::from_utf8(data));
        assert_eq!(reference_murmur2(data), want);
    }
    for i in 0..2_000 {
        let key = format!("pk-{i}");
        assert_eq!(murmur2(key.as_bytes()), reference_murmur2(key.as_bytes()), "{key}");
        // toPositive(murmur2(key)) % numPartitions.
        let want = ((reference_murmur2(key.as_bytes()) & 0x7fffffff) % 12) as u32;
        assert_eq!(partition_for_key(&key, 12), want);
    }
}

/// aws-facts-more 1.5: keyed records land where the partitioner puts each
/// key, so a partition's share is the share of the keys hashed to it.
#[test]
fn uniform_keys_share_partitions_by_their_hash() {
    let shares = partition_shares(&KeyDistribution::Uniform { count: 100 }, 6);
    let mut counts = [0u32; 6];
    for i in 0..100 {
        let p = ((reference_murmur2(format!("pk-{i}").as_bytes()) & 0x7fffffff) % 6) as usize;
        counts[p] += 1;
    }
    for p in 0..6 {
        assert!((shares[p] - f64::from(counts[p]) / 100.0).abs() < 1e-12, "{p}");
    }
}

/// A producer of `rate` records a second of `bytes` bytes, key included
/// (shared with `msk_serverless`).
pub(crate) fn producer(rate: f64, bytes: u32, keys: KeyDistribution) -> ProducerSpec {
    ProducerSpec {
        records_per_s: rate,
        traffic: Traffic::Constant,
        // Kafka's record: the key (1 byte here) and the value.
        record_size: RecordSize::Fixed { bytes: bytes - 1 },
        partition_key_bytes: 1,
        keys,
        ..Default::default()
    }
}

/// producer -> MSK cluster.
pub(crate) fn cluster(p: ProducerSpec, m: MskSpec) -> Scenario {
    let node = |id: &str, spec| Node { id: id.into(), name: String::new(), spec };
    let mut s = crate::fixtures::pipeline(p, 1, None);
    s.nodes[1] = node("kafka", NodeSpec::MskCluster(m));
    s.links = vec![Link { from: "p".into(), to: "kafka".into() }];
    s
}

/// A 3-broker cluster whose brokers take 1 MB/s of client ingress each
/// (3 MB/s of writes, replicas included).
pub(crate) fn small(partitions: u32, consumers: u32, per_consumer: f64) -> MskSpec {
    MskSpec {
        ingress_mb_per_s_per_broker: Some(1.0),
        partitions,
        consumer_group: ConsumerGroup {
            consumers,
            records_per_s_per_consumer: per_consumer,
            ..ConsumerGroup::default()
        },
        ..MskSpec::default()
    }
}

/// aws-facts-more 1.4, 1.5, 1.8: one hot key pins its partition, and its
/// three replicas pin three of six brokers: those run at their limit, the
/// partition is written at their pace, the producers wait and after
/// delivery.timeout.ms lose records, while the cluster as a whole has
/// room to spare and the same load spread over keys is all written.
/// Nothing is refused: Kafka delays.
#[test]
fn a_hot_key_saturates_its_partition_and_brokers_while_spread_keys_fit() {
    // 6 brokers of 1 MB/s client ingress (3 MB/s of writes each, replicas
    // included): 6 MB/s of client ingress at replication factor 3.
    let six = MskSpec { brokers: 6, ..small(6, 6, 10_000.0) };
    // 4,000 records/s of 1,000 bytes = 4 MB/s, written 3 times.
    let (rate, secs) = (4_000.0, 900);
    let uniform = KeyDistribution::Uniform { count: 1_000 };
    let spread = run(&cluster(producer(rate, 1_000, uniform), six.clone()), secs);
    let m = spread.metrics(MSK);
    assert_eq!(m.total(msk::RECORDS_LOST), 0.0);
    assert!((m.total(msk::MESSAGES_IN) - rate * (secs - 1) as f64).abs() <= rate);
    assert!(m.stats(msk::PRODUCER_WAIT).max <= 1_000.0);
    assert!(m.stats(msk::BROKER_WRITE_LOAD).max < 100.0);

    // 90% of the records carry one key: 3.6 MB/s into one partition, on
    // brokers that write 3 MB/s each.
    let hot = KeyDistribution::HotKey { count: 1_000, hot_share: 0.9 };
    let sim = run(&cluster(producer(rate, 1_000, hot.clone()), six), secs);
    let m = sim.metrics(MSK);
    let load = m.last_second(msk::BROKER_WRITE_LOAD);
    assert!((99.9..=100.0 + 1e-9).contains(&load), "{load}");
    // At most 3 MB/s through the hot partition and the 0.4 MB/s of the
    // rest: well below the 4 MB/s produced and the cluster's 6 MB/s.
    let per_s = m.stats(msk::BYTES_IN).avg();
    assert!(per_s <= 3_400_000.0, "{per_s}");
    // The backlog grows by 0.6 MB/s and drains at 3: after 600 s records
    // wait delivery.timeout.ms (120 s) and are lost.
    assert!(m.stats(msk::PRODUCER_WAIT).max >= 119_000.0);
    assert!(m.total(msk::RECORDS_LOST) > 0.0);
    let l = sim.ledger();
    assert_eq!(l.produced, l.delivered + l.in_flight + l.throttled_dropped + l.expired);
    // The hot partition is the one murmur2 puts "pk-hot" in.
    let shares = partition_shares(&hot, 6);
    let hot_p = partition_for_key("pk-hot", 6) as usize;
    let top = (0..6).max_by(|&a, &b| shares[a].total_cmp(&shares[b])).unwrap();
    assert_eq!(top, hot_p);
}

/// aws-facts-more 1.5: a partition is read by one consumer of the group,
/// so consumers beyond the partition count idle and add nothing.
#[test]
fn consumers_beyond_the_partition_count_idle() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let p = producer(2_000.0, 100, keys);
    let four = run(&cluster(p.clone(), small(4, 4, 300.0)), 60);
    let eight = run(&cluster(p, small(4, 8, 300.0)), 60);
    let (a, b) = (four.metrics(MSK), eight.metrics(MSK));
    assert_eq!(a.last_second(msk::IDLE_CONSUMERS), 0.0);
    assert_eq!(b.last_second(msk::IDLE_CONSUMERS), 4.0);
    // Four working consumers at 300 records/s each, in both.
    assert_eq!(a.total(msk::RECORDS_CONSUMED), b.total(msk::RECORDS_CONSUMED));
    assert!((a.stats(msk::RECORDS_CONSUMED).avg() - 1_200.0).abs() <= 25.0);
}

/// aws-facts-more 1.7: when the group processes less than is produced,
/// SumOffsetLag grows by the difference each second, MaxOffsetLag is the
/// largest partition's, and EstimatedMaxTimeLag is that lag over its
/// partition's read rate.
#[test]
fn lag_grows_by_production_minus_consumption() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let sim = run(&cluster(producer(1_000.0, 100, keys), small(2, 2, 200.0)), 101);
    let m = sim.metrics(MSK);
    // 1,000 in, 400 out a second, from the second second on.
    let lag = m.last_second(msk::SUM_OFFSET_LAG);
    assert!((lag - 600.0 * 100.0).abs() <= 1_000.0, "{lag}");
    let max = m.last_second(msk::MAX_OFFSET_LAG);
    assert!(max >= lag / 2.0 && max <= lag, "{max} of {lag}");
    let time_lag = m.last_second(msk::EST_MAX_TIME_LAG);
    assert!((time_lag - max / 200.0).abs() < 1.0, "{time_lag}");
    let l = sim.ledger();
    assert_eq!(l.produced, l.delivered + l.in_flight);
    assert_eq!(l.in_flight as f64, lag);
}

/// A producer writing to a cluster counts what its application handed it
/// (UserRecordsReceived) as a stream's producer does: its card's rate read
/// 0 rec/s while the cluster took in 1,000 a second.
#[test]
fn a_clusters_producer_counts_the_records_it_generates() {
    use sim_core::metrics::producer;
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let sim = run(&cluster(producer(1_000.0, 100, keys), small(2, 2, 200.0)), 60);
    let m = sim.metrics(NodeIndex::new(0));
    assert_eq!(m.last_second(producer::USER_RECORDS_RECEIVED), 1_000.0);
    let generated = m.total(producer::USER_RECORDS_RECEIVED);
    assert_eq!(generated, m.total(producer::USER_RECORDS_PUT), "a cluster refuses no write");
    assert_eq!(generated, sim.ledger().produced as f64);
}

/// aws-facts-more 1.6: segments older than retention are deleted, read or
/// not: what the group had not read is lost, and storage stops growing at
/// about retention x the rate x replicas.
#[test]
fn retention_deletes_unread_records_and_bounds_storage() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let m = MskSpec { retention_hours: 1, storage_gib_per_broker: 10, ..small(3, 0, 0.0) };
    let sim = run(&cluster(producer(100.0, 1_000, keys), m), 3 * 3_600);
    let mm = sim.metrics(MSK);
    assert!(mm.total(msk::RECORDS_EXPIRED) > 0.0);
    let l = sim.ledger();
    assert_eq!(l.produced, l.in_flight + l.expired);
    // Each broker holds a replica of every partition (RF 3 on 3 brokers):
    // about an hour of 100 KB/s plus a segment (a minute), of 10 GiB.
    let used = mm.last_second(msk::DISK_USED) / 100.0 * 10.0 * (1u64 << 30) as f64;
    let hour = 100_000.0 * 3_600.0;
    assert!(used >= hour * 0.99 && used <= hour + 100_000.0 * 61.0, "{used}");
}

/// aws-facts-more 1.9: broker-hours at the instance type's price and the
/// storage provisioned per broker at $0.10 per GB-month, whatever is used.
#[test]
fn brokers_and_provisioned_storage_bill_by_the_hour() {
    let keys = KeyDistribution::Uniform { count: 10 };
    let m = MskSpec {
        broker_type: BrokerType::M7gLarge,
        brokers: 6,
        storage_gib_per_broker: 500,
        ..small(3, 1, 100.0)
    };
    let sim = run(&cluster(producer(10.0, 100, keys), m), 7_200);
    let items = sim.cost().items();
    let line = |key: &str| items.iter().find(|i| i.key == key).cloned().expect(key);
    let brokers = line("msk.broker_hour.kafka.m7g.large");
    // 6 brokers x 2 hours at $0.204.
    assert!((brokers.units - 12.0).abs() < 1e-9, "{}", brokers.units);
    assert!((brokers.usd - 12.0 * 0.204).abs() < 1e-9, "{}", brokers.usd);
    let storage = line("msk.storage_gb_month");
    let month_hours = sim.cost().prices().month_hours;
    let gb_months = 6.0 * 500.0 * 2.0 / month_hours;
    assert!((storage.units - gb_months).abs() < 1e-9, "{} vs {gb_months}", storage.units);
    assert!((storage.usd - gb_months * 0.10).abs() < 1e-9);
    assert!(items.iter().all(|i| !i.key.starts_with("msk.broker_hour.kafka.m5")));
}

/// aws-facts-more 1.9: client traffic that crosses a zone is billed at the
/// assumed $0.02 per GB; with clients and leaders spread evenly over Z
/// zones, (Z − 1) / Z of the bytes produced and read cross one (MODEL.md,
/// MSK cost). Replication between brokers is free: it is not counted.
#[test]
fn client_bytes_across_zones_bill_at_the_assumed_rate() {
    let keys = KeyDistribution::Uniform { count: 10 };
    for (zones, share) in [(3, 2.0 / 3.0), (2, 0.5)] {
        let m = MskSpec { brokers: 6, availability_zones: zones, ..small(3, 1, 100.0) };
        let sim = run(&cluster(producer(10.0, 100, keys.clone()), m), 7_200);
        let (bytes_in, bytes_out) =
            (sim.metrics(MSK).total(msk::BYTES_IN), sim.metrics(MSK).total(msk::BYTES_OUT));
        // 10 records/s of 100 bytes for 2 hours, all of them read.
        assert_eq!(bytes_in, 10.0 * 100.0 * 7_200.0);
        assert_eq!(bytes_out, bytes_in);
        let items = sim.cost().items();
        let line = items.iter().find(|i| i.key == "msk.cross_az_client_gb").expect("a line");
        let gb = (bytes_in + bytes_out) * share / 1_073_741_824.0;
        assert!((line.units - gb).abs() < 1e-12, "{zones} zones: {} vs {gb}", line.units);
        assert!((line.usd - gb * 0.02).abs() < 1e-12);
    }
}

/// The parameter table drives validation: each bound named with its range;
/// the rules a range cannot say, named by field.
#[test]
fn every_field_is_held_to_its_range_and_rules() {
    let keys = KeyDistribution::Uniform { count: 10 };
    let issue = |m: MskSpec| {
        let issues = validate(&cluster(producer(10.0, 100, keys.clone()), m)).unwrap_err();
        issues.iter().map(|i| format!("{}: {}", i.path, i.message)).collect::<Vec<_>>().join("\n")
    };
    let base = MskSpec::default();
    let cases: Vec<(MskSpec, &str, &str)> = vec![
        (MskSpec { brokers: 0, ..base.clone() }, "brokers", "1 to 60"),
        (MskSpec { brokers: 63, ..base.clone() }, "brokers", "1 to 60"),
        (MskSpec { availability_zones: 4, ..base.clone() }, "availability_zones", "2 to 3"),
        (
            MskSpec { storage_gib_per_broker: 16_385, ..base.clone() },
            "storage_gib_per_broker",
            "16,384",
        ),
        (
            MskSpec { ingress_mb_per_s_per_broker: Some(0.0), ..base.clone() },
            "ingress_mb_per_s_per_broker",
            "0.1",
        ),
        (MskSpec { partitions: 0, ..base.clone() }, "partitions", "1 to 10,000"),
        (MskSpec { retention_hours: 0, ..base.clone() }, "retention_hours", "87,600"),
        (MskSpec { delivery_timeout_ms: 10, ..base.clone() }, "delivery_timeout_ms", "1,000"),
        (
            MskSpec {
                consumer_group: ConsumerGroup {
                    consumers: 10_001,
                    records_per_s_per_consumer: 1.0,
                    ..ConsumerGroup::default()
                },
                ..base.clone()
            },
            "consumer_group.consumers",
            "10,000",
        ),
        (
            MskSpec {
                consumer_group: ConsumerGroup {
                    consumers: 1,
                    records_per_s_per_consumer: -1.0,
                    ..ConsumerGroup::default()
                },
                ..base.clone()
            },
            "consumer_group.records_per_s_per_consumer",
            "0 to",
        ),
        (MskSpec { brokers: 4, ..base.clone() }, "brokers", "multiple of 3"),
        (MskSpec { replication_factor: 4, ..base.clone() }, "replication_factor", "allowed 1 to 3"),
    ];
    for (m, field, says) in cases {
        let text = issue(m);
        assert!(
            text.contains(&format!("params.{field}")) && text.contains(says),
            "{field}: {text}"
        );
    }
    // Explicit hash keys are Kinesis's.
    let explicit = KeyDistribution::ExplicitHashKey {
        hash_keys: vec![sim_core::scenario::WeightedHashKey { hash_key: "0".into(), weight: 1.0 }],
    };
    let issues = validate(&cluster(producer(10.0, 100, explicit), base)).unwrap_err();
    assert!(
        issues.iter().any(|i| i.path.ends_with("params.keys") && i.message.contains("murmur2"))
    );
}

/// Only producers write to a cluster; its consumer group is its own.
#[test]
fn links_into_and_out_of_a_cluster_are_explained() {
    use sim_core::scenario::NodeKind::*;
    use sim_core::validate::link_rule;
    assert!(link_rule(Producer, MskCluster).is_ok());
    assert!(link_rule(MskCluster, Lambda).is_ok());
    assert!(link_rule(MskCluster, Consumer).unwrap_err().contains("consumer_group"));
    assert!(link_rule(KinesisStream, MskCluster).unwrap_err().contains("only producers"));
}
