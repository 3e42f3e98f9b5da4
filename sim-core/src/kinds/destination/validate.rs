//! A destination's validation: the rules of its parameters beyond their
//! ranges. Called by `validate/mod.rs`.

use crate::scenario::{DestinationSpec, Fault, ProducerSpec, ReadMode};
use crate::validate::{CheckKind, Checker, Wiring};

/// Outage windows end after they start.
pub(crate) fn check_params(check: &mut Checker<'_>, path: &str, d: &DestinationSpec) {
    for (i, w) in d.outages.iter().enumerate() {
        if w.to_s <= w.from_s {
            check.push(
                format!("{path}.outages[{i}].to_s"),
                format!(
                    "{} is not after from_s ({}); a window must end after it starts",
                    w.to_s, w.from_s
                ),
            );
        }
    }
}

impl CheckKind for DestinationSpec {
    fn check_params(&self, check: &mut Checker<'_>, path: &str) {
        check_params(check, path, self);
    }

    fn check_wiring(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn unwired(&self, _: &str) -> Option<String> {
        None
    }

    fn check_fault(&self, _: &mut Checker<'_>, _: &str, _: &str, _: &Fault) {}

    fn check_wired_settings(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn stream_read_mode(&self) -> Option<ReadMode> {
        None
    }

    fn check_producer_records(&self, _: &mut Checker<'_>, _: usize, _: &ProducerSpec, _: &str) {}
}
