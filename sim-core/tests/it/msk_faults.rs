//! Interventions on Amazon MSK during a run (aws-facts-more 1.4, 1.5,
//! 1.7): a broker failure with and without replicas to fail over to,
//! partitions and brokers added, a consumer crashing after its last
//! commit. Reference figures are computed here from Kafka's rules, not
//! read off the engine.

use proptest::prelude::*;
use sim_core::NodeIndex;
use sim_core::kinds::msk::{apportion, partition_shares};
use sim_core::metrics::msk;
use sim_core::scenario::{
    ClusterType, ConsumerGroup, Fault, KeyDistribution, MskSpec, Operation, ScheduledOp,
};
use sim_core::validate::validate;
use sim_core::{Command, NodeFigures, Simulation};

use crate::fixtures::run;
use crate::msk::{cluster, producer, reference_murmur2, small};

const MSK: NodeIndex = NodeIndex::new(1);

/// A scheduled fault on the cluster ("kafka") at `at_s`.
fn at(at_s: u64, fault: Fault) -> ScheduledOp {
    ScheduledOp { at_s: Some(at_s), at_ms: None, node: "kafka".into(), op: Operation::Fault(fault) }
}

fn figures(sim: &Simulation) -> NodeFigures {
    sim_core::FrameView::capture(sim).nodes[MSK].figures.clone()
}

/// The MSK figures of the view: (brokers down, offline, under-replicated,
/// idle brokers, duplicates, keys moved, dead consumers).
fn state(sim: &Simulation) -> (f64, f64, f64, f64, f64, f64, f64) {
    match figures(sim) {
        NodeFigures::Msk {
            brokers_down,
            offline_partitions,
            under_replicated,
            idle_brokers,
            duplicates_total,
            keys_moved,
            dead_consumers,
            ..
        } => (
            brokers_down,
            offline_partitions,
            under_replicated,
            idle_brokers,
            duplicates_total,
            keys_moved,
            dead_consumers,
        ),
        other => panic!("not an MSK cluster: {other:?}"),
    }
}

fn balanced(sim: &Simulation) {
    let l = sim.ledger();
    assert!(l.balances(), "{l:?}");
}

/// aws-facts-more 1.4, 1.7: with replication factor 3 a failed broker's
/// partitions move their leaders to followers after an election pause
/// (`leader_election_s`, 10 s: an assumption); producers to them wait that
/// long, nothing is lost, and every partition is under-replicated until
/// the broker returns.
#[test]
fn a_broker_failure_at_rf_3_pauses_its_partitions_and_loses_nothing() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let mut s = cluster(producer(1_000.0, 1_000, keys), small(6, 6, 10_000.0));
    s.node_mut(MSK).spec = sim_core::NodeSpec::MskCluster(MskSpec {
        ingress_mb_per_s_per_broker: None,
        ..small(6, 6, 10_000.0)
    });
    s.schedule = vec![at(60, Fault::BrokerFailure { broker: 0, for_s: 120 })];
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(100_000);
    // RF 3 on 3 brokers: every partition has a replica on broker 0.
    let (down, offline, under, ..) = state(&sim);
    assert_eq!((down, offline, under), (1.0, 0.0, 6.0));
    balanced(&sim);
    sim.run_until(400_000);
    let m = sim.metrics(MSK);
    assert_eq!(m.total(msk::RECORDS_LOST), 0.0);
    // Producers to the partitions broker 0 led waited out the election.
    let wait = m.stats(msk::PRODUCER_WAIT).max;
    assert!((9_000.0..=11_000.0).contains(&wait), "{wait}");
    let (down, offline, under, ..) = state(&sim);
    assert_eq!((down, offline, under), (0.0, 0.0, 0.0));
    let l = sim.ledger();
    assert_eq!(l.throttled_dropped, 0);
    assert_eq!(l.produced, l.delivered + l.in_flight);
    assert!(
        sim.journal_entries()
            .any(|e| e.text.starts_with("broker 0 down for 120 s: 2 partition leaders move"))
    );
    assert!(sim.journal_entries().any(|e| e.text.starts_with("broker 0 is back")));
}

/// aws-facts-more 1.4: a down broker's share of its partitions' work
/// falls on their surviving replicas, so a cluster of three brokers that
/// each take 1 MB/s as leader at RF 3 takes 2 MB/s while one is down:
/// producers of 2.5 MB/s wait.
#[test]
fn a_broker_failure_takes_its_share_of_the_clusters_ingress() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let mut s = cluster(producer(2_500.0, 1_000, keys), small(6, 6, 10_000.0));
    s.schedule = vec![at(60, Fault::BrokerFailure { broker: 1, for_s: 600 })];
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(59_000);
    let before = sim.metrics(MSK).last_second(msk::BYTES_IN);
    assert!((before - 2_500_000.0).abs() <= 1_000.0, "{before}");
    sim.run_until(200_000);
    let during = sim.metrics(MSK).last_second(msk::BYTES_IN);
    assert!((1_990_000.0..=2_000_000.0).contains(&during), "{during}");
    assert!(sim.metrics(MSK).last_second(msk::PRODUCER_WAIT) > 1_000.0);
    balanced(&sim);
}

/// The records one second of `rate` sends to each of `partitions`.
fn per_second(keys: &KeyDistribution, rate: u64, partitions: u32) -> Vec<u64> {
    apportion(rate, &partition_shares(keys, partitions))
}

/// aws-facts-more 1.4 ("An RF of 1 can lead to offline partitions"): with
/// no other replica, the failed broker's partitions are offline; their
/// producers wait, and what waits past delivery.timeout.ms (120 s) is
/// lost: an outage of 300 s loses 180 s of those partitions' records, one
/// of 100 s loses none. The other partitions go on.
#[test]
fn a_broker_failure_at_rf_1_loses_what_waits_past_the_delivery_timeout() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let spec = MskSpec { replication_factor: 1, ..small(6, 6, 10_000.0) };
    // Broker 0 holds partitions 0 and 3 (placed round-robin).
    let parts = per_second(&keys, 600, 6);
    let offline_rate = parts[0] + parts[3];
    for (for_s, lost_s) in [(300, 180), (100, 0)] {
        let mut s = cluster(producer(600.0, 100, keys.clone()), spec.clone());
        s.schedule = vec![at(60, Fault::BrokerFailure { broker: 0, for_s })];
        let valid = validate(&s).unwrap();
        let mut sim = Simulation::new(&valid, 1);
        sim.run_until(90_000);
        assert_eq!(state(&sim).1, 2.0, "two partitions offline");
        assert_eq!(state(&sim).2, 0.0, "RF 1: nothing to be under-replicated");
        let written = sim.metrics(MSK).last_second(msk::MESSAGES_IN);
        assert_eq!(written as u64, 600 - offline_rate);
        sim.run_until(600_000);
        let lost = sim.metrics(MSK).total(msk::RECORDS_LOST) as u64;
        let want = offline_rate * lost_s;
        assert!(lost.abs_diff(want) <= offline_rate, "{for_s} s: lost {lost}, want {want}");
        let l = sim.ledger();
        assert_eq!(l.throttled_dropped, lost);
        balanced(&sim);
    }
}

/// aws-facts-more 1.5: partitions can only be added, and a key goes to
/// murmur2(key) mod the new count: the keys whose partition changes are
/// counted (reference: Kafka's murmur2 written apart), the new partitions
/// take their share of the records, and the consumers that idled beyond
/// the old count get partitions.
#[test]
fn adding_partitions_moves_keys_by_murmur2_mod_the_new_count() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let mut s = cluster(producer(600.0, 100, keys.clone()), small(4, 6, 10_000.0));
    s.schedule = vec![at(60, Fault::AddPartitions { partitions: 6 })];
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(59_000);
    assert_eq!(sim.metrics(MSK).last_second(msk::IDLE_CONSUMERS), 2.0);
    sim.run_until(120_000);
    let moved = (0..1_000)
        .filter(|i| {
            let h = reference_murmur2(format!("pk-{i}").as_bytes()) & 0x7fffffff;
            h % 4 != h % 6
        })
        .count();
    assert!(moved > 0);
    assert_eq!(state(&sim).5, moved as f64);
    assert_eq!(sim.metrics(MSK).last_second(msk::IDLE_CONSUMERS), 0.0);
    let c = sim.msk_cluster(MSK).unwrap();
    assert_eq!(c.partitions.len(), 6);
    let after = per_second(&keys, 600, 6);
    for p in [4, 5] {
        let n = c.partitions[p].end_offset;
        assert!(n.abs_diff(after[p] * 60) <= after[p], "partition {p}: {n}");
    }
    balanced(&sim);
    // Fewer partitions than the topic has is refused, and says why.
    let mut sim = Simulation::new(&valid, 1);
    let err =
        sim.apply(Command::Fault { node: MSK, fault: Fault::AddPartitions { partitions: 3 } });
    assert!(err.unwrap_err().contains("Kafka only adds partitions"));
}

/// aws-facts-more 1.5: Kafka moves no partition to added brokers by
/// itself: they idle, and a hot partition's brokers stay as loaded. They
/// are billed from the moment they are added (aws-facts-more 1.9).
#[test]
fn added_brokers_idle_until_partitions_move_to_them() {
    let hot = KeyDistribution::HotKey { count: 1_000, hot_share: 0.9 };
    let mut s = cluster(producer(4_000.0, 1_000, hot), small(6, 6, 10_000.0));
    s.schedule = vec![at(600, Fault::AddBrokers { brokers: 6 })];
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(590_000);
    let load = sim.metrics(MSK).last_second(msk::BROKER_WRITE_LOAD);
    assert_eq!(state(&sim).3, 0.0);
    sim.run_until(1_200_000);
    assert_eq!(state(&sim).3, 3.0);
    assert_eq!(sim.metrics(MSK).last_second(msk::BROKER_WRITE_LOAD), load);
    let hours: f64 = sim
        .cost()
        .items()
        .iter()
        .filter(|i| i.key.starts_with("msk.broker_hour"))
        .map(|i| i.units)
        .sum();
    assert!((hours - (3.0 * 600.0 + 6.0 * 600.0) / 3_600.0).abs() < 1e-9, "{hours}");
    balanced(&sim);
}

/// aws-facts-more 1.5: a consumer that dies keeps its partitions, unread,
/// until its session times out (45 s); then the group rebalances and
/// another consumer resumes from the last committed offset, processing
/// again the records read since (auto.commit.interval.ms, 5 s): three
/// seconds of its partition's records when it dies three seconds after a
/// commit. Its partition's lag grows meanwhile; nothing is lost.
#[test]
fn a_consumer_crash_reprocesses_the_records_since_its_last_commit() {
    let keys = KeyDistribution::Uniform { count: 1_000 };
    let mut s = cluster(producer(600.0, 100, keys.clone()), small(3, 3, 10_000.0));
    // Commits at 5, 10, ... 60 s; the crash at 63 s.
    s.schedule = vec![at(63, Fault::CrashConsumer { consumer: 0 })];
    let valid = validate(&s).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    let k0 = per_second(&keys, 600, 3)[0];
    sim.run_until(100_000);
    // Partition 0 (consumer 0's) unread for 37 s; the others read.
    let lag = sim.metrics(MSK).last_second(msk::MAX_OFFSET_LAG) as u64;
    assert!(lag.abs_diff(k0 * 37) <= k0, "{lag} vs {}", k0 * 37);
    assert_eq!(state(&sim).6, 1.0);
    assert_eq!(state(&sim).4, 0.0);
    sim.run_until(200_000);
    // Consumer 0 processed the seconds ending at 61, 62 and 63 s after the
    // commit at 60 s: three seconds of partition 0's records.
    let since_commit = (63 - 60) * k0;
    assert_eq!(state(&sim).4, since_commit as f64);
    let c = sim.msk_cluster(MSK).unwrap();
    assert_eq!(c.duplicates, since_commit);
    assert_eq!(c.members, vec![1, 2]);
    assert!(sim.journal_entries().any(|e| e.text.contains("re-process")));
    assert!(
        sim.journal_entries()
            .any(|e| e.text.starts_with("consumer group rebalanced over 2 live consumers"))
    );
    let m = sim.metrics(MSK);
    assert_eq!(m.last_second(msk::SUM_OFFSET_LAG), 0.0);
    let l = sim.ledger();
    assert_eq!(l.produced, l.delivered + l.in_flight);
    // Processed = every record once, plus the duplicates.
    assert_eq!(m.total(msk::RECORDS_CONSUMED) as u64, l.delivered + since_commit);
    balanced(&sim);
}

/// MSK Serverless: its brokers are AWS's, so their fields are neither
/// shown nor checked, and faults on them are refused (aws-facts-more 2).
#[test]
fn serverless_skips_broker_fields_and_refuses_broker_faults() {
    let keys = KeyDistribution::Uniform { count: 10 };
    let serverless = MskSpec {
        cluster_type: ClusterType::Serverless,
        brokers: 0,
        storage_gib_per_broker: 0,
        replication_factor: 0,
        ..MskSpec::default()
    };
    let s = cluster(producer(10.0, 100, keys.clone()), serverless.clone());
    assert!(validate(&s).is_ok(), "{:?}", validate(&s).err());
    let provisioned = MskSpec { cluster_type: ClusterType::Provisioned, ..serverless };
    let issues = validate(&cluster(producer(10.0, 100, keys.clone()), provisioned)).unwrap_err();
    assert!(issues.iter().any(|i| i.path.ends_with(".brokers")), "{issues:?}");
    let mut s = s;
    s.schedule = vec![
        at(10, Fault::BrokerFailure { broker: 0, for_s: 10 }),
        at(10, Fault::AddBrokers { brokers: 6 }),
    ];
    let issues = validate(&s).unwrap_err();
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(issues[0].message.contains("MSK Serverless"), "{issues:?}");
}

/// Scheduled MSK faults are held to the cluster they name.
#[test]
fn scheduled_msk_faults_are_checked_against_the_cluster() {
    let keys = KeyDistribution::Uniform { count: 10 };
    let mut s = cluster(producer(10.0, 100, keys), small(6, 3, 100.0));
    s.schedule = vec![
        at(10, Fault::BrokerFailure { broker: 3, for_s: 10 }),
        at(10, Fault::AddPartitions { partitions: 6 }),
        at(10, Fault::AddBrokers { brokers: 4 }),
        at(10, Fault::CrashConsumer { consumer: 3 }),
        at(10, Fault::BrokerFailure { broker: 0, for_s: 0 }),
    ];
    let issues = validate(&s).unwrap_err();
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "schedule[0].op.broker",
            "schedule[1].op.partitions",
            "schedule[2].op.brokers",
            "schedule[3].op.consumer",
            "schedule[4].op.for_s"
        ]
    );
    // The fault JSON reads with its kind.
    let json =
        r#"{ "at_s": 5, "node": "kafka", "op": { "kind": "crash_consumer", "consumer": 1 } }"#;
    let op: ScheduledOp = serde_json::from_str(json).unwrap();
    assert_eq!(op.op, Operation::Fault(Fault::CrashConsumer { consumer: 1 }));
}

fn arb_fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        (0..7u32, 1..400u64).prop_map(|(broker, for_s)| Fault::BrokerFailure { broker, for_s }),
        (1..16u32).prop_map(|partitions| Fault::AddPartitions { partitions }),
        (1..10u32).prop_map(|brokers| Fault::AddBrokers { brokers }),
        (0..5u32).prop_map(|consumer| Fault::CrashConsumer { consumer }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever faults hit a cluster, and when, every record is accounted
    /// for exactly once every second, and duplicates never exceed what the
    /// group processed.
    #[test]
    fn msk_faults_keep_the_ledger_exact(
        rf in 1..4u32,
        partitions in 1..9u32,
        consumers in 0..5u32,
        rate in 1..3_000u32,
        serverless in any::<bool>(),
        faults in proptest::collection::vec((0..240u64, arb_fault()), 0..6),
    ) {
        let spec = MskSpec {
            cluster_type: if serverless { ClusterType::Serverless } else { ClusterType::Provisioned },
            replication_factor: rf,
            delivery_timeout_ms: 30_000,
            consumer_group: ConsumerGroup {
                consumers,
                records_per_s_per_consumer: 400.0,
                session_timeout_ms: 10_000,
                ..ConsumerGroup::default()
            },
            ..small(partitions, consumers, 400.0)
        };
        let keys = KeyDistribution::HotKey { count: 50, hot_share: 0.3 };
        let s = cluster(producer(f64::from(rate), 200, keys), spec);
        let valid = validate(&s).unwrap();
        let mut sim = Simulation::new(&valid, 3);
        let mut faults = faults;
        faults.sort_by_key(|f| f.0);
        let mut next = faults.into_iter().peekable();
        for t in 1..=300u64 {
            while let Some((_, fault)) = next.next_if(|f| f.0 < t) {
                let _ = sim.apply(Command::Fault { node: MSK, fault });
            }
            sim.run_until(t * 1_000);
            let l = sim.ledger();
            prop_assert!(l.balances(), "{t} s: {l:?}");
        }
        let c = sim.msk_cluster(MSK).unwrap();
        prop_assert!(c.duplicates <= c.consumed);
    }
}

/// Same seed, same faults: the same run (determinism with interventions).
#[test]
fn runs_with_msk_faults_are_deterministic() {
    let keys = KeyDistribution::Uniform { count: 100 };
    let mut s = cluster(producer(800.0, 100, keys), small(6, 3, 300.0));
    s.schedule = vec![
        at(20, Fault::BrokerFailure { broker: 2, for_s: 60 }),
        at(30, Fault::CrashConsumer { consumer: 1 }),
        at(40, Fault::AddPartitions { partitions: 9 }),
        at(50, Fault::AddBrokers { brokers: 6 }),
    ];
    let a = run(&s, 300);
    let b = run(&s, 300);
    assert_eq!(sim_core::digest::run_digest(&a), sim_core::digest::run_digest(&b));
    assert!(a.journal_entries().filter(|e| !e.refused).count() >= 5);
}
