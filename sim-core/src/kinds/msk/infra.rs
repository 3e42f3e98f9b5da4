//! An MSK cluster in an export: the `AWS::MSK::Cluster` (brokers, broker
//! type, storage; aws-facts.md §10.4) in the VPC subnets and security
//! groups the person deploying gives as parameters (the scenario has no
//! network), and the topic's settings as a comment (a Serverless cluster
//! is an `AWS::MSK::ServerlessCluster`, §10.5): a topic is made with
//! Kafka's own tools, not by CloudFormation or the AWS provider.

use crate::infra::import::{self, Builder, between};
use crate::infra::model::{ParamType, Parameter, Props, Resource, Template, Value};
use crate::infra::names::aws_name;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{BrokerType, MskSpec, Node, NodeSpec};
use crate::validate::Issue;

/// The Kafka version a cluster is created with (aws-facts-more 1.6: the
/// version AWS's own tiered-storage example creates).
const KAFKA_VERSION: &str = "3.6.0";

impl ExportKind for MskSpec {
    /// Adds the cluster and the parameters it needs.
    fn export(&self, node: &Node, _: &Wiring, t: &mut Template) {
        let id = &node.id;
        let label = node.label();
        let subnets = t.parameter(Parameter {
            key: format!("{id}-subnets"),
            kind: ParamType::SubnetIds,
            default: None,
            description: format!(
                "{} subnets of your VPC, one per Availability Zone, for MSK cluster \"{label}\" (its brokers are spread evenly over them).",
                self.availability_zones
            ),
            secret: false,
        });
        let groups = t.parameter(Parameter {
            key: format!("{id}-security-groups"),
            kind: ParamType::SecurityGroupIds,
            default: None,
            description: format!(
                "Security groups of MSK cluster \"{label}\": they must let your producers and consumers reach the brokers."
            ),
            secret: false,
        });
        let name = aws_name(id, 64);
        if self.is_serverless() {
            return export_serverless(node, self, t, name, subnets, groups);
        }
        let volume = self.storage_gib_per_broker;
        t.add(Resource {
            key: id.clone(),
            cfn_type: "AWS::MSK::Cluster",
            tf_type: "aws_msk_cluster",
            cfn: Props::new()
                .with("ClusterName", name.as_str())
                .with("KafkaVersion", KAFKA_VERSION)
                .with("NumberOfBrokerNodes", self.brokers)
                .with(
                    "BrokerNodeGroupInfo",
                    Value::Block(
                        Props::new()
                            .with("InstanceType", self.broker_type.as_str())
                            .with("ClientSubnets", subnets.clone())
                            .with("SecurityGroups", groups.clone())
                            .with(
                                "StorageInfo",
                                Value::Block(Props::new().with(
                                    "EBSStorageInfo",
                                    Value::Block(Props::new().with("VolumeSize", volume)),
                                )),
                            ),
                    ),
                ),
            tf: Props::new()
                .with("cluster_name", name.as_str())
                .with("kafka_version", KAFKA_VERSION)
                .with("number_of_broker_nodes", self.brokers)
                .with(
                    "broker_node_group_info",
                    Value::Block(
                        Props::new()
                            .with("instance_type", self.broker_type.as_str())
                            .with("client_subnets", subnets)
                            .with("security_groups", groups)
                            .with(
                                "storage_info",
                                Value::Block(Props::new().with(
                                    "ebs_storage_info",
                                    Value::Block(Props::new().with("volume_size", volume)),
                                )),
                            ),
                    ),
                ),
            depends_on: Vec::new(),
            comments: vec![
                format!(
                    "MSK cluster \"{label}\": {} brokers over {} Availability Zones.",
                    self.brokers, self.availability_zones
                ),
                topic_note(id, self),
            ],
        });
    }
}

/// The comment that carries the topic's settings (read back by [`import`]).
fn topic_note(id: &str, spec: &MskSpec) -> String {
    format!(
        "Create its topic \"{id}\" with Kafka's tools: {} partitions, replication factor {}, retention.ms={}.",
        spec.partitions,
        spec.replication_factor,
        u64::from(spec.retention_hours) * 3_600_000
    )
}

/// An `AWS::MSK::ServerlessCluster` (aws-facts.md §10.5): no brokers; IAM
/// access control is required (aws-facts-more 2.2), and it sits in the VPC
/// subnets and security groups given as parameters.
fn export_serverless(
    node: &Node,
    spec: &MskSpec,
    t: &mut Template,
    name: String,
    subnets: Value,
    groups: Value,
) {
    let id = &node.id;
    let iam = |enabled: &str| {
        Value::Block(Props::new().with(
            "sasl",
            Value::Block(Props::new().with("iam", Value::Block(Props::new().with(enabled, true)))),
        ))
    };
    t.add(Resource {
        key: id.clone(),
        cfn_type: "AWS::MSK::ServerlessCluster",
        tf_type: "aws_msk_serverless_cluster",
        cfn: Props::new()
            .with("ClusterName", name.as_str())
            .with(
                "ClientAuthentication",
                Value::Block(Props::new().with(
                    "Sasl",
                    Value::Block(
                        Props::new()
                            .with("Iam", Value::Block(Props::new().with("Enabled", true))),
                    ),
                )),
            )
            .with(
                "VpcConfigs",
                Value::List(vec![Value::Block(
                    Props::new()
                        .with("SubnetIds", subnets.clone())
                        .with("SecurityGroups", groups.clone()),
                )]),
            ),
        tf: Props::new()
            .with("cluster_name", name.as_str())
            .with("client_authentication", iam("enabled"))
            .with(
                "vpc_config",
                Value::Block(
                    Props::new().with("subnet_ids", subnets).with("security_group_ids", groups),
                ),
            ),
        depends_on: Vec::new(),
        comments: vec![
            format!("MSK Serverless cluster \"{}\": no brokers to size; 5 MB/s in and 10 MB/s out per partition, 200 MB/s in and 400 MB/s out per cluster.", node.label()),
            topic_note(id, spec),
        ],
    });
}

/// Reads an `AWS::MSK::ServerlessCluster` (the mirror of
/// [`export_serverless`]): the topic from a Shardplay export's comment, or
/// the defaults, listed as assumed.
pub fn import_serverless(
    r: &import::Resource,
    p: &import::Props,
    b: &mut Builder,
) -> Result<(), Issue> {
    let mut spec =
        MskSpec { cluster_type: crate::scenario::ClusterType::Serverless, ..MskSpec::default() };
    read_topic(r, b, &mut spec);
    let name = p.text("ClusterName")?;
    b.add(r, name.as_deref(), NodeSpec::MskCluster(spec));
    Ok(())
}

/// The topic's settings from an export's comment, or an assumption.
fn read_topic(r: &import::Resource, b: &mut Builder, spec: &mut MskSpec) {
    let number = |open: &str, close: &str| {
        r.notes.iter().find_map(|n| between(n, open, close)?.replace(',', "").parse::<u64>().ok())
    };
    let topic = (
        number("tools: ", " partitions"),
        number("replication factor ", ","),
        number("retention.ms=", "."),
    );
    match topic {
        (Some(partitions), Some(rf), Some(ms)) => {
            spec.partitions = partitions as u32;
            spec.replication_factor = rf as u32;
            spec.retention_hours = (ms / 3_600_000) as u32;
        }
        _ => b.assume(format!(
            "{}: its topic is not in a template, so it has {} partitions, replication factor {} and {} hours' retention, read by {} consumers; set them in the inspector.",
            r.id, spec.partitions, spec.replication_factor, spec.retention_hours, spec.consumer_group.consumers
        )),
    }
}

/// Reads an `AWS::MSK::Cluster` (the mirror of its `ExportKind::export`): brokers, broker
/// type and storage. The topic and the consumer group are not
/// CloudFormation's: a Shardplay export's comment carries the topic's
/// settings; otherwise they are the defaults, listed as assumed.
pub fn import(r: &import::Resource, p: &import::Props, b: &mut Builder) -> Result<(), Issue> {
    let d = MskSpec::default();
    let mut spec = MskSpec { brokers: p.whole("NumberOfBrokerNodes")?.unwrap_or(d.brokers), ..d };
    if let Some(group) = p.block("BrokerNodeGroupInfo")? {
        if let Some(kind) = group.text("InstanceType")? {
            spec.broker_type =
                BrokerType::ALL.into_iter().find(|t| t.as_str() == kind).ok_or_else(|| {
                    Issue::new(
                        format!("{}.InstanceType", group.at()),
                        format!("{kind:?} is not a Standard broker type the playground simulates (kafka.m5.*, kafka.m7g.*, kafka.t3.small)"),
                    )
                })?;
        }
        if let Some(ebs) =
            group.block("StorageInfo")?.map(|s| s.block("EBSStorageInfo")).transpose()?.flatten()
        {
            spec.storage_gib_per_broker =
                ebs.whole("VolumeSize")?.unwrap_or(spec.storage_gib_per_broker);
        }
    }

    // An export notes "N brokers over Z Availability Zones." and the topic.
    let number = |open: &str, close: &str| {
        r.notes.iter().find_map(|n| between(n, open, close)?.replace(',', "").parse::<u64>().ok())
    };
    let zones = number(" brokers over ", " Availability Zones");
    // Brokers are a multiple of the zones (aws-facts-more 1.1): without a
    // note, three zones when the count allows, else two.
    spec.availability_zones = match zones {
        Some(z) => z as u32,
        None if spec.brokers.is_multiple_of(3) => 3,
        None => 2,
    };
    read_topic(r, b, &mut spec);
    let name = p.text("ClusterName")?;
    b.add(r, name.as_deref(), NodeSpec::MskCluster(spec));
    Ok(())
}
