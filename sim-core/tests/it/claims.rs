//! What the bundled scenarios say they show, checked against their runs.
//!
//! Each claim quotes the words of a scenario's description it checks, so
//! a description cannot change without its claim being looked at again,
//! and a model change that makes a description untrue fails here.

use sim_core::NodeIndex;
use sim_core::metrics::{firehose, kcl, msk, queue, stream};
use sim_core::{BUNDLED_SCENARIOS, Simulation, load_scenario};

/// One checkable sentence of a scenario's description.
struct Claim {
    file: &'static str,
    says: &'static str,
    seconds: u64,
    check: fn(&Simulation) -> Result<(), String>,
}

fn node(sim: &Simulation, id: &str) -> NodeIndex {
    sim.node_index(id).unwrap_or_else(|| panic!("no node {id}"))
}

fn total(sim: &Simulation, id: &str, metric: usize) -> f64 {
    sim.metrics(node(sim, id)).total(metric)
}

fn expect(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what()) }
}

/// Per open shard of a stream: whether it refused any record.
fn throttling_shards(sim: &Simulation, id: &str) -> Vec<bool> {
    sim.shards(node(sim, id)).unwrap().iter().map(|s| s.totals.sum.throttled > 0).collect()
}

const CLAIMS: &[Claim] = &[
    Claim {
        file: "clickstream.json",
        says: "so one shard throttles while the other idles",
        seconds: 120,
        check: |sim| {
            let hot = throttling_shards(sim, "events");
            expect(hot == [true, false] || hot == [false, true], || format!("throttling: {hot:?}"))
        },
    },
    Claim {
        file: "lesson-hot-partition-key.json",
        says: "one shard of four takes 1,400 records/s and throttles while the others idle",
        seconds: 120,
        check: |sim| {
            let hot = throttling_shards(sim, "clicks-stream");
            expect(hot.iter().filter(|&&h| h).count() == 1, || format!("throttling: {hot:?}"))
        },
    },
    Claim {
        file: "firehose-size-vs-interval.json",
        says: "at 2 MB/s a 1 MiB buffer fills in half a second and flushes by size",
        seconds: 120,
        check: |sim| {
            let objects = total(sim, "clicks-fh", firehose::DELIVERY_OBJECTS);
            let bytes = total(sim, "clicks-fh", firehose::DELIVERY_BYTES);
            let mean = bytes / objects;
            expect((1_048_576.0..1_052_000.0).contains(&mean) && objects > 200.0, || {
                format!("{objects} objects of {mean} bytes on average")
            })
        },
    },
    Claim {
        file: "firehose-size-vs-interval.json",
        says: "so it flushes every 60 s by interval",
        seconds: 600,
        check: |sim| {
            let objects = total(sim, "audit-fh", firehose::DELIVERY_OBJECTS);
            let largest = sim.firehose(node(sim, "audit-fh")).unwrap().object_sizes.buckets();
            let under_5_mib = largest.into_iter().all(|(floor, _)| floor < 5 * 1_048_576);
            expect((9.0..=10.0).contains(&objects) && under_5_mib, || {
                format!("{objects} objects in 600 s; all under 5 MiB: {under_5_mib}")
            })
        },
    },
    Claim {
        file: "lesson-firehose-buffering.json",
        says: "so the 300 s interval flushes it",
        seconds: 600,
        check: |sim| {
            let objects = total(sim, "audit-fh", firehose::DELIVERY_OBJECTS);
            expect((1.0..=2.0).contains(&objects), || format!("{objects} objects in 600 s"))
        },
    },
    Claim {
        file: "destination-outage-retry.json",
        says: "then writes it to the S3 backup; the S3 delivery stream beside it rides out the same outage",
        seconds: 1_800,
        check: |sim| {
            let backed_up = total(sim, "to-partner", firehose::BACKUP_RECORDS);
            let lake_lost = total(sim, "to-lake", firehose::RECORDS_LOST)
                + total(sim, "to-lake", firehose::BACKUP_RECORDS);
            expect(backed_up > 0.0 && lake_lost == 0.0, || {
                format!("backed up {backed_up}; lake lost or backed up {lake_lost}")
            })
        },
    },
    Claim {
        file: "fifo-ordering-ceiling.json",
        says: "sends are throttled and retried",
        seconds: 60,
        check: |sim| {
            let throttled = total(sim, "orders", queue::THROTTLED_CALLS);
            expect(throttled > 0.0, || "no send was throttled".into())
        },
    },
    Claim {
        file: "split-during-spike.json",
        says: "at 2 minutes SplitShard opens two children, throttling stops",
        seconds: 300,
        check: |sim| {
            let series = sim.metrics(node(sim, "payments")).series(stream::WRITE_THROTTLED);
            let before: f64 = series.tier(0).iter().filter(|p| p.t < 120_000).map(|p| p.sum).sum();
            let after: f64 = series.tier(0).iter().filter(|p| p.t >= 130_000).map(|p| p.sum).sum();
            expect(before > 0.0 && after == 0.0, || format!("throttled {before} then {after}"))
        },
    },
    Claim {
        file: "visibility-timeout-duplicates.json",
        says: "so another worker receives it again",
        seconds: 600,
        check: |sim| {
            let duplicates = total(sim, "jobs", queue::DUPLICATES);
            expect(duplicates > 0.0, || "no duplicate delivery".into())
        },
    },
    Claim {
        file: "shared-vs-fan-out.json",
        says: "Five applications polling one shard share 5 GetRecords calls/s and 2 MiB/s and get throttled",
        seconds: 120,
        check: |sim| {
            let shared = total(sim, "shared", stream::READ_THROTTLED);
            let fan_out = total(sim, "fanout", stream::READ_THROTTLED);
            expect(shared > 0.0 && fan_out == 0.0, || format!("refused: {shared} and {fan_out}"))
        },
    },
    Claim {
        file: "kcl-worker-crash.json",
        says: "so up to 30 s of records are processed twice",
        seconds: 600,
        check: |sim| {
            let duplicates = total(sim, "enricher", kcl::DUPLICATE_RECORDS);
            let per_s = total(sim, "events", stream::INCOMING_RECORDS) / 600.0;
            expect(duplicates > 0.0 && duplicates <= 30.0 * per_s, || {
                format!("{duplicates} duplicates at {per_s} records/s")
            })
        },
    },
    Claim {
        file: "msk-serverless-burst.json",
        says: "the cluster slows the producers down instead of refusing them",
        seconds: 600,
        check: |sim| {
            let kafka = sim.metrics(node(sim, "kafka"));
            let wait = kafka.stats(msk::PRODUCER_WAIT).max;
            let lost = kafka.total(msk::RECORDS_LOST);
            let l = sim.ledger();
            expect(
                (1_000.0..120_000.0).contains(&wait)
                    && lost == 0.0
                    && l.throttled_dropped == 0
                    && kafka.stats(msk::QUOTA_LOAD).max >= 99.9,
                || format!("waited {wait} ms, lost {lost}, {l:?}"),
            )
        },
    },
];

#[test]
fn every_checkable_description_is_true_of_its_run() {
    for claim in CLAIMS {
        let json = BUNDLED_SCENARIOS
            .iter()
            .find(|(file, _)| *file == claim.file)
            .unwrap_or_else(|| panic!("no bundled {}", claim.file))
            .1;
        let valid = load_scenario(json).expect("bundled scenarios are valid");
        assert!(
            valid.scenario().description.contains(claim.says),
            "{}: the description no longer says {:?}; look at the claim again",
            claim.file,
            claim.says
        );
        let mut sim = Simulation::new(&valid, valid.scenario().seed);
        sim.run_until(claim.seconds * 1_000);
        if let Err(why) = (claim.check)(&sim) {
            panic!("{} says {:?}, but: {why}", claim.file, claim.says);
        }
    }
}
