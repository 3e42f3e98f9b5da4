//! `shardplay sweep`: the scenario once per value of one parameter, on
//! every core, each row printed (and written as CSV) as soon as it and the
//! rows before it are done.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use sim_core::objectives::Objectives;
use sim_core::replicate::{self, Replications};
use sim_core::sweep::{SweepPoint, measure, with_param};
use sim_core::{Issue, Scenario, Simulation, ValidScenario};

use crate::args::SweepArgs;
use crate::output::Sink;
use crate::progress::{Bar, run_in_slices};
use crate::tables::{
    SWEEP_COLUMNS, SWEEP_INTERVAL_CSV, SweepTable, interval_cells, sweep_figures, sweep_verdict,
};
use crate::{Failure, Outcome, input};

pub fn execute(args: SweepArgs) -> Result<Outcome, Failure> {
    let replications = replicate::check_count(args.replications)
        .map_err(|why| Failure::Usage(format!("--replications: {why}")))?;
    let loaded = input::load(&args.scenario, Some(&args.objectives))?;
    let objectives = Objectives::of(loaded.valid.scenario());
    let tested = objectives.apply_traffic(loaded.valid.scenario());
    let invalid = |issues| Failure::Invalid { source: loaded.source.name(), issues };
    // Every value is checked before anything runs. Each variant is dropped
    // once checked and built again when it runs, so memory holds one per
    // core, not one per value.
    let mut total_s = 0;
    for &value in &args.values {
        let valid = with_param(&tested, &args.param, value).map_err(invalid)?;
        input::within_budget(&valid, &loaded.source)?;
        total_s += valid.scenario().duration_s * u64::from(replications);
    }
    let mut csv = args.out.as_deref().map(Sink::create).transpose()?;
    let mut stdout = Sink::stdout();
    let replicated = replications > 1;
    let table = SweepTable::new(&args.param, &args.values, replicated);
    if let Some(csv) = &mut csv {
        let extra =
            if replicated { format!(",{}", SWEEP_INTERVAL_CSV.join(",")) } else { String::new() };
        csv.data(&format!("{},{}{extra}\n", args.param, SWEEP_COLUMNS.join(",")))?;
    }
    stdout.text(&table.header(&args.param))?;
    stdout.flush()?;
    let bar = Bar::new(total_s, "simulated s");
    let mut best: Option<SweepPoint> = None;
    let threads = args.threads.for_jobs(args.values.len());
    let points = Points { tested: &tested, param: &args.param, values: &args.values, replications };
    run_points(&points, threads, &bar, |point| {
        let (point, reps) = point.map_err(invalid)?;
        // The result first, then the report.
        if let Some(csv) = &mut csv {
            csv.data(&csv_row(&point, reps.as_ref(), &objectives))?;
        }
        let row = table.row(&point, reps.as_ref(), &objectives);
        bar.suspend(|| stdout.text(&row).and_then(|()| stdout.flush()))?;
        let cheaper = best.as_ref().is_none_or(|b| point.monthly_usd < b.monthly_usd);
        if objectives.misses(&point).is_empty() && cheaper {
            best = Some(point);
        }
        Ok(())
    })?;
    bar.finish();
    if let Some(csv) = &mut csv {
        csv.flush()?;
    }
    stdout.text(&sweep_verdict(&args.param, best.as_ref()))?;
    stdout.flush()?;
    Ok(if best.is_some() { Outcome::Done } else { Outcome::NotMet })
}

/// A point's figures (its own seed's) and, with replications, every
/// seed's intervals.
type Point = (SweepPoint, Option<Replications>);

/// A finished point, by its index among the values, or why its variant
/// is not a valid scenario.
type Finished = (usize, Result<Point, Vec<Issue>>);

/// What a sweep runs: the scenario, the parameter, its values and the
/// replications of each.
struct Points<'a> {
    tested: &'a Scenario,
    param: &'a str,
    values: &'a [f64],
    replications: u32,
}

/// Runs every point on `threads` threads and hands each to `take` in
/// value order, as soon as it and those before it are done. Each run is
/// independent and seeded by its own scenario, so the points do not depend
/// on the cores or their timing. When `take` fails the runs stop at their
/// next slice and the failure is returned.
fn run_points(
    points: &Points,
    threads: usize,
    bar: &Bar,
    mut take: impl FnMut(Result<Point, Vec<Issue>>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let Points { tested, param, values, replications } = *points;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let simulated_s = AtomicU64::new(0);
    let (sender, finished) = mpsc::channel::<Finished>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let (next, stop, simulated_s) = (&next, &stop, &simulated_s);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&value) = values.get(i) else { return };
                    let point = match with_param(tested, param, value) {
                        Err(issues) => Err(issues),
                        Ok(valid) => {
                            match run_point(&valid, value, replications, stop, simulated_s) {
                                Some(point) => Ok(point),
                                None => return,
                            }
                        }
                    };
                    if sender.send((i, point)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        let outcome = deliver_in_order(values.len(), &finished, bar, &simulated_s, &mut take);
        stop.store(true, Ordering::Relaxed);
        outcome
    })
}

/// One point, its seeds one after another, each run in slices that count
/// the simulated seconds done and stop when `stop` is set (`None` then).
fn run_point(
    valid: &ValidScenario,
    value: f64,
    replications: u32,
    stop: &AtomicBool,
    simulated_s: &AtomicU64,
) -> Option<Point> {
    let scenario = valid.scenario();
    let seeds = replicate::seeds(scenario.seed, replications);
    let (mut first, mut figures) = (None, Vec::new());
    for &seed in &seeds {
        let mut sim = Simulation::new(valid, seed);
        let mut reached = 0;
        let ran = run_in_slices(&mut sim, scenario.duration_s, |_, done_s| {
            simulated_s.fetch_add(done_s - reached, Ordering::Relaxed);
            reached = done_s;
            !stop.load(Ordering::Relaxed)
        });
        if !ran {
            return None;
        }
        first.get_or_insert_with(|| measure(&sim, valid, value));
        if replications > 1 {
            figures.push(replicate::figures(&sim, valid));
        }
    }
    let reps = (replications > 1).then(|| replicate::combine(seeds, &figures));
    Some((first?, reps))
}

/// Hands the finished points to `take` in order, keeping those that finish
/// early until their turn, and moves the bar meanwhile.
fn deliver_in_order(
    count: usize,
    finished: &mpsc::Receiver<Finished>,
    bar: &Bar,
    simulated_s: &AtomicU64,
    take: &mut impl FnMut(Result<Point, Vec<Issue>>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut early = BTreeMap::new();
    let mut due = 0;
    while due < count {
        match finished.recv_timeout(Duration::from_millis(100)) {
            Ok((i, point)) => {
                early.insert(i, point);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        while let Some(point) = early.remove(&due) {
            due += 1;
            take(point)?;
        }
        bar.set(simulated_s.load(Ordering::Relaxed), &format!(", {due}/{count} points"));
    }
    Ok(())
}

/// A point as a CSV row (a stable format: plain numbers, the reasons quoted).
fn csv_row(p: &SweepPoint, reps: Option<&Replications>, objectives: &Objectives) -> String {
    let misses = objectives.misses(p);
    let mut cells = vec![p.value.to_string()];
    cells.extend(sweep_figures(p).map(|f| f.to_string()));
    cells.push(format!("{:.2}", p.monthly_usd));
    cells.push(misses.is_empty().to_string());
    cells.push(format!("\"{}\"", misses.join("; ").replace('"', "\"\"")));
    cells.extend(reps.into_iter().flat_map(|r| interval_cells(r).map(|x| x.to_string())));
    cells.join(",") + "\n"
}
