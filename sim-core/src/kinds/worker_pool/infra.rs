//! A worker pool in an export: EC2 instances or containers are the
//! reader's own compute, so it becomes a note (how many workers, how they
//! poll), not a resource.

use crate::infra::model::Template;
use crate::infra::{ExportKind, Wiring};
use crate::scenario::{Node, WorkerPoolSpec};

impl ExportKind for WorkerPoolSpec {
    /// An application, not a resource: an import gives it back from the
    /// scenario an export keeps in its metadata.
    fn declared(&self) -> bool {
        false
    }

    /// Adds a note describing the pool.
    fn export(&self, node: &Node, w: &Wiring, t: &mut Template) {
        let queue = w.inputs(&node.id).first().map_or("no queue", |n| n.label()).to_string();
        t.notes.push(format!(
            "Worker pool \"{}\" (your compute, not deployed here): {} workers receiving up to {} messages from \"{queue}\" with WaitTimeSeconds={}.",
            node.label(),
            self.workers,
            self.max_messages,
            self.wait_time_s
        ));
    }
}
