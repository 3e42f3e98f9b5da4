//! What the planner turns and reads of an SQS queue: no setting to turn
//! ([`crate::autosize::knobs_of`]), and the figures a sweep compares
//! ([`crate::sweep::measure`]).

use crate::autosize::{Knob, KnobSite, KnobsKind};
use crate::engine::Simulation;
use crate::scenario::{NodeIndex, NodeSpec, QueueSpec, Scenario};
use crate::sweep::{SweepKind, SweepPoint};

/// A queue has no throughput setting to size; the planner sizes its readers.
impl KnobsKind for QueueSpec {
    fn knobs(&self, _: &KnobSite) -> Vec<Knob> {
        Vec::new()
    }
}

impl SweepKind for QueueSpec {
    /// A dead-letter queue holds what nobody reads: its oldest message ages
    /// by design and is no objective's concern.
    fn measure(sim: &Simulation, node: NodeIndex, point: &mut SweepPoint) {
        if is_dead_letter_queue(sim.scenario(), &sim.scenario().node(node).id) {
            return;
        }
        let oldest_s = sim.metrics(node).stats(crate::metrics::queue::OLDEST_AGE).max / 1_000.0;
        point.oldest_message_age_s = point.oldest_message_age_s.max(oldest_s);
    }
}

/// Whether queue `id` is a dead-letter queue: of an SNS subscription or of
/// another queue.
fn is_dead_letter_queue(scenario: &Scenario, id: &str) -> bool {
    let of_subscription = scenario.nodes.iter().any(|n| match &n.spec {
        NodeSpec::SnsTopic(t) => {
            t.subscriptions.iter().any(|s| s.dead_letter_queue.as_deref() == Some(id))
        }
        _ => false,
    });
    of_subscription
        || scenario.links.iter().any(|l| {
            l.to == id
                && scenario
                    .nodes
                    .iter()
                    .any(|n| n.id == l.from && matches!(n.spec, NodeSpec::SqsQueue(_)))
        })
}
