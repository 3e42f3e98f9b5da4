//! A Flink application's validation: the rules of its parameters beyond
//! their ranges. Called by `validate/mod.rs`.

use crate::scenario::{FlinkSpec, MAX_KPUS};
use crate::validate::Checker;

/// Parallelism within what the KPU quota allows.
pub(crate) fn check_params(check: &mut Checker<'_>, path: &str, f: &FlinkSpec) {
    // aws-facts-more 4.1: Parallelism is at most ParallelismPerKPU
    // times the KPU quota.
    let most = f.max_parallelism();
    if f.parallelism > most {
        check.push(
            format!("{path}.parallelism"),
            format!(
                "{} is out of range; allowed 1 to {most}: parallelism_per_kpu ({}) x the \
                 quota of {} KPUs",
                f.parallelism, f.parallelism_per_kpu, MAX_KPUS
            ),
        );
    }
}
