//! Export to infrastructure code: a scenario's AWS resources as
//! CloudFormation (YAML or JSON) or Terraform, with the least-privilege IAM
//! roles they need.
//!
//! Each kind's `kinds/<kind>/infra.rs` turns its spec into resources of the
//! neutral [`model`]; this module walks the scenario (one `match` naming
//! every kind), and the emitters write the model in one tool's syntax.
//! Output is deterministic: resources in node order, properties in the
//! order written, names made unique in that order. Producers, traffic and
//! anything outside AWS become parameters with a description, or notes.

pub mod cloudformation;
pub mod iam;
pub mod import;
pub mod model;
pub mod names;
pub mod terraform;

use crate::scenario::{Node, NodeKind, Scenario, with_spec};
use crate::validate::ValidScenario;
use model::Template;

/// The formats an export is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CloudFormation YAML.
    CloudFormation,
    /// CloudFormation JSON.
    CloudFormationJson,
    /// Terraform HCL for the AWS provider.
    Terraform,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Format; 3] =
        [Format::CloudFormation, Format::CloudFormationJson, Format::Terraform];

    /// The name on the command line (`--format`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CloudFormation => "cloudformation",
            Format::CloudFormationJson => "cloudformation-json",
            Format::Terraform => "terraform",
        }
    }

    /// A title for people.
    pub fn title(self) -> &'static str {
        match self {
            Format::CloudFormation => "CloudFormation (YAML)",
            Format::CloudFormationJson => "CloudFormation (JSON)",
            Format::Terraform => "Terraform (HCL)",
        }
    }

    /// The file name extension a download gets.
    pub fn extension(self) -> &'static str {
        match self {
            Format::CloudFormation => "yaml",
            Format::CloudFormationJson => "json",
            Format::Terraform => "tf",
        }
    }

    /// The format named `name` (see [`Format::as_str`]).
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// A valid scenario, as it is now, written in `format`.
pub fn export(valid: &ValidScenario, format: Format) -> String {
    let t = template(valid.scenario());
    match format {
        Format::CloudFormation => cloudformation::yaml(&t),
        Format::CloudFormationJson => cloudformation::json(&t),
        Format::Terraform => terraform::hcl(&t),
    }
}

/// A file name for the export of `scenario` (its name, sanitised).
pub fn file_name(scenario: &Scenario, format: Format) -> String {
    let base = names::bucket_prefix(&scenario.name);
    format!("{base}.{}", format.extension())
}

/// Who is wired to whom, for the kinds' exporters.
pub struct Wiring<'a> {
    scenario: &'a Scenario,
}

impl<'a> Wiring<'a> {
    /// The nodes linked to node `id` (its inputs), in link order.
    pub fn inputs(&self, id: &str) -> Vec<&'a Node> {
        let s = self.scenario;
        s.links
            .iter()
            .filter(|l| l.to == id)
            .filter_map(|l| s.nodes.iter().find(|n| n.id == l.from))
            .collect()
    }

    /// The nodes node `id` links to (its outputs), in link order.
    pub fn outputs(&self, id: &str) -> Vec<&'a Node> {
        let s = self.scenario;
        s.links
            .iter()
            .filter(|l| l.from == id)
            .filter_map(|l| s.nodes.iter().find(|n| n.id == l.to))
            .collect()
    }

    /// The first input of kind `kind`.
    pub fn input_of(&self, id: &str, kind: NodeKind) -> Option<&'a Node> {
        self.inputs(id).into_iter().find(|n| n.spec.kind() == kind)
    }

    /// The first output of kind `kind`.
    pub fn output_of(&self, id: &str, kind: NodeKind) -> Option<&'a Node> {
        self.outputs(id).into_iter().find(|n| n.spec.kind() == kind)
    }
}

/// What the export asks of every kind. Each kind answers in its
/// `infra.rs`; [`template`] dispatches with `with_spec!`
/// (`kinds/registry.rs`).
pub(crate) trait ExportKind {
    /// Adds node `node`'s resources, roles and comments to `t`.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template);

    /// Whether the template declares the node as a resource an import
    /// reads back.
    fn declared(&self) -> bool {
        true
    }
}

/// Whether a template declares a node of this spec (see
/// [`ExportKind::declared`]).
pub(crate) fn declared(spec: &crate::scenario::NodeSpec) -> bool {
    with_spec!(spec, s => s.declared())
}

/// `text` as one comment line of either format (`# ...`): a line break or
/// other control character in a name would otherwise end the comment and
/// put the rest of the name into the template as code.
pub(crate) fn comment(text: &str) -> String {
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!("# {text}\n")
}

/// The neutral model of `scenario`: its header, then every node's part.
pub fn template(scenario: &Scenario) -> Template {
    let mut t = Template {
        header: vec![
            format!("Exported by Shardplay {} (model {}) from scenario \"{}\", seed {}.", 
                env!("CARGO_PKG_VERSION"), crate::MODEL_VERSION, scenario.name, scenario.seed),
            "Values are the scenario's as it was exported; review names, encryption and code before deploying.".into(),
        ],
        scenario: serde_json::to_value(scenario.stamped()).ok(),
        ..Template::default()
    };
    let w = Wiring { scenario };
    for node in &scenario.nodes {
        with_spec!(&node.spec, spec => spec.export(node, &w, &mut t));
    }
    t
}

#[cfg(test)]
mod tests;
