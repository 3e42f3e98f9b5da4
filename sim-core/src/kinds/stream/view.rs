//! What a stream's card shows (see [`crate::view`]): its writes, refusals
//! and iterator age, each open shard's heat, and its iterator age against
//! its retention.

use super::metrics as stream;
use crate::engine::Simulation;
use crate::scenario::{NodeIndex, StreamSpec};
use crate::view::{AgeGauge, AgeThresholds, NodeFigures, Reading, ShardHeat, Tally, ViewKind};

impl ViewKind for StreamSpec {
    const LATENCY_MEANING: Option<&'static str> = None;

    /// Reads stream `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        let retention_ms = sim.stream(node).map_or(f64::INFINITY, |s| s.retention as f64);
        let shards = sim
            .stream(node)
            .map(|s| {
                s.open
                    .iter()
                    .map(|&id| {
                        let shard = &s.shards[id];
                        ShardHeat {
                            id,
                            write: shard.write_utilisation(),
                            read: shard.read_utilisation(),
                            throttled: shard.last_second.throttled,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Reading {
            figures: NodeFigures::Stream {
                incoming: m.last_second(stream::INCOMING_RECORDS),
                incoming_bytes: m.last_second(stream::INCOMING_BYTES),
                throttled: m.last_second(stream::WRITE_THROTTLED),
                read_throttled: m.last_second(stream::READ_THROTTLED),
                iterator_age_ms: m.last_second(stream::ITERATOR_AGE),
                throttled_total: m.total(stream::WRITE_THROTTLED),
                retention_ms,
                shards,
            },
            tally: Tally {
                throttled: m.total(stream::WRITE_THROTTLED),
                expired: m.total(stream::EXPIRED_RECORDS),
                ..Tally::default()
            },
            gauge: Some(AgeGauge {
                label: "Iterator age",
                ms: m.last_second(stream::ITERATOR_AGE),
                limit_ms: retention_ms,
                thresholds: AgeThresholds::reader(retention_ms),
            }),
        }
    }
}
