//! A CloudFormation template as the importer reads it: parameters with
//! their defaults, resources by logical id, and property values with the
//! intrinsic functions resolved as far as a template alone allows.
//!
//! `Ref` to a parameter is its default, `Ref` / `Fn::GetAtt` / `Fn::Sub` of
//! a resource is a reference to it (an edge of the pipeline), a literal
//! ARN or name is matched to the resource it names. No resolution recurses
//! through another resource, so a cycle of references cannot loop.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::validate::Issue;

/// A parsed template.
pub struct Template {
    /// Parameter defaults by name (parameters without one are absent).
    params: BTreeMap<String, Value>,
    /// Every parameter's name and description, in file order.
    pub described: Vec<(String, String)>,
    /// Resources in logical-id order (a template's Resources is a map, so
    /// its order means nothing): logical id, type, properties.
    pub resources: Vec<Resource>,
}

/// One resource of the template.
pub struct Resource {
    /// Its logical id.
    pub id: String,
    /// Its type (`AWS::SQS::Queue`).
    pub kind: String,
    /// Its `Properties` (an empty object when absent).
    pub props: Value,
    /// The display names a Shardplay export noted in its `Metadata`
    /// comment, in order (`Delivery stream "Audit" to "Lake".`).
    pub labels: Vec<String>,
    /// Every line of that comment (what an export says beyond the
    /// properties, such as an MSK topic's partitions).
    pub notes: Vec<String>,
}

/// Largest number of resources a template may declare (aws-facts.md §10.2).
pub const MAX_RESOURCES: usize = 500;

impl Template {
    /// Reads the sections the importer needs from the template's JSON form.
    pub fn read(doc: &Value) -> Result<Template, Issue> {
        let Some(doc) = doc.as_object() else {
            return Err(Issue::new("", "a template is a mapping with a Resources section"));
        };
        let mut params = BTreeMap::new();
        let mut described = Vec::new();
        if let Some(section) = doc.get("Parameters").and_then(Value::as_object) {
            for (name, p) in section {
                if let Some(default) = p.get("Default") {
                    params.insert(name.clone(), default.clone());
                }
                let description = p.get("Description").and_then(Value::as_str).unwrap_or("");
                described.push((name.clone(), description.to_string()));
            }
        }
        let Some(section) = doc.get("Resources").and_then(Value::as_object) else {
            return Err(Issue::new("Resources", "the template has no Resources section"));
        };
        if section.len() > MAX_RESOURCES {
            return Err(Issue::new(
                "Resources",
                format!(
                    "the template declares {} resources; CloudFormation allows at most {MAX_RESOURCES}",
                    section.len()
                ),
            ));
        }
        let mut resources = Vec::new();
        for (id, r) in section {
            let kind = r.get("Type").and_then(Value::as_str).ok_or_else(|| {
                Issue::new(format!("Resources.{id}.Type"), "every resource needs a Type")
            })?;
            let props = r.get("Properties").cloned().unwrap_or(Value::Object(Default::default()));
            // The quoted texts: every second piece between quotes.
            let labels = r
                .pointer("/Metadata/Comment/0")
                .and_then(Value::as_str)
                .map(|c| c.split('"').skip(1).step_by(2).map(str::to_string).collect())
                .unwrap_or_default();
            let notes = r
                .pointer("/Metadata/Comment")
                .and_then(Value::as_array)
                .map(|c| c.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            resources.push(Resource {
                id: id.clone(),
                kind: kind.to_string(),
                props,
                labels,
                notes,
            });
        }
        Ok(Template { params, described, resources })
    }

    /// The default of parameter `name`, if it has one.
    pub fn default_of(&self, name: &str) -> Option<&Value> {
        self.params.get(name)
    }

    /// The resource with logical id `id`.
    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }

    /// The properties of resource `r`, for reading.
    pub fn props<'a>(&'a self, r: &'a Resource) -> Props<'a> {
        Props { t: self, value: &r.props, at: format!("Resources.{}.Properties", r.id) }
    }

    /// Which resource a literal ARN or name names: the last segment of an
    /// ARN (after `/` or `:`) against each resource's name property, or
    /// its logical id.
    fn named(&self, text: &str) -> Option<String> {
        let tail = text.rsplit([':', '/']).next().unwrap_or(text);
        self.resources
            .iter()
            .find(|r| {
                r.id == tail
                    || NAME_PROPERTIES
                        .iter()
                        .any(|p| r.props.get(p).and_then(Value::as_str) == Some(tail))
            })
            .map(|r| r.id.clone())
    }
}

/// The properties that hold a resource's AWS name, per type.
pub const NAME_PROPERTIES: [&str; 6] =
    ["Name", "QueueName", "FunctionName", "DeliveryStreamName", "ConsumerName", "TableName"];

/// A property value resolved.
enum Resolved {
    /// A literal (text, number, true or false, list or object).
    Literal(Value),
    /// A resource of the template, by logical id.
    Resource(String),
}

/// An object of a template (a resource's properties or a nested block),
/// read by key with the intrinsic functions resolved.
pub struct Props<'a> {
    t: &'a Template,
    value: &'a Value,
    at: String,
}

impl<'a> Props<'a> {
    /// Where this object is, for messages (`Resources.Q.Properties`).
    pub fn at(&self) -> &str {
        &self.at
    }

    fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.at)
    }

    fn resolve(&self, key: &str) -> Result<Option<Resolved>, Issue> {
        match self.value.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => resolve(self.t, v, &self.path(key)).map(Some),
        }
    }

    /// A nested object.
    pub fn block(&self, key: &str) -> Result<Option<Props<'a>>, Issue> {
        match self.value.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v @ Value::Object(_)) if !is_intrinsic(v) => {
                Ok(Some(Props { t: self.t, value: v, at: self.path(key) }))
            }
            Some(_) => Err(Issue::new(self.path(key), "expected a block of properties")),
        }
    }

    /// A list of nested objects (absent: empty).
    pub fn blocks(&self, key: &str) -> Result<Vec<Props<'a>>, Issue> {
        match self.value.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::Object(_) => {
                        Ok(Props { t: self.t, value: v, at: format!("{}[{i}]", self.path(key)) })
                    }
                    _ => Err(Issue::new(
                        format!("{}[{i}]", self.path(key)),
                        "expected a block of properties",
                    )),
                })
                .collect(),
            Some(_) => Err(Issue::new(self.path(key), "expected a list")),
        }
    }

    /// Text (a number or true/false is written as text, as CloudFormation
    /// reads it).
    pub fn text(&self, key: &str) -> Result<Option<String>, Issue> {
        match self.resolve(key)? {
            None => Ok(None),
            Some(Resolved::Literal(Value::String(s))) => Ok(Some(s)),
            Some(Resolved::Literal(Value::Number(n))) => Ok(Some(n.to_string())),
            Some(Resolved::Literal(Value::Bool(b))) => Ok(Some(b.to_string())),
            Some(Resolved::Literal(_)) => Err(Issue::new(self.path(key), "expected text")),
            Some(Resolved::Resource(id)) => Err(Issue::new(
                self.path(key),
                format!(
                    "expected text, found a reference to {id} that only a deployment can resolve"
                ),
            )),
        }
    }

    /// A number; text that spells one is read too (CloudFormation accepts
    /// `"30"` for an integer).
    pub fn number(&self, key: &str) -> Result<Option<f64>, Issue> {
        match self.resolve(key)? {
            None => Ok(None),
            Some(Resolved::Literal(Value::Number(n))) => Ok(n.as_f64()),
            Some(Resolved::Literal(Value::String(s))) => {
                s.trim().parse::<f64>().ok().filter(|x| x.is_finite()).map(Some).ok_or_else(|| {
                    Issue::new(self.path(key), format!("expected a number, found {s:?}"))
                })
            }
            Some(_) => Err(Issue::new(self.path(key), "expected a number")),
        }
    }

    /// A whole number that fits a `u32` (the scenario's check then says
    /// whether AWS allows it).
    pub fn whole(&self, key: &str) -> Result<Option<u32>, Issue> {
        self.integer(key, 0.0, f64::from(u32::MAX)).map(|n| n.map(|n| n as u32))
    }

    /// A whole number that fits an `i32` (`-1` means "no limit" for
    /// some event source mapping settings).
    pub fn signed(&self, key: &str) -> Result<Option<i32>, Issue> {
        self.integer(key, f64::from(i32::MIN), f64::from(i32::MAX)).map(|n| n.map(|n| n as i32))
    }

    fn integer(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, Issue> {
        match self.number(key)? {
            Some(n) if n.fract() != 0.0 || n < min || n > max => Err(Issue::new(
                self.path(key),
                format!("expected a whole number from {min} to {max}, found {n}"),
            )),
            n => Ok(n),
        }
    }

    /// True or false (also `"true"` / `"false"`).
    pub fn flag(&self, key: &str) -> Result<Option<bool>, Issue> {
        match self.resolve(key)? {
            None => Ok(None),
            Some(Resolved::Literal(Value::Bool(b))) => Ok(Some(b)),
            Some(Resolved::Literal(Value::String(s))) if s.eq_ignore_ascii_case("true") => {
                Ok(Some(true))
            }
            Some(Resolved::Literal(Value::String(s))) if s.eq_ignore_ascii_case("false") => {
                Ok(Some(false))
            }
            Some(_) => Err(Issue::new(self.path(key), "expected true or false")),
        }
    }

    /// A list of texts (absent: empty).
    pub fn texts(&self, key: &str) -> Result<Vec<String>, Issue> {
        match self.resolve(key)? {
            None => Ok(Vec::new()),
            Some(Resolved::Literal(Value::Array(items))) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(Issue::new(self.path(key), "expected a list of text")),
                })
                .collect(),
            Some(_) => Err(Issue::new(self.path(key), "expected a list of text")),
        }
    }

    /// The resource of this template a property points to (by `Ref`,
    /// `Fn::GetAtt`, `Fn::Sub` or a literal ARN or name); `None` when the
    /// property is absent or names something outside the template.
    pub fn reference(&self, key: &str) -> Result<Option<String>, Issue> {
        match self.resolve(key)? {
            None => Ok(None),
            Some(Resolved::Resource(id)) => Ok(Some(id)),
            Some(Resolved::Literal(Value::String(s))) => Ok(self.t.named(&s)),
            Some(Resolved::Literal(_)) => {
                Err(Issue::new(self.path(key), "expected an ARN or a name"))
            }
        }
    }

    /// The name of the template parameter a property is (`Ref` to a
    /// parameter), if it is one.
    pub fn parameter(&self, key: &str) -> Option<&'a str> {
        let name = self.value.get(key)?.as_object()?.get("Ref")?.as_str()?;
        self.t.described.iter().any(|(n, _)| n == name).then_some(name)
    }

    /// A JSON document given as an object or as a JSON string
    /// (CloudFormation accepts both for a redrive policy), owned; read it
    /// with [`Props::within`].
    pub fn document(&self, key: &str) -> Result<Option<Value>, Issue> {
        match self.value.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s)
                .map(Some)
                .map_err(|e| Issue::new(self.path(key), format!("not a JSON document: {e}"))),
            Some(v @ Value::Object(_)) if !is_intrinsic(v) => Ok(Some(v.clone())),
            Some(_) => Err(Issue::new(self.path(key), "expected a JSON document")),
        }
    }

    /// `doc` (from [`Props::document`] under `key`) for reading.
    pub fn within<'b>(&'b self, key: &str, doc: &'b Value) -> Props<'b> {
        Props { t: self.t, value: doc, at: self.path(key) }
    }
}

fn is_intrinsic(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|m| m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")))
}

/// Pseudo parameters as a deployment in us-east-1 would see them.
fn pseudo(name: &str) -> Option<&'static str> {
    match name {
        "AWS::Region" => Some("us-east-1"),
        "AWS::Partition" => Some("aws"),
        "AWS::AccountId" => Some("123456789012"),
        "AWS::StackName" => Some("shardplay"),
        "AWS::URLSuffix" => Some("amazonaws.com"),
        "AWS::NoValue" => Some(""),
        _ => None,
    }
}

fn resolve(t: &Template, v: &Value, at: &str) -> Result<Resolved, Issue> {
    let Some((name, arg)) = v.as_object().filter(|_| is_intrinsic(v)).and_then(|m| m.iter().next())
    else {
        return Ok(Resolved::Literal(v.clone()));
    };
    match (name.as_str(), arg) {
        ("Ref", Value::String(target)) => {
            if let Some(d) = t.params.get(target) {
                Ok(Resolved::Literal(d.clone()))
            } else if t.resource(target).is_some() {
                Ok(Resolved::Resource(target.clone()))
            } else if let Some(p) = pseudo(target) {
                Ok(Resolved::Literal(Value::String(p.into())))
            } else {
                Err(Issue::new(
                    at,
                    format!(
                        "Ref {target:?}: no parameter with a default and no resource has that name"
                    ),
                ))
            }
        }
        ("Fn::GetAtt", Value::Array(parts)) => match parts.first().and_then(Value::as_str) {
            Some(target) if t.resource(target).is_some() => Ok(Resolved::Resource(target.into())),
            _ => Err(Issue::new(at, "Fn::GetAtt names no resource of this template")),
        },
        ("Fn::Sub", Value::String(s)) => Ok(sub(t, s, &BTreeMap::new())),
        ("Fn::Sub", Value::Array(parts)) => {
            let (Some(Value::String(s)), vars) =
                (parts.first(), parts.get(1).and_then(Value::as_object))
            else {
                return Err(Issue::new(
                    at,
                    "Fn::Sub takes a string and an optional map of variables",
                ));
            };
            let mut values = BTreeMap::new();
            for (k, var) in vars.into_iter().flatten() {
                if let Resolved::Literal(Value::String(s)) = resolve(t, var, at)? {
                    values.insert(k.clone(), s);
                }
            }
            Ok(sub(t, s, &values))
        }
        ("Fn::Join", Value::Array(parts)) => {
            let (Some(Value::String(sep)), Some(Value::Array(items))) =
                (parts.first(), parts.get(1))
            else {
                return Err(Issue::new(at, "Fn::Join takes a separator and a list"));
            };
            let mut out = Vec::new();
            for item in items {
                match resolve(t, item, at)? {
                    Resolved::Literal(Value::String(s)) => out.push(s),
                    Resolved::Literal(Value::Number(n)) => out.push(n.to_string()),
                    Resolved::Resource(id) => return Ok(Resolved::Resource(id)),
                    Resolved::Literal(_) => return Err(Issue::new(at, "Fn::Join joins text")),
                }
            }
            Ok(Resolved::Literal(Value::String(out.join(sep))))
        }
        (other, _) => Err(Issue::new(
            at,
            format!(
                "{other} is not resolved by the importer (it reads Ref, Fn::GetAtt, Fn::Sub and Fn::Join); write the value out"
            ),
        )),
    }
}

/// `Fn::Sub`: a string that mentions a resource (`${Queue.Arn}`) refers
/// to it; otherwise parameters and pseudo parameters are substituted.
fn sub(t: &Template, s: &str, vars: &BTreeMap<String, String>) -> Resolved {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        rest = &after[end + 1..];
        if let Some(literal) = name.strip_prefix('!') {
            out.push_str("${");
            out.push_str(literal);
            out.push('}');
            continue;
        }
        let base = name.split('.').next().unwrap_or(name);
        if let Some(v) = vars.get(name) {
            out.push_str(v);
        } else if t.resource(base).is_some() {
            return Resolved::Resource(base.to_string());
        } else if let Some(Value::String(d)) = t.params.get(name) {
            out.push_str(d);
        } else if let Some(Value::Number(d)) = t.params.get(name) {
            out.push_str(&d.to_string());
        } else if let Some(p) = pseudo(name) {
            out.push_str(p);
        }
    }
    out.push_str(rest);
    Resolved::Literal(Value::String(out))
}
