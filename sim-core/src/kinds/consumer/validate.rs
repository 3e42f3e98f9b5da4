//! A polling consumer's validation: nothing beyond its parameter table's ranges,
//! and that it reads something. Called by `validate/mod.rs`.

use crate::scenario::{ConsumerSpec, Fault, ProducerSpec, ReadMode};
use crate::validate::{CheckKind, Checker, Wiring};

impl CheckKind for ConsumerSpec {
    fn check_params(&self, _: &mut Checker<'_>, _: &str) {}

    fn check_wiring(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn unwired(&self, id: &str) -> Option<String> {
        Some(format!("consumer {id:?} does not read any stream"))
    }

    fn check_fault(&self, _: &mut Checker<'_>, _: &str, _: &str, _: &Fault) {}

    fn check_wired_settings(&self, _: &Wiring, _: &mut Checker<'_>, _: usize) {}

    fn stream_read_mode(&self) -> Option<ReadMode> {
        Some(self.read_mode)
    }

    fn check_producer_records(&self, _: &mut Checker<'_>, _: usize, _: &ProducerSpec, _: &str) {}
}
