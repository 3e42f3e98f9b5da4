//! A Firehose destination in an export: an S3 destination is a bucket; for
//! Redshift, OpenSearch and HTTP endpoints (outside the stack) the export
//! asks for their address as parameters. [`delivery`] writes the delivery
//! stream's destination configuration for this destination.

use crate::infra::model::{ParamType, Parameter, Props, Ref, Resource, Template, Value};
use crate::infra::names::bucket_prefix;
use crate::scenario::{DestinationSpec, DestinationType, Node};

/// Adds the destination's bucket (S3 only).
pub fn export(node: &Node, spec: &DestinationSpec, t: &mut Template) {
    if spec.destination_type != DestinationType::S3 {
        return;
    }
    add_bucket(t, &node.id, format!("Bucket of destination \"{}\".", node.label()));
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
    match spec.destination_type {
        DestinationType::S3 => DeliveryConfig {
            cfn_key: "ExtendedS3DestinationConfiguration",
            cfn: Props::new()
                .with("BucketARN", Ref::arn(&node.id))
                .with("RoleARN", role())
                .with("BufferingHints", hints.clone())
                .with_some("ProcessingConfiguration", cfn_proc),
            tf_destination: "extended_s3",
            tf_key: "extended_s3_configuration",
            tf: Props::new()
                .with("role_arn", role())
                .with("bucket_arn", Ref::arn(&node.id))
                .with("buffering_size", d.size_mib)
                .with("buffering_interval", d.interval_s)
                .with_some("processing_configuration", tf_proc),
        },
        DestinationType::HttpEndpoint => {
            let url = string_param(
                t,
                format!("{}-url", node.id),
                format!("HTTPS URL of destination \"{label}\" (outside this stack)."),
                false,
            );
            let mode = if d.s3_backup { "AllData" } else { "FailedDataOnly" };
            DeliveryConfig {
                cfn_key: "HttpEndpointDestinationConfiguration",
                cfn: Props::new()
                    .with(
                        "EndpointConfiguration",
                        Value::Block(Props::new().with("Url", url.clone()).with("Name", label)),
                    )
                    .with("RoleARN", role())
                    .with("BufferingHints", hints.clone())
                    .with("RetryOptions", retry)
                    .with("S3BackupMode", mode)
                    .with("S3Configuration", cfn_s3(false))
                    .with_some("ProcessingConfiguration", cfn_proc),
                tf_destination: "http_endpoint",
                tf_key: "http_endpoint_configuration",
                tf: Props::new()
                    .with("url", url)
                    .with("name", label)
                    .with("role_arn", role())
                    .with("buffering_size", d.size_mib)
                    .with("buffering_interval", d.interval_s)
                    .with("retry_duration", d.retry_s)
                    .with("s3_backup_mode", mode)
                    .with("s3_configuration", tf_s3(false))
                    .with_some("processing_configuration", tf_proc),
            }
        }
        DestinationType::Redshift => {
            let id = &node.id;
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
            DeliveryConfig {
                cfn_key: "RedshiftDestinationConfiguration",
                cfn: Props::new()
                    .with("ClusterJDBCURL", jdbc.clone())
                    .with(
                        "CopyCommand",
                        Value::Block(Props::new().with("DataTableName", table.clone())),
                    )
                    .with("Username", user.clone())
                    .with("Password", password.clone())
                    .with("RoleARN", role())
                    .with("RetryOptions", retry)
                    .with("S3Configuration", cfn_s3(true))
                    .with("S3BackupMode", mode)
                    .with_some("S3BackupConfiguration", d.s3_backup.then(|| cfn_s3(false)))
                    .with_some("ProcessingConfiguration", cfn_proc),
                tf_destination: "redshift",
                tf_key: "redshift_configuration",
                tf: Props::new()
                    .with("role_arn", role())
                    .with("cluster_jdbcurl", jdbc)
                    .with("username", user)
                    .with("password", password)
                    .with("data_table_name", table)
                    .with("retry_duration", d.retry_s)
                    .with("s3_backup_mode", mode)
                    .with("s3_configuration", tf_s3(true))
                    .with_some("s3_backup_configuration", d.s3_backup.then(|| tf_s3(false)))
                    .with_some("processing_configuration", tf_proc),
            }
        }
        DestinationType::Opensearch => {
            let id = &node.id;
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
            DeliveryConfig {
                cfn_key: "AmazonopensearchserviceDestinationConfiguration",
                cfn: Props::new()
                    .with("DomainARN", domain.clone())
                    .with("IndexName", index.clone())
                    .with("RoleARN", role())
                    .with("BufferingHints", hints.clone())
                    .with("RetryOptions", retry)
                    .with("S3BackupMode", mode)
                    .with("S3Configuration", cfn_s3(false))
                    .with_some("ProcessingConfiguration", cfn_proc),
                tf_destination: "opensearch",
                tf_key: "opensearch_configuration",
                tf: Props::new()
                    .with("domain_arn", domain)
                    .with("index_name", index)
                    .with("role_arn", role())
                    .with("buffering_size", d.size_mib)
                    .with("buffering_interval", d.interval_s)
                    .with("retry_duration", d.retry_s)
                    .with("s3_backup_mode", mode)
                    .with("s3_configuration", tf_s3(false))
                    .with_some("processing_configuration", tf_proc),
            }
        }
    }
}
