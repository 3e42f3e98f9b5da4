//! What a Flink application's card shows (see [`crate::view`]).

use super::metrics as flink;
use crate::engine::Simulation;
use crate::scenario::{FlinkSpec, NodeIndex};
use crate::view::{
    NodeFigures, Reading, STREAM_READ_LATENCY, Tally, ViewKind, source_retention_ms,
};

impl ViewKind for FlinkSpec {
    const LATENCY_MEANING: Option<&'static str> = Some(STREAM_READ_LATENCY);

    /// Reads Flink application `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        Reading {
            figures: NodeFigures::Flink {
                records_in: m.last_second(flink::RECORDS_IN),
                records_out: m.last_second(flink::RECORDS_OUT),
                // A source whose polls are refused reports nothing; its unread
                // records still age.
                behind_ms: m
                    .last_second(flink::MILLIS_BEHIND_LATEST)
                    .max(m.last_second(flink::OLDEST_UNREAD_AGE)),
                cpu_percent: m.last_second(flink::CPU_UTILIZATION),
                kpus: m.last_second(flink::KPUS),
                parallelism: m.last_second(flink::PARALLELISM),
                retention_ms: source_retention_ms(sim, node),
                rescaling: m.last_second(flink::DOWNTIME) > 0.0,
            },
            tally: Tally::default(),
            gauge: None,
        }
    }
}
