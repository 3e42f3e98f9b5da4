//! CloudFormation's YAML as the JSON form of the same template: the short
//! forms of the intrinsic functions (`!Ref X`, `!GetAtt X.Arn`, `!Sub ...`)
//! become their long forms (`{"Ref": "X"}`, `{"Fn::GetAtt": ["X", "Arn"]}`),
//! as AWS's own converters do.
//!
//! The parser is saphyr-parser's event stream; the tree is built here so
//! that hostile input meets a limit before it costs memory: CloudFormation
//! supports no anchors or aliases (aws-facts.md §10.1), so both are refused,
//! which also rules out "billion laughs" expansion; nesting is limited to
//! [`MAX_DEPTH`] (the caller limits the size, [`super::MAX_TEMPLATE_BYTES`]).

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};

use crate::validate::Issue;

/// aws-facts.md §10.1.
const NO_ANCHORS: &str = "CloudFormation templates cannot use YAML anchors or aliases (&name, *name); write the value out";

/// Deeper than any real template nests (serde_json's own limit is 128).
pub const MAX_DEPTH: usize = 64;

/// The template `text` (YAML) as JSON.
pub fn parse(text: &str) -> Result<Value, Issue> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Value> = None;
    for event in &mut parser {
        let (event, span) = event.map_err(|e| {
            Issue::new(
                "",
                format!(
                    "not valid YAML at line {}, column {}: {}",
                    e.marker().line(),
                    e.marker().col() + 1,
                    e.info()
                ),
            )
        })?;
        let line = span.start.line();
        let value = match event {
            Event::Alias(_) => {
                return Err(Issue::new("", format!("line {line}: {NO_ANCHORS}")));
            }
            Event::Scalar(text, style, anchor, tag) => {
                no_anchor(anchor, line)?;
                intrinsic(tag.as_deref(), scalar(&text, style), line)?
            }
            Event::SequenceStart(anchor, tag) => {
                open(&mut stack, anchor, line)?;
                stack.push(Open::List(Vec::new(), tag.map(|t| t.into_owned())));
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                open(&mut stack, anchor, line)?;
                stack.push(Open::Map(Map::new(), None, tag.map(|t| t.into_owned())));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = stack.pop() else { continue };
                match open {
                    Open::List(items, tag) => intrinsic(tag.as_ref(), Value::Array(items), line)?,
                    Open::Map(map, _, tag) => intrinsic(tag.as_ref(), Value::Object(map), line)?,
                }
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => continue,
        };
        match stack.last_mut() {
            None => {
                if root.is_some() {
                    return Err(Issue::new(
                        "",
                        format!("line {line}: a template is one YAML document; this file has more"),
                    ));
                }
                root = Some(value);
            }
            Some(Open::List(items, _)) => items.push(value),
            Some(Open::Map(map, key, _)) => match key.take() {
                None => {
                    let Value::String(k) = value else {
                        return Err(Issue::new(
                            "",
                            format!("line {line}: a mapping key must be text"),
                        ));
                    };
                    if k == "<<" {
                        return Err(Issue::new(
                            "",
                            format!(
                                "line {line}: CloudFormation templates cannot use YAML merge keys (<<)"
                            ),
                        ));
                    }
                    if map.contains_key(&k) {
                        return Err(Issue::new(
                            "",
                            format!("line {line}: the key {k:?} appears twice"),
                        ));
                    }
                    *key = Some(k);
                }
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
    root.ok_or_else(|| Issue::new("", "the template is empty"))
}

/// A collection being built.
enum Open {
    List(Vec<Value>, Option<Tag>),
    /// The map, the key waiting for its value, the tag.
    Map(Map<String, Value>, Option<String>, Option<Tag>),
}

/// Checks a collection about to open: no anchor, not too deep.
fn open(stack: &mut [Open], anchor: usize, line: usize) -> Result<(), Issue> {
    no_anchor(anchor, line)?;
    if stack.len() >= MAX_DEPTH {
        return Err(Issue::new(
            "",
            format!("line {line}: the template nests deeper than {MAX_DEPTH} levels"),
        ));
    }
    Ok(())
}

fn no_anchor(anchor: usize, line: usize) -> Result<(), Issue> {
    if anchor == 0 { Ok(()) } else { Err(Issue::new("", format!("line {line}: {NO_ANCHORS}"))) }
}

/// A scalar by the YAML 1.2 core schema: plain `true`, `false`, `null`,
/// `~` and numbers are typed; everything quoted or in blocks is text.
fn scalar(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        "null" | "Null" | "NULL" | "~" | "" => return Value::Null,
        _ => {}
    }
    if let Ok(n) = text.parse::<i64>() {
        return Value::Number(n.into());
    }
    if let Ok(n) = text.parse::<u64>() {
        return Value::Number(n.into());
    }
    let numeric =
        text.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if numeric && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

/// The value under tag `tag`: a short-form intrinsic becomes its long form;
/// the core schema's own tags (`!!str`) leave it as it is.
fn intrinsic(tag: Option<&Tag>, value: Value, line: usize) -> Result<Value, Issue> {
    let Some(tag) = tag else { return Ok(value) };
    if tag.is_yaml_core_schema() {
        return Ok(match (tag.suffix.as_str(), value) {
            ("str", Value::Number(n)) => Value::String(n.to_string()),
            ("str", Value::Bool(b)) => Value::String(b.to_string()),
            (_, v) => v,
        });
    }
    let name = tag.suffix.as_str();
    let value = match (name, value) {
        // `!GetAtt X.Arn` is `["X", "Arn"]` in the long form.
        ("GetAtt", Value::String(s)) => match s.split_once('.') {
            Some((res, attr)) => Value::Array(vec![res.into(), attr.into()]),
            None => Value::String(s),
        },
        (_, v) => v,
    };
    let long = match name {
        "Ref" | "Condition" => name.to_string(),
        "Base64" | "Cidr" | "FindInMap" | "GetAtt" | "GetAZs" | "ImportValue" | "Join"
        | "Select" | "Split" | "Sub" | "Transform" | "And" | "Equals" | "If" | "Not" | "Or"
        | "Length" | "ToJsonString" => format!("Fn::{name}"),
        _ => {
            return Err(Issue::new(
                "",
                format!("line {line}: !{name} is not a CloudFormation intrinsic function"),
            ));
        }
    };
    let mut map = Map::new();
    map.insert(long, value);
    Ok(Value::Object(map))
}
