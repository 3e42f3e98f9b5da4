//! Import from infrastructure code: a CloudFormation template (YAML or
//! JSON) as a scenario, so an engineer can simulate the pipeline they
//! already run.
//!
//! The template is read as a tree ([`yaml`] or [`crate::strict_json`]),
//! its intrinsic functions resolved as far as a template alone allows
//! ([`template`]); each resource type the playground simulates is read by
//! its kind's `kinds/<kind>/infra.rs` (`import`), the mirror of that
//! kind's export, into typed specs; everything else is listed as skipped.
//! What a template cannot say (traffic) is taken from the parameters an
//! export writes, or assumed and listed. The scenario then goes through
//! [`crate::validate`] like any other, with each problem named by the
//! resource it came from.

mod restore;
pub mod template;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet};

use crate::kinds;
use crate::scenario::{Link, Node, NodeSpec, ProducerSpec, RecordSize, SCHEMA_VERSION, Scenario};
use crate::units::format_number;
use crate::validate::{Issue, ValidScenario, validate};
pub use template::{Props, Resource, Template};

/// aws-facts.md §10.2: the largest template CloudFormation accepts (a
/// template body in an S3 object).
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;

/// What [`import`] made of a template.
pub struct Imported {
    /// The scenario, valid.
    pub scenario: ValidScenario,
    /// Resources not simulated, each with the reason, in logical-id order.
    pub skipped: Vec<Skipped>,
    /// What the template does not say and the import assumed.
    pub assumptions: Vec<String>,
    /// What came back from the scenario a Shardplay export keeps in the
    /// template's metadata, in words (none for other templates).
    pub restored: Option<String>,
}

/// A resource the import did not turn into a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Its logical id.
    pub id: String,
    /// Its type (`AWS::IAM::Role`).
    pub kind: String,
    /// Why it is not simulated, in people's words.
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.id, self.kind, self.reason)
    }
}

/// Records per second and bytes a producer is assumed to send when the
/// template says nothing about traffic (a parameter from an export does).
const ASSUMED_RECORDS_PER_S: f64 = 100.0;
const ASSUMED_RECORD_BYTES: u32 = 1024;

/// Whether a file's `text` is a template rather than a scenario: scenario
/// files are JSON objects with `nodes`; a template is YAML, or JSON with a
/// `Resources` section.
pub fn is_template(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with('{') {
        t.contains("\"Resources\"") && !t.contains("\"nodes\"")
    } else {
        !t.is_empty()
    }
}

/// Reads `text`, a CloudFormation template in YAML or JSON.
pub fn import(text: &str) -> Result<Imported, Vec<Issue>> {
    if text.len() > MAX_TEMPLATE_BYTES {
        return Err(vec![Issue::new(
            "",
            format!(
                "the template is {} bytes; CloudFormation accepts at most {MAX_TEMPLATE_BYTES} bytes (1 MB)",
                text.len()
            ),
        )]);
    }
    let format = format_of(text);
    let doc = parse(text, format)?;
    let t = Template::read(&doc).map_err(|e| vec![e])?;
    let mut b = Builder::new(&t);
    b.read_resources().map_err(|e| vec![e])?;
    let description = doc.get("Description").and_then(|d| d.as_str()).unwrap_or("").trim();
    match restore::embedded(&doc) {
        Some(Ok(exported)) => {
            // What the template would read as, had nobody touched it.
            let clean = restore::reading(&exported, format);
            if clean.as_ref() == Some(&restore::Reading::of(&b)) {
                b.list_skipped();
                return Ok(Imported {
                    scenario: exported,
                    skipped: b.skipped,
                    assumptions: Vec::new(),
                    restored: Some(restore::WHOLE.into()),
                });
            }
            restore::applications(&mut b, exported, clean);
        }
        Some(Err(why)) => b.assume(why),
        None => {}
    }
    b.assume_readers().map_err(|e| vec![e])?;
    b.list_skipped();
    b.add_producers();
    b.finish(description)
}

/// The format of a template's `text`: JSON when it starts with `{`, else
/// YAML.
fn format_of(text: &str) -> crate::infra::Format {
    if text.trim_start().starts_with('{') {
        crate::infra::Format::CloudFormationJson
    } else {
        crate::infra::Format::CloudFormation
    }
}

/// `text`, a template in `format`, as a tree.
fn parse(text: &str, format: crate::infra::Format) -> Result<serde_json::Value, Vec<Issue>> {
    match format {
        crate::infra::Format::CloudFormationJson => crate::strict_json::parse(text),
        _ => yaml::parse(text).map_err(|e| vec![e]),
    }
}

/// The scenario being built from a template: nodes in template order,
/// links, and which resource each node came from.
pub struct Builder<'t> {
    /// The template read.
    pub t: &'t Template,
    nodes: Vec<Node>,
    links: Vec<Link>,
    /// Node id by logical id.
    ids: BTreeMap<String, String>,
    /// Logical id by node id, for messages.
    origin: BTreeMap<String, String>,
    /// Resources read as part of another (a transformation function, a
    /// backup bucket) and so neither nodes nor skipped.
    claimed: BTreeSet<String>,
    skipped: Vec<Skipped>,
    assumptions: Vec<String>,
    /// The scenario of a Shardplay export whose template was changed: its
    /// name, run settings and layout carry over (see [`restore`]).
    exported: Option<Scenario>,
    /// Producer parameters a producer from the export's scenario took.
    taken: BTreeSet<String>,
    /// How many nodes came back from the export's scenario.
    restored: usize,
}

impl<'t> Builder<'t> {
    fn new(t: &'t Template) -> Builder<'t> {
        Builder {
            t,
            nodes: Vec::new(),
            links: Vec::new(),
            ids: BTreeMap::new(),
            origin: BTreeMap::new(),
            claimed: BTreeSet::new(),
            skipped: Vec::new(),
            assumptions: Vec::new(),
            exported: None,
            taken: BTreeSet::new(),
            restored: 0,
        }
    }

    /// Every resource, by type: delivery streams first claim the
    /// functions and buckets they use, then nodes are read in template
    /// order, then the event source mappings that wire functions.
    fn read_resources(&mut self) -> Result<(), Issue> {
        let t = self.t;
        for r in &t.resources {
            if r.kind == "AWS::KinesisFirehose::DeliveryStream" {
                kinds::firehose::infra::claim(&t.props(r), self)?;
            }
        }
        for r in &t.resources {
            let p = t.props(r);
            match r.kind.as_str() {
                "AWS::Kinesis::Stream" => kinds::stream::infra::import(r, &p, self)?,
                "AWS::SQS::Queue" => kinds::queue::infra::import(r, &p, self)?,
                "AWS::Lambda::Function" if !self.claimed.contains(&r.id) => {
                    kinds::lambda::infra::import(r, &p, self)?
                }
                "AWS::KinesisFirehose::DeliveryStream" => {
                    kinds::firehose::infra::import(r, &p, self)?
                }
                "AWS::SNS::Topic" => kinds::sns::infra::import(r, &p, self)?,
                "AWS::MSK::Cluster" => kinds::msk::infra::import(r, &p, self)?,
                "AWS::MSK::ServerlessCluster" => kinds::msk::infra::import_serverless(r, &p, self)?,
                _ => {}
            }
        }
        for r in &t.resources {
            let p = t.props(r);
            match r.kind.as_str() {
                "AWS::Lambda::EventSourceMapping" => {
                    kinds::lambda::infra::import_mapping(r, &p, self)?
                }
                "AWS::Kinesis::StreamConsumer" => kinds::consumer::infra::import(r, &p, self)?,
                "AWS::SQS::Queue" => kinds::queue::infra::import_redrive(r, &p, self)?,
                "AWS::SNS::Subscription" => kinds::sns::infra::import_subscription(r, &p, self)?,
                "AWS::Lambda::EventInvokeConfig" => {
                    kinds::lambda::infra::import_async(r, &p, self)?
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A reader for each long-polling queue nothing reads.
    fn assume_readers(&mut self) -> Result<(), Issue> {
        let t = self.t;
        for r in &t.resources {
            if r.kind == "AWS::SQS::Queue" {
                kinds::queue::infra::import_reader(r, &t.props(r), self)?;
            }
        }
        Ok(())
    }

    /// Every resource read neither as a node nor as part of another.
    fn list_skipped(&mut self) {
        let t = self.t;
        for r in &t.resources {
            if self.ids.contains_key(&r.id) || self.claimed.contains(&r.id) {
                continue;
            }
            self.skipped.push(Skipped {
                id: r.id.clone(),
                kind: r.kind.clone(),
                reason: skip_reason(r),
            });
        }
    }

    /// A node id from `name` (an AWS name, without a `.fifo` suffix):
    /// the characters a node id allows, unique in template order.
    fn new_id(&self, name: &str) -> String {
        let base = crate::infra::names::aws_name(name.strip_suffix(".fifo").unwrap_or(name), 60);
        let mut id = base.clone();
        let mut n = 2;
        while self.origin.contains_key(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// Adds the node of resource `r`, named `name` in AWS if the template
    /// says (else after its logical id), and returns its id; it is shown
    /// as the label an export noted, else as its logical id.
    pub fn add(&mut self, r: &Resource, name: Option<&str>, spec: NodeSpec) -> String {
        let label = r.labels.first().cloned().unwrap_or_else(|| r.id.clone());
        self.add_node(&r.id, &r.id, name.unwrap_or(&r.id), label, spec)
    }

    /// Adds a node under key `key` (a logical id, or a made-up key when a
    /// resource makes more than one node: a delivery stream and its
    /// destination), from resource `origin`, its id made from `name`,
    /// shown as `label`.
    pub fn add_node(
        &mut self,
        key: &str,
        origin: &str,
        name: &str,
        label: String,
        spec: NodeSpec,
    ) -> String {
        let id = self.new_id(name);
        self.ids.insert(key.to_string(), id.clone());
        self.origin.insert(id.clone(), origin.to_string());
        self.nodes.push(Node { id: id.clone(), name: label, spec });
        id
    }

    /// The node made from the resource with logical id (or key) `key`.
    pub fn node_of(&self, key: &str) -> Option<&str> {
        self.ids.get(key).map(String::as_str)
    }

    /// The spec of node `id`, to complete (an event source mapping
    /// completes its function).
    pub fn spec_mut(&mut self, id: &str) -> Option<&mut NodeSpec> {
        self.nodes.iter_mut().find(|n| n.id == id).map(|n| &mut n.spec)
    }

    /// Links node `from` to node `to` (once).
    pub fn link(&mut self, from: &str, to: &str) {
        let link = Link { from: from.to_string(), to: to.to_string() };
        if !self.links.contains(&link) {
            self.links.push(link);
        }
    }

    /// Whether something reads node `id` other than a dead-letter queue.
    pub fn reads(&self, id: &str) -> bool {
        self.links.iter().any(|l| {
            l.from == id
                && !self
                    .nodes
                    .iter()
                    .any(|n| n.id == l.to && matches!(n.spec, NodeSpec::SqsQueue(_)))
        })
    }

    /// The label of node `id`.
    pub fn label_of(&self, id: &str) -> String {
        self.nodes.iter().find(|n| n.id == id).map_or(id.to_string(), |n| n.label().to_string())
    }

    /// Marks resource `id` as read by another (not a node, not skipped).
    pub fn claim(&mut self, id: &str) {
        self.claimed.insert(id.to_string());
    }

    /// Whether resource `id` was claimed by another.
    pub fn is_claimed(&self, id: &str) -> bool {
        self.claimed.contains(id)
    }

    /// Notes something the template does not say that the import chose.
    pub fn assume(&mut self, text: String) {
        self.assumptions.push(text);
    }

    /// Producers: one per parameter an export wrote for one
    /// (`...RecordsPerS`, described with the node it sends to and the
    /// record size); every source left without one gets an assumed
    /// producer, listed.
    fn add_producers(&mut self) {
        let mut fed = BTreeSet::new();
        for (name, description) in &self.t.described {
            let Some(base) = name.strip_suffix("RecordsPerS") else { continue };
            if self.taken.contains(name) {
                continue;
            }
            let Some(target) = between(description, "(node ", ")")
                .map(|n| crate::infra::names::aws_name(n, 60))
                .and_then(|n| self.nodes.iter().find(|x| x.id == n))
                .map(|n| n.id.clone())
            else {
                continue;
            };
            let rate = self.t.default_of(name).and_then(number).unwrap_or(ASSUMED_RECORDS_PER_S);
            let bytes = between(description, "about ", " bytes")
                .and_then(|b| b.replace(',', "").parse::<u32>().ok())
                .unwrap_or(ASSUMED_RECORD_BYTES);
            // An export describes it as `Producer "Its name" (...)`.
            let label = between(description, "Producer \"", "\"");
            self.producer(base, label, &target, rate, bytes);
            fed.insert(target);
        }
        // A subscription's dead-letter queue is fed by SNS, without a link.
        for n in &self.nodes {
            if let NodeSpec::SnsTopic(t) = &n.spec {
                fed.extend(t.subscriptions.iter().filter_map(|s| s.dead_letter_queue.clone()));
            }
        }
        let sources: Vec<String> = self
            .nodes
            .iter()
            .filter(|n| takes_producer(&n.spec))
            .filter(|n| !fed.contains(&n.id) && !self.links.iter().any(|l| l.to == n.id))
            .map(|n| n.id.clone())
            .collect();
        for target in sources {
            let label = self.origin.get(&target).cloned().unwrap_or_else(|| target.clone());
            self.producer(
                &format!("{target}-producer"),
                None,
                &target,
                ASSUMED_RECORDS_PER_S,
                ASSUMED_RECORD_BYTES,
            );
            self.assume(format!(
                "{label}: the template says nothing about the traffic, so a producer sends {} records per second of {} bytes; change its rate in the inspector.",
                format_number(ASSUMED_RECORDS_PER_S),
                format_number(f64::from(ASSUMED_RECORD_BYTES))
            ));
        }
    }

    /// Adds a producer sending `rate` records of `bytes` each to `target`,
    /// shown as `label` (else as the traffic of `base`).
    fn producer(&mut self, base: &str, label: Option<&str>, target: &str, rate: f64, bytes: u32) {
        let mut id = crate::infra::names::aws_name(base, 60);
        let mut n = 2;
        while self.origin.contains_key(&id) {
            id = format!("{}-{n}", crate::infra::names::aws_name(base, 56));
            n += 1;
        }
        let spec = ProducerSpec {
            records_per_s: rate,
            record_size: RecordSize::Fixed { bytes },
            ..ProducerSpec::default()
        };
        self.origin.insert(id.clone(), base.to_string());
        self.nodes.insert(
            0,
            Node {
                id: id.clone(),
                name: label.map_or_else(|| format!("{base} (traffic)"), str::to_string),
                spec: NodeSpec::Producer(spec),
            },
        );
        self.link(&id, target);
    }

    /// The scenario, validated; its problems are named by the resource
    /// they came from.
    fn finish(self, description: &str) -> Result<Imported, Vec<Issue>> {
        if self.nodes.is_empty() {
            let mut msg = "the template has no resource the playground simulates (Kinesis streams and consumers, Firehose delivery streams, SQS queues, SNS topics and subscriptions, Lambda functions with their event source mappings)".to_string();
            if !self.skipped.is_empty() {
                let skipped: Vec<String> = self.skipped.iter().map(Skipped::to_string).collect();
                msg.push_str(&format!("; skipped: {}", skipped.join("; ")));
            }
            return Err(vec![Issue::new("Resources", msg)]);
        }
        // A Shardplay export's description names its scenario and seed
        // ("... from scenario \"X\", seed 7."): the import takes them back.
        let exported = between(description, "from scenario \"", "\", seed ");
        let seed = between(description, "\", seed ", ".").and_then(|s| s.parse().ok());
        let name = match exported {
            Some(name) => name.to_string(),
            None if !description.is_empty() && description.chars().count() <= 60 => {
                description.to_string()
            }
            None => "Imported template".to_string(),
        };
        let mut summary = String::from("Imported from a CloudFormation template");
        if !description.is_empty() && exported.is_none() {
            summary = format!("{description} (imported from a CloudFormation template)");
        }
        if !self.skipped.is_empty() {
            summary.push_str(&format!("; {} resources not simulated", self.skipped.len()));
        }
        summary.push('.');
        let mut scenario = Scenario {
            v: SCHEMA_VERSION,
            model_version: Some(crate::MODEL_VERSION),
            name,
            description: summary,
            tags: vec!["imported".into()],
            seed: seed.unwrap_or(1),
            duration_s: 600,
            warmup_s: 0,
            nodes: self.nodes,
            links: self.links,
            layout: BTreeMap::new(),
            schedule: Vec::new(),
            pricing: Default::default(),
            objectives: None,
            lesson: None,
        };
        let mut assumptions = self.assumptions;
        if let Some(exported) = self.exported {
            restore::settings(&mut scenario, exported, &mut assumptions);
        }
        let restored = (self.restored > 0).then(|| restore::changed(self.restored));
        let origin = self.origin;
        let ids: Vec<String> = scenario.nodes.iter().map(|n| n.id.clone()).collect();
        let mut checked = validate(&scenario);
        if checked.is_err() && !scenario.schedule.is_empty() {
            // The export's schedule, on a changed pipeline, may ask what
            // it no longer allows: the pipeline comes first.
            let dropped = std::mem::take(&mut scenario.schedule).len();
            checked = validate(&scenario);
            assumptions.push(format!("{dropped} scheduled changes of the export no longer fit the changed template, so they are left out."));
        }
        match checked {
            Ok(valid) => {
                Ok(Imported { scenario: valid, skipped: self.skipped, assumptions, restored })
            }
            Err(issues) => Err(issues
                .into_iter()
                .map(|i| Issue::new(resource_path(&i.path, &ids, &origin), i.message))
                .collect()),
        }
    }
}

/// `nodes[3].params.x` as `Resources.Orders (node orders): params.x`.
fn resource_path(path: &str, ids: &[String], origin: &BTreeMap<String, String>) -> String {
    let Some(rest) = path.strip_prefix("nodes[") else { return path.to_string() };
    let Some((index, tail)) = rest.split_once(']') else { return path.to_string() };
    let Some(id) = index.parse::<usize>().ok().and_then(|i| ids.get(i)) else {
        return path.to_string();
    };
    let logical = origin.get(id).map_or(id.as_str(), String::as_str);
    format!("Resources.{logical} (node {id}){tail}")
}

/// The text between `open` and the next `close` after it.
pub fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

fn number(v: &serde_json::Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        .filter(|x: &f64| x.is_finite())
}

/// Whether a producer can write to a node of this spec (a stream, a
/// queue, a Direct PUT delivery stream, a topic).
fn takes_producer(spec: &NodeSpec) -> bool {
    matches!(
        spec,
        NodeSpec::KinesisStream(_)
            | NodeSpec::SqsQueue(_)
            | NodeSpec::Firehose(_)
            | NodeSpec::SnsTopic(_)
    )
}

/// Why a resource the import did not read is not simulated.
fn skip_reason(r: &Resource) -> String {
    let kind = r.kind.as_str();
    if kind.starts_with("AWS::IAM::")
        || matches!(kind, "AWS::Lambda::Permission" | "AWS::SQS::QueuePolicy")
    {
        "a permission; the simulation assumes every call is allowed".into()
    } else if kind == "AWS::DynamoDB::Table" {
        let lease = r.props.to_string().contains("leaseKey");
        if lease {
            "it looks like a KCL lease table; add a KCL application reading the stream to simulate the workers".into()
        } else {
            "DynamoDB is not simulated".into()
        }
    } else if kind == "AWS::SNS::Subscription" {
        "only subscriptions of SQS queues, Lambda functions and Firehose delivery streams of this template, and HTTP/S subscriptions whose endpoint is a template parameter, are simulated".into()
    } else if kind == "AWS::S3::Bucket" {
        "a bucket no delivery stream writes to".into()
    } else {
        "this resource type is not simulated".into()
    }
}
