//! The app's infrastructure code as a wasm module of its own: the export of
//! a pipeline to CloudFormation or Terraform and the import of a
//! CloudFormation template (sim-core's `infra`, with its YAML parser). They
//! are about 120 KB of gzipped wasm that the first frame never needs, so the
//! page (`app/src/infra.rs`) downloads this module the first time either is
//! used. Text in, text out: the page hands over a scenario file's JSON or a
//! template, and gets a template or a scenario back. Trunk builds it from
//! `index.html`'s second Rust link; it uses sim-core only, not the app.

use sim_core::infra::{self, Format};
use sim_core::plain::summarize;
use wasm_bindgen::prelude::wasm_bindgen;

/// Nothing to start: the page calls the functions below.
fn main() {}

/// `scenario` (a scenario file's JSON) as infrastructure code in `format`
/// (a [`Format::as_str`] name), or why not, in words.
#[wasm_bindgen]
pub fn export_template(scenario: &str, format: &str) -> Result<String, String> {
    let format =
        Format::parse(format).ok_or_else(|| format!("there is no export format {format:?}"))?;
    let valid = sim_core::parse_scenario(scenario)
        .and_then(|s| sim_core::validate(&s))
        .map_err(|issues| summarize(&issues))?;
    Ok(infra::export(&valid, format))
}

/// A CloudFormation template (YAML or JSON) as the pipeline it describes:
/// `{"scenario": {...}, "assumptions": ["..."], "skipped": ["Id (AWS::Type)"],
/// "restored": "..." or null}`,
/// or why it cannot be imported, in words.
#[wasm_bindgen]
pub fn import_template(template: &str) -> Result<String, String> {
    let imported = infra::import::import(template).map_err(|issues| summarize(&issues))?;
    let skipped: Vec<String> =
        imported.skipped.iter().map(|s| format!("{} ({})", s.id, s.kind)).collect();
    let reply = serde_json::json!({
        "scenario": imported.scenario.scenario(),
        "assumptions": imported.assumptions,
        "skipped": skipped,
        "restored": imported.restored,
    });
    Ok(reply.to_string())
}

#[cfg(test)]
mod tests {
    use super::{export_template, import_template};

    fn default_scenario() -> String {
        sim_core::DEFAULT_SCENARIO.to_string()
    }

    #[test]
    fn exports_what_sim_core_writes() {
        let valid = sim_core::load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        for format in sim_core::infra::Format::ALL {
            assert_eq!(
                export_template(&default_scenario(), format.as_str()).unwrap(),
                sim_core::infra::export(&valid, format),
                "{}",
                format.as_str()
            );
        }
    }

    #[test]
    fn refusals_say_why() {
        let unknown = export_template(&default_scenario(), "pulumi").unwrap_err();
        assert!(unknown.contains("\"pulumi\""), "{unknown}");
        let invalid = export_template("{\"v\": 1}", "terraform").unwrap_err();
        assert!(invalid.contains("name"), "{invalid}");
        let not_yaml = import_template("Resources: [unclosed").unwrap_err();
        assert!(!not_yaml.is_empty());
    }

    #[test]
    fn imports_what_sim_core_reads() {
        let yaml = export_template(&default_scenario(), "cloudformation").unwrap();
        let reply: serde_json::Value =
            serde_json::from_str(&import_template(&yaml).unwrap()).unwrap();
        let scenario = sim_core::parse_scenario(&reply["scenario"].to_string()).unwrap();
        let imported = sim_core::infra::import::import(&yaml).unwrap();
        assert_eq!(&scenario, imported.scenario.scenario());
        assert_eq!(reply["assumptions"], serde_json::json!(imported.assumptions));
        let skipped: Vec<String> =
            imported.skipped.iter().map(|s| format!("{} ({})", s.id, s.kind)).collect();
        assert_eq!(reply["skipped"], serde_json::json!(skipped));
        // An unchanged export comes back whole, and the page is told so.
        assert_eq!(
            imported.scenario.scenario(),
            &sim_core::parse_scenario(sim_core::DEFAULT_SCENARIO).unwrap().stamped()
        );
        assert_eq!(reply["restored"], serde_json::json!(imported.restored));
        assert!(imported.restored.is_some());
    }
}
