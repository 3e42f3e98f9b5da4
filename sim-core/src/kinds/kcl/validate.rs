//! A KCL application's validation: a scheduled fault against its
//! parameters. Called by `validate/mod.rs`.

use crate::scenario::{Fault, KclSpec};
use crate::validate::Checker;

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
