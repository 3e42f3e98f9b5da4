//! A Firehose destination in an export: an S3 destination is a bucket; for
//! Redshift, OpenSearch and HTTP endpoints (outside the stack) the export
//! asks for their address as parameters. [`delivery`] writes the delivery
//! stream's destination configuration for this destination.

use crate::infra::model::{ParamType, Parameter, Props, Ref, Resource, Template, Value};
use crate::infra::names::bucket_prefix;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{DestinationSpec, DestinationType, Node};

impl ExportKind for DestinationSpec {
    /// Adds the destination's bucket (S3 only).
    fn export(&self, node: &Node, _: &Wiring, t: &mut Template) {
        if self.destination_type != DestinationType::S3 {
            return;
        }
        add_bucket(t, &node.id, format!("Bucket of destination \"{}\".", node.label()));
    }
}

/// Adds a bucket (names are global, so CloudFormation names it and
/// Terraform uses a prefix).
pub fn add_bucket(t: &mut Template, key: &str, comment: String) {
    t.add(Resource {
        key: key.to_string(),
        cfn_type: "AWS::S3::Bucket",
        tf_type: "aws_s3_bucket",
        cfn: Props::new(),
        tf: Props::new().with("bucket_prefix", format!("{}-", bucket_prefix(key))),
        depends_on: Vec::new(),
        comments: vec![comment],
    });
}

/// What a delivery stream shares with every destination configuration.
pub struct Delivery<'a> {
    /// The delivery stream's resource key.
    pub key: &'a str,
    /// Its role's key.
    pub role: &'a str,
    /// `BufferingHints.SizeInMBs`.
    pub size_mib: u32,
    /// `BufferingHints.IntervalInSeconds`.
    pub interval_s: u64,
    /// Retry duration for non-S3 destinations.
    pub retry_s: u64,
    /// Whether everything (not only failures) is backed up to S3.
    pub s3_backup: bool,
    /// The bucket for staging and backup (non-S3 destinations).
    pub backup_bucket: &'a str,
    /// The transformation's processing configuration, per tool.
    pub processing: Option<(Value, Value)>,
}

/// A destination configuration, per tool.
pub struct DeliveryConfig {
    /// CloudFormation property (`ExtendedS3DestinationConfiguration`).
    pub cfn_key: &'static str,
    /// Its value.
    pub cfn: Props,
    /// Terraform `destination` argument.
    pub tf_destination: &'static str,
    /// Terraform block name.
    pub tf_key: &'static str,
    /// Its body.
    pub tf: Props,
}

fn string_param(t: &mut Template, key: String, description: String, secret: bool) -> Value {
    t.parameter(Parameter { key, kind: ParamType::String, default: None, description, secret })
}

/// The destination configuration of delivery stream `d` for this
/// destination (aws-facts.md §3.1 buffering, §3.3 retries and backup).
pub fn delivery(
    node: &Node,
    spec: &DestinationSpec,
    d: &Delivery,
    t: &mut Template,
) -> DeliveryConfig {
    let role = || Ref::arn(d.role);
    let hints = Value::Block(
        Props::new().with("IntervalInSeconds", d.interval_s).with("SizeInMBs", d.size_mib),
    );
    let retry = Value::Block(Props::new().with("DurationInSeconds", d.retry_s));
    let cfn_s3 = |with_hints: bool| {
        let p = Props::new().with("BucketARN", Ref::arn(d.backup_bucket)).with("RoleARN", role());
        Value::Block(if with_hints { p.with("BufferingHints", hints.clone()) } else { p })
    };
    let tf_s3 = |with_hints: bool| {
        let p = Props::new().with("role_arn", role()).with("bucket_arn", Ref::arn(d.backup_bucket));
        Value::Block(if with_hints {
            p.with("buffering_size", d.size_mib).with("buffering_interval", d.interval_s)
        } else {
            p
        })
    };
    let (cfn_proc, tf_proc) = match &d.processing {
        Some((c, f)) => (Some(c.clone()), Some(f.clone())),
        None => (None, None),
    };
    let label = node.label();
    // What every destination other than S3 shares: role, retries, backup
    // mode and bucket, and the buffering hints (Redshift buffers on its
    // staging bucket instead).
    let shared = |cfn: Props, tf: Props, mode: &str, hints_on_bucket: bool| {
        let (cfn, tf) = if hints_on_bucket {
            (cfn, tf)
        } else {
            (
                cfn.with("BufferingHints", hints.clone()),
                tf.with("buffering_size", d.size_mib).with("buffering_interval", d.interval_s),
            )
        };
        (
            cfn.with("RoleARN", role())
                .with("RetryOptions", retry.clone())
                .with("S3BackupMode", mode)
                .with("S3Configuration", cfn_s3(hints_on_bucket))
                .with_some("ProcessingConfiguration", cfn_proc.clone()),
            tf.with("role_arn", role())
                .with("retry_duration", d.retry_s)
                .with("s3_backup_mode", mode)
                .with("s3_configuration", tf_s3(hints_on_bucket))
                .with_some("processing_configuration", tf_proc.clone()),
        )
    };
    let id = &node.id;
    let (cfn_key, tf_destination, tf_key, (cfn, tf)) = match spec.destination_type {
        DestinationType::S3 => (
            "ExtendedS3DestinationConfiguration",
            "extended_s3",
            "extended_s3_configuration",
            (
                Props::new()
                    .with("BucketARN", Ref::arn(id))
                    .with("RoleARN", role())
                    .with("BufferingHints", hints.clone())
                    .with_some("ProcessingConfiguration", cfn_proc.clone()),
                Props::new()
                    .with("role_arn", role())
                    .with("bucket_arn", Ref::arn(id))
                    .with("buffering_size", d.size_mib)
                    .with("buffering_interval", d.interval_s)
                    .with_some("processing_configuration", tf_proc.clone()),
            ),
        ),
        DestinationType::HttpEndpoint => {
            let url = string_param(
                t,
                format!("{id}-url"),
                format!("HTTPS URL of destination \"{label}\" (outside this stack)."),
                false,
            );
            let endpoint = Props::new().with("Url", url.clone()).with("Name", label);
            let mode = if d.s3_backup { "AllData" } else { "FailedDataOnly" };
            (
                "HttpEndpointDestinationConfiguration",
                "http_endpoint",
                "http_endpoint_configuration",
                shared(
                    Props::new().with("EndpointConfiguration", Value::Block(endpoint)),
                    Props::new().with("url", url).with("name", label),
                    mode,
                    false,
                ),
            )
        }
        DestinationType::Redshift => {
            let jdbc = string_param(
                t,
                format!("{id}-jdbc-url"),
                format!("JDBC URL of the Redshift cluster of \"{label}\"."),
                false,
            );
            let table = string_param(
                t,
                format!("{id}-table"),
                format!("Table that \"{label}\" loads into."),
                false,
            );
            let user = string_param(
                t,
                format!("{id}-user"),
                format!("Redshift user for \"{label}\"."),
                false,
            );
            let password = string_param(
                t,
                format!("{id}-password"),
                format!("Redshift password for \"{label}\"."),
                true,
            );
            let mode = if d.s3_backup { "Enabled" } else { "Disabled" };
            let (cfn, tf) = shared(
                Props::new()
                    .with("ClusterJDBCURL", jdbc.clone())
                    .with(
                        "CopyCommand",
                        Value::Block(Props::new().with("DataTableName", table.clone())),
                    )
                    .with("Username", user.clone())
                    .with("Password", password.clone()),
                Props::new()
                    .with("cluster_jdbcurl", jdbc)
                    .with("username", user)
                    .with("password", password)
                    .with("data_table_name", table),
                mode,
                true,
            );
            (
                "RedshiftDestinationConfiguration",
                "redshift",
                "redshift_configuration",
                (
                    cfn.with_some("S3BackupConfiguration", d.s3_backup.then(|| cfn_s3(false))),
                    tf.with_some("s3_backup_configuration", d.s3_backup.then(|| tf_s3(false))),
                ),
            )
        }
        DestinationType::Opensearch => {
            let domain = string_param(
                t,
                format!("{id}-domain-arn"),
                format!("ARN of the OpenSearch domain of \"{label}\"."),
                false,
            );
            let index = string_param(
                t,
                format!("{id}-index"),
                format!("Index that \"{label}\" writes to."),
                false,
            );
            let mode = if d.s3_backup { "AllDocuments" } else { "FailedDocumentsOnly" };
            (
                "AmazonopensearchserviceDestinationConfiguration",
                "opensearch",
                "opensearch_configuration",
                shared(
                    Props::new().with("DomainARN", domain.clone()).with("IndexName", index.clone()),
                    Props::new().with("domain_arn", domain).with("index_name", index),
                    mode,
                    false,
                ),
            )
        }
    };
    DeliveryConfig { cfn_key, cfn, tf_destination, tf_key, tf }
}
