//! What an MSK cluster's card shows (see [`crate::view`]).

use super::metrics as msk;
use crate::engine::Simulation;
use crate::scenario::{MskSpec, NodeIndex};
use crate::view::{NodeFigures, Reading, Tally, ViewKind};

impl ViewKind for MskSpec {
    const LATENCY_MEANING: Option<&'static str> = None;

    /// Reads MSK cluster `node` off the engine.
    fn read(sim: &Simulation, node: NodeIndex) -> Reading {
        let m = sim.metrics(node);
        // A Serverless cluster has no broker disk: its slot holds stored bytes,
        // and its load is the busiest quota's (see `metrics`).
        let serverless = sim.msk_cluster(node).is_some_and(|c| c.spec.is_serverless());
        let disk_percent = if serverless { 0.0 } else { m.last_second(msk::DISK_USED) };
        let now = sim.now();
        let state = sim.msk_cluster(node).map(|c| {
            [
                c.brokers_down(now),
                c.offline_partitions(now),
                c.under_replicated(now),
                if serverless { 0 } else { c.idle_brokers() },
                c.alive.iter().filter(|a| !**a).count() as u32,
            ]
            .map(f64::from)
        });
        let [brokers_down, offline_partitions, under_replicated, idle_brokers, dead_consumers] =
            state.unwrap_or_default();
        let (duplicates, keys_moved, partitions, brokers) =
            sim.msk_cluster(node).map_or((0, 0, 0, 0), |c| {
                let brokers = if serverless { 0 } else { c.broker_down_until.len() };
                (c.duplicates, c.keys_moved, c.partitions.len(), brokers)
            });
        Reading {
            figures: NodeFigures::Msk {
                messages_in: m.last_second(msk::MESSAGES_IN),
                bytes_in: m.last_second(msk::BYTES_IN),
                consumed: m.last_second(msk::RECORDS_CONSUMED),
                broker_load_percent: m.last_second(msk::BROKER_WRITE_LOAD),
                disk_percent,
                serverless,
                sum_offset_lag: m.last_second(msk::SUM_OFFSET_LAG),
                producer_wait_ms: m.last_second(msk::PRODUCER_WAIT),
                lost_total: m.total(msk::RECORDS_LOST),
                idle_consumers: m.last_second(msk::IDLE_CONSUMERS),
                brokers_down,
                offline_partitions,
                under_replicated,
                idle_brokers,
                duplicates_total: duplicates as f64,
                keys_moved: keys_moved as f64,
                dead_consumers,
                partitions: partitions as f64,
                brokers: brokers as f64,
            },
            tally: Tally::default(),
            gauge: None,
        }
    }
}
