//! What a Lambda function's card shows (see [`crate::view`]).

use super::metrics as lambda;
use crate::engine::Simulation;
use crate::scenario::NodeIndex;
use crate::view::{NodeFigures, Reading, Tally, source_retention_ms};

/// Reads function `node` off the engine.
pub(crate) fn read(sim: &Simulation, node: NodeIndex) -> Reading {
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
