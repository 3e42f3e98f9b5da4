//! A Managed Service for Apache Flink application in an export: its
//! settings as a note, for now. The application resource needs the job's
//! code (a JAR in S3) and a runtime the scenario does not have, so it is
//! left to the user rather than emitted half-filled.

use crate::infra::model::Template;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{FlinkSpec, Node, NodeKind, ReadMode};

impl ExportKind for FlinkSpec {
    /// Exported as a note, not a resource: an import gives it back from
    /// the scenario an export keeps in its metadata.
    fn declared(&self) -> bool {
        false
    }

    /// Adds a note with what a `AWS::KinesisAnalyticsV2::Application` needs.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template) {
        let stream =
            w.input_of(&node.id, NodeKind::KinesisStream).map_or("no stream", |s| s.label());
        let how = match self.read_mode {
            ReadMode::Shared => "polling",
            ReadMode::EnhancedFanOut => "enhanced fan-out",
        };
        t.notes.push(format!(
            "Managed Flink application \"{}\" (not exported yet: it needs your job's JAR in S3): reads \"{stream}\" by {how}; ParallelismConfiguration CUSTOM, Parallelism={}, ParallelismPerKPU={}, AutoScalingEnabled={}.",
            node.label(),
            self.parallelism,
            self.parallelism_per_kpu,
            self.autoscaling
        ));
    }
}
