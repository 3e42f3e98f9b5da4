//! `shardplay compare`: the same producers on Kinesis Data Streams and on
//! Amazon MSK, side by side; with `--replications N`, over N seeds.

use sim_core::budget::Budget;
use sim_core::compare::{MskSizing, check_msk_budget};
use sim_core::replicate::{self, ReplicatedServiceComparison};
use sim_core::{ServiceComparison, compare_kinesis_msk};

use crate::args::CompareArgs;
use crate::progress::each_on_threads;
use crate::tables::{replicated_service_table, service_table};
use crate::{Failure, Outcome, input};

pub fn execute(args: CompareArgs) -> Result<Outcome, Failure> {
    let replications = replicate::check_count(args.replications)
        .map_err(|why| Failure::Usage(format!("--replications: {why}")))?;
    let loaded = input::load(&args.scenario, None)?;
    input::within_budget(&loaded.valid, &loaded.source)?;
    let scenario = loaded.valid.scenario();
    let sizing = MskSizing { broker_type: args.broker_type, brokers: args.brokers };
    // The MSK runs too, before any run starts.
    check_msk_budget(&loaded.valid, sizing, &Budget::CLI)
        .map_err(|issues| Failure::Invalid { source: loaded.source.name(), issues })?;
    // Each seed's comparison depends on its seed alone and the results come
    // back in seed order, so the output is the same whatever the threads.
    let seeds = replicate::seeds(scenario.seed, replications);
    let threads = args.threads.for_jobs(seeds.len());
    let runs: Vec<ServiceComparison> = each_on_threads(&seeds, threads, |&seed| {
        compare_kinesis_msk(&loaded.valid, seed, scenario.duration_s, sizing)
    })
    .into_iter()
    .collect::<Result<_, _>>()
    .map_err(|issues| Failure::Invalid { source: loaded.source.name(), issues })?;
    if replications == 1 {
        return super::cost::print(args.format, &runs[0], service_table);
    }
    let both = ReplicatedServiceComparison {
        comparison: &runs[0],
        replications: replicate::combine_services(seeds, &runs),
    };
    super::cost::print(args.format, &both, replicated_service_table)
}
