//! Loading and validation: untrusted JSON in, a [`ValidScenario`] or every
//! problem at once out. Nothing here panics, whatever the input.
//!
//! Every range below is either an AWS limit (cited to `aws-facts.md`) or a
//! simulator bound that keeps runs finite; MODEL.md lists the latter.
//!
//! This file is the driver: parsing, ids, links, the parameter-table range
//! check, and the order of the passes (the order issues are reported in).
//! A kind's own rules live in `kinds/<kind>/validate.rs` (`check_params`,
//! `check_wiring`, `check_wired_settings`, `check_fault`), called from
//! exhaustive matches here.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::scenario::{
    Fault, Node, NodeIndex, NodeKind, NodeSpec, Operation, PerNode, ProducerSpec, ReadMode,
    SCHEMA_VERSION, Scenario, StreamOp, with_kind, with_spec,
};
use crate::strict_json;

pub mod lesson;
use crate::units::format_number;

use crate::kinds::params::leaves;
pub use crate::kinds::params::{ParamRange, param_range};
pub use crate::kinds::producer::params::{MAX_EXPLICIT_HASH_KEYS, MAX_RATE_STEPS};

pub use crate::kinds::firehose::validate::FIREHOSE_MAX_RECORD_BYTES;
pub use crate::kinds::stream::validate::{MAX_EFO_CONSUMERS, MAX_EFO_CONSUMERS_ADVANTAGE};

/// Largest scenario document accepted, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;
/// Most nodes in one scenario.
pub const MAX_NODES: usize = 200;
/// Most links in one scenario.
pub const MAX_LINKS: usize = 1000;

/// One problem found in a scenario: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Path to the offending field, e.g. `nodes[2].params.records_per_s`.
    pub path: String,
    /// What is wrong, with the value and the allowed range where there is one.
    pub message: String,
}

impl Issue {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Issue { path: path.into(), message: message.into() }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Parses a scenario from JSON, migrating older schema versions.
///
/// Errors name the field path (`nodes[0].params.records_per_s`) and what was
/// expected. Structural validity only; call [`validate`] for ranges and wiring.
/// Stricter than serde alone (see [`crate::strict_json`]): duplicate keys,
/// lists given for objects and fields beside a tag that takes none are
/// refused rather than silently read otherwise.
pub fn parse_scenario(json: &str) -> Result<Scenario, Vec<Issue>> {
    if json.len() > MAX_SCENARIO_BYTES {
        return Err(vec![Issue::new(
            "",
            format!(
                "the scenario is {} bytes; the limit is {} bytes",
                json.len(),
                MAX_SCENARIO_BYTES
            ),
        )]);
    }
    let given = strict_json::parse(json)?;
    if !given.is_object() {
        let what = if given.is_array() { "a list" } else { "a single value" };
        return Err(vec![Issue::new(
            "",
            format!("is {what}; a scenario is a JSON object {{ \"v\": 1, \"nodes\": [...], ... }}"),
        )]);
    }
    let version = match given.get("v") {
        None => return Err(vec![Issue::new("v", "missing schema version `v`")]),
        Some(v) => v.as_u64(),
    };
    match version {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) if v > u64::from(SCHEMA_VERSION) => {
            return Err(vec![Issue::new(
                "v",
                format!(
                    "schema version {v} is newer than this build understands \
                     (up to {SCHEMA_VERSION}); open it with a newer Shardplay"
                ),
            )]);
        }
        _ => {
            return Err(vec![Issue::new(
                "v",
                format!("schema version must be an integer from 1 to {SCHEMA_VERSION}"),
            )]);
        }
    }
    let scenario = read_scenario(&given)?;
    // What was read, written back, has the document's shape wherever the
    // document was read as it is meant.
    let Ok(read) = serde_json::to_value(&scenario) else { return Ok(scenario) };
    let issues = strict_json::shape_issues(&given, &read, |doc| read_scenario(doc).is_ok());
    if issues.is_empty() { Ok(scenario) } else { Err(issues) }
}

/// Reads a scenario document (already a JSON object) into a [`Scenario`].
/// Everything that reads a scenario or a node's parameters from JSON goes
/// through here (or [`read_spec`]): each serde entry point compiles every
/// scenario type's reader once more into the browser's download.
pub fn read_scenario(given: &serde_json::Value) -> Result<Scenario, Vec<Issue>> {
    // Nodes are read one by one so that an error inside `params` keeps its
    // full path, and every broken node is reported, not just the first.
    let mut issues = Vec::new();
    let nodes = match given.get("nodes") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                parse_node(&format!("nodes[{i}]"), item).map_err(|e| issues.push(e)).ok()
            })
            .collect(),
        Some(_) => {
            issues.push(Issue::new("nodes", "must be a list of nodes"));
            Vec::new()
        }
        None => {
            issues.push(Issue::new("nodes", "missing list of nodes"));
            Vec::new()
        }
    };
    let mut rest: serde_json::Map<String, serde_json::Value> = given
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| *k != "nodes")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    rest.insert("nodes".into(), serde_json::Value::Array(Vec::new()));
    match deserialize_at::<Scenario>("", &serde_json::Value::Object(rest)) {
        Ok(mut scenario) if issues.is_empty() => {
            scenario.nodes = nodes;
            Ok(scenario)
        }
        Ok(_) => Err(issues),
        Err(mut issue) => {
            let range = scenario_field_range(&issue.path);
            with_range(&mut issue, range);
            issues.insert(0, issue);
            Err(issues)
        }
    }
}

/// A number of the wrong type or size: says which numbers are allowed.
fn with_range(issue: &mut Issue, range: Option<ParamRange>) {
    let wrong_number =
        ["invalid type: ", "invalid value: "].iter().any(|p| issue.message.starts_with(p));
    if let (true, Some(r)) = (wrong_number, range) {
        issue.message = format!("{}; allowed {}", issue.message, describe_range(r));
    }
}

/// Longest run, in seconds: a year.
pub const MAX_DURATION_S: u64 = 31_536_000;

/// The allowed range of a numeric field outside the nodes, by its path.
fn scenario_field_range(path: &str) -> Option<ParamRange> {
    if path == "duration_s" {
        return Some(ParamRange { min: 1.0, max: MAX_DURATION_S as f64, unit: "s" });
    }
    if path == "warmup_s" {
        return Some(ParamRange { min: 0.0, max: (MAX_DURATION_S - 1) as f64, unit: "s" });
    }
    if let Some(name) = path.strip_prefix("objectives.") {
        return objective_range(name);
    }
    let field = path.strip_prefix("pricing.")?;
    pricing_range(field.split('.').next().unwrap_or(field))
}

/// A node as written in a file, before its parameters are read by kind.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    id: String,
    #[serde(default)]
    name: String,
    kind: NodeKind,
    #[serde(default = "empty_object")]
    params: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(Default::default())
}

/// A node read on its own (in a message, or through serde) is read as the
/// scenario reader reads one: its `kind` first, then that kind's
/// parameters. serde's derive for the flattened `spec` buffers the node
/// and compiled every kind's parameter readers once more for each input
/// it was read from (a JSON text, a JSON value), about 180 KB of wasm
/// each; this one is shared. It lives here, beside the reader, so the data
/// layer does not reach up to validation.
impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        parse_node("", &value).map_err(D::Error::custom)
    }
}

/// Reads the node at `path` (empty for a node read on its own: its
/// `Deserialize`), its parameters by kind.
fn parse_node(path: &str, item: &serde_json::Value) -> Result<Node, Issue> {
    let raw: RawNode = deserialize_at(path, item)?;
    let params = if path.is_empty() { "params".to_string() } else { format!("{path}.params") };
    let spec = read_spec(raw.kind, &raw.params, &params)?;
    Ok(Node { id: raw.id, name: raw.name, spec })
}

/// Reads the parameters of a node of `kind`, reporting a problem at its
/// path below `path` (the parameters' own path) with the allowed range.
pub fn read_spec(
    kind: NodeKind,
    params: &serde_json::Value,
    path: &str,
) -> Result<NodeSpec, Issue> {
    let spec = with_kind!(kind, S => deserialize_at::<S>(path, params).map(NodeSpec::from));
    spec.map_err(|mut issue| {
        let param = match path {
            "" => Some(without_indices(&issue.path)),
            _ => issue.path.strip_prefix(&format!("{path}.")).map(without_indices),
        };
        with_range(&mut issue, param.and_then(|p| param_range(kind, &p)));
        issue
    })
}

/// `traffic.steps[3].at_s` as its row in [`param_range`]: `traffic.steps.at_s`.
fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

/// Deserialises `value`, reporting an error at its full path below `prefix`.
fn deserialize_at<T: serde::de::DeserializeOwned>(
    prefix: &str,
    value: &serde_json::Value,
) -> Result<T, Issue> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let message = e.inner().to_string();
        // Inside a tagged enum serde loses the field's name; find it.
        let below = value_at(value, e.path())
            .and_then(|at| strict_json::locate(at, &message))
            .unwrap_or_default();
        let base = e.path().to_string();
        let base = if base == "." { "" } else { base.as_str() };
        let inner = format!("{base}{below}");
        let inner = inner.trim_start_matches('.');
        let path = match (prefix.is_empty(), inner.is_empty()) {
            (_, true) => prefix.to_string(),
            (true, false) => inner.to_string(),
            (false, false) if inner.starts_with('[') => format!("{prefix}{inner}"),
            (false, false) => format!("{prefix}.{inner}"),
        };
        Issue::new(path, message)
    })
}

/// The value at an error's path, if the path can be followed.
fn value_at<'a>(
    root: &'a serde_json::Value,
    path: &serde_path_to_error::Path,
) -> Option<&'a serde_json::Value> {
    use serde_path_to_error::Segment;
    path.iter().try_fold(root, |at, segment| match segment {
        Segment::Seq { index } => at.get(*index),
        Segment::Map { key } => at.get(key),
        Segment::Enum { .. } => Some(at),
        Segment::Unknown => None,
    })
}

/// Parses and validates in one step, as for a file or link to run. A
/// document without nodes is refused as empty here (the editor's blank
/// canvas is a valid document that runs nothing, so [`validate`] takes it).
pub fn load_scenario(json: &str) -> Result<ValidScenario, Vec<Issue>> {
    let scenario = parse_scenario(json)?;
    if scenario.nodes.is_empty() {
        return Err(vec![Issue::new(
            "nodes",
            "the scenario is empty: it has no nodes; add a producer and the stream or queue it \
             writes to",
        )]);
    }
    validate(&scenario)
}

/// Why a link between two kinds of node is refused, if it is.
///
/// The single source of edge legality: the editor asks this, never
/// re-implements it.
pub fn link_rule(from: NodeKind, to: NodeKind) -> Result<(), &'static str> {
    use NodeKind::*;
    match (from, to) {
        // aws-facts 3.2: Firehose takes Direct PUT or reads a Kinesis stream.
        (Producer, KinesisStream | Firehose)
        | (KinesisStream, Consumer | KclApp | Firehose)
        | (Firehose, Destination)
        // Consumers forward what they process to the next stage.
        | (Consumer | KclApp, KinesisStream | Firehose) => Ok(()),
        // aws-facts-more 4.5, 4.6: a Flink application reads a stream and
        // writes to a stream or a delivery stream.
        (KinesisStream, FlinkApp) | (FlinkApp, KinesisStream | Firehose) => Ok(()),
        (Producer, FlinkApp) => Err(
            "a producer cannot write to a Flink application directly; it reads a Kinesis stream",
        ),
        // aws-facts-more 5.2: a topic's subscriptions; producers and
        // forwarders publish to it.
        // aws-facts-more 5.2: SNS invokes a subscribed function
        // asynchronously.
        // aws-facts-more 5.3: an HTTP/S endpoint (a destination of type
        // http_endpoint, checked with the topic).
        (SnsTopic, SqsQueue | Firehose | Lambda | Destination) => Ok(()),
        (Producer | Consumer | KclApp | WorkerPool | FlinkApp, SnsTopic) => Ok(()),
        (SnsTopic, _) => Err(
            "an SNS topic delivers to its subscriptions: SQS queues, Lambda functions, Firehose delivery streams and HTTP/S endpoints",
        ),
        (_, SnsTopic) => Err(
            "producers, consumers, worker pools and Flink applications publish to an SNS topic; queues, streams and delivery streams do not",
        ),
        (FlinkApp, _) => Err(
            "a Flink application writes to a Kinesis stream or a Firehose delivery stream (its sinks); for S3, forward to Firehose",
        ),
        // aws-facts-more 1: Kafka producers write to an MSK topic; the
        // cluster's consumer group is part of its own parameters.
        // aws-facts-more 3: a Lambda event source mapping reads the topic.
        (Producer, MskCluster) | (MskCluster, Lambda) => Ok(()),
        (MskCluster, _) => Err(
            "an MSK cluster is read by its consumer group (its consumer_group parameters) or by a Lambda function's event source mapping; other readers are not modelled yet",
        ),
        (_, MskCluster) => Err(
            "only producers write to an MSK cluster (Kafka producers); a stream, a consumer or a function cannot feed it directly",
        ),
        // A producer's target is generic: SendMessageBatch to a queue.
        (Producer, SqsQueue) => Ok(()),
        // Event source mappings (aws-facts 5.1, 5.2) and queue consumers.
        (SqsQueue, WorkerPool | Lambda) | (KinesisStream, Lambda) => Ok(()),
        // aws-facts 4.3: the dead-letter queue is another queue.
        (SqsQueue, SqsQueue) => Ok(()),
        // A worker pool forwards what it processed.
        (WorkerPool, KinesisStream | Firehose | SqsQueue) => Ok(()),
        // aws-facts 5.1: a stream event source's on-failure destination.
        (Lambda, SqsQueue) => Ok(()),
        (Producer, WorkerPool | Lambda) => Err(
            "a producer cannot write to a consumer directly; put a queue or a stream between them",
        ),
        (KinesisStream, SqsQueue) => Err(
            "a stream does not feed a queue directly; a consumer must read one and write the other",
        ),
        (KinesisStream, WorkerPool) => Err(
            "a worker pool reads a queue, not a stream; a stream is read by a consumer, a KCL application or a Lambda function",
        ),
        (SqsQueue, Consumer | KclApp) => Err(
            "a queue is read by a worker pool or a Lambda function, not by a Kinesis consumer",
        ),
        (SqsQueue, _) => Err(
            "a queue is read by a worker pool or a Lambda function; its only other link is to its dead-letter queue",
        ),
        (Consumer | KclApp, SqsQueue) => {
            Err("a Kinesis consumer forwards to a stream or a delivery stream, not to a queue")
        }
        (Consumer | KclApp, WorkerPool | Lambda) => Err(
            "a consumer forwards to a stream or a delivery stream, which other consumers then read",
        ),
        (Firehose, SqsQueue | WorkerPool | Lambda) => Err(
            "Firehose delivers to a destination (S3, Redshift, OpenSearch or an HTTP endpoint) only",
        ),
        (WorkerPool, _) => {
            Err("a worker pool reads a queue and forwards to a stream, a delivery stream or a queue")
        }
        (Lambda, _) => Err(
            "a Lambda function's only output is its on-failure destination, a queue (for a stream, an MSK topic or an SNS subscription)",
        ),
        (Producer, Producer) => Err("a producer only writes to a stream or a delivery stream"),
        (Producer, Consumer | KclApp) => {
            Err("a producer cannot write to a consumer directly; put a stream between them")
        }
        (Producer, Destination) => Err(
            "a producer cannot write to a destination directly; put a Firehose delivery stream between them",
        ),
        (KinesisStream, Producer) => Err("a stream is read by consumers, not by producers"),
        (KinesisStream, KinesisStream) => Err(
            "streams do not feed streams directly; a consumer must read one and write the other",
        ),
        (KinesisStream, Destination) => Err(
            "a stream does not deliver to a destination; put a Firehose delivery stream between them",
        ),
        (Firehose, Consumer | KclApp) => {
            Err("Firehose delivers to a destination; it cannot feed a consumer")
        }
        (Firehose, _) => Err(
            "Firehose delivers to a destination (S3, Redshift, OpenSearch or an HTTP endpoint) only",
        ),
        (Destination, _) => Err("a destination is the end of a pipeline; nothing reads from it"),
        (Consumer | KclApp, Consumer | KclApp | Producer | FlinkApp) => Err(
            "a consumer forwards to a stream or a delivery stream, which other consumers then read",
        ),
        (Consumer | KclApp, Destination) => Err(
            "a consumer cannot deliver to a destination directly; forward to a Firehose delivery stream",
        ),
    }
}

/// Whether a link `from -> to` is `to` reading `from` (a consumer or a
/// delivery stream reading a stream) rather than `from` sending to `to`.
fn is_read(from: NodeKind, to: NodeKind) -> bool {
    use NodeKind::*;
    matches!((from, to), (KinesisStream, Consumer | KclApp | Firehose | Lambda | FlinkApp))
        || matches!((from, to), (SqsQueue | MskCluster, WorkerPool | Lambda))
}

/// A scenario's links as resolved by [`validate`]'s link loop, for the
/// rules that relate a node to the nodes wired to it (each kind's
/// `check_wiring` and `check_wired_settings` in `kinds/<kind>/validate.rs`).
pub(crate) struct Wiring<'a> {
    pub(crate) scenario: &'a Scenario,
    /// Each id's node index (the last node of a duplicated id).
    pub(crate) index_of: &'a BTreeMap<&'a str, usize>,
    /// For each node, the node it sends to (see [`ValidScenario`]).
    pub(crate) sends_to: &'a [Option<usize>],
    /// For each node, the node it reads (see [`ValidScenario`]).
    pub(crate) reads_from: &'a [Option<usize>],
}

impl Wiring<'_> {
    /// The node at index `i`.
    pub(crate) fn node(&self, i: usize) -> &Node {
        &self.scenario.nodes[i]
    }

    /// The kind of the node at index `i`.
    pub(crate) fn kind(&self, i: usize) -> NodeKind {
        self.scenario.nodes[i].spec.kind()
    }

    /// The node with this id, if there is one.
    pub(crate) fn index(&self, id: &str) -> Option<usize> {
        self.index_of.get(id).copied()
    }

    /// The nodes that send to `i`, in index order.
    pub(crate) fn senders(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.sends_to.len()).filter(move |&p| self.sends_to[p] == Some(i))
    }

    /// The nodes that read `i`, in index order.
    pub(crate) fn readers(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.reads_from.len()).filter(move |&r| self.reads_from[r] == Some(i))
    }
}

/// A scenario that passed validation, with its wiring resolved to indices.
///
/// Constructed only by [`validate`], so holding one proves the scenario is
/// safe to simulate.
#[derive(Clone, Debug)]
pub struct ValidScenario {
    scenario: Scenario,
    /// For each node, the index of the node it sends to (a producer's
    /// stream or delivery stream, a delivery stream's destination).
    pub(crate) sends_to: PerNode<Option<NodeIndex>>,
    /// For each node, the stream it reads (consumers, delivery streams).
    pub(crate) reads_from: PerNode<Option<NodeIndex>>,
}

impl ValidScenario {
    /// The validated scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// For a producer, the stream it writes to; for a consumer, the stream it
    /// reads. `None` for streams.
    pub fn wired_stream(&self, node: NodeIndex) -> Option<NodeIndex> {
        self.reads_from(node).or_else(|| self.sends_to(node))
    }

    /// The node this node sends its data to, if it sends anywhere.
    pub fn sends_to(&self, node: NodeIndex) -> Option<NodeIndex> {
        self.sends_to.get(node).copied().flatten()
    }

    /// The stream this node reads, if it reads one.
    pub fn reads_from(&self, node: NodeIndex) -> Option<NodeIndex> {
        self.reads_from.get(node).copied().flatten()
    }
}

/// Checks ranges, ids and wiring, reporting every problem at once.
pub fn validate(scenario: &Scenario) -> Result<ValidScenario, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut check = Checker { issues: &mut issues };

    for (path, value) in [("duration_s", scenario.duration_s), ("warmup_s", scenario.warmup_s)] {
        if let Some(r) = scenario_field_range(path) {
            check.range(path, value as f64, r.min, r.max, r.unit);
        }
    }
    if scenario.warmup_s > 0 && scenario.warmup_s >= scenario.duration_s {
        check.push(
            "warmup_s",
            format!(
                "is {} s; a warm-up must end before the run does (duration_s is {} s)",
                format_number(scenario.warmup_s as f64),
                format_number(scenario.duration_s as f64)
            ),
        );
    }
    if scenario.name.chars().count() > 200 {
        check.push("name", "is longer than 200 characters");
    }
    if scenario.description.chars().count() > 1_000 {
        check.push("description", "is longer than 1,000 characters");
    }
    if scenario.tags.len() > 8 {
        check.push("tags", format!("has {} tags; the limit is 8", scenario.tags.len()));
    }
    for (i, tag) in scenario.tags.iter().enumerate() {
        if tag.is_empty() || tag.chars().count() > 30 {
            check.push(format!("tags[{i}]"), "must be 1 to 30 characters");
        }
    }
    if scenario.nodes.len() > MAX_NODES {
        check
            .push("nodes", format!("has {} nodes; the limit is {MAX_NODES}", scenario.nodes.len()));
    }
    if scenario.links.len() > MAX_LINKS {
        check
            .push("links", format!("has {} links; the limit is {MAX_LINKS}", scenario.links.len()));
    }

    if let Some(objectives) = &scenario.objectives {
        check_objectives(&mut check, objectives);
    }

    let mut index_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, node) in scenario.nodes.iter().enumerate() {
        let path = format!("nodes[{i}]");
        check_id(&mut check, &format!("{path}.id"), &node.id);
        if index_of.insert(node.id.as_str(), i).is_some() {
            check.push(format!("{path}.id"), format!("duplicate id {:?}", node.id));
        }
        if node.name.chars().count() > 100 {
            check.push(format!("{path}.name"), "is longer than 100 characters");
        }
        check_params(&mut check, &format!("{path}.params"), &node.spec);
    }

    let mut sends_to = vec![None; scenario.nodes.len()];
    let mut reads_from = vec![None; scenario.nodes.len()];
    let mut seen_links = BTreeSet::new();
    for (i, link) in scenario.links.iter().enumerate() {
        let path = format!("links[{i}]");
        let from = index_of.get(link.from.as_str()).copied();
        let to = index_of.get(link.to.as_str()).copied();
        if from.is_none() {
            check.push(format!("{path}.from"), format!("no node has id {:?}", link.from));
        }
        if to.is_none() {
            check.push(format!("{path}.to"), format!("no node has id {:?}", link.to));
        }
        let (Some(from), Some(to)) = (from, to) else { continue };
        if from == to {
            check.push(path, "a node cannot be linked to itself");
            continue;
        }
        if !seen_links.insert((from, to)) {
            check.push(path, format!("duplicate link {} -> {}", link.from, link.to));
            continue;
        }
        let (from_kind, to_kind) =
            (scenario.nodes[from].spec.kind(), scenario.nodes[to].spec.kind());
        if let Err(why) = link_rule(from_kind, to_kind) {
            check.push(
                path,
                format!("cannot link {} -> {}: {why}", from_kind.as_str(), to_kind.as_str()),
            );
            continue;
        }
        // A topic's links are its subscriptions, any number of them
        // (checked with the topic below); a function it invokes has it as
        // its one trigger.
        if from_kind == NodeKind::SnsTopic {
            if to_kind == NodeKind::Lambda && reads_from[to].replace(from).is_some() {
                check.push(
                    path,
                    format!(
                        "{} already has an event source; a function here has one trigger: a \
                         queue, a stream, an MSK topic or one SNS topic",
                        scenario.nodes[to].id
                    ),
                );
            }
            continue;
        }
        // A reader records its stream, any other sender its target.
        let (end, other, list, what) = if is_read(from_kind, to_kind) {
            (to, from, &mut reads_from, "reads more than one stream")
        } else {
            (from, to, &mut sends_to, "sends to more than one node")
        };
        if list[end].replace(other).is_some() {
            check.push(path, format!("{} {what}; wire it to exactly one", scenario.nodes[end].id));
        }
    }
    let w = Wiring { scenario, index_of: &index_of, sends_to: &sends_to, reads_from: &reads_from };
    // Each node against the nodes wired to it (its kind's `check_wiring`),
    // then whether it forwards into its own source or is not wired at all.
    for (i, node) in scenario.nodes.iter().enumerate() {
        with_spec!(&node.spec, spec => spec.check_wiring(&w, &mut check, i));
        if let (Some(to), Some(from)) = (sends_to[i], reads_from[i])
            && to == from
        {
            check.push(
                format!("nodes[{i}]"),
                format!("{:?} forwards to the stream it reads; that would loop", node.id),
            );
        }
        if sends_to[i].is_none()
            && reads_from[i].is_none()
            && let Some(message) = with_spec!(&node.spec, spec => spec.unwired(&node.id))
        {
            check.push(format!("nodes[{i}]"), message);
        }
    }
    crate::kinds::stream::validate::check_fan_out(&w, &mut check);
    crate::kinds::stream::validate::check_warm_throughput(&w, &mut check);
    for (i, op) in scenario.schedule.iter().enumerate() {
        let path = format!("schedule[{i}]");
        match (op.at_s, op.at_ms) {
            (Some(at_s), None) => {
                check.range(&format!("{path}.at_s"), at_s as f64, 0.0, 31_536_000.0, "s")
            }
            (None, Some(at_ms)) => {
                check.range(&format!("{path}.at_ms"), at_ms as f64, 0.0, 31_536_000_000.0, "ms")
            }
            (Some(_), Some(_)) => check.push(
                path.clone(),
                "gives both at_s and at_ms; give one (at_ms for a time within a second)",
            ),
            (None, None) => check.push(path.clone(), "needs a time: at_s (seconds) or at_ms"),
        }
        let wanted = match &op.op {
            Operation::Reshard(_) => NodeKind::KinesisStream,
            Operation::Fault(f) => f.target_kind(),
        };
        match index_of.get(op.node.as_str()) {
            None => check.push(format!("{path}.node"), format!("no node has id {:?}", op.node)),
            Some(&n) if scenario.nodes[n].spec.kind() != wanted => check.push(
                format!("{path}.node"),
                format!(
                    "{:?} is a {}; this operation applies to a {}",
                    op.node,
                    scenario.nodes[n].spec.kind().as_str(),
                    wanted.as_str()
                ),
            ),
            Some(&n) => {
                if let Operation::Fault(f) = &op.op {
                    with_spec!(&scenario.nodes[n].spec, spec => {
                        spec.check_fault(&mut check, &path, &op.node, f)
                    });
                }
            }
        }
        match &op.op {
            Operation::Reshard(StreamOp::SplitShard {
                new_starting_hash_key: Some(key), ..
            }) if key.parse::<u128>().is_err() => check.push(
                format!("{path}.op.new_starting_hash_key"),
                format!("{key:?} is not a hash key; allowed 0 to 340282366920938463463374607431768211455"),
            ),
            Operation::Reshard(StreamOp::UpdateShardCount { target }) => check.param_at(
                NodeKind::KinesisStream,
                &format!("{path}.op.target"),
                "target",
                f64::from(*target),
            ),
            Operation::Fault(Fault::SetErrorRate { error_rate }) => {
                check.param_at(NodeKind::Firehose, &format!("{path}.op.error_rate"), "transform.error_rate", *error_rate)
            }
            Operation::Fault(Fault::SetFunctionErrorRate { error_rate }) => {
                check.param_at(NodeKind::Lambda, &format!("{path}.op.error_rate"), "error_rate", *error_rate)
            }
            Operation::Fault(Fault::TrafficSpike { multiplier, for_s }) => {
                check.param_at(NodeKind::Producer, &format!("{path}.op.multiplier"), "traffic.multiplier", *multiplier);
                check.range(&format!("{path}.op.for_s"), *for_s as f64, 1.0, 31_536_000.0, "s");
            }
            Operation::Fault(
                Fault::DestinationDown { for_s }
                | Fault::EndpointsDown { for_s }
                | Fault::BrokerFailure { for_s, .. },
            ) => {
                check.range(&format!("{path}.op.for_s"), *for_s as f64, 1.0, 31_536_000.0, "s");
            }
            _ => {}
        }
    }
    // Overlapping spikes multiply a producer's rate (MODEL.md, Faults): the
    // rate they make together is held to records_per_s's range.
    for node in &scenario.nodes {
        let (NodeSpec::Producer(p), Some(r)) =
            (&node.spec, param_range(NodeKind::Producer, "records_per_s"))
        else {
            continue;
        };
        // The first spike that takes the rate past it.
        let mut factors = scenario.spike_factors(&node.id).into_iter();
        if let Some((k, factor)) = factors.find(|&(_, f)| p.records_per_s * f > r.max) {
            let rate = p.records_per_s * factor;
            check.push(
                format!("schedule[{k}].op.multiplier"),
                format!(
                    "{}: the traffic spikes running together from {} s multiply its {} records/s \
                     by {} to {} records/s; allowed {} to {} {} (records_per_s): lower or \
                     shorten them",
                    node.label(),
                    format_number(scenario.schedule[k].time_ms() as f64 / 1_000.0),
                    format_number(p.records_per_s),
                    format_number(factor),
                    format_number(rate),
                    format_number(r.min),
                    format_number(r.max),
                    r.unit
                ),
            );
        }
    }
    check_pricing(&mut check, &scenario.pricing);
    if let Some(lesson) = &scenario.lesson {
        check.issues.extend(lesson::lesson_issues(scenario, lesson));
    }
    for id in scenario.layout.keys() {
        if !index_of.contains_key(id.as_str()) {
            check.push(format!("layout.{id}"), "has a position for a node that does not exist");
        }
    }

    // Last, each node's settings against what it is wired to (its kind's
    // `check_wired_settings`).
    for (i, node) in scenario.nodes.iter().enumerate() {
        with_spec!(&node.spec, spec => spec.check_wired_settings(&w, &mut check, i));
    }

    if issues.is_empty() {
        // From here on a node is a typed index (scenario/index.rs).
        let typed = |list: Vec<Option<usize>>| -> PerNode<Option<NodeIndex>> {
            list.into_iter().map(|to| to.map(NodeIndex::new)).collect()
        };
        Ok(ValidScenario {
            scenario: scenario.clone(),
            sends_to: typed(sends_to),
            reads_from: typed(reads_from),
        })
    } else {
        Err(issues)
    }
}

/// Checks the optional `pricing` block against the catalogue
/// (`sim-core/prices/aws-prices.json`).
fn check_pricing(check: &mut Checker<'_>, pricing: &crate::pricing::Pricing) {
    let regions = crate::pricing::regions();
    if !regions.contains(&pricing.region) {
        check.push(
            "pricing.region",
            format!(
                "{:?} has no prices in the catalogue; allowed {} (aws-facts 2 gives us-east-1 \
                 prices only; price another Region with pricing.overrides)",
                pricing.region.chars().take(40).collect::<String>(),
                regions.join(", ")
            ),
        );
    }
    let r = pricing_range("month_hours").expect("listed");
    check.range("pricing.month_hours", pricing.month_hours, r.min, r.max, r.unit);
    let r = pricing_range("overrides").expect("listed");
    for (key, &usd) in &pricing.overrides {
        let path = format!("pricing.overrides.{key}");
        match crate::pricing::catalogue().items.iter().find(|i| &i.key == key) {
            None => check.push(
                path,
                "is not a price in the catalogue; allowed the `key` of an item in \
                 sim-core/prices/aws-prices.json (e.g. kds.provisioned.shard_hour)",
            ),
            Some(item) => {
                if let Some(m) = out_of_range(usd, r) {
                    check.push(path, format!("{m} per {} {}", format_number(item.per), item.unit));
                }
            }
        }
    }
}

/// The allowed range of a numeric field of the scenario's `pricing` block.
pub fn pricing_range(field: &str) -> Option<ParamRange> {
    let (min, max, unit) = match field {
        // AWS prices a month as 730 hours (aws-facts 2.1: 730 h = $10.95);
        // 28 to 31 days are accepted.
        "month_hours" => (672.0, 744.0, "h"),
        "overrides" => (0.0, 1_000_000.0, "USD"),
        _ => return None,
    };
    Some(ParamRange { min, max, unit })
}

fn check_id(check: &mut Checker<'_>, path: &str, id: &str) {
    let ok_chars = id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if id.is_empty() || id.len() > 64 || !ok_chars {
        check.push(
            path,
            format!("{id:?} must be 1 to 64 characters of letters, digits, '-' or '_'"),
        );
    }
}

/// Every number and list length in a node's parameters against its row of
/// the kind's table, found by walking the document itself (so a field cannot
/// be forgotten), in the table's order; then the rules a range cannot say.
/// A field a rule speaks about gets that rule's message instead of the
/// range's (MaximumRecordAgeInSeconds: -1, or 60 s to 7 days).
fn check_params(check: &mut Checker<'_>, path: &str, spec: &NodeSpec) {
    let kind = spec.kind();
    let mut rules = Vec::new();
    check_rules(&mut Checker { issues: &mut rules }, path, spec);
    let params = serde_json::to_value(spec).map(|v| v["params"].clone()).unwrap_or_default();
    let table = crate::kinds::params::table(kind);
    let mut leaves = leaves(&params);
    leaves.sort_by_key(|l| table.iter().position(|p| p.path == l.row));
    for leaf in leaves {
        let at = format!("{path}.{}", leaf.path);
        // A field that does not apply (a Serverless cluster's brokers) is
        // not checked: the inspector does not show it either.
        if let Some(r) = param_range(kind, &leaf.row)
            && crate::kinds::params::applies(kind, &leaf.row, &params)
            && !rules.iter().any(|i| i.path == at)
        {
            check.range(&at, leaf.value, r.min, r.max, r.unit);
        }
    }
    check.issues.extend(rules);
}

/// The rules of a node's parameters beyond their ranges.
fn check_rules(check: &mut Checker<'_>, path: &str, spec: &NodeSpec) {
    with_spec!(spec, s => s.check_params(check, path));
}

/// What validation asks of every kind. Each kind answers in its
/// `validate.rs`; validation dispatches with `with_spec!`
/// (`kinds/registry.rs`).
pub(crate) trait CheckKind {
    /// The rules of its parameters (at `path`) beyond their ranges.
    fn check_params(&self, check: &mut Checker<'_>, path: &str);
    /// Node `i` against the nodes wired to it.
    fn check_wiring(&self, w: &Wiring, check: &mut Checker<'_>, i: usize);
    /// What is wrong with node `id` when it neither reads nor sends, if
    /// anything.
    fn unwired(&self, id: &str) -> Option<String>;
    /// A scheduled fault (at `path`) against node `id`'s parameters.
    fn check_fault(&self, check: &mut Checker<'_>, path: &str, id: &str, fault: &Fault);
    /// Node `i`'s settings against what it is wired to, checked last.
    fn check_wired_settings(&self, w: &Wiring, check: &mut Checker<'_>, i: usize);
    /// How it reads a stream, if it has the choice.
    fn stream_read_mode(&self) -> Option<ReadMode>;
    /// Producer `producer`'s records `p` against node `id` of this kind, which
    /// it writes to.
    fn check_producer_records(
        &self,
        check: &mut Checker<'_>,
        producer: usize,
        p: &ProducerSpec,
        id: &str,
    );
}

/// Collects the issues found, in the order they are found (the order they
/// are reported in). The kinds' `validate.rs` files push through it.
pub(crate) struct Checker<'a> {
    issues: &'a mut Vec<Issue>,
}

impl Checker<'_> {
    pub(crate) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.issues.push(Issue::new(path, message));
    }

    pub(crate) fn range(&mut self, path: &str, value: f64, min: f64, max: f64, unit: &'static str) {
        if let Some(message) = out_of_range(value, ParamRange { min, max, unit }) {
            self.push(path, message);
        }
    }

    /// Checks `value` at `path` against the table row `name` of `kind` (an
    /// operation's value checked like the parameter it sets).
    pub(crate) fn param_at(&mut self, kind: NodeKind, path: &str, name: &str, value: f64) {
        if let Some(r) = param_range(kind, name) {
            self.range(path, value, r.min, r.max, r.unit);
        }
    }
}

fn check_objectives(check: &mut Checker, o: &crate::scenario::objectives::Objectives) {
    let limits = [
        ("max_iterator_age_p99_ms", o.max_iterator_age_p99_ms),
        ("max_oldest_message_age_s", o.max_oldest_message_age_s),
        ("max_data_freshness_s", o.max_data_freshness_s),
        ("max_latency_p99_ms", o.max_latency_p99_ms),
        ("max_end_to_end_p99_ms", o.max_end_to_end_p99_ms),
        ("max_producer_wait_ms", o.max_producer_wait_ms),
        ("traffic_multiplier", Some(o.traffic_multiplier)),
    ];
    for (name, value) in limits {
        if let (Some(value), Some(r)) = (value, objective_range(name)) {
            check.range(&format!("objectives.{name}"), value, r.min, r.max, r.unit);
        }
    }
}

/// The allowed range of an objective, keyed by its name in the scenario's
/// `objectives` block (the CLI's flags are checked against the same rows).
pub fn objective_range(name: &str) -> Option<ParamRange> {
    let (min, max, unit) = match name {
        // aws-facts 1.3: a record is kept at most 8,760 hours.
        "max_iterator_age_p99_ms" => (0.0, 31_536_000_000.0, "ms"),
        // aws-facts 4.1: a message is kept at most 14 days.
        "max_oldest_message_age_s" => (0.0, 1_209_600.0, "s"),
        // A buffer waits at most 900 s, then retries for at most 7,200 s.
        "max_data_freshness_s" => (0.0, 86_400.0, "s"),
        // A record waits at most as long as it is kept: a year of retention.
        "max_latency_p99_ms" => (0.0, 31_536_000_000.0, "ms"),
        // End to end, through several stages: each kept at most a year.
        "max_end_to_end_p99_ms" => (0.0, 315_360_000_000.0, "ms"),
        // aws-facts-more 1.4: a record waits in a Kafka producer at most
        // delivery.timeout.ms, a Java int of milliseconds.
        "max_producer_wait_ms" => (0.0, 2_147_483_647.0, "ms"),
        "traffic_multiplier" => (0.01, 100.0, "x"),
        _ => return None,
    };
    Some(ParamRange { min, max, unit })
}

/// `"{value} is out of range; allowed {min} to {max} {unit}"`, or `None`
/// when `value` is in range.
pub(crate) fn out_of_range(value: f64, r: ParamRange) -> Option<String> {
    if value.is_finite() && value >= r.min && value <= r.max {
        return None;
    }
    Some(format!("{} is out of range; allowed {}", format_number(value), describe_range(r)))
}

/// `"1 to 10,000 shards"`.
fn describe_range(r: ParamRange) -> String {
    let unit = if r.unit.is_empty() { String::new() } else { format!(" {}", r.unit) };
    format!("{} to {}{unit}", format_number(r.min), format_number(r.max))
}
