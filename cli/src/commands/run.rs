//! `shardplay run`: one run, its summary as JSON, its time series as CSV, or
//! every node's health as a table, held to the CLI's budget before and
//! while it runs; with `--replications N`, N seeds on every core and each
//! key figure's confidence interval added to the summary.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use sim_core::budget::{Budget, check_run};
use sim_core::replicate::{self, Figures, ReplicatedSummary};
use sim_core::report::Summary;
use sim_core::view::FrameView;
use sim_core::{Simulation, ValidScenario, summarize, time_series_csv};

use crate::args::{Format, RunArgs};
use crate::output::Sink;
use crate::progress::{Bar, run_in_slices};
use crate::tables::health_table;
use crate::{Failure, Outcome, input};

pub fn execute(args: RunArgs) -> Result<Outcome, Failure> {
    let replications = replicate::check_count(args.replications)
        .map_err(|why| Failure::Usage(format!("--replications: {why}")))?;
    if replications > 1 && !matches!(args.format, Format::Json) {
        return Err(Failure::Usage(
            "--replications adds to the JSON summary: use it with --format json".into(),
        ));
    }
    let loaded = input::load(&args.scenario, None)?;
    input::within_budget(&loaded.valid, &loaded.source)?;
    // Opened before the run, so a bad path fails before the work.
    let mut out = Sink::file_or_stdout(args.out.as_deref())?;
    if replications > 1 {
        let threads = args.threads.for_jobs(replications as usize);
        let json = replicated_summary(&loaded.valid, replications, threads)
            .map_err(|why| Failure::Stopped { source: loaded.source.name(), why })?;
        out.json(&(json + "\n"))?;
        out.flush()?;
        return Ok(Outcome::Done);
    }
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

/// Runs `n` replications on `threads` threads: the summary of the first
/// (the scenario's own seed) with a `replications` block of every key
/// figure's interval. Each run depends on its seed alone, and the figures
/// are combined in seed order, so the bytes do not depend on the threads.
/// A run that outgrows the budget stops them all, and says why.
fn replicated_summary(valid: &ValidScenario, n: u32, threads: usize) -> Result<String, String> {
    let scenario = valid.scenario();
    let seeds = replicate::seeds(scenario.seed, n);
    let bar = Bar::new(scenario.duration_s * u64::from(n), "simulated s");
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let simulated_s = AtomicU64::new(0);
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let runs: Mutex<Vec<Option<Figures>>> = Mutex::new(vec![None; seeds.len()]);
    let first: Mutex<Option<Summary>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&seed) = seeds.get(i) else { return };
                    let mut sim = Simulation::new(valid, seed);
                    let mut reached = 0;
                    let ran = run_in_slices(&mut sim, scenario.duration_s, |sim, done_s| {
                        simulated_s.fetch_add(done_s - reached, Ordering::Relaxed);
                        reached = done_s;
                        bar.set(simulated_s.load(Ordering::Relaxed), "");
                        if let Err(why) = check_run(sim, &Budget::CLI) {
                            failure.lock().expect("no panics").get_or_insert(why);
                            stop.store(true, Ordering::Relaxed);
                        }
                        !stop.load(Ordering::Relaxed)
                    });
                    if !ran {
                        return;
                    }
                    if i == 0 {
                        *first.lock().expect("no panics") = Some(summarize(&sim));
                    }
                    runs.lock().expect("no panics")[i] = Some(replicate::figures(&sim, valid));
                }
            });
        }
    });
    bar.finish();
    if let Some(why) = failure.into_inner().expect("no panics") {
        return Err(why);
    }
    let runs: Vec<Figures> = runs.into_inner().expect("no panics").into_iter().flatten().collect();
    let summary = first.into_inner().expect("no panics").expect("the first run finished");
    let replications = replicate::combine(seeds, &runs);
    let both = ReplicatedSummary { summary: &summary, replications };
    Ok(serde_json::to_string_pretty(&both).expect("a summary always serialises"))
}
