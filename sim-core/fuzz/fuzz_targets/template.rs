//! Any bytes as a CloudFormation template: the import never panics, never
//! hangs, and what it accepts is a valid scenario that exports again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::infra::{Format, export, import::import};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(imported) = import(&text) {
        let _ = export(&imported.scenario, Format::CloudFormationJson);
    }
});
