//! `shardplay validate`: every problem with the scenario, or that it is
//! fine as it would run (with the flags laid over it), what a run of it
//! would cost in memory and work, and which hosts would run it.

use sim_core::budget::{self, Budget};
use sim_core::units::format_number;

use crate::args::ValidateArgs;
use crate::output::Sink;
use crate::{Failure, Outcome, input};

pub fn execute(args: ValidateArgs) -> Result<Outcome, Failure> {
    let loaded = input::load(&args.scenario, None)?;
    let scenario = loaded.valid.scenario();
    let mut out = Sink::stdout();
    out.text(&format!(
        "{}: ok ({} nodes, {} links)\n",
        loaded.source.name(),
        scenario.nodes.len(),
        scenario.links.len()
    ))?;
    // A valid scenario stays valid whatever it costs; a host may still
    // refuse to run it.
    let estimate = budget::estimate(&loaded.valid, scenario.duration_s);
    for line in estimate.describe() {
        out.text(&format!("{line}\n"))?;
    }
    for b in [Budget::CLI, Budget::BROWSER] {
        out.text(&match budget::check_budget(&estimate, &b) {
            Ok(()) => {
                let per_run = match b.events_per_run {
                    u64::MAX => String::new(),
                    n => format!(", {} events a run", format_number(n as f64)),
                };
                format!(
                    "fits {} ({}, {} events/s{per_run})\n",
                    b.host,
                    budget::bytes(b.memory_bytes),
                    format_number(b.events_per_sim_s as f64)
                )
            }
            Err(issue) => format!("{} would refuse it: {issue}\n", b.host),
        })?;
    }
    out.flush()?;
    Ok(Outcome::Done)
}
