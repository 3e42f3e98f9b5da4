//! A Firehose delivery stream in an export: its source (Direct PUT or a
//! stream), buffering hints, transformation function, destination with
//! retries and S3 backup, and its least-privilege role.

use crate::infra::import::{self, Builder};
use crate::infra::model::{Piece, Props, Ref, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::infra::{ExportKind, Wiring, iam};
use crate::kinds::destination::infra::{Delivery, add_bucket, delivery};
use crate::kinds::lambda::infra::{Function, add_function};
use crate::scenario::{
    DestinationSpec, DestinationType, FirehoseSpec, LambdaArch, Node, NodeKind, NodeSpec,
    TransformSpec,
};
use crate::validate::Issue;

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

impl ExportKind for FirehoseSpec {
    /// Adds the delivery stream, its role, its transformation and backup bucket.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template) {
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
        // The conversion's schema is an AWS Glue table the scenario does not have.
        if self.format_conversion {
            t.notes.push(format!(
                "Delivery stream \"{}\" converts records to Parquet or ORC: add a \
                 DataFormatConversionConfiguration naming your AWS Glue table before deploying.",
                node.label()
            ));
        }
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
        let transform = self.transform.as_ref().map(|tr| {
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
            self.transform.as_ref().map(|_| transform_key.as_str()),
        );
        let policy = iam::add_role(t, id, "firehose.amazonaws.com", &statements);
        let role = format!("{id}/role");
        let config = delivery(
            dest,
            dest_spec,
            &Delivery {
                key: id,
                role: &role,
                size_mib: self.buffer_size_mib,
                interval_s: self.buffer_interval_s,
                retry_s: self.retry_duration_s,
                s3_backup: self.s3_backup,
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
                .with_some(
                    "KinesisStreamSourceConfiguration",
                    tf_source.as_ref().map(|s| s.0.clone()),
                )
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
}

/// The destination configurations a delivery stream can have, the
/// destination each is, and the `S3BackupMode` values that back up every
/// record (aws-facts.md §3.3).
const CONFIGS: [(&str, DestinationType, &str); 6] = [
    ("ExtendedS3DestinationConfiguration", DestinationType::S3, ""),
    ("S3DestinationConfiguration", DestinationType::S3, ""),
    ("HttpEndpointDestinationConfiguration", DestinationType::HttpEndpoint, "AllData"),
    ("RedshiftDestinationConfiguration", DestinationType::Redshift, "Enabled"),
    (
        "AmazonopensearchserviceDestinationConfiguration",
        DestinationType::Opensearch,
        "AllDocuments",
    ),
    ("ElasticsearchDestinationConfiguration", DestinationType::Opensearch, "AllDocuments"),
];

/// The delivery stream's destination configuration.
fn config<'a>(
    p: &import::Props<'a>,
) -> Result<Option<(import::Props<'a>, DestinationType, &'static str)>, Issue> {
    for (key, kind, all) in CONFIGS {
        if let Some(c) = p.block(key)? {
            return Ok(Some((c, kind, all)));
        }
    }
    Ok(None)
}

/// A Lambda processor of a processing configuration.
struct Processor {
    /// The function, if it is a resource of the template.
    function: Option<String>,
    /// Its other parameters, by name.
    params: Vec<(String, String)>,
}

/// The transformation of a delivery stream's destination configuration.
fn processor(c: &import::Props) -> Result<Option<Processor>, Issue> {
    let Some(pc) = c.block("ProcessingConfiguration")? else { return Ok(None) };
    if pc.flag("Enabled")? == Some(false) {
        return Ok(None);
    }
    for proc in pc.blocks("Processors")? {
        if proc.text("Type")?.as_deref() != Some("Lambda") {
            continue;
        }
        let mut function = None;
        let mut params = Vec::new();
        for param in proc.blocks("Parameters")? {
            let name = param.text("ParameterName")?.unwrap_or_default();
            if name == "LambdaArn" {
                function = param.reference("ParameterValue")?;
            } else if let Some(value) = param.text("ParameterValue")? {
                params.push((name, value));
            }
        }
        return Ok(Some(Processor { function, params }));
    }
    Ok(None)
}

/// Before nodes are read: the buckets and the transformation function a
/// delivery stream uses are part of it, not nodes of their own (an S3
/// destination's bucket becomes its destination node in [`import`]).
pub fn claim(p: &import::Props, b: &mut Builder) -> Result<(), Issue> {
    let Some((c, _, _)) = config(p)? else { return Ok(()) };
    for key in ["S3Configuration", "S3BackupConfiguration"] {
        if let Some(bucket) = c.block(key)?
            && let Some(id) = bucket.reference("BucketARN")?
        {
            b.claim(&id);
        }
    }
    if let Some(Processor { function: Some(function), .. }) = processor(&c)? {
        b.claim(&function);
    }
    Ok(())
}

/// Reads an `AWS::KinesisFirehose::DeliveryStream` (the mirror of
/// `ExportKind::export`): its source stream, buffering, transformation, retries and
/// backup, and its destination as a node of its own.
pub fn import(r: &import::Resource, p: &import::Props, b: &mut Builder) -> Result<(), Issue> {
    let Some((c, destination_type, backs_up_all)) = config(p)? else {
        return Err(Issue::new(
            p.at(),
            "a delivery stream needs a destination configuration the playground simulates (S3, Redshift, OpenSearch or an HTTP endpoint)",
        ));
    };
    let d = FirehoseSpec::default();
    // aws-facts.md §3.1: Redshift buffers on its staging bucket.
    let hints = match c.block("BufferingHints")? {
        Some(h) => Some(h),
        None => match c.block("S3Configuration")? {
            Some(s3) => s3.block("BufferingHints")?,
            None => None,
        },
    };
    let (size, interval) = match &hints {
        Some(h) => (h.whole("SizeInMBs")?, h.whole("IntervalInSeconds")?),
        None => (None, None),
    };
    let transform = match processor(&c)? {
        Some(Processor { params, .. }) => {
            let td = TransformSpec::default();
            let get = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim());
            let number = |name: &str| -> Result<Option<f64>, Issue> {
                get(name)
                    .map(|v| {
                        v.parse::<f64>().map_err(|_| {
                            Issue::new(
                                format!("{}.ProcessingConfiguration", c.at()),
                                format!("{name} is {v:?}, not a number"),
                            )
                        })
                    })
                    .transpose()
            };
            b.assume(format!(
                "{}: the transformation takes {} ms per invocation plus {} µs per record and keeps the records' size (not in a template).",
                r.id, td.overhead_ms, td.per_record_us
            ));
            Some(TransformSpec {
                retries: number("NumberOfRetries")?.map_or(td.retries, |n| n as u32),
                buffer_size_mb: number("BufferSizeInMBs")?.unwrap_or(td.buffer_size_mb),
                buffer_interval_s: number("BufferIntervalInSeconds")?
                    .map_or(td.buffer_interval_s, |n| n as u64),
                ..td
            })
        }
        None => None,
    };
    let retry = match c.block("RetryOptions")? {
        Some(o) => o.whole("DurationInSeconds")?,
        None => None,
    };
    let spec = FirehoseSpec {
        buffer_size_mib: size.unwrap_or(d.buffer_size_mib),
        buffer_interval_s: interval.map_or(d.buffer_interval_s, u64::from),
        retry_duration_s: retry.map_or(d.retry_duration_s, u64::from),
        s3_backup: destination_type == DestinationType::S3
            || c.text("S3BackupMode")?.as_deref() == Some(backs_up_all),
        transform,
        // aws-facts 3.6: conversion is on once configured, unless disabled.
        format_conversion: match c.block("DataFormatConversionConfiguration")? {
            Some(f) => f.flag("Enabled")?.unwrap_or(true),
            None => false,
        },
    };
    let name = p.text("DeliveryStreamName")?;
    let id = b.add(r, name.as_deref(), NodeSpec::Firehose(spec));
    let source = match p.block("KinesisStreamSourceConfiguration")? {
        Some(s) => s.reference("KinesisStreamARN")?,
        None => None,
    };
    match source.map(|s| b.node_of(&s).map(str::to_string)) {
        Some(Some(stream)) => b.link(&stream, &id),
        Some(None) => {
            return Err(Issue::new(
                format!("{}.KinesisStreamSourceConfiguration.KinesisStreamARN", p.at()),
                "names no Kinesis stream of this template",
            ));
        }
        None => {}
    }
    let dest_spec =
        NodeSpec::Destination(DestinationSpec { destination_type, ..DestinationSpec::default() });
    let bucket = match destination_type {
        DestinationType::S3 => c.reference("BucketARN")?,
        _ => None,
    };
    let bucket_resource = bucket.as_deref().and_then(|k| b.t.resource(k));
    let dest = match bucket_resource {
        Some(res) if !b.is_claimed(&res.id) => match b.node_of(&res.id) {
            Some(existing) => existing.to_string(),
            None => {
                let bucket_name = b.t.props(res).text("BucketName")?;
                b.add(res, bucket_name.as_deref(), dest_spec)
            }
        },
        _ => {
            // An export asks for the endpoint as a parameter named after
            // the destination node (`PartnerUrl`); the node takes that name.
            let endpoint = c.block("EndpointConfiguration")?;
            let named = [
                (endpoint.as_ref().and_then(|e| e.parameter("Url")), "Url"),
                (c.parameter("ClusterJDBCURL"), "JdbcUrl"),
                (c.parameter("DomainARN"), "DomainArn"),
            ]
            .into_iter()
            .find_map(|(param, suffix)| param?.strip_suffix(suffix).filter(|n| !n.is_empty()));
            let label = match &endpoint {
                Some(e) => e.text("Name").ok().flatten(),
                None => None,
            };
            let key = format!("{}/destination", r.id);
            let name = named.map_or(format!("{id}-destination"), str::to_string);
            // An export notes `Delivery stream "A" to "B".`
            let label = label
                .or_else(|| r.labels.get(1).cloned())
                .unwrap_or_else(|| format!("{} destination", r.id));
            b.add_node(&key, &r.id, &name, label, dest_spec)
        }
    };
    b.link(&id, &dest);
    Ok(())
}
