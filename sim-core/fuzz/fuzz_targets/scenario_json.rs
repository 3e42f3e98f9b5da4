//! Any bytes as a scenario file: parsing and validation never panic, and a
//! scenario that validates runs for a few simulated seconds with its ledger
//! balanced. Runs are skipped only where setup alone would be slow (huge
//! key or shard counts), which validation already allows by design.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::scenario::{Capacity, KeyDistribution, NodeSpec};
use sim_core::{Simulation, load_scenario, time_series_csv};

fn cheap_to_run(valid: &sim_core::ValidScenario) -> bool {
    valid.scenario().nodes.iter().all(|n| match &n.spec {
        NodeSpec::Producer(p) => {
            let keys = match &p.keys {
                KeyDistribution::Uniform { count }
                | KeyDistribution::HotKey { count, .. }
                | KeyDistribution::Zipf { count, .. } => *count,
                KeyDistribution::ExplicitHashKey { .. } => 0,
            };
            keys <= 5_000 && p.records_per_s <= 100_000.0
        }
        NodeSpec::KinesisStream(s) => match s.capacity {
            Capacity::Provisioned { shards } => shards <= 64,
            Capacity::OnDemand { .. } => true,
        },
        NodeSpec::KclApp(k) => k.workers <= 64,
        NodeSpec::WorkerPool(w) => w.workers <= 64,
        NodeSpec::FlinkApp(f) => f.parallelism <= 64,
        NodeSpec::SnsTopic(t) => t.subscriptions.len() <= 64,
        NodeSpec::MskCluster(m) => m.partitions <= 64 && m.consumer_group.consumers <= 64,
        NodeSpec::Consumer(_)
        | NodeSpec::Firehose(_)
        | NodeSpec::Destination(_)
        | NodeSpec::SqsQueue(_)
        | NodeSpec::Lambda(_) => true,
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(valid) = load_scenario(&text)
        && cheap_to_run(&valid)
    {
        let mut sim = Simulation::new(&valid, valid.scenario().seed);
        sim.run_until(5_000);
        assert!(sim.ledger().balances(), "{:?}", sim.ledger());
        let _ = time_series_csv(&sim);
    }
});
