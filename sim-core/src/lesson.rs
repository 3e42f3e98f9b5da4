//! Guided lessons: a scenario that sets up a classic exam or production
//! situation, a narrative, a goal, hints, and a success check evaluated live
//! against a running [`Simulation`].
//!
//! A lesson is data, carried in the scenario's optional `lesson` block, so a
//! shared link opens the lesson too. The check is a conjunction of
//! conditions over CloudWatch-named metrics of named nodes (the same names
//! as in [`crate::metrics`]), either in each simulated second of a window
//! ("`WriteProvisionedThroughputExceeded` == 0 for 60 consecutive seconds")
//! or over the whole run ("`ExpiredRecords` total == 0"). [`evaluate`] is a
//! pure function of the check and the simulation: it reads the one-second
//! series the engine keeps anyway, so it needs no state of its own.
//!
//! Each lesson also records its intended fix (parameter edits and runtime
//! commands); [`rehearse`] runs the scenario untouched and fixed, and the
//! tests prove for every bundled lesson that the first never passes and the
//! second does.

pub use crate::scenario::lesson::{
    Check, Comparison, Condition, FixStep, Lesson, Over, PIPELINE_METRICS,
};

use crate::engine::{Command, Simulation};
use crate::metrics::{Point, Statistic, TIERS};
use crate::scenario::Scenario;
use crate::time::{SECOND, SimTime};
use crate::units::format_number;
use crate::validate::lesson::{Subject, resolve};
pub use crate::validate::lesson::{apply_edits, lesson_range};
use crate::validate::{Issue, ValidScenario, validate};

/// Where a lesson stands in the current run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum CheckStatus {
    /// No simulated second has finished yet.
    NotStarted,
    /// The conditions have held for `held_s` of the `need_s` seconds needed;
    /// `waiting` says what keeps the count from growing, if anything.
    Holding {
        /// Consecutive seconds held so far.
        held_s: u64,
        /// Seconds needed.
        need_s: u64,
        /// What is not yet right, in words.
        waiting: Option<String>,
    },
    /// The goal is met.
    Passed,
    /// This run can no longer meet the goal (a total has gone past it).
    Failed {
        /// Why, in words.
        reason: String,
    },
}

impl CheckStatus {
    /// Whether the goal is met.
    pub fn is_passed(&self) -> bool {
        matches!(self, CheckStatus::Passed)
    }
}

/// How a condition reads in sentences, with the node's display name:
/// "clicks stream WriteProvisionedThroughputExceeded".
fn subject_words(scenario: &Scenario, c: &Condition) -> String {
    match &c.node {
        Some(id) => {
            let name =
                scenario.nodes.iter().find(|n| &n.id == id).map_or(id.as_str(), |n| n.label());
            format!("{name} {}", c.metric)
        }
        None => c.metric.clone(),
    }
}

fn goal_words(c: &Condition) -> String {
    format!("{} {}", c.is.symbol(), format_number(c.value))
}

/// The run-wide value of a subject right now.
fn run_value(sim: &Simulation, subject: &Subject) -> f64 {
    match *subject {
        Subject::Metric { node, metric, stat: Statistic::Sum } => sim.metrics(node).total(metric),
        Subject::Metric { node, metric, stat: Statistic::Maximum } => {
            let m = sim.metrics(node);
            m.stats(metric).max.max(m.current(metric))
        }
        Subject::Charges => sim.cost().total_usd(),
        Subject::ProjectedMonthly => sim.cost().monthly_projection_usd(sim.now()),
    }
}

/// Whether a run-wide quantity can only grow, so that once past a `<`,
/// `<=` or `==` goal it can never come back.
fn only_grows(subject: &Subject) -> bool {
    matches!(subject, Subject::Metric { .. } | Subject::Charges)
}

/// Evaluates a lesson's check against a running simulation. Pure: the same
/// simulation state always gives the same status.
pub fn evaluate(check: &Check, sim: &Simulation) -> CheckStatus {
    let closed_s = sim.now() / SECOND;
    if closed_s == 0 {
        return CheckStatus::NotStarted;
    }
    let need_s = check.hold_s.clamp(1, TIERS[0].1 as u64);
    // Seconds that may count: closed, and at or after `from_s`.
    let countable_s = closed_s.saturating_sub(check.from_s);
    let mut held_s = countable_s.min(need_s);
    let mut waiting = (closed_s < check.from_s).then(|| {
        format!(
            "seconds count from {} of simulated time on",
            crate::time::format_clock(check.from_s * SECOND)
        )
    });
    for c in &check.conditions {
        let subject = match resolve(sim.scenario(), c) {
            Ok(s) => s,
            Err(why) => {
                return CheckStatus::Failed { reason: format!("the lesson is broken: {why}") };
            }
        };
        match (c.over, &subject) {
            (Over::Second, Subject::Metric { node, metric, stat }) => {
                let points = sim.metrics(*node).series(*metric).tier(0);
                let mut run = 0;
                // A second without a datapoint (a reader whose calls were all
                // refused reports no MillisBehindLatest) meets no goal.
                let holds = |p: &Point| p.has_data() && c.is.holds(p.value(*stat), c.value);
                for p in points.iter().rev().take(held_s as usize) {
                    if !holds(p) {
                        break;
                    }
                    run += 1;
                }
                if run < held_s {
                    held_s = run;
                }
                // Before the first second closes, judge a zero.
                let latest = points.back().copied().unwrap_or(Point { n: 1, ..Point::default() });
                if !holds(&latest) && waiting.is_none() {
                    let was = if latest.has_data() {
                        format!("was {}", format_number(round_for_people(latest.value(*stat))))
                    } else {
                        "reported no datapoint".to_string()
                    };
                    waiting = Some(format!(
                        "{} {was} in the last second; the goal needs {}",
                        subject_words(sim.scenario(), c),
                        goal_words(c)
                    ));
                }
            }
            // Pipeline quantities have no per-second series: judge them now.
            (_, subject) => {
                let value = run_value(sim, subject);
                if !c.is.holds(value, c.value) {
                    let text = format!(
                        "{}{} is {}; the goal needs {}",
                        subject_words(sim.scenario(), c),
                        if c.over == Over::Run && c.node.is_some() { " (whole run)" } else { "" },
                        format_number(round_for_people(value)),
                        goal_words(c)
                    );
                    let past_return = only_grows(subject)
                        && matches!(c.is, Comparison::Lt | Comparison::Le | Comparison::Eq);
                    if past_return && c.over == Over::Run {
                        return CheckStatus::Failed { reason: text };
                    }
                    held_s = 0;
                    waiting.get_or_insert(text);
                }
            }
        }
    }
    if held_s >= need_s {
        return CheckStatus::Passed;
    }
    CheckStatus::Holding { held_s, need_s, waiting }
}

/// Two decimals for fractions (dollars), whole numbers otherwise.
fn round_for_people(v: f64) -> f64 {
    if v.abs() < 1_000.0 { (v * 100.0).round() / 100.0 } else { v.round() }
}

/// The runtime commands of a lesson's fix, as `(at, node index, command)`
/// in the order written.
fn fix_commands(scenario: &Scenario, fix: &[FixStep]) -> Vec<(SimTime, Command)> {
    let index = |id: &str| scenario.index_of(id);
    fix.iter()
        .filter_map(|step| match step {
            FixStep::Set { .. } => None,
            FixStep::SetRate { at_s, node, records_per_s } => Some((
                at_s * SECOND,
                Command::SetProducerRate { node: index(node)?, records_per_s: *records_per_s },
            )),
            FixStep::Reshard { at_s, node, op } => {
                Some((at_s * SECOND, Command::Reshard { node: index(node)?, op: op.clone() }))
            }
        })
        .collect()
}

/// The outcome of running a lesson's scenario to its duration.
#[derive(Clone, Debug, PartialEq)]
pub struct Rehearsal {
    /// When the check first passed, if it did.
    pub passed_at: Option<SimTime>,
    /// The status at the end of the run (or when it passed).
    pub last: CheckStatus,
}

/// Runs a lesson's scenario to its `duration_s`, untouched or with the
/// lesson's fix applied, evaluating the check after every simulated
/// second; stops at the first pass.
pub fn rehearse(valid: &ValidScenario, with_fix: bool) -> Result<Rehearsal, Vec<Issue>> {
    let Some(lesson) = &valid.scenario().lesson else {
        return Err(vec![Issue {
            path: "lesson".into(),
            message: "the scenario has no lesson".into(),
        }]);
    };
    let (valid, commands) = if with_fix {
        let edited = validate(&apply_edits(valid.scenario(), &lesson.fix)?)?;
        let commands = fix_commands(edited.scenario(), &lesson.fix);
        (edited, commands)
    } else {
        (valid.clone(), Vec::new())
    };
    let mut sim = Simulation::new(&valid, valid.scenario().seed);
    let mut pending = commands.into_iter().peekable();
    let mut last = CheckStatus::NotStarted;
    let end = valid.scenario().duration_s * SECOND;
    while sim.now() < end {
        let next = sim.now() + SECOND;
        while let Some((at, _)) = pending.peek() {
            if *at > next {
                break;
            }
            let (at, command) = pending.next().expect("peeked");
            sim.run_until(at);
            let _ = sim.apply(command);
        }
        sim.run_until(next);
        last = evaluate(&lesson.check, &sim);
        match last {
            CheckStatus::Passed => return Ok(Rehearsal { passed_at: Some(sim.now()), last }),
            CheckStatus::Failed { .. } => break,
            _ => {}
        }
    }
    Ok(Rehearsal { passed_at: None, last })
}

#[cfg(test)]
mod tests;
