//! `shardplay autosize`: the cheapest configuration that meets the
//! objectives, written as a scenario before it is reported.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sim_core::Scenario;
use sim_core::autosize::{
    AutosizeJob, Candidate, FormulaCheck, Knob, ON_DEMAND, Setting, Sizing, shards_text,
};
use sim_core::budget::Budget;
use sim_core::objectives::Objectives;
use sim_core::units::{bytes, format_number, quantity, usd};

use crate::args::AutosizeArgs;
use crate::input::Loaded;
use crate::output::{Sink, check_directory, note};
use crate::progress::Bar;
use crate::{Failure, Outcome, input};

pub fn execute(args: AutosizeArgs) -> Result<Outcome, Failure> {
    let loaded = input::load(&args.scenario, Some(&args.objectives))?;
    let out = out_path(&loaded, args.out)?;
    check_directory(&out)?;
    let invalid = |issues| Failure::Invalid { source: loaded.source.name(), issues };
    let scenario = loaded.valid.scenario();
    let objectives = Objectives::of(scenario);
    // The search runs the scenario at the objectives' traffic; as run
    // would, refuse it before anything runs if that is over the budget.
    let tested = sim_core::validate(&objectives.apply_traffic(scenario)).map_err(invalid)?;
    input::within_budget(&tested, &loaded.source)?;
    let mut job = AutosizeJob::new(scenario, &objectives, scenario.seed, scenario.duration_s, None)
        .map_err(invalid)?
        .with_replications(args.replications)
        .map_err(|why| Failure::Usage(format!("--replications: {why}")))?
        .within(Budget::CLI);
    let spinner = Bar::spinner();
    let sizing = loop {
        if let Some(done) = job.step(1) {
            break done.map_err(invalid)?;
        }
        if let Some(last) = job.tried().last() {
            spinner.say(&format!("run {}: {}", job.tried().len(), verdict(job.knobs(), last)));
        }
    };
    spinner.finish();
    for (settings, why) in job.over_budget() {
        note(&format!("skipped {}: {why}", settings_text(job.knobs(), settings)));
    }
    note(&format!(
        "{} configurations run in {:.2} s",
        sizing.tried.len(),
        spinner.elapsed().as_secs_f64()
    ));
    // The result first, then the report: a closed pipe loses no answer.
    let written = sizing.scenario.as_ref().map(|sized| write_sized(sized, &loaded.as_read, &out));
    let mut stdout = Sink::stdout();
    let reported = stdout.text(&sizing_report(&sizing)).and_then(|()| {
        if let Some(Ok(())) = written {
            stdout.text(&format!("wrote {}\n", out.display()))?;
        }
        stdout.flush()
    });
    match (written, reported) {
        (Some(Err(failure)), _) | (_, Err(failure)) => Err(failure),
        (Some(Ok(())), Ok(())) => Ok(Outcome::Done),
        (None, Ok(())) => Ok(Outcome::NotMet),
    }
}

/// `--out`, or the scenario's file with `.autosized.json`; a scenario from
/// standard input or a link has no file to write beside.
fn out_path(loaded: &Loaded, out: Option<PathBuf>) -> Result<PathBuf, Failure> {
    match (out, loaded.source.path()) {
        (Some(out), _) => Ok(out),
        (None, Some(file)) => Ok(file.with_extension("autosized.json")),
        (None, None) => Err(Failure::Usage(format!(
            "the scenario comes from {}: name the file for the sized scenario with --out",
            loaded.source.name()
        ))),
    }
}

/// Writes the sized scenario with the file's own run length, seed and
/// objectives: the flags shaped the search, not the scenario.
fn write_sized(sized: &Scenario, as_read: &Scenario, out: &Path) -> Result<(), Failure> {
    let sized = Scenario {
        duration_s: as_read.duration_s,
        warmup_s: as_read.warmup_s,
        seed: as_read.seed,
        objectives: as_read.objectives.clone(),
        ..sized.clone()
    };
    // Sized and checked under this model, so stamped with it.
    let json =
        serde_json::to_string_pretty(&sized.stamped()).expect("a scenario always serialises");
    let mut file = Sink::create(out)?;
    file.json(&(json + "\n"))?;
    file.flush()
}

/// `events.capacity=6 shards: $128.36 a month, meets every objective`.
fn verdict(knobs: &[Knob], c: &Candidate) -> String {
    let settings = settings_text(knobs, &c.settings);
    let month = usd(c.point.monthly_usd);
    if c.meets() {
        format!("{settings}: {month} a month, meets every objective")
    } else {
        format!("{settings}: {month} a month, {}", c.misses.join("; "))
    }
}

fn settings_text(knobs: &[Knob], settings: &[u32]) -> String {
    let parts: Vec<String> = knobs
        .iter()
        .zip(settings)
        .map(|(k, &v)| format!("{}={}", k.label(), k.value_text(v)))
        .collect();
    parts.join(", ")
}

/// The classic formula for one stream (aws-facts 1.4), its inputs, and
/// how it compares with the planner's answer: "the same answer" only when
/// the two agree.
fn formula_line(f: &FormulaCheck, winner: &Candidate) -> String {
    let i = &f.inputs;
    let consumers = match i.consumers {
        1 => "1 shared consumer".to_string(),
        n => format!("{n} shared consumers"),
    };
    let formula = format!(
        "classic formula for {}: {} (max of {} KiB/s in / 1,024 and {} KiB/s out / 2,048: \
         {} records/s with {} of data each, counted as {} KiB, {consumers})",
        f.stream,
        shards_text(f.formula_shards),
        quantity(i.incoming_kib_per_s()),
        quantity(i.outgoing_kib_per_s()),
        quantity(i.records_per_s),
        bytes(i.average_data_bytes),
        quantity(i.average_data_size_kib()),
    );
    let Some(run) = &f.formula_run else {
        return if f.formula_shards == f.sized {
            format!("{formula}, the same answer as the planner's")
        } else {
            format!("{formula}; the planner's answer: {}", shards_text(f.sized))
        };
    };
    let planner = format!(
        "the planner's answer: {} ({} a month)",
        shards_text(f.sized),
        usd(winner.point.monthly_usd)
    );
    if run.meets() {
        format!(
            "{formula}; {planner}; at {} it meets every objective too ({} a month)",
            shards_text(f.formula_shards),
            usd(run.point.monthly_usd)
        )
    } else {
        format!(
            "{formula}; {planner}; the formula is too optimistic here: at {} {} write attempts \
             refused on {} ({})",
            shards_text(f.formula_shards),
            format_number(f.formula_throttled()),
            f.stream,
            run.misses.join("; ")
        )
    }
}

fn sizing_report(sizing: &Sizing) -> String {
    let mut out = String::new();
    let failure_line = |out: &mut String, c: &Candidate| {
        let settings = settings_text(&sizing.knobs, &c.settings);
        let _ =
            writeln!(out, "  {:<11} {settings}: {}", usd(c.point.monthly_usd), c.misses.join("; "));
    };
    let Some(winner) = sizing.winner() else {
        out.push_str("no configuration meets every objective; the nearest tried:\n");
        for c in sizing.cheaper_failures().iter().rev().take(5) {
            failure_line(&mut out, c);
        }
        if sizing.knobs.iter().any(|k| k.setting == Setting::Shards) {
            out.push_str(
                "more shards stop helping (is one partition key over a shard's 1,000 records/s or 1 MiB/s?)\n",
            );
        }
        return out;
    };
    out.push_str("cheapest configuration meeting every objective:\n");
    for (k, &v) in sizing.knobs.iter().zip(&winner.settings) {
        let was = if v == k.initial {
            String::new()
        } else {
            format!("  (was {})", k.value_text(k.initial))
        };
        let _ = writeln!(out, "  {:<44} {}{was}", k.label(), k.value_text(v));
        if k.setting == Setting::Shards && v != ON_DEMAND {
            let _ = writeln!(out, "  {}: fewest shards that meet every objective: {v}", k.node);
        }
    }
    let _ = writeln!(out, "  {} a month", usd(winner.point.monthly_usd));
    let failures = sizing.cheaper_failures();
    if !failures.is_empty() {
        let _ = writeln!(
            out,
            "cheaper configurations that fail ({} of {} tried):",
            failures.len(),
            sizing.tried.len()
        );
        for c in failures.iter().take(8) {
            failure_line(&mut out, c);
        }
    }
    for f in &sizing.formula {
        let _ = writeln!(out, "{}", formula_line(f, winner));
    }
    if let Some(monthly) = sizing.monthly_usd {
        let _ = writeln!(out, "sized scenario: {} a month", usd(monthly));
    }
    out
}
