//! What a delivery stream's card shows (see [`crate::view`]): its intake,
//! deliveries and losses, and its data freshness against the 24 hours it
//! holds undeliverable data (aws-facts 3).

use super::metrics as firehose;
use crate::engine::Simulation;
use crate::scenario::{FirehoseSpec, NodeIndex};
use crate::view::{AgeGauge, AgeThresholds, NodeFigures, Reading, Tally, ViewKind};

impl ViewKind for FirehoseSpec {
    const LATENCY_MEANING: Option<&'static str> = Some(
        "From each record's arrival in the buffer to the destination's acknowledgement of its \
         object. Records of one object are taken as spread evenly between its first and last \
         arrival; percentiles are within 3.1% (a histogram bucket) of the exact ones.",
    );

    /// Reads delivery stream `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        Reading {
            figures: NodeFigures::Firehose {
                incoming: m.last_second(firehose::INCOMING_RECORDS),
                incoming_bytes: m.last_second(firehose::INCOMING_BYTES),
                throttled: m.last_second(firehose::THROTTLED_RECORDS),
                delivered: m.last_second(firehose::DELIVERY_RECORDS),
                freshness_s: m.last_second(firehose::DATA_FRESHNESS),
                buffered_bytes: m.last_second(firehose::BUFFERED_BYTES),
                lost_total: m.total(firehose::RECORDS_LOST),
            },
            tally: Tally {
                throttled: m.total(firehose::THROTTLED_RECORDS),
                lost: m.total(firehose::RECORDS_LOST),
                ..Tally::default()
            },
            gauge: Some(AgeGauge {
                label: "Data freshness",
                ms: m.last_second(firehose::DATA_FRESHNESS) * 1_000.0,
                limit_ms: 24.0 * 3_600_000.0,
                thresholds: AgeThresholds::FRESHNESS,
            }),
        }
    }
}
