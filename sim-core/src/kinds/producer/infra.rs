//! A producer in an export: not an AWS resource (it is the application
//! that sends), so its rate becomes a parameter that says what was
//! simulated.

use crate::infra::model::{ParamType, Parameter, Template, Value};
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{Node, ProducerSpec};

impl ExportKind for ProducerSpec {
    /// An application, not a resource: an import gives it back from the
    /// scenario an export keeps in its metadata.
    fn declared(&self) -> bool {
        false
    }

    /// Adds the producer's rate as a described parameter.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template) {
        let outputs = w.outputs(&node.id);
        // "(node id)" lets an import wire the producer back to its target.
        let target = outputs
            .first()
            .map_or("nothing".into(), |n| format!("\"{}\" (node {})", n.label(), n.id));
        let rate = self.records_per_s;
        let default = if rate.fract() == 0.0 { Value::Int(rate as i64) } else { Value::Num(rate) };
        t.parameter(Parameter {
            key: format!("{}-records-per-s", node.id),
            kind: ParamType::Number,
            default: Some(default),
            description: format!(
                "Producer \"{}\" (your application, not deployed here): the records per second of about {} bytes it sends to {target} in the simulation.",
                node.label(),
                self.record_size.mean_bytes().round()
            ),
            secret: false,
        });
    }
}
