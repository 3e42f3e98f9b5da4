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
use crate::json_path::{node_params, set_path};
use crate::metrics::{self, Point, Statistic, TIERS};
use crate::scenario::{NodeKind, Scenario};
use crate::time::{SECOND, SimTime};
use crate::units::format_number;
use crate::validate::{Issue, ValidScenario, parse_scenario, validate};

/// Where a lesson stands in the current run.
#[derive(Clone, Debug, PartialEq)]
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

/// A condition resolved against a scenario: node index and metric index
/// (or a pipeline quantity).
enum Subject {
    Metric { node: usize, metric: usize, stat: Statistic },
    Charges,
    ProjectedMonthly,
}

fn resolve(scenario: &Scenario, c: &Condition) -> Result<Subject, String> {
    match &c.node {
        None => match c.metric.as_str() {
            "EstimatedCharges" => Ok(Subject::Charges),
            "ProjectedMonthlyCharges" => Ok(Subject::ProjectedMonthly),
            other => Err(format!(
                "{other:?} is not a pipeline-wide metric; allowed {} (or name a node)",
                PIPELINE_METRICS.join(", ")
            )),
        },
        Some(id) => {
            let Some(node) = scenario.nodes.iter().position(|n| &n.id == id) else {
                return Err(format!("no node has id {id:?}"));
            };
            let kind = scenario.nodes[node].spec.kind();
            let defs = metrics::node_defs(&scenario.nodes[node].spec);
            match defs.iter().position(|d| d.name == c.metric) {
                Some(metric) => Ok(Subject::Metric { node, metric, stat: defs[metric].stat }),
                None => Err(format!(
                    "{:?} is not a metric of a {}; allowed {}",
                    c.metric.chars().take(60).collect::<String>(),
                    kind.as_str(),
                    defs.iter().map(|d| d.name).collect::<Vec<_>>().join(", ")
                )),
            }
        }
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

/// The scenario with the lesson's parameter edits applied (runtime steps
/// are left to [`rehearse`]). Errors name the fix step.
pub fn apply_edits(scenario: &Scenario, fix: &[FixStep]) -> Result<Scenario, Vec<Issue>> {
    let mut value = serde_json::to_value(scenario).expect("a scenario always serialises");
    for (i, step) in fix.iter().enumerate() {
        let FixStep::Set { node, param, value: new } = step else { continue };
        let path = format!("lesson.fix[{i}]");
        let Some(params) = node_params(&mut value, node) else {
            return Err(vec![Issue { path, message: format!("no node has id {node:?}") }]);
        };
        set_path(params, param, new.clone())
            .map_err(|message| vec![Issue { path: format!("{path}.param"), message }])?;
    }
    let text = serde_json::to_string(&value).expect("JSON values always serialise");
    parse_scenario(&text).map_err(|issues| {
        issues
            .into_iter()
            .map(|i| Issue { path: format!("lesson.fix: {}", i.path), message: i.message })
            .collect()
    })
}

/// The runtime commands of a lesson's fix, as `(at, node index, command)`
/// in the order written.
fn fix_commands(scenario: &Scenario, fix: &[FixStep]) -> Vec<(SimTime, Command)> {
    let index = |id: &str| scenario.nodes.iter().position(|n| n.id == id);
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

/// The allowed range of a numeric field of a lesson (the lesson's row of
/// the range tables; node parameters are in [`crate::param_range`]).
pub fn lesson_range(field: &str) -> Option<crate::validate::ParamRange> {
    let (min, max, unit) = match field {
        // The one-second tier keeps an hour (metrics::TIERS).
        "check.hold_s" => (1.0, TIERS[0].1 as f64, "s"),
        "check.from_s" => (0.0, 31_536_000.0, "s"),
        "check.conditions" => (1.0, 8.0, "conditions"),
        "hints" => (2.0, 4.0, "hints"),
        "fix" => (1.0, 16.0, "steps"),
        "fix.at_s" => (0.0, 31_536_000.0, "s"),
        _ => return None,
    };
    Some(crate::validate::ParamRange { min, max, unit })
}

/// Every problem with a scenario's lesson, with paths below `lesson`.
pub(crate) fn lesson_issues(scenario: &Scenario, lesson: &Lesson) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut push = |path: String, message: String| issues.push(Issue { path, message });
    let range = |path: String, field: &str, value: f64, push: &mut dyn FnMut(String, String)| {
        let r = lesson_range(field).expect("listed");
        if !(value.is_finite() && value >= r.min && value <= r.max) {
            push(
                path,
                format!(
                    "{} is out of range; allowed {} to {} {}",
                    format_number(value),
                    format_number(r.min),
                    format_number(r.max),
                    r.unit
                ),
            );
        }
    };
    let id_ok = !lesson.id.is_empty()
        && lesson.id.len() <= 64
        && lesson.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !id_ok {
        push("lesson.id".into(), format!("{:?} must be 1 to 64 letters, digits or '-'", lesson.id));
    }
    for (field, text, limit) in [
        ("title", &lesson.title, 100),
        ("concept", &lesson.concept, 100),
        ("narrative", &lesson.narrative, 1_500),
        ("goal", &lesson.goal, 300),
    ] {
        let n = text.chars().count();
        if n == 0 || n > limit {
            push(format!("lesson.{field}"), format!("must be 1 to {limit} characters; it has {n}"));
        }
    }
    // Learners are sent to AWS's own documentation, nowhere else.
    if !lesson.docs_url.starts_with("https://docs.aws.amazon.com/") || lesson.docs_url.len() > 300 {
        push(
            "lesson.docs_url".into(),
            "must be an AWS documentation page: https://docs.aws.amazon.com/... (at most 300 characters)"
                .into(),
        );
    }
    range("lesson.hints".into(), "hints", lesson.hints.len() as f64, &mut push);
    for (i, hint) in lesson.hints.iter().enumerate() {
        let n = hint.chars().count();
        if n == 0 || n > 400 {
            push(format!("lesson.hints[{i}]"), format!("must be 1 to 400 characters; it has {n}"));
        }
    }
    let check = &lesson.check;
    range("lesson.check.hold_s".into(), "check.hold_s", check.hold_s as f64, &mut push);
    range("lesson.check.from_s".into(), "check.from_s", check.from_s as f64, &mut push);
    range(
        "lesson.check.conditions".into(),
        "check.conditions",
        check.conditions.len() as f64,
        &mut push,
    );
    for (i, c) in check.conditions.iter().enumerate() {
        let path = format!("lesson.check.conditions[{i}]");
        if let Err(why) = resolve(scenario, c) {
            let field = if why.starts_with("no node") { "node" } else { "metric" };
            push(format!("{path}.{field}"), why);
        }
        if !c.value.is_finite() {
            push(format!("{path}.value"), "must be a finite number".into());
        }
    }
    range("lesson.fix".into(), "fix", lesson.fix.len() as f64, &mut push);
    for (i, step) in lesson.fix.iter().enumerate() {
        let path = format!("lesson.fix[{i}]");
        let (node, kind, at_s) = match step {
            FixStep::Set { node, .. } => (node, None, None),
            FixStep::SetRate { node, at_s, .. } => (node, Some(NodeKind::Producer), Some(*at_s)),
            FixStep::Reshard { node, at_s, .. } => {
                (node, Some(NodeKind::KinesisStream), Some(*at_s))
            }
        };
        match (scenario.nodes.iter().find(|n| &n.id == node), kind) {
            (None, _) => push(format!("{path}.node"), format!("no node has id {node:?}")),
            (Some(n), Some(kind)) if n.spec.kind() != kind => push(
                format!("{path}.node"),
                format!(
                    "{node:?} is a {}; this step needs a {}",
                    n.spec.kind().as_str(),
                    kind.as_str()
                ),
            ),
            _ => {}
        }
        if let Some(at_s) = at_s {
            range(format!("{path}.at_s"), "fix.at_s", at_s as f64, &mut push);
        }
        if let FixStep::SetRate { records_per_s, .. } = step {
            let r = crate::param_range(NodeKind::Producer, "records_per_s").expect("listed");
            if !(records_per_s.is_finite() && (r.min..=r.max).contains(records_per_s)) {
                push(
                    format!("{path}.records_per_s"),
                    format!(
                        "{} is out of range; allowed {} to {} {}",
                        format_number(*records_per_s),
                        format_number(r.min),
                        format_number(r.max),
                        r.unit
                    ),
                );
            }
        }
    }
    if issues.is_empty() {
        // The edited scenario must itself be valid (its own lesson aside).
        let mut plain = scenario.clone();
        plain.lesson = None;
        match apply_edits(&plain, &lesson.fix).and_then(|s| validate(&s).map(|_| ())) {
            Ok(()) => {}
            Err(found) => issues.extend(found.into_iter().map(|i| Issue {
                path: if i.path.starts_with("lesson") {
                    i.path
                } else {
                    format!("lesson.fix → {}", i.path)
                },
                message: i.message,
            })),
        }
    }
    issues
}

#[cfg(test)]
mod tests;
