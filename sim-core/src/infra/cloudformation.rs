//! CloudFormation templates, YAML (short-form intrinsics, comments) and
//! JSON (comments kept in `Metadata`), written from one tree so the two
//! always say the same.

use crate::infra::model::{Attr, ParamType, Piece, Ref, Template, Value};
use crate::infra::names::Names;

/// A CloudFormation value as written.
enum Cfn {
    Str(String),
    Raw(String),
    Bool(bool),
    List(Vec<Cfn>),
    Obj(Vec<(String, Cfn)>),
    /// `Ref`, `Fn::GetAtt` (`X.Arn`) or `Fn::Sub`, with its argument.
    Intrinsic(&'static str, String),
}

struct Writer<'a> {
    template: &'a Template,
    names: &'a Names,
}

impl Writer<'_> {
    fn cfn_type(&self, key: &str) -> &str {
        self.template.resource(key).map_or("", |r| r.cfn_type)
    }

    /// CloudFormation's spelling of an attribute, per type: `Ref` gives a
    /// queue's URL (so its name is `QueueName`) and most others' names.
    fn reference(&self, r: &Ref) -> (&'static str, String) {
        let id = self.names.cfn(&r.key);
        match (r.attr, self.cfn_type(&r.key)) {
            (Attr::Name, "AWS::SQS::Queue") => ("Fn::GetAtt", format!("{id}.QueueName")),
            (Attr::Name | Attr::Url, _) => ("Ref", id),
            (Attr::Arn, "AWS::SNS::Topic") => ("Fn::GetAtt", format!("{id}.TopicArn")),
            (Attr::Arn, "AWS::Kinesis::StreamConsumer") => {
                ("Fn::GetAtt", format!("{id}.ConsumerARN"))
            }
            (Attr::Arn, _) => ("Fn::GetAtt", format!("{id}.Arn")),
        }
    }

    fn value(&self, v: &Value) -> Cfn {
        match v {
            Value::Str(s) => Cfn::Str(s.clone()),
            Value::Int(n) => Cfn::Raw(n.to_string()),
            Value::Num(x) => Cfn::Raw(format_num(*x)),
            Value::Bool(b) => Cfn::Bool(*b),
            Value::List(items) => Cfn::List(items.iter().map(|i| self.value(i)).collect()),
            Value::Block(p) | Value::Map(p) => {
                Cfn::Obj(p.0.iter().map(|(k, v)| (k.clone(), self.value(v))).collect())
            }
            Value::Json(inner) => self.value(inner),
            Value::Ref(r) => {
                let (f, arg) = self.reference(r);
                Cfn::Intrinsic(f, arg)
            }
            Value::Param(key) => Cfn::Intrinsic("Ref", self.names.cfn(key)),
            Value::Sub(pieces) => {
                let text = pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Lit(s) => s.replace("${", "${!"),
                        Piece::Partition => "${AWS::Partition}".into(),
                        Piece::Region => "${AWS::Region}".into(),
                        Piece::Account => "${AWS::AccountId}".into(),
                        Piece::Ref(r) => format!("${{{}}}", self.reference(r).1),
                    })
                    .collect();
                Cfn::Intrinsic("Fn::Sub", text)
            }
        }
    }

    /// The whole template as a tree, plus comments per resource id.
    fn document(&self, with_metadata: bool) -> Cfn {
        let t = self.template;
        let mut top = vec![
            ("AWSTemplateFormatVersion".to_string(), Cfn::Str("2010-09-09".into())),
            ("Description".to_string(), Cfn::Str(t.header.first().cloned().unwrap_or_default())),
        ];
        // JSON has no comments, so the header and notes go in Metadata;
        // YAML writes them as `#` lines and puts the scenario last, out of
        // the reader's way.
        let mut meta = Vec::new();
        if with_metadata {
            meta.push((
                "Header".to_string(),
                Cfn::List(t.header.iter().map(|l| Cfn::Str(l.clone())).collect()),
            ));
            if !t.notes.is_empty() {
                meta.push((
                    "Notes".into(),
                    Cfn::List(t.notes.iter().map(|l| Cfn::Str(l.clone())).collect()),
                ));
            }
        }
        // One JSON string: CloudFormation's Metadata takes no fractions
        // (cfn-lint E4002), and a scenario has many.
        if let Some(scenario) = &t.scenario {
            meta.push(("Scenario".into(), Cfn::Str(scenario.to_string())));
        }
        let metadata = (!meta.is_empty()).then(|| {
            ("Metadata".to_string(), Cfn::Obj(vec![("Shardplay".into(), Cfn::Obj(meta))]))
        });
        let trailing = if with_metadata {
            top.extend(metadata);
            None
        } else {
            metadata
        };
        if !t.parameters.is_empty() {
            let params = t
                .parameters
                .iter()
                .map(|p| {
                    let mut fields = vec![(
                        "Type".to_string(),
                        Cfn::Str(match p.kind {
                            ParamType::Number => "Number".into(),
                            ParamType::String => "String".into(),
                            ParamType::SubnetIds => "List<AWS::EC2::Subnet::Id>".into(),
                            ParamType::SecurityGroupIds => {
                                "List<AWS::EC2::SecurityGroup::Id>".into()
                            }
                        }),
                    )];
                    if let Some(default) = &p.default {
                        // CloudFormation reads every default as a string.
                        let text = match self.value(default) {
                            Cfn::Raw(s) | Cfn::Str(s) => s,
                            _ => String::new(),
                        };
                        fields.push(("Default".into(), Cfn::Str(text)));
                    }
                    fields.push(("Description".into(), Cfn::Str(truncate(&p.description, 4000))));
                    if p.secret {
                        fields.push(("NoEcho".into(), Cfn::Bool(true)));
                    }
                    (self.names.cfn(&p.key), Cfn::Obj(fields))
                })
                .collect();
            top.push(("Parameters".into(), Cfn::Obj(params)));
        }
        let resources = t
            .resources
            .iter()
            .map(|r| {
                let mut fields = vec![("Type".to_string(), Cfn::Str(r.cfn_type.into()))];
                if !r.depends_on.is_empty() {
                    fields.push((
                        "DependsOn".into(),
                        Cfn::List(
                            r.depends_on.iter().map(|d| Cfn::Str(self.names.cfn(d))).collect(),
                        ),
                    ));
                }
                if with_metadata && !r.comments.is_empty() {
                    fields.push((
                        "Metadata".into(),
                        Cfn::Obj(vec![(
                            "Comment".into(),
                            Cfn::List(r.comments.iter().map(|c| Cfn::Str(c.clone())).collect()),
                        )]),
                    ));
                }
                fields.push(("Properties".into(), self.value(&Value::Map(r.cfn.clone()))));
                (self.names.cfn(&r.key), Cfn::Obj(fields))
            })
            .collect();
        top.push(("Resources".into(), Cfn::Obj(resources)));
        top.extend(trailing);
        Cfn::Obj(top)
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

pub(crate) fn format_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// The CloudFormation and Terraform names of every parameter and resource
/// of `t`.
pub(crate) fn keys(t: &Template) -> Names {
    Names::new(
        t.parameters
            .iter()
            .map(|p| p.key.as_str())
            .chain(t.resources.iter().map(|r| r.key.as_str())),
    )
}

/// The template as CloudFormation JSON.
pub fn json(t: &Template) -> String {
    let names = keys(t);
    let doc = Writer { template: t, names: &names }.document(true);
    let mut out = String::new();
    write_json(&doc, 0, &mut out);
    out.push('\n');
    out
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn write_json(v: &Cfn, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent + 2);
    match v {
        Cfn::Str(s) => out.push_str(&quote(s)),
        Cfn::Raw(s) => out.push_str(s),
        Cfn::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Cfn::Intrinsic(f, arg) => {
            let inner = match *f {
                "Fn::GetAtt" => {
                    let (id, attr) = arg.split_once('.').unwrap_or((arg, ""));
                    format!("[{}, {}]", quote(id), quote(attr))
                }
                _ => quote(arg),
            };
            out.push_str(&format!("{{ {}: {inner} }}", quote(f)));
        }
        Cfn::List(items) if items.is_empty() => out.push_str("[]"),
        Cfn::Obj(fields) if fields.is_empty() => out.push_str("{}"),
        Cfn::List(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad);
                write_json(item, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Cfn::Obj(fields) => {
            out.push_str("{\n");
            for (i, (k, v)) in fields.iter().enumerate() {
                out.push_str(&format!("{pad}{}: ", quote(k)));
                write_json(v, indent + 2, out);
                out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
    }
}

/// The template as CloudFormation YAML, with the header, notes and each
/// resource's comments as `#` lines.
pub fn yaml(t: &Template) -> String {
    let names = keys(t);
    let writer = Writer { template: t, names: &names };
    let mut out = String::new();
    for line in &t.header {
        out.push_str(&super::comment(line));
    }
    for line in &t.notes {
        out.push_str(&super::comment(line));
    }
    let Cfn::Obj(top) = writer.document(false) else { return out };
    for (key, value) in &top {
        if key == "Metadata" {
            out.push_str("# The scenario as exported: importing this template into Shardplay gives back\n# what no resource says (producers, the applications that read, the layout).\n");
        }
        if key != "Resources" {
            write_yaml_field(key, value, 0, &mut out);
            continue;
        }
        out.push_str("Resources:\n");
        let Cfn::Obj(resources) = value else { continue };
        for ((id, body), r) in resources.iter().zip(&t.resources) {
            for c in &r.comments {
                out.push_str(&format!("  # {c}\n"));
            }
            write_yaml_field(id, body, 2, &mut out);
        }
    }
    out
}

/// A YAML scalar: plain when it cannot be misread, double-quoted otherwise.
fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain { s.to_string() } else { quote(s) }
}

fn yaml_inline(v: &Cfn) -> Option<String> {
    match v {
        Cfn::Str(s) => Some(yaml_scalar(s)),
        Cfn::Raw(s) => Some(s.clone()),
        Cfn::Bool(b) => Some(b.to_string()),
        Cfn::Intrinsic(f, arg) => Some(match *f {
            "Ref" => format!("!Ref {arg}"),
            "Fn::GetAtt" => format!("!GetAtt {arg}"),
            _ => format!("!Sub {}", quote(arg)),
        }),
        Cfn::List(items) if items.is_empty() => Some("[]".into()),
        Cfn::Obj(fields) if fields.is_empty() => Some("{}".into()),
        Cfn::List(_) | Cfn::Obj(_) => None,
    }
}

fn write_yaml_field(key: &str, v: &Cfn, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let key = yaml_scalar(key);
    match yaml_inline(v) {
        Some(text) => out.push_str(&format!("{pad}{key}: {text}\n")),
        None => {
            out.push_str(&format!("{pad}{key}:\n"));
            write_yaml_block(v, indent + 2, out);
        }
    }
}

fn write_yaml_block(v: &Cfn, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Cfn::Obj(fields) => fields.iter().for_each(|(k, v)| write_yaml_field(k, v, indent, out)),
        Cfn::List(items) => {
            for item in items {
                match yaml_inline(item) {
                    Some(text) => out.push_str(&format!("{pad}- {text}\n")),
                    None => {
                        // The item's block at indent + 2, its first line
                        // marked as the list entry.
                        let mut block = String::new();
                        write_yaml_block(item, indent + 2, &mut block);
                        out.push_str(&format!("{pad}- {}", &block[indent + 2..]));
                    }
                }
            }
        }
        other => {
            if let Some(text) = yaml_inline(other) {
                out.push_str(&format!("{pad}{text}\n"));
            }
        }
    }
}
