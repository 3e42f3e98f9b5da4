//! A Flink application's validation: the rules of its parameters beyond
//! their ranges. Called by `validate/mod.rs`.

use crate::scenario::{Fault, FlinkSpec, MAX_KPUS, ProducerSpec, ReadMode};
use crate::validate::{CheckKind, Checker, Wiring};

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

impl CheckKind for FlinkSpec {
    fn check_params(&self, check: &mut Checker<'_>, path: &str) {
        check_params(check, path, self);
    }

    fn check_wiring(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn unwired(&self, id: &str) -> Option<String> {
        Some(format!("Flink application {id:?} does not read any stream"))
    }

    fn check_fault(&self, check: &mut Checker<'_>, path: &str, id: &str, fault: &Fault) {
        // A scheduled `set_parallelism` within what UpdateApplication takes.
        if let Fault::SetParallelism { parallelism } = fault {
            let most = self.max_parallelism();
            if !(1..=most).contains(parallelism) {
                check.push(
                    format!("{path}.op.parallelism"),
                    format!(
                        "{id:?}: parallelism {parallelism} is out of range; allowed 1 to {most} (parallelism_per_kpu x 64 KPUs)"
                    ),
                );
            }
        }
    }

    fn check_wired_settings(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn stream_read_mode(&self) -> Option<ReadMode> {
        Some(self.read_mode)
    }

    fn check_producer_records(&self, _: &mut Checker<'_>, _: usize, _: &ProducerSpec, _: &str) {}
}
