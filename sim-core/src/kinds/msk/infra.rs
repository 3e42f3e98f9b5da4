//! An MSK cluster in an export: its settings as a note, for now. The
//! `AWS::MSK::Cluster` resource needs subnets and security groups the
//! scenario does not have, so it is left to the user rather than emitted
//! half-filled.

use crate::infra::model::Template;
use crate::scenario::{MskSpec, Node};

/// Adds a note with what an `AWS::MSK::Cluster` needs.
pub fn export(node: &Node, spec: &MskSpec, t: &mut Template) {
    t.notes.push(format!(
        "MSK cluster \"{}\" (not exported yet: it needs your VPC's subnets): NumberOfBrokerNodes={}, InstanceType={}, EBS VolumeSize={} GiB over {} AZs; topic with {} partitions, replication factor {}, retention.ms={}.",
        node.label(),
        spec.brokers,
        spec.broker_type.as_str(),
        spec.storage_gib_per_broker,
        spec.availability_zones,
        spec.partitions,
        spec.replication_factor,
        u64::from(spec.retention_hours) * 3_600_000
    ));
}
