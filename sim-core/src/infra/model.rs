//! The neutral resource model every export is written from: resources with
//! a key, their CloudFormation and Terraform types and properties as ordered
//! trees, references to other resources by key, parameters and comments.
//!
//! Each resource carries one property tree per tool because the two schemas
//! differ in shape, not only in spelling (Terraform's nested blocks and
//! JSON-string policies against CloudFormation's nested objects), so a
//! rename table could not bridge them. Values, references and names are
//! shared; the emitters only decide how a tool writes them.

/// Properties in the order they are written (never hash order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Props(pub Vec<(String, Value)>);

impl Props {
    /// No properties.
    pub fn new() -> Props {
        Props(Vec::new())
    }

    /// Adds a property (builder style).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Props {
        self.0.push((key.to_string(), value.into()));
        self
    }

    /// Adds a property when there is a value.
    pub fn with_some(self, key: &str, value: Option<impl Into<Value>>) -> Props {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// The value of a property, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A property value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// A whole number.
    Int(i64),
    /// A number with a fraction (written as is).
    Num(f64),
    /// True or false.
    Bool(bool),
    /// A list; in Terraform, a list of [`Value::Block`]s is a repeated block.
    List(Vec<Value>),
    /// Nested properties: a CloudFormation object, a Terraform block
    /// (`name { ... }`).
    Block(Props),
    /// A map: a CloudFormation object, a Terraform object (`name = { ... }`).
    Map(Props),
    /// An attribute of another resource of the template.
    Ref(Ref),
    /// A template parameter (CloudFormation `Parameters`, Terraform
    /// `variable`) by its key.
    Param(String),
    /// A string built from pieces (CloudFormation `!Sub`, Terraform
    /// interpolation).
    Sub(Vec<Piece>),
    /// A JSON document: an object in CloudFormation, `jsonencode(...)` in
    /// Terraform (policies, redrive policies).
    Json(Box<Value>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Int(i64::from(n))
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Value {
        Value::Int(i64::from(n))
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Ref> for Value {
    fn from(r: Ref) -> Value {
        Value::Ref(r)
    }
}

/// One piece of a [`Value::Sub`] string.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Literal text.
    Lit(String),
    /// The deploying account's partition (`aws`).
    Partition,
    /// The deploying Region.
    Region,
    /// The deploying account id.
    Account,
    /// An attribute of another resource.
    Ref(Ref),
}

/// An attribute of a resource, by the resource's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    /// The key of the resource referred to.
    pub key: String,
    /// Which attribute.
    pub attr: Attr,
}

impl Ref {
    /// The ARN of resource `key`.
    pub fn arn(key: &str) -> Ref {
        Ref { key: key.to_string(), attr: Attr::Arn }
    }

    /// The name of resource `key`.
    pub fn name(key: &str) -> Ref {
        Ref { key: key.to_string(), attr: Attr::Name }
    }

    /// The URL of resource `key` (an SQS queue's).
    pub fn url(key: &str) -> Ref {
        Ref { key: key.to_string(), attr: Attr::Url }
    }
}

/// The attributes exports refer to; each tool names them per type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attr {
    /// The resource's ARN.
    Arn,
    /// Its name (CloudFormation's `Ref` for most types).
    Name,
    /// Its URL (an SQS queue's: CloudFormation's `Ref`).
    Url,
}

/// One AWS resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// Key, unique in the template: the node id, then a role
    /// (`orders-queue`, `orders-queue/role`); names are derived from it.
    pub key: String,
    /// CloudFormation type (`AWS::SQS::Queue`).
    pub cfn_type: &'static str,
    /// Terraform resource type (`aws_sqs_queue`).
    pub tf_type: &'static str,
    /// CloudFormation `Properties`.
    pub cfn: Props,
    /// Terraform arguments and blocks.
    pub tf: Props,
    /// Keys of resources this one must be created after (beyond references).
    pub depends_on: Vec<String>,
    /// Comment lines written above the resource.
    pub comments: Vec<String>,
}

/// Whether a parameter is a number or a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    /// A number.
    Number,
    /// A string.
    String,
    /// A list of VPC subnet ids (CloudFormation checks they exist).
    SubnetIds,
    /// A list of VPC security group ids.
    SecurityGroupIds,
}

/// A value the person deploying gives: something outside AWS that the
/// scenario simulated (traffic, an HTTP endpoint) or a secret.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Key, unique in the template.
    pub key: String,
    /// Number or string.
    pub kind: ParamType,
    /// The default (the scenario's value), none for values only the
    /// deploying person knows.
    pub default: Option<Value>,
    /// What it is, in words.
    pub description: String,
    /// Whether the value is secret (CloudFormation `NoEcho`, Terraform
    /// `sensitive`).
    pub secret: bool,
}

/// A whole export before it is written in one tool's syntax.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Template {
    /// The header lines: scenario, seed, versions.
    pub header: Vec<String>,
    /// Notes on things that are not resources (applications, traffic).
    pub notes: Vec<String>,
    /// Parameters in the order they were added.
    pub parameters: Vec<Parameter>,
    /// Resources in the order they were added (the scenario's node order).
    pub resources: Vec<Resource>,
    /// The scenario as exported (its JSON form), kept in CloudFormation's
    /// `Metadata` so that an import gives back what no resource says:
    /// producers, the applications that read, the layout.
    pub scenario: Option<serde_json::Value>,
}

impl Template {
    /// The resource with this key.
    pub fn resource(&self, key: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.key == key)
    }

    /// Adds a resource.
    pub fn add(&mut self, resource: Resource) {
        self.resources.push(resource);
    }

    /// Adds a parameter and returns a value referring to it.
    pub fn parameter(&mut self, parameter: Parameter) -> Value {
        let key = parameter.key.clone();
        self.parameters.push(parameter);
        Value::Param(key)
    }
}
