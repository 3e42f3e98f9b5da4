//! Terraform (HCL, the AWS provider's resource types and arguments):
//! variables for parameters, `data` sources for the account's partition,
//! Region and id when a policy needs them, then the resources.

use crate::infra::cloudformation::format_num;
use crate::infra::model::{Attr, ParamType, Piece, Props, Ref, Template, Value};
use crate::infra::names::Names;

/// The AWS provider versions the export is written for (the schema extract
/// in `tools/export-check/aws-provider-schema.json` is of this major).
pub const AWS_PROVIDER: &str = ">= 6.0";

struct Writer<'a> {
    template: &'a Template,
    names: &'a Names,
}

impl Writer<'_> {
    fn reference(&self, r: &Ref) -> String {
        let Some(res) = self.template.resource(&r.key) else { return "null".into() };
        let attr = match (r.attr, res.tf_type) {
            (Attr::Arn, _) => "arn",
            (Attr::Name, "aws_lambda_function") => "function_name",
            (Attr::Name, "aws_s3_bucket") => "bucket",
            (Attr::Name, _) => "name",
            (Attr::Url, _) => "url",
        };
        format!("{}.{}.{attr}", res.tf_type, self.names.tf(&r.key))
    }

    /// An expression, possibly over several lines indented by `indent`.
    fn expr(&self, v: &Value, indent: usize) -> String {
        let pad = " ".repeat(indent + 2);
        let end = " ".repeat(indent);
        match v {
            Value::Str(s) => quote(s),
            Value::Int(n) => n.to_string(),
            Value::Num(x) => format_num(*x),
            Value::Bool(b) => b.to_string(),
            Value::List(items) if items.is_empty() => "[]".into(),
            Value::List(items) => {
                let inner: Vec<String> =
                    items.iter().map(|i| format!("{pad}{}", self.expr(i, indent + 2))).collect();
                format!("[\n{},\n{end}]", inner.join(",\n"))
            }
            Value::Block(p) | Value::Map(p) if p.0.is_empty() => "{}".into(),
            Value::Block(p) | Value::Map(p) => {
                let inner: Vec<String> = p
                    .0
                    .iter()
                    .map(|(k, v)| format!("{pad}{} = {}", object_key(k), self.expr(v, indent + 2)))
                    .collect();
                format!("{{\n{}\n{end}}}", inner.join("\n"))
            }
            Value::Json(inner) => format!("jsonencode({})", self.expr(inner, indent)),
            Value::Ref(r) => self.reference(r),
            Value::Param(key) => format!("var.{}", self.names.tf(key)),
            Value::Sub(pieces) => {
                let text: String = pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Lit(s) => escape(s),
                        Piece::Partition => "${data.aws_partition.current.partition}".into(),
                        Piece::Region => "${data.aws_region.current.region}".into(),
                        Piece::Account => "${data.aws_caller_identity.current.account_id}".into(),
                        Piece::Ref(r) => format!("${{{}}}", self.reference(r)),
                    })
                    .collect();
                format!("\"{text}\"")
            }
        }
    }

    /// A body's arguments and blocks: a [`Value::Block`] is a nested block,
    /// a list of them a repeated block.
    fn body(&self, props: &Props, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        for (k, v) in &props.0 {
            match v {
                Value::Block(inner) => self.block(k, inner, indent, out),
                Value::List(items)
                    if !items.is_empty() && items.iter().all(|i| matches!(i, Value::Block(_))) =>
                {
                    for item in items {
                        if let Value::Block(inner) = item {
                            self.block(k, inner, indent, out);
                        }
                    }
                }
                _ => out.push_str(&format!("{pad}{k} = {}\n", self.expr(v, indent))),
            }
        }
    }

    fn block(&self, name: &str, props: &Props, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        out.push_str(&format!("{pad}{name} {{\n"));
        self.body(props, indent + 2, out);
        out.push_str(&format!("{pad}}}\n"));
    }
}

fn escape(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    json[1..json.len() - 1].replace("${", "$${").replace("%{", "%%{")
}

fn quote(s: &str) -> String {
    format!("\"{}\"", escape(s))
}

fn object_key(k: &str) -> String {
    let ident = k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident { k.to_string() } else { quote(k) }
}

fn uses_pseudo(v: &Value, piece: &Piece) -> bool {
    match v {
        Value::Sub(pieces) => pieces.contains(piece),
        Value::List(items) => items.iter().any(|i| uses_pseudo(i, piece)),
        Value::Block(p) | Value::Map(p) => p.0.iter().any(|(_, v)| uses_pseudo(v, piece)),
        Value::Json(inner) => uses_pseudo(inner, piece),
        _ => false,
    }
}

/// The template as Terraform HCL.
pub fn hcl(t: &Template) -> String {
    let names = Names::new(
        t.parameters
            .iter()
            .map(|p| p.key.as_str())
            .chain(t.resources.iter().map(|r| r.key.as_str())),
    );
    let w = Writer { template: t, names: &names };
    let mut out = String::new();
    for line in t.header.iter().chain(&t.notes) {
        out.push_str(&super::comment(line));
    }
    out.push_str(&format!(
        "\nterraform {{\n  required_providers {{\n    aws = {{\n      source  = \"hashicorp/aws\"\n      version = \"{AWS_PROVIDER}\"\n    }}\n  }}\n}}\n"
    ));
    for p in &t.parameters {
        out.push_str(&format!("\nvariable \"{}\" {{\n", names.tf(&p.key)));
        let kind = match p.kind {
            ParamType::Number => "number",
            ParamType::String => "string",
            ParamType::SubnetIds | ParamType::SecurityGroupIds => "list(string)",
        };
        out.push_str(&format!("  type        = {kind}\n"));
        if let Some(default) = &p.default {
            out.push_str(&format!("  default     = {}\n", w.expr(default, 2)));
        }
        out.push_str(&format!("  description = {}\n", quote(&p.description)));
        if p.secret {
            out.push_str("  sensitive   = true\n");
        }
        out.push_str("}\n");
    }
    let all = Value::List(t.resources.iter().map(|r| Value::Map(r.tf.clone())).collect());
    for (piece, data) in [
        (Piece::Partition, "aws_partition"),
        (Piece::Region, "aws_region"),
        (Piece::Account, "aws_caller_identity"),
    ] {
        if uses_pseudo(&all, &piece) {
            out.push_str(&format!("\ndata \"{data}\" \"current\" {{}}\n"));
        }
    }
    for r in &t.resources {
        out.push('\n');
        for c in &r.comments {
            out.push_str(&super::comment(c));
        }
        out.push_str(&format!("resource \"{}\" \"{}\" {{\n", r.tf_type, names.tf(&r.key)));
        w.body(&r.tf, 2, &mut out);
        if !r.depends_on.is_empty() {
            let deps: Vec<String> = r
                .depends_on
                .iter()
                .filter_map(|d| t.resource(d).map(|dr| format!("{}.{}", dr.tf_type, names.tf(d))))
                .collect();
            out.push_str(&format!("  depends_on = [{}]\n", deps.join(", ")));
        }
        out.push_str("}\n");
    }
    out
}
