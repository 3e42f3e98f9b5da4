//! A Firehose delivery stream in an export: its source (Direct PUT or a
//! stream), buffering hints, transformation function, destination with
//! retries and S3 backup, and its least-privilege role.

use crate::infra::Wiring;
use crate::infra::iam;
use crate::infra::model::{Piece, Props, Ref, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::kinds::destination::infra::{Delivery, add_bucket, delivery};
use crate::kinds::lambda::infra::{Function, add_function};
use crate::scenario::{
    DestinationType, FirehoseSpec, LambdaArch, Node, NodeKind, NodeSpec, TransformSpec,
};

/// The transformation as a processing configuration (aws-facts.md §3.4),
/// per tool.
fn processing(function: &str, tr: &TransformSpec) -> (Value, Value) {
    let arn = Value::Sub(vec![Piece::Ref(Ref::arn(function)), Piece::Lit(":$LATEST".into())]);
    let params = [
        ("LambdaArn", arn),
        ("NumberOfRetries", Value::Str(tr.retries.to_string())),
        (
            "BufferSizeInMBs",
            Value::Str(crate::infra::cloudformation::format_num(tr.buffer_size_mb)),
        ),
        ("BufferIntervalInSeconds", Value::Str(tr.buffer_interval_s.to_string())),
    ];
    // The same tree in each tool's spelling; CloudFormation lists the
    // processors, Terraform repeats a block.
    let tree = |[enabled, processors, kind, parameters, name, value]: [&str; 6], list: bool| {
        let params = params
            .iter()
            .map(|(k, v)| Value::Block(Props::new().with(name, *k).with(value, v.clone())))
            .collect();
        let processor =
            Value::Block(Props::new().with(kind, "Lambda").with(parameters, Value::List(params)));
        let processor = if list { Value::List(vec![processor]) } else { processor };
        Value::Block(Props::new().with(enabled, true).with(processors, processor))
    };
    (
        tree(
            ["Enabled", "Processors", "Type", "Parameters", "ParameterName", "ParameterValue"],
            true,
        ),
        tree(
            ["enabled", "processors", "type", "parameters", "parameter_name", "parameter_value"],
            false,
        ),
    )
}

/// Adds the delivery stream, its role, its transformation and backup bucket.
pub fn export(node: &Node, spec: &FirehoseSpec, w: &Wiring, t: &mut Template) {
    let id = &node.id;
    let name = aws_name(id, 64);
    let Some(dest) = w.output_of(id, NodeKind::Destination) else {
        t.notes.push(format!(
            "Delivery stream \"{}\" has no destination and is not exported.",
            node.label()
        ));
        return;
    };
    let NodeSpec::Destination(dest_spec) = &dest.spec else { return };
    let source = w.input_of(id, NodeKind::KinesisStream);
    // aws-facts.md §3.3: S3 itself is the destination's storage; other
    // destinations stage and back up to a bucket of their own.
    let backup = format!("{id}/backup");
    let bucket = if dest_spec.destination_type == DestinationType::S3 {
        dest.id.clone()
    } else {
        add_bucket(
            t,
            &backup,
            format!("Staging and backup bucket of delivery stream \"{}\".", node.label()),
        );
        backup.clone()
    };
    let transform_key = format!("{id}/transform");
    let transform = spec.transform.as_ref().map(|tr| {
        let fname = aws_name(&format!("{id}-transform"), 64);
        add_function(
            t,
            Function {
                key: &transform_key,
                name: &fname,
                memory_mb: 256,
                timeout_s: 60,
                arch: LambdaArch::X86,
                reserved: None,
                comments: vec![format!(
                    "Transformation of \"{}\" (placeholder code: return the records with result Ok).",
                    node.label()
                )],
            },
            &iam::function_statements(&fname, None, None),
        );
        processing(&transform_key, tr)
    });
    let statements = iam::delivery_statements(
        source.map(|s| s.id.as_str()),
        std::slice::from_ref(&bucket),
        spec.transform.as_ref().map(|_| transform_key.as_str()),
    );
    let policy = iam::add_role(t, id, "firehose.amazonaws.com", &statements);
    let role = format!("{id}/role");
    let config = delivery(
        dest,
        dest_spec,
        &Delivery {
            key: id,
            role: &role,
            size_mib: spec.buffer_size_mib,
            interval_s: spec.buffer_interval_s,
            retry_s: spec.retry_duration_s,
            s3_backup: spec.s3_backup,
            backup_bucket: &bucket,
            processing: transform,
        },
        t,
    );
    let (cfn_type_value, tf_source) = match source {
        Some(s) => (
            "KinesisStreamAsSource",
            Some((
                Value::Block(
                    Props::new()
                        .with("KinesisStreamARN", Ref::arn(&s.id))
                        .with("RoleARN", Ref::arn(&role)),
                ),
                Value::Block(
                    Props::new()
                        .with("kinesis_stream_arn", Ref::arn(&s.id))
                        .with("role_arn", Ref::arn(&role)),
                ),
            )),
        ),
        None => ("DirectPut", None),
    };
    let mut comments =
        vec![format!("Delivery stream \"{}\" to \"{}\".", node.label(), dest.label())];
    if dest_spec.destination_type == DestinationType::Opensearch {
        comments.push("Grant the role es:DescribeDomain* and es:ESHttpPost/Put on your domain: it is outside this stack.".into());
    }
    t.add(Resource {
        key: id.clone(),
        cfn_type: "AWS::KinesisFirehose::DeliveryStream",
        tf_type: "aws_kinesis_firehose_delivery_stream",
        cfn: Props::new()
            .with("DeliveryStreamName", name.as_str())
            .with("DeliveryStreamType", cfn_type_value)
            .with_some("KinesisStreamSourceConfiguration", tf_source.as_ref().map(|s| s.0.clone()))
            .with(config.cfn_key, Value::Block(config.cfn)),
        tf: Props::new()
            .with("name", name.as_str())
            .with("destination", config.tf_destination)
            .with_some("kinesis_source_configuration", tf_source.map(|s| s.1))
            .with(config.tf_key, Value::Block(config.tf)),
        depends_on: vec![policy],
        comments,
    });
}
