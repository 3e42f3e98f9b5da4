//! `shardplay compare`: the same producers on Kinesis Data Streams and on
//! Amazon MSK, side by side.

use sim_core::compare::MskSizing;
use sim_core::compare_kinesis_msk;

use crate::args::CompareArgs;
use crate::tables::service_table;
use crate::{Failure, Outcome, input};

pub fn execute(args: CompareArgs) -> Result<Outcome, Failure> {
    let loaded = input::load(&args.scenario, None)?;
    input::within_budget(&loaded.valid, &loaded.source)?;
    let scenario = loaded.valid.scenario();
    let sizing = MskSizing { broker_type: args.broker_type, brokers: args.brokers };
    let comparison = compare_kinesis_msk(&loaded.valid, scenario.seed, scenario.duration_s, sizing)
        .map_err(|issues| Failure::Invalid { source: loaded.source.name(), issues })?;
    super::cost::print(args.format, &comparison, service_table)
}
