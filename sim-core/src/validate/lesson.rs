//! A lesson block checked against its scenario: lengths, ranges, node ids,
//! and every condition's metric resolved in the metric catalogue. Evaluation
//! against a run is [`crate::lesson`]'s.

use crate::json_path::{node_params, set_path};
use crate::metrics::catalogue::{self as metrics, Statistic, TIERS};
use crate::scenario::{
    NodeIndex,
    lesson::{Condition, FixStep, Lesson, PIPELINE_METRICS},
};
use crate::scenario::{NodeKind, Scenario};
use crate::units::format_number;
use crate::validate::{Issue, ParamRange, parse_scenario, validate};

/// A condition resolved against a scenario: node index and metric index
/// (or a pipeline quantity).
pub(crate) enum Subject {
    Metric { node: NodeIndex, metric: usize, stat: Statistic },
    Charges,
    ProjectedMonthly,
}

pub(crate) fn resolve(scenario: &Scenario, c: &Condition) -> Result<Subject, String> {
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
            let Some(node) = scenario.index_of(id) else {
                return Err(format!("no node has id {id:?}"));
            };
            let kind = scenario.node(node).spec.kind();
            let defs = metrics::node_defs(&scenario.node(node).spec);
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

/// The scenario with the lesson's parameter edits applied (runtime steps
/// are left to [`crate::lesson::rehearse`]). Errors name the fix step.
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

/// The allowed range of a numeric field of a lesson (the lesson's row of
/// the range tables; node parameters are in [`crate::param_range`]).
pub fn lesson_range(field: &str) -> Option<ParamRange> {
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
    Some(ParamRange { min, max, unit })
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
