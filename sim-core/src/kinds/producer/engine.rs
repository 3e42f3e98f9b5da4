//! What the engine's shared paths ask of a producer (see
//! [`crate::engine::EngineKind`]).

use crate::engine::{EngineKind, Simulation};
use crate::kinds::{Batch, Target};
use crate::metrics::Latencies;
use crate::scenario::{NodeIndex, ProducerSpec};

impl EngineKind for ProducerSpec {
    fn accept(_: &mut Simulation, _: usize, _: NodeIndex, _: Batch) -> u64 {
        0
    }

    fn offered(_: &mut Simulation, _: usize, _: usize) -> bool {
        false
    }

    fn producer_target(_: usize) -> Option<Target> {
        None
    }

    fn latency(_: &Simulation, _: NodeIndex, _: usize) -> Option<&Latencies> {
        None
    }
}

impl Simulation {
    /// Sets producer `node`'s mean rate (`Command::SetProducerRate`, or a
    /// scheduled `set_rate`): the base of its traffic shape, journalled.
    pub(crate) fn set_producer_rate(
        &mut self,
        node: NodeIndex,
        records_per_s: f64,
    ) -> Result<(), String> {
        let slot = self.slot_of(node, crate::scenario::NodeKind::Producer)?;
        crate::kinds::stream::operations::check_param(
            crate::scenario::NodeKind::Producer,
            "records_per_s",
            records_per_s,
        )?;
        self.producers[slot].spec.records_per_s = records_per_s;
        let rate = crate::units::format_number(records_per_s);
        self.journal(node, format!("rate set to {rate} records/s"), false);
        Ok(())
    }
}
