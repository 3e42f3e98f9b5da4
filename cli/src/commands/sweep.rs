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
use crate::slices::{self, Part, Report, Row};
use crate::tables::{
    SWEEP_COLUMNS, SWEEP_INTERVAL_CSV, SweepTable, interval_cells, sweep_figures, sweep_verdict,
};
use crate::{Failure, Outcome, input};

pub fn execute(args: SweepArgs) -> Result<Outcome, Failure> {
    let replications = replicate::check_count(args.replications)
        .map_err(|why| Failure::Usage(format!("--replications: {why}")))?;
    let slice = args
        .of
        .map(|of| match args.plan {
            // A plan lists every slice; it needs no index of its own.
            true => slices::index_of(Some(0), of, |_| None).map(|_| (None, of)),
            false => slices::index_of(args.index, of, |name| std::env::var(name).ok())
                .map(|index| (Some(index), of)),
        })
        .transpose()
        .map_err(Failure::Usage)?;
    let loaded = input::load(&args.scenario, Some(&args.objectives))?;
    let objectives = Objectives::of(loaded.valid.scenario());
    let tested = objectives.apply_traffic(loaded.valid.scenario());
    let invalid = |issues| Failure::Invalid { source: loaded.source.name(), issues };
    let count = args.values.len();
    let range = match slice {
        Some((Some(index), of)) => slices::slice(index, of, count),
        _ => 0..count,
    };
    // Every value is checked before anything runs, in a slice too, so a
    // bad value fails every slice as it fails the whole sweep. Each variant
    // is dropped once checked and built again when it runs, so memory
    // holds one per core, not one per value.
    let mut total_s = 0;
    for (i, &value) in args.values.iter().enumerate() {
        let valid = with_param(&tested, &args.param, value).map_err(invalid)?;
        input::within_budget(&valid, &loaded.source)?;
        if range.contains(&i) {
            total_s += valid.scenario().duration_s * u64::from(replications);
        }
    }
    let sweep = fingerprint(&tested, &args.param, &args.values, replications);
    if args.plan {
        let plan = plan(&sweep, &args.param, &args.values, slice.map(|(_, of)| of));
        let mut out = Sink::file_or_stdout(args.out.as_deref())?;
        out.json(&plan)?;
        out.flush()?;
        return Ok(Outcome::Done);
    }
    let replicated = replications > 1;
    let table = SweepTable::new(&args.param, &args.values, replicated);
    let extra =
        if replicated { format!(",{}", SWEEP_INTERVAL_CSV.join(",")) } else { String::new() };
    let csv_header = format!("{},{}{extra}\n", args.param, SWEEP_COLUMNS.join(","));
    let bar = Bar::new(total_s, "simulated s");
    let threads = args.threads.for_jobs(range.len());
    let points = Points {
        tested: &tested,
        param: &args.param,
        values: &args.values[range.clone()],
        replications,
        objectives: &objectives,
    };
    let mut next = range.start;
    let mut row = |point: Point| {
        let index = next;
        next += 1;
        Row {
            index,
            table: table.row(&point.first, point.reps.as_ref(), &point.misses),
            csv: csv_row(&point.first, point.reps.as_ref(), &point.misses),
            meets: point.misses.is_empty(),
            monthly_usd: point.first.monthly_usd,
            verdict: sweep_verdict(&args.param, Some(&point.first)),
        }
    };
    let none_met = sweep_verdict(&args.param, None);
    let table_header = table.header(&args.param);
    let Some((Some(index), of)) = slice else {
        let mut report = Report::start(args.out.as_deref(), &table_header, &csv_header)?;
        run_points(&points, threads, &bar, |point| {
            let row = row(point.map_err(invalid)?);
            bar.suspend(|| report.row(&row))
        })?;
        bar.finish();
        return report.finish(&none_met);
    };
    // Opened before the runs, as every output is: a wrong path fails now.
    let mut out = Sink::file_or_stdout(args.out.as_deref())?;
    let mut rows = Vec::with_capacity(range.len());
    run_points(&points, threads, &bar, |point| {
        rows.push(row(point.map_err(invalid)?));
        Ok(())
    })?;
    bar.finish();
    let part = Part {
        format: slices::PART_FORMAT.into(),
        version: slices::PART_VERSION,
        sweep,
        slice: index,
        of,
        points: count,
        table_header,
        csv_header,
        none_met,
        rows,
    };
    out.json(&serde_json::to_string(&part).expect("a part always serialises"))?;
    out.flush()?;
    Ok(Outcome::Done)
}

/// The sweep's fingerprint: the scenario as it runs (objectives and traffic
/// applied), the parameter, its values and the replications. Slices of the
/// same sweep share it; `merge` refuses parts whose fingerprints differ.
fn fingerprint(tested: &Scenario, param: &str, values: &[f64], replications: u32) -> String {
    let scenario = serde_json::to_string(tested).expect("a scenario always serialises");
    let values: Vec<String> = values.iter().map(f64::to_string).collect();
    let what = format!("{scenario}\n{param}\n{}\n{replications}", values.join(","));
    sim_core::digest::hex_md5(what.as_bytes())
}

/// The points as JSON: each one's index and value and, split `of` ways,
/// its slice. Nothing runs.
fn plan(sweep: &str, param: &str, values: &[f64], of: Option<u32>) -> String {
    let slice_of = |i: usize| {
        of.and_then(|of| (0..of).find(|&s| slices::slice(s, of, values.len()).contains(&i)))
    };
    let points: Vec<serde_json::Value> = values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            let mut point = serde_json::json!({ "index": i, "value": value });
            if let Some(slice) = slice_of(i) {
                point["slice"] = slice.into();
            }
            point
        })
        .collect();
    let mut plan = serde_json::json!({ "sweep": sweep, "param": param, "points": points });
    if let Some(of) = of {
        plan["of"] = of.into();
    }
    serde_json::to_string_pretty(&plan).expect("a plan always serialises")
}

/// A finished point: its figures (its own seed's), with replications every
/// seed's intervals, and the objectives it missed (over every seed).
struct Point {
    first: SweepPoint,
    reps: Option<Replications>,
    misses: Vec<String>,
}

/// A finished point, by its index among the values, or why its variant
/// is not a valid scenario.
type Finished = (usize, Result<Point, Vec<Issue>>);

/// What a sweep runs: the scenario, the parameter, its values, the
/// replications of each and the objectives they are judged by.
struct Points<'a> {
    tested: &'a Scenario,
    param: &'a str,
    values: &'a [f64],
    replications: u32,
    objectives: &'a Objectives,
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
    let Points { tested, param, values, replications, objectives } = *points;
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
                            let run = Run { value, replications, objectives };
                            match run_point(&valid, &run, stop, simulated_s) {
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

/// How one point runs: its value, its seeds and what judges them.
struct Run<'a> {
    value: f64,
    replications: u32,
    objectives: &'a Objectives,
}

/// One point, its seeds one after another, each run in slices that count
/// the simulated seconds done and stop when `stop` is set (`None` then).
fn run_point(
    valid: &ValidScenario,
    run: &Run,
    stop: &AtomicBool,
    simulated_s: &AtomicU64,
) -> Option<Point> {
    let scenario = valid.scenario();
    let seeds = replicate::seeds(scenario.seed, run.replications);
    let (mut runs, mut figures) = (Vec::new(), Vec::new());
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
        runs.push(measure(&sim, run.value));
        if run.replications > 1 {
            figures.push(replicate::figures(&sim, valid));
        }
    }
    let misses = run.objectives.misses_over(&runs);
    let reps = (run.replications > 1).then(|| replicate::combine(seeds, &figures));
    Some(Point { first: runs.swap_remove(0), reps, misses })
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
fn csv_row(p: &SweepPoint, reps: Option<&Replications>, misses: &[String]) -> String {
    let mut cells = vec![p.value.to_string()];
    cells.extend(sweep_figures(p).map(|f| f.to_string()));
    cells.push(format!("{:.2}", p.monthly_usd));
    cells.push(misses.is_empty().to_string());
    cells.push(format!("\"{}\"", misses.join("; ").replace('"', "\"\"")));
    cells.extend(reps.into_iter().flat_map(|r| interval_cells(r).map(|x| x.to_string())));
    cells.join(",") + "\n"
}
