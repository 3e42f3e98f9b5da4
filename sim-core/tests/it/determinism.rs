//! Same scenario + seed => byte-identical results; a node's randomness is
//! its own.

use sim_core::{Simulation, summarize, time_series_csv};

use crate::fixtures::{default_scenario, pipeline, producer, run};

fn summary_json(seed: u64, seconds: u64) -> String {
    let valid = default_scenario();
    let mut sim = Simulation::new(&valid, seed);
    sim.run_until(seconds * 1_000);
    serde_json::to_string(&summarize(&sim)).unwrap() + &time_series_csv(&sim)
}

#[test]
fn the_same_seed_gives_identical_bytes() {
    assert_eq!(summary_json(1, 300), summary_json(1, 300));
}

#[test]
fn a_different_seed_gives_a_different_run() {
    assert_ne!(summary_json(1, 60), summary_json(2, 60));
}

#[test]
fn running_in_steps_equals_running_at_once() {
    let valid = default_scenario();
    let mut stepped = Simulation::new(&valid, 3);
    for t in (0..=120_000).step_by(137) {
        stepped.run_until(t);
    }
    stepped.run_until(120_000);
    let mut direct = Simulation::new(&valid, 3);
    direct.run_until(120_000);
    assert_eq!(
        serde_json::to_string(&summarize(&stepped)).unwrap(),
        serde_json::to_string(&summarize(&direct)).unwrap()
    );
}

#[test]
fn adding_a_node_does_not_perturb_another_nodes_randomness() {
    // The producer's draws come from its own stream, so its output is the
    // same with or without a consumer attached to the stream.
    let alone = run(&pipeline(producer(300.0), 2, None), 60);
    let with_consumer = run(&pipeline(producer(300.0), 2, Some(Default::default())), 60);
    assert_eq!(alone.ledger().produced, with_consumer.ledger().produced);
}

mod random {
    use proptest::prelude::*;
    use sim_core::digest::run_digest;
    use sim_core::scenario::{ConsumerSpec, KeyDistribution, ProducerSpec, ReadMode};
    use sim_core::{Simulation, validate};

    use crate::fixtures::pipeline;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// Any pipeline, run twice with the same seed, gives the same digest;
        /// and its shard logs stay bounded by minutes, not API calls.
        #[test]
        fn random_pipelines_are_deterministic_and_bounded(
            rate in 0.0..4_000.0f64, shards in 1u32..8, hot in 0.0..1.0f64,
            efo in any::<bool>(), seed in any::<u64>(),
        ) {
            let p = ProducerSpec {
                records_per_s: rate,
                keys: KeyDistribution::HotKey { count: 500, hot_share: hot },
                ..Default::default()
            };
            let c = ConsumerSpec {
                read_mode: if efo { ReadMode::EnhancedFanOut } else { ReadMode::Shared },
                ..Default::default()
            };
            let valid = validate(&pipeline(p, shards, Some(c))).unwrap();
            let run = || {
                let mut sim = Simulation::new(&valid, seed);
                sim.run_until(900_000);
                sim
            };
            let (a, b) = (run(), run());
            prop_assert_eq!(run_digest(&a), run_digest(&b));
            for shard in a.shards(sim_core::NodeIndex::new(1)).unwrap() {
                // 15 minutes of minute buckets plus five minutes of 100 ms batches, at most.
                prop_assert!(shard.log_len() <= 15 + 5 * 60 * 10 + 10, "{} cohorts", shard.log_len());
            }
        }
    }
}

/// The SNS fan-out lesson (a topic with a filtered subscription, retries
/// on the tick): the same bytes twice, and in steps as at once.
#[test]
fn an_sns_fan_out_is_deterministic_in_steps() {
    let json = sim_core::BUNDLED_SCENARIOS
        .iter()
        .find(|(f, _)| *f == "lesson-sns-fan-out.json")
        .expect("bundled")
        .1;
    let valid = sim_core::load_scenario(json).expect("valid");
    let bytes =
        |sim: &Simulation| serde_json::to_string(&summarize(sim)).unwrap() + &time_series_csv(sim);
    let mut stepped = Simulation::new(&valid, 5);
    for t in (0..=90_000).step_by(311) {
        stepped.run_until(t);
    }
    stepped.run_until(90_000);
    let mut direct = Simulation::new(&valid, 5);
    direct.run_until(90_000);
    assert_eq!(bytes(&stepped), bytes(&direct));
    let mut again = Simulation::new(&valid, 5);
    again.run_until(90_000);
    assert_eq!(bytes(&again), bytes(&direct));
}
