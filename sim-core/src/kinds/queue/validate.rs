//! An SQS queue's validation: its dead-letter queue. Called by
//! `validate/mod.rs`.

use crate::scenario::{Fault, NodeSpec, ProducerSpec, QueueSpec, ReadMode};
use crate::validate::{CheckKind, Checker, Wiring};

/// A queue's dead-letter queue is of its own type.
pub(crate) fn check_wired_settings(w: &Wiring, check: &mut Checker<'_>, i: usize, q: &QueueSpec) {
    let path = format!("nodes[{i}]");
    let queue = |n: usize| match &w.node(n).spec {
        NodeSpec::SqsQueue(q) => Some(q),
        _ => None,
    };
    // aws-facts 4.3: a FIFO queue needs a FIFO dead-letter queue,
    // a standard queue a standard one.
    if let Some(dlq) = w.sends_to[i].and_then(queue)
        && dlq.queue_type != q.queue_type
    {
        check.push(
            path.clone(),
            format!(
                "queue {:?} is {:?} but its dead-letter queue is {:?}; AWS requires \
                 the same type",
                w.node(i).id,
                q.queue_type,
                dlq.queue_type
            ),
        );
    }
    // A message moved to a dead-letter queue must end somewhere: a chain
    // of dead-letter queues that leads back to its queue would pass its
    // messages round for ever. Reported once, by the loop's first queue.
    let mut chain = vec![i];
    let mut at = i;
    while let Some(next) = w.sends_to[at].filter(|&n| queue(n).is_some()) {
        if next == i && chain.iter().all(|&n| n >= i) {
            let names: Vec<&str> = chain.iter().chain([&i]).map(|&n| w.node(n).label()).collect();
            check.push(
                path,
                format!(
                    "dead-letter queues loop back to their queue ({}); the last dead-letter \
                     queue of a chain must have none",
                    names.join(" → ")
                ),
            );
            return;
        }
        if chain.contains(&next) {
            return;
        }
        chain.push(next);
        at = next;
    }
}

impl CheckKind for QueueSpec {
    fn check_params(&self, _: &mut Checker<'_>, _: &str) {}

    fn check_wiring(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    // A queue may stand alone: a dead-letter queue is wired by its source.
    fn unwired(&self, _: &str) -> Option<String> {
        None
    }

    fn check_fault(&self, _: &mut Checker<'_>, _: &str, _: &str, _: &Fault) {}

    fn check_wired_settings(&self, w: &Wiring, check: &mut Checker<'_>, i: usize) {
        check_wired_settings(w, check, i, self);
    }

    fn stream_read_mode(&self) -> Option<ReadMode> {
        None
    }

    fn check_producer_records(&self, _: &mut Checker<'_>, _: usize, _: &ProducerSpec, _: &str) {}
}
