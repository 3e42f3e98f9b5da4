//! A Managed Service for Apache Flink application in an export: its
//! settings as a note, for now. The application resource needs the job's
//! code (a JAR in S3) and a runtime the scenario does not have, so it is
//! left to the user rather than emitted half-filled.

use crate::infra::Wiring;
use crate::infra::model::Template;
use crate::scenario::{FlinkSpec, Node, NodeKind, ReadMode};

/// Adds a note with what a `AWS::KinesisAnalyticsV2::Application` needs.
pub fn export(node: &Node, spec: &FlinkSpec, w: &Wiring, t: &mut Template) {
    let stream = w.input_of(&node.id, NodeKind::KinesisStream).map_or("no stream", |s| s.label());
    let how = match spec.read_mode {
        ReadMode::Shared => "polling",
        ReadMode::EnhancedFanOut => "enhanced fan-out",
    };
    t.notes.push(format!(
        "Managed Flink application \"{}\" (not exported yet: it needs your job's JAR in S3): reads \"{stream}\" by {how}; ParallelismConfiguration CUSTOM, Parallelism={}, ParallelismPerKPU={}, AutoScalingEnabled={}.",
        node.label(),
        spec.parallelism,
        spec.parallelism_per_kpu,
        spec.autoscaling
    ));
}
