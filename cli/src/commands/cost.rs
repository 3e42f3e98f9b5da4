//! `shardplay cost`: the same traffic provisioned and on demand, billed
//! side by side.

use sim_core::compare_modes;

use crate::args::{CostArgs, CostFormat};
use crate::output::Sink;
use crate::tables::cost_table;
use crate::{Failure, Outcome, input};

pub fn execute(args: CostArgs) -> Result<Outcome, Failure> {
    let loaded = input::load(&args.scenario, None)?;
    input::within_budget(&loaded.valid, &loaded.source)?;
    let scenario = loaded.valid.scenario();
    let comparison = compare_modes(&loaded.valid, scenario.seed, scenario.duration_s)
        .map_err(|issues| Failure::Invalid { source: loaded.source.name(), issues })?;
    print(args.format, &comparison, cost_table)
}

/// Writes a comparison of runs as JSON or as its table (`cost` and
/// `compare` alike).
pub fn print<T: serde::Serialize>(
    format: CostFormat,
    comparison: &T,
    table: fn(&T) -> String,
) -> Result<Outcome, Failure> {
    let mut out = Sink::stdout();
    match format {
        CostFormat::Json => {
            let json =
                serde_json::to_string_pretty(comparison).expect("a comparison always serialises");
            out.json(&(json + "\n"))?;
        }
        CostFormat::Table => out.text(&table(comparison))?,
    }
    out.flush()?;
    Ok(Outcome::Done)
}
