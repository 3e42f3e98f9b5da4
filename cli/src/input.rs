//! Reading a scenario from a file, standard input or a share link, with the
//! command line's flags laid over it and the result validated once, so a
//! value is held to the same rule whether it came from a flag or the file.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};

use sim_core::budget::{self, Budget};
use sim_core::objectives::Objectives;
use sim_core::share::{decode_fragment, link_fragment};
use sim_core::units::format_number;
use sim_core::validate::MAX_SCENARIO_BYTES;
use sim_core::{Issue, Scenario, ValidScenario, parse_scenario, validate};

use crate::Failure;
use crate::args::{ObjectiveArgs, ScenarioArgs};

/// Where a scenario comes from.
pub enum Source {
    File(PathBuf),
    Stdin,
    /// A share link's fragment.
    Link(String),
}

impl Source {
    /// `-` is standard input, a share link is a link, anything else a path.
    pub fn of(arg: &OsStr) -> Source {
        let text = arg.to_str();
        if text == Some("-") {
            return Source::Stdin;
        }
        match text.and_then(link_fragment) {
            Some(fragment) => Source::Link(fragment.to_string()),
            None => Source::File(PathBuf::from(arg)),
        }
    }

    /// How messages name it.
    pub fn name(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Stdin => "standard input".into(),
            Source::Link(_) => "link".into(),
        }
    }

    /// The file it was read from, if it was.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::File(path) => Some(path),
            Source::Stdin | Source::Link(_) => None,
        }
    }

    /// The scenario as written, parsed but not yet validated.
    fn read(&self) -> Result<Scenario, Failure> {
        let invalid = |issues| Failure::Invalid { source: self.name(), issues };
        if let Source::Link(fragment) = self {
            return decode_fragment(fragment).map_err(invalid);
        }
        let text = self.text("scenario", MAX_SCENARIO_BYTES)?;
        parse_scenario(&text).map_err(invalid)
    }

    /// The file or standard input as text (a `what`, for messages), at
    /// most `limit` bytes of UTF-8: more is refused after reading one byte
    /// over the limit, so `/dev/zero` or a huge file costs the limit, not
    /// all of memory; a regular file's size is known, so it is refused
    /// unread. A link is no file: it is refused.
    pub fn text(&self, what: &str, limit: usize) -> Result<String, Failure> {
        let limit = limit as u64;
        let refuse = |message: String| Failure::Invalid {
            source: self.name(),
            issues: vec![Issue { path: String::new(), message }],
        };
        let (reader, size): (Box<dyn Read>, Option<u64>) = match self {
            Source::Link(_) => return Err(refuse(format!("a share link is not a {what} file"))),
            Source::Stdin => (Box::new(std::io::stdin().lock()), None),
            Source::File(path) => {
                let file = std::fs::File::open(path).map_err(|error| self.cannot_read(error))?;
                let size = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
                (Box::new(file), size)
            }
        };
        if let Some(size) = size.filter(|&s| s > limit) {
            return Err(refuse(format!(
                "the {what} is {} bytes; the limit is {} bytes",
                number(size),
                number(limit)
            )));
        }
        let mut bytes = Vec::new();
        reader.take(limit + 1).read_to_end(&mut bytes).map_err(|error| self.cannot_read(error))?;
        if bytes.len() as u64 > limit {
            return Err(refuse(format!(
                "the {what} is over the limit of {} bytes (reading stopped there)",
                number(limit)
            )));
        }
        String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to() as u64;
            refuse(format!("the {what} is not UTF-8 text (byte {} is not)", number(at + 1)))
        })
    }

    fn cannot_read(&self, error: std::io::Error) -> Failure {
        Failure::Read { file: self.name(), error }
    }
}

fn number(n: u64) -> String {
    format_number(n as f64)
}

/// A scenario ready to run.
pub struct Loaded {
    /// Where it came from.
    pub source: Source,
    /// As read, before the flags (what a command that writes a scenario
    /// back starts from).
    pub as_read: Scenario,
    /// With the flags laid over it, validated: what runs.
    pub valid: ValidScenario,
}

/// Reads the scenario, lays the flags over it and validates the result.
/// A problem with a flag's value is reported under the flag's name.
pub fn load(args: &ScenarioArgs, objectives: Option<&ObjectiveArgs>) -> Result<Loaded, Failure> {
    let source = Source::of(&args.input);
    let as_read = source.read()?;
    let mut scenario = as_read.clone();
    let mut flags: Vec<(&str, &str)> = Vec::new();
    if let Some(duration_s) = args.duration {
        scenario.duration_s = duration_s;
        flags.push(("duration_s", "--duration"));
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if let Some(warmup_s) = args.warmup {
        scenario.warmup_s = warmup_s;
        flags.push(("warmup_s", "--warmup"));
    }
    if let Some(o) = objectives {
        flags.extend(o.lay_over(&mut scenario));
    }
    let valid = validate(&scenario).map_err(|issues| Failure::Invalid {
        source: source.name(),
        issues: issues
            .into_iter()
            .map(|issue| match flags.iter().find(|(field, _)| *field == issue.path) {
                Some((_, flag)) => Issue { path: flag.to_string(), ..issue },
                None => issue,
            })
            .collect(),
    })?;
    Ok(Loaded { source, as_read, valid })
}

impl ObjectiveArgs {
    /// Lays these flags over the scenario's objectives; returns which
    /// fields of the scenario each given flag set, as `(path, flag)`.
    fn lay_over(&self, scenario: &mut Scenario) -> Vec<(&'static str, &'static str)> {
        let mut o = Objectives::of(scenario);
        let mut set = Vec::new();
        if let Some(t) = self.traffic {
            o.traffic_multiplier = t;
            set.push(("objectives.traffic_multiplier", "--traffic"));
        }
        if let Some(s) = self.max_iterator_age {
            o.max_iterator_age_p99_ms = Some(s as f64 * 1_000.0);
            set.push(("objectives.max_iterator_age_p99_ms", "--max-iterator-age"));
        }
        if let Some(s) = self.max_oldest_message_age {
            o.max_oldest_message_age_s = Some(s as f64);
            set.push(("objectives.max_oldest_message_age_s", "--max-oldest-message-age"));
        }
        if let Some(s) = self.max_data_freshness {
            o.max_data_freshness_s = Some(s as f64);
            set.push(("objectives.max_data_freshness_s", "--max-data-freshness"));
        }
        if let Some(ms) = self.max_latency_p99 {
            o.max_latency_p99_ms = Some(ms);
            set.push(("objectives.max_latency_p99_ms", "--max-latency-p99"));
        }
        if let Some(ms) = self.max_end_to_end_p99 {
            o.max_end_to_end_p99_ms = Some(ms);
            set.push(("objectives.max_end_to_end_p99_ms", "--max-end-to-end-p99"));
        }
        if let Some(ms) = self.max_producer_wait {
            o.max_producer_wait_ms = Some(ms);
            set.push(("objectives.max_producer_wait_ms", "--max-producer-wait"));
        }
        o.no_read_throttling |= self.no_read_throttling;
        if self.allow_loss {
            o.no_data_lost = false;
        }
        scenario.objectives = Some(o);
        set
    }
}

/// Refuses a scenario whose run would need more memory or work than the
/// CLI's budget allows (`sim_core::budget`), naming the largest part and
/// the parameter to change. A valid scenario stays valid: only the
/// commands that run it ask.
pub fn within_budget(valid: &ValidScenario, source: &Source) -> Result<(), Failure> {
    let estimate = budget::estimate(valid, valid.scenario().duration_s);
    budget::check_budget(&estimate, &Budget::CLI)
        .map_err(|issue| Failure::Invalid { source: source.name(), issues: vec![issue] })
}
