//! `shardplay`: run Shardplay scenarios headless, on the same engine as the
//! browser app.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sim_core::autosize::{ON_DEMAND, Objectives, Setting, Sizing, autosize_with_progress};
use sim_core::sweep::{SweepPoint, run_point, with_param};
use sim_core::time::{SECOND, parse_duration_s};
use sim_core::{
    Issue, ModeComparison, Simulation, ValidScenario, compare_modes, load_scenario, summarize,
    time_series_csv,
};

#[derive(Parser)]
#[command(
    name = "shardplay",
    version,
    about = "Headless runs of Shardplay streaming-pipeline scenarios"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and print a JSON summary (or the time series as CSV).
    Run {
        /// Scenario file (JSON).
        file: PathBuf,
        /// Simulated duration: seconds, or 30s / 10m / 2h / 7d. Defaults to the scenario's.
        #[arg(long, value_parser = parse_run_duration)]
        duration: Option<u64>,
        /// Seed for every random stream. Defaults to the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Write the output here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a scenario with every stream provisioned and with every stream on
    /// demand, and print the two bills side by side.
    Cost {
        /// Scenario file (JSON).
        file: PathBuf,
        /// Simulated duration of each run: seconds, or 30s / 10m / 2h / 7d.
        /// Defaults to the scenario's.
        #[arg(long, value_parser = parse_run_duration)]
        duration: Option<u64>,
        /// Seed for every random stream. Defaults to the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CostFormat::Table)]
        format: CostFormat,
    },
    /// Run a scenario once per value of one parameter (on every core) and
    /// print the figures a capacity planner compares; --out writes CSV.
    Sweep {
        /// Scenario file (JSON).
        file: PathBuf,
        /// The parameter: <node id>.<param path> (events.capacity.shards,
        /// clicks.records_per_s) or a top-level field (duration_s).
        #[arg(long)]
        param: String,
        /// Values: a,b,c or from:to:step (inclusive).
        #[arg(long, value_parser = sim_core::sweep::parse_values)]
        values: std::vec::Vec<f64>,
        /// Simulated duration of each run: seconds, or 30s / 10m / 2h / 7d.
        #[arg(long, value_parser = parse_run_duration)]
        duration: Option<u64>,
        /// Seed for every random stream. Defaults to the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        #[command(flatten)]
        objectives: ObjectiveArgs,
        /// Write the points as CSV here too.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Find the fewest shards for each provisioned stream that meet the
    /// objectives, compare with the classic sizing formula, and write the
    /// sized scenario.
    Autosize {
        /// Scenario file (JSON).
        file: PathBuf,
        /// Simulated duration of each trial run. Defaults to the scenario's.
        #[arg(long, value_parser = parse_run_duration)]
        duration: Option<u64>,
        /// Seed for every random stream. Defaults to the scenario's.
        #[arg(long)]
        seed: Option<u64>,
        #[command(flatten)]
        objectives: ObjectiveArgs,
        /// Where to write the sized scenario (default: FILE with .autosized.json).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a scenario file and print every problem found.
    Validate {
        /// Scenario file (JSON).
        file: PathBuf,
    },
}

/// Objectives on the command line; each flag overrides the scenario's
/// `objectives` block.
#[derive(Args)]
struct ObjectiveArgs {
    /// Test against this multiple of the scenario's traffic (e.g. 2 for twice today's peak).
    #[arg(long)]
    traffic: Option<f64>,
    /// Require iterator age p99 at most this (seconds, or 30s / 10m / 2h).
    #[arg(long, value_parser = parse_duration_s)]
    max_iterator_age: Option<u64>,
    /// Require every queue's oldest message to be at most this old (seconds, or 30s / 10m).
    #[arg(long, value_parser = parse_duration_s)]
    max_oldest_message_age: Option<u64>,
    /// Require Firehose data freshness at most this (seconds, or 30s / 10m).
    #[arg(long, value_parser = parse_duration_s)]
    max_data_freshness: Option<u64>,
    /// Also require no read throttling.
    #[arg(long)]
    no_read_throttling: bool,
    /// Accept records lost to throttling, expiry, dead letters or delivery failure.
    #[arg(long)]
    allow_loss: bool,
}

impl ObjectiveArgs {
    /// The scenario's objectives with these flags laid over them, checked
    /// against the same ranges as the block.
    fn over(&self, scenario: &sim_core::Scenario) -> Result<Objectives, Vec<Issue>> {
        let mut o = Objectives::of(scenario);
        if let Some(t) = self.traffic {
            o.traffic_multiplier = t;
        }
        if let Some(s) = self.max_iterator_age {
            o.max_iterator_age_p99_ms = Some(s as f64 * 1_000.0);
        }
        if let Some(s) = self.max_oldest_message_age {
            o.max_oldest_message_age_s = Some(s as f64);
        }
        if let Some(s) = self.max_data_freshness {
            o.max_data_freshness_s = Some(s as f64);
        }
        o.no_read_throttling |= self.no_read_throttling;
        if self.allow_loss {
            o.no_data_lost = false;
        }
        let checked = sim_core::Scenario { objectives: Some(o.clone()), ..scenario.clone() };
        sim_core::validate(&checked).map(|_| o)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// The run summary (stable format).
    Json,
    /// Per-second time series of every metric.
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum CostFormat {
    /// A table for people.
    Table,
    /// The comparison as JSON (stable format).
    Json,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Run { file, duration, seed, format, out } => {
            let valid = match load(&file) {
                Ok(v) => v,
                Err(code) => return code,
            };
            let duration_s = duration.unwrap_or(valid.scenario().duration_s);
            let seed = seed.unwrap_or(valid.scenario().seed);
            let sim = run(&valid, seed, duration_s);
            let text = match format {
                Format::Json => {
                    let mut json = serde_json::to_string_pretty(&summarize(&sim))
                        .expect("a summary always serialises");
                    json.push('\n');
                    json
                }
                Format::Csv => time_series_csv(&sim),
            };
            write_output(out.as_deref(), &text)
        }
        Command::Cost { file, duration, seed, format } => {
            let valid = match load(&file) {
                Ok(v) => v,
                Err(code) => return code,
            };
            let duration_s = duration.unwrap_or(valid.scenario().duration_s);
            let seed = seed.unwrap_or(valid.scenario().seed);
            let comparison = match compare_modes(&valid, seed, duration_s) {
                Ok(c) => c,
                Err(issues) => {
                    report_issues(&file, &issues);
                    return ExitCode::from(1);
                }
            };
            let text = match format {
                CostFormat::Json => {
                    let mut json = serde_json::to_string_pretty(&comparison)
                        .expect("a comparison always serialises");
                    json.push('\n');
                    json
                }
                CostFormat::Table => cost_table(&comparison),
            };
            write_output(None, &text)
        }
        Command::Sweep { file, param, values, duration, seed, objectives, out } => {
            let (valid, objectives, duration_s, seed) =
                match plan_inputs(&file, &objectives, duration, seed) {
                    Ok(inputs) => inputs,
                    Err(code) => return code,
                };
            match sweep(&valid, &param, &values, &objectives, seed, duration_s) {
                Ok(points) => {
                    print!("{}", sweep_table(&param, &points, &objectives));
                    match out {
                        Some(path) => {
                            write_output(Some(&path), &sweep_csv(&param, &points, &objectives))
                        }
                        None => ExitCode::SUCCESS,
                    }
                }
                Err(issues) => {
                    report_issues(&file, &issues);
                    ExitCode::from(1)
                }
            }
        }
        Command::Autosize { file, duration, seed, objectives, out } => {
            let (valid, objectives, duration_s, seed) =
                match plan_inputs(&file, &objectives, duration, seed) {
                    Ok(inputs) => inputs,
                    Err(code) => return code,
                };
            let terminal = std::io::stderr().is_terminal();
            let mut progress = |line: &str| {
                if terminal {
                    let shown: String = line.chars().take(100).collect();
                    eprint!("\r\x1b[K{shown}");
                }
            };
            let started = std::time::Instant::now();
            let sized = autosize_with_progress(
                valid.scenario(),
                &objectives,
                seed,
                duration_s,
                &mut progress,
            );
            if terminal {
                eprint!("\r\x1b[K");
            }
            let sizing = match sized {
                Ok(s) => s,
                Err(issues) => {
                    report_issues(&file, &issues);
                    return ExitCode::from(1);
                }
            };
            eprintln!(
                "{} configurations run in {:.2} s",
                sizing.tried.len(),
                started.elapsed().as_secs_f64()
            );
            print!("{}", sizing_report(&sizing));
            match &sizing.scenario {
                Some(scenario) => {
                    let path = out.unwrap_or_else(|| file.with_extension("autosized.json"));
                    let mut json =
                        serde_json::to_string_pretty(scenario).expect("a scenario serialises");
                    json.push('\n');
                    let code = write_output(Some(&path), &json);
                    println!("wrote {}", path.display());
                    code
                }
                None => ExitCode::from(3),
            }
        }
        Command::Validate { file } => match load(&file) {
            Ok(v) => {
                println!(
                    "{}: ok ({} nodes, {} links)",
                    file.display(),
                    v.scenario().nodes.len(),
                    v.scenario().links.len()
                );
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
    }
}

/// A run length: up to a year, the longest scenario duration allowed.
fn parse_run_duration(text: &str) -> Result<u64, String> {
    const YEAR_S: u64 = 365 * 86_400;
    let s = parse_duration_s(text)?;
    if s > YEAR_S { Err(format!("{text:?} is longer than the 365-day limit")) } else { Ok(s) }
}

fn load(file: &Path) -> Result<ValidScenario, ExitCode> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        eprintln!("{}: cannot read: {e}", file.display());
        ExitCode::from(2)
    })?;
    load_scenario(&text).map_err(|issues| {
        report_issues(file, &issues);
        ExitCode::from(1)
    })
}

/// What `sweep` and `autosize` both start from: the scenario, its
/// objectives with the flags laid over them, and the run's length and seed
/// (the scenario's own unless given).
fn plan_inputs(
    file: &Path,
    objectives: &ObjectiveArgs,
    duration: Option<u64>,
    seed: Option<u64>,
) -> Result<(ValidScenario, Objectives, u64, u64), ExitCode> {
    let valid = load(file)?;
    let objectives = objectives.over(valid.scenario()).map_err(|issues| {
        report_issues(file, &issues);
        ExitCode::from(2)
    })?;
    let duration_s = duration.unwrap_or(valid.scenario().duration_s);
    let seed = seed.unwrap_or(valid.scenario().seed);
    Ok((valid, objectives, duration_s, seed))
}

fn report_issues(file: &Path, issues: &[Issue]) {
    let n = issues.len();
    eprintln!("{}: {n} problem{}", file.display(), if n == 1 { "" } else { "s" });
    for issue in issues {
        eprintln!("  {issue}");
    }
}

/// Runs to `duration_s`, drawing a progress bar on stderr when it is a terminal.
fn run(valid: &ValidScenario, seed: u64, duration_s: u64) -> Simulation {
    let mut sim = Simulation::new(valid, seed);
    let bar = ProgressBar::with_draw_target(
        Some(duration_s),
        if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} simulated s ({elapsed}, eta {eta})")
            .expect("valid template"),
    );
    let chunk = (duration_s / 200).max(1);
    let mut t = 0;
    while t < duration_s {
        t = (t + chunk).min(duration_s);
        sim.run_until(t * SECOND);
        bar.set_position(t);
    }
    bar.finish_and_clear();
    sim
}

fn write_output(out: Option<&Path>, text: &str) -> ExitCode {
    let result = match out {
        Some(path) => std::fs::write(path, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

/// US dollars for people: cents from $1, four decimals below, thousands
/// separated.
fn usd(value: f64) -> String {
    let decimals = if value.abs() >= 1.0 || value == 0.0 { 2 } else { 4 };
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}${grouped}.{frac}")
}

/// A count or quantity for people: whole numbers grouped, small ones with
/// up to four significant decimals.
fn quantity(value: f64) -> String {
    if value >= 1000.0 || value.fract() == 0.0 {
        let whole = format!("{:.0}", value);
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        grouped
    } else {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The comparison as a readable table.
fn cost_table(c: &ModeComparison) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — seed {}, {} simulated, {}, {}-hour month",
        c.scenario,
        c.seed,
        duration_text(c.duration_s),
        c.region,
        quantity(c.month_hours)
    );
    let _ = writeln!(out);
    let title = |m: &sim_core::compare::ModeBill| {
        let name = if m.mode == "on_demand" { "on-demand" } else { "provisioned" };
        if m.as_given { format!("{name} (as given)") } else { name.to_string() }
    };
    let streams = |m: &sim_core::compare::ModeBill| {
        m.streams
            .iter()
            .map(|(id, s)| {
                if s.shards_at_start == s.shards_at_end {
                    format!("{id}: {} shards", s.shards_at_start)
                } else {
                    format!("{id}: {}→{} shards", s.shards_at_start, s.shards_at_end)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows: Vec<(&str, Vec<String>)> = vec![
        ("", c.modes.iter().map(title).collect()),
        ("streams", c.modes.iter().map(streams).collect()),
        ("cost of the run", c.modes.iter().map(|m| usd(m.total_usd)).collect()),
        ("monthly projection", c.modes.iter().map(|m| usd(m.monthly_projection_usd)).collect()),
        ("writes throttled", c.modes.iter().map(|m| quantity(m.write_throttled as f64)).collect()),
        (
            "records given up",
            c.modes.iter().map(|m| quantity(m.ledger.throttled_dropped as f64)).collect(),
        ),
        (
            "records delivered",
            c.modes.iter().map(|m| quantity(m.ledger.delivered as f64)).collect(),
        ),
    ];
    let width = |col: usize| rows.iter().map(|r| r.1[col].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..c.modes.len()).map(width).collect();
    for (label, cells) in &rows {
        let _ = write!(out, "{label:<20}");
        for (cell, w) in cells.iter().zip(&widths) {
            let _ = write!(out, "  {cell:>w$}");
        }
        let _ = writeln!(out);
    }
    let saver = if c.cheaper == "on_demand" { "On-demand" } else { "Provisioned" };
    let _ = write!(out, "\n{saver} is cheaper by {} a month", usd(c.monthly_saving_usd));
    let cheap = c.modes.iter().find(|m| m.mode == c.cheaper);
    let dear = c.modes.iter().find(|m| m.mode != c.cheaper);
    match (cheap, dear) {
        (Some(a), Some(b)) if a.write_throttled > b.write_throttled => {
            let _ = writeln!(
                out,
                ", but it throttled {} writes against {}.",
                quantity(a.write_throttled as f64),
                quantity(b.write_throttled as f64)
            );
        }
        _ => {
            let _ = writeln!(out, ".");
        }
    }
    for m in &c.modes {
        let _ = writeln!(out, "\n{} line items:", title(m));
        for i in &m.items {
            let _ = writeln!(
                out,
                "  {:<40} {:>16} {:<20} {:>10}",
                i.item,
                quantity(i.units),
                i.unit,
                usd(i.usd)
            );
        }
    }
    for note in &c.notes {
        let _ = writeln!(out, "\nNote: {note}");
    }
    out
}

/// `600` -> `10 min`, `7200` -> `2 h`.
fn duration_text(s: u64) -> String {
    match s {
        0 => "0 s".into(),
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3_600 == 0 => format!("{} h", s / 3_600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// Runs every point, spread over the machine's cores; the result is in
/// value order and the same whatever the number of cores (each run is
/// independent and seeded the same).
fn sweep(
    valid: &ValidScenario,
    param: &str,
    values: &[f64],
    objectives: &Objectives,
    seed: u64,
    duration_s: u64,
) -> Result<Vec<SweepPoint>, Vec<Issue>> {
    let tested = objectives.apply_traffic(valid.scenario());
    let variants: Vec<ValidScenario> =
        values.iter().map(|&v| with_param(&tested, param, v)).collect::<Result<_, _>>()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(values.len());
    let mut points: Vec<Option<SweepPoint>> = vec![None; values.len()];
    std::thread::scope(|scope| {
        let chunks = points.chunks_mut(values.len().div_ceil(cores));
        for (k, chunk) in chunks.enumerate() {
            let start = k * values.len().div_ceil(cores);
            let (variants, values) = (&variants, values);
            scope.spawn(move || {
                for (j, slot) in chunk.iter_mut().enumerate() {
                    let i = start + j;
                    *slot = Some(run_point(&variants[i], values[i], seed, duration_s));
                }
            });
        }
    });
    Ok(points.into_iter().map(|p| p.expect("every point ran")).collect())
}

const SWEEP_COLUMNS: [&str; 12] = [
    "value",
    "write_throttled",
    "read_throttled",
    "iterator_age_p99_ms",
    "max_behind_ms",
    "oldest_message_age_s",
    "data_freshness_s",
    "lost_records",
    "shards",
    "monthly_usd",
    "meets_objectives",
    "why_not",
];

fn sweep_row(p: &SweepPoint, objectives: &Objectives) -> [String; 12] {
    let misses = objectives.misses(p);
    [
        format!("{}", p.value),
        format!("{}", p.write_throttled),
        format!("{}", p.read_throttled),
        format!("{}", p.iterator_age_p99_ms),
        format!("{}", p.max_behind_ms),
        format!("{}", p.oldest_message_age_s),
        format!("{}", p.data_freshness_s),
        format!("{}", p.lost_records),
        format!("{}", p.shards),
        format!("{:.2}", p.monthly_usd),
        format!("{}", misses.is_empty()),
        misses.join("; "),
    ]
}

fn sweep_table(param: &str, points: &[SweepPoint], objectives: &Objectives) -> String {
    let mut rows = vec![SWEEP_COLUMNS.map(String::from)];
    rows[0][0] = param.to_string();
    rows.extend(points.iter().map(|p| sweep_row(p, objectives)));
    let widths: Vec<usize> = (0..SWEEP_COLUMNS.len())
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let last = row.len() - 1;
        let mut cells: Vec<String> =
            row.iter().zip(&widths).map(|(cell, w)| format!("{cell:>w$}")).collect();
        // The reasons read left to right.
        cells[last] = row[last].clone();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let met: Vec<&SweepPoint> = points.iter().filter(|p| objectives.misses(p).is_empty()).collect();
    match met.iter().min_by(|a, b| a.monthly_usd.total_cmp(&b.monthly_usd)) {
        Some(best) => out.push_str(&format!(
            "cheapest meeting every objective: {param} = {} at ${:.2} a month\n",
            best.value, best.monthly_usd
        )),
        None => out.push_str("no value met every objective\n"),
    }
    out
}

fn sweep_csv(param: &str, points: &[SweepPoint], objectives: &Objectives) -> String {
    let mut header = SWEEP_COLUMNS.map(String::from);
    header[0] = param.to_string();
    let mut out = header.join(",") + "\n";
    for p in points {
        let mut row = sweep_row(p, objectives);
        let last = row.len() - 1;
        row[last] = format!("\"{}\"", row[last].replace('"', "\"\""));
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn settings_text(sizing: &Sizing, settings: &[u32]) -> String {
    let parts: Vec<String> = sizing
        .knobs
        .iter()
        .zip(settings)
        .map(|(k, &v)| format!("{}={}", k.label(), k.value_text(v)))
        .collect();
    parts.join(", ")
}

fn sizing_report(sizing: &Sizing) -> String {
    let mut out = String::new();
    let Some(winner) = sizing.winner() else {
        out.push_str("no configuration meets every objective; the nearest tried:\n");
        for c in sizing.cheaper_failures().iter().rev().take(5) {
            out.push_str(&format!(
                "  ${:<10.2} {}: {}\n",
                c.point.monthly_usd,
                settings_text(sizing, &c.settings),
                c.misses.join("; ")
            ));
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
        out.push_str(&format!("  {:<44} {}{was}\n", k.label(), k.value_text(v)));
        if k.setting == Setting::Shards && v != ON_DEMAND {
            out.push_str(&format!("  {}: fewest shards that meet every objective: {v}\n", k.node));
        }
    }
    out.push_str(&format!("  ${:.2} a month\n", winner.point.monthly_usd));
    let failures = sizing.cheaper_failures();
    if !failures.is_empty() {
        out.push_str(&format!(
            "cheaper configurations that fail ({} of {} tried):\n",
            failures.len(),
            sizing.tried.len()
        ));
        for c in failures.iter().take(8) {
            out.push_str(&format!(
                "  ${:<10.2} {}: {}\n",
                c.point.monthly_usd,
                settings_text(sizing, &c.settings),
                c.misses.join("; ")
            ));
        }
    }
    for f in &sizing.formula {
        let note = match &f.formula_run {
            None => "the same answer".to_string(),
            Some(run) if run.meets() => {
                format!("enough here (${:.2} a month)", run.point.monthly_usd)
            }
            Some(run) => format!(
                "too optimistic here: at {} shards {} records throttled on {} ({})",
                f.formula_shards,
                sim_core::validate::format_number(f.formula_throttled()),
                f.stream,
                run.misses.join("; ")
            ),
        };
        out.push_str(&format!(
            "classic formula for {} (max of MiB/s in, records/s / 1,000, reads / 2 MiB/s per shared consumer): {} shards, {note}\n",
            f.stream, f.formula_shards
        ));
    }
    if let Some(usd) = sizing.monthly_usd {
        out.push_str(&format!("sized scenario: ${usd:.2} a month\n"));
    }
    out
}
