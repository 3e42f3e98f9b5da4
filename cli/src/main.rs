//! `shardplay`: run Shardplay scenarios headless, on the same engine as the
//! browser app. This file is the entry and the exit codes; `args` is the
//! command line, `input` reads scenarios, `commands` does the work,
//! `tables` lays out text, `output` writes it safely and `progress` shows
//! how long work is going.

mod args;
mod commands;
mod input;
mod output;
mod progress;
mod slices;
mod tables;

use std::io::ErrorKind;
use std::process::ExitCode;

use sim_core::Issue;

use crate::args::Command;
use crate::output::{note, shorten_quotes};

/// The exit codes, as `args::EXIT_CODES` explains them.
mod exit {
    pub const INVALID: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const NOT_MET: u8 = 3;
    pub const IO: u8 = 4;
    /// 128 + SIGPIPE, what a shell reports for a writer killed by a closed pipe.
    pub const CLOSED_PIPE: u8 = 141;
}

/// How a command that did its work ended.
pub enum Outcome {
    Done,
    /// Nothing met the objectives.
    NotMet,
}

/// Why a command stopped.
pub enum Failure {
    /// The scenario, as read or with the flags laid over it, is invalid.
    Invalid { source: String, issues: Vec<Issue> },
    /// The run outgrew the CLI's budget and was stopped (why, and where).
    Stopped { source: String, why: String },
    /// The command line asks for something it cannot do.
    Usage(String),
    /// The scenario could not be read.
    Read { file: String, error: std::io::Error },
    /// Output could not be written.
    Write { file: String, error: std::io::Error },
}

impl Failure {
    /// Says what went wrong on standard error; the exit code.
    fn report(self) -> u8 {
        match self {
            Failure::Invalid { source, issues } => {
                let n = issues.len();
                note(&format!("{source}: {n} problem{}", if n == 1 { "" } else { "s" }));
                for issue in issues {
                    note(&format!("  {}", shorten_quotes(&issue.to_string())));
                }
                exit::INVALID
            }
            Failure::Stopped { source, why } => {
                note(&format!("{source}: stopped: {why}"));
                exit::INVALID
            }
            Failure::Usage(message) => {
                note(&format!("error: {message}"));
                exit::USAGE
            }
            Failure::Write { error, .. } if error.kind() == ErrorKind::BrokenPipe => {
                exit::CLOSED_PIPE
            }
            Failure::Read { file, error } => {
                note(&format!("cannot read {file}: {error}"));
                exit::IO
            }
            Failure::Write { file, error } => {
                note(&format!("cannot write {file}: {error}"));
                exit::IO
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = match args::parse() {
        Ok(cli) => cli,
        // Help and version go to standard output, mistakes to standard error.
        Err(e) => {
            return match e.print() {
                Err(error) if error.kind() == ErrorKind::BrokenPipe => exit::CLOSED_PIPE,
                _ => u8::try_from(e.exit_code()).unwrap_or(exit::USAGE),
            }
            .into();
        }
    };
    let result = match cli.command {
        Command::Run(a) => commands::run::execute(a),
        Command::Cost(a) => commands::cost::execute(a),
        Command::Compare(a) => commands::compare::execute(a),
        Command::Sweep(a) => commands::sweep::execute(a),
        Command::Merge(a) => commands::merge::execute(a),
        Command::Autosize(a) => commands::autosize::execute(a),
        Command::Validate(a) => commands::validate::execute(a),
        Command::Export(a) => commands::export::execute(a),
        Command::Import(a) => commands::import::execute(a),
    };
    ExitCode::from(match result {
        Ok(Outcome::Done) => 0,
        Ok(Outcome::NotMet) => exit::NOT_MET,
        Err(failure) => failure.report(),
    })
}
