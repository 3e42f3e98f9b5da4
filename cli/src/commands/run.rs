//! `shardplay run`: one run, its summary as JSON, its time series as CSV, or
//! every node's health as a table, held to the CLI's budget before and
//! while it runs.

use sim_core::budget::{Budget, check_run};
use sim_core::view::FrameView;
use sim_core::{Simulation, summarize, time_series_csv};

use crate::args::{Format, RunArgs};
use crate::output::Sink;
use crate::progress::{Bar, run_in_slices};
use crate::tables::health_table;
use crate::{Failure, Outcome, input};

pub fn execute(args: RunArgs) -> Result<Outcome, Failure> {
    let loaded = input::load(&args.scenario, None)?;
    input::within_budget(&loaded.valid, &loaded.source)?;
    // Opened before the run, so a bad path fails before the work.
    let mut out = Sink::file_or_stdout(args.out.as_deref())?;
    let scenario = loaded.valid.scenario();
    let mut sim = Simulation::new(&loaded.valid, scenario.seed);
    let bar = Bar::new(scenario.duration_s, "simulated s");
    // The runtime guard: a run that outgrows the budget anyway stops.
    let mut stopped = None;
    run_in_slices(&mut sim, scenario.duration_s, |sim, done_s| {
        bar.set(done_s, "");
        stopped = check_run(sim, &Budget::CLI).err();
        stopped.is_none()
    });
    bar.finish();
    if let Some(why) = stopped {
        return Err(Failure::Stopped { source: loaded.source.name(), why });
    }
    match args.format {
        Format::Json => {
            let summary = serde_json::to_string_pretty(&summarize(&sim))
                .expect("a summary always serialises");
            out.json(&(summary + "\n"))?;
        }
        Format::Csv => out.data(&time_series_csv(&sim))?,
        Format::Health => out.text(&health_table(sim.scenario(), &FrameView::capture(&sim)))?,
    }
    out.flush()?;
    Ok(Outcome::Done)
}
