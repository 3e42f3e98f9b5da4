//! A lesson as data: what the scenario's optional `lesson` block holds (the
//! narrative, the success check, the intended fix). Evaluating it against a
//! run is [`crate::lesson`]'s work.

use serde::{Deserialize, Serialize};

use crate::scenario::{Scenario, StreamOp};
use crate::time::SECOND;
use crate::units::format_number;

/// A guided lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Stable identifier (letters, digits, `-`), e.g. `hot-partition-key`.
    pub id: String,
    /// Short title for the lesson list.
    pub title: String,
    /// The AWS concept taught, in AWS's own words (e.g. "Partition keys").
    pub concept: String,
    /// The AWS documentation page for the concept (`https://docs.aws.amazon.com/...`).
    pub docs_url: String,
    /// The situation, in a few plain sentences.
    pub narrative: String,
    /// What the learner must achieve, in one sentence.
    pub goal: String,
    /// Hints, revealed one at a time (2 to 4).
    pub hints: Vec<String>,
    /// The success check.
    pub check: Check,
    /// The intended fix, applied by [`rehearse`] and shown after success.
    pub fix: Vec<FixStep>,
}

/// When a lesson is solved: every condition holds for `hold_s` consecutive
/// simulated seconds, none of them before `from_s`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Consecutive simulated seconds the conditions must hold (at most an
    /// hour: the one-second series keeps the last hour).
    #[serde(default = "default_hold_s")]
    pub hold_s: u64,
    /// Seconds before this simulated time do not count (for example, wait
    /// until after a traffic spike).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub from_s: u64,
    /// Conditions that must all hold.
    pub conditions: Vec<Condition>,
}

fn default_hold_s() -> u64 {
    60
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// One condition: a metric of a node compared with a value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The node's id; absent for a pipeline-wide quantity (the bill).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// A metric of the node's kind (e.g. `IncomingBytes`), or with no node
    /// one of [`PIPELINE_METRICS`].
    pub metric: String,
    /// Each second of the window, or the whole run so far.
    #[serde(default)]
    pub over: Over,
    /// The comparison.
    pub is: Comparison,
    /// The value compared with, in the metric's unit (bytes, counts,
    /// milliseconds, US dollars).
    pub value: f64,
}

/// What a condition looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Over {
    /// The metric's value in each second of the window (its CloudWatch
    /// statistic over one second: a Sum or a Maximum).
    #[default]
    Second,
    /// Since the start of the run: a Sum metric's total, a Maximum metric's
    /// largest value. Once such a condition fails the lesson has failed for
    /// this run when the quantity can only grow (a total).
    Run,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    /// Less than.
    #[serde(rename = "<")]
    Lt,
    /// At most.
    #[serde(rename = "<=")]
    Le,
    /// Equal to.
    #[serde(rename = "==")]
    Eq,
    /// At least.
    #[serde(rename = ">=")]
    Ge,
    /// More than.
    #[serde(rename = ">")]
    Gt,
}

impl Comparison {
    /// Whether `left <op> right`.
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Comparison::Lt => left < right,
            Comparison::Le => left <= right,
            Comparison::Eq => left == right,
            Comparison::Ge => left >= right,
            Comparison::Gt => left > right,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Lt => "<",
            Comparison::Le => "≤",
            Comparison::Eq => "=",
            Comparison::Ge => "≥",
            Comparison::Gt => ">",
        }
    }
}

/// Pipeline-wide quantities a condition may name without a node: the bill
/// so far and its monthly projection, in US dollars. (`EstimatedCharges` is
/// CloudWatch's billing metric.)
pub const PIPELINE_METRICS: [&str; 2] = ["EstimatedCharges", "ProjectedMonthlyCharges"];

/// One step of a lesson's intended fix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum FixStep {
    /// Sets a node parameter before the run, by its dotted path inside
    /// `params` (as in [`crate::param_range`]): `capacity.shards`, `keys`.
    Set {
        /// The node's id.
        node: String,
        /// Dotted path inside the node's `params`.
        param: String,
        /// The new value, as it would be written in the scenario file.
        value: serde_json::Value,
    },
    /// Changes a producer's rate during the run.
    SetRate {
        /// When, in simulated seconds.
        at_s: u64,
        /// The producer's id.
        node: String,
        /// The new mean rate.
        records_per_s: f64,
    },
    /// Reshards a provisioned stream during the run (the shard buttons).
    Reshard {
        /// When, in simulated seconds.
        at_s: u64,
        /// The stream's id.
        node: String,
        /// The operation.
        op: StreamOp,
    },
}

impl FixStep {
    /// The step in words, naming nodes by their display names.
    pub fn describe(&self, scenario: &Scenario) -> String {
        let name = |id: &str| {
            scenario.nodes.iter().find(|n| n.id == id).map_or(id, |n| n.label()).to_string()
        };
        match self {
            FixStep::Set { node, param, value } => {
                let value = match value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                format!("Set {} {param} to {value}.", name(node))
            }
            FixStep::SetRate { at_s, node, records_per_s } => format!(
                "At {}, set {} to {} records/s.",
                crate::time::format_clock(at_s * SECOND),
                name(node),
                format_number(*records_per_s)
            ),
            FixStep::Reshard { at_s, node, op } => {
                let what = match op {
                    StreamOp::SplitShard { shard, .. } => format!("SplitShard on shard {shard}"),
                    StreamOp::MergeShards { shard, adjacent_shard } => {
                        format!("MergeShards on shards {shard} and {adjacent_shard}")
                    }
                    StreamOp::UpdateShardCount { target } => {
                        format!("UpdateShardCount to {target} shards")
                    }
                };
                format!(
                    "At {}, reshard {}: {what}.",
                    crate::time::format_clock(at_s * SECOND),
                    name(node)
                )
            }
        }
    }
}
