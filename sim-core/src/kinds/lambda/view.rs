//! What a Lambda function's card shows (see [`crate::view`]).

use super::metrics as lambda;
use crate::engine::Simulation;
use crate::scenario::{LambdaSpec, NodeIndex};
use crate::view::{NodeFigures, Reading, Tally, ViewKind, source_retention_ms};

impl ViewKind for LambdaSpec {
    const LATENCY_MEANING: Option<&'static str> = Some(
        "On a stream: from each record's arrival at the stream to the read that returned it \
         (processing not included; records of one read taken as spread evenly). On an SNS \
         topic: from each event's arrival in the function's event queue to the end of the \
         invocation that succeeded, throttled waits and retries included. On a queue, the \
         queue measures. Percentiles are within 3.1% (a histogram bucket) of the exact ones.",
    );

    /// Reads function `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        Reading {
            figures: NodeFigures::Lambda {
                invocations: m.last_second(lambda::INVOCATIONS),
                concurrency: m.last_second(lambda::CONCURRENT_EXECUTIONS),
                throttles: m.last_second(lambda::THROTTLES),
                errors: m.last_second(lambda::ERRORS),
                processed: m.last_second(lambda::RECORDS_PROCESSED),
                // A stream source whose polls are refused reports no
                // IteratorAge; its unread records still age.
                iterator_age_ms: m
                    .last_second(lambda::ITERATOR_AGE)
                    .max(m.last_second(lambda::OLDEST_UNREAD_AGE)),
                retention_ms: source_retention_ms(sim, node),
            },
            tally: Tally::default(),
            gauge: None,
        }
    }
}
