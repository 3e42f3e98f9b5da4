//! `shardplay`: run Shardplay scenarios headless, on the same engine as the
//! browser app.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sim_core::time::{SECOND, parse_duration_s};
use sim_core::{Issue, Simulation, ValidScenario, load_scenario, summarize, time_series_csv};

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
    /// Check a scenario file and print every problem found.
    Validate {
        /// Scenario file (JSON).
        file: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// The run summary (stable format).
    Json,
    /// Per-second time series of every metric.
    Csv,
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
