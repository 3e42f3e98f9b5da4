//! A KCL application's validation: a scheduled fault against its
//! parameters. Called by `validate/mod.rs`.

use crate::scenario::{Fault, KclSpec, ProducerSpec, ReadMode};
use crate::validate::{CheckKind, Checker, Wiring};

/// A worker crashed or restarted is one the application has.
pub(crate) fn check_fault(
    check: &mut Checker<'_>,
    path: &str,
    id: &str,
    fault: &Fault,
    k: &KclSpec,
) {
    if let Fault::CrashWorker { worker } | Fault::RestartWorker { worker } = fault
        && *worker >= k.workers
    {
        check.push(
            format!("{path}.op.worker"),
            format!(
                "{worker} is out of range; {id:?} has workers 0 to {}",
                k.workers.saturating_sub(1)
            ),
        );
    }
}

impl CheckKind for KclSpec {
    fn check_params(&self, _: &mut Checker<'_>, _: &str) {}

    fn check_wiring(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn unwired(&self, id: &str) -> Option<String> {
        Some(format!("consumer {id:?} does not read any stream"))
    }

    fn check_fault(&self, check: &mut Checker<'_>, path: &str, id: &str, fault: &Fault) {
        check_fault(check, path, id, fault, self);
    }

    fn check_wired_settings(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn stream_read_mode(&self) -> Option<ReadMode> {
        None
    }

    fn check_producer_records(&self, _: &mut Checker<'_>, _: usize, _: &ProducerSpec, _: &str) {}
}
