//! Loading and validation: untrusted JSON in, a [`ValidScenario`] or every
//! problem at once out. Nothing here panics, whatever the input.
//!
//! Every range below is either an AWS limit (cited to `aws-facts.md`) or a
//! simulator bound that keeps runs finite; MODEL.md lists the latter.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::pricing::OnDemandPricing;
use crate::routing::parse_hash_key;
use crate::scenario::{
    Api, Capacity, Fault, Forward, KeyDistribution, Node, NodeKind, NodeSpec, Operation,
    ProducerSpec, ReadMode, RecordSize, SCHEMA_VERSION, Scenario, StreamOp, Traffic,
    parse_replay_csv,
};
use crate::strict_json;
use crate::units::format_number;

/// aws-facts 1.5: at most 20 enhanced fan-out consumers per stream.
pub const MAX_EFO_CONSUMERS: usize = 20;
/// aws-facts 1.5: at most 50 per on-demand stream under On-demand Advantage.
pub const MAX_EFO_CONSUMERS_ADVANTAGE: usize = 50;
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
pub(crate) fn read_scenario(given: &serde_json::Value) -> Result<Scenario, Vec<Issue>> {
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

fn parse_node(path: &str, item: &serde_json::Value) -> Result<Node, Issue> {
    let raw: RawNode = deserialize_at(path, item)?;
    let spec = read_spec(raw.kind, &raw.params, &format!("{path}.params"))?;
    Ok(Node { id: raw.id, name: raw.name, spec })
}

/// Reads the parameters of a node of `kind`, reporting a problem at its
/// path below `path` (the parameters' own path) with the allowed range.
pub fn read_spec(
    kind: NodeKind,
    params: &serde_json::Value,
    path: &str,
) -> Result<NodeSpec, Issue> {
    let spec = match kind {
        NodeKind::Producer => deserialize_at(path, params).map(NodeSpec::Producer),
        NodeKind::KinesisStream => deserialize_at(path, params).map(NodeSpec::KinesisStream),
        NodeKind::Consumer => deserialize_at(path, params).map(NodeSpec::Consumer),
        NodeKind::Firehose => deserialize_at(path, params).map(NodeSpec::Firehose),
        NodeKind::Destination => deserialize_at(path, params).map(NodeSpec::Destination),
        NodeKind::KclApp => deserialize_at(path, params).map(NodeSpec::KclApp),
        NodeKind::SqsQueue => deserialize_at(path, params).map(NodeSpec::SqsQueue),
        NodeKind::WorkerPool => deserialize_at(path, params).map(NodeSpec::WorkerPool),
        NodeKind::Lambda => deserialize_at(path, params).map(NodeSpec::Lambda),
    };
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
            "a Lambda function's only output is the on-failure destination of a stream event source, a queue",
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
        (Consumer | KclApp, Consumer | KclApp | Producer) => Err(
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
    matches!((from, to), (KinesisStream, Consumer | KclApp | Firehose | Lambda))
        || matches!((from, to), (SqsQueue, WorkerPool | Lambda))
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
    pub(crate) sends_to: Vec<Option<usize>>,
    /// For each node, the stream it reads (consumers, delivery streams).
    pub(crate) reads_from: Vec<Option<usize>>,
}

impl ValidScenario {
    /// The validated scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// For a producer, the stream it writes to; for a consumer, the stream it
    /// reads. `None` for streams.
    pub fn wired_stream(&self, node: usize) -> Option<usize> {
        self.reads_from(node).or_else(|| self.sends_to(node))
    }

    /// The node this node sends its data to, if it sends anywhere.
    pub fn sends_to(&self, node: usize) -> Option<usize> {
        self.sends_to.get(node).copied().flatten()
    }

    /// The stream this node reads, if it reads one.
    pub fn reads_from(&self, node: usize) -> Option<usize> {
        self.reads_from.get(node).copied().flatten()
    }
}

/// Checks ranges, ids and wiring, reporting every problem at once.
pub fn validate(scenario: &Scenario) -> Result<ValidScenario, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut check = Checker { issues: &mut issues };

    if let Some(r) = scenario_field_range("duration_s") {
        check.range("duration_s", scenario.duration_s as f64, r.min, r.max, r.unit);
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
    for (i, node) in scenario.nodes.iter().enumerate() {
        if node.spec.kind() == NodeKind::Firehose {
            check_firehose_wiring(&mut check, scenario, i, &sends_to, reads_from[i]);
        }
        if let (NodeSpec::Producer(p), Some(to)) = (&node.spec, sends_to[i])
            && let NodeSpec::KinesisStream(stream) = &scenario.nodes[to].spec
        {
            check_record_fits_stream(&mut check, i, p, &scenario.nodes[to].id, stream);
        }
        if let (Some(to), Some(from)) = (sends_to[i], reads_from[i])
            && to == from
        {
            check.push(
                format!("nodes[{i}]"),
                format!("{:?} forwards to the stream it reads; that would loop", node.id),
            );
        }
        if sends_to[i].is_none() && reads_from[i].is_none() {
            match node.spec.kind() {
                NodeKind::Producer => check.push(
                    format!("nodes[{i}]"),
                    format!("producer {:?} is not wired to a stream or a queue", node.id),
                ),
                NodeKind::WorkerPool => check.push(
                    format!("nodes[{i}]"),
                    format!("worker pool {:?} does not read any queue", node.id),
                ),
                NodeKind::Lambda => check.push(
                    format!("nodes[{i}]"),
                    format!(
                        "Lambda function {:?} has no event source (a queue or a stream)",
                        node.id
                    ),
                ),
                NodeKind::SqsQueue => {}
                NodeKind::Consumer | NodeKind::KclApp => check.push(
                    format!("nodes[{i}]"),
                    format!("consumer {:?} does not read any stream", node.id),
                ),
                NodeKind::KinesisStream | NodeKind::Firehose | NodeKind::Destination => {}
            }
        }
    }
    let mut efo_per_stream: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, node) in scenario.nodes.iter().enumerate() {
        if let (NodeSpec::Consumer(c), Some(source)) = (&node.spec, reads_from[i])
            && c.read_mode == ReadMode::EnhancedFanOut
        {
            *efo_per_stream.entry(source).or_default() += 1;
        }
    }
    let advantage = scenario.pricing.kinesis_on_demand == OnDemandPricing::Advantage;
    for (source, n) in efo_per_stream {
        // aws-facts 1.5: at most 20 registered enhanced fan-out consumers per
        // stream, 50 per on-demand stream under On-demand Advantage.
        let on_demand = matches!(&scenario.nodes[source].spec,
            NodeSpec::KinesisStream(s) if s.capacity.is_on_demand());
        let most =
            if advantage && on_demand { MAX_EFO_CONSUMERS_ADVANTAGE } else { MAX_EFO_CONSUMERS };
        if n > most {
            let why = if on_demand && !advantage {
                " (50 for an on-demand stream under On-demand Advantage, pricing.kinesis_on_demand)"
            } else {
                ""
            };
            check.push(
                format!("nodes[{source}]"),
                format!("{n} enhanced fan-out consumers read this stream; AWS allows at most {most}{why}"),
            );
        }
    }
    // aws-facts 1.4: warm throughput comes with On-demand Advantage.
    for (i, node) in scenario.nodes.iter().enumerate() {
        if let NodeSpec::KinesisStream(s) = &node.spec
            && let Capacity::OnDemand { warm_throughput_mib_s: Some(_), .. } = s.capacity
            && !advantage
        {
            check.push(
                format!("nodes[{i}].params.capacity.warm_throughput_mib_s"),
                "warm throughput needs On-demand Advantage, an account-level billing mode with a \
                 25 MiB/s minimum: set pricing.kinesis_on_demand to \"advantage\" or leave it out",
            );
        }
    }
    for (i, op) in scenario.schedule.iter().enumerate() {
        let path = format!("schedule[{i}]");
        check.range(&format!("{path}.at_s"), op.at_s as f64, 0.0, 31_536_000.0, "s");
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
                if let (
                    Operation::Fault(
                        Fault::CrashWorker { worker } | Fault::RestartWorker { worker },
                    ),
                    NodeSpec::KclApp(k),
                ) = (&op.op, &scenario.nodes[n].spec)
                    && *worker >= k.workers
                {
                    check.push(
                        format!("{path}.op.worker"),
                        format!(
                            "{worker} is out of range; {:?} has workers 0 to {}",
                            op.node,
                            k.workers.saturating_sub(1)
                        ),
                    );
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
            Operation::Reshard(StreamOp::UpdateShardCount { target }) => check.param(
                NodeKind::KinesisStream,
                &format!("{path}.op"),
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
            Operation::Fault(Fault::DestinationDown { for_s }) => {
                check.range(&format!("{path}.op.for_s"), *for_s as f64, 1.0, 31_536_000.0, "s");
            }
            _ => {}
        }
    }
    check_pricing(&mut check, &scenario.pricing);
    if let Some(lesson) = &scenario.lesson {
        check.issues.extend(crate::lesson::lesson_issues(scenario, lesson));
    }
    for id in scenario.layout.keys() {
        if !index_of.contains_key(id.as_str()) {
            check.push(format!("layout.{id}"), "has a position for a node that does not exist");
        }
    }

    check_queue_wiring(&mut check, scenario, &sends_to, &reads_from);

    if issues.is_empty() {
        Ok(ValidScenario { scenario: scenario.clone(), sends_to, reads_from })
    } else {
        Err(issues)
    }
}

/// aws-facts 3.2: a Firehose record is at most 1,000 KiB before base64.
pub const FIREHOSE_MAX_RECORD_BYTES: u32 = 1_000 * 1_024;

/// A delivery stream needs a destination, and takes Direct PUT or a stream,
/// not both.
fn check_firehose_wiring(
    check: &mut Checker<'_>,
    scenario: &Scenario,
    node: usize,
    sends_to: &[Option<usize>],
    stream: Option<usize>,
) {
    let id = &scenario.nodes[node].id;
    if sends_to[node].is_none() {
        check.push(
            format!("nodes[{node}]"),
            format!("delivery stream {id:?} has no destination; wire it to one destination node"),
        );
    }
    let direct_put = (0..scenario.nodes.len())
        .any(|p| sends_to[p] == Some(node) && scenario.nodes[p].spec.kind() == NodeKind::Producer);
    // aws-facts 3.2: a Firehose record is at most 1,000 KiB.
    for p in (0..scenario.nodes.len()).filter(|&p| sends_to[p] == Some(node)) {
        if let NodeSpec::Producer(spec) = &scenario.nodes[p].spec
            && spec.record_size.max_bytes() > FIREHOSE_MAX_RECORD_BYTES
        {
            check.push(
                format!("nodes[{p}].params.record_size"),
                format!(
                    "records up to {} bytes; a Firehose record is at most {} bytes (1,000 KiB)",
                    format_number(f64::from(spec.record_size.max_bytes())),
                    format_number(f64::from(FIREHOSE_MAX_RECORD_BYTES))
                ),
            );
        }
    }
    // aws-facts 3.2: with a Kinesis stream as source, PutRecord and
    // PutRecordBatch to the delivery stream are disabled.
    if direct_put && stream.is_some() {
        check.push(
            format!("nodes[{node}]"),
            format!(
                "delivery stream {id:?} reads a Kinesis stream, so Direct PUT (from producers or \
                 forwarding consumers) is disabled; wire them to the stream instead"
            ),
        );
    }
}

/// aws-facts 1.1: PutRecords refuses (ValidationException) a record whose
/// data blob is larger than the stream's maximum record size, so such a
/// record would never be written, however long it was retried.
fn check_record_fits_stream(
    check: &mut Checker<'_>,
    producer: usize,
    p: &ProducerSpec,
    stream_id: &str,
    stream: &crate::scenario::StreamSpec,
) {
    let largest = u64::from(p.record_size.max_bytes());
    let limit = stream.max_record_bytes();
    if largest > limit {
        check.push(
            format!("nodes[{producer}].params.record_size"),
            format!(
                "records up to {} bytes can never be written to stream {stream_id:?}: its maximum \
                 record size is {} KiB ({} bytes); raise the stream's max_record_size_kib (up to \
                 10,240) or send smaller records",
                format_number(largest as f64),
                format_number(f64::from(stream.max_record_size_kib)),
                format_number(limit as f64)
            ),
        );
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

fn check_params(check: &mut Checker<'_>, path: &str, spec: &NodeSpec) {
    if let NodeSpec::Producer(p) = spec {
        return check_producer(check, path, p);
    }
    let kind = spec.kind();
    let mut param = |name: &str, value: f64| check.param(kind, path, name, value);
    match spec {
        NodeSpec::Producer(_) => {}
        NodeSpec::KinesisStream(s) => {
            match s.capacity {
                Capacity::Provisioned { shards } => param("capacity.shards", f64::from(shards)),
                Capacity::OnDemand { scale_up_delay_s, warm_throughput_mib_s } => {
                    param("capacity.scale_up_delay_s", scale_up_delay_s as f64);
                    if let Some(warm) = warm_throughput_mib_s {
                        param("capacity.warm_throughput_mib_s", f64::from(warm));
                    }
                }
            }
            param("retention_h", f64::from(s.retention_h));
            param("max_record_size_kib", f64::from(s.max_record_size_kib));
        }
        NodeSpec::Consumer(c) => {
            param("poll_interval_ms", c.poll_interval_ms as f64);
            param("max_records_per_call", f64::from(c.max_records_per_call));
            param("overhead_ms", c.overhead_ms);
            param("per_record_us", c.per_record_us);
            param("jitter", c.jitter);
            check_forward(check, kind, path, c.forward);
        }
        NodeSpec::KclApp(k) => {
            param("workers", f64::from(k.workers));
            param("failover_time_ms", k.failover_time_ms as f64);
            param("idle_time_between_reads_ms", k.idle_time_between_reads_ms as f64);
            param("max_records", f64::from(k.max_records));
            param("checkpoint_every_records", k.checkpoint_every_records as f64);
            param("checkpoint_every_s", k.checkpoint_every_s as f64);
            param("overhead_ms", k.overhead_ms);
            param("per_record_us", k.per_record_us);
            param("jitter", k.jitter);
            check_forward(check, kind, path, k.forward);
        }
        NodeSpec::Firehose(f) => {
            param("buffer_size_mib", f64::from(f.buffer_size_mib));
            param("buffer_interval_s", f.buffer_interval_s as f64);
            param("retry_duration_s", f.retry_duration_s as f64);
            if let Some(t) = &f.transform {
                param("transform.buffer_size_mb", t.buffer_size_mb);
                param("transform.buffer_interval_s", t.buffer_interval_s as f64);
                param("transform.overhead_ms", t.overhead_ms);
                param("transform.per_record_us", t.per_record_us);
                param("transform.error_rate", t.error_rate);
                param("transform.retries", f64::from(t.retries));
                param("transform.size_ratio", t.size_ratio);
            }
        }
        NodeSpec::Destination(d) => {
            param("bytes_per_s", d.bytes_per_s);
            param("latency_ms", d.latency_ms as f64);
            param("outages", d.outages.len() as f64);
            for (i, w) in d.outages.iter().enumerate() {
                let at = format!("{path}.outages[{i}]");
                check.param_at(kind, &format!("{at}.from_s"), "outages.from_s", w.from_s as f64);
                check.param_at(kind, &format!("{at}.to_s"), "outages.to_s", w.to_s as f64);
                if w.to_s <= w.from_s {
                    check.push(
                        format!("{at}.to_s"),
                        format!(
                            "{} is not after from_s ({}); a window must end after it starts",
                            w.to_s, w.from_s
                        ),
                    );
                }
            }
        }
        NodeSpec::SqsQueue(q) => {
            param("visibility_timeout_s", f64::from(q.visibility_timeout_s));
            param("delay_s", f64::from(q.delay_s));
            param("retention_s", f64::from(q.retention_s));
            param("max_message_bytes", f64::from(q.max_message_bytes));
            param("max_receive_count", f64::from(q.max_receive_count));
        }
        NodeSpec::WorkerPool(w) => {
            param("workers", f64::from(w.workers));
            param("per_message_ms", w.per_message_ms);
            param("max_messages", f64::from(w.max_messages));
            param("wait_time_s", f64::from(w.wait_time_s));
            param("empty_receive_pause_ms", w.empty_receive_pause_ms as f64);
            check_forward(check, kind, path, w.forward);
        }
        NodeSpec::Lambda(l) => {
            param("memory_mb", f64::from(l.memory_mb));
            param("overhead_ms", l.overhead_ms);
            param("per_record_ms", l.per_record_ms);
            param("jitter", l.jitter);
            param("timeout_s", f64::from(l.timeout_s));
            param("error_rate", l.error_rate);
            param("poison_rate", l.poison_rate);
            if let Some(r) = l.reserved_concurrency {
                param("reserved_concurrency", f64::from(r));
            }
            param("account_concurrency", f64::from(l.account_concurrency));
            let e = &l.event_source;
            if let Some(b) = e.batch_size {
                param("event_source.batch_size", f64::from(b));
            }
            param("event_source.batching_window_s", f64::from(e.batching_window_s));
            if let Some(m) = e.maximum_concurrency {
                param("event_source.maximum_concurrency", f64::from(m));
            }
            param("event_source.parallelization_factor", f64::from(e.parallelization_factor));
            param("event_source.maximum_retry_attempts", f64::from(e.maximum_retry_attempts));
            // aws-facts 5.1: MaximumRecordAgeInSeconds is -1 (no limit) or
            // 60 s to 7 days; the table's range has no room for the gap.
            let age = e.maximum_record_age_s;
            if age != -1 && !(60..=604_800).contains(&age) {
                check.push(
                    format!("{path}.event_source.maximum_record_age_s"),
                    format!(
                        "{} is out of range; allowed -1 (no limit) or 60 to 604,800 s",
                        format_number(f64::from(age))
                    ),
                );
            }
        }
    }
}

/// aws-facts 5.2: Lambda refuses an event source mapping whose queue's
/// visibility timeout is shorter than the function's timeout
/// (`InvalidParameterValueException`). The problem is the wire's, so the
/// editor shows it there.
fn check_visibility_covers_timeout(
    check: &mut Checker<'_>,
    scenario: &Scenario,
    queue: usize,
    function: usize,
) {
    let (q, f) = (&scenario.nodes[queue], &scenario.nodes[function]);
    let (NodeSpec::SqsQueue(spec), NodeSpec::Lambda(l)) = (&q.spec, &f.spec) else { return };
    if spec.visibility_timeout_s >= l.timeout_s {
        return;
    }
    let Some(link) = scenario.links.iter().position(|k| k.from == q.id && k.to == f.id) else {
        return;
    };
    check.push(
        format!("links[{link}]"),
        format!(
            "queue {:?} hides a received message for {} s, less than function {:?}'s {} s \
             timeout: AWS refuses this event source mapping (InvalidParameterValueException). \
             Set the visibility timeout to at least {} s (AWS advises 6 times the timeout, {} s)",
            q.id,
            format_number(f64::from(spec.visibility_timeout_s)),
            f.id,
            format_number(f64::from(l.timeout_s)),
            format_number(f64::from(l.timeout_s)),
            format_number(f64::from(l.timeout_s) * 6.0),
        ),
    );
}

/// Rules between queues and the nodes wired to them.
fn check_queue_wiring(
    check: &mut Checker<'_>,
    scenario: &Scenario,
    sends_to: &[Option<usize>],
    reads_from: &[Option<usize>],
) {
    let queue = |n: usize| match &scenario.nodes[n].spec {
        NodeSpec::SqsQueue(q) => Some(q),
        _ => None,
    };
    let mut account: Option<(usize, u32)> = None;
    for (i, node) in scenario.nodes.iter().enumerate() {
        let path = format!("nodes[{i}]");
        match &node.spec {
            NodeSpec::SqsQueue(q) => {
                // aws-facts 4.3: a FIFO queue needs a FIFO dead-letter queue,
                // a standard queue a standard one.
                if let Some(dlq) = sends_to[i].and_then(queue)
                    && dlq.queue_type != q.queue_type
                {
                    check.push(
                        path,
                        format!(
                            "queue {:?} is {:?} but its dead-letter queue is {:?}; AWS requires \
                             the same type",
                            node.id, q.queue_type, dlq.queue_type
                        ),
                    );
                }
            }
            NodeSpec::Producer(p) => {
                // aws-facts 4.1: a message is at most MaximumMessageSize.
                if let Some(q) = sends_to[i].and_then(queue)
                    && p.record_size.max_bytes() > q.max_message_bytes
                {
                    check.push(
                        format!("{path}.params.record_size"),
                        format!(
                            "records of up to {} bytes do not fit the queue's max_message_bytes \
                             ({})",
                            format_number(f64::from(p.record_size.max_bytes())),
                            format_number(f64::from(q.max_message_bytes))
                        ),
                    );
                }
            }
            NodeSpec::Lambda(l) => {
                let e = &l.event_source;
                if let Some(source) = reads_from[i] {
                    check_visibility_covers_timeout(check, scenario, source, i);
                }
                if let Some(q) = reads_from[i].and_then(queue) {
                    let batch = e.batch_size.unwrap_or(10);
                    // aws-facts 5.2: FIFO batches hold at most 10 messages;
                    // a standard queue takes up to 10,000 with a window of
                    // at least 1 s when above 10.
                    if q.queue_type == crate::scenario::QueueType::Fifo && batch > 10 {
                        check.push(
                            format!("{path}.params.event_source.batch_size"),
                            format!("{batch} is out of range for a FIFO queue; allowed 1 to 10"),
                        );
                    }
                    if batch > 10 && e.batching_window_s < 1 {
                        check.push(
                            format!("{path}.params.event_source.batching_window_s"),
                            format!(
                                "a batch size of {batch} above 10 needs a batching window of at \
                             least 1 s"
                            ),
                        );
                    }
                    if sends_to[i].is_some() {
                        check.push(
                            path.clone(),
                            "an on-failure destination applies to a stream event source; a \
                             queue's failed messages go to its dead-letter queue",
                        );
                    }
                }
                match account {
                    None => account = Some((i, l.account_concurrency)),
                    Some((first, c)) if c != l.account_concurrency => check.push(
                        format!("{path}.params.account_concurrency"),
                        format!(
                            "{} differs from {:?}'s {}; functions share one account",
                            format_number(f64::from(l.account_concurrency)),
                            scenario.nodes[first].id,
                            format_number(f64::from(c))
                        ),
                    ),
                    Some(_) => {}
                }
                if let Some(r) = l.reserved_concurrency
                    && r > l.account_concurrency
                {
                    check.push(
                        format!("{path}.params.reserved_concurrency"),
                        format!(
                            "{} exceeds the account's {} concurrent executions",
                            format_number(f64::from(r)),
                            format_number(f64::from(l.account_concurrency))
                        ),
                    );
                }
            }
            NodeSpec::KinesisStream(_)
            | NodeSpec::Consumer(_)
            | NodeSpec::Firehose(_)
            | NodeSpec::KclApp(_)
            | NodeSpec::Destination(_)
            | NodeSpec::WorkerPool(_) => {}
        }
    }
}

fn check_forward(check: &mut Checker<'_>, kind: NodeKind, path: &str, f: Forward) {
    check.param(kind, path, "forward.ratio", f.ratio);
    check.param(kind, path, "forward.size_ratio", f.size_ratio);
}

/// Most explicit hash keys one producer may list.
pub const MAX_EXPLICIT_HASH_KEYS: usize = 10_000;
/// Most steps in a step profile.
pub const MAX_RATE_STEPS: usize = 10_000;

fn check_producer(check: &mut Checker<'_>, path: &str, p: &ProducerSpec) {
    let kind = NodeKind::Producer;
    let mut param = |name: &str, value: f64| check.param(kind, path, name, value);
    param("records_per_s", p.records_per_s);
    match &p.traffic {
        Traffic::Constant | Traffic::Poisson => {}
        Traffic::Diurnal { amplitude, period_s, phase_s, .. } => {
            param("traffic.amplitude", *amplitude);
            param("traffic.period_s", *period_s);
            param("traffic.phase_s", *phase_s);
        }
        Traffic::Burst { on_s, off_s, multiplier, off_multiplier, .. } => {
            param("traffic.on_s", *on_s);
            param("traffic.off_s", *off_s);
            param("traffic.multiplier", *multiplier);
            param("traffic.off_multiplier", *off_multiplier);
        }
        Traffic::Step { .. } | Traffic::Replay { .. } => {}
    }
    match &p.record_size {
        RecordSize::Fixed { bytes } => param("record_size.bytes", f64::from(*bytes)),
        RecordSize::Uniform { min_bytes, max_bytes } => {
            param("record_size.min_bytes", f64::from(*min_bytes));
            param("record_size.max_bytes", f64::from(*max_bytes));
        }
        RecordSize::LogNormal { median_bytes, sigma } => {
            param("record_size.median_bytes", *median_bytes);
            param("record_size.sigma", *sigma);
        }
    }
    match &p.keys {
        KeyDistribution::Uniform { count } => param("keys.count", f64::from(*count)),
        KeyDistribution::HotKey { count, hot_share } => {
            param("keys.count", f64::from(*count));
            param("keys.hot_share", *hot_share);
        }
        KeyDistribution::Zipf { count, s } => {
            param("keys.count", f64::from(*count));
            param("keys.s", *s);
        }
        KeyDistribution::ExplicitHashKey { .. } => {}
    }
    param("partition_key_bytes", f64::from(p.partition_key_bytes));
    if let Api::PutRecords { max_records_per_request, max_request_bytes } = p.api {
        param("api.max_records_per_request", f64::from(max_records_per_request));
        param("api.max_request_bytes", max_request_bytes as f64);
    }
    param("batching.max_buffered_ms", p.batching.max_buffered_ms as f64);
    if let Some(a) = &p.aggregation {
        param("aggregation.max_bytes", f64::from(a.max_bytes));
        param("aggregation.max_user_records", f64::from(a.max_user_records));
    }
    param("retry.max_attempts", f64::from(p.retry.max_attempts));
    param("retry.base_backoff_ms", p.retry.base_backoff_ms as f64);
    param("retry.max_backoff_ms", p.retry.max_backoff_ms as f64);

    // Lists: each entry is checked against the table row of its field.
    match &p.traffic {
        Traffic::Step { steps, .. } => {
            check.param(kind, path, "traffic.steps", steps.len() as f64);
            for (i, step) in steps.iter().take(MAX_RATE_STEPS).enumerate() {
                let at = format!("{path}.traffic.steps[{i}]");
                check.param_at(kind, &format!("{at}.at_s"), "traffic.steps.at_s", step.at_s);
                check.param_at(
                    kind,
                    &format!("{at}.records_per_s"),
                    "traffic.steps.records_per_s",
                    step.records_per_s,
                );
                if i > 0 && step.at_s <= steps[i - 1].at_s {
                    check.push(
                        format!("{at}.at_s"),
                        format!(
                            "{} is not after the previous step's at_s ({}); steps must be in \
                             increasing time",
                            format_number(step.at_s),
                            format_number(steps[i - 1].at_s)
                        ),
                    );
                }
            }
        }
        Traffic::Replay { csv, .. } => match parse_replay_csv(csv) {
            Err(why) => check.push(format!("{path}.traffic.csv"), why),
            Ok(rows) => {
                // Each row against the table, reported with its line.
                let mut rows = rows.into_iter();
                let row_ranges = ["traffic.csv.time_s", "traffic.csv.records_per_s"]
                    .map(|name| param_range(kind, name).expect("listed below"));
                if let Some(row) = rows.find_map(|(line, t, r)| {
                    let bad = out_of_range(t, row_ranges[0]).map(|m| format!("time_s {m}"));
                    let bad = bad.or_else(|| {
                        out_of_range(r, row_ranges[1]).map(|m| format!("records_per_s {m}"))
                    });
                    bad.map(|m| format!("line {line}: {m}"))
                }) {
                    check.push(format!("{path}.traffic.csv"), row);
                }
            }
        },
        _ => {}
    }
    if let KeyDistribution::ExplicitHashKey { hash_keys } = &p.keys {
        check.param(kind, path, "keys.hash_keys", hash_keys.len() as f64);
        for (i, k) in hash_keys.iter().take(MAX_EXPLICIT_HASH_KEYS).enumerate() {
            let at = format!("{path}.keys.hash_keys[{i}]");
            if parse_hash_key(&k.hash_key).is_none() {
                check.push(
                    format!("{at}.hash_key"),
                    format!(
                        "{:?} is not a hash key; allowed a decimal integer 0 to {}",
                        k.hash_key.chars().take(60).collect::<String>(),
                        u128::MAX
                    ),
                );
            }
            check.param_at(kind, &format!("{at}.weight"), "keys.hash_keys.weight", k.weight);
        }
        if !hash_keys.is_empty() && hash_keys.iter().all(|k| k.weight <= 0.0) {
            check.push(
                format!("{path}.keys.hash_keys"),
                "every weight is 0; at least one must be positive",
            );
        }
    }

    // Rules between fields.
    if let RecordSize::Uniform { min_bytes, max_bytes } = p.record_size
        && max_bytes < min_bytes
    {
        check.push(
            format!("{path}.record_size.max_bytes"),
            format!(
                "{} is below min_bytes ({}); the largest record must be at least the smallest",
                format_number(f64::from(max_bytes)),
                format_number(f64::from(min_bytes))
            ),
        );
    }
    if let Api::PutRecords { max_request_bytes, .. } = p.api {
        // aws-facts 1.1: the request cap includes partition keys, so the
        // largest record with its key must fit one request.
        let largest = u64::from(p.record_size.max_bytes()) + u64::from(p.partition_key_bytes);
        if max_request_bytes < largest {
            check.push(
                format!("{path}.api.max_request_bytes"),
                format!(
                    "{} is below the largest record with its key ({} bytes); one record must fit \
                     a request",
                    format_number(max_request_bytes as f64),
                    format_number(largest as f64)
                ),
            );
        }
    }
    if p.retry.max_backoff_ms < p.retry.base_backoff_ms {
        check.push(
            format!("{path}.retry.max_backoff_ms"),
            format!(
                "{} is below base_backoff_ms ({}); the cap must be at least the base",
                p.retry.max_backoff_ms, p.retry.base_backoff_ms
            ),
        );
    }
}

struct Checker<'a> {
    issues: &'a mut Vec<Issue>,
}

impl Checker<'_> {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.issues.push(Issue::new(path, message));
    }

    fn range(&mut self, path: &str, value: f64, min: f64, max: f64, unit: &'static str) {
        if let Some(message) = out_of_range(value, ParamRange { min, max, unit }) {
            self.push(path, message);
        }
    }

    fn param(&mut self, kind: NodeKind, prefix: &str, name: &str, value: f64) {
        self.param_at(kind, &format!("{prefix}.{name}"), name, value);
    }

    /// Checks `value` at `path` against the table row `name` (which differs
    /// from the path for list entries: `keys.hash_keys.weight` checks
    /// `keys.hash_keys[3].weight`).
    fn param_at(&mut self, kind: NodeKind, path: &str, name: &str, value: f64) {
        if let Some(r) = param_range(kind, name) {
            self.range(path, value, r.min, r.max, r.unit);
        }
    }
}

fn check_objectives(check: &mut Checker, o: &crate::objectives::Objectives) {
    let limits = [
        ("max_iterator_age_p99_ms", o.max_iterator_age_p99_ms),
        ("max_oldest_message_age_s", o.max_oldest_message_age_s),
        ("max_data_freshness_s", o.max_data_freshness_s),
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
        "traffic_multiplier" => (0.01, 100.0, "x"),
        _ => return None,
    };
    Some(ParamRange { min, max, unit })
}

/// `"{value} is out of range; allowed {min} to {max} {unit}"`, or `None`
/// when `value` is in range.
fn out_of_range(value: f64, r: ParamRange) -> Option<String> {
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

/// The allowed range of one numeric parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamRange {
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Unit shown next to the value.
    pub unit: &'static str,
}

/// The allowed range of a node parameter, keyed by its path inside `params`.
///
/// The one table of ranges: [`validate`] checks against it and the editor
/// shows it next to inputs, so the two can never disagree.
pub fn param_range(kind: NodeKind, param: &str) -> Option<ParamRange> {
    use NodeKind::*;
    let (min, max, unit) = match (kind, param) {
        (Producer, "records_per_s") => (0.0, 10_000_000.0, "records/s"),
        (Producer, "traffic.amplitude") => (0.0, 1.0, ""),
        (Producer, "traffic.period_s") => (1.0, 31_536_000.0, "s"),
        (Producer, "traffic.phase_s") => (0.0, 31_536_000.0, "s"),
        (Producer, "traffic.on_s") => (0.001, 86_400.0, "s"),
        (Producer, "traffic.off_s") => (0.0, 86_400.0, "s"),
        (Producer, "traffic.multiplier") => (0.0, 1_000.0, "x"),
        (Producer, "traffic.off_multiplier") => (0.0, 1_000.0, "x"),
        (Producer, "traffic.steps") => (1.0, MAX_RATE_STEPS as f64, "steps"),
        (Producer, "traffic.steps.at_s") => (0.0, 31_536_000.0, "s"),
        (Producer, "traffic.steps.records_per_s") => (0.0, 10_000_000.0, "records/s"),
        (Producer, "traffic.csv.time_s") => (0.0, 31_536_000.0, "s"),
        (Producer, "traffic.csv.records_per_s") => (0.0, 10_000_000.0, "records/s"),
        // aws-facts 1.1: a data blob is at most 1 MiB by default.
        (Producer, "record_size.bytes") => (1.0, 10_485_760.0, "bytes"),
        // aws-facts 1.1: a data blob is at most 1 MiB by default.
        (Producer, "record_size.min_bytes") => (1.0, 10_485_760.0, "bytes"),
        // aws-facts 1.1: a data blob is at most 1 MiB by default.
        (Producer, "record_size.max_bytes") => (1.0, 10_485_760.0, "bytes"),
        // aws-facts 1.1: a data blob is at most 1 MiB by default (draws are
        // clamped to it).
        (Producer, "record_size.median_bytes") => (1.0, 1_048_576.0, "bytes"),
        (Producer, "record_size.sigma") => (0.0, 4.0, ""),
        (Producer, "keys.count") => (1.0, 1_000_000.0, "keys"),
        (Producer, "keys.hot_share") => (0.0, 1.0, ""),
        (Producer, "keys.s") => (0.0, 10.0, ""),
        (Producer, "keys.hash_keys") => (1.0, MAX_EXPLICIT_HASH_KEYS as f64, "hash keys"),
        (Producer, "keys.hash_keys.weight") => (0.0, 1_000_000_000.0, ""),
        // aws-facts 1.2: a partition key is at most 256 characters.
        (Producer, "partition_key_bytes") => (1.0, 256.0, "bytes"),
        // aws-facts 1.1: at most 500 records per PutRecords request.
        (Producer, "api.max_records_per_request") => (1.0, 500.0, "records"),
        // aws-facts 1.1 and 7: 5 MiB per request classic, 10 MiB current
        // (partition keys included).
        (Producer, "api.max_request_bytes") => (1.0, 10_485_760.0, "bytes"),
        (Producer, "batching.max_buffered_ms") => (1.0, 60_000.0, "ms"),
        // aws-facts 1.1: an aggregated record is one Kinesis record, at most
        // 1 MiB. The KPL's AggregationMaxSize takes 64 to 1,048,576 (default
        // 51,200) and AggregationMaxCount from 1 (default 4,294,967,295);
        // KPL default_config.properties, not yet in aws-facts.
        (Producer, "aggregation.max_bytes") => (64.0, 1_048_576.0, "bytes"),
        (Producer, "aggregation.max_user_records") => (1.0, 4_294_967_295.0, "records"),
        (Producer, "retry.max_attempts") => (1.0, 100.0, "attempts"),
        (Producer, "retry.base_backoff_ms") => (1.0, 60_000.0, "ms"),
        (Producer, "retry.max_backoff_ms") => (1.0, 600_000.0, "ms"),
        // aws-facts 1.6: UpdateShardCount caps a stream at 10,000 shards by default.
        (KinesisStream, "capacity.shards") => (1.0, 10_000.0, "shards"),
        // aws-facts 1.4: on-demand splits a hot shard "within 15 minutes".
        (KinesisStream, "capacity.scale_up_delay_s") => (60.0, 900.0, "s"),
        // aws-facts 1.4: warm throughput up to 10 GiB/s.
        (KinesisStream, "capacity.warm_throughput_mib_s") => (1.0, 10_240.0, "MiB/s"),
        // aws-facts 1.3: retention is 24 to 8,760 hours.
        (KinesisStream, "retention_h") => (24.0, 8_760.0, "h"),
        // aws-facts 1.1: MaxRecordSizeInKiB is 1,024 (the default) to 10,240.
        (KinesisStream, "max_record_size_kib") => (1_024.0, 10_240.0, "KiB"),
        // aws-facts 1.6: UpdateShardCount targets at most 10,000 shards.
        (KinesisStream, "target") => (1.0, 10_000.0, "shards"),
        (Consumer, "poll_interval_ms") => (1.0, 600_000.0, "ms"),
        // aws-facts 1.1: GetRecords returns at most 10,000 records per call.
        (Consumer, "max_records_per_call") => (1.0, 10_000.0, "records"),
        (Consumer, "overhead_ms") => (0.0, 900_000.0, "ms"),
        (Consumer, "per_record_us") => (0.0, 1_000_000.0, "µs"),
        (Consumer, "jitter") => (0.0, 1.0, ""),
        // Simulator bounds (MODEL.md, Forwarding): no AWS limit applies.
        (Consumer | KclApp | WorkerPool, "forward.ratio") => (0.0, 100.0, "records per record"),
        (Consumer | KclApp | WorkerPool, "forward.size_ratio") => (0.01, 100.0, "x"),
        // Simulator bound: aws-facts 6 sets no limit on workers.
        (KclApp, "workers") => (1.0, 1_000.0, "workers"),
        // aws-facts 6: failoverTimeMillis defaults to 10,000 ms.
        (KclApp, "failover_time_ms") => (1_000.0, 600_000.0, "ms"),
        // aws-facts 6: idleTimeBetweenReadsInMillis is 1,000 ms (1.x, 2.0
        // to 2.5) or 1,500 ms; KCL's minimum is 200 ms.
        (KclApp, "idle_time_between_reads_ms") => (200.0, 600_000.0, "ms"),
        // aws-facts 6 and 1.1: maxRecords is at most 10,000.
        (KclApp, "max_records") => (1.0, 10_000.0, "records"),
        // Checkpoint cadence and processing time are the application's
        // choice (aws-facts 6); simulator bounds.
        (KclApp, "checkpoint_every_records") => (0.0, 1_000_000_000.0, "records"),
        (KclApp, "checkpoint_every_s") => (0.0, 86_400.0, "s"),
        (KclApp, "overhead_ms") => (0.0, 900_000.0, "ms"),
        (KclApp, "per_record_us") => (0.0, 1_000_000.0, "µs"),
        (KclApp, "jitter") => (0.0, 1.0, ""),
        // aws-facts 3.1: BufferingHints.SizeInMBs is 1 to 128 (MiB).
        (Firehose, "buffer_size_mib") => (1.0, 128.0, "MiB"),
        // aws-facts 3.1: BufferingHints.IntervalInSeconds is 0 to 900.
        (Firehose, "buffer_interval_s") => (0.0, 900.0, "s"),
        // aws-facts 3.3: Redshift, OpenSearch, Splunk and HTTP endpoints
        // retry for 0 to 7,200 s (S3 always 24 h).
        (Firehose, "retry_duration_s") => (0.0, 7_200.0, "s"),
        // aws-facts 3.4: the processor's BufferSizeInMBs is 0.2 to 3 MB.
        (Firehose, "transform.buffer_size_mb") => (0.2, 3.0, "MB"),
        // aws-facts 3.4: BufferIntervalInSeconds, default 60 s; the 60 to
        // 900 s range is the API reference's, not yet in aws-facts.
        (Firehose, "transform.buffer_interval_s") => (60.0, 900.0, "s"),
        // aws-facts 5.3: a Lambda function runs at most 900 s.
        (Firehose, "transform.overhead_ms") => (0.0, 900_000.0, "ms"),
        // Simulator bounds: per-record time, failure probability, resizing.
        (Firehose, "transform.per_record_us") => (0.0, 1_000_000.0, "µs"),
        (Firehose, "transform.error_rate") => (0.0, 1.0, ""),
        // aws-facts 3.4: NumberOfRetries, default 3; the 0 to 300 range is
        // the API reference's, not yet in aws-facts.
        (Firehose, "transform.retries") => (0.0, 300.0, "retries"),
        (Firehose, "transform.size_ratio") => (0.01, 100.0, "x"),
        // Simulator bounds: a destination's speed and outages are the
        // user's assumptions, not AWS limits (MODEL.md, Firehose).
        (Destination, "bytes_per_s") => (1_024.0, 10_737_418_240.0, "bytes/s"),
        (Destination, "latency_ms") => (0.0, 600_000.0, "ms"),
        (Destination, "outages") => (0.0, 100.0, "windows"),
        (Destination, "outages.from_s") => (0.0, 31_536_000.0, "s"),
        (Destination, "outages.to_s") => (0.0, 31_536_000.0, "s"),
        // aws-facts 4.1: visibility timeout 0 s to 12 h.
        (SqsQueue, "visibility_timeout_s") => (0.0, 43_200.0, "s"),
        // aws-facts 4.1: delay 0 to 900 s (15 minutes).
        (SqsQueue, "delay_s") => (0.0, 900.0, "s"),
        // aws-facts 4.1: retention 60 s to 1,209,600 s (14 days).
        (SqsQueue, "retention_s") => (60.0, 1_209_600.0, "s"),
        // aws-facts 4.1: MaximumMessageSize 1,024 to 1,048,576 bytes.
        (SqsQueue, "max_message_bytes") => (1_024.0, 1_048_576.0, "bytes"),
        // aws-facts 4.3: maxReceiveCount 1 to 1,000.
        (SqsQueue, "max_receive_count") => (1.0, 1_000.0, "receives"),
        (WorkerPool, "workers") => (1.0, 10_000.0, "workers"),
        (WorkerPool, "per_message_ms") => (0.0, 43_200_000.0, "ms"),
        // aws-facts 4.1: MaxNumberOfMessages 1 to 10.
        (WorkerPool, "max_messages") => (1.0, 10.0, "messages"),
        // aws-facts 4.1: WaitTimeSeconds 0 (short polling) to 20 s.
        (WorkerPool, "wait_time_s") => (0.0, 20.0, "s"),
        (WorkerPool, "empty_receive_pause_ms") => (1.0, 600_000.0, "ms"),
        // aws-facts 5.3: memory 128 to 10,240 MB.
        (Lambda, "memory_mb") => (128.0, 10_240.0, "MB"),
        (Lambda, "overhead_ms") => (0.0, 900_000.0, "ms"),
        (Lambda, "per_record_ms") => (0.0, 900_000.0, "ms"),
        (Lambda, "jitter") => (0.0, 1.0, ""),
        // aws-facts 5.3: the timeout is at most 900 s.
        (Lambda, "timeout_s") => (1.0, 900.0, "s"),
        (Lambda, "error_rate") => (0.0, 1.0, ""),
        (Lambda, "poison_rate") => (0.0, 1.0, ""),
        // aws-facts 5.3: 1,000 concurrent executions by default, "tens of
        // thousands" on request.
        (Lambda, "reserved_concurrency") => (0.0, 100_000.0, "executions"),
        (Lambda, "account_concurrency") => (1.0, 100_000.0, "executions"),
        // aws-facts 5.1 and 5.2: BatchSize 1 to 10,000.
        (Lambda, "event_source.batch_size") => (1.0, 10_000.0, "records"),
        // aws-facts 5.1 and 5.2: MaximumBatchingWindowInSeconds 0 to 300.
        (Lambda, "event_source.batching_window_s") => (0.0, 300.0, "s"),
        // aws-facts 5.2: ScalingConfig.MaximumConcurrency 2 to 1,000.
        (Lambda, "event_source.maximum_concurrency") => (2.0, 1_000.0, "batches"),
        // aws-facts 5.1: ParallelizationFactor 1 to 10.
        (Lambda, "event_source.parallelization_factor") => (1.0, 10.0, "batches/shard"),
        // aws-facts 5.1: MaximumRetryAttempts -1 (until expiry) to 10,000.
        (Lambda, "event_source.maximum_retry_attempts") => (-1.0, 10_000.0, "retries"),
        // aws-facts 5.1: MaximumRecordAgeInSeconds -1 (no limit) or 60 to
        // 604,800; validation refuses 0 to 59 as well.
        (Lambda, "event_source.maximum_record_age_s") => (-1.0, 604_800.0, "s"),
        _ => return None,
    };
    Some(ParamRange { min, max, unit })
}
