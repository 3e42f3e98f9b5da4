//! Resharding during a run (aws-facts 1.6): parents close, children open,
//! consumers read parents to their end before children, and nothing is lost.

use crate::fixtures::node;
use proptest::prelude::*;
use sim_core::kinds::ReaderState;
use sim_core::metrics::stream;
use sim_core::scenario::{KeyDistribution, ProducerSpec, ScheduledOp, StreamOp};
use sim_core::{Command, Simulation, validate};

use crate::fixtures::{pipeline, producer};

fn hot_producer(rate: f64) -> ProducerSpec {
    ProducerSpec {
        records_per_s: rate,
        keys: KeyDistribution::Uniform { count: 10_000 },
        ..Default::default()
    }
}

#[test]
fn a_scheduled_split_relieves_an_overloaded_shard() {
    // One shard takes 1,000 records/s; 1,600/s throttles until a split at
    // 60 s gives two shards with 2,000/s between them.
    let mut scenario = pipeline(hot_producer(1_600.0), 1, Some(Default::default()));
    scenario.schedule.push(ScheduledOp {
        at_s: Some(60),
        at_ms: None,
        node: "s".into(),
        op: sim_core::scenario::Operation::Reshard(StreamOp::SplitShard {
            shard: 0,
            new_starting_hash_key: None,
        }),
    });
    let valid = validate(&scenario).unwrap();
    let mut sim = Simulation::new(&valid, 1);
    sim.run_until(60_000);
    let throttled_before = sim.metrics(node(1)).stats(stream::WRITE_THROTTLED).sum;
    assert!(throttled_before > 10_000.0, "{throttled_before}");
    sim.run_until(70_000);
    let settled = sim.metrics(node(1)).stats(stream::WRITE_THROTTLED).sum;
    sim.run_until(180_000);
    let after = sim.metrics(node(1)).stats(stream::WRITE_THROTTLED).sum - settled;
    assert_eq!(after, 0.0, "no throttling once two shards share the load");
    let s = sim.stream(node(1)).unwrap();
    assert_eq!(s.open, vec![1, 2]);
    assert!(!s.shards[0].is_open());
    assert!(sim.ledger().balances());
    let journal: Vec<_> = sim.journal_entries().map(|e| e.text.clone()).collect();
    assert_eq!(journal, vec!["SplitShard: shard 0 closed; shards 1 and 2 opened"]);
}

#[test]
fn consumers_read_a_parent_to_its_end_before_its_children() {
    // aws-facts 1.6: read parents before children to keep order. A slow
    // consumer is still reading the parent when the children open.
    let slow = sim_core::scenario::ConsumerSpec { max_records_per_call: 200, ..Default::default() };
    let scenario = pipeline(producer(800.0), 1, Some(slow));
    let valid = validate(&scenario).unwrap();
    let mut sim = Simulation::new(&valid, 2);
    sim.run_until(30_000);
    sim.apply(Command::Reshard {
        node: node(1),
        op: StreamOp::SplitShard { shard: 0, new_starting_hash_key: None },
    })
    .unwrap();
    let mut child_started_at = None;
    for t in (30_000..400_000).step_by(1_000) {
        sim.run_until(t);
        let c = sim.consumer(node(2)).unwrap();
        let (parent, child) = (&c.readers[0], &c.readers[1]);
        if child.read > 0 && child_started_at.is_none() {
            child_started_at = Some(t);
            assert_eq!(
                parent.state,
                ReaderState::Finished,
                "a child is read only after its parent"
            );
            assert_eq!(
                parent.read,
                sim.shards(node(1)).unwrap()[0].appended,
                "the parent was read to its end"
            );
        }
        assert!(sim.ledger().balances());
    }
    assert!(child_started_at.unwrap() > 60_000, "the backlog took a while: {child_started_at:?}");
}

#[test]
fn refused_operations_say_why_and_change_nothing() {
    let scenario = pipeline(producer(100.0), 3, None);
    let valid = validate(&scenario).unwrap();
    let mut sim = Simulation::new(&valid, 3);
    let merge = Command::Reshard {
        node: node(1),
        op: StreamOp::MergeShards { shard: 0, adjacent_shard: 2 },
    };
    assert!(sim.apply(merge).unwrap_err().contains("not adjacent"));
    let grow = Command::Reshard { node: node(1), op: StreamOp::UpdateShardCount { target: 7 } };
    assert!(sim.apply(grow).unwrap_err().contains("more than double"));
    assert_eq!(sim.stream(node(1)).unwrap().open, vec![0, 1, 2]);
    let refused = sim.journal_entries().filter(|e| e.refused).count();
    assert_eq!(refused, 2);
}

#[test]
fn update_shard_count_raises_capacity_and_cost() {
    let scenario = pipeline(hot_producer(3_000.0), 2, None);
    let valid = validate(&scenario).unwrap();
    let mut sim = Simulation::new(&valid, 4);
    sim.run_until(3_600_000);
    let cost_first_hour = sim.cost().shard_ms;
    sim.apply(Command::Reshard { node: node(1), op: StreamOp::UpdateShardCount { target: 4 } })
        .unwrap();
    sim.run_until(3_610_000);
    let throttled = sim.metrics(node(1)).stats(stream::WRITE_THROTTLED).sum;
    sim.run_until(3_700_000);
    assert_eq!(
        sim.metrics(node(1)).stats(stream::WRITE_THROTTLED).sum,
        throttled,
        "4 shards take 3,000/s"
    );
    // Billing counts open shards only: 2 for the first hour, 4 after.
    assert_eq!(cost_first_hour, 2 * 3_600_000);
    assert_eq!(sim.cost().shard_ms, cost_first_hour + 4 * 100_000);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random resharding keeps the open shards covering the hash space
    /// exactly once and every record accounted for.
    #[test]
    fn random_resharding_keeps_coverage_and_conservation(
        ops in prop::collection::vec((0u8..3, 0usize..12, 0usize..12, 1u32..12), 1..12),
        seed in any::<u64>(),
    ) {
        let scenario = pipeline(producer(1_500.0), 3, Some(Default::default()));
        let valid = validate(&scenario).unwrap();
        let mut sim = Simulation::new(&valid, seed);
        for (k, (kind, a, b, target)) in ops.into_iter().enumerate() {
            sim.run_until((k as u64 + 1) * 7_000);
            let op = match kind {
                0 => StreamOp::SplitShard { shard: a, new_starting_hash_key: None },
                1 => StreamOp::MergeShards { shard: a, adjacent_shard: b },
                _ => StreamOp::UpdateShardCount { target },
            };
            let _ = sim.apply(Command::Reshard { node: node(1), op });
            let s = sim.stream(node(1)).unwrap();
            let ranges = s.open_ranges();
            prop_assert_eq!(ranges[0].start, 0);
            prop_assert_eq!(ranges.last().unwrap().end, u128::MAX);
            for w in ranges.windows(2) {
                prop_assert_eq!(w[0].end + 1, w[1].start);
            }
            prop_assert!(sim.ledger().balances(), "{:?}", sim.ledger());
        }
        sim.run_until(200_000);
        prop_assert!(sim.ledger().balances());
    }
}
