//! A KCL application in an export: its lease table (DynamoDB, keyed by
//! `leaseKey`, named after the application) and a note on its workers.

use crate::infra::model::{Props, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{KclSpec, Node, NodeKind};

impl ExportKind for KclSpec {
    /// An application on your compute (its lease table is not enough to
    /// say which stream it reads): an import gives it back from the
    /// scenario an export keeps in its metadata.
    fn declared(&self) -> bool {
        false
    }

    /// Adds the lease table and a note.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template) {
        let stream =
            w.input_of(&node.id, NodeKind::KinesisStream).map_or("no stream", |s| s.label());
        t.notes.push(format!(
            "KCL application \"{}\" (your compute, not deployed here): {} workers reading \"{stream}\", failoverTimeMillis={}.",
            node.label(),
            self.workers,
            self.failover_time_ms
        ));
        // aws-facts.md §6: the lease table is named after the application and
        // keyed by leaseKey; KCL creates it when absent, declaring it here
        // keeps it in the stack.
        let name = aws_name(&node.id, 255);
        t.add(Resource {
            key: node.id.clone(),
            cfn_type: "AWS::DynamoDB::Table",
            tf_type: "aws_dynamodb_table",
            cfn: Props::new()
                .with("TableName", name.as_str())
                .with("BillingMode", "PAY_PER_REQUEST")
                .with(
                    "AttributeDefinitions",
                    Value::List(vec![Value::Map(
                        Props::new().with("AttributeName", "leaseKey").with("AttributeType", "S"),
                    )]),
                )
                .with(
                    "KeySchema",
                    Value::List(vec![Value::Map(
                        Props::new().with("AttributeName", "leaseKey").with("KeyType", "HASH"),
                    )]),
                ),
            tf: Props::new()
                .with("name", name.as_str())
                .with("billing_mode", "PAY_PER_REQUEST")
                .with("hash_key", "leaseKey")
                .with("attribute", Value::Block(Props::new().with("name", "leaseKey").with("type", "S"))),
            depends_on: Vec::new(),
            comments: vec![format!(
                "Lease table of KCL application \"{}\"; the application name in its configuration must be \"{name}\".",
                node.label()
            )],
        });
    }
}
