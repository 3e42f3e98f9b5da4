//! The inspector's model, generic over node kinds: a node's parameters are
//! walked as JSON, and each leaf becomes a field whose unit and range come
//! from `sim_core::param_range`, its explanation from
//! `sim_core::params::param_help` and its variants (for enum-tagged fields)
//! from `sim_core::params::param_choices`. No kind is named here.

use serde_json::{Map, Value};
use sim_core::json_path::set_path;
use sim_core::params::{Choices, applies, optional_params, param_choices, param_help, param_rank};
use sim_core::units::format_number;
use sim_core::validate::{ParamRange, read_spec};
use sim_core::{NodeKind, NodeSpec, param_range};

/// What kind of input a field needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A number, with its allowed range when sim-core has one.
    Number {
        /// Allowed range and unit.
        range: Option<ParamRange>,
        /// Whether only whole numbers fit.
        integer: bool,
    },
    /// Free text (a CSV series, a hash key).
    Text,
    /// A list, edited as JSON.
    Json,
    /// One of the variants of an enum-tagged field.
    Choice(Choices),
    /// On or off.
    Flag,
}

/// One editable parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Dot path inside `params` (`retry.max_attempts`).
    pub path: String,
    /// Words for people (`Retry › max attempts`).
    pub label: String,
    /// The input it needs.
    pub input: Input,
    /// Its current value (`Null` when absent).
    pub value: Value,
    /// The value a new node of this kind has, as text.
    pub default: Option<String>,
    /// A one-line explanation of the AWS concept.
    pub help: Option<&'static str>,
}

/// The JSON of a node's parameters.
pub fn params_of(spec: &NodeSpec) -> Value {
    serde_json::to_value(spec)
        .ok()
        .and_then(|mut v| v.get_mut("params").map(Value::take))
        .unwrap_or(Value::Null)
}

/// Every editable field of a node of `kind` with parameters `params`.
pub fn fields(kind: NodeKind, params: &Value) -> Vec<Field> {
    let defaults = params_of(&NodeSpec::default_for(kind));
    let mut out = Vec::new();
    let mut object = params.as_object().cloned().unwrap_or_default();
    for (key, absent) in optional_params(kind) {
        object.entry(key.to_string()).or_insert(absent);
    }
    walk(kind, "", &object, None, &defaults, &mut out);
    // Fields that do not apply to these parameters (a Serverless cluster's
    // brokers) are hidden, as validation skips them.
    let params = Value::Object(object);
    out.retain(|f| applies(kind, &f.path, &params));
    out
}

fn walk(
    kind: NodeKind,
    prefix: &str,
    object: &Map<String, Value>,
    skip: Option<&str>,
    defaults: &Value,
    out: &mut Vec<Field>,
) {
    // In the order the kind's table lists them (most important first), not
    // the JSON's alphabetical one.
    let path_of =
        |key: &str| if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") };
    let mut entries: Vec<(&String, &Value)> = object.iter().collect();
    entries.sort_by_cached_key(|(key, _)| param_rank(kind, &path_of(key)));
    for (key, value) in entries {
        if Some(key.as_str()) == skip {
            continue;
        }
        let path = path_of(key);
        let default = lookup(defaults, &path).filter(|d| !d.is_object()).map(show);
        let help = param_help(kind, &path);
        let field = |input| Field {
            path: path.clone(),
            label: label(&path),
            input,
            value: value.clone(),
            default: default.clone(),
            help,
        };
        if let Some(choices) = param_choices(kind, &path) {
            let tag_key = choices.tag_key;
            // The default as the menu shows it ("TRIM_HORIZON (oldest
            // first)"), not as the file writes it.
            let default = lookup(defaults, &path)
                .and_then(|d| choices.current(d))
                .map(|i| choices.options[i].title());
            out.push(Field { default, ..field(Input::Choice(choices)) });
            if let Value::Object(inner) = value {
                walk(kind, &path, inner, tag_key, defaults, out);
            }
            continue;
        }
        match value {
            Value::Object(inner) => walk(kind, &path, inner, None, defaults, out),
            Value::Number(n) => out.push(field(Input::Number {
                range: param_range(kind, &path),
                integer: n.is_u64() || n.is_i64(),
            })),
            Value::String(_) => out.push(field(Input::Text)),
            Value::Array(_) => out.push(field(Input::Json)),
            Value::Bool(_) => out.push(field(Input::Flag)),
            Value::Null => {}
        }
    }
}

/// The value at dot path `path`.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// "Retry › max attempts" from `retry.max_attempts`; units read as units:
/// "Records/s" from `records_per_s`, "Poll interval (ms)" from
/// `poll_interval_ms`, "Storage GiB per broker" from `storage_gib_per_broker`.
pub fn label(path: &str) -> String {
    let words: Vec<String> = path.split('.').map(segment_words).collect();
    let mut text = words.join(" › ");
    if let Some(first) = text.get(0..1) {
        text.replace_range(0..1, &first.to_uppercase());
    }
    text
}

/// An abbreviation as AWS writes it, if `word` is one ("API", "S3").
fn acronym(word: &str) -> Option<&'static str> {
    Some(match word {
        "api" => "API",
        "kpl" => "KPL",
        "kpu" => "KPU",
        "s3" => "S3",
        "csv" => "CSV",
        "fifo" => "FIFO",
        "http" => "HTTP",
        "url" => "URL",
        "dlq" => "DLQ",
        "id" => "ID",
        _ => return None,
    })
}

/// A unit as people write it, if `word` is one.
fn unit(word: &str) -> Option<&'static str> {
    Some(match word {
        "s" => "s",
        "ms" => "ms",
        "us" => "µs",
        "h" => "h",
        "kib" => "KiB",
        "mib" => "MiB",
        "gib" => "GiB",
        "kb" => "KB",
        "mb" => "MB",
        "gb" => "GB",
        _ => return None,
    })
}

/// One path segment in words: `_` to spaces, "per s" to "/s", a unit
/// after a unit joined by "/", a unit closing the segment in parentheses.
fn segment_words(segment: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut after_unit = false;
    let mut tokens = segment.split('_').peekable();
    while let Some(token) = tokens.next() {
        let closing = tokens.peek().is_none();
        let Some(u) = unit(token) else {
            out.push(acronym(token).unwrap_or(token).to_string());
            after_unit = false;
            continue;
        };
        let per = out.len() > 1 && out.last().is_some_and(|w| w == "per");
        if per {
            out.pop();
        }
        match out.last_mut() {
            // "records per s" and "mib s": a rate.
            Some(prev) if per || after_unit => prev.push_str(&format!("/{u}")),
            Some(_) if closing => out.push(format!("({u})")),
            _ => out.push(u.to_string()),
        }
        after_unit = true;
    }
    out.join(" ")
}

/// A value as the inspector shows it.
pub fn show(value: &Value) -> String {
    match value {
        Value::Number(n) => n.as_f64().map(format_number).unwrap_or_else(|| n.to_string()),
        Value::String(s) => s.clone(),
        Value::Null => "off".into(),
        other => other.to_string(),
    }
}

/// The text of a range for people: "1 to 10,000 shards".
pub fn describe(range: &ParamRange) -> String {
    let unit = if range.unit.is_empty() { String::new() } else { format!(" {}", range.unit) };
    format!("{} to {}{unit}", format_number(range.min), format_number(range.max))
}

/// Reads what was typed into a field, refusing (with the allowed values)
/// anything sim-core would not accept.
pub fn parse_input(input: &Input, text: &str) -> Result<Value, String> {
    match input {
        Input::Number { range, integer } => {
            let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
            let value: f64 = cleaned.parse().map_err(|_| match range {
                Some(r) => format!("{text:?} is not a number; allowed {}", describe(r)),
                None => format!("{text:?} is not a number"),
            })?;
            if let Some(r) = range
                && !(value.is_finite() && value >= r.min && value <= r.max)
            {
                return Err(format!(
                    "{} is out of range; allowed {}",
                    format_number(value),
                    describe(r)
                ));
            }
            if *integer {
                if value.fract() != 0.0 || value < 0.0 {
                    return Err(format!("{} must be a whole number", format_number(value)));
                }
                return Ok(Value::from(value as u64));
            }
            serde_json::Number::from_f64(value)
                .map(Value::Number)
                .ok_or_else(|| format!("{text:?} is not a finite number"))
        }
        Input::Text => Ok(Value::String(text.to_string())),
        Input::Json => serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}")),
        Input::Flag => Ok(Value::Bool(text == "true")),
        Input::Choice(choices) => choices
            .options
            .iter()
            .find(|o| o.name == text)
            .map(|o| o.value.clone())
            .ok_or_else(|| format!("{text:?} is not one of the choices")),
    }
}

/// The node spec with `path` set to `value`, or why it cannot be read.
pub fn with_param(spec: &NodeSpec, path: &str, value: Value) -> Result<NodeSpec, String> {
    let mut json = serde_json::to_value(spec).map_err(|e| e.to_string())?;
    let mut params =
        json.get_mut("params").map(Value::take).unwrap_or_else(|| Value::Object(Map::new()));
    set_path(&mut params, path, value)?;
    // The field being edited is on screen: name only a field inside it.
    read_spec(spec.kind(), &params, "").map_err(|issue| match issue.path == path {
        true => issue.message,
        false => issue.to_string(),
    })
}

/// Checks `spec` as node `i` of `doc` with sim-core, reporting only the
/// node's own problems under `prefix` (`nodes[i]` or `nodes[i].params`):
/// wiring problems elsewhere in a draft do not block an edit.
pub fn check_node_spec(
    doc: &sim_core::Scenario,
    i: usize,
    spec: &sim_core::NodeSpec,
    prefix: &str,
) -> Result<(), String> {
    let mut candidate = doc.clone();
    candidate.nodes[i].spec = spec.clone();
    match sim_core::validate(&candidate) {
        Err(issues) => match issues.iter().find(|is| is.path.starts_with(prefix)) {
            Some(issue) => Err(issue.message.clone()),
            None => Ok(()),
        },
        Ok(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(fields: &'a [Field], path: &str) -> &'a Field {
        fields.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no field {path}"))
    }

    #[test]
    fn labels_read_units_as_units() {
        let cases = [
            ("records_per_s", "Records/s"),
            ("poll_interval_ms", "Poll interval (ms)"),
            ("storage_gib_per_broker", "Storage GiB per broker"),
            ("capacity.warm_throughput_mib_s", "Capacity › warm throughput MiB/s"),
            (
                "consumer_group.records_per_s_per_consumer",
                "Consumer group › records/s per consumer",
            ),
            ("retry.max_attempts", "Retry › max attempts"),
            ("capacity.shards", "Capacity › shards"),
            ("per_record_us", "Per record (µs)"),
            ("s3_backup", "S3 backup"),
        ];
        for (path, want) in cases {
            assert_eq!(label(path), want, "{path}");
        }
    }

    #[test]
    fn every_kind_gets_fields_with_ranges_from_sim_core() {
        for kind in NodeKind::ALL {
            let fs = fields(kind, &params_of(&NodeSpec::default_for(kind)));
            assert!(!fs.is_empty(), "{kind:?}");
            for f in &fs {
                if let Input::Number { range, .. } = &f.input {
                    assert_eq!(*range, param_range(kind, &f.path), "{}", f.path);
                }
            }
        }
        let producer =
            fields(NodeKind::Producer, &params_of(&NodeSpec::default_for(NodeKind::Producer)));
        assert!(matches!(field(&producer, "traffic").input, Input::Choice(_)));
        assert!(matches!(field(&producer, "aggregation").input, Input::Choice(_)));
        let shards = field(
            &fields(
                NodeKind::KinesisStream,
                &params_of(&NodeSpec::default_for(NodeKind::KinesisStream)),
            ),
            "capacity.shards",
        )
        .clone();
        assert_eq!(shards.default.as_deref(), Some("2"));
        assert!(shards.help.is_some());
    }

    /// aws-facts-more 2: an MSK Serverless cluster has no brokers to size,
    /// so its broker fields are hidden; a provisioned one shows them.
    /// A newcomer reads the inspector top down: a producer starts with its
    /// rate, its traffic and its record size, not with `aggregation` and
    /// `api` as the JSON's alphabetical order had it; every kind's fields
    /// come in its table's order.
    #[test]
    fn fields_come_most_important_first() {
        let fs = fields(NodeKind::Producer, &params_of(&NodeSpec::default_for(NodeKind::Producer)));
        let paths: Vec<&str> = fs.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths[..2], ["records_per_s", "traffic"], "{paths:?}");
        let at = |p: &str| paths.iter().position(|x| *x == p).unwrap();
        assert!(at("record_size") < at("keys") && at("keys") < at("api"), "{paths:?}");
        // A reader's first choice is how it reads; a choice's default is
        // shown as its menu says it.
        let fs = fields(NodeKind::Consumer, &params_of(&NodeSpec::default_for(NodeKind::Consumer)));
        assert_eq!(fs[0].path, "read_mode");
        let start = fs.iter().find(|f| f.path == "start").unwrap();
        assert_eq!(start.default.as_deref(), Some("TRIM_HORIZON (oldest first)"));
        for kind in NodeKind::ALL {
            let fs = fields(kind, &params_of(&NodeSpec::default_for(kind)));
            let ranks: Vec<usize> = fs.iter().map(|f| param_rank(kind, &f.path)).collect();
            assert!(
                ranks.is_sorted(),
                "{kind:?}: {:?}",
                fs.iter().map(|f| &f.path).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_serverless_cluster_shows_no_broker_fields() {
        let kind = NodeKind::MskCluster;
        let provisioned = params_of(&NodeSpec::default_for(kind));
        let shown = |params: &Value| -> Vec<String> {
            fields(kind, params).into_iter().map(|f| f.path).collect()
        };
        let broker_fields = [
            "broker_type",
            "brokers",
            "availability_zones",
            "storage_gib_per_broker",
            "ingress_mb_per_s_per_broker",
            "replication_factor",
            "leader_election_s",
        ];
        let all = shown(&provisioned);
        for f in ["brokers", "storage_gib_per_broker", "broker_type", "partitions"] {
            assert!(all.iter().any(|p| p == f), "provisioned lacks {f}: {all:?}");
        }
        let mut serverless = provisioned.clone();
        serverless["cluster_type"] = Value::from("serverless");
        let some = shown(&serverless);
        for f in broker_fields {
            assert!(!some.iter().any(|p| p == f), "serverless shows {f}");
        }
        for f in ["cluster_type", "partitions", "consumer_group.consumers", "retention_hours"] {
            assert!(some.iter().any(|p| p == f), "serverless lacks {f}: {some:?}");
        }
    }

    #[test]
    fn out_of_range_and_fractional_counts_are_refused_with_the_range() {
        let input = Input::Number {
            range: param_range(NodeKind::KinesisStream, "capacity.shards"),
            integer: true,
        };
        assert_eq!(parse_input(&input, "4"), Ok(Value::from(4u64)));
        assert_eq!(
            parse_input(&input, "20000").unwrap_err(),
            "20,000 is out of range; allowed 1 to 10,000 shards"
        );
        assert_eq!(parse_input(&input, "2.5").unwrap_err(), "2.5 must be a whole number");
        assert!(parse_input(&input, "many").unwrap_err().contains("allowed 1 to 10,000 shards"));
    }

    #[test]
    fn setting_a_variant_and_a_nested_field_gives_a_valid_spec() {
        let spec = NodeSpec::default_for(NodeKind::Producer);
        let choices = param_choices(NodeKind::Producer, "traffic").unwrap();
        let burst = parse_input(&Input::Choice(choices), "burst").unwrap();
        let spec = with_param(&spec, "traffic", burst).unwrap();
        let spec = with_param(&spec, "traffic.multiplier", Value::from(8.0)).unwrap();
        assert_eq!(lookup(&params_of(&spec), "traffic.multiplier"), Some(&Value::from(8.0)));
        let spec = with_param(&spec, "aggregation", Value::Null).unwrap();
        assert!(lookup(&params_of(&spec), "aggregation").is_none());
        // A refusal says what is allowed, as validation does.
        let why = with_param(&spec, "retry.max_attempts", Value::from(-1)).unwrap_err();
        assert!(why.starts_with("invalid value") && why.contains("allowed"), "{why}");
    }
}
