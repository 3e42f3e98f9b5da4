//! `shardplay compare`: the same producers on Kinesis Data Streams and on
//! Amazon MSK, side by side.

use sim_core::compare::MskSizing;
use sim_core::compare_kinesis_msk;

use crate::args::{CompareArgs, CostFormat};
use crate::output::Sink;
use crate::tables::service_table;
use crate::{Failure, Outcome, input};

pub fn execute(args: CompareArgs) -> Result<Outcome, Failure> {
    let loaded = input::load(&args.scenario, None)?;
    input::within_budget(&loaded.valid, &loaded.source)?;
    let scenario = loaded.valid.scenario();
    let sizing = MskSizing { broker_type: args.broker_type, brokers: args.brokers };
    let comparison = compare_kinesis_msk(&loaded.valid, scenario.seed, scenario.duration_s, sizing)
        .map_err(|issues| Failure::Invalid { source: loaded.source.name(), issues })?;
    let mut out = Sink::stdout();
    match args.format {
        CostFormat::Json => {
            let json =
                serde_json::to_string_pretty(&comparison).expect("a comparison always serialises");
            out.json(&(json + "\n"))?;
        }
        CostFormat::Table => out.text(&service_table(&comparison))?,
    }
    out.flush()?;
    Ok(Outcome::Done)
}
