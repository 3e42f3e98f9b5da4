//! Polling consumers sharing a shard (aws-facts 1.1: 5 GetRecords calls and
//! 2 MiB a second per shard, shared) and what their metrics report when
//! calls are refused (aws-facts 1.8: MillisBehindLatest comes with
//! successful GetRecords responses only).

use crate::fixtures::node;
use sim_core::metrics::{consumer as cm, stream as sm};
use sim_core::scenario::{ConsumerSpec, Link, Node, NodeSpec, Scenario};

use crate::fixtures::{pipeline, run, steady_producer};

/// One shard written at `rate` records/s of 1,000 bytes, read by `readers`
/// polling consumers every `poll_ms`.
fn shared_shard(readers: usize, poll_ms: u64, rate: f64) -> Scenario {
    let mut scenario = pipeline(steady_producer(rate, 1_000), 1, None);
    for i in 0..readers {
        let id = format!("reader-{i}");
        let spec = ConsumerSpec { poll_interval_ms: poll_ms, ..Default::default() };
        scenario.nodes.push(Node {
            id: id.clone(),
            name: String::new(),
            spec: NodeSpec::Consumer(spec),
        });
        scenario.links.push(Link { from: "s".into(), to: id });
    }
    scenario
}

fn processed(sim: &sim_core::Simulation, readers: usize) -> Vec<u64> {
    (0..readers)
        .map(|i| {
            let node = sim.node_index(&format!("reader-{i}")).expect("reader");
            sim.consumer(node).expect("a consumer").processed
        })
        .collect()
}

#[test]
fn aws_facts_1_1_readers_sharing_a_shard_all_keep_up_when_its_bytes_suffice() {
    // However many readers share the shard's 5 calls a second, if their
    // bytes together fit its 2 MiB/s, each call returns everything since the
    // reader's last one: refused readers back off with jitter and come
    // back, so none starves and all deliver within a few seconds of the
    // tip. (Polling in lockstep used to lock a phase where one reader won
    // every refilled call and the others never read again.)
    let rate = 100.0; // 100 kB/s: even 20 readers need only 2 MB/s
    for (readers, poll_ms) in
        [(1, 1_000), (3, 1_000), (5, 1_000), (8, 1_000), (12, 1_000), (3, 100), (6, 200)]
    {
        let seconds = 300;
        let sim = run(&shared_shard(readers, poll_ms, rate), seconds);
        let written = sim.metrics(node(1)).total(sm::INCOMING_RECORDS);
        let counts = processed(&sim, readers);
        let (least, most) = (*counts.iter().min().unwrap(), *counts.iter().max().unwrap());
        // Within 10 s of records of the tip and of each other.
        let bound = 10.0 * rate;
        assert!(
            written - least as f64 <= bound && (most - least) as f64 <= bound,
            "{readers} readers every {poll_ms} ms: processed {counts:?} of {written}"
        );
    }
}

#[test]
fn aws_facts_1_8_a_refused_reader_reports_no_millis_behind_latest_but_its_unread_age_grows() {
    // Twelve readers polling every 100 ms make 120 calls a second against
    // the shard's 5: most are refused. A second in which all of a reader's
    // calls were refused has no MillisBehindLatest datapoint (CloudWatch
    // gets it only from successful responses), never a 0 that would make a
    // starved reader look caught up; the simulator's age of its oldest
    // unread record has a datapoint every second.
    let readers = 12;
    let sim = run(&shared_shard(readers, 100, 100.0), 120);
    let mut silent_seconds = 0;
    for i in 0..readers {
        let m = sim.metrics(sim.node_index(&format!("reader-{i}")).unwrap());
        let behind = m.series(cm::MILLIS_BEHIND_LATEST).tier(0);
        let unread = m.series(cm::OLDEST_UNREAD_AGE).tier(0);
        assert_eq!(behind.len(), unread.len());
        for (b, u) in behind.iter().zip(unread) {
            assert!(u.has_data(), "the unread age is sampled every second");
            if !b.has_data() {
                silent_seconds += 1;
                assert_eq!(b.value(m.defs()[cm::MILLIS_BEHIND_LATEST].stat), 0.0);
            }
        }
        let stats = m.stats(cm::MILLIS_BEHIND_LATEST);
        assert!(stats.seconds <= 120, "statistics count datapoints only");
    }
    assert!(silent_seconds > 0, "some seconds had every call of some reader refused");
    // At most 5 calls a second succeed; refused readers back off, but
    // still most calls are refused.
    let throttled = sim.metrics(node(1)).total(sm::READ_THROTTLED);
    assert!(throttled > 5.0 * 5.0 * 120.0, "refused calls: {throttled}");
}
