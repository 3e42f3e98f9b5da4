//! Producers that share routing (the engine's producer groups) behave as if
//! each wrote on its own: their own counts, the sum on the shards, every
//! record accounted for.

use crate::fixtures::node;
use sim_core::NodeIndex;
use sim_core::metrics::{producer, stream};
use sim_core::scenario::{Link, Node, NodeSpec, ProducerSpec, Traffic};
use sim_core::{Simulation, validate};

use crate::fixtures::{pipeline, producer as uniform_producer};

fn with_twins(twins: usize, rate: f64) -> Simulation {
    let mut scenario = pipeline(uniform_producer(rate), 2, None);
    for i in 0..twins {
        let id = format!("twin{i}");
        // Same keys, sizes and retries; a different traffic shape is fine.
        let spec = ProducerSpec { traffic: Traffic::Constant, ..uniform_producer(rate) };
        scenario.nodes.push(Node {
            id: id.clone(),
            name: String::new(),
            spec: NodeSpec::Producer(spec),
        });
        scenario.links.push(Link { from: id, to: "s".into() });
    }
    let mut sim = Simulation::new(&validate(&scenario).unwrap(), 21);
    sim.run_until(120_000);
    sim
}

#[test]
fn a_producer_draws_the_same_records_alone_or_in_a_group() {
    let alone = with_twins(0, 400.0);
    let grouped = with_twins(3, 400.0);
    assert_eq!(
        alone.producer(node(0)).unwrap().produced,
        grouped.producer(node(0)).unwrap().produced
    );
    assert!(grouped.ledger().balances());
    // Every member's records reach the stream: 4 × 400/s for 119 closed
    // seconds, within Poisson noise, and two shards take 1,600/s unthrottled.
    let incoming = grouped.metrics(node(1)).stats(stream::INCOMING_RECORDS).sum;
    assert!((incoming - 190_400.0).abs() < 2_500.0, "{incoming}");
    assert_eq!(grouped.ledger().throttled_dropped, 0);
}

#[test]
fn outcomes_are_shared_in_proportion_when_a_group_is_throttled() {
    // 4 × 1,000 records/s into 2 shards: about half is refused.
    let sim = with_twins(3, 1_000.0);
    let l = sim.ledger();
    assert!(l.balances() && l.throttled_dropped > 0, "{l:?}");
    let put: Vec<f64> = [0, 2, 3, 4]
        .iter()
        .map(|&n| sim.metrics(NodeIndex::new(n)).stats(producer::USER_RECORDS_PUT).sum)
        .collect();
    let mean = put.iter().sum::<f64>() / 4.0;
    for p in &put {
        assert!((p - mean).abs() / mean < 0.02, "each member gets its share: {put:?}");
    }
}
