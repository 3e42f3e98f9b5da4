//! `shardplay cost`: the same traffic provisioned and on demand, billed
//! side by side; with `--replications N`, over N seeds.

use sim_core::replicate::{self, ReplicatedComparison};
use sim_core::{ModeComparison, compare_modes};

use crate::args::{CostArgs, CostFormat};
use crate::output::Sink;
use crate::progress::each_on_threads;
use crate::tables::{cost_table, replicated_cost_lines};
use crate::{Failure, Outcome, input};

pub fn execute(args: CostArgs) -> Result<Outcome, Failure> {
    let replications = replicate::check_count(args.replications)
        .map_err(|why| Failure::Usage(format!("--replications: {why}")))?;
    let loaded = input::load(&args.scenario, None)?;
    input::within_budget(&loaded.valid, &loaded.source)?;
    let scenario = loaded.valid.scenario();
    let seeds = replicate::seeds(scenario.seed, replications);
    let threads = args.threads.for_jobs(seeds.len());
    let runs: Vec<ModeComparison> = each_on_threads(&seeds, threads, |&seed| {
        compare_modes(&loaded.valid, seed, scenario.duration_s)
    })
    .into_iter()
    .collect::<Result<_, _>>()
    .map_err(|issues| Failure::Invalid { source: loaded.source.name(), issues })?;
    if replications == 1 {
        return print(args.format, &runs[0], cost_table);
    }
    let both = ReplicatedComparison {
        comparison: &runs[0],
        replications: replicate::combine_modes(seeds, &runs),
    };
    print(args.format, &both, |b| {
        cost_table(b.comparison) + &replicated_cost_lines(&b.replications)
    })
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
