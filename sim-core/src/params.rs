//! What the editor's inspector needs to know about node parameters beyond
//! their ranges (those are [`crate::param_range`]): a one-line explanation of
//! the AWS concept behind each field, the variants of enum-tagged fields,
//! optional fields that may be absent, and which edits a running simulation
//! can absorb without restarting.
//!
//! Paths are the same as `param_range`'s: dot-separated inside a node's
//! `params`, with a tagged enum's fields flattened into its object
//! (`traffic.amplitude`, `capacity.shards`).

use serde_json::Value;

use crate::cost::LambdaArch;
use crate::engine::Command;
use crate::scenario::{
    Aggregation, Api, Arrivals, Capacity, DestinationType, KeyDistribution, NodeIndex, NodeKind,
    NodeSpec, QueueType, RateStep, ReadMode, RecordSize, ServiceTime, StartPosition, StreamOp,
    Traffic, TransformSpec, WeightedHashKey,
};

use crate::kinds::params::json;
pub use crate::kinds::params::{applies, param_help, param_rank};

/// One variant of an enum-tagged parameter, with every field at a sensible
/// starting value.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The variant's name as written in scenario files (`diurnal`, `on_demand`).
    pub name: &'static str,
    /// The whole parameter's JSON for this variant (`null` for "off").
    pub value: Value,
}

/// The variants of an enum-tagged parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Choices {
    /// The key naming the variant inside an object value (`shape`, `dist`),
    /// `None` for plain string enums and optional fields.
    pub tag_key: Option<&'static str>,
    /// Every variant, in display order.
    pub options: Vec<Choice>,
}

impl Choices {
    /// Which option `value` (the parameter's current JSON; `Null` when
    /// absent) is.
    pub fn current(&self, value: &Value) -> Option<usize> {
        self.options.iter().position(|o| match self.tag_key {
            Some(key) => o.value.get(key).is_some() && o.value.get(key) == value.get(key),
            None => match (value, &o.value) {
                (Value::Object(_), Value::Object(_)) => true,
                (a, b) => a == b,
            },
        })
    }
}

impl Choice {
    /// The option as people read it, in AWS's words where AWS has a name
    /// for it ("PutRecords", "enhanced fan-out", "TRIM_HORIZON (oldest
    /// first)"); the file's name with spaces otherwise.
    pub fn title(&self) -> String {
        let known = match self.name {
            "put_records" => "PutRecords",
            "put_record" => "PutRecord",
            "poisson" => "Poisson (random arrivals)",
            "diurnal" => "daily cycle",
            "log_normal" => "log-normal",
            "hot_key" => "one hot key",
            "explicit_hash_key" => "ExplicitHashKey",
            "kpl_aggregation" => "KPL aggregation",
            "on_demand" => "on-demand",
            "shared" => "shared throughput (GetRecords)",
            "enhanced_fan_out" => "enhanced fan-out (SubscribeToShard)",
            "latest" => "LATEST (new records only)",
            "trim_horizon" => "TRIM_HORIZON (oldest first)",
            "lambda_transform" => "Lambda transformation",
            "fifo" => "FIFO",
            "topic" => "per topic",
            "message_group" => "per message group",
            "x86" => "x86_64",
            "arm" => "arm64 (Graviton)",
            "s3" => "Amazon S3",
            "redshift" => "Amazon Redshift",
            "opensearch" => "Amazon OpenSearch Service",
            "http_endpoint" => "HTTP endpoint",
            other => return other.replace('_', " "),
        };
        known.to_string()
    }
}

fn choices(tag_key: Option<&'static str>, options: Vec<(&'static str, Value)>) -> Choices {
    Choices {
        tag_key,
        options: options.into_iter().map(|(name, value)| Choice { name, value }).collect(),
    }
}

/// The variants of an enum-tagged parameter at `path`, or `None` when the
/// parameter is not an enum.
pub fn param_choices(kind: NodeKind, path: &str) -> Option<Choices> {
    use NodeKind::*;
    let arrivals = Arrivals::Poisson;
    Some(match (kind, path) {
        (Producer, "traffic") => choices(
            Some("shape"),
            vec![
                ("poisson", json(Traffic::Poisson)),
                ("constant", json(Traffic::Constant)),
                (
                    "diurnal",
                    json(Traffic::Diurnal {
                        amplitude: 0.5,
                        period_s: 86_400.0,
                        phase_s: 0.0,
                        arrivals,
                    }),
                ),
                (
                    "burst",
                    json(Traffic::Burst {
                        on_s: 10.0,
                        off_s: 50.0,
                        multiplier: 5.0,
                        off_multiplier: 1.0,
                        arrivals,
                    }),
                ),
                (
                    "step",
                    json(Traffic::Step {
                        steps: vec![RateStep { at_s: 60.0, records_per_s: 1_500.0 }],
                        arrivals,
                    }),
                ),
                (
                    "replay",
                    json(Traffic::Replay {
                        csv: "time_s,records_per_s\n0,500\n60,1500\n".into(),
                        arrivals,
                    }),
                ),
            ],
        ),
        (Producer, "traffic.arrivals") => choices(
            None,
            vec![("poisson", json(Arrivals::Poisson)), ("constant", json(Arrivals::Constant))],
        ),
        (Producer, "record_size") => choices(
            Some("dist"),
            vec![
                ("fixed", json(RecordSize::Fixed { bytes: 1024 })),
                ("uniform", json(RecordSize::Uniform { min_bytes: 100, max_bytes: 2_000 })),
                ("log_normal", json(RecordSize::LogNormal { median_bytes: 1024.0, sigma: 1.0 })),
            ],
        ),
        (Producer, "keys") => choices(
            Some("dist"),
            vec![
                ("uniform", json(KeyDistribution::Uniform { count: 1000 })),
                ("hot_key", json(KeyDistribution::HotKey { count: 1000, hot_share: 0.3 })),
                ("zipf", json(KeyDistribution::Zipf { count: 1000, s: 1.1 })),
                (
                    "explicit_hash_key",
                    json(KeyDistribution::ExplicitHashKey {
                        hash_keys: vec![WeightedHashKey { hash_key: "0".into(), weight: 1.0 }],
                    }),
                ),
            ],
        ),
        (Producer, "api") => choices(
            Some("call"),
            vec![("put_records", json(Api::default())), ("put_record", json(Api::PutRecord))],
        ),
        (Producer, "aggregation") => choices(
            None,
            vec![("off", Value::Null), ("kpl_aggregation", json(Aggregation::default()))],
        ),
        (KinesisStream, "capacity") => choices(
            Some("mode"),
            vec![
                ("provisioned", json(Capacity::Provisioned { shards: 2 })),
                ("on_demand", json(Capacity::on_demand())),
            ],
        ),
        (Consumer | KclApp, "start") => choices(
            None,
            vec![
                ("trim_horizon", json(StartPosition::TrimHorizon)),
                ("latest", json(StartPosition::Latest)),
            ],
        ),
        (Consumer, "read_mode") => choices(
            None,
            vec![
                ("shared", json(ReadMode::Shared)),
                ("enhanced_fan_out", json(ReadMode::EnhancedFanOut)),
            ],
        ),
        (Firehose, "transform") => choices(
            None,
            vec![("off", Value::Null), ("lambda_transform", json(TransformSpec::default()))],
        ),
        (SqsQueue, "queue_type") => choices(
            None,
            vec![("standard", json(QueueType::Standard)), ("fifo", json(QueueType::Fifo))],
        ),
        (SnsTopic, "topic_type") => choices(
            None,
            vec![
                ("standard", json(crate::scenario::TopicType::Standard)),
                ("fifo", json(crate::scenario::TopicType::Fifo)),
            ],
        ),
        (SnsTopic, "fifo_throughput_scope") => choices(
            None,
            vec![
                ("topic", json(crate::scenario::FifoThroughputScope::Topic)),
                ("message_group", json(crate::scenario::FifoThroughputScope::MessageGroup)),
            ],
        ),
        (WorkerPool, "service") => choices(
            None,
            vec![
                ("exponential", json(ServiceTime::Exponential)),
                ("fixed", json(ServiceTime::Fixed)),
            ],
        ),
        (Lambda, "arch") => {
            choices(None, vec![("x86", json(LambdaArch::X86)), ("arm", json(LambdaArch::Arm))])
        }
        (Lambda, "event_source.starting_position") => choices(
            None,
            vec![
                ("latest", json(StartPosition::Latest)),
                ("trim_horizon", json(StartPosition::TrimHorizon)),
            ],
        ),
        // aws-facts-more 1, 2: brokers you size, or MSK Serverless.
        (MskCluster, "cluster_type") => choices(
            None,
            [crate::scenario::ClusterType::Provisioned, crate::scenario::ClusterType::Serverless]
                .into_iter()
                .map(|t| (t.as_str(), json(t)))
                .collect(),
        ),
        // aws-facts-more 1.1: the Standard broker types.
        (MskCluster, "broker_type") => choices(
            None,
            crate::scenario::BrokerType::ALL.iter().map(|t| (t.as_str(), json(t))).collect(),
        ),
        (Destination, "type") => choices(
            None,
            [
                DestinationType::S3,
                DestinationType::Redshift,
                DestinationType::Opensearch,
                DestinationType::HttpEndpoint,
            ]
            .into_iter()
            .map(|t| (t.as_str(), json(t)))
            .collect(),
        ),
        _ => return None,
    })
}

/// Top-level parameters that files may leave out (so an editor walking a
/// node's JSON would not see them), with the value to show when absent
/// (`Null` for an optional part that is off).
pub fn optional_params(kind: NodeKind) -> Vec<(&'static str, Value)> {
    (kind.about().optional)()
}

/// The runtime command that applies the edit `before -> after` of node
/// `node` to a running simulation, or `None` when the edit changes more than
/// a running pipeline can absorb (the run must restart from zero).
pub fn live_edit(node: NodeIndex, before: &NodeSpec, after: &NodeSpec) -> Option<Command> {
    match (before, after) {
        (NodeSpec::Producer(a), NodeSpec::Producer(b)) if a.records_per_s != b.records_per_s => {
            let mut same_otherwise = a.clone();
            same_otherwise.records_per_s = b.records_per_s;
            (same_otherwise == *b)
                .then_some(Command::SetProducerRate { node, records_per_s: b.records_per_s })
        }
        (NodeSpec::FlinkApp(a), NodeSpec::FlinkApp(b)) if a.parallelism != b.parallelism => {
            // aws-facts-more 4.1: UpdateApplication changes parallelism in
            // place (with a restart's downtime).
            let mut same_otherwise = a.clone();
            same_otherwise.parallelism = b.parallelism;
            (same_otherwise == *b)
                .then_some(Command::SetFlinkParallelism { node, parallelism: b.parallelism })
        }
        (NodeSpec::KinesisStream(a), NodeSpec::KinesisStream(b)) => {
            match (&a.capacity, &b.capacity) {
                (Capacity::Provisioned { shards: old }, Capacity::Provisioned { shards: new })
                    if old != new && a.retention_h == b.retention_h =>
                {
                    // aws-facts 1.6: UpdateShardCount, with AWS's limits; a
                    // refusal falls back to a restart.
                    Some(Command::Reshard { node, op: StreamOp::UpdateShardCount { target: *new } })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::params::leaves;
    use crate::scenario::{ProducerSpec, StreamSpec};
    use crate::validate::param_range;

    /// Top-level parameters whose values are enum variants (`param_choices`).
    const CHOICE_PATHS: [&str; 9] = [
        "traffic",
        "record_size",
        "keys",
        "api",
        "aggregation",
        "capacity",
        "transform",
        "type",
        "cluster_type",
    ];

    /// The options read in AWS's words, each distinct within its list:
    /// a newcomer picks "enhanced fan-out (SubscribeToShard)", not
    /// "enhanced fan out".
    #[test]
    fn options_have_titles_in_aws_words() {
        let title = |kind, path, name: &str| {
            let options = param_choices(kind, path).unwrap().options;
            options.iter().find(|c| c.name == name).map(Choice::title).unwrap()
        };
        assert_eq!(title(NodeKind::Producer, "api", "put_records"), "PutRecords");
        assert_eq!(
            title(NodeKind::Consumer, "read_mode", "enhanced_fan_out"),
            "enhanced fan-out (SubscribeToShard)"
        );
        assert_eq!(title(NodeKind::SqsQueue, "queue_type", "fifo"), "FIFO");
        assert_eq!(title(NodeKind::KinesisStream, "capacity", "on_demand"), "on-demand");
        for kind in NodeKind::ALL {
            for path in crate::kinds::params::table(kind).iter().map(|p| p.path) {
                let Some(choices) = param_choices(kind, path) else { continue };
                let titles: std::collections::BTreeSet<String> =
                    choices.options.iter().map(Choice::title).collect();
                assert_eq!(titles.len(), choices.options.len(), "{kind:?} {path}");
                assert!(titles.iter().all(|t| !t.is_empty()), "{kind:?} {path}");
            }
        }
    }

    /// A kind's parameters in every shape they take: the default with its
    /// optional fields present, and each variant of each enum-tagged
    /// parameter put in.
    fn shapes(kind: NodeKind) -> Vec<Value> {
        let mut base = json(NodeSpec::default_for(kind))["params"].clone();
        for (key, value) in optional_params(kind) {
            // An optional field absent by default is present: as its first
            // variant that is not "none", or as a number.
            let variant = || {
                let options = param_choices(kind, key)?.options;
                options.into_iter().map(|c| c.value).find(|v| !v.is_null())
            };
            let value = match value {
                Value::Null => variant().unwrap_or(Value::from(1)),
                value => value,
            };
            if let Some(map) = base.as_object_mut() {
                map.entry(key).or_insert(value);
            }
        }
        let mut out = vec![base.clone()];
        for path in CHOICE_PATHS {
            for choice in param_choices(kind, path).map(|c| c.options).unwrap_or_default() {
                let mut shape = base.clone();
                shape[path] = choice.value;
                out.push(shape);
            }
        }
        out
    }

    /// The numeric leaves of every shape of every kind.
    fn every_leaf() -> Vec<(NodeKind, Value, String, String)> {
        let mut out = Vec::new();
        for kind in NodeKind::ALL {
            for shape in shapes(kind) {
                // A field that does not apply to this shape (a Serverless
                // cluster's brokers) is neither shown nor checked.
                let numbers = leaves(&shape)
                    .into_iter()
                    .filter(|l| !l.list && crate::kinds::params::applies(kind, &l.row, &shape));
                out.extend(numbers.map(|l| (kind, shape.clone(), l.row, l.path)));
            }
        }
        out
    }

    #[test]
    fn every_numeric_parameter_of_every_kind_has_a_range_and_help() {
        let mut missing: Vec<String> = every_leaf()
            .into_iter()
            .filter_map(|(kind, _, row, _)| {
                match (param_range(kind, &row), param_help(kind, &row)) {
                    (Some(_), Some(_)) => None,
                    (None, _) => Some(format!("{kind:?} {row}: no range")),
                    (_, None) => Some(format!("{kind:?} {row}: no help")),
                }
            })
            .collect();
        missing.dedup();
        assert!(missing.is_empty(), "{missing:#?}");
    }

    /// A list's length is checked like a number, and no list may be longer
    /// than validation walks (so a hostile list costs no more than a valid
    /// one and nothing past the limit goes unchecked).
    #[test]
    fn every_list_has_a_length_range_within_what_validation_walks() {
        let mut lists = Vec::new();
        for kind in NodeKind::ALL {
            for shape in shapes(kind) {
                lists.extend(leaves(&shape).into_iter().filter(|l| l.list).map(|l| (kind, l.row)));
            }
        }
        assert!(lists.len() >= 3, "steps, hash keys and outages are lists: {lists:?}");
        for (kind, row) in lists {
            let r = param_range(kind, &row).unwrap_or_else(|| panic!("{kind:?} {row}: no range"));
            assert!(r.max <= crate::kinds::params::MAX_LIST_ENTRIES as f64, "{kind:?} {row}");
        }
    }

    /// A scenario of the one node `spec` (unwired: validation reports that
    /// too, beside any parameter out of range).
    fn alone(spec: NodeSpec) -> crate::Scenario {
        let mut s: crate::Scenario = serde_json::from_str(crate::DEFAULT_SCENARIO).unwrap();
        s.nodes = vec![crate::scenario::Node { id: "n".into(), name: String::new(), spec }];
        s.links.clear();
        s.layout.clear();
        s.schedule.clear();
        s
    }

    /// `shape` with the leaf at `at` (`a.b[2].c`) set to `value`.
    fn with_leaf(shape: &Value, at: &str, value: f64) -> Value {
        let mut params = shape.clone();
        let slot = at.split('.').fold(&mut params, |v, key| match key.split_once('[') {
            Some((name, i)) => &mut v[name][i.trim_end_matches(']').parse::<usize>().unwrap()],
            None => &mut v[key],
        });
        // An integer field takes an integer (`2000`, not `2000.0`).
        let integer = slot.is_i64() || slot.is_u64();
        *slot = if integer { serde_json::json!(value as i64) } else { serde_json::json!(value) };
        params
    }

    #[test]
    fn every_ranged_parameter_is_checked_against_its_range() {
        let mut untried = Vec::new();
        for (kind, shape, row, at) in every_leaf() {
            let mut tried = false;
            let r = param_range(kind, &row).expect("every leaf has a range");
            // Just past either end; a value the field's type cannot hold is
            // refused by parsing instead.
            for value in [r.max + r.max.abs().max(1.0), r.min - r.min.abs().max(1.0)] {
                let node = serde_json::json!({"kind": kind.as_str(), "params": with_leaf(&shape, &at, value)});
                let Ok(spec) = serde_json::from_value::<NodeSpec>(node) else { continue };
                tried = true;
                let issues = crate::validate(&alone(spec)).err().unwrap_or_default();
                let want = format!("nodes[0].params.{at}");
                assert!(
                    issues.iter().any(|i| i.path == want),
                    "{kind:?} {at} = {value} is outside {} to {} but not refused: {issues:?}",
                    r.min,
                    r.max
                );
            }
            if !tried {
                untried.push(format!("{kind:?} {at}"));
            }
        }
        // Whatever parsing refuses, some value of every leaf is representable
        // (a range is narrower than its field's type): nothing goes untried.
        assert_eq!(untried, Vec::<String>::new());
    }

    #[test]
    fn every_choice_deserialises_as_its_parameter() {
        for kind in NodeKind::ALL {
            let base = json(NodeSpec::default_for(kind));
            for path in CHOICE_PATHS.into_iter().chain(["traffic.arrivals", "start", "read_mode"]) {
                let Some(choices) = param_choices(kind, path) else { continue };
                assert!(param_help(kind, path).is_some(), "{kind:?} {path} has no help");
                for (i, choice) in choices.options.iter().enumerate() {
                    let mut node = base.clone();
                    let (head, tail) = path.split_once('.').unwrap_or((path, ""));
                    let slot = if tail.is_empty() {
                        &mut node["params"][head]
                    } else {
                        // traffic.arrivals needs a shape that has arrivals.
                        node["params"][head] = json(Traffic::Diurnal {
                            amplitude: 0.5,
                            period_s: 60.0,
                            phase_s: 0.0,
                            arrivals: Arrivals::Poisson,
                        });
                        &mut node["params"][head][tail]
                    };
                    *slot = choice.value.clone();
                    let spec: NodeSpec = serde_json::from_value(node.clone())
                        .unwrap_or_else(|e| panic!("{kind:?} {path} {}: {e}", choice.name));
                    let mut back = json(&spec)["params"].clone();
                    // A field left out of the document shows its absent
                    // value, as the inspector walks it.
                    for (key, absent) in optional_params(kind) {
                        if let Some(map) = back.as_object_mut() {
                            map.entry(key).or_insert(absent);
                        }
                    }
                    let current = if tail.is_empty() { &back[head] } else { &back[head][tail] };
                    assert_eq!(
                        choices.current(current),
                        Some(i),
                        "{kind:?} {path} {}",
                        choice.name
                    );
                }
            }
        }
    }

    #[test]
    fn a_rate_change_applies_live_and_anything_more_restarts() {
        let a = NodeSpec::Producer(ProducerSpec::default());
        let mut b = ProducerSpec { records_per_s: 900.0, ..ProducerSpec::default() };
        assert_eq!(
            live_edit(NodeIndex::new(3), &a, &NodeSpec::Producer(b.clone())),
            Some(Command::SetProducerRate { node: NodeIndex::new(3), records_per_s: 900.0 })
        );
        b.partition_key_bytes = 32;
        assert_eq!(live_edit(NodeIndex::new(3), &a, &NodeSpec::Producer(b)), None);
    }

    #[test]
    fn a_shard_count_change_applies_live_through_update_shard_count() {
        let a = NodeSpec::KinesisStream(StreamSpec::default());
        let b = NodeSpec::KinesisStream(StreamSpec {
            capacity: Capacity::Provisioned { shards: 4 },
            ..StreamSpec::default()
        });
        assert_eq!(
            live_edit(NodeIndex::new(1), &a, &b),
            Some(Command::Reshard {
                node: NodeIndex::new(1),
                op: StreamOp::UpdateShardCount { target: 4 }
            })
        );
        let on_demand = NodeSpec::KinesisStream(StreamSpec {
            capacity: Capacity::on_demand(),
            ..StreamSpec::default()
        });
        assert_eq!(live_edit(NodeIndex::new(1), &a, &on_demand), None);
    }
}
