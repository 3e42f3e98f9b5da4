//! The command line: subcommands and their flags, with the arguments every
//! subcommand shares (the scenario, its run length and seed) declared once.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use sim_core::replicate::{self, MAX_REPLICATIONS};
use sim_core::time::parse_duration_s;

/// What every exit status means; shown under `--help` of every command.
pub const EXIT_CODES: &str = "\
Exit status:
  0    done
  1    the scenario is invalid, as read or with the flags laid over it
       (every problem is listed, with its field or flag), or a run of it
       needs more memory or work than the CLI allows (the message names
       the parameter to change), or a sweep part given to merge is damaged
  2    the command line is wrong (an unknown flag, a value that does not parse,
       merge without every slice of one sweep exactly once)
  3    no configuration meets the objectives (autosize; sweep and merge when
       no value does), whether they came from flags or from the scenario
  4    the scenario cannot be read or the output cannot be written (the
       message names the file)
  141  standard output was closed early (`| head`): the command stops
       quietly, as a pipe's writer killed by SIGPIPE does";

#[derive(Parser)]
#[command(
    name = "shardplay",
    version,
    about = "Headless runs of Shardplay streaming-pipeline scenarios"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Parses the process's arguments, with the exit codes under every help.
pub fn parse() -> Result<Cli, clap::Error> {
    let command =
        Cli::command().after_help(EXIT_CODES).mut_subcommands(|c| c.after_help(EXIT_CODES));
    Cli::from_arg_matches(&command.try_get_matches()?)
}

#[derive(Subcommand)]
pub enum Command {
    /// Run a scenario and print a JSON summary (or the time series as CSV).
    Run(RunArgs),
    /// Run a scenario with every stream provisioned and with every stream on
    /// demand, and print three bills side by side: provisioned, On-demand
    /// Standard and On-demand Advantage.
    Cost(CostArgs),
    /// Run the same producers on Kinesis Data Streams (the scenario's
    /// provisioned shards), on Amazon MSK (brokers, one partition per
    /// shard) and on MSK Serverless (the same partitions, no brokers), and
    /// print throughput headroom, refused or delayed writes, lag, losses
    /// and monthly cost side by side.
    Compare(CompareArgs),
    /// Run a scenario once per value of one parameter (on every core) and
    /// print the figures a capacity planner compares, row by row as they
    /// finish; --out writes CSV.
    Sweep(SweepArgs),
    /// Join the partial results of a sweep split with --index I --of N
    /// into the table (and, with --out, the CSV) the one-machine sweep
    /// prints, byte for byte; a missing, repeated or foreign slice is
    /// refused by name.
    Merge(MergeArgs),
    /// Find the fewest shards for each provisioned stream that meet the
    /// objectives, compare with AWS's classic sizing formula (records'
    /// average data rounded up to 1 KiB × records/s, over 1,024 KiB/s in
    /// or, × shared consumers, 2,048 KiB/s out per shard), and write the
    /// sized scenario.
    Autosize(AutosizeArgs),
    /// Check a scenario and print every problem found.
    Validate(ValidateArgs),
    /// Write the scenario's AWS resources as infrastructure code
    /// (CloudFormation YAML or JSON, or Terraform), with the least-privilege
    /// IAM roles they need.
    Export(ExportArgs),
    /// Read a CloudFormation template (YAML or JSON) as a scenario: its
    /// Kinesis streams and consumers, Firehose delivery streams, SQS queues
    /// and Lambda functions with their event source mappings, wired as the
    /// template wires them. What is not simulated, and what a template
    /// cannot say (traffic), is listed on standard error.
    Import(ImportArgs),
}

/// The scenario and how to run it: what every subcommand takes.
#[derive(Args)]
pub struct ScenarioArgs {
    /// The scenario: a JSON file, `-` for standard input, or a share link
    /// (https://.../#s=..., #s=... or s=...; name a file that starts so as
    /// ./s=...).
    pub input: OsString,
    /// Simulated duration: seconds, or 30s / 10m / 2h / 7d (1 s to 365 d).
    /// Defaults to the scenario's.
    #[arg(long, value_parser = parse_duration_s)]
    pub duration: Option<u64>,
    /// Seed for every random stream. Defaults to the scenario's.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Warm-up left out of the statistics (seconds, or 30s / 10m / 2h;
    /// 0 s up to the duration). Defaults to the scenario's `warmup_s`.
    #[arg(long, value_parser = parse_warmup_s)]
    pub warmup: Option<u64>,
}

/// A latency in ms from `500ms`, `2s`, `1.5` (seconds) or `1m`.
fn parse_millis(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1_000.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        (t, 1_000.0)
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v * scale)
        .ok_or_else(|| format!("{text:?} is not a time: give 500ms, 2s, 1.5 (seconds) or 1m"))
}

/// A replication count, 1 to [`MAX_REPLICATIONS`], held to
/// `replicate::check_count` whatever was typed: a number out of range, one
/// too large for any count, a negative one or a word is refused with the
/// range (clap names the flag).
pub fn parse_replications(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) => replicate::check_count(n),
        Err(_) if !text.trim().is_empty() && text.trim().bytes().all(|b| b.is_ascii_digit()) => {
            Err(format!("replications is {}; it must be 1 to {MAX_REPLICATIONS}", text.trim()))
        }
        Err(_) => Err(format!(
            "{text:?} is not a whole number; replications must be 1 to {MAX_REPLICATIONS}"
        )),
    }
}

/// A warm-up: a duration, where 0 (no warm-up) is allowed.
fn parse_warmup_s(text: &str) -> Result<u64, String> {
    if text.trim().trim_end_matches('s') == "0" { Ok(0) } else { parse_duration_s(text) }
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Write the output here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run N seeds (the scenario's first, the others derived from it) and
    /// add each key figure's mean and 95% confidence interval to the JSON
    /// summary under `replications` (1 to 100; 1 is a plain run)
    #[arg(
        long,
        default_value_t = 1,
        value_name = "N",
        value_parser = parse_replications,
        allow_negative_numbers = true
    )]
    pub replications: u32,
    #[command(flatten)]
    pub threads: ThreadArgs,
}

/// How many threads independent runs spread over.
#[derive(Args)]
pub struct ThreadArgs {
    /// Threads for independent runs (default: every core); the output is
    /// the same whatever the number
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: Option<u32>,
}

impl ThreadArgs {
    /// Threads to use for `jobs` independent runs: the flag, else every
    /// core, never more than the jobs.
    pub fn for_jobs(&self, jobs: usize) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.threads.map_or(cores, |n| n as usize).min(jobs).max(1)
    }
}

#[derive(Args)]
pub struct CostArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Bill N seeds (the scenario's first) and add each mode's 95%
    /// interval, and whether the cheapest is cheaper with 95% confidence
    /// (1 to 100)
    #[arg(
        long,
        default_value_t = 1,
        value_name = "N",
        value_parser = parse_replications,
        allow_negative_numbers = true
    )]
    pub replications: u32,
    #[command(flatten)]
    pub threads: ThreadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CostFormat::Table)]
    pub format: CostFormat,
}

#[derive(Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// MSK brokers per stream (a multiple of 3, the Availability Zones; 3
    /// to 60). The MSK Serverless column has none.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(3..=60))]
    pub brokers: u32,
    /// MSK broker instance type (kafka.t3.small, kafka.m5.large ...
    /// kafka.m5.24xlarge, kafka.m7g.large ... kafka.m7g.16xlarge).
    #[arg(long, default_value = "kafka.m5.large", value_parser = parse_broker_type)]
    pub broker_type: sim_core::scenario::BrokerType,
    /// Run every service with N seeds (the scenario's first) and add each
    /// measured figure's mean, standard deviation and 95% confidence
    /// interval (1 to 100; 1 is a plain comparison)
    #[arg(
        long,
        default_value_t = 1,
        value_name = "N",
        value_parser = parse_replications,
        allow_negative_numbers = true
    )]
    pub replications: u32,
    #[command(flatten)]
    pub threads: ThreadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CostFormat::Table)]
    pub format: CostFormat,
}

fn parse_broker_type(text: &str) -> Result<sim_core::scenario::BrokerType, String> {
    sim_core::scenario::BrokerType::ALL.into_iter().find(|t| t.as_str() == text).ok_or_else(|| {
        let names: Vec<&str> =
            sim_core::scenario::BrokerType::ALL.iter().map(|t| t.as_str()).collect();
        format!("unknown broker type {text:?}; one of {}", names.join(", "))
    })
}

#[derive(Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The parameter: <node id>.<param path> (events.capacity.shards,
    /// clicks.records_per_s), or seed or duration_s (e.g. 60,600,3600).
    #[arg(long)]
    pub param: String,
    /// Values: a,b,c or from:to:step (inclusive).
    #[arg(long, value_parser = sim_core::sweep::parse_values)]
    pub values: std::vec::Vec<f64>,
    #[command(flatten)]
    pub objectives: ObjectiveArgs,
    #[command(flatten)]
    pub threads: ThreadArgs,
    /// Run each point with N seeds (its own first) and add the 95%
    /// confidence interval of throttling, losses and cost (1 to 100)
    #[arg(
        long,
        default_value_t = 1,
        value_name = "N",
        value_parser = parse_replications,
        allow_negative_numbers = true
    )]
    pub replications: u32,
    /// Write the points as CSV here too; with --index, the slice's partial
    /// result (JSON, for `merge`; standard output without --out); with
    /// --plan, the plan.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the points as JSON (with --of, each one's slice) and run
    /// nothing.
    #[arg(long, conflicts_with = "index")]
    pub plan: bool,
    /// Split the points into N contiguous slices (1 to 10,000), one per
    /// machine; `merge` joins their partial results.
    #[arg(long, value_name = "N")]
    pub of: Option<u32>,
    /// Run only slice I of --of N (0 to N - 1). Without it, read from
    /// JOB_COMPLETION_INDEX (Kubernetes), AWS_BATCH_JOB_ARRAY_INDEX (AWS
    /// Batch) or SLURM_ARRAY_TASK_ID (Slurm).
    #[arg(long, value_name = "I", requires = "of")]
    pub index: Option<u32>,
}

#[derive(Args)]
pub struct MergeArgs {
    /// The partial results of `sweep --index I --of N`: every slice once,
    /// in any order.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Write the points as CSV here too, as the one-machine sweep's --out.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct AutosizeArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub objectives: ObjectiveArgs,
    /// Run each candidate with N seeds (its own first) and judge every
    /// objective at its upper 95% confidence bound (1 to 100)
    #[arg(
        long,
        default_value_t = 1,
        value_name = "N",
        value_parser = parse_replications,
        allow_negative_numbers = true
    )]
    pub replications: u32,
    /// Where to write the sized scenario (default: FILE with .autosized.json;
    /// required when the scenario comes from standard input or a link).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}

/// Objectives on the command line; each flag overrides the scenario's
/// `objectives` block and is checked against the same ranges.
#[derive(Args)]
pub struct ObjectiveArgs {
    /// Test against this multiple of the scenario's traffic (e.g. 2 for twice today's peak).
    #[arg(long)]
    pub traffic: Option<f64>,
    /// Require iterator age p99 at most this (seconds, or 30s / 10m / 2h).
    #[arg(long, value_parser = parse_duration_s)]
    pub max_iterator_age: Option<u64>,
    /// Require every queue's oldest message to be at most this old (seconds, or 30s / 10m).
    #[arg(long, value_parser = parse_duration_s)]
    pub max_oldest_message_age: Option<u64>,
    /// Require Firehose data freshness at most this (seconds, or 30s / 10m).
    #[arg(long, value_parser = parse_duration_s)]
    pub max_data_freshness: Option<u64>,
    /// Require the p99 of record latency, put to processed, at most this
    /// at every consumer, queue and Firehose (500ms, 2s, 1.5s, 1m; a bare
    /// number is seconds).
    #[arg(long, value_parser = parse_millis, value_name = "TIME")]
    pub max_latency_p99: Option<f64>,
    /// Require the p99 of end-to-end record latency, from the producer that
    /// made a record through every hand-off, at most this at every
    /// consumer, queue and Firehose (500ms, 2s, 1m; a bare number is
    /// seconds).
    #[arg(long, value_parser = parse_millis, value_name = "TIME")]
    pub max_end_to_end_p99: Option<f64>,
    /// Require every record to wait at most this in a Kafka producer for an
    /// MSK cluster over its quota (ProducerWaitAge; 500ms, 2s; a bare number
    /// is seconds). MSK delays what Kinesis would refuse, so without it a
    /// planner takes any delay for free.
    #[arg(long, value_parser = parse_millis, value_name = "TIME")]
    pub max_producer_wait: Option<f64>,
    /// Also require no read throttling.
    #[arg(long)]
    pub no_read_throttling: bool,
    /// Accept records lost to throttling, expiry, dead letters or delivery failure.
    #[arg(long)]
    pub allow_loss: bool,
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which tool's syntax.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write the template here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The template: a YAML or JSON file, or `-` for standard input.
    pub template: OsString,
    /// Write the scenario here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// CloudFormation YAML.
    Cloudformation,
    /// CloudFormation JSON.
    CloudformationJson,
    /// Terraform HCL (AWS provider).
    Terraform,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// The run summary (stable format).
    Json,
    /// Per-second time series of every metric.
    Csv,
    /// Every node's health at the end of the run, its reason and figures,
    /// as the app's cards show them (a table for people).
    Health,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CostFormat {
    /// A table for people.
    Table,
    /// The comparison as JSON (stable format).
    Json,
}
